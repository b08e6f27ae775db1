"""SUMO (microscopic pedestrians, striping model) on a grid, as an independent reference.

Runs the ``sumo`` command-line binary of the ``eclipse-sumo`` wheel in a subprocess: neither
``libsumo`` (its bundled Arrow may clash with pyarrow) nor ``sumo`` (it re-points PROJ_DATA) is
imported into the test process. Every
pedestrian walks the route jnrisk computed, so both models see the same routes and demand.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np


def sumo_home() -> Path | None:
    """Where the eclipse-sumo wheel is installed, found WITHOUT importing it: ``import sumo``
    points PROJ_DATA at SUMO's own proj.db, which breaks rasterio/pyproj in this process."""
    import importlib.util

    spec = importlib.util.find_spec("sumo")
    if spec is None or spec.origin is None:
        return None
    home = Path(spec.origin).parent
    return home if (home / "bin" / "sumo").exists() else None


def grid_roads(side: int, spacing_m: float):
    """Undirected grid roads: (u, v, x, y) with ids in row-major order."""
    ids = np.arange(side * side).reshape(side, side)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    x = (np.arange(side * side) % side) * spacing_m
    y = (np.arange(side * side) // side) * spacing_m
    return u, v, x, y


def _env(home: Path) -> dict:
    import os

    return {**os.environ, "SUMO_HOME": str(home)}


def pedestrian_walks(route_ptr, route_arcs, arc_road, per_group: int, spread_s: float):
    """Each group's route as road indices, ``per_group`` pedestrians per group leaving evenly
    over ``spread_s``: (walks, depart_s)."""
    walks, depart = [], []
    for g in range(route_ptr.size - 1):
        route = arc_road[route_arcs[route_ptr[g]:route_ptr[g + 1]]].tolist()
        for k in range(per_group):
            walks.append(route)
            depart.append(spread_s * (k + 0.5) / per_group)
    return walks, np.asarray(depart)


def run_sumo(workdir: Path, u, v, x, y, width_m, walks, depart_s, speed_m_s=1.34,
             step_s=1.0, end_s=20_000) -> np.ndarray:
    """Arrival times [s] of pedestrians walking ``walks`` (lists of road indices in order,
    with their start node) on a SUMO network of the roads; ``depart_s`` per pedestrian."""
    home = sumo_home()
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / "n.nod.xml", "w") as f:
        f.write("<nodes>\n")
        for i, (xi, yi) in enumerate(zip(x, y, strict=True)):
            f.write(f'<node id="n{i}" x="{xi:.2f}" y="{yi:.2f}"/>\n')
        f.write("</nodes>\n")
    with open(workdir / "e.edg.xml", "w") as f:
        f.write("<edges>\n")
        for k, (a, b) in enumerate(zip(u, v, strict=True)):
            f.write(f'<edge id="e{k}" from="n{a}" to="n{b}" numLanes="1" speed="13.9" '
                    f'allow="pedestrian" width="{width_m:.2f}"/>\n')
        f.write("</edges>\n")
    subprocess.run([str(home / "bin" / "netconvert"), "-n", "n.nod.xml", "-e", "e.edg.xml",
                    "-o", "net.net.xml", "--walkingareas", "--no-warnings",
                    "--junctions.corner-detail", "0"], cwd=workdir, check=True,
                   capture_output=True, env=_env(home))
    order = np.argsort(depart_s, kind="stable")
    with open(workdir / "p.rou.xml", "w") as f:
        f.write("<routes>\n")
        for i in order:
            edges = " ".join(f"e{k}" for k in walks[i])
            f.write(f'<person id="p{i}" depart="{depart_s[i]:.1f}" speed="{speed_m_s}">'
                    f'<walk edges="{edges}"/></person>\n')
        f.write("</routes>\n")
    subprocess.run([str(home / "bin" / "sumo"), "-n", "net.net.xml", "-r", "p.rou.xml",
                    "--step-length", str(step_s), "--pedestrian.model", "striping",
                    "--tripinfo-output", "trips.xml", "--no-warnings", "--no-step-log",
                    "--end", str(end_s)], cwd=workdir, check=True, capture_output=True,
                   env=_env(home))
    arrival = np.full(len(walks), np.nan)
    for person in ET.parse(workdir / "trips.xml").getroot().iter("personinfo"):
        i = int(person.get("id")[1:])
        stages = list(person)
        if stages and stages[-1].get("arrival") not in (None, "-1"):
            arrival[i] = float(stages[-1].get("arrival"))
    shutil.rmtree(workdir, ignore_errors=True)
    return arrival
