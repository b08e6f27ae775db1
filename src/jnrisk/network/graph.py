"""The routable road network: read-only CSR arrays and the queries on them.

A :class:`RoadNetwork` stores directed arcs in compressed sparse row form: the arcs leaving
node ``u`` are ``indptr[u]:indptr[u+1]``, their heads ``indices[...]`` and lengths
``weight_m[...]`` (metres). Walk networks are undirected (two arcs per road), drive networks
respect one-way streets and carry a travel time ``time_s`` per arc.
"""

from __future__ import annotations

import dataclasses
import numbers
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from jnrisk._errors import ConfigError, DataError, SchemaError, SolverError
from jnrisk._validate import Problems, describe_rows, metric_crs
from jnrisk.network import _kernels
from jnrisk.network._checks import HasCRS, check_not_degrees, check_option, readonly
from jnrisk.network._csr import csr_from_arcs
from jnrisk.network._order import source_order

__all__ = ["RoadNetwork", "MODES", "SOURCES", "require_network"]

#: Travel modes: ``"walk"`` (undirected, every road both ways) and ``"drive"`` (one-way
#: streets respected). ``None`` on a network whose mode is not known (raw CSR arrays).
MODES = ("walk", "drive")
#: Where a network came from: ``"roads"`` (a roads GeoDataFrame or an OSM extract) or
#: ``"csr"`` (raw arrays through :meth:`RoadNetwork.from_csr`).
SOURCES = ("roads", "csr")
_WEIGHTS = ("weight_m", "time_s")
#: A source's breadth-first phase may scan ``SCAN_BUDGET * reached + SCAN_SLACK`` nodes
#: before it turns into Dijkstra. Walk networks rescan ~4 % (2x faster than Dijkstra); drive
#: networks with mixed speeds rescan more and gain little, 1.5 keeps them no slower.
SCAN_BUDGET = 1.5
SCAN_SLACK = 256


@dataclass(frozen=True, eq=False, repr=False)
class RoadNetwork:
    """A routable road network stored as read-only CSR arrays (arcs).

    Build it with :func:`network_from_roads`, :func:`network_from_osm` or
    :meth:`RoadNetwork.from_csr`; do not call the constructor directly.

    Attributes
    ----------
    indptr, indices : int64 arrays
        CSR adjacency: arcs ``indptr[u]:indptr[u+1]`` leave node ``u`` towards ``indices``.
    weight_m : float64 array
        Arc length [m], >= 0.
    time_s : float64 array or None
        Arc travel time [s] (drive: length / speed; walk: length / walking speed).
    x, y : float64 arrays or None
        Node coordinates in ``crs`` [m].
    crs : pyproj.CRS or None
        Metric CRS of ``x``/``y``.
    mode : {"walk", "drive"} or None
        Travel mode: ``"walk"`` networks are symmetric (every arc has its reverse with the
        same weights), ``"drive"`` ones respect one-way streets; ``None`` when not known
        (:meth:`from_csr` without ``mode``), treated as directed.
    node_id : int64 array
        Original node id per node (the roads' ``u``/``v`` ids).
    arc_edge : int64 array
        Input "edge" of each arc: the road row position for networks built from roads, the
        arc's own position for :meth:`from_csr` (closures then index arcs directly). A
        :meth:`reversed` network keeps the edges of the arcs it turned around.
    n_edges : int
        Number of input edges (length of a ``closed_edges`` mask).
    build_info : mapping
        Build statistics (dropped rows, self-loops, parallel arcs, build time [s]).
    source : {"roads", "csr"}
        Where the network came from: roads (:func:`network_from_roads`,
        :func:`network_from_osm`) or raw arrays (:meth:`from_csr`).
    is_reversed : bool
        True for a network made by :meth:`reversed` (every arc turned around).
    """

    indptr: np.ndarray
    indices: np.ndarray
    weight_m: np.ndarray
    time_s: np.ndarray | None
    x: np.ndarray | None
    y: np.ndarray | None
    crs: Any
    mode: str | None
    node_id: np.ndarray
    arc_edge: np.ndarray
    n_edges: int
    build_info: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    source: str = "roads"
    is_reversed: bool = False

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_csr(
        cls,
        indptr: Any,
        indices: Any,
        weight_m: Any,
        *,
        x: Any = None,
        y: Any = None,
        crs: Any = None,
        time_s: Any = None,
        mode: str | None = None,
    ) -> RoadNetwork:
        """Build a network from raw CSR arrays (directed arcs; copies the inputs).

        Parameters
        ----------
        indptr : array of int, length n_nodes + 1
            Non-decreasing, ``indptr[0] == 0`` and ``indptr[-1] == len(indices)``.
        indices : array of int
            Head node of each arc, in ``0..n_nodes-1``.
        weight_m : array of float
            Arc length [m], finite and >= 0. Parallel arcs are allowed (the shortest wins).
        x, y : arrays of float, optional
            Node coordinates [m] in ``crs`` (needed by :func:`snap_points`).
        crs : optional
            A projected metric CRS for ``x``/``y``.
        time_s : array of float, optional
            Arc travel time [s], finite and >= 0.
        mode : {"walk", "drive"}, optional
            Travel mode, if known. ``"walk"`` declares the arcs symmetric (checked: every
            arc needs a reverse arc of the same length), which lets queries skip reversing.

        Returns
        -------
        RoadNetwork
            With ``source == "csr"``, ``arc_edge == arange(n_arcs)`` and
            ``n_edges == n_arcs`` (closures index arcs directly).

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [10.0, 5.0])
        >>> net.n_nodes, net.n_arcs
        (3, 2)
        >>> net.distances([0]).toarray()
        array([[ 0., 10., 15.]])
        """
        start = time.perf_counter()
        indptr_a, indices_a, weight_a, xa, ya = _check_csr_arrays(
            indptr, indices, weight_m, time_s, x, y
        )
        n = indptr_a.size - 1
        if mode is not None:
            check_option(mode, MODES, name="mode")
        crs_obj = None
        if crs is not None:
            crs_obj = metric_crs(HasCRS(crs), name="RoadNetwork.from_csr crs")
            if xa is not None:
                check_not_degrees(xa, ya, name="RoadNetwork.from_csr x/y", crs=crs_obj)
        n_arcs = indices_a.size
        net = cls(
            indptr=readonly(indptr_a, np.int64),
            indices=readonly(indices_a, np.int64),
            weight_m=readonly(weight_a, np.float64),
            time_s=readonly(time_s, np.float64),
            x=readonly(xa, np.float64),
            y=readonly(ya, np.float64),
            crs=crs_obj,
            mode=mode,
            node_id=readonly(np.arange(n), np.int64),
            arc_edge=readonly(np.arange(n_arcs), np.int64),
            n_edges=int(n_arcs),
            build_info=MappingProxyType({"build_time_s": time.perf_counter() - start}),
            source="csr",
        )
        if mode == "walk":
            net._check_symmetric()
        return net

    # ------------------------------------------------------------------ sizes
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.indptr.size - 1)

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return int(self.indices.size)

    def __repr__(self) -> str:
        crs = self.crs.to_string() if self.crs is not None else None
        rev = ", reversed" if self.is_reversed else ""
        return (
            f"RoadNetwork(mode={self.mode!r}, source={self.source!r}{rev}, "
            f"n_nodes={self.n_nodes:,}, n_arcs={self.n_arcs:,}, crs={crs!r})"
        )

    @property
    def is_symmetric(self) -> bool:
        """True for walk networks: the cost from a to b equals the cost from b to a."""
        return self.mode == "walk"

    def _check_symmetric(self) -> None:
        a = self.to_scipy()
        b = self.to_scipy(transpose=True)
        diff = a != b
        if diff.nnz:
            r = np.flatnonzero(np.diff(diff.tocsr().indptr))
            raise DataError(
                f"RoadNetwork.from_csr: mode='walk' needs every arc to have a reverse arc of "
                f"the same length, but nodes {describe_rows(r)} have one-way or unequal arcs; "
                f"add the reverse arcs or leave mode unset (directed)."
            )

    # ------------------------------------------------------------------ helpers
    def _weights(self, weight: str) -> np.ndarray:
        check_option(weight, _WEIGHTS, name="weight")
        if weight == "time_s":
            if self.time_s is None:
                raise ConfigError(
                    "weight='time_s' but this network has no travel times (built with "
                    "from_csr without time_s); use weight='weight_m' or pass time_s=."
                )
            return self.time_s
        return self.weight_m

    def closed_arcs(self, closed_edges: Any) -> np.ndarray:
        """Per-arc closure flags (length ``n_arcs``) from closed edges.

        Parameters
        ----------
        closed_edges : bool mask of length ``n_edges``, int array of edge positions, or None
            Closed road rows (positions, not ``edge_id`` values) for networks built from
            roads; closed arcs for :meth:`from_csr` networks.

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [2, 0], [10.0, 5.0])  # 0->2, 1->0
        >>> net.closed_arcs([1]).tolist(), net.reversed().closed_arcs([1]).tolist()
        ([False, True], [True, False])
        """
        closed = self._arc_closed(closed_edges)
        if closed.size == 0:
            return np.zeros(self.n_arcs, dtype=np.bool_)
        return closed

    def _arc_closed(self, closed_edges: Any) -> np.ndarray:
        """Per-arc closure flags, or an empty array when nothing is closed (kernel input)."""
        if closed_edges is None:
            return np.zeros(0, dtype=np.bool_)
        c = np.asarray(closed_edges)
        if c.dtype == np.bool_:
            if c.shape != (self.n_edges,):
                raise DataError(
                    f"closed_edges is a boolean mask of shape {c.shape} but the network was "
                    f"built from {self.n_edges:,} road rows; give one flag per input road row "
                    f"(or an array of closed row positions)."
                )
            edge_closed = c
        else:
            if c.size and not np.issubdtype(c.dtype, np.integer):
                raise SchemaError(
                    f"closed_edges has dtype {c.dtype}; give a boolean mask of length "
                    f"{self.n_edges:,} or an integer array of road row positions."
                )
            c = c.astype(np.int64).ravel()
            bad = np.flatnonzero((c < 0) | (c >= self.n_edges))
            if bad.size:
                raise DataError(
                    f"closed_edges holds positions outside 0..{self.n_edges - 1} at "
                    f"{describe_rows(bad)} (e.g. {c[bad[0]]}); positions are row positions "
                    f"(iloc) in the input roads, not edge_id values."
                )
            edge_closed = np.zeros(self.n_edges, dtype=np.bool_)
            edge_closed[c] = True
        return edge_closed[self.arc_edge]

    def _sources(self, sources: Any, name: str = "sources") -> np.ndarray:
        """Node indices (a 1-D int64 array) checked against ``0..n_nodes-1``."""
        s = np.asarray(sources)
        if s.ndim == 0:
            s = s.reshape(1)
        if s.ndim != 1 or (s.size and not np.issubdtype(s.dtype, np.integer)):
            raise SchemaError(
                f"{name} has dtype {s.dtype} and shape {s.shape}; give node indices (a 1-D "
                f"int array, 0..{self.n_nodes - 1}), e.g. snap_points(net, shelters).node."
            )
        s = s.astype(np.int64)
        bad = np.flatnonzero((s < 0) | (s >= self.n_nodes))
        if bad.size:
            raise DataError(
                f"{name} hold node indices outside 0..{self.n_nodes - 1} at "
                f"{describe_rows(bad)} (e.g. {s[bad[0]]}); these are node positions, not "
                f"node_id values (map ids with np.searchsorted(net.node_id, ids))."
            )
        return s

    @staticmethod
    def _cutoff(cutoff_m: Any, name: str = "cutoff_m") -> float:
        if not isinstance(cutoff_m, numbers.Real) or isinstance(cutoff_m, bool | np.bool_):
            raise ConfigError(
                f"{name}={cutoff_m!r}; give a number >= 0 (metres, or seconds for "
                f"weight='time_s'; np.inf for no limit)."
            )
        c = float(cutoff_m)
        if np.isnan(c) or c < 0:
            raise DataError(f"{name} is {c}; it must be >= 0 (np.inf for no limit).")
        return c

    # ------------------------------------------------------------------ queries
    def distances(
        self,
        sources: Any,
        cutoff_m: float = np.inf,
        *,
        weight: str = "weight_m",
        closed_edges: Any = None,
        sort_indices: bool = False,
        n_threads: int | None = None,
        method: str = "auto",
    ):
        """Shortest-path distances from each source to every node within ``cutoff_m``.

        Parameters
        ----------
        sources : array of int
            Source node indices (``0..n_nodes-1``; duplicates allowed).
        cutoff_m : float
            Keep nodes at distance ``<= cutoff_m`` (unit of ``weight``: m, or s for
            ``"time_s"``). Same semantics as ``scipy.sparse.csgraph.dijkstra(limit=)``.
        weight : {"weight_m", "time_s"}
            Arc weight to minimise.
        closed_edges : bool mask of length ``n_edges`` or int array of road row positions
            Roads closed for this query (both arcs of a road are blocked).
        sort_indices : bool
            Sort each row's columns by node index (canonical CSR). By default a row lists
            its nodes in the order the search found them; scipy sorts lazily when an
            operation needs it.
        n_threads : int, optional
            Threads running source chunks in parallel (default ``numba.get_num_threads()``).
        method : {"auto", "dijkstra"}
            ``"auto"``: per source, FIFO label-correcting that turns into Dijkstra if it
            rescans too many nodes (exact; ~2x faster on road networks). ``"dijkstra"``:
            Dijkstra from the start. Both give the same distances.

        Returns
        -------
        scipy.sparse.csr_matrix
            Shape ``(len(sources), n_nodes)``, float64, rows in the order of ``sources``.
            Only reached nodes are stored; each source's own node is an
            explicit zero (as is any node reached at distance 0).

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 2, 3], [1, 2, 0], [100.0, 200.0, 50.0])
        >>> d = net.distances([0, 2], cutoff_m=150.0, sort_indices=True)
        >>> d.toarray()
        array([[  0., 100.,   0.],
               [ 50., 150.,   0.]])
        >>> d.nnz  # nodes 0, 1 from source 0; nodes 0, 1, 2 (explicit 0) from source 2
        5
        """
        import scipy.sparse as sp

        w = self._weights(weight)
        s = self._sources(sources)
        cutoff = self._cutoff(cutoff_m)
        closed = self._arc_closed(closed_edges)
        if n_threads is None:
            import numba

            n_threads = numba.get_num_threads()
        n_threads = max(1, int(n_threads))
        budget, slack = _scan_budget(method)
        # Sources run in spatial order: consecutive searches then overlap and find the
        # network's arrays already in cache (measured ~1.6x on the bundled network).
        order = source_order(s, self.x, self.y)
        s_run = s[order]
        n_chunks = min(s.size, 4 * n_threads) if n_threads > 1 else 1
        chunks = np.array_split(s_run, max(n_chunks, 1))
        col_proto = np.empty(0, np.int32 if self.n_nodes < 2**31 - 1 else np.int64)

        def run(chunk: np.ndarray):
            return _kernels.bounded_rows(
                self.indptr, self.indices, w, closed, chunk, cutoff, bool(sort_indices),
                col_proto, budget, slack,
            )

        pool = ThreadPoolExecutor(n_threads) if n_threads > 1 and len(chunks) > 1 else None
        each = pool.map if pool is not None else map
        try:
            results = list(each(run, chunks))
            for _, _, _, status in results:
                if status != _kernels.STATUS_OK:
                    raise SolverError(
                        f"bounded search failed: {_kernels.STATUS_MESSAGES.get(status, status)}"
                    )
            counts = np.zeros(s.size, dtype=np.int64)
            if results:
                counts[order] = np.concatenate([r[0] for r in results])
            indptr = np.zeros(s.size + 1, dtype=np.int64)
            np.cumsum(counts, out=indptr[1:])
            nnz = int(indptr[-1])
            if nnz < 2**31 - 1:
                indptr = indptr.astype(np.int32)  # scipy's own choice: no copy in csr_matrix
            cols = np.empty(nnz, dtype=np.result_type(col_proto.dtype, indptr.dtype))
            vals = np.empty(nnz, dtype=np.float64)
            firsts = np.cumsum([0] + [r[0].size for r in results])

            def scatter(i: int) -> None:  # rows back into the order of `sources`
                counts_c, cols_c, vals_c, _ = results[i]
                dst = indptr[order[firsts[i]:firsts[i + 1]]].astype(np.int64)
                _kernels.scatter_rows(counts_c, cols_c, vals_c, dst, cols, vals)

            list(each(scatter, range(len(results))))
        finally:
            if pool is not None:
                pool.shutdown()
        out = sp.csr_matrix((vals, cols, indptr), shape=(s.size, self.n_nodes))
        out.has_sorted_indices = bool(sort_indices) or out.nnz == s.size
        return out

    def nearest_source(
        self,
        sources: Any,
        cutoff_m: float = np.inf,
        *,
        weight: str = "weight_m",
        closed_edges: Any = None,
        method: str = "auto",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Label every node with its nearest source (one multi-source search).

        Parameters
        ----------
        sources : array of int
            Source node indices (duplicates allowed: the first occurrence wins).
        cutoff_m : float
            Nodes farther than this (``> cutoff_m``) get no source.
        weight : {"weight_m", "time_s"}
            Arc weight to minimise.
        closed_edges : bool mask or int positions, optional
            As in :meth:`distances`.
        method : {"auto", "dijkstra"}
            As in :meth:`distances`; both give the same labels and distances.

        Returns
        -------
        nearest : int64[n_nodes]
            Index into ``sources`` of the nearest source (ties: the smallest index), ``-1``
            where none is within ``cutoff_m``.
        dist : float64[n_nodes]
            Distance to it, ``inf`` where none.

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 3, 4], [1, 0, 2, 1], [1.0, 1.0, 1.0, 1.0])
        >>> nearest, dist = net.nearest_source([2, 0])
        >>> nearest.tolist(), dist.tolist()
        ([1, 0, 0], [0.0, 1.0, 0.0])
        """
        w = self._weights(weight)
        s = self._sources(sources)
        cutoff = self._cutoff(cutoff_m)
        closed = self._arc_closed(closed_edges)
        budget, slack = _scan_budget(method)
        label, dist, status = _kernels.nearest_source_labels(
            self.indptr, self.indices, w, closed, s, cutoff, budget, slack
        )
        if status != _kernels.STATUS_OK:
            raise SolverError(
                f"nearest-source labelling failed: {_kernels.STATUS_MESSAGES.get(status)}"
            )
        return label, dist

    def reversed(self) -> RoadNetwork:
        """Return the network with every arc turned around (for "cost TO the sources").

        ``distances``/``nearest_source`` measure from the sources along the arcs. On a
        drive network, the trip from every node *to* a facility (residents driving to a
        shelter) is a search from the facility on the reversed network. ``arc_edge`` is
        carried along, so ``closed_edges`` keep naming the same roads (or, for
        :meth:`from_csr` networks, the original arcs); nodes, ``node_id`` and coordinates
        are the same. Reversing twice gives the original arcs back.

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 1], [1], [4.0])  # one arc 0 -> 1
        >>> net.distances([1]).toarray(), net.reversed().distances([1]).toarray()
        (array([[0., 0.]]), array([[4., 0.]]))
        """
        n = self.n_nodes
        tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.indptr))
        indptr, order = csr_from_arcs(self.indices, n, keys=(tail,))  # new tail = old head
        return dataclasses.replace(
            self,
            indptr=readonly(indptr, np.int64),
            indices=readonly(tail[order], np.int64),
            weight_m=readonly(self.weight_m[order], np.float64),
            time_s=readonly(None if self.time_s is None else self.time_s[order], np.float64),
            arc_edge=readonly(self.arc_edge[order], np.int64),
            is_reversed=not self.is_reversed,
        )

    def to_scipy(
        self, weight: str = "weight_m", *, closed_edges: Any = None, transpose: bool = False
    ):
        """Return the arcs as an ``n_nodes x n_nodes`` ``scipy.sparse.csr_matrix``.

        Parallel arcs are reduced to the smallest weight and closed arcs removed, so
        ``scipy.sparse.csgraph`` functions give the same answers as this network.
        Explicit zeros are zero-weight arcs (csgraph treats them as edges).
        ``transpose=True`` gives the matrix of the reversed network.

        Examples
        --------
        >>> from scipy.sparse.csgraph import dijkstra
        >>> net = RoadNetwork.from_csr([0, 2, 2], [1, 1], [7.0, 3.0])
        >>> net.to_scipy().toarray()
        array([[0., 3.],
               [0., 0.]])
        >>> dijkstra(net.to_scipy(), indices=0).tolist()
        [0.0, 3.0]
        """
        import scipy.sparse as sp

        w = self._weights(weight)
        keep = ~self.closed_arcs(closed_edges)
        tail = np.repeat(np.arange(self.n_nodes), np.diff(self.indptr))[keep]
        head = self.indices[keep]
        if transpose:
            tail, head = head, tail
        wk = w[keep]
        indptr, order = csr_from_arcs(tail, self.n_nodes, keys=(head, wk), unique=1)
        return sp.csr_matrix((wk[order], head[order], indptr), shape=(self.n_nodes, self.n_nodes))

    def to_crs(self, crs: Any) -> RoadNetwork:
        """Return the network with its node coordinates projected to another metric CRS.

        Arc lengths and times stay as they are (measured on the roads when the network was
        built); only ``x``, ``y`` and ``crs`` change, so that points in ``crs`` can be
        snapped to it.

        Parameters
        ----------
        crs : str, int or pyproj.CRS
            A projected CRS in metres.

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 1], [1], [1.0], x=[500000.0, 500100.0],
        ...                            y=[4000000.0, 4000000.0], crs="EPSG:4548")
        >>> utm = net.to_crs("EPSG:32650")
        >>> utm.crs.to_string(), round(float(utm.x[1] - utm.x[0]), 1)
        ('EPSG:32650', 100.0)
        """
        from pyproj import Transformer

        if self.x is None or self.y is None or self.crs is None:
            raise ConfigError(
                "RoadNetwork.to_crs: this network has no node coordinates or no CRS to "
                "project from; build it from roads or with RoadNetwork.from_csr(..., x=, y=, "
                "crs=)."
            )
        target = metric_crs(HasCRS(crs), name="RoadNetwork.to_crs crs")
        if target.equals(self.crs):
            return self
        tr = Transformer.from_crs(self.crs, target, always_xy=True)
        x, y = tr.transform(self.x, self.y)
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        bad = np.flatnonzero(~(np.isfinite(x) & np.isfinite(y)))
        if bad.size:
            raise DataError(
                f"RoadNetwork.to_crs: nodes {describe_rows(bad)} cannot be projected to "
                f"{target.to_string()} (outside its domain); pick a CRS that covers the network."
            )
        from jnrisk._crs import warn_outside_area_of_use

        warn_outside_area_of_use(self, target, name="RoadNetwork.to_crs")
        return dataclasses.replace(
            self, x=readonly(x, np.float64), y=readonly(y, np.float64), crs=target
        )

    def od_costs(
        self,
        origins: Any,
        destinations: Any,
        cutoff: float,
        *,
        weight: str = "weight_m",
        closed_edges: Any = None,
        direction: str = "auto",
    ):
        """Travel costs from every origin to every destination within ``cutoff``.

        ``cost = origin leg + network cost + destination leg``, where a leg is the
        straight snap distance [m] of a :class:`~jnrisk.network.SnapResult` (0 for bare node
        indices). Pairs with ``cost <= cutoff`` are kept.

        Parameters
        ----------
        origins, destinations : SnapResult or array of int
            Snapped points (``snap_points(net, gdf)``; their ``snap_distance_m`` is added at
            both ends) or node indices (no legs). Repeated nodes are searched once.
        cutoff : float
            Largest cost kept (m, or s for ``weight="time_s"``; legs need ``"weight_m"``).
        weight : {"weight_m", "time_s"}
            Arc weight to add up.
        closed_edges : bool mask of length ``n_edges`` or int positions, optional
            Closed roads (see :meth:`distances`).
        direction : {"auto", "from_origins", "to_destinations"}
            Where the searches start: one bounded search per distinct origin node, or one
            per distinct destination node on the reversed network (skipped on symmetric
            walk networks). Both give the cost of travelling origin -> destination (the
            sums can differ in the last bit, as they add the same arcs in opposite order).
            ``"auto"`` searches from the side with fewer distinct nodes (origins on a tie).

        Returns
        -------
        scipy.sparse.csr_matrix
            ``len(origins) x len(destinations)`` float64 costs, sorted columns; stored
            entries are the pairs within ``cutoff``, zero costs included as explicit zeros.

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [100.0, 50.0])  # 0 -> 1 -> 2
        >>> c = net.od_costs([0, 1], [2, 1], 120.0)
        >>> c.toarray(), c.nnz
        (array([[  0., 100.],
               [ 50.,   0.]]), 3)
        """
        from jnrisk.network.od import od_cost_matrix

        return od_cost_matrix(
            self, origins, destinations, cutoff, weight=weight, closed_edges=closed_edges,
            direction=direction,
        )

    def components(self) -> np.ndarray:
        """Connected-component label per node (weakly connected for directed networks).

        Labels are ``0..k-1`` with ``0`` the largest component.

        Examples
        --------
        >>> RoadNetwork.from_csr([0, 1, 1, 1], [1], [5.0]).components().tolist()
        [0, 0, 1]
        """
        import scipy.sparse as sp
        from scipy.sparse.csgraph import connected_components

        g = sp.csr_matrix(
            (np.ones(self.n_arcs, dtype=np.int8), self.indices, self.indptr),
            shape=(self.n_nodes, self.n_nodes),
        )
        _, labels = connected_components(g, directed=True, connection="weak")
        sizes = np.bincount(labels)
        # relabel by decreasing size (ties by first node) so 0 is the largest component
        order = np.lexsort((np.arange(sizes.size), -sizes))
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return rank[labels].astype(np.int64)

    def component_summary(self) -> dict[str, Any]:
        """Return the number of components, the size of the largest one and the largest sizes.

        Examples
        --------
        >>> net = RoadNetwork.from_csr([0, 1, 1, 1], [1], [5.0])
        >>> net.component_summary()["n_components"]
        2
        """
        labels = self.components()
        sizes = np.bincount(labels) if labels.size else np.zeros(0, np.int64)
        largest = int(sizes[0]) if sizes.size else 0
        return {
            "n_components": int(sizes.size),
            "largest_component_nodes": largest,
            "largest_component_pct": 100.0 * largest / max(self.n_nodes, 1),
            "isolated_nodes": int((sizes == 1).sum()),
            "component_sizes_top5": sizes[:5].tolist(),
        }

    def summary(self) -> dict[str, Any]:
        """Plain dict describing the network (for reports and ``jnrisk run``).

        Examples
        --------
        >>> s = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [10.0, 5.0]).summary()
        >>> s["n_nodes"], s["n_components"], s["total_arc_length_m"]
        (3, 1, 15.0)
        """
        out: dict[str, Any] = {
            "mode": self.mode,
            "source": self.source,
            "crs": self.crs.to_string() if self.crs is not None else None,
            "n_nodes": self.n_nodes,
            "n_arcs": self.n_arcs,
            "n_edges": self.n_edges,
            "total_arc_length_m": float(self.weight_m.sum()),
        }
        out.update(self.component_summary())
        out.update(dict(self.build_info))
        return out



def _check_csr_arrays(indptr, indices, weight_m, time_s, x, y):
    """Validate the ``(indptr, indices, weight_m, x, y)`` arrays of :meth:`RoadNetwork.from_csr`.

    Every problem is collected, then one error is raised.
    """
    problems = Problems("RoadNetwork.from_csr")
    indptr_a = np.asarray(indptr)
    indices_a = np.asarray(indices)
    weight_a = np.asarray(weight_m)
    for name, arr in (("indptr", indptr_a), ("indices", indices_a)):
        if arr.ndim != 1 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
            raise SchemaError(
                f"RoadNetwork.from_csr: {name} must be a 1-D integer array, got dtype "
                f"{arr.dtype} with shape {arr.shape}; convert with np.asarray(..., np.int64)."
            )
    if indptr_a.size == 0:
        raise DataError(
            "RoadNetwork.from_csr: indptr is empty; it needs n_nodes + 1 >= 2 entries "
            "(an empty network cannot be routed)."
        )
    n = indptr_a.size - 1
    if n == 0:
        problems.add("indptr has 1 entry, so the network has 0 nodes; add nodes.")
    if indptr_a[0] != 0:
        problems.add(f"indptr[0] is {indptr_a[0]}, expected 0.")
    if indptr_a[-1] != indices_a.size:
        problems.add(
            f"indptr[-1] is {indptr_a[-1]} but indices has {indices_a.size} entries; "
            f"they must be equal."
        )
    falling = np.flatnonzero(np.diff(indptr_a) < 0)
    if falling.size:
        problems.add(f"indptr decreases at positions {describe_rows(falling + 1)}.")
    if weight_a.shape != indices_a.shape:
        problems.add(
            f"weight_m has shape {weight_a.shape} but indices has {indices_a.shape}; "
            f"give one weight per arc."
        )
    out = np.flatnonzero((indices_a < 0) | (indices_a >= max(n, 0)))
    if out.size:
        problems.add(
            f"indices outside 0..{n - 1} at arc {describe_rows(out)} "
            f"(e.g. {indices_a[out[0]]})."
        )
    problems.raise_if_any(DataError)
    weights = [("weight_m", weight_a)]
    if time_s is not None:
        time_a = np.asarray(time_s)
        if time_a.shape != indices_a.shape:
            raise DataError(
                f"RoadNetwork.from_csr: time_s has shape {time_a.shape} but indices has "
                f"{indices_a.shape}; give one time per arc."
            )
        weights.append(("time_s", time_a))
    for name, arr in weights:
        if not np.issubdtype(arr.dtype, np.number):
            raise SchemaError(
                f"RoadNetwork.from_csr: {name} has dtype {arr.dtype}, expected numbers."
            )
        vals = arr.astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            problems.add(f"{name} is NaN or infinite at arc {describe_rows(bad)}.")
        neg = np.flatnonzero(vals < 0)
        if neg.size:
            problems.add(
                f"{name} is negative at arc {describe_rows(neg)} (e.g. {vals[neg[0]]:g}); "
                f"Dijkstra needs weights >= 0."
            )
    if (x is None) != (y is None):
        problems.add("give both x and y node coordinates, or neither.")
    xa = ya = None
    if x is not None and y is not None:
        xa = np.asarray(x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.float64)
        if xa.shape != (n,) or ya.shape != (n,):
            problems.add(
                f"x and y must have one value per node ({n}), got shapes "
                f"{xa.shape} and {ya.shape}."
            )
        elif not (np.isfinite(xa).all() and np.isfinite(ya).all()):
            bad = np.flatnonzero(~(np.isfinite(xa) & np.isfinite(ya)))
            problems.add(f"x/y are NaN or infinite at node {describe_rows(bad)}.")
    problems.raise_if_any(DataError)
    return indptr_a, indices_a, weight_a, xa, ya


def _scan_budget(method: str) -> tuple[float, int]:
    """Kernel arguments for ``method``: how long the breadth-first phase may run."""
    check_option(method, ("auto", "dijkstra"), name="method")
    return (SCAN_BUDGET, SCAN_SLACK) if method == "auto" else (0.0, 0)


def require_network(network: Any, *, name: str = "network") -> Any:
    """Check that ``network`` is a :class:`~jnrisk.network.RoadNetwork`; return it.

    Functions that take a network call this first, so that ``None`` or a roads table
    given by mistake is named as such (not reported as a missing CRS later on).

    Examples
    --------
    >>> require_network(None)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    jnrisk._errors.ConfigError: network must be a RoadNetwork, got None; ...
    """
    if not isinstance(network, RoadNetwork):
        got = "None" if network is None else type(network).__name__
        hint = (
            "build it with jnrisk.network.network_from_roads(roads, 'walk') (or 'drive')"
            if network is None or hasattr(network, "geometry")
            else "build one with jnrisk.network.network_from_roads or RoadNetwork.from_csr"
        )
        raise ConfigError(f"{name} must be a RoadNetwork, got {got}; {hint}.")
    return network
