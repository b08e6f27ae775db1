"""Bad inputs to jnrisk.network (roads, snapping). Fixes on the network branch flip xfails."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import LineString, Point

from jnrisk._errors import JnriskError
from jnrisk.network import network_from_roads, snap_points

from .conftest import X0, Y0, dup_index, expect, grid_roads, points

OTHER = pytest.mark.xfail(strict=True, reason="known gap: this input is not refused yet")


def _roads(mutate):
    def call():
        r = grid_roads(3)
        return network_from_roads(mutate(r), "walk")

    return call


def _vertex(x, y):
    def f(r):
        r = r.copy()
        r.loc[2, "geometry"] = LineString([(X0, Y0), (x, y)])
        r = r.drop(columns=["u", "v"])
        return r

    return f


def _degrees(r):
    # degrees written into a metric CRS: coordinates ~117, 36 labelled EPSG:4548
    r = r.copy()
    r["geometry"] = [LineString([(117.0 + i * 1e-4, 36.6), (117.0 + i * 1e-4 + 1e-4, 36.6)])
                     for i in range(len(r))]  # fmt: skip
    return r.drop(columns=["u", "v"])


ROADS_CASES = [
    pytest.param(_roads(_vertex(math.inf, Y0)), "roads.*(non-finite|infinite|inf).*2",
                 id="vertex-inf"),
    pytest.param(_roads(_vertex(math.nan, Y0)), "roads.*(non-finite|NaN).*2", id="vertex-nan"),
    pytest.param(_roads(dup_index), "roads.*index.*reset_index", id="duplicate-index"),
    pytest.param(_roads(lambda r: r.iloc[:0]), "roads", id="empty"),
    pytest.param(_roads(lambda r: r.set_crs(None, allow_override=True)), "roads has no CRS",
                 id="no-crs"),
    pytest.param(_roads(lambda r: r.to_crs("EPSG:4326")), "roads is in a geographic CRS",
                 id="degrees"),
    pytest.param(_roads(_degrees), "roads.*(degrees|geographic|metres)", id="degrees-as-metres"),
    pytest.param(lambda: network_from_roads(None, "walk"), "roads", id="roads-none"),
    pytest.param(lambda: network_from_roads(grid_roads(3), "swim"), "mode", id="mode"),
    pytest.param(lambda: network_from_roads(grid_roads(3), "walk", walk_speed_m_s="fast"),
                 "walk_speed_m_s", id="walk-speed-fast"),
    pytest.param(lambda: network_from_roads(grid_roads(3), "walk", walk_speed_m_s=math.nan),
                 "walk_speed_m_s", id="walk-speed-nan"),
    pytest.param(lambda: network_from_roads(grid_roads(3), "drive",
                                            speed_kmh_by_class={"residential": "fast"}),
                 "residential", id="class-speed-fast"),
    pytest.param(lambda: network_from_roads(grid_roads(3), "walk", node_tolerance_m=-1),
                 "node_tolerance_m", id="tolerance-negative"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "fragment"), ROADS_CASES)
def test_network_from_roads(call, fragment):
    expect(call, JnriskError, fragment)


def test_numpy_scalars_work():
    net = network_from_roads(grid_roads(3), "walk", walk_speed_m_s=np.float32(1.2),
                             node_tolerance_m=np.int64(1))  # fmt: skip
    assert net.n_nodes == 9


SNAP_CASES = [
    pytest.param(lambda net: snap_points(None, points([(0, 0)])), r"net(work)?\b.*(NoneType|got None)",
                 id="network-none"),
    pytest.param(lambda net: snap_points(net, points([(0, 0)]), max_snap_m="far"), "max_snap_m",
                 id="max-snap-str"),
    pytest.param(lambda net: snap_points(net, points([(0, 0)]), max_snap_m=math.nan),
                 "max_snap_m", id="max-snap-nan"),
    pytest.param(lambda net: snap_points(net, points([(0, 0)]), on_far="drop"), "on_far",
                 id="on-far"),
    pytest.param(lambda net: snap_points(net, points([(0, 0)], crs="EPSG:4326")), "CRS",
                 id="points-degrees"),
    pytest.param(lambda net: snap_points(net, _nan_points()), r"(non-finite|NaN).*\b1\b",
                 id="point-nan"),
]  # fmt: skip


def _nan_points():
    p = points([(0, 0), (10, 10)])
    p.loc[1, "geometry"] = Point(math.nan, math.nan)
    return p


@pytest.mark.parametrize(("call", "fragment"), SNAP_CASES)
def test_snap_points(network, call, fragment):
    expect(lambda: call(network), JnriskError, fragment)
