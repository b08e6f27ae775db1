"""The road network: size and connectivity of the walk and drive networks."""

from __future__ import annotations

from typing import Any

import pandas as pd

from jnrisk.report.model import Metric, ReportSection, Table

KEY = "network"
TITLE = "Road network"
TITLE_ZH = "道路网络"


def build(ctx: Any) -> ReportSection:
    """Build the road network section."""
    rows, metrics = [], []
    for mode, net in (("walk 步行", ctx.walk), ("drive 驾车", ctx.drive)):
        comp = net.component_summary()
        rows.append({
            "network": mode,
            "nodes": int(net.n_nodes),
            "arcs": int(net.n_arcs),
            "connected components": int(comp["n_components"]),
            "largest component (%)": float(comp["largest_component_pct"]),
        })
        short = mode.split()[0]
        metrics += [Metric(f"{short}_nodes", net.n_nodes, "count"),
                    Metric(f"{short}_arcs", net.n_arcs, "count"),
                    Metric(f"{short}_components", comp["n_components"], "count")]
    table = pd.DataFrame(rows)
    walk = rows[0]
    split = ("The walk network is one connected piece." if walk["connected components"] == 1
             else f"The walk network falls into {walk['connected components']:,} pieces; "
                  f"the largest holds {walk['largest component (%)']:.1f} % of the nodes.")
    return ReportSection(
        key=KEY, title=TITLE, title_zh=TITLE_ZH,
        paragraphs=[
            "Walk network: undirected, pedestrians only where allowed. Drive network: one-way "
            "streets respected, travel time from length and speed by road class (free flow).",
            split,
        ],
        tables=[Table("Network size and connectivity", table, key=("network",))],
        metrics=metrics,
    )
