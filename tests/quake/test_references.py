"""Sources stay inside the repository: every cited key exists in docs/references.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "jnrisk"
REFS = ROOT / "docs" / "references.md"


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in SRC.rglob("*.py")}


def test_every_cited_key_has_an_entry() -> None:
    keys = set(re.findall(r"^### ([a-z0-9-]+)\s*$", REFS.read_text(encoding="utf-8"), re.M))
    assert len(keys) >= 40
    missing = {
        (p.relative_to(ROOT).as_posix(), k)
        for p, text in _sources().items()
        for k in re.findall(r"references\.md#([a-z0-9-]+)", text)
        if k not in keys
    }
    assert not missing, sorted(missing)


def test_every_entry_is_tagged() -> None:
    text = REFS.read_text(encoding="utf-8")
    blocks = re.split(r"^### ", text, flags=re.M)[1:]
    untagged = [b.split("\n", 1)[0] for b in blocks
                if "verified" not in b.lower() and "assumed" not in b.lower()
                and "synthetic" not in b.lower()]
    assert not untagged, untagged


def test_nothing_points_outside_the_repository() -> None:
    bad = {
        p.relative_to(ROOT).as_posix()
        for p, text in _sources().items()
        if "domain.md" in text or "/work/" in text or "/shared/" in text
    }
    assert not bad, sorted(bad)
