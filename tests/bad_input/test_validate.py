"""The shared checks of jnrisk._validate: open-ended families with hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jnrisk._errors import ConfigError, DataError, SchemaError
from jnrisk._validate import (
    INT64_MAX,
    check_aligned,
    check_raster,
    finite_coordinates,
    non_negative_values,
    numeric_array,
    real_number,
    unique_index,
    whole_number,
)

from .conftest import expect, points, raster

NOT_NUMBERS = st.one_of(
    st.text(max_size=8),
    st.binary(max_size=4),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.just(np.bool_(True)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


@given(NOT_NUMBERS)
def test_real_number_refuses_what_is_not_a_number(value):
    expect(lambda: real_number("cutoff_m", value, unit="m"), ConfigError,
           r"^cutoff_m must be a number in m, got")  # fmt: skip


@given(st.sampled_from([math.nan, math.inf, -math.inf, np.float32("nan"), np.float64("inf")]))
def test_real_number_refuses_non_finite(value):
    expect(lambda: real_number("speed_kmh", value), ConfigError, "speed_kmh must be a finite")


@given(st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.integers(0, 2**32 - 1).map(np.uint32),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(np.float32),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**6), 10**6),
))  # fmt: skip
def test_real_number_accepts_every_real_type(value):
    out = real_number("x", value)
    assert type(out) is float and out == float(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_real_number_range(value):
    if value > 0:
        assert real_number("cutoff_m", value, gt=0) == value
    else:
        expect(lambda: real_number("cutoff_m", value, gt=0), ConfigError,
               r"cutoff_m = .* is out of range: it must be > 0")  # fmt: skip


@given(st.integers(min_value=INT64_MAX + 1, max_value=2**200))
def test_whole_number_beyond_int64_is_refused_before_any_cast(value):
    for v in (value, -value - 1):
        expect(lambda v=v: whole_number("persons", v), ConfigError,
               "persons = .* is beyond the int64 range")  # fmt: skip


@given(st.integers(-(2**63), 2**63 - 1))
def test_whole_number_accepts_int64(value):
    assert whole_number("n", np.int64(value)) == value


@pytest.mark.parametrize("value", [2.5, "3", None, True, math.nan])
def test_whole_number_refuses(value):
    expect(lambda: whole_number("workers", value), ConfigError, "workers must be")


@given(st.lists(st.one_of(st.integers(0, 10**6), st.just(2**63), st.just(2**64 + 7)),
                min_size=1, max_size=8))  # fmt: skip
def test_counts_beyond_int64_name_the_rows(values):
    # pandas stores these as int64, uint64 or object depending on the largest value
    df = pd.DataFrame({"persons": values}, index=[f"b{i}" for i in range(len(values))])
    big = [i for i, v in enumerate(values) if v > INT64_MAX]
    if not big:
        out = non_negative_values(df, "persons", name="population", integer=True)
        assert out.tolist() == values and out.dtype == np.int64
        return
    if df["persons"].dtype == object:
        expect(lambda: non_negative_values(df, "persons", name="population", integer=True),
               SchemaError, "population: column 'persons' has dtype object")  # fmt: skip
        return
    expect(lambda: non_negative_values(df, "persons", name="population", integer=True),
           DataError, "population: column 'persons' has values beyond the int64 range",
           f"'b{big[0]}'")  # fmt: skip


@given(st.lists(st.integers(0, 4), min_size=2, max_size=12))
def test_unique_index_names_the_repeats(labels):
    df = pd.DataFrame({"a": range(len(labels))}, index=labels)
    if len(set(labels)) == len(labels):
        unique_index(df, name="population")
        return
    expect(lambda: unique_index(df, name="population"), DataError,
           "population: index labels must be unique", r"reset_index\(drop=True\)")  # fmt: skip


@given(st.lists(st.sampled_from([0.0, 1.0, math.nan, math.inf, -math.inf]), min_size=1,
                max_size=6))  # fmt: skip
def test_finite_coordinates_names_the_rows(xs):
    gdf = points([(x, 0.0) for x in xs])
    bad = [i for i, x in enumerate(xs) if not math.isfinite(x)]
    if not bad:
        finite_coordinates(gdf, name="blocks")
        return
    expect(lambda: finite_coordinates(gdf, name="blocks"), DataError,
           "blocks: non-finite .* at rows? \\[" + str(bad[0]))  # fmt: skip


@pytest.mark.parametrize(("shape", "ok"), [((1, 1), False), ((1, 5), False), ((5, 1), False),
                                           ((2, 2), True)])  # fmt: skip
def test_raster_at_least_2x2(shape, ok):
    da = raster(np.zeros(shape))
    if ok:
        assert check_raster("dem", da).nx == 2
    else:
        expect(lambda: check_raster("dem", da), DataError, "dem must be at least 2 x 2")


@given(st.floats(-1e5, 1e5).filter(lambda v: abs(v) > 0.1))
def test_rasters_aligned_by_transform_not_shape(offset_m):
    a = raster(np.zeros((4, 4)))
    b = raster(np.zeros((4, 4)), x0=a.x.values[0] + offset_m)
    expect(lambda: check_aligned("dem", a, "runoff", b), DataError,
           "runoff is not on the grid of dem", "reproject_match")  # fmt: skip


def test_raster_wrong_types():
    expect(lambda: check_raster("dem", np.zeros((3, 3))), SchemaError, "dem must be a 2-D")
    expect(lambda: check_aligned("dem", raster(np.zeros((3, 3))), "runoff",
                                 raster(np.zeros((3, 4)))), DataError,
           "runoff has 3 x 4 cells but dem has 3 x 3")  # fmt: skip
    expect(lambda: check_aligned("dem", raster(np.zeros((3, 3))), "runoff",
                                 raster(np.zeros((3, 3)), dx=90.0)), DataError,
           "runoff has cells of 90")  # fmt: skip


@pytest.mark.parametrize("value", [["a"], "fast", [object()], {"a": 1}])
def test_numeric_array_refuses(value):
    expect(lambda: numeric_array("wind_kmh", value), ConfigError, "wind_kmh must be numbers")


def test_float32_coordinates_are_a_regular_grid_but_a_bent_one_is_not():
    import xarray as xr

    x = (500_000 + np.arange(100) * 30.0).astype(np.float32)
    y = (4_050_000 - np.arange(50) * 30.0).astype(np.float32)
    da = xr.DataArray(np.zeros((50, 100)), dims=("y", "x"), coords={"y": y, "x": x})
    assert check_raster("dem", da, metric=False).dx == 30.0
    bent = da.assign_coords(x=np.r_[x[:50], x[50:] + 3.0])
    expect(lambda: check_raster("dem", bent, metric=False), DataError, "dem must be on a regular")
