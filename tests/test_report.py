"""The report package and ``jnrisk run``: keyed tables, number formatting, no repr leaks, an
offline map, provenance, whole-folder outputs (killed run, full disk) and layout in Chromium."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import warnings
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
from shapely.geometry import Point, box

import jnrisk
from jnrisk import cli
from jnrisk._errors import ConfigError, JnriskError, ResourceError
from jnrisk.report import Layer, MapLayer, Metric, ReportSection, Table, run_main_job
from jnrisk.report.run import write_report

SRC = str(Path(jnrisk.__file__).resolve().parents[1])


# --------------------------------------------------------------------------------- helpers
class _Tables(HTMLParser):
    """Collect every ``table.data``: header cells (text, is_key) and body rows (text, is_key)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.html_lang = None
        self._cell = None
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "table" and "data" in (a.get("class") or "").split():
            self.tables.append({"head": [], "rows": []})
            self._in_data = True
        elif self._in_data and tag == "tr":
            self.tables[-1]["rows"].append([])
        elif self._in_data and tag in ("th", "td"):
            self._cell = [tag, "key" in (a.get("class") or "").split(), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data

    def handle_endtag(self, tag):
        if tag == "table" and self._in_data:
            self._in_data = False
            t = self.tables[-1]
            t["head"] = t["rows"].pop(0) if t["rows"] else []
        elif self._in_data and tag in ("th", "td") and self._cell is not None:
            self.tables[-1]["rows"][-1].append((self._cell[2].strip(), self._cell[1]))
            self._cell = None


def parse_tables(html: str) -> _Tables:
    p = _Tables()
    p.feed(html)
    return p


COUNT_HEADERS = re.compile(r"\(persons\)|^shelters$|segments|sub-districts|centres reached|"
                           r"\(days\)|^nodes$|^arcs$|components|members|stations|blocks")
ID_HEADERS = re.compile(r"(_id|adcode)\b")
REPR_LEAK = re.compile(r"\b[A-Z][A-Za-z]+\((?:[a-z_]+=|\d)|object at 0x|np\.(?:float|int)\d*\(|"
                       r"array\(|Timestamp\(|<jnrisk\.|dtype[:=]|\bnan\b|\bNaN\b|\bNone\b")


def check_report_html(html: str) -> None:
    """The assertions every written report must pass (shared by the fast and the full run)."""
    doc = parse_tables(html)
    assert doc.html_lang == "zh-Hans"
    assert doc.tables, "the report has no table"
    for t in doc.tables:
        head = [h for h, _ in t["head"]]
        keys = [i for i, (_, k) in enumerate(t["head"]) if k]
        assert keys, f"table with columns {head} has no key column"
        for row in t["rows"]:
            key_text = [row[i][0] for i in keys]
            assert any(re.search(r"[^\d\s.,:%°–-]", v) for v in key_text), (
                f"row {row} of table {head} has no non-numeric key")
            for (text, _), name in zip(row, head, strict=True):
                if ID_HEADERS.search(name):
                    assert re.fullmatch(r"-?\d+|–", text), f"id {text!r} in {name!r}"
                elif COUNT_HEADERS.search(name) and "(%)" not in name:
                    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*|–", text), (
                        f"count {text!r} in column {name!r} printed with decimals")
    text = re.sub(r"<style>.*?</style>|<script.*?</script>|data:[a-z/+]+;base64,[A-Za-z0-9+/=]+",
                  "", html, flags=re.S)
    leak = REPR_LEAK.search(re.sub(r"<[^>]+>", " ", text))
    assert leak is None, f"Python repr leaks into the report: {leak.group(0)!r}"
    for font in ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi"):
        assert font in html


def _city() -> SimpleNamespace:
    d = gpd.GeoDataFrame({"name": ["甲区", "乙区"], "name_en": ["Jia", "Yi"]},
                         geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=4548)
    return SimpleNamespace(districts=d)


def _section(key: str = "demo", title: str = "Demo <section>") -> ReportSection:
    gdf = gpd.GeoDataFrame({"shelter_id": [1, 2], "name": ["a", "b"]},
                           geometry=[Point(10, 10), Point(900, 900)], crs=4548)
    frame = pd.DataFrame({"区县 district": ["甲区"], "town_id": [370112020],
                          "residents (persons)": [1234567], "share (%)": [12.345]})
    return ReportSection(
        key=key, title=title, title_zh="演示",
        paragraphs=["hello & welcome"],
        tables=[Table("A table", frame, key=("区县 district", "town_id"), ids=("town_id",))],
        layers=[Layer("points", gdf, "Demo points", "#ff0000")],
        metrics=[Metric("served_persons", 42, "persons")],
        map_layers=[MapLayer("Points 点", gdf, "#ff0000", popup=("shelter_id", "name"))],
    )


# ---------------------------------------------------------------------- the writer, unit level
def test_written_folder_has_every_artefact_keyed_and_formatted(tmp_path):
    out = tmp_path / "run"
    path, summary = write_report([_section()], out, city=_city())
    html = path.read_text(encoding="utf-8")
    check_report_html(html)
    assert "Demo &lt;section&gt;" in html and "hello &amp; welcome" in html
    assert "1,234,567" in html and "370112020" in html and "370,112,020" not in html
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert list(metrics.columns) == ["section", "metric", "value", "unit"]
    assert metrics["value"].dtype == "float64"
    assert metrics.set_index("metric").loc["served_persons", "unit"] == "persons"
    prov = json.loads(pq.read_schema(out / "metrics.parquet").metadata[b"jnrisk_provenance"])
    assert prov["jnrisk_version"] == jnrisk.__version__
    layers = dict(pyogrio.list_layers(out / "layers.gpkg"))
    assert layers == {"demo_points": "Point", "layer_styles": None, "run_provenance": None}
    with sqlite3.connect(out / "layers.gpkg") as con:
        desc = con.execute("SELECT description FROM gpkg_contents WHERE table_name='demo_points'"
                           ).fetchone()[0]
        styles = con.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall()
        prov_rows = dict(con.execute("SELECT key, value FROM run_provenance").fetchall())
    assert desc == "Demo points"
    assert styles[0][0] == "demo_points"
    qml = ET.fromstring(styles[0][1])  # well-formed QGIS style
    assert qml.tag == "qgis" and qml.find(".//layer").get("class") == "SimpleMarker"
    assert prov_rows["jnrisk_version"] == jnrisk.__version__
    assert summary["metrics"][0]["unit"] == "persons"
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == summary
    assert not [p for p in tmp_path.rglob("*") if "tmp" in p.name or "staging" in p.name]


def test_interactive_map_is_offline_with_toggles_and_popups(tmp_path):
    path, _ = write_report([_section()], tmp_path / "run", city=_city())
    page = (path.parent / "report_map.html").read_text(encoding="utf-8")
    urls = re.findall(r"(?:src|href)\s*=\s*[\"']?(https?:)", page)
    assert not urls and "cdn" not in page.lower() and "<link" not in page
    assert page.count('type="checkbox"') == 2  # districts + the section's layer
    assert 'data-p="{&#34;shelter_id&#34;: &#34;1&#34;' in page or "&quot;shelter_id" in page


def test_section_key_is_validated_before_it_reaches_html():
    with pytest.raises(ConfigError, match="ReportSection.key"):
        ReportSection(key="x' onclick='alert(1)", title="t")


def test_table_without_its_key_column_is_refused():
    with pytest.raises(ConfigError, match="key column"):
        Table("t", pd.DataFrame({"persons": [1]}), key=("district",))


def test_metric_must_be_numeric():
    with pytest.raises(ConfigError, match="label"):
        Metric("label", "ok", "")


def test_second_run_replaces_the_first_as_a_whole(tmp_path):
    out = tmp_path / "run"
    write_report([_section()], out, city=_city())
    (out / "figures").mkdir(exist_ok=True)
    (out / "figures" / "stale.png").write_bytes(b"old")
    write_report([_section("other", "Second run")], out, city=_city())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Second run" in html and "Demo &lt;section&gt;" not in html
    assert not (out / "figures" / "stale.png").exists()  # nothing of the old run survives
    assert [n for n, g in pyogrio.list_layers(out / "layers.gpkg") if g] == ["other_points"]


def test_folder_with_other_files_is_not_replaced(tmp_path):
    (tmp_path / "thesis.docx").write_text("precious")
    with pytest.raises(ConfigError, match="not a jnrisk run output"):
        write_report([_section()], tmp_path, city=_city())
    assert (tmp_path / "thesis.docx").read_text() == "precious"


# ------------------------------------------------------------------------- faults while writing
def test_full_disk_is_a_clear_error_and_keeps_the_old_run(tmp_path, monkeypatch):
    out = tmp_path / "run"
    write_report([_section()], out, city=_city())
    before = (out / "report.html").read_bytes()

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", no_space)
    with pytest.raises(ResourceError, match=r"metrics\.parquet.*No space left.*free disk space"):
        write_report([_section("other", "Second run")], out, city=_city())
    assert (out / "report.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging folder left


def test_driver_error_names_the_geopackage(tmp_path, monkeypatch):
    from pyogrio.errors import DataSourceError

    def broken(*args, **kwargs):
        raise DataSourceError("sqlite3_exec(CREATE TABLE) failed: database or disk is full")

    monkeypatch.setattr(pyogrio, "write_dataframe", broken)
    with pytest.raises(ResourceError, match=r"layers\.gpkg.*disk is full"):
        write_report([_section()], tmp_path / "run", city=_city())
    assert not (tmp_path / "run").exists()


_KILLED_WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {src!r})
    import pyogrio
    import tests_report_helper as h
    from jnrisk.report.run import write_report
    real = pyogrio.write_dataframe
    def slow(*a, **k):
        real(*a, **k)
        print("writing", flush=True)
        time.sleep(60)
    pyogrio.write_dataframe = slow
    write_report([h.section("second", "Second run")], {out!r}, city=h.city())
""")


def test_killed_run_leaves_the_old_folder_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "run"
    write_report([_section()], out, city=_city())
    old = (out / "report.html").read_bytes()
    helper = tmp_path / "tests_report_helper.py"
    helper.write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_report import _city as city, _section as section\n")
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_WRITER.format(src=SRC, out=str(out)))
    proc = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{SRC}"})
    try:
        assert proc.stdout.readline().strip() == "writing"  # mid-way through layers.gpkg
        staging = [p for p in tmp_path.iterdir() if ".staging-" in p.name]
        assert staging and (staging[0] / "report.html").exists()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert (out / "report.html").read_bytes() == old  # the reader still sees the old run
    write_report([_section("third", "Third run")], out, city=_city())
    assert "Third run" in (out / "report.html").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name]


# ------------------------------------------------------------- validation before anything exists
@pytest.mark.parametrize(
    ("argv", "culprit"),
    [
        (["--year", "2025"], "--year 2025"),
        (["--sections", "flod"], "did you mean 'flood'"),
        (["--data-dir", "/nonexistent/jinan"], "--data-dir"),
    ],
)
def test_bad_run_arguments_fail_before_creating_the_folder(tmp_path, capsys, argv, culprit):
    out = tmp_path / "new" / "out"
    assert cli.main(["run", "--out", str(out), *argv]) == 2
    assert culprit in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_output_path_under_a_file_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["run", "--out", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write to output folder" in err and "--out" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(JnriskError, match="cannot write to output folder"):
        run_main_job(ro / "sub")


def test_console_script_version():
    out = subprocess.run([sys.executable, "-m", "jnrisk.cli", "--version"], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": SRC})
    assert out.returncode == 0 and out.stdout.startswith("jnrisk ")


# ----------------------------------------------------------------- a real run on the bundled city
FAST_SECTIONS = "city,network,rescue,fire"


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    """``jnrisk run --json`` on the bundled city (named with --data-dir) with the sections
    that need no allocation."""
    from jnrisk.datasets import data_path

    out = tmp_path_factory.mktemp("fast") / "out"
    proc = subprocess.run(
        [sys.executable, "-W", "always", "-m", "jnrisk.cli", "run", "--out", str(out),
         "--sections", FAST_SECTIONS, "--json", "--data-dir", str(data_path())],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": SRC}, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_real_run_prints_json_and_progress_without_glyph_warnings(fast_run):
    out, proc = fast_run
    summary = json.loads(proc.stdout)
    from jnrisk.datasets import data_path

    assert summary["provenance"]["sections"] == FAST_SECTIONS.split(",")
    assert summary["provenance"]["data_dir"] == str(data_path().resolve())
    assert len(summary["provenance"]["data_manifest_sha256"]) == 64
    assert summary["findings"] and all(f["action"] for f in summary["findings"])
    assert "[1/4]" in proc.stderr and "numba" in proc.stderr
    assert "Glyph" not in proc.stderr and "missing from" not in proc.stderr


def test_real_report_tables_numbers_and_text(fast_run):
    out, _ = fast_run
    html = (out / "report.html").read_text(encoding="utf-8")
    check_report_html(html)
    assert "Key findings and actions" in html and "@font-face" in html
    # counts come from the data: the number of stations is the bundled layer's length
    from jnrisk.datasets import jinan

    assert f"from the {len(jinan(2024).stations)} joint-defence rescue stations" in html


def test_real_geopackage_is_described_and_styled(fast_run):
    out, _ = fast_run
    layers = [n for n, g in pyogrio.list_layers(out / "layers.gpkg") if g]
    with sqlite3.connect(out / "layers.gpkg") as con:
        desc = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
        styled = {r[0] for r in con.execute("SELECT f_table_name FROM layer_styles")}
    assert all(desc[n] for n in layers) and set(layers) <= styled


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


_OVERFLOW_PROBE = """<script>
window.addEventListener('load', function () {
  var vw = document.documentElement.clientWidth, bad = [];
  document.querySelectorAll('body *').forEach(function (el) {
    if (el.closest('.table-wrap')) return;  // tables scroll inside their box
    var r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1) bad.push(el.tagName + '.' + el.className);
  });
  if (document.documentElement.scrollWidth > vw + 1) bad.push('page scrolls sideways');
  var p = document.createElement('pre'); p.id = 'overflow-probe';
  p.textContent = 'OVER' + 'FLOW=' + JSON.stringify(bad.slice(0, 10)) + '=END';
  document.body.appendChild(p);
});
</script>"""


def _probe(page: str, script: str, marker: str, tmp_path: Path) -> str:
    """Load ``page`` with ``script`` in headless Chromium at 1400 px; return what the script
    wrote between ``marker=`` and ``=END``."""
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", script + "</body>"), encoding="utf-8")
    proc = subprocess.run(
        [_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
         "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180)
    found = re.search(marker + r"=(.*?)=END", proc.stdout)
    assert found, proc.stderr[-2000:]
    return found.group(1)


def _overflow(page: str, tmp_path: Path) -> list[str]:
    return json.loads(_probe(page, _OVERFLOW_PROBE, "OVERFLOW", tmp_path))


@pytest.mark.skipif(_chromium() is None,
                    reason="no Chromium/Chrome on PATH (Debian: apt-get install -y chromium)")
def test_report_has_no_layout_overflow_at_1400px_in_chromium(fast_run, tmp_path):
    out, _ = fast_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert _overflow(html, tmp_path) == []
    # the probe sees overflow when there is some
    wide = html.replace("</header>", "<div style='width:3000px'>wide</div></header>", 1)
    assert _overflow(wide, tmp_path)


# ------------------------------------------------------------------------------- the full report
@pytest.mark.slow
def test_full_report_on_the_bundled_city(tmp_path):
    out = tmp_path / "out"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = run_main_job(out, log=lambda line: None)
    assert not [w for w in caught if "Glyph" in str(w.message)]
    html = outcome.report.read_text(encoding="utf-8")
    check_report_html(html)
    topics = " ".join(f["topic"] for f in outcome.summary["findings"])
    for topic in ("Shelter places", "Rescue response", "Roads to close", "Shelters to open",
                  "Relief supplies", "Forest fire"):
        assert topic in topics
    flows = gpd.read_file(out / "layers.gpkg", layer="allocation_flows", rows=5)
    assert {"block_id", "shelter_id", "persons", "walk_m"} <= set(flows.columns)
    assert "shelter_price" not in html


def test_demo_installs_the_report_extra_not_dev():
    make = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    demo_stamp = re.search(r"^\$\(DEMO_STAMP\):.*?(?=^\S)", make, flags=re.S | re.M).group(0)
    assert '".[report]"' in demo_stamp and "dev" not in demo_stamp


def test_every_section_module_keeps_the_contract():
    """Adding a section is one module: KEY (its name), TITLE, TITLE_ZH and build(ctx)."""
    import inspect

    from jnrisk.report.sections import SECTION_MODULES, resolve_sections

    mods = resolve_sections()
    assert [m.KEY for m in mods] == list(SECTION_MODULES)
    for m in mods:
        assert m.__name__.rsplit(".", 1)[1] == m.KEY
        assert m.TITLE and re.search(r"[\u4e00-\u9fff]", m.TITLE_ZH)
        assert list(inspect.signature(m.build).parameters) == ["ctx"]
        source = inspect.getsource(m)
        assert "import jnrisk.report.run" not in source and "from jnrisk.report.run" not in source


def test_basemap_is_optional_and_never_required(tmp_path, monkeypatch):
    """--basemap without contextily or without network draws the maps without tiles."""
    from jnrisk.report import plotting

    plotting.basemap_reachable.cache_clear()
    monkeypatch.setattr(plotting, "BASEMAP_URL", "https://tiles.invalid/{z}/{x}/{y}.png")
    assert plotting.basemap_reachable(timeout_s=0.5) is False
    fig, ax = plotting.new_map(_city(), title="t", basemap=True)
    assert plotting.figure_png(fig).startswith(b"\x89PNG")
    plotting.basemap_reachable.cache_clear()


_CLICK_PROBE = """<script>
window.addEventListener('load', function () {
  var c = document.querySelector('[data-p]');
  c.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  var p = document.createElement('pre');
  p.textContent = 'IN' + 'FO=' + document.getElementById('info').textContent + '=END';
  document.body.appendChild(p);
});
</script>"""


@pytest.mark.skipif(_chromium() is None,
                    reason="no Chromium/Chrome on PATH (Debian: apt-get install -y chromium)")
def test_offline_map_shows_attributes_on_click_in_chromium(fast_run, tmp_path):
    out, _ = fast_run
    page = (out / "report_map.html").read_text(encoding="utf-8")
    info = _probe(page, _CLICK_PROBE, "INFO", tmp_path)
    assert "name" in info and "Click a feature" not in info


def test_swap_without_renameat2_still_replaces_the_whole_folder(tmp_path, monkeypatch):
    from jnrisk.report import output

    monkeypatch.setattr(output, "_exchange", lambda a, b: False)  # e.g. macOS, Windows
    out = tmp_path / "run"
    write_report([_section()], out, city=_city())
    write_report([_section("other", "Second run")], out, city=_city())
    assert "Second run" in (out / "report.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_run_killed_between_the_two_renames_is_restored(tmp_path):
    from jnrisk.report.output import clean_stale

    out = tmp_path / "run"
    write_report([_section()], out, city=_city())
    old = (out / "report.html").read_bytes()
    out.rename(tmp_path / ".run.old-999")  # the previous run moved aside, the new not yet in
    (tmp_path / ".run.staging-999").mkdir()
    clean_stale(out)
    assert (out / "report.html").read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
