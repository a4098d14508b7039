"""The ``rnnkit`` command line: one small function per subcommand.

Each ``add_<command>(subparsers)`` adds its parser and sets ``run`` to the
function that carries it out; :data:`COMMANDS` lists them in ``--help`` order.
A command reports a mistake in its input by raising :class:`UsageError`, which
``main`` prints as one line on stderr with exit status 2. The work itself
(and every heavy import) lives in the modules the commands call.
"""

import argparse
import contextlib
import os
import sys

from ._version import __version__


class UsageError(Exception):
    """A mistake in the command line or its input: one line on stderr, exit 2."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, reporting its own errors as one line, like rnnkit's."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`).")


def build_parser():
    parser = _ArgumentParser(
        prog="rnnkit",
        description="Recurrent-network forecasting with scikit-learn manners.",
    )
    parser.add_argument("--version", action=_ShowVersion)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


class _ShowVersion(argparse.Action):
    """``--version``: rnnkit's version and the Keras backend it would run on."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            help="show rnnkit's version and the Keras backend it runs on, and exit",
        )

    def __call__(self, parser, namespace, values, option_string=None):
        from ._backends import describe_backend

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


# --- rnnkit compare -----------------------------------------------------------


def add_compare(subparsers):
    parser = subparsers.add_parser(
        "compare",
        help="the seed chapter's experiment: every forecaster side by side",
        description=(
            "Fit every forecaster on the chapter's two-sine series (1 and 10 "
            "steps ahead) and print a table: test MSE, ratio to the naive "
            "forecast, fit seconds and the chapter's figure where it has one. "
            "The networks train at rnnkit's defaults but for the options given. "
            "The full run (10,000 series) takes about half an hour on 2 cores; "
            "--quick takes about a minute."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about a minute: 2,000 series, 3 epochs, cells simple and gru",
    )
    parser.add_argument(
        "--models",
        nargs="+",
        metavar="MODEL",
        help="any of naive, linear, rnn, seq2seq (default: all)",
    )
    parser.add_argument(
        "--cells",
        nargs="+",
        metavar="CELL",
        help="cells for rnn and seq2seq (default: simple lstm gru, or simple gru "
        "with --quick; 'all': every installed cell, plugins' too)",
    )
    parser.add_argument(
        "--horizons",
        nargs="+",
        type=_positive_int,
        metavar="H",
        help="steps ahead to forecast (default: 1 10)",
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        help="training epochs (default: the estimators' default, or 3 with --quick)",
    )
    parser.add_argument(
        "--n-series", type=_positive_int, metavar="N", help="series in all"
    )
    parser.add_argument(
        "--random-state",
        type=int,
        metavar="N",
        help="seed of the networks (the data is always the chapter's; default: "
        "the estimators' default)",
    )
    _add_output_options(parser, output_help="write the table (.csv or .json)")
    parser.set_defaults(run=run_compare)


def run_compare(args):
    from . import _compare

    output = _check_output(args.output, (".csv", ".json"))
    plot = _check_plot(args.plot)
    plan = _compare.plan(
        models=args.models,
        cells=args.cells,
        horizons=args.horizons,
        quick=args.quick,
        epochs=args.epochs,
        n_series=args.n_series,
        random_state=args.random_state,
    )
    with _progress(args.quiet, plan.total) as step:
        result = _compare.run(plan, step)
    print(_compare.format_table(result))
    if output is not None:
        _compare.write_result(result, output)
        _note(f"wrote {output}", args.quiet)
    if plot is not None:
        from ._plotting import plot_compare

        plot_compare(result, plot)
        _note(f"wrote {plot}", args.quiet)
    return 0


# --- rnnkit forecast ----------------------------------------------------------


def add_forecast(subparsers):
    parser = subparsers.add_parser(
        "forecast",
        help="forecast the next values of a series in a CSV file",
        description=(
            "Forecast a column of a CSV file. The last 20% of the series is held "
            "out to measure each model's error (MSE and MASE) beside the naive "
            "forecast's, and the seasonal naive one's when the season is known; "
            "the chosen model is then refit on the whole series and forecasts "
            "the next --horizon values. The networks use rnnkit's defaults but "
            "for the options given."
        ),
    )
    parser.add_argument("file", metavar="FILE.csv", help="the series, one row a time")
    parser.add_argument(
        "--column",
        metavar="NAME",
        help="the column to forecast (default: the only numeric one)",
    )
    parser.add_argument(
        "--time-column",
        metavar="NAME",
        help="dates or times; the forecast continues them at their frequency",
    )
    parser.add_argument(
        "--horizon",
        type=_positive_int,
        default=10,
        metavar="H",
        help="values to forecast (default: 10)",
    )
    parser.add_argument(
        "--n-steps",
        type=_positive_int,
        metavar="N",
        help="window length (default: a tenth of the series, between 2 and 50, "
        "raised to a season if the series allows)",
    )
    parser.add_argument(
        "--season",
        type=_season_length,
        metavar="M",
        help="values in a season, for seasonal naive and MASE (default: from the "
        "time column's frequency: monthly 12, quarterly 4, weekly 52, daily 7, "
        "hourly 24, business-daily 5; else none)",
    )
    parser.add_argument(
        "--model",
        default="auto",
        metavar="MODEL",
        help="naive, seasonal, linear, rnn, seq2seq, or auto (default): the best "
        "of naive, seasonal naive (with a season), linear and rnn on the holdout",
    )
    parser.add_argument(
        "--cell", help="cell for rnn and seq2seq (default: the estimators' default)"
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        help="training epochs of rnn and seq2seq (default: the estimators' default)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        metavar="N",
        help="seed of the networks (default: the estimators' default)",
    )
    _add_output_options(parser, output_help="write the forecast (.csv)")
    parser.set_defaults(run=run_forecast)


def run_forecast(args):
    from . import _forecast

    output = _check_output(args.output, (".csv",))
    plot = _check_plot(args.plot)
    series = _forecast.read_series(args.file, args.column, args.time_column)
    for note in series.notes:
        _note(note, args.quiet)
    plan = _forecast.plan(
        series,
        horizon=args.horizon,
        n_steps=args.n_steps,
        model=args.model,
        season=args.season,
        cell=args.cell,
        epochs=args.epochs,
        random_state=args.random_state,
    )
    for note in plan.notes:
        _note(note, args.quiet)
    print(_forecast.describe(plan))
    with _progress(args.quiet, len(plan.candidates) + 1) as step:
        result = _forecast.run(plan, step)
    print(_forecast.format_report(result))
    if output is not None:
        _forecast.write_forecast(result, output)
        _note(f"wrote {output}", args.quiet)
    if plot is not None:
        from ._plotting import plot_forecast

        plot_forecast(result, plot)
        _note(f"wrote {plot}", args.quiet)
    return 0


# --- rnnkit plugins -----------------------------------------------------------


def add_plugins(subparsers):
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
    parser.set_defaults(run=run_plugins)


def run_plugins(args):
    import json

    from ._backends import describe_backend
    from .plugins import list_cells

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


# --- the subcommands, in --help order -------------------------------------------

COMMANDS = [add_compare, add_forecast, add_plugins]


# --- shared helpers -------------------------------------------------------------


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _season_length(text):
    value = _positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"a season holds at least 2 values, got {text!r}"
        )
    return value


def _add_output_options(parser, *, output_help):
    parser.add_argument("--output", metavar="FILE", help=output_help)
    parser.add_argument(
        "--plot", metavar="FILE.png", help="draw a figure (needs matplotlib)"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no notes"
    )


def _check_output(path, suffixes):
    """Refuse an output path before any work, not after it."""
    if path is None:
        return None
    if not path.lower().endswith(suffixes):
        raise UsageError(
            f"--output {path}: the file name must end in {' or '.join(suffixes)}."
        )
    _check_directory(path, "--output")
    return path


def _check_plot(path):
    if path is None:
        return None
    from ._plotting import check_matplotlib

    if not check_matplotlib():
        from ._install import install_extra

        raise UsageError(
            "--plot needs matplotlib, which is not installed: "
            f"{install_extra('plot')}; or leave out --plot."
        )
    _check_directory(path, "--plot")
    return path


def _check_directory(path, option):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(
            f"{option} {path}: the folder {directory} does not exist; create it "
            "or write elsewhere."
        )


def _note(message, quiet):
    if not quiet:
        print(message, file=sys.stderr)


def report_epochs(estimator, report):
    """Show a neural estimator's epochs through ``report`` (the progress bar).

    rnnkit's own hook into the neural fit loop, not a parameter: a progress
    bar is no part of the model. Other estimators ignore it.
    """
    estimator._epoch_reporter = lambda done, total: report(f"epoch {done}/{total}")
    return estimator


@contextlib.contextmanager
def _progress(quiet, total):
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
