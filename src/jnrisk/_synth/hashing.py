"""Content hashes: a canonical form of a layer that does not depend on how GDAL wrote the file."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import shapely

COORD_DECIMALS = 7  # 1e-7 degrees (~1 cm) in EPSG:4326
VALUE_DECIMALS = 6


def _column_bytes(s: pd.Series) -> tuple[str, bytes]:
    kind = s.dtype.kind
    if kind in "biu":
        return "i", np.ascontiguousarray(s.to_numpy(np.int64)).tobytes()
    if kind == "f":
        v = np.round(s.to_numpy(np.float64), VALUE_DECIMALS) + 0.0
        return "f", np.ascontiguousarray(v).tobytes()
    return "s", "\x1f".join("" if x is None else str(x) for x in s.tolist()).encode("utf-8")


def vector_content_hash(gdf) -> str:
    """sha256 of sorted columns, values and geometry WKB rounded to 1e-7 (in the stored CRS)."""
    h = hashlib.sha256()
    h.update(f"rows={len(gdf)}".encode())
    geom_name = gdf.geometry.name if hasattr(gdf, "geometry") else None
    for c in sorted(str(c) for c in gdf.columns if c != geom_name):
        kind, data = _column_bytes(gdf[c])
        h.update(f"|{c}:{kind}|".encode())
        h.update(data)
    if geom_name is not None:
        g = np.asarray(gdf.geometry.values, dtype=object)
        g = shapely.transform(g, lambda c: np.round(c, COORD_DECIMALS) + 0.0)
        wkb = shapely.to_wkb(g, output_dimension=2, byte_order=1, include_srid=False)
        h.update(b"|geometry|")
        for w in wkb:
            h.update(w if w is not None else b"")
    return h.hexdigest()


def raster_content_hash(array: np.ndarray, transform, crs: str, nodata) -> str:
    h = hashlib.sha256()
    a = np.ascontiguousarray(array)
    h.update(f"{a.dtype.str}|{a.shape}|{tuple(round(float(t), 6) for t in transform)[:6]}|"
             f"{crs}|{nodata}".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
