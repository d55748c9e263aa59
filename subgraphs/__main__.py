"""``python -m subgraphs``: run all five services until Ctrl-C (see subgraphs.run_all)."""

import argparse
import os
import sys
from collections.abc import Sequence

from subgraphs import DEFAULT_BASE_PORT, SERVICE_NAMES
from subgraphs.run_all import run_all


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m subgraphs",
        description=(
            f"Run the example graph's services ({', '.join(SERVICE_NAMES)})"
            " on the five ports after the base port, until Ctrl-C."
        ),
    )
    parser.add_argument("--host", default=os.environ.get("FEDGATE_HOST", "127.0.0.1"))
    parser.add_argument(
        "--base-port",
        type=int,
        default=DEFAULT_BASE_PORT,
        help=f"the gateway's port; services use the next five (default {DEFAULT_BASE_PORT})",
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("FEDGATE_DATA_DIR", "data"),
        help="folder of the SQLite files (env FEDGATE_DATA_DIR; default data)",
    )
    args = parser.parse_args(argv)
    return run_all(args.host, args.base_port, args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
