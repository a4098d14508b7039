"""``rnnkit forecast``: fit on a series from a CSV file and forecast what comes next.

The last 20 % of the series (at least ``horizon`` values) is the holdout. Models
train on the windows whose targets end before it and are scored on the windows
whose targets lie inside it (MSE and MASE), beside the naive forecast and, when
the series has a known season, the seasonal naive one. The chosen model is then
refit on every window of the series and forecasts from its last window. The
networks run at rnnkit's defaults, except for what the user sets.
"""

import time
from dataclasses import dataclass, field

import numpy as np

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
from ._models import MODELS, NEURAL, check_cells, make_estimator
from ._models import fit as fit_model
from ._series import (
    Series,
    format_time,
    import_pandas,
    next_times,
    read_series,
    season_of,
)

AUTO_CANDIDATES = ("naive", "seasonal", "linear", "rnn")
BASELINES = ("naive", "seasonal")  # scored beside any --model
HOLDOUT_FRACTION = 0.2
MIN_TRAIN_WINDOWS = 10
MAX_DEFAULT_N_STEPS = 50


@dataclass
class Plan:
    series: Series
    horizon: int
    n_steps: int
    n_holdout: int
    candidates: list
    model: str
    params: dict  # the networks' parameters the user set; the rest are defaults
    season: int | None = None  # for seasonal naive and MASE
    future_times: object = None  # the next horizon times, when times are given
    freq: str | None = None  # their pandas frequency alias, when one fits
    notes: list = field(default_factory=list)

    @property
    def holdout_start(self):
        return len(self.series.values) - self.n_holdout

    @property
    def n_train_windows(self):
        return self.holdout_start - self.n_steps - self.horizon + 1


@dataclass
class Result:
    plan: Plan
    scores: dict  # candidate -> holdout MSE
    mase: dict  # candidate -> holdout MASE
    chosen: str
    holdout_forecast: np.ndarray  # the chosen model, horizon by horizon
    forecast: np.ndarray
    fit_seconds: dict

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
    add_output_options(parser, output_help="write the forecast (.csv)")
    parser.set_defaults(run=run_command)


def run_command(args):
    output = check_output(args.output, (".csv",))
    plot = check_plot(args.plot)
    series = read_series(args.file, args.column, args.time_column)
    for message in series.notes:
        note(message, args.quiet)
    work = plan(
        series,
        horizon=args.horizon,
        n_steps=args.n_steps,
        model=args.model,
        season=args.season,
        cell=args.cell,
        epochs=args.epochs,
        random_state=args.random_state,
    )
    for message in work.notes:
        note(message, args.quiet)
    print(describe(work))
    with progress(args.quiet, len(work.candidates) + 1) as step:
        result = run(work, step)
    print(format_report(result))
    if output is not None:
        write_forecast(result, output)
        note(f"wrote {output}", args.quiet)
    if plot is not None:
        from ._figures import plot_forecast_figure

        plot_forecast_figure(result, plot)
        note(f"wrote {plot}", args.quiet)
    return 0


# --- the work -----------------------------------------------------------------


def default_n_steps(n_values):
    """A tenth of the series, at least 2 and at most 50 values."""
    return int(min(MAX_DEFAULT_N_STEPS, max(2, n_values // 10)))


def plan(
    series, *, horizon, n_steps, model, season=None, cell=None, epochs=None,
    random_state=None,
):  # fmt: skip
    """Check the options against the series; decide the windows and candidates.

    ``cell``, ``epochs`` and ``random_state`` go to the networks only when given;
    ``season`` defaults to the one of the times' frequency, if any.
    """
    if model not in (*MODELS, "auto"):
        raise UsageError(
            f"unknown model {model!r} for --model; choose from auto, "
            f"{', '.join(MODELS)}."
        )
    future_times, freq = next_times(series.times, horizon)
    season = season or season_of(freq)
    if model == "seasonal" and season is None:
        raise UsageError(
            "--model seasonal needs a season: give --season M, or a --time-column "
            "whose frequency has one (monthly, quarterly, weekly, daily, hourly)."
        )
    if cell is not None and model in (*NEURAL, "auto"):
        check_cells([cell], "--cell")
    params = {"cell": cell, "epochs": epochs, "random_state": random_state}
    params = {key: value for key, value in params.items() if value is not None}
    n_values = len(series.values)
    n_holdout = max(horizon, round(HOLDOUT_FRACTION * n_values))
    result = Plan(
        series, horizon, n_steps, n_holdout, [], model, params, season,
        future_times, freq,
    )  # fmt: skip
    result.n_steps = _window_length(result, n_steps)
    result.candidates = _candidates(result)
    if result.n_train_windows < MIN_TRAIN_WINDOWS:
        raise UsageError(
            f"{series.name!r} has {n_values} values, too few for --n-steps "
            f"{result.n_steps} and --horizon {horizon}: after holding out the last "
            f"{n_holdout} for testing, {max(0, result.n_train_windows)} training "
            f"windows remain and {MIN_TRAIN_WINDOWS} are needed; use a smaller "
            "--n-steps or --horizon, or a longer series."
        )
    return result


def _window_length(plan, n_steps):
    """``--n-steps``, else the default raised to a season when the series allows."""
    season = plan.season
    if n_steps is None:
        n_steps = default_n_steps(len(plan.series.values))
        longest = plan.holdout_start - plan.horizon + 1 - MIN_TRAIN_WINDOWS
        if season is not None and n_steps < season <= longest:
            n_steps = season
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
    n = len(series.values)
    span = ""
    if series.times is not None:
        span = f", {format_time(series.times[0])} to {format_time(series.times[-1])}"
        span += f" (frequency {plan.freq})" if plan.freq else ""
    span += f", season {plan.season}" if plan.season else ""
    n_test = plan.n_holdout - plan.horizon + 1
    return (
        f"{series.name!r} from {series.path}: {n} values{span}\n"
        f"windows of {plan.n_steps} steps, forecasting {plan.horizon} ahead; "
        f"holdout: the last {plan.n_holdout} values ({n_test} windows), "
        f"training: {plan.n_train_windows} windows"
    )


def run(plan, step):
    """Score the candidates on the holdout, then refit the chosen one on it all."""
    from .._windows import make_windows

    values, horizon, n_steps = plan.series.values, plan.horizon, plan.n_steps
    X, y = make_windows(values, n_steps, horizon)
    train = slice(0, plan.n_train_windows)
    test = slice(plan.holdout_start - n_steps, None)
    scores, mase, holdout, seconds = {}, {}, {}, {}
    scale = _mase_scale(plan)
    for name in plan.candidates:
        with step(f"{_label(name, plan)}: holdout fit") as report:
            estimator = _estimator(name, plan)
            start = time.perf_counter()
            fit_model(estimator, X[train], y[train], report)
            seconds[name] = time.perf_counter() - start
            forecast = estimator.predict(X[test]).reshape(-1, horizon)
        errors = forecast - y[test].reshape(-1, horizon)
        scores[name] = float(np.mean(errors**2))
        mase[name] = float(np.mean(np.abs(errors)) / scale) if scale else np.nan
        # Non-overlapping forecasts across the holdout, for the plot.
        holdout[name] = forecast[::horizon].ravel()[: plan.n_holdout]
    chosen = plan.model if plan.model != "auto" else min(scores, key=scores.get)
    with step(f"{_label(chosen, plan)}: refit on the whole series") as report:
        estimator = fit_model(_estimator(chosen, plan), X, y, report)
        future = estimator.predict(values[None, -n_steps:]).reshape(horizon)
    return Result(plan, scores, mase, chosen, holdout[chosen], future, seconds)


def format_report(result):
    """Holdout errors beside naive, then the forecast, as plain text."""
    plan = result.plan
    naive = result.scores["naive"]
    lines = [
        f"holdout MSE and MASE (last {plan.n_holdout} values; MASE scaled by the "
        f"training part's {_mase_naive(plan)} error):"
    ]
    width = max(len(_label(name, plan)) for name in result.scores)
    for name, mse in result.scores.items():
        mark = "  <- chosen" if name == result.chosen else ""
        ratio = mse / naive if naive > 0 else float("nan")
        lines.append(
            f"  {_label(name, plan):<{width}}  {mse:<10.4g}  {ratio:6.3f} x naive  "
            f"MASE {result.mase[name]:6.3f}  fit {result.fit_seconds[name]:5.1f} s"
            f"{mark}"
        )
    how = "the lowest holdout MSE" if plan.model == "auto" else "--model"
    lines.append(
        f"{_label(result.chosen, plan)} ({how}), refit on all "
        f"{len(plan.series.values)} values; the next {plan.horizon}:"
    )
    lines.append(_forecast_frame(result).to_string(index=False))
    return "\n".join(lines)


def write_forecast(result, path):
    _forecast_frame(result).to_csv(path, index=False)


# --- fitting --------------------------------------------------------------------------


def _estimator(name, plan):
    """The candidate ``name`` at rnnkit's defaults, but for what the user set."""
    return make_estimator(name, season=plan.season, **plan.params)


def _label(name, plan):
    if name == "seasonal":
        return "seasonal naive"
    if name in NEURAL:
        return f"{name} {_estimator(name, plan).cell}"
    return name


def _mase_period(plan):
    """The season, if the training part holds more than one; else 1."""
    season = plan.season
    return season if season is not None and season < plan.holdout_start else 1


def _mase_naive(plan):
    period = _mase_period(plan)
    return "naive" if period == 1 else f"seasonal naive (m={period})"


def _mase_scale(plan):
    """MASE's denominator: the in-sample mean absolute (seasonal) naive error."""
    train, period = plan.series.values[: plan.holdout_start], _mase_period(plan)
    return float(np.mean(np.abs(train[period:] - train[:-period])))


def _forecast_frame(result):
    pd = import_pandas()
    plan = result.plan
    if plan.future_times is None:
        n = len(plan.series.values)
        index_name, index = "step", np.arange(n, n + plan.horizon)
    else:
        index_name, index = plan.series.time_name, plan.future_times
    return pd.DataFrame({index_name: index, plan.series.name: result.forecast})
