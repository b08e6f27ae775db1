"""Road-network engine: routable CSR networks, bounded Dijkstra, nearest facilities, snapping.

>>> from jnrisk.network import RoadNetwork, network_from_roads, network_from_osm
>>> from jnrisk.network import snap_points, SnapResult
"""

from __future__ import annotations

from jnrisk.network.build import (
    DEFAULT_SPEED_KMH,
    DRIVE_EXCLUDED_CLASSES,
    WALK_EXCLUDED_CLASSES,
    RoadNetwork,
    network_from_roads,
)
from jnrisk.network.osm import network_from_osm, roads_from_osm
from jnrisk.network.snap import SnapResult, snap_points

__all__ = [
    "DEFAULT_SPEED_KMH",
    "DRIVE_EXCLUDED_CLASSES",
    "WALK_EXCLUDED_CLASSES",
    "RoadNetwork",
    "SnapResult",
    "network_from_osm",
    "network_from_roads",
    "roads_from_osm",
    "snap_points",
]
