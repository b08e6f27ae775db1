"""A memory budget checked before large working sets are allocated.

Large arrays (allocation arcs and candidate tables, distance matrices, raster stacks) are
estimated in bytes before they are built. Above the budget, :func:`ensure_fits` raises a
:class:`~jnrisk._errors.ResourceError` that says what was too large and how to shrink the
problem, instead of letting the process die in the allocator.

The budget is, in order: ``JNRISK_MEMORY_BUDGET_BYTES`` (an integer, or a number with a
``K``/``M``/``G`` suffix), else 80 % of the memory available now (``/proc/meminfo``
``MemAvailable``, or ``psutil`` where installed), else 8 GiB.
"""

from __future__ import annotations

import os
from typing import Any

from jnrisk._errors import ResourceError

__all__ = ["memory_budget_bytes", "ensure_fits", "format_bytes", "pairs_within_reach"]

_ENV = "JNRISK_MEMORY_BUDGET_BYTES"
_FALLBACK_BYTES = 8 * 1024**3
_SHARE_OF_AVAILABLE = 0.8
_SUFFIX = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def _available_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


def _parse_budget(text: str) -> int:
    raw = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = raw[-1:] if raw[-1:] in _SUFFIX and raw[-1:] else ""
    number = raw[: -len(unit)] if unit else raw
    try:
        value = float(number) * _SUFFIX[unit]
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ResourceError(
            f"{_ENV}={text!r} is not a positive size; set it to bytes or a size such as '6G', "
            f"or unset it to use 80 % of the available memory"
        )
    return int(value)


def memory_budget_bytes() -> int:
    """Bytes that one large working set may take.

    Returns
    -------
    int
        ``$JNRISK_MEMORY_BUDGET_BYTES`` when set, else 80 % of the memory available now, else
        8 GiB.

    Examples
    --------
    >>> memory_budget_bytes() > 0
    True
    """
    env = os.environ.get(_ENV)
    if env:
        return _parse_budget(env)
    available = _available_bytes()
    if available is None:
        return _FALLBACK_BYTES
    return int(available * _SHARE_OF_AVAILABLE)


def format_bytes(nbytes: float) -> str:
    """Human-readable size, e.g. ``'1.5 GiB'``.

    Examples
    --------
    >>> format_bytes(3 * 1024**3 // 2)
    '1.5 GiB'
    """
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover


def ensure_fits(nbytes: float, *, what: str, fix: str, budget_bytes: int | None = None) -> None:
    """Raise before allocating ``nbytes`` when it exceeds the memory budget.

    Parameters
    ----------
    nbytes
        Estimated size of the working set, in bytes.
    what
        What would be allocated, as the user would recognise it, e.g.
        ``"the allocation's candidate table (50,000 blocks x 6,300 shelters)"``.
    fix
        How to make the problem smaller, e.g. ``"lower max_walk_m"``.
    budget_bytes
        Budget to check against; default :func:`memory_budget_bytes`.

    Raises
    ------
    ResourceError
        When ``nbytes`` is above the budget; the message names ``what``, both sizes and ``fix``.

    Examples
    --------
    >>> ensure_fits(1024, what="a small table", fix="nothing")
    >>> ensure_fits(2**40, what="a huge table", fix="use fewer shelters", budget_bytes=2**30)
    Traceback (most recent call last):
    jnrisk._errors.ResourceError: a huge table needs about 1024.0 GiB, above the memory budget of 1.0 GiB; use fewer shelters, or raise the budget with JNRISK_MEMORY_BUDGET_BYTES
    """
    budget = memory_budget_bytes() if budget_bytes is None else int(budget_bytes)
    if nbytes > budget:
        raise ResourceError(
            f"{what} needs about {format_bytes(nbytes)}, above the memory budget of "
            f"{format_bytes(budget)}; {fix}, or raise the budget with {_ENV}"
        )


def pairs_within_reach(origins_xy: Any, targets_xy: Any, reach_m: float) -> int:
    """Count the (origin, target) pairs at most ``reach_m`` apart in a straight line.

    A network distance is never shorter than the straight line, so this bounds from above
    the origin-destination pairs a search with a ``reach_m`` cutoff can produce (e.g. the
    block-shelter arcs of an allocation), without building them: a KD-tree count, linear
    memory.

    Parameters
    ----------
    origins_xy, targets_xy
        ``(n, 2)`` arrays of map coordinates (m).
    reach_m
        Cutoff distance (m).

    Examples
    --------
    >>> pairs_within_reach([[0, 0], [1000, 0]], [[0, 0], [500, 0], [5000, 0]], 600.0)
    3
    """
    import numpy as np
    from scipy.spatial import cKDTree

    o = np.asarray(origins_xy, dtype=np.float64).reshape(-1, 2)
    t = np.asarray(targets_xy, dtype=np.float64).reshape(-1, 2)
    if len(o) == 0 or len(t) == 0:
        return 0
    tree = cKDTree(t)
    return int(np.asarray(tree.query_ball_point(o, float(reach_m), return_length=True)).sum())
