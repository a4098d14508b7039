"""What the subcommands share: the usage error, option checks, notes and progress."""

import argparse
import contextlib
import os
import sys

from .._install import install_extra


class UsageError(Exception):
    """A mistake in the command line or its input: one line on stderr, exit 2."""


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def season_length(text):
    value = positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"a season holds at least 2 values, got {text!r}"
        )
    return value


def add_output_options(parser, *, output_help):
    parser.add_argument("--output", metavar="FILE", help=output_help)
    parser.add_argument(
        "--plot", metavar="FILE.png", help="draw a figure (needs matplotlib)"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no notes"
    )


def check_output(path, suffixes):
    """Refuse an output path before any work, not after it."""
    if path is None:
        return None
    if not path.lower().endswith(suffixes):
        raise UsageError(
            f"--output {path}: the file name must end in {' or '.join(suffixes)}."
        )
    check_directory(path, "--output")
    return path


def check_plot(path):
    if path is None:
        return None
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            "--plot needs matplotlib, which is not installed: "
            f"{install_extra('plot')}; or leave out --plot."
        ) from None
    check_directory(path, "--plot")
    return path


def check_directory(path, option):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(
            f"{option} {path}: the folder {directory} does not exist; create it "
            "or write elsewhere."
        )


def note(*messages, quiet):
    """Print each message as a line on stderr, unless ``--quiet``."""
    if not quiet:
        for message in messages:
            print(message, file=sys.stderr)


@contextlib.contextmanager
def progress(quiet, total):
    """Yield ``step(label)``: a context manager around one unit of work.

    ``with step(label) as report`` gives ``report(detail)`` to show progress
    within the unit (a fit's epochs). A rich progress bar (models done / to
    do, the one running and its epoch, elapsed time)
    is drawn on stderr when stdout and stderr are terminals and not ``quiet``;
    otherwise ``step`` does nothing.
    """
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
    except ImportError:  # rich comes with Keras; without it, no bar
        quiet = True
    if quiet or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield lambda label: contextlib.nullcontext(lambda detail: None)
        return

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)

        @contextlib.contextmanager
        def step(label):
            bar.update(task, description=label)
            # The unit of work may report its own progress (a fit's epochs).
            yield lambda detail: bar.update(task, description=f"{label}, {detail}")
            bar.advance(task)

        yield step
