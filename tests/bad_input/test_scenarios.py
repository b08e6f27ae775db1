"""Bad scenario files, sweeps and parameters (jnrisk.scenarios)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk._errors import ConfigError, DataFileError, JnriskError
from jnrisk.scenarios import Scenario, expand_sweep, load_scenarios, scenarios_from_dict
from jnrisk.scenarios.sweep import MAX_SWEEP_POINTS

from .conftest import expect

BASE = {"name": "s", "kind": "synthetic_allocation", "hazard": {"grid_size": 4}}
HEAD = 'name = "s"\nkind = "synthetic_allocation"\n[hazard]\ngrid_size = 4\n'


@pytest.mark.parametrize(("content", "error", "fragment"), [
    (HEAD.encode("utf-16"), ConfigError, "is not UTF-8 text"),
    (HEAD.encode("utf-16-be"), ConfigError, "is not UTF-8 text"),
    (bytes(range(256)), ConfigError, "is not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), ConfigError, "is not UTF-8 text"),
    (b"\x00\x00\x00\x00", ConfigError, "is not UTF-8 text"),
    (b"name = \n", DataFileError, "is not valid TOML"),
    (b"", ConfigError, "missing required key"),
    (HEAD.encode() + b"[sweep]\nseed = []\n", ConfigError, "axis 'seed' is an empty list"),
    (HEAD.encode() + b"[sweep]\nseed = 3\n", ConfigError, "axis 'seed' must be a list"),
    (HEAD.encode() + b"[sweep]\nseed = [1, 2, 1]\n", ConfigError, r"repeats value\(s\) \[1\]"),
    (HEAD.encode() + b"[sweep]\nsede = [1, 2]\n", ConfigError, "unknown sweep axis 'sede'"),
    (HEAD.encode() + b"[allocation]\nm2_per_person = '2'\n", ConfigError,
     "m2_per_person must be a number"),
    (HEAD.encode() + b"[allocation]\nmax_walk_m = 'far'\n", ConfigError,
     "max_walk_m must be a number"),
    (HEAD.encode() + b"[allocation]\nmax_walk_m = nan\n", ConfigError, "max_walk_m must be finite"),
    (HEAD.encode() + b"[allocation]\nmax_walk_m = inf\n", ConfigError, "max_walk_m must be finite"),
    (HEAD.encode() + b"[allocation]\nmax_walk_m = -5\n", ConfigError, "max_walk_m = -5.0 is out"),
    (b"seed = 18446744073709551616\n" + HEAD.encode(), ConfigError, "seed = .* is out of range"),
    (b"seed = 9223372036854775807\n" + HEAD.encode(), None, ""),
    (b"seed = -1\n" + HEAD.encode(), ConfigError, "seed = -1 is out of range"),
    (b"seed = 1.5\n" + HEAD.encode(), ConfigError, "seed must be a whole number"),
    (b"inventory_year = 2025\n" + HEAD.encode(), ConfigError, "inventory_year = 2025 is not"),
    (b"\xef\xbb\xbf" + HEAD.encode(), None, ""),
    (HEAD.encode() + b"[[scenarios]]\n", ConfigError, "top level may only hold 'scenarios'"),
])  # fmt: skip
def test_scenario_files(tmp_path, content, error, fragment):
    f = tmp_path / "bad.toml"
    f.write_bytes(content)
    if error is None:  # odd but valid: a UTF-8 BOM, the largest int64 seed
        assert len(load_scenarios(f)) == 1
        return
    msg = expect(lambda: load_scenarios(f), error, fragment)
    assert "bad.toml" in msg or error is ConfigError  # file named for file-level errors


def test_missing_and_odd_paths(tmp_path):
    expect(lambda: load_scenarios(tmp_path / "nope.toml"), DataFileError, "nope.toml' does not")
    expect(lambda: load_scenarios(tmp_path), DataFileError, "is a directory")
    expect(lambda: load_scenarios(42), ConfigError, "scenario file must be a path")
    expect(lambda: load_scenarios(None), ConfigError, "scenario file must be a path")


def _big_sweep_file(path, n):
    path.write_text(HEAD + "[sweep]\nseed = [" + ",".join(map(str, range(n))) + "]\n")


def _no_expansion(monkeypatch):
    """Make any expansion of a sweep fail loudly: refusals must come before it."""
    import jnrisk.scenarios.sweep as sweep

    def refuse(*_a, **_k):
        raise AssertionError("the sweep was expanded before its size was checked")

    monkeypatch.setattr(sweep.itertools, "product", refuse)


def test_sweep_with_200k_values_is_refused_before_expansion(tmp_path, monkeypatch):
    # the time to refuse is measured in benchmarks/bench_batch.py --refusals
    f = tmp_path / "big.toml"
    _big_sweep_file(f, 200_000)
    _no_expansion(monkeypatch)
    expect(lambda: load_scenarios(f), ConfigError, "the sweep has 200,000 points",
           f"the limit is {MAX_SWEEP_POINTS:,}")  # fmt: skip
    data = {**BASE, "sweep": {"seed": list(range(200_000))}}
    expect(lambda: scenarios_from_dict(data), ConfigError, "200,000 points")


def test_product_of_axes_is_checked_before_expansion(monkeypatch):
    data = {**BASE, "sweep": {"seed": list(range(1000)), "max_walk_m": [float(v + 1) for v in
                                                                        range(1000)]}}  # fmt: skip
    _no_expansion(monkeypatch)
    expect(lambda: scenarios_from_dict(data), ConfigError, r"1,000,000 points \(1,000 x 1,000\)")


class _Counted:
    """A value that counts how often it is compared (a quadratic check compares n**2 times)."""

    compared = 0

    def __init__(self, v):
        self.v = v

    def __hash__(self):
        return hash(self.v)

    def __eq__(self, other):
        type(self).compared += 1
        return isinstance(other, _Counted) and self.v == other.v


def test_duplicate_check_is_linear():
    values = [float(v) for v in range(MAX_SWEEP_POINTS)] + [5.0]
    data = {**BASE, "sweep": {"max_walk_m": values[:10] + [5.0]}}
    expect(lambda: scenarios_from_dict(data), ConfigError, r"repeats value\(s\) \[5.0\]")
    from jnrisk.scenarios.sweep import _repeated

    assert _repeated(values) == [5.0]
    counted = [_Counted(v) for v in range(2_000)] + [_Counted(7)]
    _Counted.compared = 0
    assert [c.v for c in _repeated(counted)] == [7]
    assert _Counted.compared <= 10  # one hash lookup per value, not a pairwise scan
    assert _repeated([[1, 2], [1, 2], {"a": 1}, {"a": 1}, 1, 1.0]) == [[1, 2], {"a": 1}, 1.0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3, 1.0, 2.5, "x", (1, 2)]), min_size=1, max_size=6))
def test_duplicates_match_python_equality(values):
    from jnrisk.scenarios.sweep import _repeated

    slow = [v for i, v in enumerate(values) if v in values[:i]]
    assert _repeated(values) == slow


@pytest.mark.parametrize(("hazard", "fragment"), [
    ({"grid_size": "big"}, "grid_size must be a number"),
    ({"grid_size": math.nan}, "grid_size must be a whole number"),
    ({"grid_size": 2**80}, "grid_size = .* is out of range"),
    ({"grid_size": True}, "grid_size must be a number"),
])  # fmt: skip
def test_scenario_parameters(hazard, fragment):
    expect(lambda: Scenario.from_dict({**BASE, "hazard": hazard}), ConfigError, fragment)


def test_numpy_numbers_work_in_scenarios():
    s = Scenario.from_dict({**BASE, "hazard": {"grid_size": np.int64(4)}, "seed": np.int64(3),
                            "allocation": {"max_walk_m": np.float32(900.0),
                                           "m2_per_person": np.int64(2)}})  # fmt: skip
    assert s.seed == 3 and s.allocation.m2_per_person == 2.0
    assert expand_sweep(BASE, {"seed": [np.int64(1), np.int64(2)]})[1].seed == 2


@pytest.mark.parametrize("bad", [None, [], "seed", {"seed": None}])
def test_expand_sweep_bad_axes(bad):
    expect(lambda: expand_sweep(BASE, bad), JnriskError, "sweep")


def test_many_entries_add_up_before_expansion():
    entry = {"name": "e", "sweep": {"seed": list(range(60_000))}}
    data = {"defaults": {"kind": "synthetic_allocation", "hazard": {"grid_size": 4}},
            "scenarios": [entry, {**entry, "name": "f"}]}  # fmt: skip
    t0 = time.perf_counter()
    expect(lambda: scenarios_from_dict(data), ConfigError,
           "expands to 120,000 scenarios over 2 entries")  # fmt: skip
    assert time.perf_counter() - t0 < 0.1
