"""The main job (``jnrisk run``): the default Jinan scenario set and its report folder.

The report is built from independent sections. Each section takes the loaded city (and shared
intermediate results such as the walk network) and returns tables, figures, layers and metrics;
the writer turns them into ``report.html`` (self-contained: PNGs embedded), ``layers.gpkg``,
``metrics.parquet`` and one PNG per figure. Every file is written to a temporary name and renamed,
so an interrupted run never leaves a half-written report behind.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jnrisk._errors import DataFileError

__all__ = ["ReportSection", "run_main_job", "write_report"]

SYNTHETIC_NOTE = (
    "Built on the bundled Jinan data: boundaries, census population and official totals are real; "
    "roads, population blocks, shelters, stations, teams, DEM and land cover are SYNTHETIC "
    "(seeded generator, calibrated to published figures; see data/README.md). Results illustrate "
    "the method and are not statements about real places."
)


@dataclass
class ReportSection:
    """One section of the report."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[tuple[str, str, bytes]] = field(default_factory=list)  # (file, caption, png)
    layers: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


_UMASK = os.umask(0)
os.umask(_UMASK)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Call ``writer(tmp_path)`` then rename; ``tmp_path`` keeps the suffix (drivers need it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
    tmp.unlink(missing_ok=True)
    try:
        writer(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _table_html(title: str, df: pd.DataFrame) -> str:
    fmt = df.copy()
    for col in fmt.columns:
        if pd.api.types.is_float_dtype(fmt[col]):
            fmt[col] = fmt[col].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
        elif pd.api.types.is_integer_dtype(fmt[col]):
            fmt[col] = fmt[col].map(lambda v: f"{v:,}")
    return f"<h3>{html.escape(title)}</h3>\n" + fmt.to_html(index=False, border=0, escape=True)


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em} h2{border-bottom:2px solid #c33;padding-bottom:.2em;margin-top:2em}
.note{background:#fff4e5;border-left:4px solid #f90;padding:.6em 1em;margin:1em 0}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0 1.5em}
th,td{padding:.25em .7em;text-align:right;border-bottom:1px solid #ddd}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
figure{margin:1em 0} figcaption{font-size:.9em;color:#555} img{max-width:100%}
.meta{color:#666;font-size:.85em}
"""


def write_report(sections: list[ReportSection], out: Path, *, title: str, meta: str) -> Path:
    """Write ``report.html``, figures, ``layers.gpkg`` and ``metrics.parquet`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p class='meta'>{html.escape(meta)}</p>",
        f"<p class='note'>{html.escape(SYNTHETIC_NOTE)}</p>",
        "<h2>Contents</h2><ol>",
    ]
    parts += [f"<li><a href='#{s.key}'>{html.escape(s.title)}</a></li>" for s in sections]
    parts.append("</ol>")
    metrics_rows = []
    for s in sections:
        parts.append(f"<h2 id='{s.key}'>{html.escape(s.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        for fname, caption, png in s.figures:
            _atomic_write_bytes(out / "figures" / fname, png)
            b64 = base64.b64encode(png).decode("ascii")
            parts.append(
                f"<figure><img alt='{html.escape(caption)}' src='data:image/png;base64,{b64}'>"
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
        parts += [_table_html(t, df) for t, df in s.tables]
        parts.append(f"<p class='meta'>section computed in {s.seconds:.1f} s</p>")
        metrics_rows += [
            {"section": s.key, "metric": k, "value": str(v), "value_num": _num(v)}
            for k, v in s.metrics.items()
        ]
    parts.append("</body></html>")
    _atomic_write_bytes(out / "report.html", "\n".join(parts).encode("utf-8"))

    metrics = pd.DataFrame(metrics_rows, columns=["section", "metric", "value", "value_num"])
    _atomic_write_with(out / "metrics.parquet", lambda p: metrics.to_parquet(p, index=False))

    layers = [(f"{s.key}_{name}", gdf) for s in sections for name, gdf in s.layers.items()]
    if layers:

        def _write_gpkg(tmp: Path) -> None:
            for name, gdf in layers:
                gdf.to_file(tmp, layer=name, driver="GPKG")

        _atomic_write_with(out / "layers.gpkg", _write_gpkg)
    return out / "report.html"


def _num(v: Any) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def run_main_job(
    out: str | os.PathLike = "jnrisk-out",
    *,
    year: int = 2024,
    log: Callable[[str], None] = print,
) -> Path:
    """Run the default Jinan scenario set on the bundled data and write the report folder.

    Parameters
    ----------
    out
        Output folder; created if missing. Existing report files are replaced atomically.
    year
        Shelter inventory year (2023: 435 sites; 2024: 630 sites).
    log
        Where progress lines go (``print`` for the CLI).

    Returns
    -------
    pathlib.Path
        Path of ``report.html``.
    """
    from jnrisk import datasets
    from jnrisk import sections as S

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataFileError(
            f"cannot write to output folder {str(out)!r} ({exc.strerror}); choose another with --out"
        ) from exc

    t0 = time.perf_counter()
    log(f"jnrisk: loading the bundled Jinan city (shelter inventory {year}) ...")
    city = datasets.jinan(year=year)
    ctx: dict[str, Any] = {"load_s": time.perf_counter() - t0}
    sections: list[ReportSection] = []
    for name, fn in S.SECTIONS:
        log(f"jnrisk: {name} ...")
        t = time.perf_counter()
        section = fn(city, ctx)
        section.seconds = time.perf_counter() - t
        sections.append(section)
        for line in section.metrics.get("_console", []):
            log(line)
        section.metrics.pop("_console", None)
        log(f"jnrisk: {name} done in {section.seconds:.1f} s")
    total = time.perf_counter() - t0
    meta = f"jnrisk run, shelter inventory {year}, total {total:.0f} s"
    path = write_report(sections, out, title="Jinan disaster-risk report (jnrisk)", meta=meta)
    log(f"jnrisk: report written to {path.resolve()} ({total:.0f} s)")
    return path
