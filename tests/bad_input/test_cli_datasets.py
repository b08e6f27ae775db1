"""Bad inputs to the CLI verbs (`jnrisk run`, `jnrisk batch`) and to jnrisk.datasets."""

from __future__ import annotations

import numpy as np
import pytest

from jnrisk._errors import ConfigError, DataFileError
from jnrisk.cli import main
from jnrisk.datasets import jinan, verify

from .conftest import expect


@pytest.mark.parametrize(("year", "ok"), [(2025, False), (np.int64(2023), True), (2024.0, False),
                                          ("2024", False), (True, False)])  # fmt: skip
def test_jinan_year(year, ok):
    if ok:
        assert jinan(year).year == 2023
    else:
        expect(lambda: jinan(year), ConfigError, r"year=.* is not available; choose one of")


@pytest.mark.parametrize(("data_dir", "error", "fragment"), [
    (42, ConfigError, "data_dir must be a folder path"),
    ("/nonexistent/jinan", DataFileError, "data_dir /nonexistent/jinan is not a folder"),
])  # fmt: skip
def test_jinan_data_dir(data_dir, error, fragment):
    expect(lambda: jinan(data_dir=data_dir), error, fragment)


def test_verify_empty_folder(tmp_path):
    expect(lambda: verify(tmp_path), DataFileError, "MANIFEST.json: file is missing")


@pytest.mark.parametrize("args", [
    pytest.param(["run", "--year", "2025"], id="run-year-2025"),
])  # fmt: skip
def test_cli_run_refuses_before_creating_anything(tmp_path, capsys, args):
    out = tmp_path / "out"
    code = main([*args, "--out", str(out)])
    assert code == 2 and "2025" in capsys.readouterr().err
    assert not out.exists()


BATCH_ARGS = [
    pytest.param(["--workers", "0"], "workers = 0 is out of range", id="workers-0"),
    pytest.param(["--connect-timeout", "-1", "--scheduler", "tcp://127.0.0.1:1"],
                 "connect_timeout_s = -1.0 is out of range", id="timeout-negative"),
    pytest.param(["--scheduler", "tls://127.0.0.1:1", "--security", "missing.yaml"],
                 "security file 'missing.yaml' does not exist", id="security-missing"),
    pytest.param(["--scheduler", "127.0.0.1:8786"], "is not valid; use 'tcp://HOST:PORT'",
                 id="scheduler-no-scheme"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "fragment"), BATCH_ARGS)
def test_cli_batch_bad_options(tmp_path, capsys, args, fragment):
    f = tmp_path / "s.toml"
    f.write_text('name = "c"\nkind = "synthetic_allocation"\n[hazard]\ngrid_size = 4\n')
    code = main(["batch", str(f), "--out", str(tmp_path / "o"), "--no-progress", *args])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err, err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "does not exist"),
    ("name = 'x'\n".encode("utf-16"), "is not UTF-8 text"),
    (b"\x7fELF\x02\x01\x01" + bytes(40), "is not UTF-8 text"),
    (b"name = \n", "is not valid TOML"),
])  # fmt: skip
def test_cli_batch_bad_files(tmp_path, capsys, content, fragment):
    f = tmp_path / "s.toml"
    if content is not None:
        f.write_bytes(content)
    code = main(["batch", str(f), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "s.toml" in err, err
