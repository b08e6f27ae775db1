"""numba's on-disk cache: a second process loads the kernels instead of compiling them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = """
import json, time
t = time.perf_counter()
import numpy as np
from jnrisk.network import RoadNetwork, _kernels, _snap_kernels
from jnrisk.network.snap import nearest_nodes
net = RoadNetwork.from_csr([0, 1, 2, 2], [1, 2], [1.0, 1.0])
net.distances([0], 5.0)
net.nearest_source([0], 5.0)
nearest_nodes([0.0, 1.0], [0.0, 0.0], np.array([[0.2, 0.1]]))
ks = (_kernels.bounded_rows, _kernels.nearest_source_labels, _snap_kernels.nearest_node_grid)
print(json.dumps({"misses": sum(sum(k.stats.cache_misses.values()) for k in ks),
                  "hits": sum(sum(k.stats.cache_hits.values()) for k in ks),
                  "seconds": time.perf_counter() - t}))
"""


def run_once():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_second_process_does_not_recompile():
    run_once()  # may compile (fresh checkout) and writes the cache
    second = run_once()
    assert second["misses"] == 0, second
    assert second["hits"] >= 3, second
