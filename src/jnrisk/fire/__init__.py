"""Forest fire: fire weather and danger levels, spread from ignitions, key zones.

Parameters and citations: ``docs/references.md`` (section "fire"). Numba kernels live in
``_fwi_kernels`` and ``_spread_kernels`` and are imported only when a function needs them.
"""

from __future__ import annotations

from jnrisk.fire.spread import (
    DEFAULT_FUEL_MAP,
    DESIGN_MOISTURE,
    FUEL_MODELS,
    FuelModel,
    FuelMoisture,
    RothermelResult,
    arrival_time,
    length_to_breadth,
    moisture_from_ffmc,
    perimeters,
    rothermel_ros,
    spread_rates,
)
from jnrisk.fire.weather import (
    DANGER_LEVEL_NAMES,
    FWI_LEVEL_THRESHOLDS,
    LYT1172_LEVEL_THRESHOLDS,
    beaufort_force,
    danger_level,
    fwi,
    load_station_weather,
    lyt1172_score,
    overwintering_dc,
    weather_path,
)
from jnrisk.fire.zones import DEFAULT_RANK_WEIGHTS, UnitRanking, rank_units, write_unit_plans

__all__ = [
    "DEFAULT_RANK_WEIGHTS",
    "UnitRanking",
    "rank_units",
    "write_unit_plans",
    "DEFAULT_FUEL_MAP",
    "DESIGN_MOISTURE",
    "FUEL_MODELS",
    "FuelModel",
    "FuelMoisture",
    "RothermelResult",
    "arrival_time",
    "length_to_breadth",
    "moisture_from_ffmc",
    "perimeters",
    "rothermel_ros",
    "spread_rates",
    "DANGER_LEVEL_NAMES",
    "FWI_LEVEL_THRESHOLDS",
    "LYT1172_LEVEL_THRESHOLDS",
    "beaufort_force",
    "danger_level",
    "fwi",
    "load_station_weather",
    "lyt1172_score",
    "overwintering_dc",
    "weather_path",
]
