"""Counts beyond int64 totals, duplicate index labels and non-numeric persons are refused
before any cast or work, naming the column, the rows and the fix."""

from __future__ import annotations

import numpy as np
import pytest

from jnrisk import DataError, SchemaError
from jnrisk.allocation import allocate_shelters, solve_transport

from .test_allocate import city  # noqa: F401  (module fixture)


@pytest.mark.parametrize(
    ("supply", "words"),
    [
        ([4e18, 4e18], ["supply", "sums to 8e+18", "int64"]),  # each fits, the total does not
        ([2**63, 1], ["supply", "index [0]", "int64"]),  # uint64 beyond int64
        ([1.0, 2.0**70], ["supply", "index [1]", "int64"]),  # would wrap to negative
    ],
)
def test_transport_counts_beyond_int64(supply, words):
    with pytest.raises(DataError) as exc:
        solve_transport(
            supply, [5], np.arange(len(supply) + 1), [0] * len(supply), [1.0] * len(supply)
        )
    for w in words:
        assert w in str(exc.value)


def test_transport_large_counts_keep_exact_travel():
    """Totals just inside the limit: the travel is exact (no int64 wrap in the dot product)."""
    sol = solve_transport([2**61, 2**61 - 5], [2**61], [0, 1, 2], [0, 0], [3, 1])
    assert sol.flow.tolist() == [5, 2**61 - 5]
    assert sol.travel == float(5 * 3 + (2**61 - 5) * 1)
    assert sol.unserved.tolist() == [2**61 - 5, 0]


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (
            lambda b, s: (b.assign(persons=np.where(np.arange(len(b)) == 4, 2**62 + 2**40, 10)), s),
            DataError,
            ["population", "'persons'", "1004", "int64"],
        ),
        (
            lambda b, s: (b.assign(persons=np.full(len(b), 1e17)), s),
            DataError,
            ["population", "'persons'", "sums to", "int64"],
        ),
        (
            lambda b, s: (b.assign(persons=np.full(len(b), 2.0**64)), s),
            DataError,
            ["population", "'persons'", "1000", "int64"],
        ),
        (
            lambda b, s: (b, s.assign(capacity_persons=np.full(len(s), 2**63 + 5, np.uint64))),
            DataError,
            ["shelters", "'capacity_persons'", "S0", "int64"],
        ),
        (
            lambda b, s: (b.assign(persons=b["persons"].astype(str)), s),
            SchemaError,
            ["population", "'persons'", "pd.to_numeric"],
        ),
        (
            lambda b, s: (b.assign(persons=b["persons"] > 100), s),
            SchemaError,
            ["population", "'persons'", "bool"],
        ),
        (
            lambda b, s: (b.set_axis([*b.index[:-1], b.index[0]]), s),
            SchemaError,
            ["population", "unique", "1000", "reset_index"],
        ),
        (
            lambda b, s: (b, s.set_axis(["S0", "S1", "S1", *s.index[3:]])),
            SchemaError,
            ["shelters", "unique", "S1", "reset_index"],
        ),
    ],
)
def test_allocation_bad_counts_and_labels(city, change, error, words):  # noqa: F811
    _, net, blocks, shelters = city
    b, s = change(blocks, shelters)
    with pytest.raises(error) as exc:
        allocate_shelters(b, s, net)
    for w in words:
        assert w in str(exc.value), str(exc.value)


def test_integer_persons_read_exactly(city):  # noqa: F811
    """A large int64 count is not rounded through float64 (2**53 + 1 stays odd)."""
    _, net, blocks, shelters = city
    big = blocks.assign(persons=np.where(np.arange(len(blocks)) == 0, 2**53 + 1, 0))
    res = allocate_shelters(big, shelters, net, max_walk_m=700.0)
    assert res.total_persons == 2**53 + 1
