"""The seeded generator (jnrisk._synth): exact integer splits, content hashes, and a proof that
it reproduces the bundled files (cheap layers by default, the road network under -m slow)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from jnrisk import datasets
from jnrisk._errors import DataFileError
from jnrisk._synth.hashing import file_sha256, vector_content_hash
from jnrisk._synth.people import split_exact

DATA = datasets.data_path()


def _manifest() -> dict:
    return json.loads((DATA / "MANIFEST.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cheap_city():
    """Every synthetic layer except the road network, regenerated in memory (default seed)."""
    from jnrisk._synth.generate import generate_city

    return generate_city(datasets.BUNDLED_SEED, real_dir=DATA, with_roads=False)


# --- exact integer splits -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 10_000_000),
       weights=st.lists(st.floats(0.01, 1e3), min_size=1, max_size=50))
def test_split_exact_sums_and_is_proportional(total, weights):
    w = np.asarray(weights)
    out = split_exact(total, w)
    assert out.dtype == np.int64
    assert out.sum() == total
    assert (out >= 0).all()
    assert np.all(np.abs(out - w / w.sum() * total) < 1.0 + 1e-6)


def test_split_exact_hand_case():
    assert split_exact(10, np.array([1.0, 1.0, 1.0])).tolist() == [4, 3, 3]
    # 3.5, 1.75, 1.75 -> floors 3, 1, 1; the two largest remainders (0.75) get the rest
    assert split_exact(7, np.array([0.5, 0.25, 0.25])).tolist() == [3, 2, 2]


# --- content hashes -------------------------------------------------------------------------


def _gdf(xs, vals, cols=("a", "b")):
    return gpd.GeoDataFrame({cols[0]: vals, cols[1]: np.arange(len(vals))},
                            geometry=[Point(x, 36.6) for x in xs], crs="EPSG:4326")


def test_content_hash_ignores_column_order_and_sub_centimetre_noise():
    a = _gdf([117.0, 117.1], [1.5, 2.5])
    b = a[["b", "geometry", "a"]]
    c = _gdf([117.0 + 1e-10, 117.1 - 1e-10], [1.5, 2.5])
    assert vector_content_hash(a) == vector_content_hash(b) == vector_content_hash(c)


def test_content_hash_sees_value_geometry_and_row_changes():
    a = vector_content_hash(_gdf([117.0, 117.1], [1.5, 2.5]))
    assert vector_content_hash(_gdf([117.0, 117.1], [1.5, 2.6])) != a
    assert vector_content_hash(_gdf([117.0, 117.2], [1.5, 2.5])) != a
    assert vector_content_hash(_gdf([117.1, 117.0], [2.5, 1.5])) != a  # row order matters


# --- reproduction ---------------------------------------------------------------------------


def test_generator_reproduces_bundled_layers(cheap_city):
    want = {layer: h for f in _manifest()["files"].values()
            for layer, h in f.get("layers", {}).items()}
    got = cheap_city.content_hashes()
    assert set(got) == set(want) - {"roads", "nodes"}
    diff = [k for k in got if got[k] != want[k]]
    assert not diff, f"layers differ from the bundled files: {diff}"


def test_generator_reads_but_never_modifies_real_files(cheap_city):
    for fn, info in _manifest()["files"].items():
        if info["kind"] == "real":
            assert file_sha256(DATA / fn) == info["sha256"], fn


def test_generator_stats_match_published_figures(cheap_city):
    s = cheap_city.stats
    assert s["persons"] == 9_202_957
    assert s["shelters"] == 630 and s["shelters_2023"] == 435
    assert s["area_2023_m2"] == pytest.approx(13e6, rel=0.01)
    assert s["area_2024_m2"] == pytest.approx(21.1e6, rel=0.01)
    assert 6.3e6 <= s["built_up_persons"] <= 6.7e6
    assert s["towns"] == 161 and s["stations"] == 173 and s["team_members"] == 18_000


def test_compare_hashes_names_the_mismatching_file(cheap_city, tmp_path):
    files = _manifest()["files"]
    fresh = dict(cheap_city.content_hashes())
    datasets._compare_hashes(DATA, files, fresh)  # the bundled files match
    fresh["shelters"] = "0" * 64  # what another seed would give
    with pytest.raises(DataFileError, match=r"jinan_synthetic\.gpkg.*'shelters'.*seed"):
        datasets._compare_hashes(DATA, files, fresh)


def test_default_seeds_agree():
    from jnrisk._synth.generate import DEFAULT_SEED

    assert DEFAULT_SEED == datasets.BUNDLED_SEED == _manifest()["seed"]


@pytest.mark.slow
def test_full_regeneration_including_roads_matches_manifest():
    datasets.verify(regenerate=True)


@pytest.mark.slow
def test_wrong_seed_is_detected():
    from jnrisk._synth.generate import generate_city

    other = generate_city(datasets.BUNDLED_SEED + 1, real_dir=DATA, with_roads=False)
    with pytest.raises(DataFileError, match=r"jinan_.*does not match.*seed"):
        datasets._compare_hashes(DATA, _manifest()["files"], other.content_hashes())


@pytest.mark.slow
def test_write_city_round_trip(tmp_path):
    import shutil

    from jnrisk._synth.generate import REAL_FILES, generate_city, write_city

    for fn in REAL_FILES:
        shutil.copy(DATA / fn, tmp_path / fn)
    city = generate_city(datasets.BUNDLED_SEED, real_dir=tmp_path)
    m = write_city(city, tmp_path)
    assert m["files"]["jinan_roads.parquet"]["layers"] == _manifest()["files"][
        "jinan_roads.parquet"]["layers"]
    datasets.verify(tmp_path)
