"""``rnnkit compare``: the seed chapter's experiment, every forecaster side by side."""

import csv
import json
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from .. import NaiveForecaster
from .._keras import import_keras
from .._version import __version__
from ..datasets import load_two_sines
from ._common import (
    UsageError,
    add_output_options,
    check_output,
    check_plot,
    note,
    positive_int,
    progress,
)
from ._models import MODELS as ALL_MODELS
from ._models import NEURAL, check_cells, epoch_params, make_estimator

MODELS = tuple(m for m in ALL_MODELS if m != "seasonal")  # the sines have none
DEFAULT_CELLS = ("simple", "lstm", "gru")  # the built-ins; plugins via --cells
DEFAULT_HORIZONS = (1, 10)
# The chapter's data; the networks train at rnnkit's defaults (epochs=None).
FULL = {"n_series": 10_000, "epochs": None, "cells": DEFAULT_CELLS}
# About a minute on 2 cores: a fit costs seconds of set-up whatever its epochs,
# so --quick drops a cell as well as data and epochs.
QUICK = {"n_series": 2_000, "epochs": 3, "cells": ("simple", "gru")}
SEED_SERIES, SEED_EPOCHS = 10_000, 20  # how the chapter trained
MIN_SERIES = 20  # so that the 10 % test split holds at least two series
N_STEPS = 50
N_EXAMPLES = 3  # test series kept for the plot
# The MSE the chapter printed, by (model, cell, horizon).
SEED_FIGURES = {
    ("naive", None, 1): 0.0206,
    ("linear", None, 1): 0.0042,
    ("rnn", "simple", 10): 0.0151,
}


@dataclass(frozen=True)
class Run:
    """One model of the experiment, for one horizon."""

    model: str
    cell: str | None
    horizon: int

    @property
    def label(self):
        return self.model if self.cell is None else f"{self.model} {self.cell}"


@dataclass
class Plan:
    runs: list
    n_series: int
    epochs: int | None  # None: the estimators' default
    random_state: int | None  # None: the estimators' default

    @property
    def params(self):
        """The networks' parameters set here; the rest are rnnkit's defaults."""
        params = {"epochs": self.epochs, "random_state": self.random_state}
        return {key: value for key, value in params.items() if value is not None}

    @property
    def neural(self):
        return any(run.model in NEURAL for run in self.runs)

    @property
    def total(self):
        """Units of work for a progress bar: each run, and loading Keras."""
        return len(self.runs) + self.neural


@dataclass
class Result:
    plan: Plan
    rows: list = field(default_factory=list)
    keras_backend: str | None = None
    # horizon -> (X, y, {label: forecast}) for the first test series.
    examples: dict = field(default_factory=dict)


# --- the command -------------------------------------------------------------


def add_command(subparsers):
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
        type=positive_int,
        metavar="H",
        help="steps ahead to forecast (default: 1 10)",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        help="training epochs (default: the estimators' default, or 3 with --quick)",
    )
    parser.add_argument(
        "--n-series", type=positive_int, metavar="N", help="series in all"
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="N",
        help="seed of the networks, so that a run can be repeated (the data is "
        "always the chapter's; default: 0)",
    )
    add_output_options(parser, output_help="write the table (.csv or .json)")
    parser.set_defaults(run=run_command)


def run_command(args):
    output = check_output(args.output, (".csv", ".json"))
    plot = check_plot(args.plot)
    work = plan(
        models=args.models,
        cells=args.cells,
        horizons=args.horizons,
        quick=args.quick,
        epochs=args.epochs,
        n_series=args.n_series,
        random_state=args.random_state,
    )
    with progress(args.quiet, work.total) as step:
        result = run(work, step)
    print(format_table(result))
    if output is not None:
        write_result(result, output)
        note(f"wrote {output}", quiet=args.quiet)
    if plot is not None:
        plot_compare(result, plot)
        note(f"wrote {plot}", quiet=args.quiet)
    return 0


# --- the work -----------------------------------------------------------------


def plan(
    *,
    models=None,
    cells=None,
    horizons=None,
    quick=False,
    epochs=None,
    n_series=None,
    random_state=None,
):
    """Check the options and list the runs, in table order."""
    models = _unique(models or MODELS)
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise UsageError(
            f"unknown model {unknown[0]!r} for --models; choose from "
            f"{', '.join(MODELS)}."
        )
    settings = QUICK if quick else FULL
    neural = any(m in NEURAL for m in models)
    cells = _check_cells(cells, settings["cells"]) if neural else []
    n_series = n_series or settings["n_series"]
    if n_series < MIN_SERIES:
        raise UsageError(
            f"--n-series {n_series} is too few to split into training and test "
            f"series; use at least {MIN_SERIES}."
        )
    runs = []
    for horizon in _unique(horizons or DEFAULT_HORIZONS):
        for model in models:
            for cell in cells if model in NEURAL else [None]:
                runs.append(Run(model, cell, horizon))
    epochs = epochs or settings["epochs"]
    return Plan(runs, n_series, epochs, random_state)


def run(plan, step):
    """Fit and score every run; ``step(label)`` wraps each unit of work."""
    result = Result(plan)
    if plan.neural:
        with step("loading Keras"):
            result.keras_backend = _keras_backend()
    data, naive_mse = {}, {}
    for run_ in plan.runs:
        horizon = run_.horizon
        if horizon not in data:
            data[horizon] = split = load_two_sines(
                horizon=horizon, n_series=plan.n_series, n_steps=N_STEPS
            )
            naive_mse[horizon] = _naive_mse(split)
            examples = (split.X_test[:N_EXAMPLES], split.y_test[:N_EXAMPLES], {})
            result.examples[horizon] = examples
        with step(f"{run_.label}, {_steps(horizon)} ahead") as report:
            row, forecast = _fit_and_score(run_, data[horizon], plan, report)
        row["ratio_to_naive"] = row["test_mse"] / naive_mse[horizon]
        row["keras_backend"] = result.keras_backend if run_.model in NEURAL else None
        result.rows.append(row)
        result.examples[horizon][2][run_.label] = forecast[:N_EXAMPLES]
    return result


def format_table(result):
    """The comparison as a plain-text table, with a heading and footnotes."""
    plan = result.plan
    n_train = int(0.7 * plan.n_series)
    n_test = plan.n_series - n_train - int(0.2 * plan.n_series)
    lines = [
        f"rnnkit {__version__} compare: the chapter's two-sine series, "
        f"{plan.n_series:,} windows of {N_STEPS} steps "
        f"({n_train:,} train, {n_test:,} test)",
    ]
    if plan.neural:
        params = ", ".join(f"{k}={v!r}" for k, v in plan.params.items())
        lines.append(
            f"neural models: rnnkit's defaults{f', {params}' if params else ''}; "
            f"Keras backend: {result.keras_backend}"
        )
    header = ("model", "horizon", "test MSE", "x naive", "fit s", "seed")
    cells = [
        (
            run_.label,
            str(row["horizon"]),
            f"{row['test_mse']:.5f}",
            f"{row['ratio_to_naive']:.3f}",
            f"{row['fit_seconds']:.1f}",
            "-" if row["seed_mse"] is None else f"{row['seed_mse']:.4f}",
        )
        for run_, row in zip(plan.runs, result.rows, strict=True)
    ]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]
    lines.append("")
    for values in [header, *cells]:
        first = values[0].ljust(widths[0])
        rest = [v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]))
    lines.append("")
    lines.append(
        "x naive: test MSE / the naive forecast's. seed: the chapter's MSE "
        f"({SEED_SERIES:,} series, {SEED_EPOCHS} epochs)."
    )
    if plan.n_series < SEED_SERIES or (plan.epochs or SEED_EPOCHS) < SEED_EPOCHS:
        lines.append(
            "Fewer series or epochs than the chapter: expect higher errors than "
            "its figures."
        )
    return "\n".join(lines)


def write_result(result, path):
    """Write the rows to ``path``: CSV, or JSON with the settings."""
    columns = list(result.rows[0]) if result.rows else []
    if path.lower().endswith(".json"):
        plan = result.plan
        document = {
            "rnnkit_version": __version__,
            "keras_backend": result.keras_backend,
            "n_series": plan.n_series,
            "n_steps": N_STEPS,
            "epochs": plan.epochs,
            "random_state": plan.random_state,
            "results": result.rows,
        }
        with open(path, "w", encoding="utf-8") as file:
            file.write(json.dumps(document, indent=2) + "\n")
        return
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(result.rows)


def plot_compare(result, path):
    """A few test series per horizon, with each model's forecast: the book's view."""
    from matplotlib.figure import Figure  # not pyplot: no process-wide state

    horizons = list(result.examples)
    n_cols = max(len(result.examples[h][0]) for h in horizons)
    figure = Figure(
        figsize=(4.2 * n_cols + 2, 3.2 * len(horizons)), layout="constrained"
    )
    axes = figure.subplots(len(horizons), n_cols, squeeze=False)
    for row, horizon in enumerate(horizons):
        X, y, forecasts = result.examples[horizon]
        past = np.arange(X.shape[1])
        future = np.arange(X.shape[1], X.shape[1] + horizon)
        for col, ax in enumerate(axes[row]):
            if col >= len(X):
                ax.set_visible(False)
                continue
            ax.plot(past, X[col], ".-", color="0.2", lw=1, ms=3, label="series")
            ax.plot(
                future, np.reshape(y[col], -1), "o", color="0.2", mfc="none",
                label="actual",
            )  # fmt: skip
            for k, (label, forecast) in enumerate(forecasts.items()):
                ax.plot(
                    future, np.reshape(forecast[col], -1), "x-", color=f"C{k % 10}",
                    lw=1, ms=5, label=label,
                )  # fmt: skip
            ax.set_title(f"test series {col + 1}, {_steps(horizon)} ahead", fontsize=10)
            ax.set_xlabel("time step")
            ax.grid(alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right upper", fontsize=9)
    figure.suptitle("rnnkit compare: the chapter's two-sine series")
    figure.savefig(path, dpi=100)


# --- pieces -----------------------------------------------------------------------


def _check_cells(cells, default):
    if not cells:
        return list(default)
    cells = _unique(cells)
    available = check_cells(
        [c for c in cells if c != "all"], "--cells", choices=" or 'all'"
    )
    return available if "all" in cells else cells


def _keras_backend():
    try:
        keras = import_keras()
    except ImportError as error:
        raise UsageError(str(error)) from None
    return keras.backend.backend()


def _naive_mse(data):
    forecast = NaiveForecaster().fit(data.X_train, data.y_train).predict(data.X_test)
    return _mse(data.y_test, forecast)


def _estimator(run_, plan):
    """The run's forecaster at rnnkit's defaults, but for what the user set."""
    if run_.model in NEURAL:
        return make_estimator(run_.model, cell=run_.cell, **plan.params)
    return make_estimator(run_.model)


def _fit_and_score(run_, data, plan, report):
    estimator = _estimator(run_, plan)
    start = time.perf_counter()
    estimator.fit(data.X_train, data.y_train, **epoch_params(estimator, report))
    seconds = time.perf_counter() - start
    forecast = estimator.predict(data.X_test)
    row = {
        **asdict(run_),  # model, cell, horizon
        "test_mse": _mse(data.y_test, forecast),
        "ratio_to_naive": None,
        "fit_seconds": round(seconds, 3),
        "seed_mse": SEED_FIGURES.get((run_.model, run_.cell, run_.horizon)),
    }
    return row, forecast


def _mse(y_true, y_pred):
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))


def _steps(horizon):
    return "1 step" if horizon == 1 else f"{horizon} steps"


def _unique(values):
    return list(dict.fromkeys(values))
