"""Command-line interface: ``jnrisk run`` (the main job on the bundled Jinan data)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build_parser() -> argparse.ArgumentParser:
    from jnrisk import __version__

    parser = argparse.ArgumentParser(prog="jnrisk", description=__doc__)
    parser.add_argument("--version", action="version", version=f"jnrisk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the default Jinan job and write a report folder")
    run.add_argument("--out", default="jnrisk-out", help="output folder (default ./jnrisk-out)")
    run.add_argument("--year", type=int, default=2024, help="shelter inventory year (2023 or 2024)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jnrisk`` console script."""
    from jnrisk._errors import JnriskError

    args = _build_parser().parse_args(argv)
    try:
        if args.command == "run":
            from jnrisk.report import run_main_job

            run_main_job(out=args.out, year=args.year)
    except JnriskError as exc:
        print(f"jnrisk: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
