"""Built-in scenario kind ``"synthetic_allocation"``: a small, real, seeded allocation run.

It needs no city data, so it exercises the whole batch machinery (dispatch, outputs, resume,
collection) end to end in seconds. For a seed it builds a square
grid road network (edge lengths jittered 0-40 % above the grid spacing, as detours), drops
population blocks and shelters on random nodes, computes walking distances with
``scipy.sparse.csgraph.dijkstra`` (bounded by ``allocation.max_walk_m``) and assigns people
greedily, nearest pair first, within shelter capacity
(``capacity_persons = floor(effective_area_m2 / allocation.m2_per_person)``).
Whoever cannot be placed is reported as unserved, never as an error.

``network.closed_edges`` removes grid edges by id (ids run over horizontal edges row by row,
then vertical edges); an id outside the grid is a :class:`~jnrisk._errors.DataError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from jnrisk._errors import DataError
from jnrisk.scenarios.config import param, validate_params
from jnrisk.scenarios.registry import ScenarioResult
from jnrisk.units import ANALYSIS_CRS, JINAN_SHELTER_M2_PER_PERSON

__all__ = [
    "SyntheticAllocationParams",
    "grid_edges",
    "run_synthetic_allocation",
    "solve_instance",
    "synthetic_instance",
]

#: Grid origin in EPSG:4548 metres (near Quancheng Square, Jinan).
_ORIGIN_X_M = 497_000.0
_ORIGIN_Y_M = 4_056_000.0


@dataclass(frozen=True)
class SyntheticAllocationParams:
    """Parameters of the synthetic allocation kind.

    Examples
    --------
    >>> SyntheticAllocationParams().grid_size
    15
    """

    grid_size: int = param(15, kind=int, unit="nodes per side", ge=2, le=300)
    spacing_m: float = param(250.0, kind=float, unit="m", gt=0, le=10_000)
    n_blocks: int = param(60, kind=int, unit="blocks", ge=1, le=100_000)
    n_shelters: int = param(5, kind=int, unit="shelters", ge=1, le=10_000)
    persons_mean: float = param(400.0, kind=float, unit="persons per block", ge=0, le=1e6)
    shelter_area_m2_mean: float = param(8000.0, kind=float, unit="m2", ge=0, le=1e8)

    def __post_init__(self) -> None:
        validate_params(self)
        n_nodes = self.grid_size**2
        if self.n_shelters > n_nodes:
            from jnrisk._errors import ConfigError

            raise ConfigError(
                f"SyntheticAllocationParams.n_shelters = {self.n_shelters} exceeds the "
                f"{n_nodes} grid nodes (grid_size = {self.grid_size}); lower n_shelters or "
                f"raise grid_size."
            )


def grid_edges(grid_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(u, v)`` node ids of a ``grid_size`` x ``grid_size`` grid, in edge-id order.

    Examples
    --------
    >>> u, v = grid_edges(2)
    >>> list(zip(u.tolist(), v.tolist()))
    [(0, 1), (2, 3), (0, 2), (1, 3)]
    """
    n = grid_size
    ids = np.arange(n * n, dtype=np.int64).reshape(n, n)
    hu, hv = ids[:, :-1].ravel(), ids[:, 1:].ravel()
    vu, vv = ids[:-1, :].ravel(), ids[1:, :].ravel()
    return np.concatenate([hu, vu]), np.concatenate([hv, vv])


def _greedy_assign(
    dist_m: np.ndarray, demand: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nearest-pair-first assignment. ``dist_m`` is (blocks, shelters), inf = out of reach."""
    b_idx, s_idx = np.nonzero(np.isfinite(dist_m))
    d = dist_m[b_idx, s_idx]
    order = np.lexsort((s_idx, b_idx, d))  # by distance, ties by block then shelter
    left_d = demand.astype(np.int64).copy()
    left_c = capacity.astype(np.int64).copy()
    rows_b, rows_s, rows_p, rows_d = [], [], [], []
    for k in order:
        b, s = b_idx[k], s_idx[k]
        x = min(left_d[b], left_c[s])
        if x > 0:
            left_d[b] -= x
            left_c[s] -= x
            rows_b.append(b)
            rows_s.append(s)
            rows_p.append(x)
            rows_d.append(d[k])
    return (
        np.asarray(rows_b, dtype=np.int64),
        np.asarray(rows_s, dtype=np.int64),
        np.asarray(rows_p, dtype=np.int64),
        np.asarray(rows_d, dtype=np.float64),
    )


def synthetic_instance(
    p: SyntheticAllocationParams,
    *,
    seed: int,
    closed_edges: tuple[int, ...] = (),
    m2_per_person: float = JINAN_SHELTER_M2_PER_PERSON,
    name: str = "synthetic",
) -> dict[str, np.ndarray]:
    """Draw the seeded instance: grid edges (open ones), blocks, shelters and capacities.

    Returns arrays ``u``, ``v``, ``length_m`` (open edges), ``n_nodes``, ``block_node``,
    ``persons``, ``shelter_node``, ``area_m2``, ``capacity`` (persons).

    Examples
    --------
    >>> inst = synthetic_instance(SyntheticAllocationParams(grid_size=5), seed=1)
    >>> int(inst["n_nodes"]), inst["persons"].size == inst["block_node"].size
    (25, True)
    """
    rng = np.random.default_rng(seed)
    n = p.grid_size
    n_nodes = n * n
    u, v = grid_edges(n)
    length_m = p.spacing_m * rng.uniform(1.0, 1.4, size=u.size)
    closed = np.asarray(closed_edges, dtype=np.int64)
    bad = closed[closed >= u.size]
    if bad.size:
        raise DataError(
            f"scenario {name!r}: network.closed_edges {bad[:5].tolist()} do not exist; "
            f"the {n}x{n} grid has edge ids 0..{u.size - 1}."
        )
    keep = np.ones(u.size, dtype=bool)
    keep[closed] = False
    block_node = rng.integers(0, n_nodes, size=p.n_blocks)
    persons = rng.poisson(p.persons_mean, size=p.n_blocks).astype(np.int64)
    shelter_node = rng.choice(n_nodes, size=p.n_shelters, replace=False)
    area_m2 = rng.uniform(0.5, 1.5, size=p.n_shelters) * p.shelter_area_m2_mean
    capacity = np.floor(area_m2 / m2_per_person).astype(np.int64)
    return {
        "u": u[keep],
        "v": v[keep],
        "length_m": length_m[keep],
        "n_nodes": np.int64(n_nodes),
        "block_node": block_node,
        "persons": persons,
        "shelter_node": shelter_node,
        "area_m2": area_m2,
        "capacity": capacity,
    }


def solve_instance(
    inst: dict[str, np.ndarray], *, max_walk_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Compute walking distances (scipy Dijkstra, bounded) and the greedy assignment.

    Returns ``(block, shelter, persons, walk_m)`` arrays, one entry per assignment.

    Examples
    --------
    >>> inst = synthetic_instance(SyntheticAllocationParams(grid_size=5), seed=1)
    >>> block, shelter, persons, walk_m = solve_instance(inst, max_walk_m=1000.0)
    >>> bool(persons.sum() <= inst["persons"].sum()), bool((walk_m <= 1000.0).all())
    (True, True)
    """
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import dijkstra

    n_nodes = int(inst["n_nodes"])
    graph = coo_array(
        (inst["length_m"], (inst["u"], inst["v"])), shape=(n_nodes, n_nodes)
    ).tocsr()
    d_sn = dijkstra(graph, directed=False, indices=inst["shelter_node"], limit=max_walk_m)
    dist_bs = d_sn[:, inst["block_node"]].T  # (blocks, shelters)
    return _greedy_assign(dist_bs, inst["persons"], inst["capacity"])


def _with_crs(raster: Any) -> Any:
    import rioxarray  # noqa: F401  (registers the .rio accessor)

    return raster.rio.write_crs(ANALYSIS_CRS)


def run_synthetic_allocation(scenario: Any, city: Any = None) -> ScenarioResult:
    """Run one ``synthetic_allocation`` scenario (``city`` is ignored).

    Returns metrics ``total_persons``, ``served_persons``, ``unserved_persons``,
    ``served_pct``, ``capacity_persons``, ``mean_walk_m``, ``shelters_used``; the table
    ``assignments``; the layers ``blocks`` and ``shelters`` (EPSG:4548); the raster
    ``unserved_persons`` (persons per cell of 4 x 4 grid spacings).

    Examples
    --------
    >>> from jnrisk.scenarios import Scenario
    >>> s = Scenario.from_dict({"name": "t", "kind": "synthetic_allocation", "hazard": {},
    ...                         "seed": 3})
    >>> r = run_synthetic_allocation(s)
    >>> r.metrics["served_persons"] + r.metrics["unserved_persons"] == r.metrics["total_persons"]
    True
    """
    import geopandas as gpd
    import pandas as pd
    import xarray as xr

    p: SyntheticAllocationParams = scenario.hazard
    inst = synthetic_instance(
        p,
        seed=scenario.seed,
        closed_edges=scenario.network.closed_edges,
        m2_per_person=scenario.allocation.m2_per_person,
        name=scenario.name,
    )
    n = p.grid_size
    n_nodes = n * n
    block_node, persons = inst["block_node"], inst["persons"]
    shelter_node, area_m2, capacity = inst["shelter_node"], inst["area_m2"], inst["capacity"]
    ab, ash, ap, ad = solve_instance(inst, max_walk_m=scenario.allocation.max_walk_m)

    served_b = np.bincount(ab, weights=ap, minlength=p.n_blocks).astype(np.int64)
    load_s = np.bincount(ash, weights=ap, minlength=p.n_shelters).astype(np.int64)
    unserved_b = persons - served_b
    total = int(persons.sum())
    served = int(served_b.sum())

    xy = np.stack(np.divmod(np.arange(n_nodes), n), axis=1)  # (row, col)
    node_x = _ORIGIN_X_M + xy[:, 1] * p.spacing_m
    node_y = _ORIGIN_Y_M + xy[:, 0] * p.spacing_m
    blocks = gpd.GeoDataFrame(
        {
            "block_id": np.arange(p.n_blocks),
            "node": block_node,
            "persons": persons,
            "served_persons": served_b,
            "unserved_persons": unserved_b,
        },
        geometry=gpd.points_from_xy(node_x[block_node], node_y[block_node]),
        crs=ANALYSIS_CRS,
    )
    shelters = gpd.GeoDataFrame(
        {
            "shelter_id": np.arange(p.n_shelters),
            "node": shelter_node,
            "effective_area_m2": area_m2,
            "capacity_persons": capacity,
            "load_persons": load_s,
        },
        geometry=gpd.points_from_xy(node_x[shelter_node], node_y[shelter_node]),
        crs=ANALYSIS_CRS,
    )
    assignments = pd.DataFrame(
        {"block_id": ab, "shelter_id": ash, "persons": ap, "walk_m": ad}
    )

    cell_m = 4 * p.spacing_m
    n_cells = max(1, int(np.ceil(n * p.spacing_m / cell_m)))
    edges_x = _ORIGIN_X_M + np.arange(n_cells + 1) * cell_m
    edges_y = _ORIGIN_Y_M + np.arange(n_cells + 1) * cell_m
    grid, _, _ = np.histogram2d(
        node_y[block_node], node_x[block_node], bins=[edges_y, edges_x], weights=unserved_b
    )
    raster = xr.DataArray(
        grid,
        dims=("y", "x"),
        coords={"y": edges_y[:-1] + cell_m / 2, "x": edges_x[:-1] + cell_m / 2},
        name="unserved_persons",
        attrs={"units": "persons", "cell_size_m": cell_m},
    )
    raster = _with_crs(raster)

    metrics = {
        "total_persons": total,
        "served_persons": served,
        "unserved_persons": total - served,
        "served_pct": 100.0 * served / total if total else 100.0,
        "capacity_persons": int(capacity.sum()),
        "mean_walk_m": float(np.average(ad, weights=ap)) if ap.sum() else float("nan"),
        "shelters_used": int((load_s > 0).sum()),
    }
    return ScenarioResult(
        metrics=metrics,
        tables={"assignments": assignments},
        layers={"blocks": blocks, "shelters": shelters},
        rasters={"unserved_persons": raster},
    )
