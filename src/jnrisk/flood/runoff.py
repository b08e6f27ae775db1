"""SCS curve-number runoff per raster cell (docs/references.md#scs-cn).

::

    S  = 25400 / CN - 254            [mm]
    Ia = lambda S                     lambda = 0.2 (TR-55) or 0.05 (Hawkins et al. 2002)
    Q  = (P - Ia)^2 / (P - Ia + S)    for P > Ia, else 0     [mm]

With ``ia_ratio=0.05`` the retention is converted with Hawkins' ``S0.05 = 1.33 S0.2^1.15``
(inch form, so S is converted mm -> inch -> mm).

Land-cover codes (the bundled Jinan grid): 1 built-up, 2 forest, 3 farmland, 4 water,
5 bare/grass. Hydrologic soil groups A-D are coded 1-4.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from jnrisk._errors import ConfigError, DataError
from jnrisk.flood._raster import check_aligned

__all__ = [
    "LANDCOVER_CODES",
    "SOIL_GROUP_CODES",
    "DEFAULT_CN_TABLE",
    "curve_number",
    "retention_mm",
    "scs_runoff_mm",
    "runoff_depth",
]

LANDCOVER_CODES = {1: "built-up", 2: "forest", 3: "farmland", 4: "water", 5: "bare/grass"}
SOIL_GROUP_CODES = {1: "A", 2: "B", 3: "C", 4: "D"}

#: Curve numbers by land-cover code and soil group (A, B, C, D). TR-55 table 2-2 values [M]
#: (docs/references.md#scs-cn cites the TR-55 tables; values from memory, so check before production):
#: built-up = "urban districts, commercial and business (85 % impervious)"; forest = "woods,
#: good condition"; farmland = "row crops, straight row, good"; water = 100 (all rain runs
#: off / is stored); bare/grass = "open space, fair condition".
DEFAULT_CN_TABLE: Mapping[int, tuple[float, float, float, float]] = {
    1: (89.0, 92.0, 94.0, 95.0),
    2: (30.0, 55.0, 70.0, 77.0),
    3: (67.0, 78.0, 85.0, 89.0),
    4: (100.0, 100.0, 100.0, 100.0),
    5: (49.0, 69.0, 79.0, 84.0),
}

_MM_PER_INCH = 25.4


def _check_ia_ratio(ia_ratio: float) -> float:
    if ia_ratio not in (0.2, 0.05):
        raise ConfigError(
            f"ia_ratio must be 0.2 (TR-55) or 0.05 (Hawkins et al. 2002), got {ia_ratio!r}."
        )
    return float(ia_ratio)


def retention_mm(cn: np.ndarray | float, *, ia_ratio: float = 0.2) -> np.ndarray:
    """Potential maximum retention S [mm] for the given initial-abstraction ratio.

    Examples
    --------
    >>> float(retention_mm(80.0))
    63.5
    >>> round(float(retention_mm(80.0, ia_ratio=0.05)), 3)
    96.898
    """
    lam = _check_ia_ratio(ia_ratio)
    cn = np.asarray(cn, dtype=np.float64)
    s = 25400.0 / cn - 254.0
    if lam == 0.05:
        s = _MM_PER_INCH * 1.33 * (s / _MM_PER_INCH) ** 1.15
    return s


def scs_runoff_mm(
    rain_mm: np.ndarray | float, cn: np.ndarray | float, *, ia_ratio: float = 0.2
) -> np.ndarray:
    """SCS-CN direct runoff Q [mm] from event rain P [mm] (NaN propagates).

    Examples
    --------
    >>> round(float(scs_runoff_mm(100.0, 80.0)), 4)
    50.5391
    >>> float(scs_runoff_mm(10.0, 100.0))
    10.0
    """
    lam = _check_ia_ratio(ia_ratio)
    p = np.asarray(rain_mm, dtype=np.float64)
    if np.any(p < 0):
        raise DataError(
            f"rain_mm must be >= 0 mm; found minimum {np.nanmin(p):g} mm. "
            f"Negative rain is not physical: check the units and the sign."
        )
    cn = np.asarray(cn, dtype=np.float64)
    bad = (cn <= 0) | (cn > 100)
    if np.any(bad):
        raise DataError(
            f"curve numbers must be in (0, 100]; found {np.unique(cn[bad])[:5].tolist()}."
        )
    s = retention_mm(cn, ia_ratio=lam)
    ia = lam * s
    excess = np.maximum(p - ia, 0.0)
    denom = excess + s
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(denom > 0, excess * excess / np.where(denom > 0, denom, 1.0), 0.0)
    return np.where(np.isnan(p) | np.isnan(cn), np.nan, q)


def _as_codes(da: xr.DataArray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and a validity mask (nodata/NaN cells invalid)."""
    values = np.asarray(da.values)
    valid = np.ones(values.shape, dtype=bool)
    if np.issubdtype(values.dtype, np.floating):
        valid &= np.isfinite(values)
    nodata = da.rio.nodata if hasattr(da, "rio") else None
    if nodata is not None and not (isinstance(nodata, float) and np.isnan(nodata)):
        valid &= values != nodata
    codes = np.where(valid, values, 0)
    if np.issubdtype(values.dtype, np.floating):
        frac = valid & (codes != np.round(codes))
        if frac.any():
            raise DataError(
                f"{name} must hold whole-number class codes; {int(frac.sum()):,} cells are "
                f"fractional (e.g. {codes[frac][0]:g}). Resample categorical grids with "
                f"Resampling.nearest, never bilinear."
            )
    return codes.astype(np.int64), valid


def curve_number(
    landcover: xr.DataArray,
    soil_group: xr.DataArray | int | str = "C",
    *,
    cn_table: Mapping[int, tuple[float, float, float, float]] | None = None,
) -> xr.DataArray:
    """Curve number per cell from land-cover codes and hydrologic soil groups.

    Parameters
    ----------
    landcover
        Land-cover codes (1 built-up, 2 forest, 3 farmland, 4 water, 5 bare/grass, or the keys
        of ``cn_table``); nodata cells give NaN.
    soil_group
        A grid aligned with ``landcover`` holding 1-4 (A-D), or one group for the whole grid
        (``"A"``-``"D"`` or 1-4).
    cn_table
        ``{code: (CN_A, CN_B, CN_C, CN_D)}``; default :data:`DEFAULT_CN_TABLE` (TR-55, [M]).

    Returns
    -------
    xarray.DataArray
        float64 curve numbers (``attrs["units"] = "1"``), same coords and CRS.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lc = xr.DataArray(np.array([[1, 2], [4, 5]]), dims=("y", "x"))
    >>> curve_number(lc, "B").values.tolist()
    [[92.0, 55.0], [100.0, 69.0]]
    """
    table = DEFAULT_CN_TABLE if cn_table is None else cn_table
    for code, row in table.items():
        if len(row) != 4 or any(not (0 < float(v) <= 100) for v in row):
            raise ConfigError(
                f"cn_table[{code!r}] must be 4 curve numbers in (0, 100] for soil groups A-D, "
                f"got {row!r}."
            )
    lc, valid = _as_codes(landcover, "landcover")
    if isinstance(soil_group, xr.DataArray):
        check_aligned(landcover, soil_group, "landcover", "soil_group")
        sg, sg_valid = _as_codes(soil_group, "soil_group")
        valid &= sg_valid
    else:
        letters = {"A": 1, "B": 2, "C": 3, "D": 4}
        key: Any = soil_group.upper() if isinstance(soil_group, str) else soil_group
        group = letters.get(key, key)
        if group not in (1, 2, 3, 4):
            raise ConfigError(f"soil_group must be 'A'-'D' or 1-4, got {soil_group!r}.")
        sg = np.full(lc.shape, group, dtype=np.int64)
    bad_sg = valid & ((sg < 1) | (sg > 4))
    if bad_sg.any():
        raise DataError(
            f"soil_group has codes outside 1-4 (A-D): {np.unique(sg[bad_sg])[:10].tolist()} "
            f"in {int(bad_sg.sum()):,} cells. Recode them or set them to nodata."
        )
    known = np.array(sorted(int(k) for k in table), dtype=np.int64)
    unknown = valid & ~np.isin(lc, known)
    if unknown.any():
        codes, counts = np.unique(lc[unknown], return_counts=True)
        listing = ", ".join(
            f"{c} ({n:,} cells)" for c, n in zip(codes[:10], counts[:10], strict=True)
        )
        raise DataError(
            f"landcover has codes not in the CN table: {listing}. Known codes: "
            f"{known.tolist()}. Add them to cn_table={{code: (CN_A, CN_B, CN_C, CN_D)}} or "
            f"set those cells to nodata."
        )
    lut = np.full((int(known.max()) + 1, 5), np.nan)
    for code, row in table.items():
        lut[int(code), 1:] = [float(v) for v in row]
    cn = np.where(valid, lut[np.where(valid, lc, known[0]), np.where(valid, sg, 1)], np.nan)
    out = xr.DataArray(cn, coords=landcover.coords, dims=landcover.dims, name="curve_number")
    out.attrs = {"units": "1", "long_name": "SCS curve number"}
    if landcover.rio.crs is not None:
        out = out.rio.write_crs(landcover.rio.crs)
    return out.rio.write_nodata(np.nan, encoded=False)


def runoff_depth(
    rain_mm: float | xr.DataArray,
    landcover: xr.DataArray,
    soil_group: xr.DataArray | int | str = "C",
    *,
    cn_table: Mapping[int, tuple[float, float, float, float]] | None = None,
    ia_ratio: float = 0.2,
) -> xr.DataArray:
    """Direct runoff depth per cell [mm] from event rain by SCS-CN.

    Parameters
    ----------
    rain_mm
        Event rain [mm]: one number or a grid aligned with ``landcover``.
    landcover, soil_group, cn_table
        As in :func:`curve_number`.
    ia_ratio
        Initial abstraction ratio lambda: 0.2 (TR-55) or 0.05 (Hawkins, S converted).

    Returns
    -------
    xarray.DataArray
        ``runoff_mm`` (float64, NaN on nodata), same coords and CRS as ``landcover``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lc = xr.DataArray(np.array([[1, 4]]), dims=("y", "x"))
    >>> runoff_depth(100.0, lc, "C").round(2).values.tolist()
    [[82.87, 100.0]]
    """
    _check_ia_ratio(ia_ratio)
    cn = curve_number(landcover, soil_group, cn_table=cn_table)
    if isinstance(rain_mm, xr.DataArray):
        check_aligned(landcover, rain_mm, "landcover", "rain_mm")
        p = np.asarray(rain_mm.values, dtype=np.float64)
    else:
        p = float(rain_mm)
        if not np.isfinite(p):
            raise DataError(f"rain_mm must be a finite depth in mm, got {rain_mm!r}.")
    q = scs_runoff_mm(p, cn.values, ia_ratio=ia_ratio)
    out = cn.copy(data=np.broadcast_to(q, cn.shape).copy())
    out.name = "runoff_mm"
    out.attrs = {"units": "mm", "long_name": f"SCS-CN direct runoff (lambda={ia_ratio:g})"}
    return out
