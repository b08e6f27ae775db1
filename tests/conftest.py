"""Shared fixtures. Module-specific factories live next to the tests that use them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: tests are reproducible."""
    return np.random.default_rng(20261129)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (reference data sets); tests using it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present next to the repository")
    return SHARED
