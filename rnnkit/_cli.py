"""The ``rnnkit`` command line."""

import argparse

from ._version import __version__


def build_parser():
    parser = argparse.ArgumentParser(
        prog="rnnkit",
        description="Recurrent-network forecasting with scikit-learn manners.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    return parser


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0
