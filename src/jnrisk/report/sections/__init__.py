"""The report's sections, one module each, in report order.

A section module defines ``KEY``, ``TITLE``, ``TITLE_ZH`` and ``build(ctx) -> ReportSection``
(``ctx`` is a :class:`jnrisk.report.context.ReportContext`). It calls the scenario runners or the
allocation / coverage functions and only formats and plots their results. Adding a section is
adding a module and its name to ``SECTION_MODULES``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from jnrisk._errors import ConfigError
from jnrisk.scenarios.registry import did_you_mean

__all__ = ["SECTION_MODULES", "resolve_sections"]

SECTION_MODULES: tuple[str, ...] = (
    "city",
    "network",
    "allocation",
    "coverage",
    "quake",
    "flood",
    "rescue",
    "fire",
)


def resolve_sections(keys: list[str] | tuple[str, ...] | None = None) -> list[ModuleType]:
    """Section modules for ``keys`` (all when ``None``), in report order.

    Examples
    --------
    >>> [m.KEY for m in resolve_sections(["flood", "city"])]
    ['city', 'flood']
    """
    if keys is None:
        keys = SECTION_MODULES
    unknown = [k for k in keys if k not in SECTION_MODULES]
    if unknown:
        hints = "".join(did_you_mean(k, SECTION_MODULES) for k in unknown)
        raise ConfigError(
            f"--sections: unknown section(s) {unknown}{hints}; choose from "
            f"{', '.join(SECTION_MODULES)}."
        )
    return [importlib.import_module(f"{__name__}.{k}") for k in SECTION_MODULES if k in keys]
