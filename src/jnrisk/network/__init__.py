"""Road-network engine.

Routable CSR networks, bounded Dijkstra, origin-destination costs, nearest facilities, snapping.

* :mod:`~jnrisk.network.graph` -- the :class:`RoadNetwork` container and its queries;
* :mod:`~jnrisk.network.roads` -- building it from a roads GeoDataFrame;
* :mod:`~jnrisk.network.osm` -- reading OpenStreetMap extracts;
* :mod:`~jnrisk.network.od` -- origin-destination cost matrices (:meth:`RoadNetwork.od_costs`);
* :mod:`~jnrisk.network.snap` -- snapping points to nodes.

>>> from jnrisk.network import RoadNetwork, network_from_roads, network_from_osm
>>> from jnrisk.network import snap_points, SnapResult, require_network
"""

from __future__ import annotations

from jnrisk.network._csr import csr_from_arcs
from jnrisk.network.graph import MODES, SOURCES, RoadNetwork, require_network
from jnrisk.network.osm import network_from_osm, roads_from_osm
from jnrisk.network.roads import (
    DEFAULT_SPEED_KMH,
    DRIVE_EXCLUDED_CLASSES,
    WALK_EXCLUDED_CLASSES,
    network_from_roads,
)
from jnrisk.network.snap import SnapResult, snap_points

__all__ = [
    "DEFAULT_SPEED_KMH",
    "DRIVE_EXCLUDED_CLASSES",
    "MODES",
    "SOURCES",
    "WALK_EXCLUDED_CLASSES",
    "RoadNetwork",
    "csr_from_arcs",
    "SnapResult",
    "network_from_osm",
    "network_from_roads",
    "require_network",
    "roads_from_osm",
    "snap_points",
]
