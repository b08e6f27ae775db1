"""Input checks shared by the network modules (and by callers that take a network)."""

from __future__ import annotations

from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, CRSError

__all__: list[str] = []


def readonly(a: Any, dtype: Any) -> np.ndarray | None:
    """Return a C-contiguous read-only copy of ``a`` (``None`` stays ``None``)."""
    if a is None:
        return None
    out = np.array(a, dtype=dtype, copy=True, order="C")
    out.setflags(write=False)
    return out


def check_option(value: Any, allowed: tuple[str, ...], *, name: str) -> str:
    """Unknown option -> ConfigError listing the allowed ones."""
    if value not in allowed:
        raise ConfigError(f"{name}={value!r} is not allowed; use one of {list(allowed)}.")
    return value


class HasCRS:
    """Adapter so ``metric_crs`` can check a bare CRS value."""

    def __init__(self, crs: Any) -> None:
        self.crs = crs


def check_not_degrees(x: np.ndarray, y: np.ndarray, *, name: str, crs: Any = None) -> None:
    """Catch lon/lat values stored under a metric CRS (the classic ``set_crs`` mistake).

    Degrees are recognised by every coordinate lying within +-180 / +-90 while the extent
    is tiny for metres (< 2 units across).
    """
    if x.size == 0:
        return
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return
    x, y = x[ok], y[ok]
    span = max(float(np.ptp(x)), float(np.ptp(y)))
    inside = (np.abs(x) <= 180).all() and (np.abs(y) <= 90).all()
    if inside and span < 2:
        from jnrisk._crs import local_utm_crs

        utm = local_utm_crs((float(x.min()), float(y.min()), float(x.max()), float(y.max())))
        label = f" {crs.to_string()}" if crs is not None else ""
        raise CRSError(
            f"{name}: coordinates span only {span:.4g} units and all lie within +-180/+-90, "
            f"so they look like degrees (longitude/latitude) although the CRS{label} says "
            f"metres. "
            f"Set the real CRS and project: gdf.set_crs('EPSG:4326', allow_override=True)"
            f".to_crs('{utm.to_string()}') (the local UTM zone of these coordinates)."
        )
