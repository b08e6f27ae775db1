"""The plug-in point: scenario kinds, their parameter classes and their runners.

A hazard module registers its kind once, at import time::

    from jnrisk.scenarios import register_kind
    register_kind("flood", FloodParams, run_flood_scenario)

``run_flood_scenario(scenario, city) -> ScenarioResult`` receives the validated
:class:`~jnrisk.scenarios.config.Scenario` and whatever the batch's city loader returned.
A kind may be registered without a runner (``runner=None``): scenario files of that kind then
parse and validate, and running them raises a :class:`~jnrisk._errors.ConfigError` saying the
runner is missing. This is how the hazard kinds are declared before their modules exist.

The registry is a plain module-level table written only by :func:`register_kind`, normally
at import time. Batch workers never consult it: the runner is resolved in the client and
shipped with each task (pickled by reference, i.e. by module and name).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jnrisk._errors import ConfigError

__all__ = [
    "KindSpec",
    "did_you_mean",
    "ScenarioResult",
    "get_kind",
    "register_kind",
    "registered_kinds",
]

#: Names of result entries (metrics, tables, layers, rasters) become column and file names.
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
#: Metric names the batch store uses for its own columns.
RESERVED_METRIC_NAMES = frozenset(
    {"scenario_id", "name", "kind", "inventory_year", "seed", "status", "elapsed_s",
     "worker_pid", "sweep_axes", "scenario_json", "jnrisk_version"}
)


def _mapping_copy(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"ScenarioResult.{what} must be a dict, got {type(value).__name__}.")
    return dict(value)


@dataclass(frozen=True)
class ScenarioResult:
    """What a scenario runner returns.

    Parameters
    ----------
    metrics
        Scalar results, one row of the batch metrics table: ``{"served_persons": 1200, ...}``.
        Values are ``int``, ``float``, ``str`` or ``bool``. Names carry units
        (``_m``, ``_persons``, ``_pct``) and must match ``[A-Za-z][A-Za-z0-9_]*``.
    tables
        Named ``pandas.DataFrame`` results (written as Parquet).
    layers
        Named ``geopandas.GeoDataFrame`` results with a CRS (written as GeoPackage layers).
    rasters
        Named ``xarray.DataArray`` results (written as NetCDF).

    Examples
    --------
    >>> r = ScenarioResult(metrics={"served_persons": 10, "served_pct": 50.0})
    >>> r.metrics["served_pct"]
    50.0
    """

    metrics: dict[str, float | int | str | bool]
    tables: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, Any] = field(default_factory=dict)
    rasters: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for what in ("metrics", "tables", "layers", "rasters"):
            object.__setattr__(self, what, _mapping_copy(getattr(self, what), what))
        bad_names = [
            f"{what}[{k!r}]"
            for what in ("metrics", "tables", "layers", "rasters")
            for k in getattr(self, what)
            if not (isinstance(k, str) and _NAME_RE.match(k))
        ]
        if bad_names:
            raise ConfigError(
                f"ScenarioResult: invalid name(s) {bad_names}; names must start with a letter "
                f"and hold only letters, digits and '_' (at most 63 characters)."
            )
        reserved = sorted(set(self.metrics) & RESERVED_METRIC_NAMES)
        if reserved:
            raise ConfigError(
                f"ScenarioResult: metric name(s) {reserved} are reserved for the batch store "
                f"(reserved: {sorted(RESERVED_METRIC_NAMES)}); rename them."
            )
        bad_values = []
        for k, v in self.metrics.items():
            ok = isinstance(v, (bool, int, float, str)) or _is_numpy_scalar(v)
            if not ok:
                bad_values.append(f"{k!r}: {type(v).__name__}")
        if bad_values:
            raise ConfigError(
                f"ScenarioResult: metrics must be int, float, str or bool; got {bad_values}. "
                f"Put arrays and frames in tables/layers/rasters instead."
            )
        # numpy scalars -> Python scalars, so metrics rows have stable dtypes.
        object.__setattr__(
            self, "metrics", {k: _python_scalar(v) for k, v in self.metrics.items()}
        )


def _is_numpy_scalar(v: Any) -> bool:
    import numpy as np

    return isinstance(v, np.generic) and (
        np.issubdtype(v.dtype, np.number) or np.issubdtype(v.dtype, np.bool_)
    )


def _python_scalar(v: Any) -> Any:
    if isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v
    item = v.item()
    if isinstance(item, float) and math.isnan(item):
        return math.nan
    return item


Runner = Callable[[Any, Any], ScenarioResult]


@dataclass(frozen=True)
class KindSpec:
    """A registered scenario kind: its name, parameter class and (optional) runner."""

    kind: str
    params_cls: type
    runner: Runner | None
    description: str = ""


_KINDS: dict[str, KindSpec] = {}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def register_kind(
    kind: str,
    params_cls: type,
    runner: Runner | None = None,
    *,
    description: str = "",
    replace: bool = False,
) -> KindSpec:
    """Register a scenario kind (called by hazard modules at import time).

    Parameters
    ----------
    kind
        Name used in scenario files (``kind = "flood"``); lower-case letters, digits and ``_``.
    params_cls
        A frozen dataclass holding the kind's hazard parameters; it validates itself in
        ``__post_init__`` (raising :class:`~jnrisk._errors.ConfigError`).
    runner
        ``runner(scenario, city) -> ScenarioResult``, a module-level function (batch workers
        import it by name). ``None`` declares the kind so files validate; running it fails.
    description
        One line shown in error messages listing the kinds.
    replace
        Allow re-registering an existing kind with a different parameter class or runner
        (re-registering the same objects is always allowed, e.g. on module reload).

    Returns
    -------
    KindSpec

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class NoParams:
    ...     pass
    >>> register_kind("doc_example", NoParams).kind
    'doc_example'
    """
    if not (isinstance(kind, str) and re.match(r"^[a-z][a-z0-9_]{0,40}$", kind)):
        raise ConfigError(
            f"register_kind: kind {kind!r} must be lower-case letters, digits and '_' "
            f"(e.g. 'flood')."
        )
    if not (isinstance(params_cls, type) and dataclasses.is_dataclass(params_cls)):
        raise ConfigError(
            f"register_kind({kind!r}): params_cls must be a dataclass type, got {params_cls!r}."
        )
    if not params_cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise ConfigError(
            f"register_kind({kind!r}): {params_cls.__name__} must be frozen "
            f"(@dataclass(frozen=True)) so scenarios stay immutable and hashable."
        )
    if runner is not None and not callable(runner):
        raise ConfigError(f"register_kind({kind!r}): runner must be callable, got {runner!r}.")
    spec = KindSpec(kind, params_cls, runner, description)
    old = _KINDS.get(kind)
    if old is not None and not replace:
        same_cls = old.params_cls.__qualname__ == params_cls.__qualname__ and (
            old.params_cls.__module__ == params_cls.__module__
        )
        # Adding a runner to a params-only declaration is the intended upgrade path.
        runner_ok = old.runner is None or runner is None or _same_callable(old.runner, runner)
        if not (same_cls and runner_ok):
            raise ConfigError(
                f"register_kind: kind {kind!r} is already registered with "
                f"{old.params_cls.__module__}.{old.params_cls.__qualname__}; pass replace=True "
                f"to override it."
            )
        if runner is None:
            spec = dataclasses.replace(spec, runner=old.runner)
        if not description:
            spec = dataclasses.replace(spec, description=old.description)
    _KINDS[kind] = spec
    return spec


def _same_callable(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    return (getattr(a, "__module__", None), getattr(a, "__qualname__", None)) == (
        getattr(b, "__module__", None),
        getattr(b, "__qualname__", None),
    )


def registered_kinds() -> dict[str, KindSpec]:
    """Return a copy of the kind table, ``{kind: KindSpec}``.

    Examples
    --------
    >>> "synthetic_allocation" in registered_kinds()
    True
    """
    return dict(_KINDS)


def get_kind(kind: str) -> KindSpec:
    """Return the :class:`KindSpec` of ``kind``; unknown kinds raise ConfigError with a hint."""
    try:
        return _KINDS[kind]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown scenario kind {kind!r}{did_you_mean(str(kind), _KINDS)}; registered "
            f"kinds: {sorted(_KINDS)}."
        ) from None
