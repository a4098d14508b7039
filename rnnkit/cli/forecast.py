"""``rnnkit forecast``: fit on a series from a CSV file and forecast what comes next.

The series is read as a pandas Series (:mod:`._series`). Each candidate model,
wrapped in a :class:`~rnnkit.SeriesForecaster`, is scored by
:func:`~rnnkit.backtest`: refit at the last ``--origins`` origins, a horizon
apart, it forecasts the next ``--horizon`` values from each, beside the naive
forecast and, when the series has a known season, the seasonal naive one. The
chosen model is then refit on the whole series with split-conformal
calibration and forecasts the next values with their intervals. The networks
run at rnnkit's defaults, except for what the user sets.
"""

import argparse
import time
import warnings
from dataclasses import dataclass, field

import pandas as pd

from .. import SeriesForecaster, backtest
from .._metrics import coverage_label
from .._panel import MAX_AUTO_PROFILE_SERIES
from .._plotting import plot_forecast
from .._time_index import season_of
from ._common import (
    UsageError,
    add_output_options,
    check_output,
    check_plot,
    note,
    positive_int,
    progress,
    season_length,
)
from ._models import (
    AUTO_CANDIDATES,
    BASELINES,
    MODELS,
    NEURAL,
    check_cells,
    default_n_steps,
    epoch_params,
    make_estimator,
)
from ._panel import run_panel_command
from ._series import Series, format_time, read_series

DEFAULT_ORIGINS = 3
DEFAULT_COVERAGE = (0.8, 0.95)
MIN_TRAIN_WINDOWS = 10


@dataclass
class Plan:
    series: Series
    horizon: int
    n_steps: int
    n_origins: int
    candidates: list
    model: str
    params: dict  # the networks' parameters the user set; the rest are defaults
    coverages: tuple = DEFAULT_COVERAGE
    season: int | None = None  # for seasonal naive and the default window
    notes: list = field(default_factory=list)

    @property
    def n_backtest(self):
        """Values the backtest forecasts: a horizon from each origin."""
        return self.n_origins * self.horizon

    @property
    def first_origin(self):
        """Values the first backtest origin trains on."""
        return len(self.series.values) - self.n_backtest

    @property
    def n_train_windows(self):
        return self.first_origin - self.n_steps - self.horizon + 1


@dataclass
class Result:
    plan: Plan
    summaries: dict  # candidate -> backtest summary (mae, rmse, mase, smape)
    seconds: dict  # candidate -> seconds its backtest took
    chosen: str
    backtest: pd.DataFrame  # the chosen model's backtest forecasts
    forecast: pd.Series
    intervals: pd.DataFrame  # lower_80, upper_80, ... per coverage
    notes: list = field(default_factory=list)

    @property
    def chosen_label(self):
        """The chosen model as the report names it (``rnn gru``)."""
        return _label(self.chosen, self.plan)


# --- the command -------------------------------------------------------------


def add_command(subparsers):
    parser = subparsers.add_parser(
        "forecast",
        help="forecast the next values of a series in a CSV file",
        description=(
            "Forecast a column of a CSV file. Each model is backtested: refit "
            "on the series up to each of the last --origins origins (a horizon "
            "apart), it forecasts the next --horizon values from each, and its errors "
            "(RMSE, MASE, sMAPE) are reported beside the naive forecast's, and "
            "the seasonal naive one's when the season is known. The chosen "
            "model is then refit on the whole series and forecasts the next "
            "--horizon values, with split-conformal intervals. The networks "
            "use rnnkit's defaults but for the options given."
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
        help="dates, or whole numbers such as years; rows are sorted by them, "
        "times missing at their frequency are filled in, and the forecast "
        "continues them (default: none, the forecast is numbered by position)",
    )
    parser.add_argument(
        "--id-column",
        metavar="NAME",
        help="many series in one long file: the column naming each row's series; "
        "one model is trained on all of them and forecasts each (docs/panel.md)",
    )
    parser.add_argument(
        "--identity",
        choices=("auto", "one_hot", "profile", "none"),
        help="with --id-column: the features that tell the networks which "
        "series a window is from (docs/panel.md); auto (default): profile up to "
        f"{MAX_AUTO_PROFILE_SERIES} series, none above, as SeriesForecaster; "
        "none pools the series as if alike. Naive and linear models take none",
    )
    parser.add_argument(
        "--horizon",
        type=positive_int,
        default=10,
        metavar="H",
        help="values to forecast (default: 10)",
    )
    parser.add_argument(
        "--n-steps",
        type=positive_int,
        metavar="N",
        help="window length (default: a tenth of the series, between 2 and 50, "
        "raised to a season if the series allows)",
    )
    parser.add_argument(
        "--season",
        type=season_length,
        metavar="M",
        help="values in a season, for seasonal naive (default: from the time "
        "column's frequency: monthly 12, quarterly 4, weekly 52, daily 7, "
        "hourly 24, business-daily 5; else none)",
    )
    parser.add_argument(
        "--model",
        default="auto",
        metavar="MODEL",
        help="naive, seasonal, linear, rnn, seq2seq, or auto (default): the one "
        "of naive, seasonal naive (with a season), linear and rnn with the "
        "lowest backtest RMSE",
    )
    parser.add_argument(
        "--cell", help="cell for rnn and seq2seq (default: the estimators' default)"
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        help="training epochs of rnn and seq2seq (default: the estimators' default)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="N",
        help="seed of the networks, so that a run can be repeated (default: 0)",
    )
    parser.add_argument(
        "--origins",
        type=positive_int,
        default=DEFAULT_ORIGINS,
        metavar="N",
        help="backtest origins: each model is refit N times, on the series up to "
        f"N, N-1, ..., 1 horizons before its end (default: {DEFAULT_ORIGINS})",
    )
    parser.add_argument(
        "--coverage",
        type=coverages,
        default=DEFAULT_COVERAGE,
        metavar="P[,P...]",
        help="prediction intervals to write, in percent or as fractions "
        "(default: 80,95, the 80%% and 95%% intervals: columns lower_80, "
        "upper_80, lower_95, upper_95)",
    )
    add_output_options(
        parser, output_help="write the forecast and its intervals (.csv)"
    )
    parser.set_defaults(run=run_command)


def coverages(text):
    """``--coverage 80,95`` (or ``0.8,0.95``) as sorted fractions."""
    levels = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            value = float("nan")
        if 1 < value < 100:
            value /= 100
        if not 0 < value < 1:
            raise argparse.ArgumentTypeError(
                "expected coverages in percent (or fractions) separated by "
                f"commas, such as 80,95 or 0.9, each below 100 %, got {text!r}"
            )
        levels.append(value)
    return tuple(sorted(set(levels)))


def run_command(args):
    output = check_output(args.output, (".csv",))
    plot = check_plot(args.plot)
    if args.id_column is not None:
        return run_panel_command(args, output, plot)
    if args.identity is not None:
        raise UsageError(
            "--identity tells the series of a panel apart: give --id-column too."
        )
    series = read_series(args.file, args.column, args.time_column)
    note(*series.notes, quiet=args.quiet)
    work = plan(
        series,
        horizon=args.horizon,
        n_steps=args.n_steps,
        model=args.model,
        season=args.season,
        cell=args.cell,
        epochs=args.epochs,
        random_state=args.random_state,
        n_origins=args.origins,
        coverage=args.coverage,
    )
    note(*work.notes, quiet=args.quiet)
    print(describe(work))
    with progress(args.quiet, len(work.candidates) + 1) as step:
        result = run(work, step)
    note(*result.notes, quiet=args.quiet)
    print(format_report(result))
    if output is not None:
        _forecast_frame(result).to_csv(output, index=False)
        note(f"wrote {output}", quiet=args.quiet)
    if plot is not None:
        plot_forecast_figure(result, plot)
        note(f"wrote {plot}", quiet=args.quiet)
    return 0


# --- the work -----------------------------------------------------------------


def plan(
    series, *, horizon, n_steps, model, season=None, cell=None, epochs=None,
    random_state=None, n_origins=DEFAULT_ORIGINS, coverage=DEFAULT_COVERAGE,
):  # fmt: skip
    """Check the options against the series; decide the windows and candidates.

    ``cell``, ``epochs`` and ``random_state`` go to the networks only when given;
    ``season`` defaults to the one of the dates' frequency, if any.
    """
    if model not in (*MODELS, "auto"):
        raise UsageError(
            f"unknown model {model!r} for --model; choose from auto, "
            f"{', '.join(MODELS)}."
        )
    season = season or season_of(series.freq)
    if model == "seasonal" and season is None:
        raise UsageError(
            "--model seasonal needs a season: give --season M, or a --time-column "
            "whose frequency has one (monthly, quarterly, weekly, daily, hourly)."
        )
    if cell is not None and model in (*NEURAL, "auto"):
        check_cells([cell], "--cell")
    params = {"cell": cell, "epochs": epochs, "random_state": random_state}
    params = {key: value for key, value in params.items() if value is not None}
    result = Plan(
        series, horizon, n_steps, n_origins, [], model, params, tuple(coverage),
        season,
    )  # fmt: skip
    result.n_steps = _window_length(result, n_steps)
    result.candidates = _candidates(result)
    if result.n_train_windows < MIN_TRAIN_WINDOWS:
        raise UsageError(
            f"{series.name!r} has {len(series.values)} values, too few for "
            f"--n-steps {result.n_steps} and --horizon {horizon}: after setting "
            f"aside the last {result.n_backtest} for the backtest's {n_origins} "
            f"origin(s), {max(0, result.n_train_windows)} training windows remain "
            f"and {MIN_TRAIN_WINDOWS} are needed; use a smaller --n-steps, "
            "--horizon or --origins, or a longer series."
        )
    return result


def _window_length(plan, n_steps):
    """``--n-steps``, else the default raised to a season when the series allows."""
    if n_steps is None:
        n_steps = default_n_steps(len(plan.series.values))
        longest = plan.first_origin - plan.horizon + 1 - MIN_TRAIN_WINDOWS
        if plan.season is not None and n_steps < plan.season <= longest:
            n_steps = plan.season
    return n_steps


def _candidates(plan):
    """The baselines (seasonal naive when windows hold a season), then the model."""
    seasonal = plan.season is not None and plan.n_steps >= plan.season
    if plan.model == "seasonal" and not seasonal:
        raise UsageError(
            f"--model seasonal needs windows of at least a season ({plan.season} "
            f"values), but they have {plan.n_steps}; use --n-steps {plan.season} "
            "or more."
        )
    if plan.season is not None and not seasonal:
        plan.notes.append(
            f"seasonal naive left out: windows of {plan.n_steps} values are "
            f"shorter than the season ({plan.season}); use --n-steps "
            f"{plan.season} or more to include it"
        )
    names = AUTO_CANDIDATES if plan.model == "auto" else (*BASELINES, plan.model)
    return [name for name in dict.fromkeys(names) if name != "seasonal" or seasonal]


def describe(plan):
    """What will be fitted, in two lines."""
    series = plan.series
    index = series.data.index
    span = ""
    if not isinstance(index, pd.RangeIndex):
        span = f", {format_time(index[0])} to {format_time(index[-1])}"
        span += f" (frequency {series.freq})" if series.freq else ""
    span += f", season {plan.season}" if plan.season else ""
    origins = "1 origin" if plan.n_origins == 1 else f"{plan.n_origins} origins"
    return (
        f"{series.name!r} from {series.path}: {len(series.values)} values{span}\n"
        f"windows of {plan.n_steps} steps, forecasting {plan.horizon} ahead; "
        f"backtest: {origins} {plan.horizon} apart over the last "
        f"{plan.n_backtest} values, the first fitted on {plan.n_train_windows} "
        "windows"
    )


def run(plan, step):
    """Backtest the candidates, then refit the chosen one on the whole series."""
    y = plan.series.data
    summaries, seconds, backtests = {}, {}, {}
    for name in plan.candidates:
        label = f"{_label(name, plan)}: backtest, {plan.n_origins} origin(s)"
        with step(label) as report:
            start = time.perf_counter()
            model = _series_forecaster(name, plan, calibration=None)
            backtests[name], summaries[name] = backtest(
                model,
                y,
                n_origins=plan.n_origins,
                fit_params=epoch_params(model.forecaster, report),
            )
            seconds[name] = time.perf_counter() - start
    chosen = plan.model
    if chosen == "auto":
        chosen = min(summaries, key=lambda name: summaries[name]["rmse"])
    with step(f"{_label(chosen, plan)}: refit on the whole series") as report:
        model = _series_forecaster(chosen, plan)
        model.fit(y, **epoch_params(model.forecaster, report))
        forecast = model.predict()
        intervals, notes = _intervals(model, plan.coverages)
    return Result(
        plan, summaries, seconds, chosen, backtests[chosen], forecast, intervals,
        notes,
    )  # fmt: skip


def _intervals(model, coverages):
    """The intervals per coverage, and a note if some have too few errors."""
    columns, short = [], []
    for level in coverages:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            columns.append(model.predict_interval(level))
        if caught:  # too few calibration errors for this coverage
            short.append(f"{coverage_label(level)} %")
    notes = []
    if short:
        which = (
            f"the {short[0]} interval: its bounds use the largest error, so it"
            if len(short) == 1
            else f"the {' and '.join(short)} intervals: their bounds use the "
            "largest error, so they"
        )
        notes.append(
            f"only {len(model.calibration_errors_)} forecast origins calibrate the "
            f"intervals, too few for {which} may hold the actual values less "
            "often; a longer series gives more"
        )
    return pd.concat(columns, axis=1), notes


def format_report(result):
    """Backtest errors beside naive, then the forecast, as plain text."""
    plan = result.plan
    naive = result.summaries["naive"]["rmse"]
    width = max(len(_label(name, plan)) for name in result.summaries)
    lines = [
        f"backtest errors over the last {plan.n_backtest} values (MASE scaled by "
        f"the in-sample {_mase_naive(plan)} error up to each origin):",
        f"  {'model':<{width}}  {'RMSE':<10}  x naive  {'MASE':>6}  {'sMAPE':>7}  time",
    ]
    for name, summary in result.summaries.items():
        mark = "  <- chosen" if name == result.chosen else ""
        ratio = summary["rmse"] / naive if naive > 0 else float("nan")
        lines.append(
            f"  {_label(name, plan):<{width}}  {summary['rmse']:<10.4g}  "
            f"{ratio:7.3f}  {summary['mase']:6.3f}  {summary['smape']:6.2f}%  "
            f"{result.seconds[name]:5.1f} s{mark}"
        )
    how = "the lowest backtest RMSE" if plan.model == "auto" else "--model"
    levels = " and ".join(f"{coverage_label(c)} %" for c in plan.coverages)
    lines.append(
        f"{result.chosen_label} ({how}), refit on all {len(plan.series.values)} "
        f"values; the next {plan.horizon}, with {levels} conformal intervals:"
    )
    lines.append(_forecast_frame(result).to_string(index=False))
    return "\n".join(lines)


def plot_forecast_figure(result, path):
    """The whole series and the fan; below, the backtest's forecasts and the fan."""
    from matplotlib.figure import Figure  # not pyplot: no process-wide state

    plan = result.plan
    y, label = plan.series.data, result.chosen_label
    figure = Figure(figsize=(10, 6.5), layout="constrained")
    whole, zoom = figure.subplots(2, 1)
    plot_forecast(y, result.forecast, result.intervals, ax=whole, n_history=len(y))
    backtest = result.backtest
    zoom.axvspan(backtest["date"].iloc[0], y.index[-1], color="0.92", label="backtest")
    for k, (_, rows) in enumerate(backtest.groupby("origin", sort=False)):
        zoom.plot(
            rows["date"], rows["forecast"], "--", color="C1", lw=1.2,
            label=None if k else f"{label}, backtest ({plan.horizon} ahead)",
        )  # fmt: skip
    recent = min(len(y), plan.n_backtest + plan.horizon)
    plot_forecast(y, result.forecast, result.intervals, ax=zoom, n_history=recent)
    whole.set_title(f"{plan.series.name}: the whole series and the forecast")
    zoom.set_title(f"the backtest and the forecast: {label}")
    zoom.set_xlabel(plan.series.index_name)
    figure.suptitle(f"rnnkit forecast: {plan.series.path}")
    figure.savefig(path, dpi=100)


# --- the models -------------------------------------------------------------------


def _estimator(name, plan):
    """The candidate ``name`` at rnnkit's defaults, but for what the user set."""
    return make_estimator(name, season=plan.season, **plan.params)


def _series_forecaster(name, plan, **params):
    return SeriesForecaster(
        _estimator(name, plan), n_steps=plan.n_steps, horizon=plan.horizon, **params
    )


def _label(name, plan):
    if name == "seasonal":
        return "seasonal naive"
    if name in NEURAL:
        return f"{name} {_estimator(name, plan).cell}"
    return name


def _mase_naive(plan):
    """The naive forecast MASE is scaled by: seasonal when the dates have one."""
    season = season_of(plan.series.freq)
    return "naive" if season is None else f"seasonal naive (m={season})"


def _forecast_frame(result):
    frame = pd.concat([result.forecast, result.intervals], axis=1)
    return frame.rename_axis(result.plan.series.index_name).reset_index()
