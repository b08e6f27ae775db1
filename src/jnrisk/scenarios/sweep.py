"""Scenario files and sweeps: TOML in, a validated list of :class:`Scenario` out.

A file holds either one scenario (top-level keys) or several (``[[scenarios]]``), with an
optional ``[defaults]`` table merged into each. Any scenario may declare ``[sweep]`` axes;
they expand to the Cartesian product, in the order written::

    name = "storm"
    kind = "flood"
    [hazard]
    peak_ratio = 0.4
    [sweep]
    return_period_yr = [2, 5, 10, 20, 50, 100]
    duration_min = [60, 120]                 # -> 12 scenarios

Axis names are hazard fields (``return_period_yr``), allocation fields (``max_walk_m``),
network fields (``closed_bridges``, one list per point), ``inventory_year`` or ``seed``;
a dotted form (``hazard.return_period_yr``) is accepted too. Each expanded scenario carries
its ``sweep_point`` so :func:`jnrisk.scenarios.collect` can rebuild the grid.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jnrisk._errors import ConfigError
from jnrisk.scenarios.config import AllocationOptions, NetworkChanges, Scenario, read_toml
from jnrisk.scenarios.registry import did_you_mean, get_kind

__all__ = ["expand_sweep", "load_scenarios", "read_toml", "scenarios_from_dict"]

#: Refuse sweeps larger than this (a typo like range(0, 10**6) should not start a batch).
MAX_SWEEP_POINTS = 100_000
_SECTIONS = ("hazard", "network", "allocation")
_TOP_LEVEL_AXES = ("inventory_year", "seed")


def _axis_targets(kind: str) -> dict[str, tuple[str | None, str]]:
    """Map every sweepable name (bare and dotted) to (section or None, field)."""
    import dataclasses

    targets: dict[str, tuple[str | None, str]] = {}
    classes = {
        "hazard": get_kind(kind).params_cls,
        "network": NetworkChanges,
        "allocation": AllocationOptions,
    }
    for section, cls in classes.items():
        for f in dataclasses.fields(cls):
            targets[f"{section}.{f.name}"] = (section, f.name)
            targets.setdefault(f.name, (section, f.name))
    for name in _TOP_LEVEL_AXES:
        targets[name] = (None, name)
    return targets


def expand_sweep(
    base: Mapping[str, Any], axes: Mapping[str, Sequence[Any]], *, where: str = "sweep"
) -> list[Scenario]:
    """Expand ``axes`` over the scenario dict ``base`` into the product of scenarios.

    Parameters
    ----------
    base
        A scenario dict (as in :meth:`Scenario.from_dict`) without ``sweep``.
    axes
        ``{axis: [values, ...]}``; each list non-empty, without repeated values.
    where
        How error messages name the sweep (e.g. the file path).

    Returns
    -------
    list of Scenario
        In product order (the last axis varies fastest); names get ``[axis=value, ...]``.

    Examples
    --------
    >>> base = {"name": "storm", "kind": "flood", "hazard": {"duration_min": 60}}
    >>> s = expand_sweep(base, {"return_period_yr": [2, 5], "duration_min": [60, 120]})
    >>> [x.name for x in s][:2]
    ['storm[return_period_yr=2,duration_min=60]', 'storm[return_period_yr=2,duration_min=120]']
    """
    if not isinstance(axes, Mapping) or not axes:
        raise ConfigError(
            f"{where}: the sweep is empty; give at least one axis with a list of values, "
            f"e.g. return_period_yr = [2, 5, 10]."
        )
    kind = base.get("kind")
    targets = _axis_targets(kind)  # raises for an unknown kind
    # Size first, from the lengths alone: a huge axis is refused before any value is read.
    n_points = 1
    for axis, values in axes.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise ConfigError(
                f"{where}: axis {axis!r} must be a list of values, got {values!r} "
                f"(write {axis} = [{values!r}])."
            )
        if not values:
            raise ConfigError(
                f"{where}: axis {axis!r} is an empty list; give at least one value or remove it."
            )
        n_points *= len(values)
    if n_points > MAX_SWEEP_POINTS:
        sizes = " x ".join(f"{len(v):,}" for v in axes.values())
        raise ConfigError(
            f"{where}: the sweep has {n_points:,} points ({sizes}); the limit is "
            f"{MAX_SWEEP_POINTS:,}. Split it into several files."
        )
    resolved: list[tuple[str, str | None, str, list[Any]]] = []
    seen_fields: dict[tuple[str | None, str], str] = {}
    for axis, values in axes.items():
        if axis not in targets:
            sweepable = sorted(k for k in targets if "." not in k)
            raise ConfigError(
                f"{where}: unknown sweep axis {axis!r}{did_you_mean(axis, targets)}; axes for "
                f"kind {kind!r}: {sweepable}."
            )
        section, fname = targets[axis]
        if (section, fname) in seen_fields:
            raise ConfigError(
                f"{where}: axes {seen_fields[(section, fname)]!r} and {axis!r} set the same "
                f"field; keep one."
            )
        seen_fields[(section, fname)] = axis
        values = list(values)
        dups = _repeated(values)
        if dups:
            raise ConfigError(f"{where}: axis {axis!r} repeats value(s) {dups[:5]}; list each once.")
        resolved.append((axis, section, fname, values))
    out: list[Scenario] = []
    base_name = base.get("name", "scenario")
    for combo in itertools.product(*(r[3] for r in resolved)):
        d = copy.deepcopy(dict(base))
        label = []
        point = []
        for (axis, section, fname, _), value in zip(resolved, combo, strict=True):
            if section is None:
                d[fname] = value
            else:
                sub = d.get(section, {})
                if not isinstance(sub, Mapping):
                    raise ConfigError(f"{where}: {section} must be a table, got {sub!r}.")
                sub = dict(sub)
                sub[fname] = value
                d[section] = sub
            label.append(f"{axis}={value}")
            point.append((axis, value))
        d["name"] = f"{base_name}[{','.join(label)}]"
        d["sweep_point"] = dict(point)
        try:
            out.append(Scenario.from_dict(d, where=f"{where} point {d['name']!r}"))
        except ConfigError as exc:
            raise ConfigError(f"{where}: point {d['name']!r}: {exc}") from None
    return out


def _hash_key(value: Any) -> Any:
    """Return a hashable stand-in for a sweep value (lists become tuples; 1 and 1.0 stay equal)."""
    if isinstance(value, (list, tuple)):
        return ("__seq__", *(_hash_key(v) for v in value))
    if isinstance(value, Mapping):
        return ("__map__", *sorted((str(k), _hash_key(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return ("__repr__", repr(value))
    return value


def _repeated(values: Sequence[Any]) -> list[Any]:
    """Values that occur more than once, in first-repeat order; one pass with a hash set."""
    seen: set[Any] = set()
    dups: list[Any] = []
    for v in values:
        k = _hash_key(v)
        if k in seen:
            dups.append(v)
        else:
            seen.add(k)
    return dups


def _check_total_points(entries: Sequence[Mapping[str, Any]], where: str) -> None:
    """Refuse a file whose scenarios and sweeps add up to more than the limit.

    Counted from the axis lengths alone, before anything is expanded.
    """
    total = 0
    for entry in entries:
        n = 1
        sweep = entry.get("sweep")
        if isinstance(sweep, Mapping):
            for values in sweep.values():
                if isinstance(values, Sequence) and not isinstance(values, (str, bytes)):
                    n *= max(len(values), 1)
        total += n
    if total > MAX_SWEEP_POINTS:
        raise ConfigError(
            f"{where}: the file expands to {total:,} scenarios over {len(entries):,} entries; "
            f"the limit is {MAX_SWEEP_POINTS:,}. Split it into several files."
        )


def _merge_defaults(defaults: Mapping[str, Any], entry: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(defaults))
    for key, value in entry.items():
        if key in (*_SECTIONS, "sweep") and isinstance(value, Mapping):
            sub = dict(merged.get(key, {}))
            sub.update(value)
            merged[key] = sub
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _entry_to_scenarios(entry: Any, where: str) -> list[Scenario]:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be a table, got {type(entry).__name__}.")
    if "sweep" in entry:
        base = {k: v for k, v in entry.items() if k != "sweep"}
        if "kind" not in base:
            raise ConfigError(f"{where}: missing required key 'kind' (needed to read the sweep).")
        return expand_sweep(base, entry["sweep"], where=f"{where}.sweep")
    return [Scenario.from_dict(entry, where=where)]


def scenarios_from_dict(data: Mapping[str, Any], *, where: str = "scenarios") -> list[Scenario]:
    """Turn a parsed scenario file (dict) into validated scenarios, expanding sweeps.

    Duplicate scenarios (same id, i.e. same parameters) raise ConfigError naming both.

    Examples
    --------
    >>> d = {"defaults": {"kind": "flood", "hazard": {"duration_min": 60}},
    ...      "scenarios": [{"name": "a", "hazard": {"return_period_yr": 2}},
    ...                    {"name": "b", "hazard": {"return_period_yr": 5}}]}
    >>> [s.hazard.return_period_yr for s in scenarios_from_dict(d)]
    [2.0, 5.0]
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table (dict), got {type(data).__name__}.")
    scenarios: list[Scenario] = []
    if "scenarios" in data:
        extra = [k for k in data if k not in ("scenarios", "defaults")]
        if extra:
            raise ConfigError(
                f"{where}: with [[scenarios]] the top level may only hold 'scenarios' and "
                f"'defaults'; found {extra}{did_you_mean(extra[0], ['scenarios', 'defaults'])}. "
                f"Move shared keys into [defaults]."
            )
        entries = data["scenarios"]
        if not isinstance(entries, list) or not entries:
            raise ConfigError(f"{where}: 'scenarios' must be a non-empty array of tables.")
        defaults = data.get("defaults", {})
        if not isinstance(defaults, Mapping):
            raise ConfigError(f"{where}: 'defaults' must be a table, got {defaults!r}.")
        merged_entries = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                raise ConfigError(f"{where}.scenarios[{i}] must be a table, got {entry!r}.")
            merged_entries.append(_merge_defaults(defaults, entry))
        _check_total_points(merged_entries, where)
        for i, merged in enumerate(merged_entries):
            scenarios.extend(_entry_to_scenarios(merged, f"{where}.scenarios[{i}]"))
    elif "defaults" in data:
        raise ConfigError(f"{where}: [defaults] is only used together with [[scenarios]].")
    else:
        scenarios.extend(_entry_to_scenarios(data, where))
    first: dict[str, str] = {}
    for s in scenarios:
        sid = s.scenario_id
        if sid in first:
            raise ConfigError(
                f"{where}: scenarios {first[sid]!r} and {s.name!r} have identical parameters "
                f"(id {sid}); remove one or change a parameter."
            )
        first[sid] = s.name
    return scenarios


def load_scenarios(path: str | Path) -> list[Scenario]:
    r"""Read a scenario TOML file and return its validated, expanded scenarios.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = p.write_text('name = "t"\nkind = "synthetic_allocation"\n[hazard]\n'
    ...                  '[sweep]\nseed = [1, 2, 3]\n')
    >>> len(load_scenarios(p))
    3
    """
    return scenarios_from_dict(read_toml(path), where=str(path))
