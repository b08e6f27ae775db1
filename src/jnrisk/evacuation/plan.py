"""Where to act and who leaves when: bottleneck ranking and a staged departure plan.

Both re-run the loading model (:func:`~jnrisk.evacuation.load_groups`) on changed inputs, so
what they report is measured, not estimated: a street's gain is the clearance time saved when
only that street is widened; a plan's clearance is the one of a run with those delays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jnrisk._errors import ConfigError
from jnrisk.evacuation.capacity import StreetCapacity
from jnrisk.evacuation.loading import EvacuationGroups, EvacuationResult, load_groups

__all__ = ["StagedPlan", "rank_bottlenecks", "staged_plan"]


def _widen(network: Any, capacity: StreetCapacity, arc: int, factor: float) -> StreetCapacity:
    """Capacity with one street widened: every arc of the arc's road row (both directions)."""
    edge = np.asarray(network.arc_edge)
    arcs = np.flatnonzero(edge == edge[arc]) if edge[arc] >= 0 else np.array([arc])
    f = np.ones(capacity.n_arcs)
    f[arcs] = factor
    f[capacity.closed] = 0.0
    return capacity.with_factor(f)


def rank_bottlenecks(
    network: Any,
    capacity: StreetCapacity,
    groups: EvacuationGroups,
    base: EvacuationResult,
    *,
    top_k: int = 5,
    widen_factor: float = 2.0,
    **load_kw: Any,
) -> pd.DataFrame:
    """Rank the streets whose widening most shortens the clearance (measured by re-runs).

    The ``top_k`` arcs that held people back longest in ``base`` (``bottleneck_s``) are
    candidates; for each, the
    loading is run again with that street's capacity and storage times ``widen_factor``
    (both directions of a walk street) - a marshal or an opened barrier, say.

    Parameters
    ----------
    network, capacity, groups
        The inputs of ``base``.
    base : EvacuationResult
        The run to improve on.
    top_k : int
        Candidates to re-run (each costs one loading).
    widen_factor : float
        Capacity multiplier (> 1).
    **load_kw
        Further arguments of ``base`` (``departure``, ``dt_s``, ...).

    Returns
    -------
    pandas.DataFrame
        ``arc``, ``edge``, ``bottleneck_s``, ``clearance_95_s``, ``clearance_100_s``
        (after widening), ``gain_95_s``, ``gain_100_s``; best first.

    Examples
    --------
    >>> from jnrisk.network import RoadNetwork
    >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [134.0, 134.0])
    >>> cap = StreetCapacity.from_arrays(net, [1.0, 0.5])
    >>> g = EvacuationGroups(np.array([0]), np.array([2]), np.array([100.0]), np.zeros(1),
    ...                      None, None, pd.DataFrame(index=range(1)))
    >>> base = load_groups(net, cap, **g.kwargs(), dt_s=5.0)
    >>> r = rank_bottlenecks(net, cap, g, base, dt_s=5.0)
    >>> r["arc"].tolist(), r["gain_100_s"].round().tolist()  # the narrow arc 1 first
    ([1, 0], [100.0, 0.0])
    """
    if not (isinstance(top_k, int) and top_k >= 0):
        raise ConfigError(f"top_k={top_k!r}; give a whole number >= 0.")
    if not (isinstance(widen_factor, int | float) and widen_factor > 1):
        raise ConfigError(f"widen_factor={widen_factor!r}; give a multiplier > 1.")
    # a queue stands on the arc *before* the street that holds people back: rank the
    # streets by how long they were the limit, then by the people they passed
    arcs = base.arcs.loc[base.arcs["bottleneck_s"] > 0]
    arcs = arcs.sort_values(["bottleneck_s", "throughput_persons"], ascending=False,
                            kind="stable")
    # one candidate per street
    arcs = arcs.drop_duplicates("edge") if (arcs["edge"] >= 0).all() else arcs
    rows = []
    for arc, edge, q in arcs[["arc", "edge", "bottleneck_s"]].head(top_k).itertuples(
            index=False):
        cap = _widen(network, capacity, int(arc), float(widen_factor))
        res = load_groups(network, cap, **groups.kwargs(), **load_kw)
        rows.append({
            "arc": int(arc), "edge": int(edge), "bottleneck_s": float(q),
            "clearance_95_s": res.clearance_95_s, "clearance_100_s": res.clearance_100_s,
            "gain_95_s": base.clearance_95_s - res.clearance_95_s,
            "gain_100_s": base.clearance_100_s - res.clearance_100_s,
        })
    out = pd.DataFrame(rows, columns=["arc", "edge", "bottleneck_s", "clearance_95_s",
                                      "clearance_100_s", "gain_95_s", "gain_100_s"])
    return out.sort_values(["gain_95_s", "gain_100_s"], ascending=False,
                           kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class StagedPlan:
    """A staged departure plan and what it achieves.

    Attributes
    ----------
    delays : pandas.DataFrame
        One row per sub-district: ``subdistrict``, ``persons``, ``delay_s`` (after the
        warning), ``clearance_95_s`` of that sub-district without and with the plan.
    target_95_s : float
    clearance_95_s, base_clearance_95_s : float
        City 95 % clearance with the plan and with everyone leaving on the curve.
    shortfall_s : float
        How much the plan misses the target by (0 when met).
    queued_person_s, base_queued_person_s : float
        Sum over streets of peak queue x congested time [person s], a crowding measure the
        plan lowers.
    result : EvacuationResult
        The run with the plan.
    """

    delays: pd.DataFrame
    target_95_s: float
    clearance_95_s: float
    base_clearance_95_s: float
    shortfall_s: float
    queued_person_s: float
    base_queued_person_s: float
    result: EvacuationResult

    @property
    def met(self) -> bool:
        """Whether the plan brings the 95 % clearance under the target."""
        return self.shortfall_s <= 0


def _crowding(res: EvacuationResult) -> float:
    a = res.arcs
    return float((a["peak_queue_persons"] * a["congested_s"]).sum()) if len(a) else 0.0


def _zone_t95(res: EvacuationResult) -> pd.Series:
    from jnrisk.evacuation.loading import _crossing

    out = {}
    for z in res.by_subdistrict.columns:
        out[z] = _crossing(res.time_s, res.by_subdistrict[z].to_numpy(), 0.95,
                           res.output_interval_s)
    return pd.Series(out, dtype=float)


def staged_plan(
    network: Any,
    capacity: StreetCapacity,
    groups: EvacuationGroups,
    *,
    target_95_s: float,
    wave_s: float = 600.0,
    max_waves: int = 3,
    base: EvacuationResult | None = None,
    **load_kw: Any,
) -> StagedPlan:
    """Which sub-districts leave when, keeping the city's 95 % clearance under a target.

    Sub-districts that clear early in the unstaged run can wait: they are spread over waves
    ``0, wave_s, 2 wave_s, ...`` (at most ``max_waves``), the most slack (target minus their
    own 95 % clearance) leaving last and none beyond its slack. Staging spreads the crowd
    and shortens the queues; a staged run is kept only if it meets the target and lowers the
    crowding (peak queue x congested time); otherwise the delays are halved (three tries),
    then dropped (everyone leaves on the curve). If even the
    unstaged run misses the target, the plan says by how much (``shortfall_s``): no
    departure order can make the streets pass people faster; widen the bottlenecks
    (:func:`rank_bottlenecks`) or add shelters.

    Parameters
    ----------
    network, capacity, groups
        As for :func:`load_groups` (``groups`` built with ``population=`` so sub-districts
        are known).
    target_95_s : float
        Target for the city's 95 % clearance [s].
    wave_s : float
        Delay between waves [s].
    max_waves : int
        Longest delay, in waves.
    base : EvacuationResult, optional
        The unstaged run, if already computed.
    **load_kw
        Further arguments of :func:`load_groups` (``departure``, ``dt_s``, ...).

    Returns
    -------
    StagedPlan
    """
    if not (isinstance(target_95_s, int | float) and math.isfinite(target_95_s)
            and target_95_s > 0):
        raise ConfigError(f"target_95_s={target_95_s!r}; give a time in seconds > 0.")
    if not (isinstance(wave_s, int | float) and wave_s > 0):
        raise ConfigError(f"wave_s={wave_s!r}; give seconds > 0.")
    if groups.subdistrict is None:
        raise ConfigError("staged_plan needs groups with sub-districts "
                          "(allocation_groups(..., population=...)).")
    if base is None:
        base = load_groups(network, capacity, **groups.kwargs(), **load_kw)
    t95 = _zone_t95(base)
    persons = pd.Series(groups.persons).groupby(
        pd.Series(groups.subdistrict).fillna("<none>").to_numpy()).sum()
    delays = pd.Series(0.0, index=t95.index)
    result = base
    best = _crowding(base)
    if base.clearance_95_s <= target_95_s and t95.size > 1:
        # spread the sub-districts over the waves: the earliest to clear in the unstaged run
        # (the most slack) leave last, each within its own slack
        slack = (target_95_s - t95).clip(lower=0).fillna(0.0)
        rank = slack.rank(method="first").to_numpy() - 1.0
        spread = np.floor(rank * (max_waves + 1) / t95.size)
        waves = np.minimum(spread, np.floor(slack.to_numpy() / wave_s))
        proposal = pd.Series(np.minimum(waves, max_waves) * wave_s, index=t95.index)
        for _ in range(3):
            if not (proposal > 0).any():
                break
            res = load_groups(network, capacity,
                              **groups.kwargs(proposal[proposal > 0].to_dict()), **load_kw)
            crowd = _crowding(res)
            if res.clearance_95_s <= target_95_s and crowd < best:
                delays, result, best = proposal, res, crowd
                break
            proposal = np.floor(proposal / 2.0 / wave_s) * wave_s
    after = _zone_t95(result)
    table = pd.DataFrame({
        "subdistrict": t95.index,
        "persons": persons.reindex(t95.index).fillna(0.0).to_numpy(),
        "delay_s": delays.reindex(t95.index).to_numpy(),
        "clearance_95_s_before": t95.to_numpy(),
        "clearance_95_s_after": after.reindex(t95.index).to_numpy(),
    }).sort_values(["delay_s", "subdistrict"], kind="stable").reset_index(drop=True)
    return StagedPlan(
        delays=table,
        target_95_s=float(target_95_s),
        clearance_95_s=float(result.clearance_95_s),
        base_clearance_95_s=float(base.clearance_95_s),
        shortfall_s=max(0.0, float(result.clearance_95_s) - float(target_95_s)),
        queued_person_s=_crowding(result),
        base_queued_person_s=_crowding(base),
        result=result,
    )
