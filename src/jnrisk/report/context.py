"""The typed run context every section receives.

It holds the city, its networks, the run parameters and the results more than one section reads
(each computed once, on first use).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from jnrisk.units import JINAN_SHELTER_M2_PER_PERSON

__all__ = ["ReportContext", "RunParams"]


@dataclass(frozen=True)
class RunParams:
    """The parameters of ``jnrisk run`` (recorded in the report, the GeoPackage and the metrics).

    Examples
    --------
    >>> RunParams().max_walk_m
    2500.0
    """

    year: int = 2024
    max_walk_m: float = 2500.0
    m2_per_person: float = JINAN_SHELTER_M2_PER_PERSON
    rescue_threshold_s: float = 900.0
    flood_return_period_yr: float = 50.0
    flood_duration_min: float = 120.0
    fire_temperature_c: float = 18.0
    fire_relative_humidity_pct: float = 22.0
    fire_wind_speed_kmh: float = 30.0
    fire_wind_from_deg: float = 315.0
    fire_duration_min: float = 240.0
    top_n: int = 10
    basemap: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as a plain dict.

        Examples
        --------
        >>> RunParams(year=2023).to_dict()["year"]
        2023
        """
        return asdict(self)


def _discard_line(line: str) -> None:
    """Drop a progress line (the default ``log`` of a :class:`ReportContext`)."""


@dataclass
class ReportContext:
    """City, networks (built on first use, shared with the scenario runners) and shared results.

    ``log`` receives progress lines (``print`` in the CLI).

    Examples
    --------
    >>> from jnrisk.datasets import jinan
    >>> ctx = ReportContext(jinan(2023), RunParams(year=2023))
    >>> len(ctx.shelters), ctx.scenario("storm", "flood", {"return_period_yr": 50,
    ...                                                    "duration_min": 60}).inventory_year
    (435, 2023)
    """

    city: Any
    params: RunParams = field(default_factory=RunParams)
    log: Callable[[str], None] = field(default=_discard_line, repr=False)

    @cached_property
    def scenario_city(self) -> Any:
        """The :class:`jnrisk.scenarios.hazards.CityContext` handed to the scenario runners."""
        from jnrisk.scenarios.hazards import CityContext

        return CityContext(self.city)

    def _timed(self, what: str, fn: Callable[[], Any]) -> Any:
        self.log(f"  {what} ...")
        t = time.perf_counter()
        out = fn()
        self.log(f"  {what}: {time.perf_counter() - t:.1f} s")
        return out

    @cached_property
    def walk(self) -> Any:
        """Walk network (the first run also compiles and caches the numba kernels)."""
        return self._timed("walk network (first run also compiles the numba kernels)",
                           lambda: self.scenario_city.walk)

    @cached_property
    def drive(self) -> Any:
        """Drive network (one-way streets, ``time_s``)."""
        return self._timed("drive network", lambda: self.scenario_city.drive)

    @cached_property
    def shelters(self) -> Any:
        """The shelters of the run's inventory year."""
        sh = self.city.shelters
        if "built_year" in sh.columns:
            sh = sh[sh["built_year"] <= self.params.year]
        return sh

    @cached_property
    def allocation(self) -> Any:
        """Exact walking allocation of every resident (shared with the flood runner's base run)."""
        from jnrisk.allocation import allocate_shelters

        walk = self.walk
        res = self._timed(
            "exact shelter allocation",
            lambda: allocate_shelters(self.city.population, self.shelters, walk,
                                      max_walk_m=self.params.max_walk_m),
        )
        cache = getattr(self.scenario_city, "cache", None)
        if isinstance(cache, dict):  # the flood runner warm-starts from the intact optimum
            cache[("allocation", tuple(self.shelters.index), float(self.params.max_walk_m))] = res
        return res

    def scenario(self, name: str, kind: str, hazard: Any) -> Any:
        """Build a :class:`jnrisk.scenarios.Scenario` with the run's inventory year and walk options."""
        from jnrisk.scenarios import AllocationOptions, Scenario

        return Scenario(name=name, kind=kind, hazard=hazard, inventory_year=self.params.year,
                        allocation=AllocationOptions(max_walk_m=self.params.max_walk_m,
                                                     m2_per_person=self.params.m2_per_person))

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        """Projected city coordinates [m] -> (lon, lat) in EPSG:4326."""
        from pyproj import Transformer

        tr = Transformer.from_crs(self.city.population.crs, "EPSG:4326", always_xy=True)
        lon, lat = tr.transform(x, y)
        return float(lon), float(lat)
