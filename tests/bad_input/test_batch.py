"""Bad inputs to the batch engine: schedulers that are not Dask, TLS, options, files."""

from __future__ import annotations

import http.server
import os
import socket
import threading
import time

import numpy as np
import pytest

from jnrisk._errors import ConfigError
from jnrisk.scenarios import Scenario, batch_main, run_batch
from jnrisk.scenarios.batch import _local_client, load_security

from .conftest import expect

pytest.importorskip("distributed")

DEADLINE_S = 3.0


def scenario(seed=1):
    return Scenario.from_dict({"name": "t", "kind": "synthetic_allocation",
                               "hazard": {"grid_size": 4}, "seed": seed})  # fmt: skip


@pytest.fixture
def silent_port():
    """A socket that accepts connections and never says a word."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join(2)
    for c in held:
        c.close()
    srv.close()


@pytest.fixture
def http_port():
    """A tiny HTTP server (what a dashboard or any web service looks like)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("port_fixture", ["silent_port", "http_port", "closed_port"])
def test_not_a_scheduler_is_refused_within_the_deadline(port_fixture, request, tmp_path):
    port = request.getfixturevalue(port_fixture)
    addr = f"tcp://127.0.0.1:{port}"
    t0 = time.monotonic()
    expect(lambda: run_batch([scenario()], out=tmp_path / "o", scheduler=addr, progress=False,
                             connect_timeout_s=DEADLINE_S),
           ConfigError, f"cannot reach the Dask scheduler at tcp://127\\.0\\.0\\.1:{port}")  # fmt: skip
    elapsed = time.monotonic() - t0
    assert elapsed < DEADLINE_S + 2.0, elapsed
    assert not list((tmp_path / "o" / "metrics").glob("*.parquet"))


def test_cli_silent_scheduler_exit_code_2(silent_port, tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_text('name = "c"\nkind = "synthetic_allocation"\n[hazard]\ngrid_size = 4\n')
    t0 = time.monotonic()
    from jnrisk.cli import main

    code = main(["batch", str(f), "--out", str(tmp_path / "o"), "--no-progress",
                 "--scheduler", f"tcp://127.0.0.1:{silent_port}", "--connect-timeout", "2"])  # fmt: skip
    assert code == 2 and time.monotonic() - t0 < 4.0
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err


SCHEDULER_CASES = [
    pytest.param({"scheduler": "localhost:8786"}, "'localhost:8786' is not valid", id="no-scheme"),
    pytest.param({"scheduler": "ucx://127.0.0.1:1"}, "is not valid", id="ucx"),
    pytest.param({"scheduler": "tcp://127.0.0.1"}, "has no valid port", id="no-port"),
    pytest.param({"scheduler": "tcp://127.0.0.1:70000"}, "port 70000 is not 1-65535",
                 id="port-range"),
    pytest.param({"scheduler": "tcp://no-such-host.invalid:8786"}, "no-such-host.invalid",
                 id="unknown-host"),
    pytest.param({"scheduler": 8786}, "scheduler address 8786 is not valid", id="int"),
    pytest.param({"scheduler": "tls://127.0.0.1:1"}, "uses TLS; pass the cluster's certificates",
                 id="tls-without-key"),
    pytest.param({"security": "x.yaml"}, "security= is for a remote scheduler",
                 id="security-without-scheduler"),
    pytest.param({"scheduler": "tcp://127.0.0.1:1", "connect_timeout_s": "soon"},
                 "connect_timeout_s must be a number", id="timeout-str"),
    pytest.param({"scheduler": "tcp://127.0.0.1:1", "connect_timeout_s": 0},
                 "connect_timeout_s = 0 is out of range", id="timeout-zero"),
    pytest.param({"workers": 0}, "workers = 0 is out of range", id="workers-0"),
    pytest.param({"workers": 2.5}, "workers must be a whole number", id="workers-frac"),
    pytest.param({"workers": "2"}, "workers must be a number", id="workers-str"),
    pytest.param({"workers": 2**70}, "workers = .* is beyond the int64 range", id="workers-huge"),
    pytest.param({"client": "synchronous", "retries": -1}, "retries = -1 is out of range",
                 id="retries-neg"),
    pytest.param({"client": "synchronous", "retries": np.nan}, "retries must be a finite",
                 id="retries-nan"),
    pytest.param({"client": "synchronous", "out": None}, "out must be a folder path",
                 id="out-none"),
    pytest.param({"client": "synchronous", "layer_format": "shp"}, "layer_format='shp'",
                 id="layer-format"),
]  # fmt: skip


@pytest.mark.parametrize(("kw", "fragment"), SCHEDULER_CASES)
def test_batch_options(kw, fragment, tmp_path):
    kw = {"out": tmp_path / "o", "progress": False, **kw}
    expect(lambda: run_batch([scenario()], **kw), ConfigError, fragment)
    assert not (tmp_path / "o").exists()


def test_plain_tcp_with_security_asks_for_tls(tmp_path):
    from distributed.security import Security

    sec = Security.temporary()
    expect(lambda: run_batch([scenario()], out=tmp_path / "o", scheduler="tcp://127.0.0.1:1",
                             security=sec, progress=False),
           ConfigError, "write tls://127.0.0.1:1")  # fmt: skip


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "security file .* does not exist"),
    (b"\xff\xfet\x00l\x00", "cannot be read as YAML"),
    (b"- a\n- b\n", "must be a YAML mapping"),
    (b"tls_ca: ca.pem\n", r"unknown key 'tls_ca' \(did you mean 'tls_ca_file'\?\)"),
    (b"tls_ca_file: ca.pem\n", "needs at least tls_ca_file and tls_client_cert"),
    (b"tls_ca_file: nope.pem\ntls_client_cert: nope.pem\n", "tls_ca_file .*nope.pem' does not exist"),
    (b"tls_ca_file: [unclosed\n", "cannot be read as YAML"),
])  # fmt: skip
def test_security_file(tmp_path, content, fragment):
    f = tmp_path / "security.yaml"
    if content is not None:
        f.write_bytes(content)
    expect(lambda: load_security(f), ConfigError, fragment)
    expect(lambda: load_security(42), ConfigError, "security must be a")


@pytest.fixture(scope="module")
def secured():
    c = _local_client(1)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close(timeout=10)


def test_wrong_key_is_refused_within_the_deadline(secured, tmp_path):
    from distributed.security import Security

    addr = secured.scheduler.address
    assert addr.startswith("tls://127.0.0.1:")
    t0 = time.monotonic()
    expect(lambda: run_batch([scenario()], out=tmp_path / "o", scheduler=addr,
                             security=Security.temporary(), connect_timeout_s=DEADLINE_S,
                             progress=False),
           ConfigError, "cannot reach the Dask scheduler at tls://")  # fmt: skip
    assert time.monotonic() - t0 < DEADLINE_S + 2.0
    # plain TCP against the TLS scheduler: refused too
    expect(lambda: run_batch([scenario()], out=tmp_path / "o",
                             scheduler=addr.replace("tls://", "tcp://"),
                             connect_timeout_s=DEADLINE_S, progress=False),
           ConfigError, "cannot reach the Dask scheduler")  # fmt: skip


def _http_answer(port: int) -> bytes:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")
            return s.recv(64)
    except OSError:
        return b""


def test_local_cluster_speaks_only_tls_and_serves_no_http(secured):
    psutil = pytest.importorskip("psutil")
    pids = {os.getpid(), *secured.run(os.getpid).values()}
    listening = {
        c.laddr.port
        for pid in pids
        for c in psutil.Process(pid).net_connections("tcp")
        if c.status == psutil.CONN_LISTEN
    }
    comm_ports = {int(secured.scheduler.address.rsplit(":", 1)[1])}
    comm_ports |= {int(a.rsplit(":", 1)[1]) for a in secured.scheduler_info()["workers"]}
    assert comm_ports <= listening
    answers = {p: _http_answer(p) for p in listening}
    assert not [p for p, a in answers.items() if a.startswith(b"HTTP/")], answers
    # the workers' HTTP servers are closed (Dask starts one in every worker)
    n_sockets = secured.run(lambda dask_worker: [s.fileno() for s in
                                                 dask_worker.http_server._sockets.values()])
    assert all(all(fd == -1 for fd in fds) for fds in n_sockets.values())
    # loopback only
    assert secured.scheduler.address.startswith("tls://127.0.0.1:")


def test_numpy_integers_work_where_ints_are_accepted(tmp_path):
    s = run_batch([scenario()], out=tmp_path / "o", client="synchronous", progress=False,
                  retries=np.int64(0))  # fmt: skip
    assert s.completed == 1


def test_batch_main_bad_file_exit_2(tmp_path, capsys):
    f = tmp_path / "s.toml"
    f.write_bytes("name = 'x'\n".encode("utf-16"))
    assert batch_main(f, out=tmp_path / "o", progress=False) == 2
    assert f"scenario file '{f}' is not UTF-8 text" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
