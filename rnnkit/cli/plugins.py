"""``rnnkit plugins``: the installed plugins and the cells they register."""

import json

from .._keras import describe_backend
from ..plugins import list_cells


def add_command(subparsers):
    parser = subparsers.add_parser(
        "plugins",
        help="installed plugins and the recurrent cells they register",
        description=(
            "List every cell RNNForecaster(cell=...) accepts, with the "
            "distribution that provides it, its version and description. "
            "RNNKIT_LOAD_PLUGINS limits which plugins load."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run_command)


def run_command(args):
    cells = list_cells()
    if args.json:
        listing = [{"cell": name, **info._asdict()} for name, info in cells.items()]
        print(json.dumps(listing, indent=2))
        return 0
    print(f"{describe_backend()}\n")
    rows = [("cell", "distribution", "version", "description")]
    rows += [(name, *info) for name, info in cells.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = zip(row, widths, strict=False)
        print("  ".join(cell.ljust(width) for cell, width in cells), row[3])
    return 0
