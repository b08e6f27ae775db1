"""Output folder: atomic writes, writability checks, synchronous batches, resume, collect."""

from __future__ import annotations

import dataclasses
import json
import os
import time

import geopandas as gpd
import pandas as pd
import pytest
import scen_kinds  # noqa: F401  (registers the test_slow kind)
import xarray as xr

from jnrisk._errors import ConfigError
from jnrisk.scenarios import Scenario, collect, expand_sweep, read_metrics, run, run_batch
from jnrisk.scenarios.store import (
    STALE_TMP_AGE_S,
    atomic_write,
    check_writable,
    finished_ids,
    remove_stale_temp_files,
)

SYN = {"name": "g", "kind": "synthetic_allocation", "hazard": {"grid_size": 5, "n_blocks": 8}}


def slow(value, **kw):
    return Scenario.from_dict({"name": f"v{value}", "kind": "test_slow",
                               "hazard": {"value": value, **kw}})


def test_atomic_write_failure_leaves_nothing(tmp_path):
    target = tmp_path / "x.parquet"

    def boom(tmp):
        tmp.write_text("partial")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "x.txt"
    atomic_write(target, lambda t: t.write_text("old"))
    atomic_write(target, lambda t: t.write_text("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_out_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(ConfigError, match="exists and is a file"):
        run_batch([slow(1)], out=f, client="synchronous", progress=False)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_out_not_writable(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(ConfigError, match="is not writable"):
            run_batch([slow(1)], out=ro / "out", client="synchronous", progress=False)
    finally:
        ro.chmod(0o700)


def test_out_under_a_file_is_not_writable(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(ConfigError, match="is not writable"):
        check_writable(f / "sub")


def test_stale_temp_files_are_removed(tmp_path):
    check_writable(tmp_path)
    stale = tmp_path / "metrics" / ".tmp-abc-x.parquet"
    stale.write_text("half")
    live = tmp_path / "metrics" / ".tmp-def-y.parquet"  # another batch writing right now
    live.write_text("in progress")
    old = time.time() - STALE_TMP_AGE_S - 60
    os.utime(stale, (old, old))
    check_writable(tmp_path)
    assert not stale.exists() and live.exists()
    # a batch removes its own leftovers (tagged), whatever their age, and only those
    mine = tmp_path / "layers" / ".tmp-b1-0123-z.parquet"
    mine.write_text("killed writer")
    assert remove_stale_temp_files(tmp_path, tag="b1-") == 1
    assert not mine.exists() and live.exists()


def test_synchronous_batch_writes_all_outputs(tmp_path):
    runs = expand_sweep(SYN, {"seed": [1, 2]})
    summary = run_batch(runs, out=tmp_path, client="synchronous", progress=False)
    assert (summary.completed, summary.skipped, summary.failed) == (2, 0, 0)
    sid = runs[0].scenario_id
    assert (tmp_path / "metrics" / f"{sid}.parquet").exists()
    layers = gpd.read_parquet(tmp_path / "layers" / f"{sid}.shelters.parquet")
    direct = run(runs[0])
    assert layers["load_persons"].tolist() == direct.layers["shelters"]["load_persons"].tolist()
    assert layers.crs.to_epsg() == 4548
    table = pd.read_parquet(tmp_path / "tables" / f"{sid}.assignments.parquet")
    pd.testing.assert_frame_equal(table, direct.tables["assignments"])
    raster = xr.open_dataarray(tmp_path / "rasters" / f"{sid}.unserved_persons.nc", decode_coords="all")
    assert float(raster.sum()) == direct.metrics["unserved_persons"]
    raster.close()
    rows = read_metrics(tmp_path)
    assert len(rows) == 2 and set(rows["status"]) == {"ok"}
    row = rows.set_index("scenario_id").loc[sid]
    assert row["served_persons"] == direct.metrics["served_persons"]
    assert row["hazard.grid_size"] == 5 and row["seed"] == 1
    assert Scenario.from_dict(json.loads(row["scenario_json"])) == runs[0]
    assert not any(p.name.startswith(".tmp-") for p in tmp_path.rglob("*"))


def test_gpkg_layer_format(tmp_path):
    runs = expand_sweep(SYN, {"seed": [4]})
    run_batch(runs, out=tmp_path, client="synchronous", progress=False, layer_format="gpkg")
    path = tmp_path / "layers" / f"{runs[0].scenario_id}.gpkg"
    import pyogrio

    assert sorted(name for name, _ in pyogrio.list_layers(path)) == ["blocks", "shelters"]
    blocks = gpd.read_file(path, layer="blocks")
    assert blocks["persons"].tolist() == run(runs[0]).layers["blocks"]["persons"].tolist()


def test_resume_skips_finished_and_no_resume_reruns(tmp_path):
    runs = [slow(1), slow(2)]
    run_batch(runs[:1], out=tmp_path, client="synchronous", progress=False)
    before = (tmp_path / "metrics" / f"{runs[0].scenario_id}.parquet").stat().st_mtime_ns
    s = run_batch(runs, out=tmp_path, client="synchronous", progress=False)
    assert (s.completed, s.skipped) == (1, 1)
    after = (tmp_path / "metrics" / f"{runs[0].scenario_id}.parquet").stat().st_mtime_ns
    assert before == after
    s = run_batch(runs, out=tmp_path, client="synchronous", progress=False, resume=False)
    assert (s.completed, s.skipped) == (2, 0)
    assert finished_ids(tmp_path) == {r.scenario_id for r in runs}


def test_failure_is_recorded_and_does_not_stop_the_batch(tmp_path):
    runs = [slow(1), slow(2, fail=True), slow(3)]
    s = run_batch(runs, out=tmp_path, client="synchronous", progress=False)
    assert (s.completed, s.failed) == (2, 1)
    assert s.failed_ids == (runs[1].scenario_id,)
    assert "planned failure for value 2" in s.summary()
    err = json.loads((tmp_path / "errors" / f"{runs[1].scenario_id}.json").read_text())
    assert err["error_type"] == "RuntimeError"
    assert "Traceback" in err["traceback"] and "planned failure" in err["traceback"]
    assert err["scenario"]["hazard"]["value"] == 2
    assert finished_ids(tmp_path) == {runs[0].scenario_id, runs[2].scenario_id}


def test_success_after_failure_clears_the_error(tmp_path):
    good = slow(7)
    # Fake an earlier failed attempt of the same scenario.
    from jnrisk.scenarios.store import write_error

    check_writable(tmp_path)
    write_error(tmp_path, good, {"error_type": "X", "message": "earlier"})
    run_batch([good], out=tmp_path, client="synchronous", progress=False)
    assert not (tmp_path / "errors" / f"{good.scenario_id}.json").exists()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"client": "threads"}, "client='threads' is not allowed"),
        ({"client": "synchronous", "scheduler": "tcp://x:1"}, "either client= or scheduler="),
        ({"workers": 0}, "workers = 0 is out of range: it must be >= 1"),
        ({"client": "synchronous", "workers": 2}, "workers= sizes the local cluster"),
        ({"client": "synchronous", "city_loader": 3}, "city_loader must be callable"),
        ({"client": "synchronous", "city_args": [1]}, "city_args must be a dict"),
        ({"client": "synchronous", "layer_format": "shp"}, "allowed: ['parquet', 'gpkg']"),
    ],
)
def test_bad_batch_options(tmp_path, kwargs, fragment):
    with pytest.raises(ConfigError) as info:
        run_batch([slow(1)], out=tmp_path / "o", progress=False, **kwargs)
    assert fragment in str(info.value)
    assert not (tmp_path / "o").exists()  # nothing happened


def test_bad_scenario_lists(tmp_path):
    with pytest.raises(ConfigError, match="the list is empty"):
        run_batch([], out=tmp_path, client="synchronous")
    with pytest.raises(ConfigError, match="identical parameters"):
        run_batch([slow(1), slow(1)], out=tmp_path, client="synchronous")
    with pytest.raises(ConfigError, match="load_scenarios"):
        run_batch("file.toml", out=tmp_path, client="synchronous")
    with pytest.raises(ConfigError, match="not Scenario objects"):
        run_batch([{"name": "x"}], out=tmp_path, client="synchronous")


@dataclasses.dataclass(frozen=True)
class _DeclaredOnly:
    level: int = 1


def test_kind_without_runner_fails_before_any_work(tmp_path):
    from jnrisk.scenarios import register_kind

    register_kind("test_store_declared", _DeclaredOnly)  # declared, no runner
    declared = Scenario.from_dict({"name": "d", "kind": "test_store_declared", "hazard": {}})
    with pytest.raises(ConfigError, match="no runner registered"):
        run_batch([slow(1), declared], out=tmp_path / "o", client="synchronous")
    assert not (tmp_path / "o").exists()


def test_collect_grid(tmp_path):
    runs = expand_sweep(SYN, {"seed": [1, 2, 3], "max_walk_m": [300.0, 3000.0]})
    run_batch(runs, out=tmp_path, client="synchronous", progress=False)
    ds = collect(tmp_path)
    assert dict(ds.sizes) == {"seed": 3, "max_walk_m": 2}
    assert ds["served_persons"].dims == ("seed", "max_walk_m")
    for s in runs:
        expected = run(s).metrics["served_persons"]
        got = ds["served_persons"].sel(seed=s.seed, max_walk_m=s.allocation.max_walk_m)
        assert int(got) == expected
    # the walking cutoff does not change the drawn instance, only who is served
    total = ds["total_persons"].values
    assert (total[:, 0] == total[:, 1]).all()


def test_collect_falls_back_to_scenario_dim(tmp_path):
    runs = [slow(1), slow(2)] + expand_sweep(SYN, {"seed": [1]})
    run_batch(runs, out=tmp_path, client="synchronous", progress=False)
    ds = collect(tmp_path)
    assert list(ds.sizes) == ["scenario"] and ds.sizes["scenario"] == 3
    assert set(ds["kind"].values) == {"test_slow", "synthetic_allocation"}
    assert "value_x" in ds and "served_persons" in ds


def test_collect_incomplete_grid_uses_scenario_dim(tmp_path):
    runs = expand_sweep(SYN, {"seed": [1, 2], "max_walk_m": [300.0, 3000.0]})
    run_batch(runs[:3], out=tmp_path, client="synchronous", progress=False)
    assert list(collect(tmp_path).sizes) == ["scenario"]


def test_full_disk_is_a_recorded_resource_error_naming_the_file(tmp_path, monkeypatch):
    import errno

    from jnrisk._errors import ResourceError

    def no_space(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_space)
    with pytest.raises(ResourceError, match=r"cannot write '.*x\.parquet' \(No space left"):
        atomic_write(tmp_path / "x.parquet", lambda tmp: pd.DataFrame().to_parquet(tmp))
    assert list(tmp_path.iterdir()) == []
    s = run_batch([slow(1), slow(2)], out=tmp_path / "o", client="synchronous", progress=False)
    assert (s.completed, s.failed) == (0, 2)
    assert all("ResourceError: cannot write" in e and "metrics" in e for e in s.errors.values())
    assert not finished_ids(tmp_path / "o")
    assert not list((tmp_path / "o").rglob(".tmp-*"))
    info = json.loads((tmp_path / "o" / "errors" / f"{slow(1).scenario_id}.json").read_text())
    assert info["error_type"] == "ResourceError"
