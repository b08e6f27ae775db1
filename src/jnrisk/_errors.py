"""The jnrisk exception hierarchy.

Every error is also a :class:`ValueError`, so ``except ValueError`` keeps working for callers
that do not know jnrisk. Messages say what was expected, what was found, where (column, rows,
file) and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "JnriskError",
    "CRSError",
    "SchemaError",
    "DataError",
    "DataFileError",
    "SolverError",
    "ConfigError",
    "ResourceError",
    "JnriskWarning",
]


class JnriskError(ValueError):
    """Base class of every error raised by jnrisk on bad input or internal failure."""


class CRSError(JnriskError):
    """Missing, geographic (degree) or mismatched coordinate reference systems."""


class SchemaError(JnriskError):
    """A missing column, a wrong geometry type or a wrong dtype."""


class DataError(JnriskError):
    """Values that cannot be right: negative population, NaN, invalid geometry, nodata."""


class DataFileError(DataError):
    """A bundled or user data file that is missing, corrupt or does not match its generator."""


class SolverError(JnriskError):
    """An internal solver failure. Shortage is never an error: it is reported as unserved."""


class ConfigError(JnriskError):
    """An unknown option, key or value in a call, scenario or configuration."""


class ResourceError(JnriskError):
    """A problem too large for the memory budget, or an output that cannot be written."""


class JnriskWarning(UserWarning):
    """Warnings raised by jnrisk (always with ``stacklevel=2`` so they point at the caller)."""
