"""Scenario kinds and a city loader used only by the batch tests.

They live in an importable module (not inside a test function) because Dask workers import
runners and loaders by name.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from jnrisk.scenarios import ScenarioResult, param, register_kind, validate_params


@dataclass(frozen=True)
class SlowParams:
    value: int = param(kind=int, ge=0)
    sleep_s: float = param(0.0, kind=float, unit="s", ge=0, le=10)
    fail: bool = param(False, kind=bool)

    def __post_init__(self) -> None:
        validate_params(self)


def run_slow(scenario, city):
    """Sleep, then return ``value * city['factor']``; raise when ``fail`` is set."""
    p = scenario.hazard
    time.sleep(p.sleep_s)
    if p.fail:
        raise RuntimeError(f"planned failure for value {p.value}")
    factor = 1 if city is None else city["factor"]
    return ScenarioResult(
        metrics={"value_x": p.value * factor, "pid": os.getpid()},
    )


register_kind("test_slow", SlowParams, run_slow, description="test kind: sleeps")


def counting_city_loader(*, log_dir: str, factor: int = 3) -> dict:
    """A city loader that leaves one marker file per call (named by process id)."""
    Path(log_dir, f"{os.getpid()}-{uuid.uuid4().hex[:8]}").write_text("loaded")
    return {"factor": factor}


def env_var(name: str) -> str | None:
    """``os.environ.get`` by name in the calling process (for client.run on workers)."""
    return os.environ.get(name)


def profiler_enabled() -> bool:
    """The worker's dask config value distributed.worker.profile.enabled."""
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))
