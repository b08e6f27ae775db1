"""Read an OpenStreetMap ``.osm.pbf`` extract (with pyrosm) into the jnrisk road schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataFileError

__all__ = ["roads_from_osm", "network_from_osm"]

_MODES = {"walk": "walking", "drive": "driving"}
_MPH_TO_KMH = 1.609344
_ONEWAY_TRUE = {"yes", "true", "1"}
_ONEWAY_REVERSE = {"-1", "reverse"}


def _import_pyrosm():
    try:
        import pyrosm
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading .osm.pbf files needs pyrosm: pip install pyrosm "
            "(or build the network from a roads GeoDataFrame with network_from_roads)."
        ) from exc
    return pyrosm


def _parse_maxspeed_kmh(values: Any) -> np.ndarray:
    """OSM ``maxspeed`` strings ("50", "30 mph", "50;60", None) -> km/h (NaN if unknown)."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if not isinstance(v, str):
            continue
        m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", v)
        if m:
            speed = float(m.group(1))
            out[i] = speed * _MPH_TO_KMH if m.group(2) else speed
    return out


def roads_from_osm(
    path: str | Path,
    mode: str = "walk",
    *,
    to_crs: Any = None,
    bounding_box: Any = None,
):
    """Read the street network of a ``.osm.pbf`` file as a jnrisk roads GeoDataFrame.

    Parameters
    ----------
    path : str or Path
        An OpenStreetMap PBF extract (e.g. from Geofabrik or BBBike).
    mode : {"walk", "drive"}
        Which pyrosm network to read (``"walking"`` or ``"driving"``).
    to_crs : CRS, optional
        Metric CRS of the result. By default one that fits the extract: EPSG:4548
        (``jnrisk.ANALYSIS_CRS``) around Jinan, else the UTM zone of the extract's centroid
        (e.g. EPSG:32635 for Helsinki); ``"utm"`` always asks for the UTM zone. A CRS whose
        area of use does not cover the extract draws a :class:`~jnrisk.JnriskWarning`.
    bounding_box : optional
        Passed to ``pyrosm.OSM`` (a shapely Polygon or ``[minx, miny, maxx, maxy]`` in lon/lat).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``edge_id, u, v, length_m, road_class, speed_kmh, lanes, oneway,
        pedestrian, bridge, osm_id``, one row per road segment between OSM nodes;
        ``oneway=-1`` ways are reversed so that ``oneway`` always means u -> v.

    Examples
    --------
    >>> roads = roads_from_osm("jinan.osm.pbf", "drive")  # doctest: +SKIP
    >>> roads[["u", "v", "length_m", "road_class"]].head()  # doctest: +SKIP
    """
    if mode not in _MODES:
        raise ConfigError(f"mode={mode!r} is not allowed; use one of {list(_MODES)}.")
    path = Path(path)
    if not path.is_file():
        raise DataFileError(
            f"OSM file {str(path)!r} does not exist; download an extract (e.g. "
            f"https://download.geofabrik.de/asia/china/shandong.html) and pass its path."
        )
    pyrosm = _import_pyrosm()
    import geopandas as gpd
    import pandas as pd
    import shapely

    try:
        osm = pyrosm.OSM(str(path), bounding_box=bounding_box)
        _, edges = osm.get_network(network_type=_MODES[mode], nodes=True)
    except Exception as exc:  # pyrosm raises plain exceptions on corrupt files
        raise DataFileError(
            f"could not read OSM file {str(path)!r} with pyrosm: {exc}. Check that it is a "
            f"valid .osm.pbf extract."
        ) from exc
    if edges is None or len(edges) == 0:
        raise DataFileError(
            f"OSM file {str(path)!r} has no {_MODES[mode]} roads"
            f"{' inside the bounding box' if bounding_box is not None else ''}."
        )
    col = edges.get
    oneway_raw = col("oneway", pd.Series([None] * len(edges), index=edges.index))
    oneway_str = oneway_raw.astype("string").str.lower().fillna("no").to_numpy(dtype=object)
    reverse = np.isin(oneway_str, list(_ONEWAY_REVERSE))
    oneway = np.isin(oneway_str, list(_ONEWAY_TRUE)) | reverse
    u = edges["u"].to_numpy(dtype=np.int64)
    v = edges["v"].to_numpy(dtype=np.int64)
    geoms = edges.geometry.to_numpy()
    if reverse.any():
        u, v = np.where(reverse, v, u), np.where(reverse, u, v)
        geoms = geoms.copy()
        geoms[reverse] = shapely.reverse(geoms[reverse])
    highway = edges["highway"].astype("string").fillna("").to_numpy(dtype=object)
    foot = col("foot", pd.Series([None] * len(edges), index=edges.index))
    foot_no = foot.astype("string").str.lower().isin(["no"]).to_numpy(dtype=bool)
    lanes = pd.to_numeric(col("lanes", pd.Series(np.nan, index=edges.index)), errors="coerce")
    bridge = col("bridge", pd.Series([None] * len(edges), index=edges.index))
    roads = gpd.GeoDataFrame(
        {
            "edge_id": np.arange(len(edges), dtype=np.int64),
            "u": u,
            "v": v,
            "length_m": pd.to_numeric(edges["length"], errors="coerce").to_numpy(np.float64),
            "road_class": highway,
            "speed_kmh": _parse_maxspeed_kmh(
                col("maxspeed", pd.Series([None] * len(edges))).to_numpy(dtype=object)
            ),
            "lanes": lanes.to_numpy(dtype=np.float64),
            "oneway": oneway,
            "pedestrian": ~(foot_no | np.isin(highway, ["motorway", "motorway_link"])),
            "bridge": bridge.notna().to_numpy() & (bridge.astype("string") != "no").to_numpy(
                dtype=bool, na_value=False
            ),
            "osm_id": pd.to_numeric(col("id", pd.Series(-1, index=edges.index))).to_numpy(),
        },
        geometry=geoms,
        crs=edges.crs if edges.crs is not None else "EPSG:4326",
    )
    from jnrisk._crs import project_to_local

    return project_to_local(roads, to_crs, name=f"OSM file {path.name!r}")


def network_from_osm(
    path: str | Path,
    mode: str = "walk",
    *,
    to_crs: Any = None,
    bounding_box: Any = None,
    **kwargs: Any,
):
    """Build a :class:`~jnrisk.network.RoadNetwork` from a ``.osm.pbf`` extract (pyrosm).

    Reads the roads with :func:`roads_from_osm` and builds with
    :func:`~jnrisk.network.network_from_roads` (``kwargs`` go there). ``net.arc_edge`` then
    indexes the rows of ``roads_from_osm(path, mode, ...)``. Without ``to_crs`` the network
    lands in a CRS that fits the extract (see :func:`roads_from_osm`).

    Examples
    --------
    >>> net = network_from_osm("jinan.osm.pbf", "walk")  # doctest: +SKIP
    """
    from jnrisk.network.roads import network_from_roads

    roads = roads_from_osm(path, mode, to_crs=to_crs, bounding_box=bounding_box)
    return network_from_roads(roads, mode, **kwargs)
