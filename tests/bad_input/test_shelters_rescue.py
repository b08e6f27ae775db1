"""Bad inputs to jnrisk.shelters and jnrisk.rescue (walking costs, capacity, access, siting,
dispatch)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from jnrisk._errors import JnriskError
from jnrisk.rescue import congestion_factor, fastest_teams
from jnrisk.shelters import (
    e2sfca,
    gaussian_weights,
    maximal_covering,
    shelter_capacity,
    step_weights,
    walking_costs,
)

from .conftest import dup_index, expect, points

OTHER = pytest.mark.xfail(strict=True, reason="known gap: this input is not refused yet")


def costs():
    import pandas as pd

    return pd.DataFrame({"origin": [0, 1, 2], "dest": [0, 0, 1], "cost_m": [10.0, 300.0, 50.0]})


COVER = sp.csr_matrix(np.array([[1, 0], [1, 1], [0, 1]], dtype=bool))
CASES = [
    pytest.param(lambda n, b, s: walking_costs(n, b, s, cutoff_m="far"), "cutoff_m",
                 id="walking-cutoff-far"),
    pytest.param(lambda n, b, s: walking_costs(n, b, s, cutoff_m=math.nan), "cutoff_m",
                 id="walking-cutoff-nan"),
    pytest.param(lambda n, b, s: walking_costs(n, b, s, cutoff_m=-5), "cutoff_m",
                 id="walking-cutoff-negative"),
    pytest.param(lambda n, b, s: walking_costs(None, b, s, cutoff_m=500), r"network.*None",
                 id="walking-network-none"),
    pytest.param(lambda n, b, s: walking_costs(n, dup_index(b), s, cutoff_m=500),
                 r"blocks.*(index|reset_index)", id="walking-duplicate-index"),
    pytest.param(lambda n, b, s: shelter_capacity(s, standard="2"), "standard",
                 id="capacity-standard-str"),
    pytest.param(lambda n, b, s: shelter_capacity(s, standard=math.nan), "(standard|PerCapitaStandard)",
                 id="capacity-standard-nan"),
    pytest.param(lambda n, b, s: shelter_capacity(s.assign(effective_area_m2=[-1.0, 5.0])),
                 "effective_area_m2", id="capacity-area-negative"),
    pytest.param(lambda n, b, s: shelter_capacity(s.assign(effective_area_m2=[math.inf, 5.0])),
                 "effective_area_m2", id="capacity-area-inf"),
    pytest.param(lambda n, b, s: shelter_capacity(dup_index(s)), r"shelters.*(index|reset_index)",
                 id="capacity-duplicate-index"),
    pytest.param(lambda n, b, s: e2sfca(b, s, costs(), max_cost="far", supply_col="capacity_persons"),
                 "max_cost", id="e2sfca-max-cost-str"),
    pytest.param(lambda n, b, s: e2sfca(b, s, costs(), max_cost=500.0, weight="cubic",
                                        supply_col="capacity_persons"),
                 "weight", id="e2sfca-weight-name"),
    pytest.param(lambda n, b, s: gaussian_weights(np.array([1.0]), d0=0.0), "d0",
                 id="gaussian-d0-zero"),
    pytest.param(lambda n, b, s: step_weights(np.array([1.0]), {100.0: 2.0}), "steps",
                 id="step-weight-above-1"),
    pytest.param(lambda n, b, s: maximal_covering(np.array([1.0, 2.0, 3.0]), COVER, k=-1), r"\bk\b",
                 id="mclp-k-negative"),
    pytest.param(lambda n, b, s: maximal_covering(np.array([1.0, math.nan, 3.0]), COVER, k=1),
                 "weights", id="mclp-weights-nan"),
    pytest.param(lambda n, b, s: maximal_covering(np.array([1.0, 2.0]), COVER, k=1),
                 "(weights|demand values)", id="mclp-weights-length"),
    pytest.param(lambda n, b, s: congestion_factor("rush"), "congestion", id="congestion-name"),
    pytest.param(lambda n, b, s: congestion_factor(math.nan), "congestion", id="congestion-nan"),
    pytest.param(lambda n, b, s: congestion_factor(0.1), "congestion", id="congestion-below-1"),
    pytest.param(lambda n, b, s: fastest_teams(None, b.iloc[[0]], s), r"net.*None",
                 id="fastest-network-none"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "fragment"), CASES)
def test_shelters_and_rescue(network, blocks, shelters, call, fragment):
    expect(lambda: call(network, blocks, shelters), JnriskError, fragment)


def test_numpy_scalars_work(network, blocks, shelters):
    c = walking_costs(network, blocks, shelters, cutoff_m=np.int64(800))
    assert len(c) >= 1
    assert congestion_factor(np.float32(1.5)) == pytest.approx(1.5)
    assert points([(0, 0)]).crs is not None
