"""Every planner notebook runs top to bottom on the bundled city and says what it should.

Notebooks are committed with outputs stripped (checked here). Each one runs in a fresh kernel
with the working directory set to ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# notebook -> phrases its outputs must contain (proof that the analysis ran, not just the cells)
EXPECTED = {
    "01_earthquake_shelters.ipynb": ["residents newly covered", "displaced persons"],
    "02_urban_waterlogging.ipynb": [],
    "03_forest_fire.ipynb": [],
    "04_rescue_one_map.ipynb": [],
    "05_batch_scenarios.ipynb": ["completed=50", "skipped=50", "Worst case"],
    "06_evacuation.ipynb": ["95 % of the assigned residents", "default"],
}


def test_every_notebook_is_listed():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.notebook
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(name):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    stale = [i for i, c in enumerate(nb.cells) if c.get("outputs")]
    assert not stale, f"{name}: strip the outputs of cells {stale} before committing"
    says_synthetic = any(
        "synthetic" in c.source.lower() for c in nb.cells if c.cell_type == "markdown"
    )
    assert says_synthetic, f"{name}: say in the notebook that the bundled layers are synthetic"
    nbclient.NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    for phrase in EXPECTED[name]:
        assert phrase in text, f"{name}: expected {phrase!r} in the outputs"
    n_images = sum(
        "image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
    )
    assert n_images >= 1, f"{name}: a planner notebook shows at least one map or plot"
