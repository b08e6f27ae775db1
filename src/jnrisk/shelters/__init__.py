"""Emergency shelters: capacity, accessibility (E2SFCA), coverage and new sites.

Submodules: :mod:`~jnrisk.shelters.capacity`, :mod:`~jnrisk.shelters.access`,
:mod:`~jnrisk.shelters.coverage`, :mod:`~jnrisk.shelters.site_new`.
"""

from __future__ import annotations

from jnrisk.shelters.access import e2sfca, gaussian_weights, step_weights
from jnrisk.shelters.capacity import (
    STANDARDS,
    PerCapitaStandard,
    shelter_capacity,
    standards_table,
)
from jnrisk.shelters.coverage import (
    DEFAULT_RADIUS_M,
    ShelterCoverage,
    ShelterDemandResult,
    area_table,
    city_m2_per_resident,
    scenario_shelter_demand,
    shelter_coverage,
    walking_costs,
)
from jnrisk.shelters.site_new import (
    SitingResult,
    capacitated_covering,
    capacitated_covering_sites,
    cover_from_costs,
    maximal_covering,
    maximal_covering_sites,
)

__all__ = [
    "DEFAULT_RADIUS_M",
    "ShelterCoverage",
    "ShelterDemandResult",
    "area_table",
    "city_m2_per_resident",
    "scenario_shelter_demand",
    "shelter_coverage",
    "walking_costs",
    "STANDARDS",
    "PerCapitaStandard",
    "SitingResult",
    "capacitated_covering",
    "capacitated_covering_sites",
    "cover_from_costs",
    "maximal_covering",
    "maximal_covering_sites",
    "e2sfca",
    "gaussian_weights",
    "shelter_capacity",
    "standards_table",
    "step_weights",
]
