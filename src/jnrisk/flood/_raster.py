"""Checks shared by the flood functions that take rasters: minimum size and grid alignment.

A raster needs at least 2 x 2 cells (rioxarray cannot tell the cell size of a single row or
column, and D8 needs neighbours in both directions). Two rasters are aligned when they have
the same shape, the same CRS and the same transform; equal shapes alone are not enough (a
grid shifted by 5 km has the same shape).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from jnrisk._errors import DataError

__all__ = ["check_min_shape", "check_aligned"]


def check_min_shape(da: xr.DataArray, name: str) -> None:
    """Raise :class:`DataError` unless ``da`` is 2-D with at least 2 rows and 2 columns."""
    if da.ndim == 2 and min(da.shape) >= 2:
        return
    raise DataError(
        f"{name} must be a 2-D grid of at least 2 x 2 cells, got shape {tuple(da.shape)}; the "
        f"cell size of a single row or column is undefined. Pass a larger window of the "
        f"raster (e.g. {name}.isel(x=slice(i - 1, i + 2), y=slice(j - 1, j + 2)))."
    )


def _has_coords(da: xr.DataArray) -> bool:
    try:
        return all(d in da.coords for d in (da.rio.x_dim, da.rio.y_dim))
    except Exception:  # rioxarray finds no x/y dimensions
        return False


def check_aligned(ref: xr.DataArray, other: xr.DataArray, ref_name: str, name: str) -> None:
    """Raise :class:`DataError` naming ``name`` unless it is on the same grid as ``ref``.

    Same shape, same CRS (when both have one) and the same transform to 1e-6 of a cell; the
    message gives the offset of ``name``'s origin from ``ref``'s [m].
    """
    fix = (
        f"Resample it first: {name}.rio.reproject_match({ref_name}, "
        f"resampling=Resampling.nearest), or build it from {ref_name}'s grid "
        f"({ref_name}.copy(data=values))."
    )
    if other.shape != ref.shape:
        raise DataError(
            f"{name} has shape {tuple(other.shape)} but {ref_name} is {tuple(ref.shape)}; the "
            f"grids must match cell for cell. {fix}"
        )
    if not _has_coords(other):
        if not _has_coords(ref) and ref.rio.crs is None and other.rio.crs is None:
            return  # two plain arrays: nothing claims a place on the ground

        raise DataError(
            f"{name} has no x/y coordinates, so it cannot be checked against {ref_name}'s grid. "
            f"{fix}"
        )
    problems = []
    rc, oc = ref.rio.crs, other.rio.crs
    if rc is not None and oc is not None and rc != oc:
        problems.append(f"CRS {oc} instead of {rc}")
    ta, tb = ref.rio.transform(), other.rio.transform()
    cell = max(abs(ta.a), abs(ta.e), 1e-12)
    if not np.allclose(tuple(ta)[:6], tuple(tb)[:6], rtol=0, atol=1e-6 * cell):
        dx, dy = tb.c - ta.c, tb.f - ta.f
        what = f"origin offset by ({dx:+,.3f}, {dy:+,.3f}) m"
        if not np.allclose((ta.a, ta.b, ta.d, ta.e), (tb.a, tb.b, tb.d, tb.e), rtol=0,
                           atol=1e-6 * cell):
            what += f", cell size ({tb.a:g}, {tb.e:g}) instead of ({ta.a:g}, {ta.e:g})"
        problems.append(what)
    if problems:
        raise DataError(f"{name} is not aligned with {ref_name}: {'; '.join(problems)}. {fix}")
