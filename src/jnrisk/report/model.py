"""What a report section hands to the writer: tables with keys, figures, layers, metrics, findings.

Sections only build these objects; nothing here formats HTML or touches the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jnrisk._errors import ConfigError

__all__ = [
    "Figure",
    "Finding",
    "Layer",
    "MapLayer",
    "Metric",
    "ReportSection",
    "Table",
    "unit_from_name",
]

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class Table:
    """A table a planner reads: ``key`` names the column(s) that say what each row is.

    Column names carry their unit in parentheses, e.g. ``"unserved (persons)"``. Columns listed
    in ``ids`` are printed without thousands separators.

    Examples
    --------
    >>> t = Table("Districts", pd.DataFrame({"district": ["历下区"], "persons": [5]}),
    ...           key=("district",))
    >>> t.key
    ('district',)
    """

    title: str
    frame: pd.DataFrame
    key: tuple[str, ...]
    ids: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        missing = [k for k in (*self.key, *self.ids) if k not in self.frame.columns]
        if not self.key or missing:
            raise ConfigError(
                f"Table {self.title!r}: key column(s) {missing or '(none)'} not in the frame "
                f"(columns: {list(self.frame.columns)}); name the column(s) that identify a row."
            )


@dataclass(frozen=True)
class Figure:
    """A PNG figure: ``file`` is its name under ``figures/``."""

    file: str
    caption: str
    png: bytes


@dataclass(frozen=True)
class Layer:
    """A GeoPackage layer with a description and a QGIS style colour (``#rrggbb``)."""

    name: str
    frame: Any
    description: str
    colour: str = "#3366cc"


@dataclass(frozen=True)
class MapLayer:
    """A toggleable layer of the offline interactive map (``report_map.html``).

    ``popup`` lists the columns shown when a feature is clicked; ``shade`` names a numeric
    column that sets the fill opacity of polygons (darker = more); otherwise polygons are
    filled at ``fill_opacity``.
    """

    name: str
    frame: Any
    colour: str
    popup: tuple[str, ...] = ()
    shade: str | None = None
    visible: bool = True
    fill_opacity: float = 0.35


_UNIT_SUFFIXES = (
    ("_pct", "%"), ("_m2", "m2"), ("_m3", "m3"), ("_mm", "mm"), ("_kmh", "km/h"),
    ("_persons", "persons"), ("_person_m", "person-m"), ("_m", "m"), ("_s", "s"),
    ("_min", "min"), ("_before", "persons"), ("_after", "persons"),
)


def unit_from_name(name: str, default: str = "count") -> str:
    """Return the unit a metric name carries in its suffix (``served_pct`` -> ``%``).

    Examples
    --------
    >>> unit_from_name("burned_area_m2"), unit_from_name("hotspots")
    ('m2', 'count')
    """
    for suffix, unit in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return default


@dataclass(frozen=True)
class Metric:
    """One numeric result with its unit (``persons``, ``m``, ``%``, ``s``, ``count`` ...).

    Examples
    --------
    >>> Metric("served_persons", 12, "persons").value
    12.0
    """

    name: str
    value: float
    unit: str

    def __post_init__(self) -> None:
        try:
            v = float(self.value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"Metric {self.name!r}: value {self.value!r} is not a number; metrics are numeric."
            ) from None
        object.__setattr__(self, "value", v)


@dataclass(frozen=True)
class Finding:
    """A key finding for the top of the report: what is wrong and what to do about it."""

    topic: str
    finding: str
    action: str
    rank: int = 50


@dataclass
class ReportSection:
    """One section of the report, as built by a section module.

    ``key`` is a lower-case slug (letters, digits, ``_``): it becomes an HTML anchor, a layer
    prefix and a metrics label, so it is validated here.

    Examples
    --------
    >>> ReportSection(key="city", title="The city", title_zh="城市概况").key
    'city'
    """

    key: str
    title: str
    title_zh: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    map_layers: list[MapLayer] = field(default_factory=list)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.key, str) and _KEY_RE.match(self.key)):
            raise ConfigError(
                f"ReportSection.key {self.key!r} must be a lower-case slug "
                f"(letters, digits, '_', starting with a letter), e.g. 'flood'."
            )
