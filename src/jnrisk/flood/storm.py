"""Design storms: the Chinese storm-intensity formula, Chicago hyetographs, historical storms.

Formula form (GB 50014; docs/references.md#gb50014-rational-method)::

    i = A1 (1 + C lg P) / (t + b)^n        [mm/min]     (q = 167 i  [L/(s·ha)])

with P the return period [years] and t the duration [min]. Newer city formulas use one
``(A, b, n)`` per return period; :class:`StormFormulaTable` covers that form.

**Jinan's official formula was not found.** :data:`JINAN_PLACEHOLDER_UNVERIFIED` is the handbook
formula ``q = 4700 (1 + 0.753 lg P) / (t + 17.5)^0.898`` quoted in older design handbooks
(docs/references.md#jinan-storm-formula, assumed); it is marked ``verified=False`` and every function takes the formula
as an argument, so supply the official one (issuer, year, record period) for production work.

Chicago hyetograph (Keifer & Chu 1957; docs/references.md#chicago-storm): built by differencing the cumulative
curve, so that the rain in any window of length tau placed around the peak (a fraction ``r``
before it) is exactly the formula depth ``H(tau) = A tau / (tau + b)^n``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError, DataError
from jnrisk._validate import numeric_array, real_number

__all__ = [
    "StormFormula",
    "StormFormulaTable",
    "JINAN_PLACEHOLDER_UNVERIFIED",
    "Hyetograph",
    "chicago_hyetograph",
    "hyetograph_from_table",
    "JINAN_2007_07_18_RECORD_DEPTHS_MM",
    "jinan_2007_07_18",
    "L_S_HA_PER_MM_MIN",
]

#: 1 mm/min of rain over one hectare is 166.67 L/s; GB 50014 rounds it to 167.
L_S_HA_PER_MM_MIN = 167.0
#: Shortest return period the storm formula accepts [years] (it uses lg P).
MIN_RETURN_PERIOD_YR = 1.0
#: Default time step of a design hyetograph [min]; a storm duration is a whole multiple of it.
STORM_STEP_MIN = 5.0
#: Allowed peak position r of a Chicago storm, as a fraction of its duration.
PEAK_RATIO_RANGE = (0.0, 1.0)


def _check_return_period(return_period_yr: float) -> float:
    p = float(return_period_yr)
    if not (math.isfinite(p) and p >= MIN_RETURN_PERIOD_YR):
        raise ConfigError(
            f"return_period_yr must be a finite number of years >= {MIN_RETURN_PERIOD_YR:g} "
            f"(the formula uses lg P), "
            f"got {return_period_yr!r}. Design storms in GB 50014 use 1-100 years."
        )
    return p


def _check_duration(duration_min: float, what: str = "duration_min") -> float:
    t = float(duration_min)
    if not (math.isfinite(t) and t > 0.0):
        raise ConfigError(f"{what} must be a positive number of minutes, got {duration_min!r}.")
    return t


@dataclass(frozen=True)
class StormFormula:
    """Single-formula storm intensity ``i = A1 (1 + C lg P) / (t + b)^n`` [mm/min].

    Parameters
    ----------
    a1_mm_min
        A1 [mm/min] (the ``q``-form constant divided by 167).
    c
        C, return-period coefficient [-].
    b_min
        b [min].
    n
        n [-].
    source
        Where the parameters come from (issuer, year, record period).
    verified
        ``False`` for placeholders that must not be used for production designs.

    Examples
    --------
    >>> f = StormFormula(a1_mm_min=10.0, c=0.8, b_min=10.0, n=0.7)
    >>> round(f.depth_mm(60.0, 1.0), 6)
    30.660739
    """

    a1_mm_min: float
    c: float
    b_min: float
    n: float
    source: str = "user supplied"
    verified: bool = True

    def __post_init__(self) -> None:
        bad = []
        if not (math.isfinite(self.a1_mm_min) and self.a1_mm_min > 0):
            bad.append(f"a1_mm_min={self.a1_mm_min!r} (must be > 0)")
        if not math.isfinite(self.c):
            bad.append(f"c={self.c!r} (must be finite)")
        if not (math.isfinite(self.b_min) and self.b_min >= 0):
            bad.append(f"b_min={self.b_min!r} (must be >= 0)")
        if not (math.isfinite(self.n) and 0 < self.n < 1):
            bad.append(f"n={self.n!r} (must be in (0, 1) for a decreasing depth-rate curve)")
        if bad:
            raise ConfigError("StormFormula: bad parameter(s): " + "; ".join(bad))

    @classmethod
    def from_q_form(
        cls,
        a_l_s_ha: float,
        c: float,
        b_min: float,
        n: float,
        *,
        source: str = "user supplied",
        verified: bool = True,
    ) -> StormFormula:
        """Build from the ``q = A (1 + C lg P) / (t + b)^n`` [L/(s·ha)] form (A = 167 A1)."""
        return cls(a_l_s_ha / L_S_HA_PER_MM_MIN, c, b_min, n, source=source, verified=verified)

    def params(self, return_period_yr: float) -> tuple[float, float, float]:
        """Return ``(A [mm/min], b [min], n)`` for one return period."""
        p = _check_return_period(return_period_yr)
        return self.a1_mm_min * (1.0 + self.c * math.log10(p)), self.b_min, self.n

    def intensity_mm_h(self, duration_min: float, return_period_yr: float) -> float:
        """Mean intensity over ``duration_min`` [mm/h]."""
        a, b, n = self.params(return_period_yr)
        t = _check_duration(duration_min)
        return 60.0 * a / (t + b) ** n

    def depth_mm(self, duration_min: float, return_period_yr: float) -> float:
        """Rain depth of the design storm of ``duration_min`` [mm]: ``A t / (t + b)^n``."""
        a, b, n = self.params(return_period_yr)
        t = _check_duration(duration_min)
        return a * t / (t + b) ** n


@dataclass(frozen=True)
class StormFormulaTable:
    """Per-return-period formulas ``i = A_P / (t + b_P)^n_P`` [mm/min].

    Only the tabulated return periods are allowed (no interpolation between rows).

    Parameters
    ----------
    rows
        ``{return_period_yr: (a_mm_min, b_min, n)}``.
    source, verified
        As in :class:`StormFormula`.

    Examples
    --------
    >>> t = StormFormulaTable({2: (12.0, 10.0, 0.7), 50: (20.0, 12.0, 0.72)})
    >>> round(t.intensity_mm_h(60.0, 50), 3)
    55.195
    """

    rows: dict[float, tuple[float, float, float]] = field(default_factory=dict)
    source: str = "user supplied"
    verified: bool = True

    def __post_init__(self) -> None:
        if not self.rows:
            raise ConfigError("StormFormulaTable: rows is empty; give {P: (A_mm_min, b_min, n)}.")
        for p, (a, b, n) in self.rows.items():
            StormFormula(a, 0.0, b, n)  # reuse the parameter checks
            _check_return_period(p)

    def params(self, return_period_yr: float) -> tuple[float, float, float]:
        """Return ``(A [mm/min], b [min], n)`` for a tabulated return period."""
        p = _check_return_period(return_period_yr)
        for key, value in self.rows.items():
            if math.isclose(float(key), p):
                return tuple(float(x) for x in value)  # type: ignore[return-value]
        raise ConfigError(
            f"return period {p:g} years is not in the table; allowed: "
            f"{sorted(float(k) for k in self.rows)}."
        )

    def intensity_mm_h(self, duration_min: float, return_period_yr: float) -> float:
        """Mean intensity over ``duration_min`` [mm/h]."""
        a, b, n = self.params(return_period_yr)
        t = _check_duration(duration_min)
        return 60.0 * a / (t + b) ** n

    def depth_mm(self, duration_min: float, return_period_yr: float) -> float:
        """Rain depth of the design storm of ``duration_min`` [mm]."""
        a, b, n = self.params(return_period_yr)
        t = _check_duration(duration_min)
        return a * t / (t + b) ** n


#: PLACEHOLDER, NOT VERIFIED: handbook formula often quoted for Jinan (docs/references.md#jinan-storm-formula).
#: Replace it with the official formula from 济南市城乡水务局 / 气象局 before production use.
JINAN_PLACEHOLDER_UNVERIFIED = StormFormula.from_q_form(
    4700.0,
    0.753,
    17.5,
    0.898,
    source=(
        "UNVERIFIED placeholder: q = 4700(1 + 0.753 lg P)/(t + 17.5)^0.898 L/(s·ha), quoted in "
        "older design handbooks for Jinan (docs/references.md#jinan-storm-formula); the official current formula "
        "was not found"
    ),
    verified=False,
)


@dataclass(frozen=True)
class Hyetograph:
    """A rain time series in equal steps.

    Attributes
    ----------
    rain_mm
        Rain depth in each step [mm] (read-only array).
    dt_min
        Step length [min].
    peak_ratio
        Position of the peak as a fraction of the duration (NaN for observed storms).
    source
        Where the storm comes from (formula source, or the record).
    verified
        ``False`` when built from an unverified formula.
    """

    rain_mm: np.ndarray
    dt_min: float
    peak_ratio: float = float("nan")
    source: str = ""
    verified: bool = True

    @property
    def duration_min(self) -> float:
        """Total duration [min]."""
        return float(self.rain_mm.size * self.dt_min)

    @property
    def total_mm(self) -> float:
        """Total depth [mm]."""
        return float(self.rain_mm.sum())

    @property
    def intensity_mm_h(self) -> np.ndarray:
        """Mean intensity in each step [mm/h]."""
        return self.rain_mm * (60.0 / self.dt_min)

    @property
    def start_min(self) -> np.ndarray:
        """Start time of each step [min]."""
        return np.arange(self.rain_mm.size) * self.dt_min

    def max_window_mm(self, window_min: float) -> float:
        """Largest rain in any run of whole steps lasting ``window_min`` [mm]."""
        k = round(window_min / self.dt_min)
        if k < 1 or k > self.rain_mm.size or not math.isclose(k * self.dt_min, window_min):
            raise ConfigError(
                f"window_min={window_min!r} must be a multiple of dt_min={self.dt_min:g} "
                f"between {self.dt_min:g} and {self.duration_min:g} min."
            )
        c = np.concatenate([[0.0], np.cumsum(self.rain_mm)])
        return float((c[k:] - c[:-k]).max())

    def to_dataframe(self) -> pd.DataFrame:
        """Columns ``start_min``, ``rain_mm``, ``intensity_mm_h``."""
        return pd.DataFrame(
            {
                "start_min": self.start_min,
                "rain_mm": self.rain_mm,
                "intensity_mm_h": self.intensity_mm_h,
            }
        )


def _chicago_cumulative_mm(
    t_min: np.ndarray, a: float, b: float, n: float, duration_min: float, r: float
) -> np.ndarray:
    """Cumulative depth from the storm start to ``t_min`` of a Chicago storm [mm]."""

    def h(tau: np.ndarray) -> np.ndarray:
        return a * tau / (tau + b) ** n

    t = np.clip(np.asarray(t_min, dtype=np.float64), 0.0, duration_min)
    tp = r * duration_min
    before = r * (h(np.full_like(t, duration_min)) - h(np.maximum(tp - t, 0.0) / r))
    if r < 1.0:
        after = r * h(np.full_like(t, duration_min)) + (1.0 - r) * h(
            np.maximum(t - tp, 0.0) / (1.0 - r)
        )
    else:
        after = before
    return np.where(t <= tp, before, after)


def chicago_hyetograph(
    formula: StormFormula | StormFormulaTable,
    return_period_yr: float,
    duration_min: float,
    *,
    dt_min: float = STORM_STEP_MIN,
    peak_ratio: float = 0.4,
) -> Hyetograph:
    """Chicago design storm, discretised by differencing its cumulative curve.

    Parameters
    ----------
    formula
        Storm-intensity formula (e.g. :data:`JINAN_PLACEHOLDER_UNVERIFIED`, which is NOT verified).
    return_period_yr
        Return period P [years], >= 1.
    duration_min
        Storm duration T [min] (GB 50014 design storms: 60-1440 min); a multiple of ``dt_min``.
    dt_min
        Step [min].
    peak_ratio
        r in [0, 1]: the peak sits at ``r T`` (North China: 0.3-0.4; Chicago 0.375).

    Returns
    -------
    Hyetograph
        Steps whose total is ``A T / (T + b)^n``; any window of length tau around the peak
        (``r tau`` before it) holds ``A tau / (tau + b)^n``.

    Examples
    --------
    >>> f = StormFormula(a1_mm_min=10.0, c=0.8, b_min=10.0, n=0.7)
    >>> h = chicago_hyetograph(f, 50, 120, dt_min=5, peak_ratio=0.4)
    >>> round(h.total_mm, 9) == round(f.depth_mm(120, 50), 9)
    True
    """
    return_period_yr = real_number("return_period_yr", return_period_yr, gt=0.0, unit="years")
    a, b, n = formula.params(return_period_yr)
    t_total = _check_duration(duration_min)
    dt = _check_duration(dt_min, "dt_min")
    steps = round(t_total / dt)
    if steps < 1 or not math.isclose(steps * dt, t_total, rel_tol=1e-12):
        raise ConfigError(
            f"duration_min={duration_min!r} must be a whole multiple of dt_min={dt_min!r} "
            f"(e.g. dt_min={t_total / max(1, math.ceil(t_total / dt)):g})."
        )
    r = float(peak_ratio)
    lo, hi = PEAK_RATIO_RANGE
    if not (lo <= r <= hi):
        raise ConfigError(f"peak_ratio must be in [{lo:g}, {hi:g}], got {peak_ratio!r}.")
    edges = np.arange(steps + 1, dtype=np.float64) * dt
    edges[-1] = t_total
    if r == 0.0:
        cum = a * edges / (edges + b) ** n
    else:
        cum = _chicago_cumulative_mm(edges, a, b, n, t_total, r)
    rain = np.diff(cum)
    rain.setflags(write=False)
    return Hyetograph(
        rain_mm=rain,
        dt_min=dt,
        peak_ratio=r,
        source=f"Chicago storm, P={return_period_yr:g} a, T={t_total:g} min; {formula.source}",
        verified=formula.verified,
    )


def hyetograph_from_table(
    rain_mm: np.ndarray | list[float], *, dt_min: float, source: str = "user supplied"
) -> Hyetograph:
    """Build a hyetograph from observed step depths [mm].

    Examples
    --------
    >>> hyetograph_from_table([1.0, 4.0, 2.0], dt_min=60).total_mm
    7.0
    """
    values = numeric_array("rain_mm", rain_mm, unit="mm").ravel()
    if values.size == 0:
        raise DataError("rain_mm is empty; give one depth per step [mm].")
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        raise DataError(
            f"rain_mm must be finite and >= 0 mm; steps {bad[:5].tolist()} hold "
            f"{values[bad[:5]].tolist()}. Replace missing steps with 0 or drop them."
        )
    dt = _check_duration(dt_min, "dt_min")
    values.setflags(write=False)
    return Hyetograph(rain_mm=values, dt_min=dt, source=source)


#: 18 July 2007 Jinan storm, largest depths in 1, 2 and 3 hours [mm] (docs/references.md#jinan-2007-storm: local
#: records via a news repost; 22 dead, 6 missing).
JINAN_2007_07_18_RECORD_DEPTHS_MM = {60.0: 151.0, 120.0: 167.5, 180.0: 180.0}


def jinan_2007_07_18() -> Hyetograph:
    """Return the 18 July 2007 Jinan storm as an hourly table [mm].

    Only the largest 1-, 2- and 3-hour depths (151, 167.5, 180 mm) are on record; the hourly
    order is an assumption: 16.5 mm, then the 151 mm peak hour, then 12.5 mm. Any order with
    the peak hour next to the 16.5 mm hour reproduces all three record depths.

    Examples
    --------
    >>> h = jinan_2007_07_18()
    >>> h.max_window_mm(60), h.max_window_mm(120), h.total_mm
    (151.0, 167.5, 180.0)
    """
    return hyetograph_from_table(
        [16.5, 151.0, 12.5],
        dt_min=60.0,
        source="Jinan storm of 18 Jul 2007 (151 mm in 1 h, 167.5 mm in 2 h, 180 mm in 3 h); "
        "hourly order assumed",
    )
