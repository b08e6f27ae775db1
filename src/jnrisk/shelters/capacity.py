"""Shelter capacity in persons from effective area and a per-capita standard.

``capacity_persons = floor(effective_area_m2 / m2_per_person(class))``
(docs/references.md#shelter-capacity). The per-capita area comes from a named, overridable
:class:`PerCapitaStandard`; the planner chooses it (``standard=``). The standards disagree:
:func:`standards_table` lays them side by side and flags the conflicts (for emergency
shelters GB 51143's commonly quoted 0.5 m² gives twice the capacity of GB 50413-2007's 1 m²).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from jnrisk import _validate
from jnrisk._errors import ConfigError, DataError, SchemaError

__all__ = [
    "PerCapitaStandard",
    "STANDARDS",
    "GB50413_SITE_MIN_AREA_M2",
    "standards_table",
    "shelter_capacity",
    "validate_shelters",
]


@dataclass(frozen=True)
class PerCapitaStandard:
    """Effective shelter area per person [m²] by shelter class (or stay length).

    ``m2_per_person`` maps a class label to m²/person; the key ``"*"`` applies to every class
    not listed. ``source`` is quoted in reports.

    Examples
    --------
    >>> PerCapitaStandard("x", {"*": 2.0}, "test").for_class("fixed")
    2.0
    """

    name: str
    m2_per_person: Mapping[str, float]
    source: str

    def __post_init__(self) -> None:
        bad = {
            k: v
            for k, v in self.m2_per_person.items()
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0)
        }
        if bad or not self.m2_per_person:
            raise ConfigError(
                f"PerCapitaStandard {self.name!r}: m2_per_person values must be finite and > 0 "
                f"(got {bad or 'an empty mapping'})."
            )
        object.__setattr__(self, "m2_per_person", MappingProxyType(dict(self.m2_per_person)))

    def for_class(self, shelter_class: Any) -> float:
        """m²/person for one class; :class:`ConfigError` listing the known classes if absent."""
        key = str(shelter_class)
        if key in self.m2_per_person:
            return float(self.m2_per_person[key])
        if "*" in self.m2_per_person:
            return float(self.m2_per_person["*"])
        raise ConfigError(
            f"standard {self.name!r} has no per-capita area for shelter class {key!r}; known "
            f"classes: {sorted(self.m2_per_person)}. Pass a PerCapitaStandard with that class "
            f"or a '*' default."
        )


#: Named per-capita standards (docs/references.md#shelter-capacity). Each ``source`` says
#: whether its value was checked (verified) or is assumed.
STANDARDS: Mapping[str, PerCapitaStandard] = MappingProxyType(
    {
        "gb50413": PerCapitaStandard(
            "gb50413",
            {"emergency": 1.0, "fixed": 2.0, "central": 2.0},
            "GB 50413-2007 城市抗震防灾规划标准 8.2.8: emergency shelters >= 1 m² and fixed "
            "shelters >= 2 m² effective area per person (central shelters are fixed shelters "
            "with city-level functions, so 2 m²) [verified, docs/references.md#gb50413-2007]",
        ),
        "jinan_2024": PerCapitaStandard(
            "jinan_2024",
            {"*": 2.0},
            "Jinan policy value, >= 2 m² effective area per person in the built-up area (2024 "
            "press conference; jinan_reference_facts.csv) [V]",
        ),
        "gb21734_min": PerCapitaStandard(
            "gb21734_min",
            {"*": 1.5},
            "GB 21734-2008 地震应急避难场所: per-capita living area > 1.5 m² [verified, docs/references.md#gb21734-2008]",
        ),
        "jinan_2035": PerCapitaStandard(
            "jinan_2035",
            {"*": 3.0},
            "Jinan 2035 target, 3.0 m² effective shelter area per resident (五级三类) [V]",
        ),
        "gb51143_stay": PerCapitaStandard(
            "gb51143_stay",
            {
                "emergency": 0.5,
                "temporary": 1.0,
                "short_term": 2.0,
                "mid_term": 3.0,
                "long_term": 4.5,
                "central": 4.5,
            },
            "GB 51143-2015 (2021 edition; partial revision in force 2022-03-01) / GB/T "
            "51327-2018 per-capita effective area by refuge period as commonly quoted "
            "[assumed: the table and the 2021 revised clauses were not retrieved; "
            "docs/references.md#gb51143-2015]. Its emergency 0.5 m² doubles emergency "
            "capacity against GB 50413-2007 (1 m²)",
        ),
    }
)

#: GB 50413-2007 8.2.9 site minimums [m²] by shelter type (emergency >= 0.1 ha, fixed >= 1 ha,
#: central >= 50 ha; docs/references.md#gb50413-2007). Used by :func:`standards_table` and
#: to flag undersized sites.
GB50413_SITE_MIN_AREA_M2: Mapping[str, float] = MappingProxyType(
    {"emergency": 1_000.0, "fixed": 10_000.0, "central": 500_000.0}
)


def standards_table(classes: Any = ("emergency", "fixed", "central")) -> pd.DataFrame:
    """Per-capita area [m²/person] of every named standard by shelter class, with conflicts.

    One row per ``(standard, shelter_class)`` with ``m2_per_person``,
    ``capacity_vs_gb50413`` (capacity of the same area under this standard divided by the
    capacity under GB 50413-2007; 2.0 means the standard houses twice as many people),
    ``conflict`` (True when the ratio differs from 1 by more than 1 %) and ``source``.
    GB 51143's refuge-period classes are matched to GB 50413's types as emergency ->
    ``emergency`` and fixed -> ``short_term`` (its smallest fixed-shelter value).

    Examples
    --------
    >>> t = standards_table().set_index(["standard", "shelter_class"])
    >>> float(t.loc[("gb51143_stay", "emergency"), "capacity_vs_gb50413"])
    2.0
    >>> bool(t.loc[("gb50413", "fixed"), "conflict"])
    False
    """
    gb = STANDARDS["gb50413"]
    alias = {"gb51143_stay": {"fixed": "short_term"}}
    rows = []
    for name, std in STANDARDS.items():
        for cls in classes:
            key = alias.get(name, {}).get(cls, cls)
            try:
                m2 = std.for_class(key)
            except ConfigError:
                continue
            ratio = gb.for_class(cls) / m2
            rows.append(
                {
                    "standard": name,
                    "shelter_class": cls,
                    "m2_per_person": m2,
                    "capacity_vs_gb50413": ratio,
                    "conflict": abs(ratio - 1.0) > 0.01,
                    "site_min_area_m2_gb50413": GB50413_SITE_MIN_AREA_M2.get(cls, np.nan),
                    "source": std.source,
                }
            )
    return pd.DataFrame(rows)


def _standard(standard: PerCapitaStandard | str | float) -> PerCapitaStandard:
    if isinstance(standard, PerCapitaStandard):
        return standard
    if isinstance(standard, str):
        if standard in STANDARDS:
            return STANDARDS[standard]
        raise ConfigError(
            f"unknown per-capita standard {standard!r}; allowed: {sorted(STANDARDS)}, a number "
            f"of m² per person, or a PerCapitaStandard."
        )
    if isinstance(standard, int | float):
        return PerCapitaStandard(f"{standard:g} m²/person", {"*": float(standard)}, "user value")
    raise ConfigError(
        f"standard must be a name, a number or a PerCapitaStandard, not {standard!r}."
    )


def validate_shelters(
    shelters: Any,
    *,
    area_col: str = "effective_area_m2",
    class_col: str | None = "class",
    id_col: str | None = None,
    check_overlaps: bool = True,
    overlap_tol_m2: float = 1.0,
    name: str = "shelters",
) -> np.ndarray:
    """Check a shelter layer and return its effective areas [m²] as float64.

    Checks, collected and raised once: a metric CRS (:class:`~jnrisk.CRSError`); the area and
    class columns (:class:`~jnrisk.SchemaError`); areas present, finite and > 0; classes present;
    unique ids (``id_col``, or the index when ``None``); valid geometry; polygons that overlap by
    more than ``overlap_tol_m2`` (:class:`~jnrisk.DataError`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame({"class": ["emergency", "fixed"],
    ...                       "effective_area_m2": [5_000.0, 30_001.0]},
    ...                      geometry=[box(0, 0, 50, 100), box(100, 0, 300, 200)], crs="EPSG:4548")
    >>> validate_shelters(s).tolist()
    [5000.0, 30001.0]
    >>> validate_shelters(s.assign(effective_area_m2=[5_000.0, -1.0]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    jnrisk._errors.DataError: shelters: shelters without a usable effective area ...
    """
    _validate.metric_crs(shelters, name=name)
    cols = [area_col] + ([class_col] if class_col else [])
    _validate.require_columns(shelters, cols, name=name)
    problems = _validate.Problems(name)
    series = shelters[area_col]
    if not (pd.api.types.is_numeric_dtype(series) or series.empty):
        raise SchemaError(
            f"{name}: column {area_col!r} has dtype {series.dtype}, expected numbers (m²). "
            f"Convert it with pd.to_numeric(df[{area_col!r}])."
        )
    area = series.to_numpy(dtype=np.float64, na_value=np.nan)
    no_area = ~np.isfinite(area) | (area <= 0)
    if no_area.any():
        problems.add(
            f"shelters without a usable effective area ({area_col!r} missing, NaN or <= 0) at "
            f"{_validate.describe_rows(shelters.index[no_area])}; measure the effective area "
            f"(gross minus water, buildings, steep slopes) or drop those shelters."
        )
    if class_col:
        no_class = shelters[class_col].isna().to_numpy()
        if no_class.any():
            problems.add(
                f"shelters without a class ({class_col!r} is empty) at "
                f"{_validate.describe_rows(shelters.index[no_class])}; set the class (e.g. "
                f"'emergency' or 'fixed')."
            )
    ids = shelters.index.to_series() if id_col is None else shelters[id_col]
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        what = "index" if id_col is None else f"column {id_col!r}"
        values = sorted({str(v) for v in ids[dup]})[:5]
        problems.add(
            f"{what} must be unique but ids {values} repeat at "
            f"{_validate.describe_rows(shelters.index[dup])}; renumber or drop the duplicates."
        )
    problems.raise_if_any(DataError)
    _validate.valid_geometry(shelters, name=name)
    if check_overlaps:
        _check_overlaps(shelters, overlap_tol_m2=overlap_tol_m2, name=name)
    return area


def _check_overlaps(shelters: Any, *, overlap_tol_m2: float, name: str) -> None:
    geoms = shelters.geometry
    poly = geoms.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if poly.sum() < 2:
        return
    sub = geoms[poly]
    left, right = sub.sindex.query(sub.to_numpy(), predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    import shapely

    arr = sub.to_numpy()
    inter = shapely.area(shapely.intersection(arr[left], arr[right]))
    bad = inter > overlap_tol_m2
    if bad.any():
        labels = sub.index.to_numpy()
        pairs = [(labels[a], labels[b]) for a, b in zip(left[bad], right[bad], strict=True)]
        shown = ", ".join(f"({a}, {b})" for a, b in pairs[:5])
        more = f" (and {len(pairs) - 5} more)" if len(pairs) > 5 else ""
        raise DataError(
            f"{name}: {len(pairs)} pair(s) of shelter polygons overlap by more than "
            f"{overlap_tol_m2:g} m² (largest {inter[bad].max():,.0f} m²): rows {shown}{more}; "
            f"merge them (gdf.dissolve) or clip one against the other so area is not counted "
            f"twice."
        )


def shelter_capacity(
    shelters: Any,
    *,
    standard: PerCapitaStandard | str | float = "jinan_2024",
    area_col: str = "effective_area_m2",
    class_col: str | None = "class",
    id_col: str | None = None,
    check_overlaps: bool = True,
    capacity_col: str = "capacity_persons",
) -> Any:
    """Capacity of each shelter in persons.

    ``capacity_persons = floor(effective_area_m2 / m2_per_person)``, with ``m2_per_person``
    from ``standard`` by the shelter's class.

    Parameters
    ----------
    shelters
        GeoDataFrame (points or polygons) in a metric CRS with ``area_col`` (m²) and
        ``class_col``. Not modified.
    standard
        The planner's choice: a name in :data:`STANDARDS` (``"jinan_2024"`` 2.0 m²,
        ``"gb50413"`` 1 m² emergency / 2 m² fixed, ``"gb21734_min"`` 1.5 m²,
        ``"jinan_2035"`` 3.0 m², ``"gb51143_stay"`` by refuge period, assumed), a number of
        m²/person, or a :class:`PerCapitaStandard`. The standards conflict; see
        :func:`standards_table`.
    area_col, class_col, id_col
        Effective area [m²], shelter class, optional id column (default: the index) to check
        for duplicates.
    check_overlaps
        Reject polygons that overlap (their area would be counted twice).
    capacity_col
        Name of the output column.

    Returns
    -------
    GeoDataFrame
        A copy with ``m2_per_person`` and ``capacity_col`` (int64 persons).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame({"class": ["emergency", "fixed"],
    ...                       "effective_area_m2": [5_000.0, 30_001.0]},
    ...                      geometry=[Point(0, 0), Point(1000, 0)], crs="EPSG:4548")
    >>> shelter_capacity(s)["capacity_persons"].tolist()
    [2500, 15000]
    >>> shelter_capacity(s, standard="jinan_2035")["capacity_persons"].tolist()
    [1666, 10000]
    >>> shelter_capacity(s, standard="gb50413")["capacity_persons"].tolist()
    [5000, 15000]
    """
    std = _standard(standard)
    area = validate_shelters(
        shelters,
        area_col=area_col,
        class_col=class_col,
        id_col=id_col,
        check_overlaps=check_overlaps,
    )
    if class_col:
        classes = shelters[class_col].astype(str).to_numpy()
        per = np.array([std.for_class(c) for c in classes], dtype=np.float64)
    else:
        per = np.full(len(shelters), std.for_class("*"), dtype=np.float64)
    out = shelters.copy()
    out["m2_per_person"] = per
    # tiny epsilon so 30000/2.0 does not become 14999 through rounding of the division
    out[capacity_col] = np.floor(area / per + 1e-9).astype(np.int64)
    out.attrs["capacity_standard"] = f"{std.name}: {std.source}"
    if class_col:
        # GB 50413-2007 8.2.9 site minimum for the class (NaN where the class has none)
        mins = pd.Series(classes).map(GB50413_SITE_MIN_AREA_M2).to_numpy(dtype=np.float64)
        out["below_gb50413_site_min"] = area < np.nan_to_num(mins, nan=0.0)
    return out
