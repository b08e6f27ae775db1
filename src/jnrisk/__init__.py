"""jnrisk: city disaster-risk analysis, built first for Jinan (济南), Shandong.

The top-level package imports no numba kernels and no heavy optional dependencies; import the
submodules you need (``jnrisk.network``, ``jnrisk.allocation``, ``jnrisk.flood``, ...).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from jnrisk._errors import (
    ConfigError,
    CRSError,
    DataError,
    DataFileError,
    JnriskError,
    JnriskWarning,
    ResourceError,
    SchemaError,
    SolverError,
)
from jnrisk.units import ANALYSIS_CRS, EXCHANGE_CRS

try:
    __version__ = version("jnrisk")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "ANALYSIS_CRS",
    "EXCHANGE_CRS",
    "CRSError",
    "ConfigError",
    "DataError",
    "DataFileError",
    "JnriskError",
    "JnriskWarning",
    "ResourceError",
    "SchemaError",
    "SolverError",
    "__version__",
]
