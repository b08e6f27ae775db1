"""Scenarios and batch runs: scenario files, sweeps, ``run``, ``run_batch`` on Dask, ``collect``.

Quick start::

    from jnrisk.scenarios import load_scenarios, run_batch, collect
    scenarios = load_scenarios("scenarios/flood_return_periods.toml")
    summary = run_batch(scenarios, out="batch-out")      # LocalCluster, resumable
    ds = collect("batch-out")                            # xarray.Dataset, one dim per axis

The kinds (``quake``, ``flood``, ``fire``, ``rescue`` and ``synthetic_allocation``, which
needs no data) are one table in :mod:`jnrisk.scenarios.registry`; add your own with
:func:`register_kind` (``runner(scenario, city) -> ScenarioResult``).
"""

from __future__ import annotations

from jnrisk.scenarios.batch import BatchSummary, batch_main, run, run_batch, worker_city
from jnrisk.scenarios.city import CityContext, city_context, load_city
from jnrisk.scenarios.config import (
    INVENTORY_YEARS,
    AllocationOptions,
    FireParams,
    FloodParams,
    NetworkChanges,
    QuakeParams,
    RescueParams,
    Scenario,
    param,
    params_from_dict,
    params_to_dict,
    validate_params,
)
from jnrisk.scenarios.registry import (
    BUILTIN_KINDS,
    KindSpec,
    ScenarioResult,
    get_kind,
    register_kind,
    registered_kinds,
)
from jnrisk.scenarios.store import collect, read_metrics
from jnrisk.scenarios.sweep import expand_sweep, load_scenarios, read_toml, scenarios_from_dict
from jnrisk.scenarios.synthetic import SyntheticAllocationParams, run_synthetic_allocation

__all__ = [
    "BUILTIN_KINDS",
    "INVENTORY_YEARS",
    "AllocationOptions",
    "BatchSummary",
    "FireParams",
    "FloodParams",
    "KindSpec",
    "NetworkChanges",
    "QuakeParams",
    "RescueParams",
    "Scenario",
    "ScenarioResult",
    "SyntheticAllocationParams",
    "CityContext",
    "batch_main",
    "city_context",
    "collect",
    "expand_sweep",
    "get_kind",
    "load_city",
    "load_scenarios",
    "param",
    "params_from_dict",
    "params_to_dict",
    "read_metrics",
    "read_toml",
    "register_kind",
    "registered_kinds",
    "run",
    "run_batch",
    "run_synthetic_allocation",
    "scenarios_from_dict",
    "validate_params",
    "worker_city",
]
