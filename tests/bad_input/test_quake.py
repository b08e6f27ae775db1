"""Bad inputs to jnrisk.quake (magnitudes and intensities range-checked where they enter)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jnrisk._errors import JnriskError
from jnrisk.quake import (
    QuakeScenario,
    damage_state_probabilities,
    displaced_persons,
    epicentral_intensity,
    intensity_at_offsets,
    scenario_intensity,
    shelter_usability,
)

from .conftest import X0, Y0, dup_index, expect

OTHER = pytest.mark.xfail(strict=True, reason="known gap: this input is not refused yet")


def scen(**kw):
    args = {"epicentre_x_m": X0, "epicentre_y_m": Y0, "magnitude": 6.0, **kw}
    return QuakeScenario(**args)


CASES = [
    pytest.param(lambda b, s: intensity_at_offsets(np.array([1.0]), np.array([0.0]), 10.0),
                 "magnitude", id="offsets-magnitude-10"),
    pytest.param(lambda b, s: intensity_at_offsets(np.array([1.0]), np.array([0.0]), math.nan),
                 "magnitude", id="offsets-magnitude-nan"),
    pytest.param(lambda b, s: intensity_at_offsets(np.array([1.0]), np.array([0.0]), "6"),
                 "magnitude", id="offsets-magnitude-str"),
    pytest.param(lambda b, s: epicentral_intensity(math.nan), "magnitude",
                 id="epicentral-magnitude-nan"),
    pytest.param(lambda b, s: epicentral_intensity(12.0), "magnitude",
                 id="epicentral-magnitude-12"),
    pytest.param(lambda b, s: scen(magnitude=math.nan), "magnitude", id="scenario-magnitude-nan"),
    pytest.param(lambda b, s: scen(magnitude=10.0), "magnitude", id="scenario-magnitude-10"),
    pytest.param(lambda b, s: scen(magnitude="6.5"), "magnitude", id="scenario-magnitude-str"),
    pytest.param(lambda b, s: scen(depth_m=-1.0), "depth_m", id="scenario-depth-negative"),
    pytest.param(lambda b, s: scen(epicentre_x_m=math.inf), "epicentre_x_m",
                 id="scenario-epicentre-inf"),
    pytest.param(lambda b, s: damage_state_probabilities(13.0, "A"), "intensity",
                 id="dpm-intensity-13"),
    pytest.param(lambda b, s: damage_state_probabilities(math.nan, "A"), "intensity",
                 id="dpm-intensity-nan"),
    pytest.param(lambda b, s: damage_state_probabilities(8.0, "Z"), "vulnerability class 'Z'",
                 id="dpm-unknown-class"),
    pytest.param(lambda b, s: scenario_intensity(b.to_crs("EPSG:4326"), scen()), "blocks",
                 id="intensity-blocks-degrees"),
    pytest.param(lambda b, s: scenario_intensity(b, "M6"), "scenario",
                 id="intensity-scenario-str"),
    pytest.param(lambda b, s: displaced_persons(dup_index(b), scen()), r"blocks.*(index|reset_index)",
                 id="displaced-duplicate-index"),
    pytest.param(lambda b, s: displaced_persons(b.assign(persons=[-1, 2, 3]), scen()), "persons",
                 id="displaced-negative-persons"),
    pytest.param(lambda b, s: displaced_persons(b.assign(persons=[2**63, 2, 3]), scen()),
                 "persons", id="displaced-persons-beyond-int64"),
    pytest.param(lambda b, s: shelter_usability(s, scen(), max_intensity=15.0), "max_intensity",
                 id="usability-max-intensity-15"),
    pytest.param(lambda b, s: shelter_usability(s, scen(), max_intensity="VIII"),
                 "max_intensity", id="usability-max-intensity-str"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "fragment"), CASES)
def test_quake(blocks, shelters, call, fragment):
    expect(lambda: call(blocks, shelters), JnriskError, fragment)


def test_numpy_scalars_work():
    s = scen(magnitude=np.float32(6.0), depth_m=np.int64(10_000))
    assert 5 < epicentral_intensity(s.magnitude) < 12
