"""Working sets too large for the memory budget are refused before they are allocated."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from jnrisk._errors import ResourceError
from jnrisk._memory import ensure_fits, memory_budget_bytes, pairs_within_reach
from jnrisk.scenarios import Scenario, run, run_batch
from jnrisk.scenarios.batch import ALLOCATION_BYTES_PER_PAIR

from .conftest import expect, points


def city(n_blocks=400, n_shelters=50, side_m=20_000.0, seed=0):
    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        population=points(rng.uniform(0, side_m, (n_blocks, 2)), persons=np.ones(n_blocks)),
        shelters=points(rng.uniform(0, side_m, (n_shelters, 2))),
    )


def scenario(max_walk_m):
    return Scenario.from_dict({"name": f"reach-{max_walk_m:g}", "kind": "synthetic_allocation",
                               "hazard": {"grid_size": 4},
                               "allocation": {"max_walk_m": max_walk_m}})  # fmt: skip


@pytest.mark.parametrize("budget", ["0", "-1G", "lots", "1e400"])
def test_budget_variable_must_be_a_size(monkeypatch, budget):
    monkeypatch.setenv("JNRISK_MEMORY_BUDGET_BYTES", budget)
    expect(memory_budget_bytes, ResourceError, f"JNRISK_MEMORY_BUDGET_BYTES='{budget}'")


def test_pairs_within_reach_bounds_network_pairs():
    c = city()
    o = np.c_[c.population.geometry.x, c.population.geometry.y]
    t = np.c_[c.shelters.geometry.x, c.shelters.geometry.y]
    d = np.hypot(o[:, None, 0] - t[None, :, 0], o[:, None, 1] - t[None, :, 1])
    for r in (0.0, 500.0, 3000.0, 1e6):
        assert pairs_within_reach(o, t, r) == int((d <= r).sum())


def test_reach_beyond_the_budget_is_refused_before_the_runner(monkeypatch):
    c = city()
    n_all = 400 * 50
    monkeypatch.setenv("JNRISK_MEMORY_BUDGET_BYTES", str(n_all * ALLOCATION_BYTES_PER_PAIR // 2))
    assert run(scenario(1000.0), c).metrics  # a short reach fits
    msg = expect(lambda: run(scenario(50_000.0), c), ResourceError,
                 "scenario 'reach-50000': the allocation within allocation.max_walk_m = 50000 m",
                 "20,000 block-shelter pairs", "lower allocation.max_walk_m")  # fmt: skip
    assert "JNRISK_MEMORY_BUDGET_BYTES" in msg


def test_batch_records_the_refusal_and_goes_on(monkeypatch, tmp_path):

    monkeypatch.setenv("JNRISK_MEMORY_BUDGET_BYTES", str(400 * 50 * ALLOCATION_BYTES_PER_PAIR // 2))
    s = run_batch([scenario(1000.0), scenario(50_000.0)], out=tmp_path, client="synchronous",
                  progress=False, city_loader=city)  # fmt: skip
    assert (s.completed, s.failed) == (1, 1)
    assert "ResourceError" in next(iter(s.errors.values()))


def test_ensure_fits_names_what_and_fix():
    expect(lambda: ensure_fits(2**41, what="the FWI stack", fix="use fewer days",
                               budget_bytes=2**30),
           ResourceError, "the FWI stack needs about 2048.0 GiB", "use fewer days")  # fmt: skip
