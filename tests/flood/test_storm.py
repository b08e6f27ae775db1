"""Storm formula, Chicago hyetograph (mass balance), historical storm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jnrisk._errors import ConfigError, DataError
from jnrisk.flood import storm


def test_placeholder_is_marked_and_matches_q_form():
    f = storm.JINAN_PLACEHOLDER_UNVERIFIED
    assert f.verified is False
    assert "UNVERIFIED" in f.source
    # q = 4700 (1 + 0.753 lg P) / (t + 17.5)^0.898 [L/(s ha)], q = 167 i
    p, t = 50.0, 120.0
    q = 4700 * (1 + 0.753 * math.log10(p)) / (t + 17.5) ** 0.898
    assert f.intensity_mm_h(t, p) == pytest.approx(q / 167.0 * 60.0, rel=1e-12)
    h = storm.chicago_hyetograph(f, p, t)
    assert h.verified is False and "UNVERIFIED" in h.source


def test_user_formula_overrides_placeholder():
    f = storm.StormFormula(a1_mm_min=10.0, c=0.8, b_min=10.0, n=0.7, source="test")
    assert f.verified
    # hand computed: A = 10 (1 + 0.8 lg 10) = 18; H(60) = 18*60/70^0.7
    assert f.depth_mm(60, 10) == pytest.approx(18 * 60 / 70**0.7, rel=1e-14)


@pytest.mark.parametrize("r", [0.0, 0.3, 0.4, 0.5, 1.0])
def test_chicago_windows_around_peak_hold_formula_depth(r):
    f = storm.StormFormula(a1_mm_min=10.0, c=0.8, b_min=10.0, n=0.7)
    big_t, dt = 120.0, 1.0
    h = storm.chicago_hyetograph(f, 20, big_t, dt_min=dt, peak_ratio=r)
    a, b, n = f.params(20)
    cum = np.concatenate([[0.0], np.cumsum(h.rain_mm)])
    tp = r * big_t
    for tau in np.arange(5.0, big_t + 1, 5.0):  # r*tau on the 1-minute grid for these r
        lo, hi = tp - r * tau, tp + (1 - r) * tau
        if not (float(lo).is_integer() and float(hi).is_integer()):
            continue
        got = cum[int(round(hi))] - cum[int(round(lo))]
        want = a * tau / (tau + b) ** n
        assert got == pytest.approx(want, rel=1e-9)
    assert h.total_mm == pytest.approx(f.depth_mm(big_t, 20), rel=1e-12)
    assert np.all(h.rain_mm >= 0)


@settings(max_examples=60, deadline=None)
@given(
    r=st.floats(0.05, 0.95),
    big_t=st.sampled_from([60.0, 120.0, 180.0, 360.0, 720.0, 1440.0]),
    p=st.sampled_from([1, 2, 5, 10, 20, 50, 100]),
    frac=st.floats(0.01, 1.0),
)
def test_chicago_mass_balance_any_window(r, big_t, p, frac):
    """Any window [tp - r tau, tp + (1-r) tau] of the cumulative curve holds H(tau)."""
    f = storm.JINAN_PLACEHOLDER_UNVERIFIED
    a, b, n = f.params(p)
    tau = frac * big_t
    tp = r * big_t
    got = storm._chicago_cumulative_mm(
        np.array([tp - r * tau, tp + (1 - r) * tau]), a, b, n, big_t, r
    )
    want = a * tau / (tau + b) ** n
    assert got[1] - got[0] == pytest.approx(want, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(r=st.floats(0.0, 1.0), steps=st.integers(1, 288), p=st.floats(1.0, 100.0))
def test_chicago_steps_conserve_mass_and_peak_is_max(r, steps, p):
    f = storm.JINAN_PLACEHOLDER_UNVERIFIED
    big_t = 1440.0
    h = storm.chicago_hyetograph(f, p, big_t, dt_min=big_t / steps, peak_ratio=r)
    assert h.total_mm == pytest.approx(f.depth_mm(big_t, p), rel=1e-9)
    assert np.all(h.rain_mm >= -1e-12)
    # the step holding the peak is the largest
    k = min(int(r * steps), steps - 1)
    assert h.rain_mm.max() == pytest.approx(max(h.rain_mm[max(k - 1, 0) : k + 2]), rel=1e-12)


def test_table_form():
    t = storm.StormFormulaTable({2: (12.0, 10.0, 0.7), 50: (20.0, 12.0, 0.72)}, source="x")
    assert t.depth_mm(60, 50) == pytest.approx(20 * 60 / 72**0.72, rel=1e-14)
    h = storm.chicago_hyetograph(t, 2, 120, dt_min=5)
    assert h.total_mm == pytest.approx(12 * 120 / 130**0.7, rel=1e-12)
    with pytest.raises(ConfigError, match=r"not in the table.*\[2.0, 50.0\]"):
        t.params(10)


def test_historical_storm_2007():
    h = storm.jinan_2007_07_18()
    for window, depth in storm.JINAN_2007_07_18_RECORD_DEPTHS_MM.items():
        assert h.max_window_mm(window) == pytest.approx(depth)
    df = h.to_dataframe()
    assert list(df.columns) == ["start_min", "rain_mm", "intensity_mm_h"]
    assert df["intensity_mm_h"].max() == pytest.approx(151.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"return_period_yr": 0.5}, "return_period_yr must be"),
        ({"duration_min": -5}, "duration_min must be a positive"),
        ({"duration_min": 7}, "whole multiple of dt_min"),
        ({"peak_ratio": 1.5}, r"peak_ratio must be in \[0, 1\]"),
    ],
)
def test_bad_storm_options(kwargs, match):
    args = {"return_period_yr": 10, "duration_min": 60, "dt_min": 5, "peak_ratio": 0.4}
    args.update(kwargs)
    rp, dur = args.pop("return_period_yr"), args.pop("duration_min")
    with pytest.raises(ConfigError, match=match):
        storm.chicago_hyetograph(storm.JINAN_PLACEHOLDER_UNVERIFIED, rp, dur, **args)


def test_bad_formula_and_negative_rain():
    with pytest.raises(ConfigError, match=r"n=1.2 \(must be in \(0, 1\)"):
        storm.StormFormula(a1_mm_min=10, c=0.8, b_min=10, n=1.2)
    with pytest.raises(DataError, match=r"steps \[1\] hold \[-3.0\]"):
        storm.hyetograph_from_table([1.0, -3.0], dt_min=10)
