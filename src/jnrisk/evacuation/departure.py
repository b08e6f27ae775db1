"""When people leave: departure curves (share of a block's residents leaving over time).

A :class:`DepartureCurve` is a cumulative share ``F(t)`` rising from 0 to exactly 1 over a
finite time, sampled on its own breakpoints and interpolated linearly between them. Build one
with :meth:`DepartureCurve.instant` (everyone at once), :meth:`~DepartureCurve.rayleigh` (the
response curve used in evacuation planning, (docs/references.md#rayleigh-departure)),
:meth:`~DepartureCurve.logistic` (an S-curve) or :meth:`~DepartureCurve.from_table` (shares per
interval from a survey or a warning plan; they must sum to 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError

__all__ = ["DepartureCurve"]

#: Tolerance on "the shares sum to 1".
_SUM_TOL = 1e-6


def _positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, int | float) and math.isfinite(value) and (
        value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">=" if allow_zero else ">"
        raise ConfigError(f"{name}={value!r}; give a finite number {bound} 0.")
    return float(value)


@dataclass(frozen=True, eq=False)
class DepartureCurve:
    """Cumulative share of residents who have left, ``F(t)``, on breakpoints ``time_s``.

    Attributes
    ----------
    time_s : float64 array
        Increasing breakpoints [s] from the warning (``time_s[0] >= 0``).
    cum_share : float64 array
        ``F`` at the breakpoints: non-decreasing, ``cum_share[-1] == 1``.
    name : str
        Label for reports.
    """

    time_s: np.ndarray
    cum_share: np.ndarray
    name: str = "custom"

    # ------------------------------------------------------------------ constructors
    @classmethod
    def instant(cls, delay_s: float = 0.0) -> DepartureCurve:
        """Everyone leaves at ``delay_s``.

        Examples
        --------
        >>> DepartureCurve.instant().step_shares(60.0).tolist()
        [1.0]
        """
        d = _positive("delay_s", delay_s, allow_zero=True)
        return cls(np.array([d, d]), np.array([0.0, 1.0]), name="instant")

    @classmethod
    def rayleigh(cls, mean_s: float = 900.0, *, delay_s: float = 0.0,
                 tail: float = 1e-4, n_points: int = 200) -> DepartureCurve:
        """Rayleigh response curve ``F(t) = 1 - exp(-(t - delay)² / (2 sigma²))``.

        ``mean_s`` is the mean departure time after ``delay_s`` (``sigma = mean / sqrt(pi/2)``);
        the curve is cut where ``1 - F = tail`` and rescaled so it reaches exactly 1.

        Examples
        --------
        >>> c = DepartureCurve.rayleigh(600.0)
        >>> round(float(c.cum_share[-1]), 6), round(c.mean_s(), -1)
        (1.0, 600.0)
        """
        m = _positive("mean_s", mean_s)
        d = _positive("delay_s", delay_s, allow_zero=True)
        if not (0 < tail < 0.1):
            raise ConfigError(f"tail={tail!r}; give a small share in (0, 0.1), e.g. 1e-4.")
        sigma = m / math.sqrt(math.pi / 2.0)
        t_end = sigma * math.sqrt(-2.0 * math.log(tail))
        t = np.linspace(0.0, t_end, int(n_points))
        f = (1.0 - np.exp(-(t**2) / (2 * sigma**2))) / (1.0 - tail)
        f[-1] = 1.0
        return cls(t + d, np.minimum(f, 1.0), name=f"rayleigh(mean {m:g} s)")

    @classmethod
    def logistic(cls, midpoint_s: float = 900.0, *, spread_s: float = 180.0,
                 delay_s: float = 0.0, n_points: int = 200) -> DepartureCurve:
        """Return the logistic departure curve.

        S-curve ``F(t) = 1 / (1 + exp(-(t - midpoint) / spread))``, cut and rescaled to
        rise from exactly 0 at ``delay_s`` to exactly 1 at ``2 * midpoint``.

        Examples
        --------
        >>> c = DepartureCurve.logistic(600.0, spread_s=60.0)
        >>> float(c.share_by(600.0))
        0.5
        """
        mid = _positive("midpoint_s", midpoint_s)
        s = _positive("spread_s", spread_s)
        d = _positive("delay_s", delay_s, allow_zero=True)
        t = np.linspace(0.0, 2 * mid, int(n_points))
        f = 1.0 / (1.0 + np.exp(-(t - mid) / s))
        f = (f - f[0]) / (f[-1] - f[0])
        return cls(t + d, f, name=f"logistic(midpoint {mid:g} s)")

    @classmethod
    def from_table(cls, time_s: Any, shares: Any, *, name: str = "table") -> DepartureCurve:
        """Shares leaving in each interval ``[time_s[i], time_s[i+1])``; they must sum to 1.

        Parameters
        ----------
        time_s : array of float, length n + 1
            Interval bounds [s], increasing.
        shares : array of float, length n
            Share of residents leaving in each interval (>= 0, sum 1), spread evenly in it.

        Examples
        --------
        >>> c = DepartureCurve.from_table([0, 600, 1200], [0.7, 0.3])
        >>> float(c.share_by(600.0)), float(c.share_by(900.0))
        (0.7, 0.85)
        >>> DepartureCurve.from_table([0, 600, 1200], [0.7, 0.2])
        Traceback (most recent call last):
        jnrisk._errors.ConfigError: departure table 'table': the shares sum to 0.9, not 1; rescale them (shares / shares.sum()) or add the missing interval.
        """
        t = np.asarray(time_s, dtype=np.float64).ravel()
        s = np.asarray(shares, dtype=np.float64).ravel()
        if t.size != s.size + 1 or s.size == 0:
            raise ConfigError(
                f"departure table {name!r}: give n + 1 interval bounds for n shares, got "
                f"{t.size} bounds and {s.size} shares."
            )
        if not (np.isfinite(t).all() and (t[0] >= 0) and (np.diff(t) > 0).all()):
            raise ConfigError(
                f"departure table {name!r}: time_s must be finite, >= 0 and strictly "
                f"increasing, got {t.tolist()[:8]}."
            )
        if not (np.isfinite(s).all() and (s >= 0).all()):
            bad = np.flatnonzero(~(np.isfinite(s) & (s >= 0)))
            raise ConfigError(
                f"departure table {name!r}: shares must be >= 0; bad at intervals "
                f"{bad.tolist()[:5]}."
            )
        total = float(s.sum())
        if abs(total - 1.0) > _SUM_TOL:
            raise ConfigError(
                f"departure table {name!r}: the shares sum to {total:.6g}, not 1; rescale "
                f"them (shares / shares.sum()) or add the missing interval."
            )
        cum = np.concatenate([[0.0], np.cumsum(s) / total])
        cum[-1] = 1.0
        return cls(t, cum, name=name)

    def __post_init__(self) -> None:
        t = np.asarray(self.time_s, dtype=np.float64)
        f = np.asarray(self.cum_share, dtype=np.float64)
        if t.ndim != 1 or t.shape != f.shape or t.size < 2:
            raise ConfigError("DepartureCurve: time_s and cum_share need the same length >= 2.")
        if not (np.isfinite(t).all() and t[0] >= 0 and (np.diff(t) >= 0).all()):
            raise ConfigError("DepartureCurve: time_s must be finite, >= 0 and non-decreasing.")
        if not (np.isfinite(f).all() and (np.diff(f) >= -1e-12).all() and f[0] >= 0):
            raise ConfigError("DepartureCurve: cum_share must be non-decreasing from >= 0.")
        if abs(f[-1] - 1.0) > _SUM_TOL:
            raise ConfigError(
                f"DepartureCurve {self.name!r}: the departures sum to {f[-1]:.6g}, not 1; "
                f"every resident must leave once (rescale the curve)."
            )
        object.__setattr__(self, "time_s", t)
        object.__setattr__(self, "cum_share", np.minimum(f, 1.0))

    # ------------------------------------------------------------------ queries
    def _cdf(self, t_s: Any, side: str) -> np.ndarray:
        x = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        t, f = self.time_s, self.cum_share
        i = np.searchsorted(t, x, side=side)
        inside = (i > 0) & (i < t.size)
        j = np.clip(i, 1, t.size - 1)
        width = t[j] - t[j - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(width > 0, (x - t[j - 1]) / width, 1.0)
        val = f[j - 1] + (f[j] - f[j - 1]) * np.clip(frac, 0.0, 1.0)
        return np.where(inside, val, np.where(i >= t.size, 1.0, 0.0))

    def share_by(self, t_s: Any) -> np.ndarray:
        """``F(t)``: share of residents who have left by time ``t_s`` [s] (inclusive)."""
        out = self._cdf(t_s, "right")
        return out.reshape(np.shape(t_s))

    def step_shares(self, dt_s: float, *, offset_s: float = 0.0) -> np.ndarray:
        """Return the share of people leaving in each time step.

        Shares leaving in each step ``[k dt, (k+1) dt)`` when the curve starts ``offset_s``
        [s] late. People leaving inside a step are loaded at its start; the shares sum to 1.

        Examples
        --------
        >>> DepartureCurve.from_table([0, 120], [1.0]).step_shares(60.0).tolist()
        [0.5, 0.5]
        >>> DepartureCurve.instant().step_shares(60.0, offset_s=90.0).tolist()
        [0.0, 1.0]
        """
        dt = _positive("dt_s", dt_s)
        off = _positive("offset_s", offset_s, allow_zero=True)
        end = float(self.time_s[-1]) + off
        n = int(math.floor(end / dt)) + 1
        edges = np.arange(n + 1) * dt - off
        before = self._cdf(edges, "left")  # share leaving strictly before each edge
        before[-1] = 1.0
        out = np.maximum(np.diff(before), 0.0)
        last = int(np.flatnonzero(out > 0)[-1]) if (out > 0).any() else 0
        out = out[: last + 1]
        return out / out.sum()

    def mean_s(self) -> float:
        """Mean departure time [s]."""
        t, f = self.time_s, self.cum_share
        mid = 0.5 * (t[1:] + t[:-1])
        return float(np.sum(mid * np.diff(f)) + t[0] * f[0])
