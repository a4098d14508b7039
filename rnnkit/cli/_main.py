"""The ``rnnkit`` command's entry point: the parser and ``main``.

Each subcommand module (:mod:`~rnnkit.cli.compare`, :mod:`~rnnkit.cli.forecast`,
:mod:`~rnnkit.cli.plugins`) has ``add_command(subparsers)``, which adds its
parser and sets ``run`` to its ``run_command(args)``; :data:`COMMANDS` lists them
in ``--help`` order. A command reports a mistake in its input by raising
:class:`UsageError`, which ``main`` prints as one line on stderr with exit
status 2. The work itself (and every heavy import) runs only when a command does.
"""

import argparse
import os
import sys

from .._keras import describe_backend
from .._version import __version__
from ._common import UsageError
from .compare import add_command as add_compare
from .forecast import add_command as add_forecast
from .plugins import add_command as add_plugins

COMMANDS = [add_compare, add_forecast, add_plugins]


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, reporting its own errors as one line, like rnnkit's."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`).")


def build_parser():
    parser = _ArgumentParser(
        prog="rnnkit",
        description="Recurrent-network forecasting with scikit-learn manners.",
    )
    parser.add_argument(
        "--version",
        action=_ShowVersion,
        nargs=0,
        help="show rnnkit's version and the Keras backend it runs on, and exit",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


class _ShowVersion(argparse.Action):
    """``--version``: rnnkit's version and the Keras backend it would run on."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"rnnkit {__version__} ({describe_backend()})")
        parser.exit()


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not hasattr(args, "run"):
            parser.print_help()
            return 0
        return args.run(args) or 0
    except UsageError as error:
        print(f"rnnkit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rnnkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a command that stopped reading (`| head`): stop
        # quietly, as Python's documentation recommends.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
