"""``rnnkit forecast``: fit on a series from a CSV file and forecast what comes next.

The last 20 % of the series (at least ``horizon`` values) is the holdout. Models
train on the windows whose targets end before it and are scored on the windows
whose targets lie inside it (MSE and MASE), beside the naive forecast and, when
the series has a known season, the seasonal naive one. The chosen model is then
refit on every window of the series and forecasts from its last window. The
networks run at rnnkit's defaults, except for what the user sets.
"""

import os
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._cli import UsageError, report_epochs

MODELS = ("naive", "seasonal", "linear", "rnn", "seq2seq")
NEURAL = ("rnn", "seq2seq")
AUTO_CANDIDATES = ("naive", "seasonal", "linear", "rnn")
BASELINES = ("naive", "seasonal")  # scored beside any --model
HOLDOUT_FRACTION = 0.2
MIN_TRAIN_WINDOWS = 10
MAX_DEFAULT_N_STEPS = 50
# Season length by pandas frequency alias (without its anchor, such as -DEC).
SEASONS = {
    **dict.fromkeys(("MS", "ME", "M", "BMS", "BME", "BM"), 12),
    **dict.fromkeys(("QS", "QE", "Q", "BQS", "BQE", "BQ"), 4),
    "W": 52,
    "D": 7,
    **dict.fromkeys(("h", "H"), 24),
    "B": 5,
}


@dataclass
class Series:
    values: np.ndarray
    name: str
    path: str
    times: object = None  # a pandas DatetimeIndex, a numeric array, or None
    time_name: str | None = None
    notes: list = field(default_factory=list)


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


def read_series(path, column=None, time_column=None):
    """Read one numeric column (and optionally its times) from a CSV file."""
    pd = _import_pandas()
    if os.path.isdir(path):
        raise UsageError(f"{path} is a folder; give the path of a CSV file.")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file; give the path of a CSV file.")
    try:
        frame = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise UsageError(f"{path}: not a readable CSV file ({reason}).") from None
    column = _choose_column(frame, path, column, time_column)
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {column!r} of {path} is not numeric: line {row + 2} holds "
            f"{frame[column].iloc[row]!r}; choose a numeric column with --column."
        )
    _check_finite(values, frame[column], column, path)
    series = Series(values=None, name=column, path=path, time_name=time_column)
    if time_column is not None:
        times = _parse_times(frame[time_column], time_column, path)
        values, times = _order_by_time(values, times, series)
    else:
        times = None
    keep = values.notna().to_numpy()
    if not keep.any():
        raise UsageError(f"column {column!r} of {path} holds no numbers.")
    first, last = np.flatnonzero(keep)[[0, -1]]
    if first > 0 or last < len(values) - 1:
        series.notes.append(
            f"dropped {first} row(s) at the start and {len(values) - 1 - last} "
            f"at the end where {column!r} is blank"
        )
    values = values.iloc[first : last + 1]
    n_missing = int(values.isna().sum())
    if n_missing:
        values = values.interpolate()
        series.notes.append(
            f"filled {n_missing} missing value(s) of {column!r} by linear interpolation"
        )
    series.values = values.to_numpy(dtype=np.float64)
    series.times = None if times is None else times[first : last + 1]
    if series.times is not None:
        series.notes += _gap_notes(series.times, time_column)
    return series


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
    future_times, freq = _future_times(series.times, horizon)
    season = season or season_of(freq)
    if model == "seasonal" and season is None:
        raise UsageError(
            "--model seasonal needs a season: give --season M, or a --time-column "
            "whose frequency has one (monthly, quarterly, weekly, daily, hourly)."
        )
    if cell is not None and model in (*NEURAL, "auto"):
        _check_cell(cell)
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


def season_of(freq):
    """The season length of a pandas frequency alias, or None (yearly, unknown)."""
    if freq is None:
        return None
    pd = _import_pandas()
    offset = pd.tseries.frequencies.to_offset(freq)
    if offset.n != 1:
        return None
    return SEASONS.get(offset.rule_code.split("-")[0])


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
        span = f", {_format_time(series.times[0])} to {_format_time(series.times[-1])}"
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
    from ._windows import make_windows

    values, horizon, n_steps = plan.series.values, plan.horizon, plan.n_steps
    X, y = make_windows(values, n_steps, horizon)
    train = slice(0, plan.n_train_windows)
    test = slice(plan.holdout_start - n_steps, None)
    scores, mase, holdout, seconds = {}, {}, {}, {}
    scale = _mase_scale(plan)
    for name in plan.candidates:
        with step(f"{_label(name, plan)}: holdout fit") as report:
            estimator = report_epochs(_estimator(name, plan), report)
            start = time.perf_counter()
            estimator.fit(X[train], y[train])
            seconds[name] = time.perf_counter() - start
            forecast = estimator.predict(X[test]).reshape(-1, horizon)
        errors = forecast - y[test].reshape(-1, horizon)
        scores[name] = float(np.mean(errors**2))
        mase[name] = float(np.mean(np.abs(errors)) / scale) if scale else np.nan
        # Non-overlapping forecasts across the holdout, for the plot.
        holdout[name] = forecast[::horizon].ravel()[: plan.n_holdout]
    chosen = plan.model if plan.model != "auto" else min(scores, key=scores.get)
    with step(f"{_label(chosen, plan)}: refit on the whole series") as report:
        estimator = report_epochs(_estimator(chosen, plan), report).fit(X, y)
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


# --- reading ------------------------------------------------------------------------


def _import_pandas():
    try:
        import pandas
    except ImportError:
        from ._install import install_extra

        raise UsageError(
            "rnnkit forecast reads CSV files with pandas, which is not installed: "
            f"{install_extra('forecast')}."
        ) from None
    return pandas


def _choose_column(frame, path, column, time_column):
    columns = [str(c) for c in frame.columns]
    listing = ", ".join(columns)
    for option, name in (("--column", column), ("--time-column", time_column)):
        if name is not None and name not in frame.columns:
            raise UsageError(
                f"{path} has no column {name!r}; its columns are: {listing}. "
                f"Name one with {option}."
            )
    if column is not None:
        return column
    numeric = [
        c
        for c in frame.columns
        if c != time_column and frame[c].dtype.kind in "iuf" and frame[c].notna().any()
    ]
    if len(numeric) != 1:
        raise UsageError(
            f"{path} has {len(numeric)} numeric columns besides the time column; "
            f"name the one to forecast with --column (columns: {listing})."
        )
    return numeric[0]


def _check_finite(values, raw, column, path):
    infinite = np.isinf(values.to_numpy(dtype=np.float64))
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        text = raw.iloc[row]
        text = repr(text) if isinstance(text, str) else str(float(text))
        raise UsageError(
            f"column {column!r} of {path} holds an infinite value: line {row + 2} "
            f"holds {text}; correct it, or leave it blank to have it interpolated."
        )


def _gap_notes(times, name):
    """A note when the times skip steps: the models take the rows as evenly spaced."""
    pd = _import_pandas()
    if len(times) < 3:
        return []
    if isinstance(times, pd.DatetimeIndex):
        freq = _infer_freq(times)
        if freq is not None:
            expected = pd.date_range(times[0], times[-1], freq=freq)
            missing = expected.difference(times)
            if len(missing) == 0:
                return []
            return [
                f"{len(missing)} time(s) missing from {name!r} at its frequency "
                f"{freq}, the first {_format_time(missing[0])}; the rows are "
                "used as if evenly spaced"
            ]
        steps = np.diff(times.asi8)
    else:
        steps = np.diff(np.asarray(times, dtype=np.float64))
    step = np.median(steps)
    gaps = np.flatnonzero(steps > 1.5 * step)
    if len(gaps) == 0:
        return []
    return [
        f"{len(gaps)} gap(s) in {name!r} longer than its usual step, the first "
        f"after {_format_time(times[gaps[0]])}; the rows are used as if evenly "
        "spaced"
    ]


def _parse_times(raw, name, path):
    pd = _import_pandas()
    if raw.dtype.kind in "iuf":
        return pd.Index(
            raw.to_numpy(dtype=np.float64 if raw.dtype.kind == "f" else int)
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # format inference
        times = pd.to_datetime(raw, errors="coerce")
    bad = times.isna() & raw.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {name!r} of {path} does not hold dates or times: line "
            f"{row + 2} holds {raw.iloc[row]!r}; name the right one with "
            "--time-column, or leave it out."
        )
    return pd.DatetimeIndex(times)


def _order_by_time(values, times, series):
    pd = _import_pandas()
    keep = ~pd.isna(times)
    values, times = values[keep].reset_index(drop=True), times[keep]
    if not times.is_monotonic_increasing:
        order = np.argsort(times.to_numpy(), kind="stable")
        values, times = values.iloc[order].reset_index(drop=True), times[order]
        series.notes.append(f"sorted the rows by {series.time_name!r}")
    if times.has_duplicates:
        repeated = times[times.duplicated()][0]
        raise UsageError(
            f"column {series.time_name!r} of {series.path} repeats "
            f"{_format_time(repeated)}; the series needs one row per time."
        )
    return values, times


def _check_cell(cell):
    from ._cells import available_cells

    available = available_cells()
    if cell not in available:
        raise UsageError(
            f"unknown cell {cell!r} for --cell; choose from {', '.join(available)} "
            "(plugins add more cells: `rnnkit plugins` lists them)."
        )


# --- fitting --------------------------------------------------------------------------


def _estimator(name, plan):
    """The candidate ``name`` at rnnkit's defaults, but for what the user set."""
    from . import LinearForecaster, NaiveForecaster, RNNForecaster, Seq2SeqForecaster

    if name == "naive":
        return NaiveForecaster()
    if name == "seasonal":
        return NaiveForecaster(strategy="seasonal", season_length=plan.season)
    if name == "linear":
        return LinearForecaster()
    neural = RNNForecaster if name == "rnn" else Seq2SeqForecaster
    return neural(**plan.params)


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


# --- the forecast's times -----------------------------------------------------------


def _future_times(times, horizon):
    """The next ``horizon`` times, and the pandas frequency alias if one fits."""
    if times is None:
        return None, None
    pd = _import_pandas()
    if not isinstance(times, pd.DatetimeIndex):
        values = np.asarray(times)
        step_size = np.median(np.diff(values)) if len(values) > 1 else 1
        if values.dtype.kind in "iu" and float(step_size).is_integer():
            step_size = int(step_size)  # years stay whole years
        return values[-1] + step_size * np.arange(1, horizon + 1), None
    freq = _infer_freq(times)
    if freq is not None:
        return pd.date_range(times[-1], periods=horizon + 1, freq=freq)[1:], freq
    step_size = pd.Series(times).diff().median()
    return times[-1] + step_size * np.arange(1, horizon + 1), None


def _infer_freq(times):
    pd = _import_pandas()
    # The whole index first; then its recent end, in case of an early gap.
    for part in (times, times[-25:]):
        if len(part) >= 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                freq = pd.infer_freq(part)
            if freq is not None:
                return freq
    return None


def _format_time(value):
    if hasattr(value, "strftime"):
        has_clock = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value.strftime("%Y-%m-%d %H:%M:%S" if has_clock else "%Y-%m-%d")
    return f"{value:g}"


def _forecast_frame(result):
    pd = _import_pandas()
    plan = result.plan
    if plan.future_times is None:
        n = len(plan.series.values)
        index_name, index = "step", np.arange(n, n + plan.horizon)
    else:
        index_name, index = plan.series.time_name, plan.future_times
    return pd.DataFrame({index_name: index, plan.series.name: result.forecast})
