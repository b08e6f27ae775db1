"""Regenerate the synthetic layers of the bundled Jinan city (thin CLI over jnrisk._synth).

Usage: python scripts/generate_jinan.py [--seed 20241231] [--out data/jinan]
The real inputs (boundaries, census) are read from --out, which must already hold them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from jnrisk._synth.generate import DEFAULT_SEED, generate_city, write_city  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=REPO / "data" / "jinan")
    args = ap.parse_args(argv)
    city = generate_city(args.seed, real_dir=args.out)
    manifest = write_city(city, args.out)
    print(json.dumps({"timings_s": city.timings_s, "stats": city.stats}, indent=1,
                     ensure_ascii=False))
    total = sum(f["size_bytes"] for f in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} files, {total / 1e6:.1f} MB, into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
