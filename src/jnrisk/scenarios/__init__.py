"""Scenarios and batch runs: scenario files, sweeps, ``run``, ``run_batch`` on Dask, ``collect``.

Quick start::

    from jnrisk.scenarios import load_scenarios, run_batch, collect
    scenarios = load_scenarios("scenarios/flood_return_periods.toml")
    summary = run_batch(scenarios, out="batch-out")      # LocalCluster, resumable
    ds = collect("batch-out")                            # xarray.Dataset, one dim per axis

Hazard modules plug in with :func:`register_kind` (``runner(scenario, city) ->
ScenarioResult``). The built-in kind ``"synthetic_allocation"`` needs no data.
"""

from __future__ import annotations

from jnrisk.scenarios.batch import BatchSummary, batch_main, cli_batch, run, run_batch, worker_city
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
    KindSpec,
    ScenarioResult,
    get_kind,
    register_kind,
    registered_kinds,
)
from jnrisk.scenarios.store import collect, read_metrics
from jnrisk.scenarios.sweep import expand_sweep, load_scenarios, read_toml, scenarios_from_dict
from jnrisk.scenarios.synthetic import SyntheticAllocationParams, run_synthetic_allocation

# Registers the runners of the hazard kinds (quake, flood, fire, rescue); hazard modules are
# imported lazily inside each runner, so this import stays cheap.
from jnrisk.scenarios import hazards  # noqa: E402, F401  isort: skip

__all__ = [
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
    "batch_main",
    "cli_batch",
    "collect",
    "expand_sweep",
    "get_kind",
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
