"""Fixtures for the fire tests."""

from __future__ import annotations

import pandas as pd
import pytest

from .helpers import DATA


@pytest.fixture(scope="session")
def fwi_standard() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 48-day standard input and the cffdrs expected outputs (local fixture copy)."""
    inp = pd.read_csv(DATA / "test_fwi_input.csv", sep=";")
    exp = pd.read_csv(DATA / "cffdrs_r_expected_fwi_01.csv")
    return inp, exp
