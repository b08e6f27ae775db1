"""Static maps with context for the report: districts and labels, scale bar, north arrow, legends.

Chinese text in figures uses Noto Sans CJK from the ``noto-cjk-sans-otc`` package (SIL Open Font
License 1.1), registered with matplotlib's font manager on first use, so PNGs render the same on
any machine. Without it, figure labels fall back to English only (never a missing-glyph box).
"""

from __future__ import annotations

import contextlib
import functools
import io
from typing import Any

import numpy as np

__all__ = [
    "add_inset",
    "add_locator",
    "basemap_reachable",
    "draw",
    "cjk_font_available",
    "choropleth",
    "figure_png",
    "label",
    "legend",
    "new_map",
    "pyplot",
]

#: Fallback order: the bundled/depended Noto CJK face first, then the usual system CJK fonts.
CJK_FAMILIES = ("Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
                "Source Han Sans SC")


@functools.lru_cache(maxsize=1)
def _setup() -> bool:
    """Use Agg, register the CJK font and set the font fallback list; True if CJK renders."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import font_manager

    try:
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    except (ImportError, OSError, RuntimeError):
        pass
    names = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [f for f in CJK_FAMILIES if f in names]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [*cjk[:1], "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return bool(cjk)


def cjk_font_available() -> bool:
    """Tell whether figures can render Chinese (the Noto CJK font or a system CJK font is found).

    Examples
    --------
    >>> isinstance(cjk_font_available(), bool)
    True
    """
    return _setup()


def label(zh: str, en: str) -> str:
    """``"中文 English"`` when Chinese renders in figures, else the English text alone.

    Examples
    --------
    >>> label("历下区", "Lixia") in ("历下区 Lixia", "Lixia")
    True
    """
    zh = str(zh or "").strip()
    return f"{zh} {en}".strip() if zh and cjk_font_available() else str(en)


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend with the report's fonts set up.

    Examples
    --------
    >>> pyplot().get_backend().lower()
    'agg'
    """
    _setup()
    import matplotlib.pyplot as plt

    return plt


#: Tile source of the optional basemap (``jnrisk run --basemap``).
BASEMAP_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
BASEMAP_ATTRIBUTION = "© OpenStreetMap contributors"


@functools.lru_cache(maxsize=1)
def basemap_reachable(timeout_s: float = 3.0) -> bool:
    """Tell whether ``contextily`` is installed and the tile server answers within ``timeout_s``.

    The report never needs tiles: without them maps are drawn on the district layer alone.

    Examples
    --------
    >>> isinstance(basemap_reachable(timeout_s=0.5), bool)
    True
    """
    import importlib.util
    import socket
    from urllib.parse import urlsplit

    if importlib.util.find_spec("contextily") is None:
        return False
    host = urlsplit(BASEMAP_URL).hostname or ""
    try:
        with socket.create_connection((host, 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def _basemap(ax: Any, crs: Any) -> None:
    import contextily

    with contextlib.suppress(Exception):  # a tile failure must not fail the report
        contextily.add_basemap(ax, crs=crs, source=BASEMAP_URL, attribution=BASEMAP_ATTRIBUTION,
                               attribution_size=5, zorder=0)


def _north_arrow(ax: Any) -> None:
    ax.annotate("N", xy=(0.955, 0.965), xytext=(0.955, 0.885), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold", fontfamily="DejaVu Sans",
                arrowprops={"facecolor": "black", "width": 3, "headwidth": 9, "headlength": 9},
                zorder=20)


def _scale_bar(ax: Any) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(ScaleBar(1.0, "m", location="lower right", box_alpha=0.7,
                           rotation="horizontal-only", font_properties={"size": 8}))


def _context(ax: Any, city: Any, extent: tuple[float, float, float, float] | None,
             *, labels: bool = True, basemap: bool = False) -> None:
    d = city.districts
    if not basemap:
        d.plot(ax=ax, facecolor="#f4f4f0", edgecolor="none", zorder=0)
    d.boundary.plot(ax=ax, color="0.35", linewidth=0.7, zorder=5)
    if labels:
        xmin, ymin, xmax, ymax = extent if extent else d.total_bounds
        for _, row in d.iterrows():
            p = row.geometry.representative_point()
            if xmin <= p.x <= xmax and ymin <= p.y <= ymax:
                ax.text(p.x, p.y, label(row.get("name", ""), row.get("name_en", "")),
                        fontsize=7, ha="center", va="center", color="0.15", zorder=15,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.6})


def new_map(city: Any, *, title: str, extent: tuple[float, float, float, float] | None = None,
            figsize: tuple[float, float] = (9, 9), labels: bool = True,
            basemap: bool = False) -> tuple[Any, Any]:
    r"""Draw a map of ``city``: district fill, boundaries and labels, scale bar, north arrow.

    ``extent`` is ``(xmin, ymin, xmax, ymax)`` in the city's projected CRS [m]. With
    ``basemap=True`` web map tiles go underneath when :func:`basemap_reachable`.
    Returns ``(figure, axes)``; add layers, then :func:`figure_png`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 5000, 5000)], crs=4548))
    >>> fig, ax = new_map(city, title="Jia")
    >>> figure_png(fig)[:4]
    b'\x89PNG'
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=figsize)
    tiles = basemap and basemap_reachable()
    _context(ax, city, extent, labels=labels, basemap=tiles)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if extent is not None:
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
    if tiles:
        _basemap(ax, city.districts.crs)
    _scale_bar(ax)
    _north_arrow(ax)
    ax.set_title(title, fontsize=11)
    return fig, ax


def add_inset(fig: Any, ax: Any, city: Any, extent: tuple[float, float, float, float], *,
              bounds: tuple[float, float, float, float] = (0.62, 0.02, 0.36, 0.36),
              title: str = "") -> Any:
    """Add a zoomed inset of ``extent`` in the corner of ``ax`` (with the zoom box drawn).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 5000, 5000)], crs=4548))
    >>> fig, ax = new_map(city, title="Jia")
    >>> sub = add_inset(fig, ax, city, (0, 0, 1000, 1000))
    >>> tuple(float(v) for v in sub.get_xlim())
    (0.0, 1000.0)
    """
    sub = ax.inset_axes(list(bounds))
    _context(sub, city, extent, labels=False)
    sub.set_xlim(extent[0], extent[2])
    sub.set_ylim(extent[1], extent[3])
    sub.set_aspect("equal")
    sub.set_xticks([])
    sub.set_yticks([])
    sub.xaxis.label.set_visible(False)  # geopandas and xarray label axes by CRS / coordinate
    sub.yaxis.label.set_visible(False)
    if title:
        sub.set_title(title, fontsize=7)
    _scale_bar(sub)
    ax.indicate_inset_zoom(sub, edgecolor="black")
    return sub


def add_locator(ax: Any, city: Any, extent: tuple[float, float, float, float], *,
                bounds: tuple[float, float, float, float] = (0.72, 0.56, 0.26, 0.28)) -> Any:
    """Add a small map of the whole city in a corner of ``ax``, with ``extent`` outlined in red.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 5000, 5000)], crs=4548))
    >>> fig, ax = new_map(city, title="Jia", extent=(0, 0, 1000, 1000))
    >>> len(add_locator(ax, city, (0, 0, 1000, 1000)).patches)
    1
    """
    from matplotlib.patches import Rectangle

    loc = ax.inset_axes(list(bounds))
    city.districts.plot(ax=loc, facecolor="#f4f4f0", edgecolor="0.4", linewidth=0.4)
    loc.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0], extent[3] - extent[1],
                            fill=False, edgecolor="red", linewidth=1.2))
    loc.set_xticks([])
    loc.set_yticks([])
    loc.xaxis.label.set_visible(False)
    loc.yaxis.label.set_visible(False)
    loc.set_aspect("equal")
    loc.set_title(label("位置", "location"), fontsize=7)
    return loc


def draw(ax: Any, frame: Any, **kwargs: Any) -> None:
    """``frame.plot(ax=ax, **kwargs)`` when it has rows (an empty plot only warns).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 5000, 5000)], crs=4548))
    >>> fig, ax = new_map(city, title="Jia")
    >>> draw(ax, city.districts.iloc[0:0], color="red")  # nothing drawn, no warning
    """
    if frame is not None and len(frame):
        frame.plot(ax=ax, **kwargs)


def choropleth(ax: Any, areas: Any, column: str, *, cmap: str = "Reds", k: int = 5,
               zero_label: str | None = None, fmt: str = "{:,.0f}") -> list[Any]:
    """Shade ``areas`` by ``column`` in ``k`` Fisher-Jenks classes.

    Returns one legend handle per class (add the map's other symbols, then :func:`legend`).

    Areas with value 0 get their own white class (``zero_label``) so "none" is never mixed
    with "few".

    Examples
    --------
    >>> import geopandas as gpd
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> city = SimpleNamespace(districts=gpd.GeoDataFrame(
    ...     {"name": ["甲区"], "name_en": ["Jia"]}, geometry=[box(0, 0, 5000, 5000)], crs=4548))
    >>> areas = gpd.GeoDataFrame({"n": [0, 5, 50]}, crs=4548, geometry=[
    ...     box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)])
    >>> fig, ax = new_map(city, title="Jia")
    >>> [h.get_label() for h in choropleth(ax, areas, "n", k=2, zero_label="none")]
    ['none', '5 – 5', '5 – 50']
    """
    import mapclassify
    from matplotlib.patches import Patch

    plt = pyplot()
    v = areas[column].to_numpy(dtype=float)
    pos = v > 0
    handles = []
    if zero_label is not None and (~pos).any():
        areas[~pos].plot(ax=ax, facecolor="white", edgecolor="0.6", linewidth=0.3, zorder=1)
        handles.append(Patch(facecolor="white", edgecolor="0.6", label=zero_label))
        vals = v[pos]
        sub = areas[pos]
    else:
        vals, sub = v, areas
    if len(vals):
        k_eff = int(min(k, max(1, len(np.unique(vals)))))
        cls = mapclassify.FisherJenks(vals, k=k_eff) if k_eff > 1 else None
        bins = cls.bins if cls is not None else np.array([vals.max()])
        yb = cls.yb if cls is not None else np.zeros(len(vals), dtype=int)
        colours = plt.get_cmap(cmap)(np.linspace(0.25, 0.95, len(bins)))
        lo = float(vals.min())
        for i, hi in enumerate(bins):
            part = sub[yb == i]
            part.plot(ax=ax, facecolor=colours[i], edgecolor="0.5", linewidth=0.3, zorder=1)
            handles.append(Patch(facecolor=colours[i], edgecolor="0.5",
                                 label=f"{fmt.format(lo)} – {fmt.format(hi)}"))
            lo = float(hi)
    return handles


def legend(ax: Any, handles: list[Any], title: str = "", *, loc: str = "upper left") -> None:
    """Draw the map's legend: every colour class and symbol, in the order given.

    Examples
    --------
    >>> from matplotlib.patches import Patch
    >>> fig, ax = pyplot().subplots()
    >>> legend(ax, [Patch(label="class 1")], "persons")
    >>> ax.get_legend().get_title().get_text()
    'persons'
    """
    ax.legend(handles=handles, title=title or None, loc=loc, fontsize=7, title_fontsize=8,
              framealpha=0.9)


def figure_png(fig: Any, *, dpi: int = 110) -> bytes:
    r"""Render a matplotlib figure to PNG bytes and close it.

    Examples
    --------
    >>> fig, ax = pyplot().subplots()
    >>> figure_png(fig)[:4]
    b'\x89PNG'
    """
    plt = pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
