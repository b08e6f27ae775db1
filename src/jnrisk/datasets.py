"""The bundled Jinan city: real boundaries and census, synthetic layers made by a seeded generator.

``jinan()`` returns every layer of the bundled city as a :class:`JinanCity`: vectors as
GeoDataFrames projected to the analysis CRS (EPSG:4548), rasters as ``xarray.DataArray`` with a
CRS (rioxarray), ``attrs["units"]`` and nodata. Which layers are real and which are synthetic,
and the schema of every layer, are listed in ``data/README.md``. Files are read once and cached;
every call returns fresh copies, so callers can modify what they get.

Point ``data_dir=`` (or the environment variable ``JNRISK_DATA_DIR``) at a folder with the same
file names to use your own layers.
"""

from __future__ import annotations

import functools
import json
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataFileError, SchemaError
from jnrisk.units import ANALYSIS_CRS, EXCHANGE_CRS

if TYPE_CHECKING:
    import geopandas as gpd
    import xarray as xr

__all__ = [
    "JinanCity",
    "LANDCOVER_CODES",
    "YEARS",
    "data_path",
    "jinan",
    "verify",
]

#: Land-cover codes of ``landcover`` (uint8; 0 = nodata outside the city).
LANDCOVER_CODES: dict[int, str] = {
    1: "built_up",
    2: "forest",
    3: "farmland",
    4: "water",
    5: "bare_grass",
}
#: Years ``jinan(year=...)`` knows: 2023 keeps the 435 shelters built by 2023, 2024 all 630.
YEARS = (2023, 2024)
#: Seed of the bundled synthetic layers (``python scripts/generate_jinan.py`` default).
BUNDLED_SEED = 20241231

_FIX = "re-run `python scripts/generate_jinan.py` (or restore the file from git)"
_GPKG = "jinan_synthetic.gpkg"

#: field -> (file name, layer name or None, required columns)
_VECTORS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "boundary": ("jinan_city.geojson", None, ()),
    "districts": ("jinan_districts.geojson", None, ("adcode", "name", "name_en")),
    "towns": (_GPKG, "towns", ("town_id", "name", "district", "adcode")),
    "population": (
        "jinan_blocks.parquet",
        None,
        ("block_id", "persons", "district", "district_en", "adcode", "town_id", "built_up"),
    ),
    "roads": (
        "jinan_roads.parquet",
        None,
        ("edge_id", "u", "v", "length_m", "road_class", "speed_kmh", "lanes", "oneway",
         "pedestrian", "bridge", "name"),
    ),
    "nodes": ("jinan_road_nodes.parquet", None, ("node_id",)),
    "shelters": (
        _GPKG,
        "shelters",
        ("shelter_id", "name", "class", "effective_area_m2", "built_year", "district", "town_id"),
    ),
    "stations": (_GPKG, "stations", ("station_id", "town_id", "district")),
    "teams": (_GPKG, "teams", ("team_id", "name", "members", "specialty", "district")),
    "fire_forces": (_GPKG, "fire_forces", ("force_id", "name", "members", "vehicles")),
    "candidates": (_GPKG, "candidates", ("candidate_id", "kind", "effective_area_m2")),
    "warehouses": (
        _GPKG,
        "warehouses",
        ("warehouse_id", "name", "level", "capacity_persons", "stock_person_days"),
    ),
    "forest_units": (_GPKG, "forest_units", ("unit_id", "name", "district", "fuel_type")),
    "villages": (_GPKG, "villages", ("village_id", "name", "persons", "unit_id")),
    "water_points": (_GPKG, "water_points", ("water_point_id", "kind", "volume_m3")),
    "lookouts": (_GPKG, "lookouts", ("lookout_id", "name")),
    "depressions": (_GPKG, "depressions", ("depression_id", "depth_m")),
    "river": (_GPKG, "river", ("name",)),
}
_RASTERS = {
    "dem": ("jinan_dem_90m.tif", "m", "elevation_m"),
    "landcover": ("jinan_landcover_90m.tif", "class", "landcover"),
}
_TABLES = {
    "census": "jinan_district_population_census.csv",
    "facts": "jinan_reference_facts.csv",
    "waterlogging_sections": "jinan_waterlogging_road_sections.csv",
}


@dataclass(frozen=True)
class JinanCity:
    """Every layer of the Jinan city; vectors in EPSG:4548, rasters on a 90 m EPSG:4548 grid.

    Real: ``boundary``, ``districts`` (with ``pop_census_2000/2010/2020``), ``census``,
    ``facts``, ``waterlogging_sections``. Everything else is synthetic (``data/README.md``).
    """

    year: int
    data_dir: Path
    boundary: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    population: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame
    shelters: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    teams: gpd.GeoDataFrame
    fire_forces: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    warehouses: gpd.GeoDataFrame
    forest_units: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    water_points: gpd.GeoDataFrame
    lookouts: gpd.GeoDataFrame
    depressions: gpd.GeoDataFrame
    river: gpd.GeoDataFrame
    dem: xr.DataArray
    landcover: xr.DataArray
    census: pd.DataFrame
    facts: pd.DataFrame
    waterlogging_sections: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """One row per layer: kind, rows (or raster shape) and CRS."""
        rows = []
        for name in (*_VECTORS, *_RASTERS, *_TABLES):
            obj = getattr(self, name)
            if name in _RASTERS:
                rows.append((name, "raster", "x".join(map(str, obj.shape)), str(obj.rio.crs)))
            elif name in _TABLES:
                rows.append((name, "table", str(len(obj)), ""))
            else:
                rows.append((name, "vector", str(len(obj)), str(obj.crs.to_string())))
        return pd.DataFrame(rows, columns=["layer", "kind", "size", "crs"])


def data_path() -> Path:
    """Return the folder of the bundled city.

    That is ``$JNRISK_DATA_DIR``, the wheel's ``jnrisk/data/jinan`` or the source tree's
    ``data/jinan``.

    Examples
    --------
    >>> data_path().name
    'jinan'
    """
    env = os.environ.get("JNRISK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve().parent
    for cand in (here / "data" / "jinan", here.parents[1] / "data" / "jinan"):
        if cand.is_dir():
            return cand
    raise DataFileError(
        f"the bundled Jinan data was not found (looked in {here / 'data' / 'jinan'} and "
        f"{here.parents[1] / 'data' / 'jinan'}); set JNRISK_DATA_DIR to a folder with the "
        f"layers, or {_FIX}."
    )


def _stat_key(path: Path) -> tuple[str, int, int]:
    if not path.is_file():
        raise DataFileError(
            f"{path}: file is missing. The Jinan city needs it; {_FIX}, or point data_dir= / "
            f"JNRISK_DATA_DIR at a folder that has it (schemas in data/README.md)."
        )
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def _read_vector(key: tuple[str, int, int], layer: str | None) -> Any:
    import geopandas as gpd

    path = key[0]
    where = f"{path}" + (f" (layer {layer!r})" if layer else "")
    try:
        if path.endswith(".parquet"):
            gdf = gpd.read_parquet(path)
        else:
            gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except ImportError as exc:
        raise ImportError(
            f"reading {path} needs pyarrow (GeoParquet): {exc}. Install a pyarrow that matches "
            f"your numpy (pyarrow >= 20 needs numpy >= 2): pip install 'pyarrow>=14' 'numpy>=2'."
        ) from exc
    except Exception as exc:  # any reader failure means an unreadable file
        raise DataFileError(f"{where}: cannot be read ({type(exc).__name__}: {exc}); "
                            f"the file is corrupt or not a {Path(path).suffix} file; {_FIX}.") from exc
    if gdf.crs is None:
        raise DataFileError(f"{where}: has no CRS; exchange files must be in {EXCHANGE_CRS}. "
                            f"Fix it with gdf.set_crs(...) and write it again, or {_FIX}.")
    return gdf


@functools.lru_cache(maxsize=8)
def _read_raster_cached(key: tuple[str, int, int], units: str, name: str) -> Any:
    import rioxarray

    path = key[0]
    try:
        da = rioxarray.open_rasterio(path, masked=False)
        da = da.squeeze("band", drop=True).load()
    except Exception as exc:  # any reader failure means an unreadable file
        raise DataFileError(f"{path}: cannot be read ({type(exc).__name__}: {exc}); the file is "
                            f"corrupt or not a GeoTIFF; {_FIX}.") from exc
    crs = da.rio.crs
    if crs is None or not crs.is_projected or crs.linear_units not in ("metre", "meter"):
        raise DataFileError(
            f"{path}: raster CRS is {crs}, but rasters must be in a metric CRS "
            f"({ANALYSIS_CRS}) so that cells are square metres; reproject it with "
            f"rioxarray's da.rio.reproject({ANALYSIS_CRS!r}) or {_FIX}."
        )
    da.name = name
    da.attrs["units"] = units
    if name == "landcover":
        da.attrs["codes"] = ", ".join(f"{k}={v}" for k, v in LANDCOVER_CODES.items())
    return da


@functools.lru_cache(maxsize=8)
def _read_table_cached(key: tuple[str, int, int]) -> pd.DataFrame:
    try:
        return pd.read_csv(key[0], dtype={"adcode": str})
    except Exception as exc:  # any reader failure means an unreadable file
        raise DataFileError(f"{key[0]}: cannot be read ({type(exc).__name__}: {exc}); {_FIX}."
                            ) from exc


@functools.lru_cache(maxsize=4)
def _check_manifest_cached(keys: tuple[tuple[str, int, int], ...]) -> None:
    verify(Path(keys[0][0]).parent, _quick=True)


def _resolve_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise ConfigError(f"data_dir must be a folder path (str or pathlib.Path), got "
                          f"{type(data_dir).__name__} {data_dir!r}.")
    d = data_path() if data_dir is None else Path(data_dir).expanduser()
    if not d.is_dir():
        raise DataFileError(f"data_dir {d} is not a folder; pass the folder holding the Jinan "
                            f"layers (see data/README.md) or {_FIX}.")
    return d.resolve()


def jinan(
    year: int = 2024,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    crs: Any = None,
) -> JinanCity:
    """Load the Jinan city (real frame + synthetic layers) for ``year``.

    Parameters
    ----------
    year
        2024 (all 630 shelters) or 2023 (the 435 shelters built by 2023). Other layers do not
        depend on the year.
    data_dir
        Folder with the layer files; default :func:`data_path` (the bundled city). When it has
        a ``MANIFEST.json``, file checksums and the generator seed are checked.
    crs
        Projected CRS of the vector layers. By default one that fits the data
        (``jnrisk._crs.suggest_crs`` of the boundary): EPSG:4548 (``ANALYSIS_CRS``) for Jinan,
        the local UTM zone for another city's folder. A CRS that does not cover the data
        draws a :class:`~jnrisk.JnriskWarning`. Rasters keep the CRS of their files.

    Returns
    -------
    JinanCity
        Vectors as GeoDataFrames in EPSG:4548 (areas and lengths in m², m); ``dem`` [m] and
        ``landcover`` (codes in :data:`LANDCOVER_CODES`) as DataArrays on a 90 m grid.

    Raises
    ------
    ConfigError
        Unknown ``year``.
    DataFileError
        A missing, corrupt or modified file, a file without CRS, vector files in different
        CRSs, or files made with another generator seed.
    SchemaError
        A layer without one of its required columns.

    Examples
    --------
    >>> city = jinan(2023)
    >>> len(city.shelters), city.roads.crs.to_epsg()
    (435, 4548)
    """
    if isinstance(year, (bool, np.bool_)) or not isinstance(year, numbers.Integral) or (
        year not in YEARS
    ):
        raise ConfigError(f"year={year!r} is not available; choose one of {list(YEARS)} "
                          f"(2023: 435 shelters built by 2023; 2024: all 630).")
    d = _resolve_dir(data_dir)
    manifest = d / "MANIFEST.json"
    if manifest.is_file():  # re-checked whenever any file in the folder changes
        _check_manifest_cached(tuple(_stat_key(p) for p in sorted(d.iterdir()) if p.is_file()))

    target = _target_crs(d, crs)
    raw: dict[str, Any] = {}
    crs_seen: dict[str, str] = {}
    for field, (fn, layer, cols) in _VECTORS.items():
        file_crs, gdf = _load_vector_cached(_stat_key(d / fn), layer, target)
        where = f"{d / fn}" + (f" (layer {layer!r})" if layer else "")
        missing = [c for c in cols if c not in gdf.columns]
        if missing:
            raise SchemaError(f"{where}: missing column(s) {missing}; it has "
                              f"{list(gdf.columns)[:20]}. The schema of each layer is in "
                              f"data/README.md; rename the columns or {_FIX}.")
        if crs_seen and file_crs not in crs_seen.values():
            first, first_crs = next(iter(crs_seen.items()))
            raise DataFileError(
                f"vector layers are in different CRSs: {where} is in {file_crs} but {first} is in "
                f"{first_crs}. Write every exchange file in {EXCHANGE_CRS} "
                f"(gdf.to_crs('{EXCHANGE_CRS}')) or {_FIX}."
            )
        crs_seen[where] = file_crs
        raw[field] = gdf
    out: dict[str, Any] = {field: gdf.copy() for field, gdf in raw.items()}
    census = _read_table_cached(_stat_key(d / _TABLES["census"])).copy()
    for c in ("pop_census_2000", "pop_census_2010", "pop_census_2020"):
        if c in census.columns:
            out["districts"][c] = (
                out["districts"]["adcode"].astype(str).map(dict(zip(census["adcode"], census[c],
                                                                    strict=True))).astype("Int64")
            )
    if year == 2023:
        sh = out["shelters"]
        out["shelters"] = sh[sh["built_year"] <= 2023].copy()
    for field, (fn, units, name) in _RASTERS.items():
        out[field] = _read_raster_cached(_stat_key(d / fn), units, name).copy(deep=True)
    tables = {k: _read_table_cached(_stat_key(d / fn)).copy() for k, fn in _TABLES.items()}
    return JinanCity(year=int(year), data_dir=d, **out, census=tables["census"],
                     facts=tables["facts"], waterlogging_sections=tables["waterlogging_sections"])


def _target_crs(d: Path, crs: Any) -> str:
    """Return the vector layers' CRS.

    ``crs`` if given (checked against the data), else one that fits the boundary layer
    (EPSG:4548 for Jinan, the local UTM zone elsewhere).
    """
    from pyproj import CRS

    from jnrisk._crs import suggest_crs, warn_outside_area_of_use

    fn, layer, _ = _VECTORS["boundary"]
    key = _stat_key(d / fn)
    if crs is None:
        return _suggested_crs_cached(key, layer)
    boundary = _read_vector(key, layer)
    try:
        target = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj raises its own CRSError on unknown input
        raise ConfigError(f"crs={crs!r} is not a CRS pyproj knows ({exc}).") from None
    if not target.is_projected:
        raise ConfigError(
            f"crs={crs!r} is not a projected CRS; distances and areas need metres. Use "
            f"{suggest_crs(boundary) or ANALYSIS_CRS} or leave crs unset."
        )
    warn_outside_area_of_use(boundary, target, name=str(d / fn))
    return target.to_string()


@functools.lru_cache(maxsize=8)
def _suggested_crs_cached(key: tuple[str, int, int], layer: str | None) -> str:
    from jnrisk._crs import suggest_crs

    return suggest_crs(_read_vector(key, layer)) or ANALYSIS_CRS


@functools.lru_cache(maxsize=32)
def _load_vector_cached(
    key: tuple[str, int, int], layer: str | None, target: str = ANALYSIS_CRS
) -> tuple[str, Any]:
    """(CRS of the file, the layer projected to ``target``); one cached copy per file."""
    gdf = _read_vector(key, layer)
    return gdf.crs.to_string(), gdf.to_crs(target)


def verify(data_dir: str | os.PathLike[str] | None = None, *, regenerate: bool = False,
           _quick: bool = False) -> dict[str, Any]:
    """Check a data folder against its ``MANIFEST.json`` (and optionally the generator).

    Every listed file must exist and match its sha256, or, if GDAL rewrote it, its content
    hash; the manifest seed must be the bundled seed. With ``regenerate=True`` the synthetic
    layers are rebuilt in memory (about 30-60 s) and their content hashes compared with the
    files, which proves the files come from the generator in this repository.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    DataFileError
        Naming the first file that is missing, modified, or made with another seed.

    Examples
    --------
    >>> verify()["seed"]
    20241231
    """
    d = _resolve_dir(data_dir)
    mpath = d / "MANIFEST.json"
    if not mpath.is_file():
        raise DataFileError(f"{mpath}: file is missing; {_FIX}.")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        files = manifest["files"]
        seed = int(manifest["seed"])
    except Exception as exc:  # any parse failure means a corrupt manifest
        raise DataFileError(f"{mpath}: cannot be parsed ({exc}); {_FIX}.") from exc
    from jnrisk._synth.hashing import file_sha256

    synthetic = sorted(fn for fn, f in files.items() if f.get("kind") == "synthetic")
    if seed != BUNDLED_SEED:
        raise DataFileError(
            f"{d / synthetic[0] if synthetic else mpath}: synthetic layers were generated with "
            f"seed {seed}, but the bundled city uses seed {BUNDLED_SEED} ({mpath}); "
            f"{_FIX} without --seed."
        )
    for fn, info in files.items():
        p = d / fn
        _stat_key(p)
        if file_sha256(p) == info["sha256"]:
            continue
        if info.get("kind") != "synthetic":
            raise DataFileError(f"{p}: real file differs from MANIFEST.json (sha256); restore "
                                f"it from git (git checkout -- {fn}; origin: PROVENANCE.md).")
        got = _file_content_hashes(p, list(info.get("layers", {})))
        bad = [k for k, h in info.get("layers", {}).items() if got.get(k) != h]
        if bad:
            raise DataFileError(f"{p}: content of layer(s) {bad} differs from MANIFEST.json "
                                f"(modified, corrupt or another seed); {_FIX}.")
    if regenerate and not _quick:
        from jnrisk._synth.generate import generate_city

        city = generate_city(BUNDLED_SEED, real_dir=d)
        _compare_hashes(d, files, city.content_hashes())
    return manifest


def _compare_hashes(d: Path, files: dict[str, Any], fresh: dict[str, str]) -> None:
    """Raise DataFileError naming the first file whose layer hash differs from ``fresh``.

    Layers missing from ``fresh`` are not compared.
    """
    for fn, info in files.items():
        for layer, h in info.get("layers", {}).items():
            if layer in fresh and fresh[layer] != h:
                raise DataFileError(
                    f"{d / fn}: layer {layer!r} does not match what the generator in this "
                    f"repository makes with seed {BUNDLED_SEED} (another seed or generator "
                    f"version?); {_FIX}."
                )


def _file_content_hashes(path: Path, layers: list[str]) -> dict[str, str]:
    """Content hashes of the layers stored in ``path`` (as the generator computes them)."""
    from jnrisk._synth.hashing import raster_content_hash, vector_content_hash

    out = {}
    try:
        if path.suffix == ".tif":
            import rasterio

            with rasterio.open(path) as src:
                out[layers[0]] = raster_content_hash(src.read(1), src.transform,
                                                     ANALYSIS_CRS if src.crs else "none",
                                                     _nodata(src.nodata, src.dtypes[0]))
        else:
            import geopandas as gpd

            for layer in layers:
                if path.suffix == ".parquet":
                    gdf = gpd.read_parquet(path)
                else:
                    gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
                out[layer] = vector_content_hash(gdf)
    except Exception as exc:  # any reader failure means an unreadable file
        raise DataFileError(f"{path}: cannot be read ({type(exc).__name__}: {exc}); {_FIX}."
                            ) from exc
    return out


def _nodata(value: float | None, dtype: str) -> Any:
    if value is None:
        return None
    return float(value) if np.dtype(dtype).kind == "f" else int(value)
