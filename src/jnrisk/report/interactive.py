"""``report_map.html``: an offline interactive map (inline SVG and a few lines of inline script).

No tiles, no CDN: layers are drawn in the city's projected CRS, so the file opens without
internet on any browser. Layers toggle; a click shows a feature's attributes.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import numpy as np
import shapely

from jnrisk.report.format import format_cell
from jnrisk.report.model import MapLayer

__all__ = ["render_map"]

#: SVG units per metre (1 unit = 10 m keeps coordinates short).
_SCALE = 0.1
#: Simplification tolerance of lines and polygons [m].
_TOLERANCE_M = 40.0
#: Point radius [m].
_POINT_R_M = 180.0


def _xy(coords: np.ndarray, x0: float, y1: float) -> str:
    xs = np.round((coords[:, 0] - x0) * _SCALE).astype(np.int64)
    ys = np.round((y1 - coords[:, 1]) * _SCALE).astype(np.int64)
    return " ".join(f"{a} {b}" for a, b in zip(xs, ys, strict=True))


def _path_d(geom: Any, x0: float, y1: float) -> str:
    parts = []
    for g in shapely.get_parts(geom):
        gt = g.geom_type
        if gt == "Polygon":
            for ring in (g.exterior, *g.interiors):
                c = np.asarray(ring.coords)
                if len(c) >= 3:
                    parts.append(f"M{_xy(c, x0, y1)}Z")
        elif gt == "LineString":
            c = np.asarray(g.coords)
            if len(c) >= 2:
                parts.append(f"M{_xy(c, x0, y1)}")
        elif gt.startswith("Multi") or gt == "GeometryCollection":
            parts.append(_path_d(g, x0, y1))
    return "".join(parts)


def _props(row: dict[str, Any], cols: tuple[str, ...]) -> str:
    return html.escape(json.dumps({c: format_cell(row[c], c, is_id=c.endswith("_id"))
                                   for c in cols}, ensure_ascii=False), quote=True)


def _layer_svg(layer: MapLayer, crs: Any, x0: float, y1: float) -> tuple[str, int, str]:
    gdf = layer.frame
    if gdf.crs is not None and crs is not None and gdf.crs != crs:
        gdf = gdf.to_crs(crs)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    geoms = gdf.geometry.to_numpy()
    kinds = shapely.get_type_id(geoms) if len(geoms) else np.zeros(0, int)
    shade = None
    if layer.shade and layer.shade in gdf.columns:
        v = gdf[layer.shade].to_numpy(dtype=float)
        top = np.nanmax(v) if len(v) and np.isfinite(v).any() else 0.0
        shade = np.where(np.isfinite(v) & (top > 0), 0.08 + 0.82 * v / (top or 1.0), 0.08)
    records = gdf.drop(columns="geometry").to_dict("records")
    out = []
    is_poly = bool(len(kinds)) and np.isin(kinds, (3, 6)).all()
    r = max(1, round(_POINT_R_M * _SCALE))
    for i, (g, rec) in enumerate(zip(geoms, records, strict=True)):
        attr = f' data-p="{_props(rec, layer.popup)}"' if layer.popup else ""
        if kinds[i] == 0:  # point
            x, y = g.x, g.y
            if math.isfinite(x) and math.isfinite(y):
                out.append(f'<circle cx="{round((x - x0) * _SCALE)}" '
                           f'cy="{round((y1 - y) * _SCALE)}" r="{r}"{attr}/>')
            continue
        simple = shapely.simplify(g, _TOLERANCE_M, preserve_topology=True)
        d = _path_d(simple, x0, y1)
        if not d:
            continue
        if kinds[i] in (1, 5):  # lines
            out.append(f'<path d="{d}" fill="none" stroke-width="2"{attr}/>')
        else:
            op = f"{shade[i]:.2f}" if shade is not None else f"{layer.fill_opacity:.2f}"
            out.append(f'<path d="{d}" fill-opacity="{op}" stroke-width="0.6"{attr}/>')
    stroke = "#333" if is_poly else layer.colour
    return "\n".join(out), len(out), stroke


def render_map(env: Any, layers: list[MapLayer], *, base: Any, title: str, title_zh: str,
               footer: str) -> str:
    """HTML of the interactive map; ``base`` (districts) sets the extent and is drawn first.

    Examples
    --------
    >>> import geopandas as gpd, jinja2
    >>> from shapely.geometry import Point, box
    >>> env = jinja2.Environment(loader=jinja2.PackageLoader("jnrisk.report", "templates"),
    ...                          autoescape=True)
    >>> base = gpd.GeoDataFrame({"name": ["甲区"], "name_en": ["Jia"]},
    ...                         geometry=[box(0, 0, 1000, 1000)], crs=4548)
    >>> pts = gpd.GeoDataFrame({"shelter_id": [7]}, geometry=[Point(500, 500)], crs=4548)
    >>> page = render_map(env, [MapLayer("Shelters", pts, "#2ca02c", popup=("shelter_id",))],
    ...                   base=base, title="T", title_zh="标题", footer="")
    >>> page.count('type="checkbox"'), "<circle" in page, "http" in page.split("<svg")[0]
    (2, True, False)
    """
    crs = base.crs
    xmin, ymin, xmax, ymax = base.total_bounds
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    x0, y1 = xmin - pad, ymax + pad
    w, h = (xmax - xmin + 2 * pad) * _SCALE, (ymax - ymin + 2 * pad) * _SCALE
    all_layers = [MapLayer("Districts 区县", base[[c for c in ("name", "name_en", "geometry")
                                                   if c in base.columns]], "#f4f4f0",
                           popup=tuple(c for c in ("name", "name_en") if c in base.columns),
                           fill_opacity=1.0),
                  *layers]
    rendered = []
    for layer in all_layers:
        svg, n, stroke = _layer_svg(layer, crs, x0, y1)
        name = f"{layer.name} (darker = more)" if layer.shade else layer.name
        rendered.append({"name": name, "colour": layer.colour, "stroke": stroke,
                         "visible": layer.visible, "svg": svg, "count": n})
    from markupsafe import Markup

    for r in rendered:
        r["svg"] = Markup(r["svg"])  # built from escaped attributes and numbers only
    return env.get_template("map.html.j2").render(
        title=title, title_zh=title_zh, layers=rendered, footer=footer,
        viewbox=f"0 0 {w:.0f} {h:.0f}")
