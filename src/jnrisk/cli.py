"""Command-line interface.

``jnrisk run``    the main job: the default Jinan scenario set -> one report folder
``jnrisk batch``  a scenario file (with sweeps) on Dask, resumable
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def _build_parser() -> argparse.ArgumentParser:
    from jnrisk import __version__

    parser = argparse.ArgumentParser(
        prog="jnrisk",
        description="City disaster-risk analysis for Jinan (shelters, flood, fire, quake, rescue).",
    )
    parser.add_argument("--version", action="version", version=f"jnrisk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the default Jinan job and write a report folder")
    run.add_argument("--out", default="jnrisk-out", help="output folder (default ./jnrisk-out); "
                     "replaced as a whole when the run succeeds")
    run.add_argument("--year", type=int, default=2024, help="shelter inventory year (2023 or 2024)")
    run.add_argument("--data-dir", default=None,
                     help="folder with your own layers in the bundled schema (default: bundled)")
    run.add_argument("--sections", default=None,
                     help="comma-separated sections to run (default all: city,network,"
                          "allocation,coverage,quake,flood,rescue,fire)")
    run.add_argument("--basemap", action="store_true",
                     help="web map tiles under the maps when reachable (needs contextily); "
                          "maps never depend on them")
    run.add_argument("--json", action="store_true",
                     help="print a machine-readable summary (JSON) on stdout; progress on stderr")
    batch = sub.add_parser("batch", help="run a scenario file (with sweeps) on Dask")
    batch.add_argument("file", help="scenario TOML file (see scenarios/ for examples)")
    batch.add_argument("--out", default="jnrisk-batch", help="output folder (default ./jnrisk-batch)")
    batch.add_argument("--scheduler", default=None,
                       help="existing Dask scheduler, tcp://HOST:8786 or tls://HOST:8786")
    batch.add_argument("--security", default=None, metavar="FILE",
                       help="YAML with tls_ca_file, tls_client_cert, tls_client_key (tls://)")
    batch.add_argument("--connect-timeout", type=float, default=None, metavar="S",
                       help="seconds to reach --scheduler, handshake included (default 20)")
    batch.add_argument("--workers", type=int, default=None, help="local worker processes")
    batch.add_argument("--no-resume", dest="resume", action="store_false",
                       help="re-run scenarios that already finished")
    batch.add_argument("--no-progress", dest="progress", action="store_false",
                       help="no progress bar")
    return parser


def _run(args: argparse.Namespace) -> int:
    from jnrisk.report import run_main_job

    sections = None
    if args.sections is not None:
        sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    stream = sys.stderr if args.json else sys.stdout

    def log(line: str) -> None:
        print(line, file=stream, flush=True)

    outcome = run_main_job(out=args.out, year=args.year, data_dir=args.data_dir,
                           sections=sections, basemap=args.basemap, log=log)
    if args.json:
        json.dump(outcome.summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jnrisk`` console script; returns the process exit code."""
    from jnrisk._errors import JnriskError

    args = _build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "batch":
            from jnrisk.scenarios import batch_main

            return batch_main(args.file, out=args.out, scheduler=args.scheduler,
                              resume=args.resume, workers=args.workers, progress=args.progress,
                              security=args.security, connect_timeout_s=args.connect_timeout)
    except JnriskError as exc:
        print(f"jnrisk: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
