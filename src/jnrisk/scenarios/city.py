"""The one per-process city cache of the scenario runners, the batch workers and the report.

A city is loaded once per process and kept with its walk and drive networks (built on first
use) in a :class:`CityContext`:

* :func:`load_city` returns ``loader(**args)``, loaded once per process and argument set
  (what batch workers call with the batch's ``city_loader``);
* :func:`city_context` returns the context of a city object (or of the bundled Jinan city
  for ``None``), so runners given the same city share its networks and cached results.

Both go through one small least-recently-used table, so memory stays bounded.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["CityContext", "city_context", "load_city", "load_jinan_context"]

#: Cities (with their networks) kept per process; the least recently used one is dropped.
MAX_CITIES = 4


class CityContext:
    """A city with its walk and drive networks, each built on first use and then shared.

    Examples
    --------
    >>> ctx = CityContext({"factor": 2})
    >>> ctx.city["factor"], ctx.cache
    (2, {})
    """

    def __init__(self, city: Any, walk: Any = None, drive: Any = None) -> None:
        self.city = city
        self._nets = {"walk": walk, "drive": drive}
        self._lock = threading.RLock()
        self.cache: dict[Any, Any] = {}  # results shared by scenarios (base allocations)

    def _net(self, mode: str) -> Any:
        with self._lock:
            if self._nets[mode] is None:
                from jnrisk.network import network_from_roads

                self._nets[mode] = network_from_roads(self.city.roads, mode=mode)
            return self._nets[mode]

    @property
    def walk(self) -> Any:
        """Walk network (undirected, pedestrians only where allowed)."""
        return self._net("walk")

    @property
    def drive(self) -> Any:
        """Drive network (one-way streets, ``time_s``)."""
        return self._net("drive")


_CONTEXTS: OrderedDict[tuple[str, Any], CityContext] = OrderedDict()
_LOCK = threading.RLock()


def _remember(key: tuple[str, Any], ctx: CityContext) -> CityContext:
    _CONTEXTS[key] = ctx
    _CONTEXTS.move_to_end(key)
    while len(_CONTEXTS) > MAX_CITIES:
        _CONTEXTS.popitem(last=False)
    return ctx


def _loader_key(loader: Callable[..., Any], args: Mapping[str, Any]) -> tuple[str, str]:
    name = f"{getattr(loader, '__module__', '?')}.{getattr(loader, '__qualname__', repr(loader))}"
    return ("loader", name + ":" + json.dumps(dict(args), sort_keys=True, default=repr))


def _loaded_context(loader: Callable[..., Any], args: Mapping[str, Any]) -> CityContext:
    key = _loader_key(loader, args)
    with _LOCK:
        ctx = _CONTEXTS.get(key)
        if ctx is None:
            ctx = CityContext(loader(**args))
        return _remember(key, ctx)


def load_city(loader: Callable[..., Any] | None, args: Mapping[str, Any] | None = None) -> Any:
    """Return ``loader(**args)``, loaded once per process and cached by loader and arguments.

    ``None`` as loader gives ``None`` (runners that need no city). The city keeps its
    :class:`CityContext`, so :func:`city_context` on the returned object finds its networks.

    Examples
    --------
    >>> def loader(factor=1):
    ...     return {"factor": factor}
    >>> load_city(loader, {"factor": 3}) is load_city(loader, {"factor": 3})
    True
    >>> load_city(None) is None
    True
    """
    if loader is None:
        return None
    return _loaded_context(loader, dict(args or {})).city


def load_jinan_context(year: int = 2024) -> CityContext:
    """Load the bundled Jinan city (shelter inventory ``year``) and its networks, once per process.

    Examples
    --------
    >>> load_jinan_context(2024) is load_jinan_context(2024)
    True
    """
    from jnrisk.datasets import jinan

    return _loaded_context(jinan, {"year": int(year)})


def city_context(city: Any = None) -> CityContext:
    """Return the :class:`CityContext` of ``city``, created once per city object and process.

    ``city`` may be a :class:`CityContext` (returned as is), a city object such as
    :class:`jnrisk.datasets.JinanCity`, or ``None`` (the bundled Jinan city, 2024 inventory).

    Examples
    --------
    >>> city = {"name": "toy"}
    >>> city_context(city) is city_context(city)
    True
    >>> ctx = city_context(city)
    >>> city_context(ctx) is ctx
    True
    """
    if city is None:
        return load_jinan_context()
    if isinstance(city, CityContext):
        return city
    with _LOCK:
        for key, ctx in _CONTEXTS.items():
            if ctx.city is city:
                return _remember(key, ctx)
        return _remember(("object", id(city)), CityContext(city))
