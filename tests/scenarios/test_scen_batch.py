"""run_batch on a real Dask LocalCluster: city shipped once, killed worker, scheduler errors."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import pytest
import scen_kinds
from scen_kinds import counting_city_loader

from jnrisk._errors import ConfigError
from jnrisk.cli import main as cli_main
from jnrisk.scenarios import (
    Scenario,
    batch_main,
    collect,
    expand_sweep,
    read_metrics,
    run,
    run_batch,
)
from jnrisk.scenarios.store import finished_ids

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    # The same LocalCluster run_batch starts by default: 2 processes x 1 thread.
    from jnrisk.scenarios.batch import _local_client

    c = _local_client(2)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close(timeout=10)


def test_default_cluster_shape(client):
    info = client.scheduler_info()["workers"]
    assert len(info) == 2 and all(w["nthreads"] == 1 for w in info.values())
    assert set(client.run(scen_kinds.env_var, "NUMBA_NUM_THREADS").values()) == {"1"}
    assert set(client.run(scen_kinds.profiler_enabled).values()) == {False}


def slow(value, **kw):
    return Scenario.from_dict(
        {"name": f"v{value}", "kind": "test_slow", "hazard": {"value": value, **kw}}
    )


def n_metric_files(out):
    return len(list((out / "metrics").glob("*.parquet")))


def test_cluster_batch_matches_direct_runs(client, tmp_path):
    # One synthetic scenario (layers, rasters, tables written by a worker), the rest light.
    runs = expand_sweep(
        {"name": "g", "kind": "synthetic_allocation", "hazard": {"grid_size": 5, "n_blocks": 6}},
        {"seed": [1]},
    ) + [slow(1), slow(2, fail=True), slow(3)]
    s = run_batch(runs, out=tmp_path, client=client, progress=False)
    assert (s.completed, s.failed, s.skipped) == (3, 1, 0)
    assert s.n_workers == 2
    rows = read_metrics(tmp_path).set_index("scenario_id")
    sid = runs[0].scenario_id
    assert rows.loc[sid, "served_persons"] == run(runs[0]).metrics["served_persons"]
    assert (tmp_path / "layers" / f"{sid}.blocks.parquet").exists()
    assert (tmp_path / "rasters" / f"{sid}.unserved_persons.nc").exists()
    assert (tmp_path / "errors" / f"{runs[2].scenario_id}.json").exists()
    # resume: only the failed one is tried again
    s2 = run_batch(runs, out=tmp_path, client=client, progress=False)
    assert (s2.completed, s2.failed, s2.skipped) == (0, 1, 3)


def test_city_is_loaded_once_per_worker_not_per_task(client, tmp_path):
    log_dir = tmp_path / "loads"
    log_dir.mkdir()
    runs = [slow(v, sleep_s=0.02) for v in range(12)]
    s = run_batch(
        runs,
        out=tmp_path / "out",
        client=client,
        progress=False,
        city_loader=counting_city_loader,
        city_args={"log_dir": str(log_dir), "factor": 3},
    )
    assert s.completed == 12
    rows = read_metrics(tmp_path / "out")
    assert sorted(rows["value_x"]) == [3 * v for v in range(12)]  # the city reached the runner
    loads = Counter(p.name.split("-")[0] for p in log_dir.iterdir())
    assert all(n == 1 for n in loads.values())  # once per worker process
    assert len(loads) <= 2 < len(runs)
    assert set(loads) >= {str(p) for p in rows["pid"].unique()} - {str(os.getpid())}


def test_killed_worker_loses_nothing_and_duplicates_nothing(client, tmp_path):
    out = tmp_path / "out"
    runs = [slow(v, sleep_s=0.25) for v in range(16)]
    pids = list(client.run(os.getpid).values())
    assert len(pids) == 2
    killed = {}

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (out / "metrics").is_dir() and n_metric_files(out) >= 3:
                killed["at_done"] = n_metric_files(out)
                killed["pid"] = pids[0]
                os.kill(pids[0], signal.SIGKILL)
                return
            time.sleep(0.02)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    s = run_batch(runs, out=out, client=client, progress=False)
    t.join(timeout=5)
    assert "pid" in killed, "the worker was never killed"
    assert killed["at_done"] < len(runs)  # killed while the batch was running
    assert s.failed == 0, s.summary()
    assert s.completed + s.skipped == len(runs)
    # exactly one metrics row per scenario, each with the right value
    rows = read_metrics(out)
    assert len(rows) == len(runs)
    assert rows["scenario_id"].is_unique
    assert finished_ids(out) == {r.scenario_id for r in runs}
    assert sorted(rows["value_x"]) == list(range(16))
    assert not list(out.rglob(".tmp-*"))
    # the cluster healed (the nanny restarted the worker) for later tests
    client.wait_for_workers(2, timeout=30)


def _security_file(sec, folder):
    """The cluster's throw-away key as PEM files and a security YAML, as an admin would ship."""
    (folder / "ca.pem").write_text(sec.tls_ca_file)
    (folder / "client.pem").write_text(sec.tls_client_cert)
    (folder / "client.key").write_text(sec.tls_client_key)
    f = folder / "security.yaml"
    f.write_text("tls_ca_file: ca.pem\ntls_client_cert: client.pem\ntls_client_key: client.key\n")
    return f


def test_scheduler_address_via_batch_main_and_cli(client, tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_text(
        'name = "c"\nkind = "test_slow"\n[hazard]\nvalue = 1\n'
        "[sweep]\nseed = [1, 2]\nm2_per_person = [1.0, 2.0]\n"
    )
    addr = client.scheduler.address
    assert addr.startswith("tls://127.0.0.1:")
    code = batch_main(f, out=tmp_path / "o", scheduler=addr, progress=False,
                      security=client.security)  # fmt: skip
    assert code == 0
    assert "completed 4, skipped (already finished) 0, failed 0" in capsys.readouterr().out
    sec = _security_file(client.security, tmp_path)
    code = cli_main(["batch", str(f), "--out", str(tmp_path / "o"), "--scheduler", addr,
                     "--no-progress", "--security", str(sec)])
    assert code == 0
    assert "completed 0, skipped (already finished) 4" in capsys.readouterr().out
    assert dict(collect(tmp_path / "o").sizes) == {"seed": 2, "m2_per_person": 2}
    # the TLS scheduler refuses a client without the key, within the deadline
    argv = ["batch", str(f), "--out", str(tmp_path / "o"), "--scheduler", addr, "--no-progress"]
    assert cli_main([*argv, "--connect-timeout", "5"]) == 2
    assert "uses TLS; pass the cluster's certificates with --security FILE" in (
        capsys.readouterr().err
    )


def test_unreachable_scheduler_is_config_error_before_work(tmp_path, monkeypatch):
    from jnrisk.scenarios import batch

    monkeypatch.setattr(batch, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(ConfigError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_batch([slow(1)], out=tmp_path, scheduler="tcp://127.0.0.1:9", progress=False)
    assert not n_metric_files(tmp_path)


def test_bad_scheduler_address(tmp_path):
    with pytest.raises(ConfigError, match="'localhost:8786' is not valid; use 'tcp://HOST:PORT'"):
        run_batch([slow(1)], out=tmp_path, scheduler="localhost:8786", progress=False)


def test_batch_main_bad_file_exit_code_2(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text('name = "a"\nkind = "flood"\n[hazard]\nreturn_period_yr = 5\nduraton_min = 60\n')
    assert batch_main(f, out=tmp_path / "o", progress=False) == 2
    err = capsys.readouterr().err
    assert "jnrisk: error:" in err and "did you mean 'duration_min'" in err
    assert not (tmp_path / "o").exists()
    assert scen_kinds.SlowParams is not None


def test_two_batches_on_one_output_folder(client, tmp_path):
    # Two batches (one on the cluster, one in this process) write the same scenarios into one
    # folder at the same time: every scenario ends exactly once, nobody's files are lost.
    out = tmp_path / "shared"
    runs = [slow(v, sleep_s=0.05) for v in range(24)]
    summaries = {}

    def other():
        summaries["sync"] = run_batch(list(reversed(runs)), out=out, client="synchronous",
                                      progress=False)  # fmt: skip

    t = threading.Thread(target=other)
    t.start()
    summaries["cluster"] = run_batch(runs, out=out, client=client, progress=False)
    t.join(timeout=120)
    assert not t.is_alive()
    for s in summaries.values():
        assert s.failed == 0, s.summary()
        assert s.completed + s.skipped == len(runs)
    rows = read_metrics(out)
    assert len(rows) == len(runs) and rows["scenario_id"].is_unique
    assert sorted(rows["value_x"]) == list(range(24))
    assert not list(out.rglob(".tmp-*"))
    # a third batch finds everything finished
    again = run_batch(runs, out=out, client="synchronous", progress=False)
    assert (again.completed, again.skipped) == (0, len(runs))
