"""Bad inputs to jnrisk.allocation (shelter allocation, transport solver)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Point

from jnrisk._errors import JnriskError
from jnrisk.allocation import allocate_shelters, greedy_transport, solve_transport

from .conftest import dup_index, expect

OTHER = pytest.mark.xfail(strict=True, reason="known gap: this input is not refused yet")


def _with(frame, **changes):
    frame = frame.copy()
    for col, values in changes.items():
        frame[col] = values
    return frame


def _nan_point(frame):
    frame = frame.copy()
    frame.loc[frame.index[1], "geometry"] = Point(math.nan, math.nan)
    return frame


ALLOCATE_CASES = [
    pytest.param({"population": dup_index}, r"population.*(index|labels).*reset_index",
                 id="duplicate-index"),
    pytest.param({"population": lambda b: _with(b, persons=[2**63, 1, 1])},
                 r"(persons|population).*(int64|too large|range)", id="persons-beyond-int64"),
    pytest.param({"population": lambda b: _with(b, persons=[-1, 1, 1])}, "persons.*negative",
                 id="persons-negative"),
    pytest.param({"population": lambda b: _with(b, persons=[math.nan, 1, 1])},
                 "persons.*NaN", id="persons-nan"),
    pytest.param({"population": lambda b: _with(b, persons=["many", "1", "1"])}, "persons",
                 id="persons-strings"),
    pytest.param({"population": lambda b: b.iloc[:0]}, "population", id="population-empty",
                 marks=OTHER),
    pytest.param({"population": _nan_point}, r"population.*(non-finite|NaN|missing|empty|invalid geometry) at rows? \[1\]",
                 id="population-nan-point"),
    pytest.param({"shelters": lambda s: _with(s, capacity_persons=[2**64, 1])},
                 "capacity", id="capacity-beyond-int64"),
    pytest.param({"network": None}, "network.*(NoneType|None)", id="network-none"),
    pytest.param({"max_walk_m": "far"}, "max_walk_m", id="max-walk-far"),
    pytest.param({"max_walk_m": math.nan}, "max_walk_m", id="max-walk-nan"),
    pytest.param({"max_walk_m": -1.0}, "max_walk_m", id="max-walk-negative"),
    pytest.param({"m2_per_person": "2"}, "m2_per_person", id="m2-per-person-str"),
    pytest.param({"m2_per_person": 0}, "m2_per_person", id="m2-per-person-zero"),
    pytest.param({"max_snap_m": math.inf}, "max_snap_m", id="max-snap-inf", marks=OTHER),
    pytest.param({"population": lambda b: b.to_crs("EPSG:4326")}, "population.*geographic",
                 id="population-degrees"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "fragment"), ALLOCATE_CASES)
def test_allocate_shelters(blocks, shelters, network, changes, fragment):
    args = {"population": blocks, "shelters": shelters, "network": network}
    kw = {}
    for key, value in changes.items():
        if key in args:
            args[key] = value(args[key]) if callable(value) else value
        else:
            kw[key] = value
    expect(lambda: allocate_shelters(args["population"], args["shelters"], args["network"], **kw),
           JnriskError, fragment)  # fmt: skip


def test_numpy_scalars_work(blocks, shelters, network):
    res = allocate_shelters(blocks, shelters, network, max_walk_m=np.int64(2500),
                            m2_per_person=np.float32(2.0))  # fmt: skip
    assert res.summary()["total_persons"] == int(blocks["persons"].sum())


def _arrays(**kw):
    a = {"supply": [3, 3], "capacity": [4], "indptr": [0, 1, 2], "shelter": [0, 0],
         "cost": [100, 300]}  # fmt: skip
    a.update(kw)
    return a


TRANSPORT_CASES = [
    pytest.param(_arrays(supply=[4 * 10**18, 4 * 10**18], capacity=[9 * 10**18]),
                 r"(supply|capacity|overflow|int64|travel)", id="supply-4e18-overflow"),
    pytest.param(_arrays(supply=[2**63, 1]), "supply", id="supply-beyond-int64"),
    pytest.param(_arrays(supply=[-1, 3]), "supply", id="supply-negative"),
    pytest.param(_arrays(supply=[1.5, 3]), "supply", id="supply-fraction"),
    pytest.param(_arrays(cost=[math.nan, 1]), "cost", id="cost-nan"),
    pytest.param(_arrays(indptr=[0, 2, 1]), "indptr", id="indptr-decreasing"),
    pytest.param(_arrays(shelter=[0, 5]), "shelter", id="shelter-out-of-range"),
    pytest.param(_arrays(supply=["3", "3"]), "supply", id="supply-strings"),
]  # fmt: skip


@pytest.mark.parametrize("solver", [solve_transport, greedy_transport])
@pytest.mark.parametrize(("arrays", "fragment"), TRANSPORT_CASES)
def test_transport(solver, arrays, fragment):
    if solver is greedy_transport and "overflow" in fragment:
        pytest.skip("the greedy heuristic sums no travel")
    expect(lambda: solver(**arrays), JnriskError, fragment)
