"""Static maps for reports and notebooks (matplotlib; imported lazily, never by core modules)."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["figure_png", "base_map"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def base_map(city: Any, *, ax: Any = None, title: str | None = None, figsize=(8, 8)) -> Any:
    """Draw district outlines of ``city`` (a :class:`jnrisk.datasets.JinanCity`) and return the axes."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    city.districts.boundary.plot(ax=ax, color="0.35", linewidth=0.6)
    ax.set_axis_off()
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=11)
    return ax


def figure_png(fig: Any, *, dpi: int = 110) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it."""
    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
