"""Covering and siting engine: LSCP, MCLP and capacitated covering on a sparse cover matrix.

Three levels, as in PySAL spopt:

* cover matrix: :func:`cover_from_cost_matrix` (a demand x candidate cost array) or
  :func:`cover_from_costs` (a long-format cost table keyed by two indexes);
* array level: :func:`set_covering`, :func:`maximal_covering`, :func:`capacitated_covering`
  on the cover matrix, solved exactly with HiGHS (``scipy.optimize.milp``), with heuristics
  that report their gap for city-scale MCLP and capacitated models;
* GeoDataFrame level: :func:`set_covering_sites`, :func:`maximal_covering_sites`,
  :func:`capacitated_covering_sites`.

All return one frozen :class:`SitingResult`. Shelter siting (:mod:`jnrisk.shelters.site_new`)
and station siting (:mod:`jnrisk.rescue.siting`) are front ends over this engine.

Examples
--------
>>> import numpy as np
>>> cover = cover_from_cost_matrix(np.array([[100.0, 900.0], [600.0, 200.0]]), 500)
>>> maximal_covering(np.array([10.0, 5.0]), cover, 1).selected.tolist()
[0]
"""

from __future__ import annotations

from jnrisk.covering.cover import cover_from_cost_matrix, cover_from_costs
from jnrisk.covering.models import (
    AUTO_EXACT_MAX_NNZ,
    SitingResult,
    capacitated_covering,
    maximal_covering,
    set_covering,
)
from jnrisk.covering.sites import (
    capacitated_covering_sites,
    maximal_covering_sites,
    set_covering_sites,
)

__all__ = [
    "AUTO_EXACT_MAX_NNZ",
    "SitingResult",
    "capacitated_covering",
    "capacitated_covering_sites",
    "cover_from_cost_matrix",
    "cover_from_costs",
    "maximal_covering",
    "maximal_covering_sites",
    "set_covering",
    "set_covering_sites",
]
