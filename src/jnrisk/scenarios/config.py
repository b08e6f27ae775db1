"""The scenario model: frozen, self-validating dataclasses with a dict/TOML round trip.

A scenario is data::

    name = "storm-50yr-2h"
    kind = "flood"                       # a registered kind (see jnrisk.scenarios.registry)
    inventory_year = 2024                # shelter inventory: 2023 or 2024
    seed = 7

    [hazard]                             # the kind's parameter class (FloodParams here)
    return_period_yr = 50
    duration_min = 120

    [network]
    closed_bridges = ["济南黄河大桥"]

    [allocation]
    max_walk_m = 2500.0
    m2_per_person = 2.0

Every class validates itself in ``__post_init__`` and raises
:class:`~jnrisk._errors.ConfigError` naming the key, the value found and the allowed values.
``Scenario.from_dict`` rejects unknown keys with a "did you mean". ``Scenario.scenario_id`` is
a short hash of the canonical JSON of the parameters (the name is not part of it), so a re-run
recognises finished work.

The parameter classes of the hazard kinds (``QuakeParams``, ``FloodParams``, ``FireParams``,
``RescueParams``) live here, so a scenario file validates without importing a hazard model;
the kind table (:mod:`jnrisk.scenarios.registry`) pairs each with its runner. Their limits
are the hazard modules' own constants, so a value that passes here also runs.
Numbers tagged assumed in ``docs/references.md`` are defaults only and stay overridable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import numbers
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jnrisk._errors import ConfigError, DataFileError
from jnrisk.fire.weather import FWI_INPUT_RANGES, FWI_LATITUDE_RANGE_DEG
from jnrisk.flood.storm import MIN_RETURN_PERIOD_YR, PEAK_RATIO_RANGE, STORM_STEP_MIN
from jnrisk.quake import MAGNITUDE_RANGE
from jnrisk.scenarios.registry import SCENARIO_OPTIONS, did_you_mean, get_kind
from jnrisk.units import CONGESTION_FACTOR_BY_PERIOD as _PERIODS
from jnrisk.units import DEFAULT_TURNOUT_S, JINAN_SHELTER_M2_PER_PERSON, MAX_TURNOUT_S

__all__ = [
    "INVENTORY_YEARS",
    "AllocationOptions",
    "FireParams",
    "FloodParams",
    "NetworkChanges",
    "QuakeParams",
    "RescueParams",
    "Scenario",
    "param",
    "params_from_dict",
    "params_to_dict",
    "read_toml",
    "validate_params",
]

#: Shelter inventory years bundled with jnrisk.
INVENTORY_YEARS = (2023, 2024)
#: Bump when the canonical form changes in a way that must invalidate finished batch outputs.
_ID_SCHEMA = 1


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed file raises DataFileError naming it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = p.write_text('name = "t"')
    >>> read_toml(p)
    {'name': 't'}
    """
    if not isinstance(path, (str, Path)) and not hasattr(path, "__fspath__"):
        raise ConfigError(
            f"scenario file must be a path (str or pathlib.Path), got {type(path).__name__} "
            f"{path!r}."
        )
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"scenario file {str(path)!r} does not exist.") from None
    except IsADirectoryError:
        raise DataFileError(f"scenario file {str(path)!r} is a directory, not a file.") from None
    except OSError as exc:
        raise DataFileError(
            f"scenario file {str(path)!r} cannot be read ({exc.strerror or exc}); check the "
            f"path and its permissions."
        ) from None
    try:
        if b"\x00" in raw:  # UTF-16/32 or a binary file; NUL is never in TOML text
            raise UnicodeDecodeError("utf-8", raw, raw.index(b"\x00"), raw.index(b"\x00") + 1,
                                     "NUL byte")  # fmt: skip
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a UTF-8 BOM is harmless
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"scenario file {str(path)!r} is not UTF-8 text (byte {exc.start}: "
            f"{raw[exc.start:exc.start + 4]!r}); scenario files are TOML in UTF-8: save "
            f"it as UTF-8 (not UTF-16 or a binary format)."
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"scenario file {str(path)!r} is not valid TOML: {exc}.") from None


# --------------------------------------------------------------------------------------------
# Field specs and generic validation (usable by hazard modules for their own params classes)
# --------------------------------------------------------------------------------------------


def param(  # noqa: PLR0913  keyword-only bounds of one parameter, like dataclasses.field
    default: Any = dataclasses.MISSING,
    *,
    kind: type = float,
    unit: str = "",
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: tuple[Any, ...] | None = None,
    multiple_of: float | None = None,
    doc: str = "",
) -> Any:
    """Declare a validated scalar field of a scenario parameter class.

    ``kind`` is ``float`` (ints are accepted and stored as float), ``int`` (whole numbers only),
    ``str`` or ``bool``. Bounds are inclusive (``ge``/``le``) or exclusive (``gt``/``lt``);
    ``multiple_of`` asks for a whole multiple of a step (e.g. a storm's 5-minute step).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class P:
    ...     depth_m: float = param(1.0, unit="m", gt=0)
    ...     def __post_init__(self):
    ...         validate_params(self)
    >>> P(2).depth_m
    2.0
    """
    meta = {
        "jnrisk_kind": kind,
        "unit": unit,
        "ge": ge,
        "gt": gt,
        "le": le,
        "lt": lt,
        "choices": choices,
        "multiple_of": multiple_of,
        "doc": doc,
    }
    return field(default=default, metadata=meta)


def _describe_range(meta: Mapping[str, Any]) -> str:
    parts = []
    if meta.get("ge") is not None:
        parts.append(f">= {meta['ge']:g}")
    if meta.get("gt") is not None:
        parts.append(f"> {meta['gt']:g}")
    if meta.get("le") is not None:
        parts.append(f"<= {meta['le']:g}")
    if meta.get("lt") is not None:
        parts.append(f"< {meta['lt']:g}")
    return " and ".join(parts)


def _check_scalar(where: str, value: Any, meta: Mapping[str, Any]) -> Any:
    """Return the normalised value, or raise ConfigError naming ``where``."""
    kind = meta["jnrisk_kind"]
    unit = meta.get("unit") or ""
    unit_txt = f" in {unit}" if unit else ""
    choices = meta.get("choices")
    if kind in (float, int):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            hint = ""
            if isinstance(value, str):
                hint = (
                    f"; write a bare number{unit_txt} (units are part of the key name, "
                    f"e.g. 2500 not '2500 m')"
                )
            raise ConfigError(
                f"{where} must be a number{unit_txt}, got {type(value).__name__} {value!r}{hint}."
            )
        if kind is int:
            if isinstance(value, numbers.Integral):
                value = int(value)
            else:
                raise ConfigError(
                    f"{where} must be a whole number{unit_txt}, got {value!r}."
                )
        else:
            value = float(value)
            if not math.isfinite(value):
                raise ConfigError(f"{where} must be finite{unit_txt}, got {value!r}.")
        ok = (
            (meta.get("ge") is None or value >= meta["ge"])
            and (meta.get("gt") is None or value > meta["gt"])
            and (meta.get("le") is None or value <= meta["le"])
            and (meta.get("lt") is None or value < meta["lt"])
        )
        if not ok:
            raise ConfigError(
                f"{where} = {value!r} is out of range: it must be {_describe_range(meta)}"
                f"{unit_txt}."
            )
        step = meta.get("multiple_of")
        if step is not None and not math.isclose(value / step, round(value / step)):
            raise ConfigError(
                f"{where} = {value!r} must be a whole multiple of {step:g}{unit_txt} "
                f"(e.g. {max(step, round(value / step) * step):g})."
            )
    elif kind is str:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} must be a non-empty string, got {value!r}.")
    elif kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, got {value!r}.")
    if choices is not None and value not in choices:
        raise ConfigError(f"{where} = {value!r} is not allowed; allowed values: {list(choices)}.")
    return value


def validate_params(obj: Any) -> None:
    """Validate and normalise every :func:`param` field of a frozen dataclass instance.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class P:
    ...     depth_m: float = param(1.0, unit="m", gt=0)
    ...     def __post_init__(self):
    ...         validate_params(self)
    >>> P(2).depth_m  # ints are stored as float
    2.0
    >>> P(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    jnrisk._errors.ConfigError: P.depth_m...
    """
    cls_name = type(obj).__name__
    for f in dataclasses.fields(obj):
        if "jnrisk_kind" not in f.metadata:
            continue
        value = _check_scalar(f"{cls_name}.{f.name}", getattr(obj, f.name), f.metadata)
        object.__setattr__(obj, f.name, value)


def _check_keys(data: Any, allowed: list[str], where: str, *, required: list[str] = ()) -> None:
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{where} must be a table (dict) with keys {allowed}, got {type(data).__name__} "
            f"{data!r}."
        )
    for key in data:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown key {key!r}{did_you_mean(str(key), allowed)}; "
                f"allowed keys: {allowed}."
            )
    missing = [k for k in required if k not in data]
    if missing:
        raise ConfigError(f"{where}: missing required key(s) {missing}; allowed keys: {allowed}.")


def params_from_dict(cls: type, data: Any, *, where: str | None = None) -> Any:
    """Build a parameter dataclass from a mapping, rejecting unknown and missing keys.

    Examples
    --------
    >>> params_from_dict(FloodParams, {"return_period_yr": 50, "duration_min": 120}).duration_min
    120.0
    >>> params_from_dict(FloodParams, {"return_period_yr": 50, "duraton_min": 120})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    jnrisk._errors.ConfigError: FloodParams: unknown key 'duraton_min' (did you mean 'duration_min'?); ...
    """
    where = where or cls.__name__
    fields = [f for f in dataclasses.fields(cls) if f.init]
    names = [f.name for f in fields]
    required = [
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    _check_keys(data, names, where, required=required)
    try:
        return cls(**dict(data))
    except ConfigError as exc:
        # Re-anchor the message at the place in the file ("hazard.return_period_yr ...").
        msg = str(exc)
        if where != cls.__name__ and msg.startswith(cls.__name__ + "."):
            msg = where + msg[len(cls.__name__) :]
        raise ConfigError(msg) from None


def params_to_dict(obj: Any) -> dict[str, Any]:
    """Return the plain-Python (JSON/TOML-able) form of a parameter dataclass.

    Examples
    --------
    >>> params_to_dict(FloodParams(return_period_yr=50, duration_min=120))["return_period_yr"]
    50.0
    """
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


# --------------------------------------------------------------------------------------------
# Per-kind hazard parameters
# --------------------------------------------------------------------------------------------

#: Shelter standards a quake scenario may name (see jnrisk.shelters.STANDARDS), or "allocation"
#: for the single ``allocation.m2_per_person`` value.
_SHELTER_STANDARD_CHOICES = (
    "allocation", "jinan_2024", "jinan_2035", "gb21734_min", "gb50413", "gb51143_stay",
)


@dataclass(frozen=True)
class QuakeParams:
    """Scenario earthquake (docs/references.md#wang2000-attenuation): epicentre, surface-wave magnitude Ms, depth, strike.

    ``azimuth_deg`` is the strike of the long axis of the elliptical intensity field, clockwise
    from north. The magnitude range is where the eastern-China attenuation relation was fitted
    or extrapolates sensibly (Ms 4.0-8.0).

    Examples
    --------
    >>> QuakeParams(epicentre_lon=117.0, epicentre_lat=36.65, magnitude=6.5).shelter_standard
    'jinan_2024'
    >>> QuakeParams(epicentre_lon=117.0, epicentre_lat=36.65, magnitude=6.5).unused_options()
    {'allocation.m2_per_person': "set hazard.shelter_standard = 'allocation' to use it"}
    """

    epicentre_lon: float = param(kind=float, unit="degrees east (EPSG:4326)", ge=-180, le=180)
    epicentre_lat: float = param(kind=float, unit="degrees north (EPSG:4326)", ge=-90, le=90)
    magnitude: float = param(kind=float, unit="Ms", ge=MAGNITUDE_RANGE[0], le=MAGNITUDE_RANGE[1])
    azimuth_deg: float = param(0.0, kind=float, unit="degrees from north", ge=0, lt=360)
    shelter_standard: str = param(
        "jinan_2024", kind=str, choices=_SHELTER_STANDARD_CHOICES,
        doc="per-capita standard of shelter capacity (jnrisk.shelters.STANDARDS); "
        "'allocation' uses allocation.m2_per_person",
    )

    def unused_options(self) -> dict[str, str]:
        """Scenario options this quake does not read, each with how to make it count.

        The shelter standard decides the area per person unless it is ``"allocation"``.
        """
        if self.shelter_standard == "allocation":
            return {}
        return {"allocation.m2_per_person": "set hazard.shelter_standard = 'allocation' to use it"}

    def __post_init__(self) -> None:
        validate_params(self)


@dataclass(frozen=True)
class FloodParams:
    """Design storm for waterlogging (docs/references.md#chicago-storm): return period, duration, peak ratio.

    ``peak_ratio`` is the Chicago-storm peak position r in (0, 1); 0.4 is a North China
    value [V: 0.3-0.4]. The storm sewers drain runoff up to their design storm:
    ``pipe_return_period_central_yr`` in the central districts, ``pipe_return_period_other_yr``
    elsewhere, at ``pipe_design_duration_min`` (``jnrisk.flood.drainage_capacity``).
    Unmapped DEM pits deeper than ``plausible_depth_m`` are filled before ponding, and deeper
    water outside mapped low points is flagged as a DEM artefact
    (``jnrisk.flood.condition_dem``).

    Examples
    --------
    >>> FloodParams(return_period_yr=50, duration_min=120).peak_ratio
    0.4
    """

    return_period_yr: float = param(kind=float, unit="years", ge=MIN_RETURN_PERIOD_YR, le=1000)
    duration_min: float = param(kind=float, unit="minutes", gt=0, le=4320,
                                multiple_of=STORM_STEP_MIN)
    peak_ratio: float = param(0.4, kind=float, unit="fraction", ge=PEAK_RATIO_RANGE[0],
                              le=PEAK_RATIO_RANGE[1])
    pipe_return_period_central_yr: float = param(3.0, kind=float, unit="years", ge=1, le=100)
    pipe_return_period_other_yr: float = param(2.0, kind=float, unit="years", ge=1, le=100)
    pipe_design_duration_min: float = param(20.0, kind=float, unit="minutes", gt=0, le=1440)
    plausible_depth_m: float = param(2.0, kind=float, unit="m", gt=0, le=20)

    def __post_init__(self) -> None:
        validate_params(self)


@dataclass(frozen=True)
class FireParams:
    """A fire-weather day and an ignition point (docs/references.md#fwi-van-wagner-1987): noon weather, ignition, horizon.

    The day's weather, ``rain_24h_mm`` included, sets the FFMC and so the fine-fuel moisture
    (rain above 0.5 mm wets the fine fuel). The limits are those of
    :data:`jnrisk.fire.weather.FWI_INPUT_RANGES` and ``FWI_LATITUDE_RANGE_DEG``.

    Examples
    --------
    >>> FireParams(ignition_lon=117.1, ignition_lat=36.5, temperature_c=18,
    ...            relative_humidity_pct=25, wind_speed_kmh=20).rain_24h_mm
    0.0
    """

    ignition_lon: float = param(kind=float, unit="degrees east (EPSG:4326)", ge=-180, le=180)
    ignition_lat: float = param(kind=float, unit="degrees north (EPSG:4326)",
                                ge=FWI_LATITUDE_RANGE_DEG[0], le=FWI_LATITUDE_RANGE_DEG[1])
    temperature_c: float = param(kind=float, unit="degC", ge=FWI_INPUT_RANGES["temp_c"][0],
                                 le=FWI_INPUT_RANGES["temp_c"][1])
    relative_humidity_pct: float = param(kind=float, unit="%", ge=FWI_INPUT_RANGES["rh_pct"][0],
                                         le=FWI_INPUT_RANGES["rh_pct"][1])
    wind_speed_kmh: float = param(kind=float, unit="km/h", ge=FWI_INPUT_RANGES["wind_kmh"][0],
                                  le=FWI_INPUT_RANGES["wind_kmh"][1])
    wind_from_deg: float = param(0.0, kind=float, unit="degrees from north", ge=0, lt=360)
    rain_24h_mm: float = param(0.0, kind=float, unit="mm", ge=FWI_INPUT_RANGES["rain_mm"][0],
                               le=FWI_INPUT_RANGES["rain_mm"][1])
    duration_min: float = param(240.0, kind=float, unit="minutes", gt=0, le=10080)

    def __post_init__(self) -> None:
        validate_params(self)


@dataclass(frozen=True)
class RescueParams:
    """An incident for rescue-force dispatch (docs/references.md#rescue-response-time): location and response target.

    Examples
    --------
    >>> RescueParams(incident_lon=117.0, incident_lat=36.67).max_response_s
    900.0
    """

    incident_lon: float = param(kind=float, unit="degrees east (EPSG:4326)", ge=-180, le=180)
    incident_lat: float = param(kind=float, unit="degrees north (EPSG:4326)", ge=-90, le=90)
    max_response_s: float = param(900.0, kind=float, unit="s", gt=0, le=86400)
    teams_required: int = param(1, kind=int, unit="teams", ge=1, le=1000)
    turnout_s: float = param(
        DEFAULT_TURNOUT_S, kind=float, unit="s", ge=0, le=MAX_TURNOUT_S,
        doc="time from the dispatch order to wheels rolling, added to every drive time",
    )
    period: str = param(
        "free_flow", kind=str, choices=tuple(_PERIODS),
        doc="time of day; sets the congestion factor on free-flow drive times",
    )

    def __post_init__(self) -> None:
        validate_params(self)


# --------------------------------------------------------------------------------------------
# Network changes and allocation options
# --------------------------------------------------------------------------------------------


def _tuple_of(where: str, value: Any, item_kind: type) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ConfigError(
            f"{where} must be a list of {item_kind.__name__}, got {type(value).__name__} "
            f"{value!r} (write [{value!r}] for one item)."
        )
    items = list(value)
    bad = [
        (i, v)
        for i, v in enumerate(items)
        if (
            isinstance(v, bool)
            or not isinstance(v, numbers.Integral if item_kind is int else item_kind)
            or (item_kind is int and v < 0)
            or (item_kind is str and not v.strip())
        )
    ]
    if bad:
        what = "non-negative whole numbers (edge ids)" if item_kind is int else "non-empty strings"
        raise ConfigError(f"{where} must hold {what}; bad item(s) at positions {bad[:5]}.")
    norm = [int(v) for v in items] if item_kind is int else list(items)
    dups = sorted({v for v in norm if norm.count(v) > 1}, key=str)
    if dups:
        raise ConfigError(f"{where} lists {dups[:5]} more than once; list each item once.")
    return tuple(sorted(norm, key=(lambda v: v) if item_kind is int else str))


@dataclass(frozen=True)
class NetworkChanges:
    """Road-network changes: closed roads (`edge_id` values) and closed bridges (road names).

    Lists are stored sorted, so the order in a file does not change the scenario id.

    Examples
    --------
    >>> NetworkChanges(closed_edges=[5, 2]).closed_edges
    (2, 5)
    """

    closed_edges: tuple[int, ...] = ()
    closed_bridges: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "closed_edges", _tuple_of("network.closed_edges", self.closed_edges, int)
        )
        object.__setattr__(
            self, "closed_bridges", _tuple_of("network.closed_bridges", self.closed_bridges, str)
        )


@dataclass(frozen=True)
class AllocationOptions:
    """Shelter allocation options: walking cutoff and effective shelter area per person.

    ``m2_per_person`` defaults to Jinan's policy value, 2.0 m²/person (docs/references.md#jinan-shelter-area).

    Examples
    --------
    >>> AllocationOptions().max_walk_m
    2500.0
    """

    max_walk_m: float = param(2500.0, kind=float, unit="m", gt=0, le=50_000)
    m2_per_person: float = param(
        JINAN_SHELTER_M2_PER_PERSON, kind=float, unit="m2 per person", ge=0.1, le=50
    )

    def __post_init__(self) -> None:
        validate_params(self)


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------

_SCENARIO_KEYS = [
    "name",
    "kind",
    "hazard",
    "network",
    "inventory_year",
    "allocation",
    "seed",
    "sweep_point",
]
_SEED_META = {"jnrisk_kind": int, "unit": "", "ge": 0, "le": 2**63 - 1}
_YEAR_META = {"jnrisk_kind": int, "unit": "", "choices": INVENTORY_YEARS}


def _plain(value: Any) -> Any:
    """Sweep-point values as plain JSON-able Python."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Scenario:
    """One scenario: a kind, its hazard parameters and the run options.

    Parameters
    ----------
    name
        Label for people (not part of the id).
    kind
        A registered kind, e.g. ``"flood"``, ``"quake"``, ``"synthetic_allocation"``.
    hazard
        An instance of the kind's parameter class (a dict is accepted and converted).
    network
        :class:`NetworkChanges` (or a dict).
    inventory_year
        Shelter inventory year, 2023 or 2024.
    allocation
        :class:`AllocationOptions` (or a dict).
    seed
        Seed for anything random in the run (``numpy.random.default_rng(seed)``).
    sweep_point
        ``((axis, value), ...)`` when the scenario came from a sweep; metadata, not part of
        the id.

    Examples
    --------
    >>> s = Scenario.from_dict({"name": "storm", "kind": "flood",
    ...                         "hazard": {"return_period_yr": 50, "duration_min": 120}})
    >>> s.hazard.return_period_yr, s.inventory_year
    (50.0, 2024)
    >>> Scenario.from_dict(s.to_dict()) == s
    True
    >>> len(s.scenario_id)
    12
    """

    name: str
    kind: str
    hazard: Any
    network: NetworkChanges = field(default_factory=NetworkChanges)
    inventory_year: int = 2024
    allocation: AllocationOptions = field(default_factory=AllocationOptions)
    seed: int = 0
    sweep_point: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ConfigError(f"scenario name must be a non-empty string, got {self.name!r}.")
        where = f"scenario {self.name!r}"
        spec = get_kind(self.kind)
        if isinstance(self.hazard, Mapping):
            object.__setattr__(
                self, "hazard", params_from_dict(spec.params_cls, self.hazard, where="hazard")
            )
        elif not isinstance(self.hazard, spec.params_cls):
            raise ConfigError(
                f"{where}: hazard must be a {spec.params_cls.__name__} (or a dict of its "
                f"fields) for kind {self.kind!r}, got {type(self.hazard).__name__}."
            )
        if isinstance(self.network, Mapping):
            object.__setattr__(
                self, "network", params_from_dict(NetworkChanges, self.network, where="network")
            )
        elif not isinstance(self.network, NetworkChanges):
            raise ConfigError(
                f"{where}: network must be a NetworkChanges or a dict, "
                f"got {type(self.network).__name__}."
            )
        if isinstance(self.allocation, Mapping):
            object.__setattr__(
                self,
                "allocation",
                params_from_dict(AllocationOptions, self.allocation, where="allocation"),
            )
        elif not isinstance(self.allocation, AllocationOptions):
            raise ConfigError(
                f"{where}: allocation must be an AllocationOptions or a dict, "
                f"got {type(self.allocation).__name__}."
            )
        object.__setattr__(
            self, "inventory_year", _check_scalar("inventory_year", self.inventory_year, _YEAR_META)
        )
        object.__setattr__(self, "seed", _check_scalar("seed", self.seed, _SEED_META))
        point = self.sweep_point
        if isinstance(point, Mapping):
            point = tuple(point.items())
        try:
            point = tuple((str(k), _freeze(v)) for k, v in point)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{where}: sweep_point must be ((axis, value), ...) or a dict, got {point!r}."
            ) from None
        object.__setattr__(self, "sweep_point", point)
        if spec.options is not None:
            self._check_options(spec.options, where)

    def _check_options(self, used: tuple[str, ...], where: str) -> None:
        """Options the kind's runner does not read must keep their defaults."""
        hints = getattr(self.hazard, "unused_options", dict)()
        used = tuple(name for name in used if name not in hints)
        unused = [
            f"{name} = {_plain(_option(self, name))!r}"
            for name in SCENARIO_OPTIONS
            if name not in used and _option(self, name) != _option_default(name)
        ]
        if unused:
            reads = f"only {', '.join(used)}" if used else "none of the scenario options"
            how = "".join(f" ({hints[n]})" for n in SCENARIO_OPTIONS
                          if n in hints and _option(self, n) != _option_default(n))
            raise ConfigError(
                f"{where}: kind {self.kind!r} does not use {', '.join(unused)} (its runner reads "
                f"{reads}); remove it{how}: it would change the scenario id but not the result."
            )

    # -- identity --------------------------------------------------------------------------

    def canonical_json(self) -> str:
        """Return the canonical JSON of the parameters (everything but ``name`` and ``sweep_point``)."""
        d = self.to_dict()
        d.pop("name")
        d.pop("sweep_point", None)
        d["_id_schema"] = _ID_SCHEMA
        return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    @property
    def scenario_id(self) -> str:
        """12 hex digits of the SHA-256 of :meth:`canonical_json` (stable across runs)."""
        return hashlib.sha256(self.canonical_json().encode("ascii")).hexdigest()[:12]

    # -- dict / TOML -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the plain-Python form (JSON- and TOML-able); ``from_dict`` inverts it."""
        d: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "hazard": params_to_dict(self.hazard),
            "network": params_to_dict(self.network),
            "inventory_year": self.inventory_year,
            "allocation": params_to_dict(self.allocation),
            "seed": self.seed,
        }
        if self.sweep_point:
            d["sweep_point"] = {k: _plain(v) for k, v in self.sweep_point}
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "scenario") -> Scenario:
        """Build and validate a scenario from a mapping (e.g. a parsed TOML table).

        Unknown keys raise ConfigError with a "did you mean"; a ``sweep`` table is expanded by
        :func:`jnrisk.scenarios.scenarios_from_dict`, not here.
        """
        if isinstance(data, Mapping) and "sweep" in data:
            raise ConfigError(
                f"{where}: has a 'sweep' table; expand it with "
                f"jnrisk.scenarios.scenarios_from_dict() or load_scenarios(path)."
            )
        _check_keys(data, _SCENARIO_KEYS, where, required=["name", "kind", "hazard"])
        kw = dict(data)
        if "sweep_point" in kw:
            kw["sweep_point"] = tuple(dict(kw["sweep_point"]).items())
        return cls(**kw)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Read a single-scenario TOML file (use ``load_scenarios`` for sweeps)."""
        return cls.from_dict(read_toml(path), where=str(path))


def _option(scenario: Scenario, name: str) -> Any:
    """Return the value of a scenario option (``"allocation.max_walk_m"``, ``"seed"``)."""
    section, _, key = name.rpartition(".")
    return getattr(getattr(scenario, section) if section else scenario, key)


def _option_default(name: str) -> Any:
    section, _, key = name.rpartition(".")
    if section:
        return getattr({"network": NetworkChanges, "allocation": AllocationOptions}[section](), key)
    return next(f.default for f in dataclasses.fields(Scenario) if f.name == key)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        raise TypeError("dict")
    return value
