"""Run every benchmark script in turn (``make bench``); each prints its own ratios.

Benchmarks are not tests: they time jnrisk against the competitor in the same process and print
ratios. Run them on a quiet machine; results and how to read them are in benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "bench_network.py",
    "bench_allocation.py",
    "bench_siting.py",
    "bench_rescue.py",
    "bench_flood.py",
    "bench_fire.py",
    "bench_batch.py",
    "bench_evacuation.py",
    "bench_allocation_family.py",
]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        print(f"\n===== {name} =====", flush=True)
        t = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / name)], cwd=HERE.parent)
        print(f"===== {name}: exit {code}, {time.perf_counter() - t:.0f} s =====", flush=True)
        if code:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
