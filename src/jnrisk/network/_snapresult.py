"""The result of snapping points to a network.

Kept apart so the network container and the origin-destination query can recognise it without
importing the snapping code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SnapResult"]


@dataclass(frozen=True, eq=False)
class SnapResult:
    """Nearest network node of each point.

    Attributes
    ----------
    node : int64 array
        Node index (``0..net.n_nodes-1``) nearest to each point (always given).
    snap_distance_m : float64 array
        Straight-line distance [m] from the point to that node.
    too_far : bool array
        ``snap_distance_m > max_snap_m``: the point is off the network.
    index : pandas.Index
        The points' index, kept for :meth:`to_frame`.
    """

    node: np.ndarray
    snap_distance_m: np.ndarray
    too_far: np.ndarray
    index: Any

    def to_frame(self):
        """Return a DataFrame (``node``, ``snap_distance_m``, ``too_far``) on the points' index."""
        import pandas as pd

        return pd.DataFrame(
            {"node": self.node, "snap_distance_m": self.snap_distance_m, "too_far": self.too_far},
            index=self.index,
        )
