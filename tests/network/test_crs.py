"""Any city's CRS: a local projected CRS chosen from the data, area-of-use warnings, to_crs,
and CRS errors that suggest a CRS fitting the data."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point

from jnrisk import CRSError, JnriskWarning
from jnrisk._crs import local_utm_crs, project_to_local, suggest_crs
from jnrisk.network import RoadNetwork, network_from_roads, snap_points

HELSINKI = (24.9, 60.2)


def helsinki_roads(n: int = 6, step_deg: float = 0.01) -> gpd.GeoDataFrame:
    """A lon/lat street grid around 24.9 E 60.2 N (about 5.5 km x 3.3 km), no u/v columns."""
    lon0, lat0 = HELSINKI
    lons = lon0 + step_deg * np.arange(n)
    lats = lat0 + step_deg * 0.5 * np.arange(n)
    lines = []
    for la in lats:
        lines += [LineString([(lons[i], la), (lons[i + 1], la)]) for i in range(n - 1)]
    for lo in lons:
        lines += [LineString([(lo, lats[j]), (lo, lats[j + 1])]) for j in range(n - 1)]
    return gpd.GeoDataFrame({"road_class": ["residential"] * len(lines)}, geometry=lines,
                            crs="EPSG:4326")


@pytest.mark.parametrize(
    "bounds, epsg",
    [((24.8, 60.1, 25.0, 60.3), 32635), ((116.8, 36.5, 117.2, 36.8), 32650),
     ((-58.6, -34.7, -58.3, -34.5), 32721), ((-0.2, 51.4, 0.1, 51.6), 32630),
     ((151.1, -33.95, 151.3, -33.8), 32756)],
)
def test_local_utm_zone_north_and_south(bounds, epsg):
    assert local_utm_crs(bounds).to_epsg() == epsg


def test_helsinki_lands_in_utm_35n_with_true_distances():
    roads = helsinki_roads()
    projected = project_to_local(roads, name="roads")  # not asked for any CRS
    assert projected.crs.to_epsg() == 32635
    net = network_from_roads(projected, "walk")
    assert net.crs.to_epsg() == 32635 and net.x.min() > 0  # no x ~ -3e6 far-off coordinates
    # straight lines between node pairs against geodesics on the ellipsoid
    rng = np.random.default_rng(3)
    i, j = rng.integers(0, net.n_nodes, (2, 200))
    i, j = i[i != j], j[i != j]
    straight = np.hypot(net.x[i] - net.x[j], net.y[i] - net.y[j])
    lonlat = gpd.GeoSeries(gpd.points_from_xy(net.x, net.y), crs=net.crs).to_crs("EPSG:4326")
    _, _, geodesic = Geod(ellps="WGS84").inv(lonlat.x[i], lonlat.y[i], lonlat.x[j], lonlat.y[j])
    assert np.abs(straight / geodesic - 1).max() < 1e-3
    # and the network lengths (from the projected geometry) agree with geodesic lengths
    seg = np.array([Geod(ellps="WGS84").geometry_length(g) for g in roads.geometry])
    np.testing.assert_allclose(projected.length.to_numpy(), seg, rtol=1e-3)


def test_jinan_crs_for_helsinki_warns_and_distorts():
    roads = helsinki_roads()
    with pytest.warns(JnriskWarning, match=r"outside the area of use of EPSG:4548.*EPSG:32635"):
        far = project_to_local(roads, "EPSG:4548", name="roads")
    assert far.total_bounds[0] < -1e6  # the far-off coordinates of the old default
    ratio = far.length.to_numpy() / project_to_local(roads, name="roads").length.to_numpy()
    assert ratio.max() > 1.05  # why the warning matters


def test_crs_errors_suggest_a_crs_that_fits_the_data():
    roads = helsinki_roads()
    with pytest.raises(CRSError, match=r"geographic.*to_crs\('EPSG:32635'\)") as exc:
        network_from_roads(roads, "walk")
    assert "4548" not in str(exc.value)
    with pytest.raises(CRSError, match=r"no CRS.*EPSG:32635"):
        network_from_roads(roads.set_crs(None, allow_override=True), "walk")
    jinan_pt = gpd.GeoDataFrame(geometry=[Point(117.0, 36.65)], crs="EPSG:4326")
    assert suggest_crs(jinan_pt) == "EPSG:4548"
    # lon/lat labelled as metres, no u/v ids: named as degrees (was: "self-loops")
    degrees = roads.set_crs("EPSG:32635", allow_override=True)
    with pytest.raises(CRSError, match=r"look like degrees.*EPSG:32635.*to_crs\('EPSG:32635'\)"):
        network_from_roads(degrees, "walk")


def test_network_to_crs_and_the_mismatch_message_it_answers():
    net = network_from_roads(project_to_local(helsinki_roads(), name="roads"), "walk")
    pts = gpd.GeoDataFrame(geometry=[Point(24.925, 60.205)], crs="EPSG:4326").to_crs("EPSG:3067")
    with pytest.raises(CRSError, match=r"network.to_crs\(points.crs\)"):
        snap_points(net, pts)
    moved = net.to_crs(pts.crs)  # what the message says
    assert moved.crs.to_epsg() == 3067 and moved.to_crs(net.crs).crs.equals(net.crs)
    np.testing.assert_allclose(moved.to_crs(net.crs).x, net.x, atol=1e-6)
    assert moved.weight_m is net.weight_m  # lengths measured once, on the roads
    a = snap_points(net, pts.to_crs(net.crs))
    b = snap_points(moved, pts)
    assert a.node.tolist() == b.node.tolist()
    assert net.to_crs(net.crs) is net
    with pytest.raises(CRSError, match="geographic"):
        net.to_crs("EPSG:4326")
    with pytest.warns(JnriskWarning, match="area of use of EPSG:4548"):
        net.to_crs("EPSG:4548")
    bare = RoadNetwork.from_csr([0, 1, 1], [1], [1.0])
    with pytest.raises(Exception, match="no node coordinates"):
        bare.to_crs("EPSG:32635")


def test_bundled_jinan_keeps_its_gauss_kruger_crs():
    from jnrisk.datasets import jinan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        city = jinan(2023)
        assert city.roads.crs.to_epsg() == 4548
        with pytest.warns(JnriskWarning, match="area of use of EPSG:32635"):
            far = jinan(2023, crs="EPSG:32635")  # a CRS is given: used, with a warning
        assert far.roads.crs.to_epsg() == 32635 and far.shelters.crs.to_epsg() == 32635


def test_suggestion_never_hides_the_error():
    """Coordinates that are no longitude/latitude under EPSG:4326: no suggestion, and the
    geographic-CRS error is still the one reported."""
    odd = gpd.GeoDataFrame(geometry=[LineString([(25, 75), (65, 95)])], crs="EPSG:4326")
    assert suggest_crs(odd) is None
    with pytest.raises(CRSError, match=r"geographic CRS \(EPSG:4326.*estimate_utm_crs"):
        network_from_roads(odd, "walk")
