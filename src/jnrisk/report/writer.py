"""Write a run's folder.

``report.html``, ``report_map.html``, ``figures/``, ``layers.gpkg`` (with descriptions, QGIS
styles and the provenance table), ``metrics.parquet`` and ``summary.json``.

Everything goes into a folder that :func:`jnrisk.report.output.staged_folder` swaps in at the end.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from jnrisk.report.format import table_rows
from jnrisk.report.model import Layer, ReportSection
from jnrisk.report.output import os_errors

__all__ = ["SYNTHETIC_NOTE", "summary_dict", "write_folder"]

SYNTHETIC_NOTE = (
    "Built on the bundled Jinan data: boundaries, census population and official totals are real; "
    "roads, population blocks, shelters, stations, teams, DEM and land cover are SYNTHETIC "
    "(seeded generator, calibrated to published figures; see data/README.md). Results illustrate "
    "the method and are not statements about real places."
)
TITLE = "Jinan disaster-risk report"
TITLE_ZH = "济南市灾害风险评估报告"


def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("jnrisk.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
    )


def _css() -> Any:
    from importlib.resources import files

    from markupsafe import Markup

    return Markup((files("jnrisk.report") / "templates" / "report.css").read_text(encoding="utf-8"))


def _with_font(page: str) -> str:
    """Embed the CJK glyphs the page uses (see :mod:`jnrisk.report.fonts`)."""
    from jnrisk.report.fonts import cjk_font_face

    return page.replace("/*@font-face*/", cjk_font_face(page), 1)


def _write_bytes(path: Path, data: bytes) -> None:
    with os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _tables(s: ReportSection) -> list[dict[str, Any]]:
    out = []
    for t in s.tables:
        cols = [c for c in t.frame.columns if c != "geometry"]
        out.append({"title": t.title, "note": t.note, "rows": table_rows(t.frame, t.ids),
                    "columns": [{"name": str(c), "key": c in t.key} for c in cols]})
    return out


def summary_dict(sections: list[ReportSection], prov: dict[str, Any]) -> dict[str, Any]:
    """Build the machine-readable summary (``summary.json``, ``jnrisk run --json``).

    Examples
    --------
    >>> from jnrisk.report.model import Metric
    >>> s = ReportSection(key="city", title="City", metrics=[Metric("residents", 5, "persons")])
    >>> summary_dict([s], {"jnrisk_version": "0"})["metrics"]
    [{'section': 'city', 'metric': 'residents', 'value': 5.0, 'unit': 'persons'}]
    """
    findings = sorted((f for s in sections for f in s.findings), key=lambda f: f.rank)
    return {
        "provenance": prov,
        "findings": [{"topic": f.topic, "finding": f.finding, "action": f.action}
                     for f in findings],
        "metrics": [{"section": s.key, "metric": m.name, "value": m.value, "unit": m.unit}
                    for s in sections for m in s.metrics],
        "files": ["report.html", "report_map.html", "layers.gpkg", "metrics.parquet",
                  "summary.json"],
    }


def _qml(geom_type: str, colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    rgba = f"{r},{g},{b},255"
    if "Point" in geom_type:
        kind, cls = "marker", "SimpleMarker"
        opts = {"color": rgba, "size": "2.2", "outline_color": "35,35,35,255",
                "outline_width": "0.2"}
    elif "Line" in geom_type:
        kind, cls = "line", "SimpleLine"
        opts = {"line_color": rgba, "line_width": "0.6"}
    else:
        kind, cls = "fill", "SimpleFill"
        opts = {"color": f"{r},{g},{b},110", "outline_color": rgba, "outline_width": "0.3"}
    options = "".join(f'<Option type="QString" name="{k}" value="{v}"/>' for k, v in opts.items())
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<symbols><symbol type="{kind}" name="0" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{cls}" enabled="1" pass="0" locked="0"><Option type="Map">{options}'
        "</Option></layer></symbol></symbols></renderer-v2></qgis>"
    )


def _gpkg_frame(gdf: Any) -> Any:
    """Columns GeoPackage can store: objects as text, index dropped (ids are columns)."""
    out = gdf.reset_index(drop=True).copy()
    for c in out.columns:
        if c != out.geometry.name and out[c].dtype == object:
            out[c] = out[c].map(lambda v: None if v is None else str(v))
    return out


def _write_gpkg(path: Path, layers: list[tuple[str, Layer]], prov: dict[str, Any]) -> None:
    import pyogrio

    styles = []
    with os_errors(path):
        for name, layer in layers:
            frame = _gpkg_frame(layer.frame)
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG",
                                    layer_options={"DESCRIPTION": layer.description,
                                                   "IDENTIFIER": name})
            gt = str(frame.geom_type.dropna().iloc[0]) if frame.geom_type.notna().any() else ""
            styles.append((name, frame.geometry.name, _qml(gt, layer.colour), layer.description))
        con = sqlite3.connect(path)
        try:
            con.executescript(
                "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
                "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
                "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
                "update_time DATETIME DEFAULT CURRENT_TIMESTAMP);"
                "CREATE TABLE IF NOT EXISTS run_provenance (id INTEGER PRIMARY KEY "
                "AUTOINCREMENT, key TEXT NOT NULL, value TEXT);"
            )
            con.executemany(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, 'jnrisk', '')",
                [(n, g, n, q, d) for n, g, q, d in styles])
            flat = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v)
                    for k, v in prov.items()}
            con.executemany("INSERT INTO run_provenance (key, value) VALUES (?, ?)",
                            [(k, str(v)) for k, v in flat.items()])
            for table, desc in (("layer_styles", "QGIS default style of each layer"),
                                ("run_provenance", "jnrisk version, data manifest hash, "
                                                   "parameters and run time of this run")):
                con.execute(
                    "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, "
                    "description, last_change) VALUES (?, 'attributes', ?, ?, "
                    "strftime('%Y-%m-%dT%H:%M:%fZ','now'))", (table, table, desc))
            con.commit()
        finally:
            con.close()


def _write_metrics(path: Path, sections: list[ReportSection], prov: dict[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame(
        [{"section": s.key, "metric": m.name, "value": float(m.value), "unit": m.unit}
         for s in sections for m in s.metrics],
        columns=["section", "metric", "value", "unit"],
    ).astype({"value": "float64"})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"jnrisk_provenance"] = json.dumps(prov, ensure_ascii=False).encode("utf-8")
    with os_errors(path):
        pq.write_table(table.replace_schema_metadata(meta), path)


def write_folder(stage: Path, sections: list[ReportSection], prov: dict[str, Any], *,
                 city: Any) -> dict[str, Any]:
    """Write every file of a run into ``stage``; returns the summary dict.

    ``city`` needs ``districts`` (the base layer of the interactive map).

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 100, 100)], crs=4548))
    >>> prov = {"jnrisk_version": "0", "started_utc": "2024-01-01T00:00:00Z", "run_seconds": 1,
    ...         "data_manifest_sha256": "", "data_dir": "", "parameters": {"year": 2024},
    ...         "sections": []}
    >>> stage = Path(tempfile.mkdtemp())
    >>> _ = write_folder(stage, [ReportSection(key="city", title="City")], prov, city=city)
    >>> sorted(p.name for p in stage.iterdir())
    ['metrics.parquet', 'report.html', 'report_map.html', 'summary.json']
    """
    from jnrisk.report.interactive import render_map

    env = _env()
    ctx_sections = []
    for s in sections:
        figs = []
        for f in s.figures:
            _write_bytes(stage / "figures" / f.file, f.png)
            figs.append({"caption": f.caption, "b64": base64.b64encode(f.png).decode("ascii")})
        ctx_sections.append({"key": s.key, "title": s.title, "title_zh": s.title_zh,
                             "paragraphs": s.paragraphs, "figures": figs,
                             "tables": _tables(s), "seconds": s.seconds})
    findings = sorted((f for s in sections for f in s.findings), key=lambda f: f.rank)
    page = env.get_template("report.html.j2").render(
        title=TITLE, title_zh=TITLE_ZH, css=_css(), prov=prov, synthetic_note=SYNTHETIC_NOTE,
        findings=findings, sections=ctx_sections)
    _write_bytes(stage / "report.html", _with_font(page).encode("utf-8"))

    map_html = render_map(env, [m for s in sections for m in s.map_layers], base=city.districts,
                          title=TITLE, title_zh=TITLE_ZH,
                          footer=f"jnrisk {prov['jnrisk_version']} · {prov['started_utc']}. "
                                 + SYNTHETIC_NOTE)
    _write_bytes(stage / "report_map.html", _with_font(map_html).encode("utf-8"))

    layers = [(lay.name if lay.name.startswith(s.key) else f"{s.key}_{lay.name}", lay)
              for s in sections for lay in s.layers]
    if layers:
        _write_gpkg(stage / "layers.gpkg", layers, prov)
    _write_metrics(stage / "metrics.parquet", sections, prov)
    summary = summary_dict(sections, prov)
    _write_bytes(stage / "summary.json",
                 json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8"))
    return summary
