"""Coordinate systems, unit constants and the unit-suffix vocabulary.

Core code works in metres and seconds. Quantities carry their unit in their name:
``_m``, ``_m2``, ``_s``, ``_mm``, ``_mm_h``, ``_kmh``, ``_persons``, ``_pct``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Analysis CRS for Jinan: CGCS2000 / 3-degree Gauss-Kruger CM 117E (metres, easting/northing).
ANALYSIS_CRS = "EPSG:4548"
#: CRS of exchange files (GeoJSON, GeoPackage, GeoParquet in ``data/``).
EXCHANGE_CRS = "EPSG:4326"

#: Planning walking speed [m/s] (docs/references.md#walking-speed: use 1.0 m/s for radii, 0.8 m/s as sensitivity).
WALK_SPEED_M_S = 1.0
#: Jinan's policy standard of effective shelter area per person [m²] (2024 press release).
JINAN_SHELTER_M2_PER_PERSON = 2.0
#: Jinan's 2035 target of effective shelter area per resident [m²].
JINAN_SHELTER_M2_PER_PERSON_2035 = 3.0

#: Default turnout [s] of rescue forces, from the dispatch order to wheels rolling (about 1 min;
#: docs/references.md#rescue-turnout, assumed).
DEFAULT_TURNOUT_S = 60.0
#: Largest turnout accepted [s] (volunteer or off-duty crews may need several minutes).
MAX_TURNOUT_S = 1800.0
#: Travel-time multipliers by time of day (congested time = free-flow time x factor), assumed:
#: typical Chinese big-city peak/free-flow ratios of about 1.5-1.8 (docs/references.md#congestion-by-period).
CONGESTION_FACTOR_BY_PERIOD: Mapping[str, float] = MappingProxyType(
    {"free_flow": 1.0, "night": 1.0, "off_peak": 1.2, "evening_peak": 1.6, "morning_peak": 1.7}
)

KMH_TO_M_S = 1000.0 / 3600.0
M_S_TO_KMH = 3600.0 / 1000.0
SECONDS_PER_MINUTE = 60.0
SECONDS_PER_HOUR = 3600.0


def kmh_to_m_s(speed_kmh: float) -> float:
    """Convert a speed from km/h to m/s.

    Examples
    --------
    >>> kmh_to_m_s(36.0)
    10.0
    """
    return speed_kmh * KMH_TO_M_S
