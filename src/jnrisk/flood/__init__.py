"""Urban waterlogging: design storms, SCS-CN runoff, sewer drainage, DEM ponding, hot spots.

Public functions are re-exported here; the numba kernels live in ``jnrisk.flood._kernels``.
"""

from __future__ import annotations

from jnrisk.flood.drainage import (  # noqa: E402
    DESIGN_RUNOFF_COEFFICIENT,
    JINAN_CENTRAL_DISTRICTS,
    JINAN_PIPE_RETURN_PERIODS_YR,
    PIPE_DESIGN_DURATION_MIN,
    PIPE_RETURN_PERIOD_YR,
    drainage_capacity,
    excess_runoff,
    jinan_pipe_return_periods,
)
from jnrisk.flood.runoff import (
    DEFAULT_CN_TABLE,
    curve_number,
    retention_mm,
    runoff_depth,
    scs_runoff_mm,
)
from jnrisk.flood.storm import (
    JINAN_2007_07_18_RECORD_DEPTHS_MM,
    JINAN_PLACEHOLDER_UNVERIFIED,
    Hyetograph,
    StormFormula,
    StormFormulaTable,
    chicago_hyetograph,
    hyetograph_from_table,
    jinan_2007_07_18,
)

__all__ = [
    "DESIGN_RUNOFF_COEFFICIENT",
    "JINAN_CENTRAL_DISTRICTS",
    "JINAN_PIPE_RETURN_PERIODS_YR",
    "jinan_pipe_return_periods",
    "PIPE_DESIGN_DURATION_MIN",
    "PIPE_RETURN_PERIOD_YR",
    "drainage_capacity",
    "excess_runoff",
    "DEFAULT_CN_TABLE",
    "JINAN_2007_07_18_RECORD_DEPTHS_MM",
    "JINAN_PLACEHOLDER_UNVERIFIED",
    "Hyetograph",
    "StormFormula",
    "StormFormulaTable",
    "chicago_hyetograph",
    "curve_number",
    "hyetograph_from_table",
    "jinan_2007_07_18",
    "retention_mm",
    "runoff_depth",
    "scs_runoff_mm",
]

from jnrisk.flood.ponding import (  # noqa: E402
    D8_CODES,
    PondingResult,
    accumulation_from_direction,
    catchment,
    fill_depressions,
    flow_accumulation,
    flow_direction,
    ponding_depth,
)

__all__ += [
    "D8_CODES",
    "PondingResult",
    "accumulation_from_direction",
    "catchment",
    "fill_depressions",
    "flow_accumulation",
    "flow_direction",
    "ponding_depth",
]

from jnrisk.flood.hotspots import (  # noqa: E402
    HOTSPOT_DEPTH_M,
    PEDESTRIAN_CLOSURE_DEPTH_M,
    VEHICLE_CLOSURE_DEPTH_M,
    Hotspots,
    MonitoringPlan,
    SiteAgreement,
    monitoring_sites,
    ranking_text,
    road_closures,
    site_agreement,
    waterlogging_hotspots,
)

__all__ += [
    "HOTSPOT_DEPTH_M",
    "PEDESTRIAN_CLOSURE_DEPTH_M",
    "VEHICLE_CLOSURE_DEPTH_M",
    "Hotspots",
    "MonitoringPlan",
    "SiteAgreement",
    "monitoring_sites",
    "ranking_text",
    "site_agreement",
    "road_closures",
    "waterlogging_hotspots",
]

from jnrisk.flood.conditioning import (  # noqa: E402
    PLAUSIBLE_PONDING_DEPTH_M,
    ConditionedDem,
    condition_dem,
    implausible_depths,
    mapped_cells,
)

__all__ += [
    "PLAUSIBLE_PONDING_DEPTH_M",
    "ConditionedDem",
    "condition_dem",
    "implausible_depths",
    "mapped_cells",
]
