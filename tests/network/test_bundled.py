"""The bundled Jinan roads: the walk and drive networks build, and distances equal scipy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jnrisk import JnriskError
from jnrisk.network import network_from_roads, snap_points

from .reference import scipy_distances


@pytest.fixture(scope="module")
def city():
    datasets = pytest.importorskip("jnrisk.datasets")
    try:
        return datasets.jinan(2024)
    except (JnriskError, FileNotFoundError) as exc:  # bundled data not generated yet
        pytest.skip(f"bundled Jinan data not available: {exc}")


@pytest.fixture(scope="module")
def walk(city):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # components are checked below, not warned about
        return network_from_roads(city.roads, "walk")


def test_bundled_walk_network_summary(walk, city):
    s = walk.summary()
    assert s["n_edges"] == len(city.roads)
    assert s["n_nodes"] > 10_000 and s["n_arcs"] >= 2 * s["rows_used"] - 2 * s[
        "parallel_arcs_dropped"]
    assert s["largest_component_pct"] > 90.0
    assert s["crs"] == "EPSG:4548"


def test_bundled_distances_equal_scipy(walk, city):
    shelters = city.shelters
    if not (shelters.geom_type == "Point").all():
        shelters = shelters.set_geometry(shelters.geometry.representative_point())
    snap = snap_points(walk, shelters, on_far="ignore")
    sources = snap.node[:: max(1, len(snap.node) // 24)]
    D = walk.distances(sources, 2500.0)
    ref = scipy_distances(walk.indptr, walk.indices, walk.weight_m, walk.n_nodes, sources,
                          2500.0)
    stored = np.zeros(D.shape, dtype=bool)
    stored[np.repeat(np.arange(D.shape[0]), np.diff(D.indptr)), D.indices] = True
    np.testing.assert_array_equal(stored, np.isfinite(ref))
    np.testing.assert_allclose(D.toarray()[stored], ref[stored], rtol=0, atol=1e-9)
    nearest, dist = walk.nearest_source(sources, 2500.0)
    np.testing.assert_allclose(dist, ref.min(axis=0), atol=1e-9)
    reached = nearest >= 0
    np.testing.assert_allclose(ref[nearest[reached], np.flatnonzero(reached)], dist[reached],
                               atol=1e-9)


def test_bundled_drive_network_time_weights(city):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drive = network_from_roads(city.roads, "drive")
    assert drive.time_s is not None and (drive.time_s > 0).any()
    src = np.array([0, drive.n_nodes // 2])
    D = drive.distances(src, 600.0, weight="time_s")
    ref = scipy_distances(drive.indptr, drive.indices, drive.time_s, drive.n_nodes, src, 600.0)
    np.testing.assert_allclose(D.toarray(), np.where(np.isfinite(ref), ref, 0.0), atol=1e-9)
