"""Executes notebooks/01_earthquake_shelters.ipynb top to bottom (slow: the whole city)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_earthquake_shelters.ipynb"


@pytest.mark.slow
@pytest.mark.notebook
def test_earthquake_shelters_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    try:
        from jnrisk.datasets import jinan

        jinan(2024)
    except Exception as e:  # noqa: BLE001 - the bundled data or a reader is unavailable
        pytest.skip(f"the bundled Jinan city does not load here: {type(e).__name__}: {e}")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:  # committed with outputs stripped
        assert not cell.get("outputs"), "strip the notebook outputs before committing"
    client = nbclient.NotebookClient(
        nb,
        timeout=1200,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    text = "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "residents newly covered" in text
    assert "displaced persons" in text
