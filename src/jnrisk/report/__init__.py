"""The ``jnrisk run`` report: sections on the scenario runners, written as one folder.

``run_main_job`` validates, builds each section (``jnrisk.report.sections``, one module each) on a
:class:`ReportContext`, and writes ``report.html``, ``report_map.html``, ``figures/``,
``layers.gpkg``, ``metrics.parquet`` and ``summary.json`` through a staging folder.
"""

from __future__ import annotations

from jnrisk.report.context import ReportContext, RunParams
from jnrisk.report.model import Figure, Finding, Layer, MapLayer, Metric, ReportSection, Table
from jnrisk.report.run import RunOutcome, run_main_job

__all__ = [
    "Figure",
    "Finding",
    "Layer",
    "MapLayer",
    "Metric",
    "ReportContext",
    "ReportSection",
    "RunOutcome",
    "RunParams",
    "Table",
    "run_main_job",
]
