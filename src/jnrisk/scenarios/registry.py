"""Scenario kinds in one table: kind -> parameter class -> runner.

The built-in kinds are rows of :data:`BUILTIN_KINDS`; their parameter classes and runners are
named by import path (``"jnrisk.scenarios.hazards:run_quake"``) and imported on first use, so
reading a scenario file never imports a hazard module. Third parties add a row at run time::

    from jnrisk.scenarios import register_kind
    register_kind("landslide", LandslideParams, "my_package.landslide:run_landslide")

A runner is ``runner(scenario, city) -> ScenarioResult``; it receives the validated
:class:`~jnrisk.scenarios.config.Scenario` and whatever the batch's city loader returned.
A kind may be added without a runner (``runner=None``): its scenario files then parse and
validate, and running them raises a :class:`~jnrisk._errors.ConfigError` saying so.

Batch workers never consult the table: the runner is resolved in the client and shipped with
each task (pickled by reference, i.e. by module and name).
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jnrisk._errors import ConfigError

__all__ = [
    "BUILTIN_KINDS",
    "SCENARIO_OPTIONS",
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


def _path_of(obj: Any) -> str:
    """``"module:qualname"`` of a class or function, or the string itself."""
    if isinstance(obj, str):
        return obj
    return f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"


def _import_path(path: str, what: str, kind: str) -> Any:
    module, _, name = path.partition(":")
    try:
        obj: Any = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"scenario kind {kind!r}: its {what} {path!r} cannot be imported "
            f"({type(exc).__name__}: {exc}); install the package that provides it or fix the "
            f"path ('module:name')."
        ) from None
    return obj


_PATH_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class KindSpec:
    """One row of the kind table: name, parameter class, runner and a one-line description.

    ``params`` and ``runner_ref`` are either the objects or their import paths
    (``"package.module:name"``); :attr:`params_cls` and :attr:`runner` import them on first use.
    ``options`` names the scenario options (of :data:`SCENARIO_OPTIONS`) the runner reads;
    a scenario of the kind that sets any other option to a non-default value is rejected,
    since it would change the scenario id but not the result. ``None`` allows them all.

    Examples
    --------
    >>> spec = KindSpec("flood", "jnrisk.scenarios.config:FloodParams",
    ...                 "jnrisk.scenarios.hazards:run_flood")
    >>> spec.params_cls.__name__, spec.runner_path
    ('FloodParams', 'jnrisk.scenarios.hazards:run_flood')
    """

    kind: str
    params: type | str
    runner_ref: Runner | str | None = None
    description: str = ""
    options: tuple[str, ...] | None = None

    @property
    def params_path(self) -> str:
        """Import path of the parameter class."""
        return _path_of(self.params)

    @property
    def runner_path(self) -> str | None:
        """Import path of the runner (``None`` when the kind has no runner)."""
        return None if self.runner_ref is None else _path_of(self.runner_ref)

    @property
    def params_cls(self) -> type:
        """The parameter class (a frozen dataclass), imported on first use."""
        cls = self.params
        if isinstance(cls, str):
            cls = _import_path(cls, "parameter class", self.kind)
            _check_params_cls(self.kind, cls)
        return cls

    @property
    def runner(self) -> Runner | None:
        """The runner, imported on first use; ``None`` when the kind has none."""
        fn = self.runner_ref
        if isinstance(fn, str):
            fn = _import_path(fn, "runner", self.kind)
            if not callable(fn):
                raise ConfigError(
                    f"scenario kind {self.kind!r}: runner {self.runner_ref!r} is not callable."
                )
        return fn


#: Scenario options outside ``[hazard]`` that a kind's runner may read.
SCENARIO_OPTIONS = (
    "network.closed_edges",
    "network.closed_bridges",
    "allocation.max_walk_m",
    "allocation.m2_per_person",
    "inventory_year",
    "seed",
)

#: The kinds that ship with jnrisk: kind, parameter class, runner, description, options read.
BUILTIN_KINDS: tuple[KindSpec, ...] = (
    KindSpec("quake", "jnrisk.scenarios.config:QuakeParams",
             "jnrisk.scenarios.hazards:run_quake", "scenario earthquake (jnrisk.quake)",
             ("allocation.max_walk_m", "allocation.m2_per_person", "inventory_year")),
    KindSpec("flood", "jnrisk.scenarios.config:FloodParams",
             "jnrisk.scenarios.hazards:run_flood", "design-storm waterlogging (jnrisk.flood)",
             ("network.closed_edges", "network.closed_bridges", "allocation.max_walk_m",
              "inventory_year")),
    KindSpec("fire", "jnrisk.scenarios.config:FireParams",
             "jnrisk.scenarios.hazards:run_fire", "forest fire weather day (jnrisk.fire)", ()),
    KindSpec("rescue", "jnrisk.scenarios.config:RescueParams",
             "jnrisk.scenarios.hazards:run_rescue", "rescue dispatch (jnrisk.rescue)",
             ("network.closed_edges", "network.closed_bridges")),
    KindSpec("evacuation", "jnrisk.scenarios.evacuation:EvacuationParams",
             "jnrisk.scenarios.evacuation:run_evacuation",
             "walking evacuation in time (jnrisk.evacuation)",
             ("network.closed_edges", "network.closed_bridges", "allocation.max_walk_m",
              "allocation.m2_per_person", "inventory_year")),
    KindSpec("synthetic_allocation", "jnrisk.scenarios.synthetic:SyntheticAllocationParams",
             "jnrisk.scenarios.synthetic:run_synthetic_allocation",
             "seeded grid allocation (no city data needed)",
             ("network.closed_edges", "allocation.max_walk_m", "allocation.m2_per_person",
              "seed")),
)

_KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in BUILTIN_KINDS}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of ``choices``, or ``""``.

    Examples
    --------
    >>> did_you_mean("flod", ["flood", "fire"])
    " (did you mean 'flood'?)"
    >>> did_you_mean("xyz", ["flood", "fire"])
    ''
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_params_cls(kind: str, params_cls: Any) -> None:
    if not (isinstance(params_cls, type) and dataclasses.is_dataclass(params_cls)):
        raise ConfigError(
            f"register_kind({kind!r}): params_cls must be a dataclass type, got {params_cls!r}."
        )
    if not params_cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise ConfigError(
            f"register_kind({kind!r}): {params_cls.__name__} must be frozen "
            f"(@dataclass(frozen=True)) so scenarios stay immutable and hashable."
        )


def register_kind(
    kind: str,
    params_cls: type | str,
    runner: Runner | str | None = None,
    *,
    description: str = "",
    options: Iterable[str] | None = None,
    replace: bool = False,
) -> KindSpec:
    """Add a scenario kind to the table (or give a declared kind its runner).

    Parameters
    ----------
    kind
        Name used in scenario files (``kind = "flood"``); lower-case letters, digits and ``_``.
    params_cls
        A frozen dataclass holding the kind's hazard parameters, or its import path
        (``"package.module:Params"``); it validates itself in ``__post_init__`` (raising
        :class:`~jnrisk._errors.ConfigError`).
    runner
        ``runner(scenario, city) -> ScenarioResult``, a module-level function (batch workers
        import it by name) or its import path, imported on first use. ``None`` declares the
        kind so files validate; running it fails.
    description
        One line shown in error messages listing the kinds.
    options
        The scenario options (names in :data:`SCENARIO_OPTIONS`) the runner reads; others
        must keep their defaults in scenarios of this kind. ``None`` (default) allows all.
    replace
        Allow replacing an existing kind's parameter class or runner (adding the same objects
        again, or a runner to a kind declared without one, is always allowed).

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
    for what, ref in (("params_cls", params_cls), ("runner", runner)):
        if isinstance(ref, str) and not _PATH_RE.match(ref):
            raise ConfigError(
                f"register_kind({kind!r}): {what} {ref!r} is not an import path; write "
                f"'package.module:name'."
            )
    if not isinstance(params_cls, str):
        _check_params_cls(kind, params_cls)
    if runner is not None and not isinstance(runner, str) and not callable(runner):
        raise ConfigError(f"register_kind({kind!r}): runner must be callable, got {runner!r}.")
    if options is not None:
        options = tuple(options)
        bad = [o for o in options if o not in SCENARIO_OPTIONS]
        if bad:
            raise ConfigError(
                f"register_kind({kind!r}): unknown option(s) {bad}{did_you_mean(bad[0], SCENARIO_OPTIONS)}; "
                f"allowed: {list(SCENARIO_OPTIONS)}."
            )
    spec = KindSpec(kind, params_cls, runner, description, options)
    old = _KINDS.get(kind)
    if old is not None and not replace:
        same_cls = old.params_path == spec.params_path
        # Adding a runner to a params-only declaration is the intended upgrade path.
        runner_ok = (
            old.runner_ref is None or runner is None or old.runner_path == spec.runner_path
        )
        if not (same_cls and runner_ok):
            raise ConfigError(
                f"register_kind: kind {kind!r} is already registered with "
                f"{old.params_path.replace(':', '.')}; pass replace=True to override it."
            )
        if runner is None:
            spec = dataclasses.replace(spec, runner_ref=old.runner_ref)
        if not description:
            spec = dataclasses.replace(spec, description=old.description)
        if options is None:
            spec = dataclasses.replace(spec, options=old.options)
    _KINDS[kind] = spec
    return spec


def registered_kinds() -> dict[str, KindSpec]:
    """Return a copy of the kind table, ``{kind: KindSpec}``.

    Examples
    --------
    >>> "synthetic_allocation" in registered_kinds()
    True
    """
    return dict(_KINDS)


def get_kind(kind: str) -> KindSpec:
    """Return the :class:`KindSpec` of ``kind``; unknown kinds raise ConfigError with a hint.

    Examples
    --------
    >>> get_kind("flood").runner_path
    'jnrisk.scenarios.hazards:run_flood'
    """
    try:
        return _KINDS[kind]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown scenario kind {kind!r}{did_you_mean(str(kind), _KINDS)}; registered "
            f"kinds: {sorted(_KINDS)}."
        ) from None
