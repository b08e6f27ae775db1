"""The report writer and the CLI surface (the full main job is exercised by `make demo`)."""

from __future__ import annotations

import os
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from jnrisk import cli
from jnrisk.report import ReportSection, run_main_job, write_report


def _section() -> ReportSection:
    gdf = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(0, 0), Point(1, 1)], crs=4548)
    return ReportSection(
        key="demo",
        title="Demo <section>",
        paragraphs=["hello & welcome"],
        tables=[("A table", pd.DataFrame({"district": ["x"], "persons": [1234567]}))],
        figures=[("demo.png", "a figure", b"\x89PNG\r\n\x1a\nfake")],
        layers={"points": gdf},
        metrics={"served_persons": 42, "label": "ok"},
    )


def test_write_report_writes_every_artefact(tmp_path):
    path = write_report([_section()], tmp_path, title="T", meta="m")
    text = path.read_text(encoding="utf-8")
    assert "Demo &lt;section&gt;" in text  # escaped
    assert "1,234,567" in text
    assert "data:image/png;base64," in text
    assert "SYNTHETIC" in text
    assert (tmp_path / "figures" / "demo.png").read_bytes().startswith(b"\x89PNG")
    metrics = pd.read_parquet(tmp_path / "metrics.parquet")
    row = metrics.set_index("metric").loc["served_persons"]
    assert row["value_num"] == 42 and row["section"] == "demo"
    assert [name for name, _ in pyogrio.list_layers(tmp_path / "layers.gpkg")] == ["demo_points"]
    # nothing temporary is left behind
    assert not [p for p in tmp_path.rglob("*") if ".tmp" in p.name]


def test_write_report_replaces_previous_report(tmp_path):
    write_report([_section()], tmp_path, title="first", meta="m")
    write_report([_section()], tmp_path, title="second", meta="m")
    assert "second" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(gpd.read_file(tmp_path / "layers.gpkg", layer="demo_points")) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(Exception, match="cannot write to output folder"):
        run_main_job(ro / "sub")


def test_output_path_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = cli.main(["run", "--out", str(blocker / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot write to output folder" in err and "--out" in err


def test_console_script_version():
    out = subprocess.run(
        [sys.executable, "-m", "jnrisk.cli", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("jnrisk ")


def test_report_files_get_ordinary_permissions(tmp_path):
    write_report([_section()], tmp_path, title="T", meta="m")
    mode = (tmp_path / "report.html").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
