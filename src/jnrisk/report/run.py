"""The main job (``jnrisk run``): validate, compute every section, write the folder in one swap."""

from __future__ import annotations

import hashlib
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jnrisk._errors import ConfigError, DataFileError
from jnrisk.report.context import ReportContext, RunParams
from jnrisk.report.model import ReportSection
from jnrisk.report.output import check_target, clean_stale, staged_folder
from jnrisk.report.sections import resolve_sections
from jnrisk.report.writer import write_folder

__all__ = ["RunOutcome", "run_main_job", "write_report"]

#: Packages the report needs beyond the core library (the ``report`` extra).
REPORT_PACKAGES = {"jinja2": "jinja2", "matplotlib_scalebar": "matplotlib-scalebar",
                   "mapclassify": "mapclassify"}


@dataclass(frozen=True)
class RunOutcome:
    """Where the report went and the machine-readable summary of the run."""

    report: Path
    summary: dict[str, Any]


def _check_packages() -> None:
    import importlib.util

    missing = [pip for mod, pip in REPORT_PACKAGES.items() if importlib.util.find_spec(mod) is None]
    if missing:
        raise ConfigError(f"jnrisk run needs {', '.join(missing)}; install them with "
                          f"pip install 'jnrisk[report]'.")


def _data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    from jnrisk.datasets import data_path

    d = Path(data_dir) if data_dir is not None else data_path()
    if not d.is_dir():
        raise DataFileError(f"--data-dir {str(d)!r} is not a folder; point it at a folder with "
                            f"the layer files of the bundled schema (see data/README.md).")
    return d.resolve()


def _manifest_hash(d: Path) -> str:
    m = d / "MANIFEST.json"
    return hashlib.sha256(m.read_bytes()).hexdigest() if m.is_file() else "(no MANIFEST.json)"


def write_report(sections: Sequence[ReportSection], out: str | os.PathLike[str], *, city: Any,
                 provenance: dict[str, Any] | None = None) -> tuple[Path, dict[str, Any]]:
    """Write built sections as a run folder ``out`` (staged, swapped in as a whole).

    Returns the path of ``report.html`` and the summary dict.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 100, 100)], crs=4548))
    >>> out = Path(tempfile.mkdtemp()) / "run"
    >>> path, summary = write_report([ReportSection(key="city", title="City")], out, city=city)
    >>> path.name, summary["findings"]
    ('report.html', [])
    """
    from jnrisk import __version__

    target = check_target(out)
    clean_stale(target)
    prov = provenance or {
        "jnrisk_version": __version__, "data_dir": "", "data_manifest_sha256": "",
        "parameters": RunParams().to_dict(), "sections": [s.key for s in sections],
        "started_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "run_seconds": 0.0,
        "python": platform.python_version(),
    }
    with staged_folder(target) as stage:
        summary = write_folder(stage, list(sections), prov, city=city)
    return target / "report.html", summary


def run_main_job(
    out: str | os.PathLike[str] = "jnrisk-out",
    *,
    year: int = 2024,
    data_dir: str | os.PathLike[str] | None = None,
    sections: Sequence[str] | None = None,
    params: RunParams | None = None,
    basemap: bool = False,
    log: Callable[[str], None] = print,
) -> RunOutcome:
    """Run the default Jinan scenario set and write the report folder ``out``.

    Everything is validated before anything is created; the folder is written next to ``out``
    and swapped in at the end (``out`` holds the previous run or the new one, never a mix).

    Parameters
    ----------
    out
        Output folder (new, empty, or an earlier run's output).
    year
        Shelter inventory year (2023 or 2024).
    data_dir
        Folder with the city's layers in the bundled schema (default: the bundled city).
    sections
        Section keys to run (default all, see :data:`jnrisk.report.sections.SECTION_MODULES`).
    params
        Run parameters (walking limit, storm, fire weather ...); ``year`` and ``basemap``
        override theirs.
    basemap
        Draw web map tiles under the maps where the tile server is reachable (needs
        ``contextily``); never required.
    log
        Where progress lines go (``print`` in the CLI).

    Returns
    -------
    RunOutcome
        Path of ``report.html`` and the summary (also in ``summary.json``).

    Examples
    --------
    Arguments are checked before anything is created:

    >>> run_main_job("never-created", year=2025)
    Traceback (most recent call last):
    ...
    jnrisk._errors.ConfigError: --year 2025 is not available; choose one of [2023, 2024].
    """
    from jnrisk.datasets import YEARS

    if isinstance(year, bool) or year not in YEARS:
        raise ConfigError(f"--year {year!r} is not available; choose one of {list(YEARS)}.")
    params = replace(params or RunParams(), year=int(year), basemap=bool(basemap))
    mods = resolve_sections(list(sections) if sections is not None else None)
    d = _data_dir(data_dir)
    target = check_target(out)
    _check_packages()

    if params.basemap:
        from jnrisk.report.plotting import basemap_reachable

        log("jnrisk: basemap: " + ("tiles reachable, drawn under the maps" if basemap_reachable()
                                   else "contextily or the tile server not available; maps are "
                                        "drawn without tiles"))
    for p in clean_stale(target):
        log(f"jnrisk: removed a leftover of an interrupted run: {p}")
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    log(f"jnrisk: loading the city from {d} (shelter inventory {year}) ...")
    from jnrisk.datasets import jinan

    city = jinan(year, data_dir=d)
    ctx = ReportContext(city=city, params=params, log=log)
    built: list[ReportSection] = []
    for i, mod in enumerate(mods, 1):
        log(f"jnrisk: [{i}/{len(mods)}] {mod.TITLE} ...")
        t = time.perf_counter()
        section = mod.build(ctx)
        section.seconds = time.perf_counter() - t
        built.append(section)
        log(f"jnrisk: [{i}/{len(mods)}] {mod.TITLE}: done in {section.seconds:.1f} s")
    from jnrisk import __version__

    prov = {
        "jnrisk_version": __version__,
        "data_dir": str(d),
        "data_manifest_sha256": _manifest_hash(d),
        "parameters": params.to_dict(),
        "sections": [s.key for s in built],
        "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run_seconds": round(time.perf_counter() - t0, 1),
        "python": platform.python_version(),
    }
    log("jnrisk: writing the report folder ...")
    path, summary = write_report(built, target, city=city, provenance=prov)
    log(f"jnrisk: report written to {path} ({prov['run_seconds']:.0f} s)")
    return RunOutcome(path, summary)
