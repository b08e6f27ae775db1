"""Rescue forces on "one map" (issue 8): drive-time coverage, station siting, dispatch, supplies.

>>> from jnrisk.rescue import drive_time_coverage, site_stations, fastest_teams
>>> from jnrisk.rescue import dispatch_teams, allocate_supplies
"""

from __future__ import annotations

from jnrisk.rescue._common import (
    CONGESTION_FACTOR_BY_PERIOD,
    SPECIALTIES,
    congestion_factor,
)
from jnrisk.rescue.coverage import (
    DEFAULT_THRESHOLDS_S,
    StationCoverage,
    coverage_report,
    drive_time_coverage,
    service_area_polygons,
    town_centres,
    towns_not_reached,
)
from jnrisk.rescue.dispatch import DispatchResult, check_teams, dispatch_teams, fastest_teams
from jnrisk.rescue.siting import SitingResult, site_stations
from jnrisk.rescue.supplies import (
    CITY_RESERVE_STANDARD_PERSONS,
    DEFAULT_SUPPLY_DAYS,
    DISTRICT_RESERVE_STANDARD_PERSONS,
    SuppliesResult,
    allocate_supplies,
    reserve_standards,
)

__all__ = [
    "CITY_RESERVE_STANDARD_PERSONS",
    "CONGESTION_FACTOR_BY_PERIOD",
    "DEFAULT_SUPPLY_DAYS",
    "DISTRICT_RESERVE_STANDARD_PERSONS",
    "DispatchResult",
    "SitingResult",
    "SuppliesResult",
    "allocate_supplies",
    "check_teams",
    "congestion_factor",
    "coverage_report",
    "dispatch_teams",
    "fastest_teams",
    "reserve_standards",
    "site_stations",
    "DEFAULT_THRESHOLDS_S",
    "SPECIALTIES",
    "StationCoverage",
    "drive_time_coverage",
    "service_area_polygons",
    "town_centres",
    "towns_not_reached",
]
