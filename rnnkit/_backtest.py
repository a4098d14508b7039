"""``backtest``: rolling-origin evaluation of a ``SeriesForecaster``.

At each origin the forecaster is refitted on the series up to the origin and
forecasts the next ``horizon`` values, which are compared with what happened.
Origins are the last ``n_origins`` ones, ``step`` values apart (by default the
horizon, so forecasts do not overlap). Origins run in parallel with joblib;
each is independent, so the numbers do not depend on ``n_jobs``.
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone

from ._metrics import coverage_label, mase, naive_error, smape
from ._panel import read_panel
from ._panel_exog import read_panel_exog
from ._series import SeriesForecaster
from ._series_data import check_coverages
from ._sklearn_compat import Interval, validate_params


@dataclass(frozen=True)
class BacktestResult:
    """What :func:`backtest` measured.

    Attributes
    ----------
    forecasts : pandas DataFrame
        One row per origin and step ahead: ``origin`` (the last time the
        forecaster saw), ``step`` (1 to horizon), ``date`` (the time forecast;
        positions for an array), ``actual``, ``forecast``, and with
        ``coverage``, ``lower_90``/``upper_90`` per coverage.
    summary : pandas Series
        ``mae``, ``rmse``, ``mase`` (the mean over origins of the error scaled
        by the in-sample naive error up to that origin, seasonal when the
        dates have a season), ``smape`` (percent), and with ``coverage``,
        ``coverage_90`` (the share of actual values inside the interval) and
        ``width_90`` (its mean width) per coverage. For a panel, over every
        series.
    per_series : pandas DataFrame or None
        For a panel, the summary of each series, one row per series id; None
        for one series.
    """

    forecasts: pd.DataFrame
    summary: pd.Series
    per_series: pd.DataFrame | None = None

    def __iter__(self):  # forecasts, summary = backtest(...)
        return iter((self.forecasts, self.summary))


@validate_params(
    {
        "forecaster": [SeriesForecaster],
        "y": ["array-like", dict],
        "n_origins": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Integral, 1, None, closed="left"), None],
        "exog": ["array-like", dict, None],
        "coverage": [list, tuple, float, None],
        "n_jobs": [Integral, None],
        "fit_params": [dict, None],
    },
    prefer_skip_nested_validation=False,
)
def backtest(
    forecaster,
    y,
    *,
    n_origins=5,
    step=None,
    exog=None,
    coverage=None,
    n_jobs=None,
    fit_params=None,
):
    """Refit at each of the last ``n_origins`` origins and score the forecasts.

    Parameters
    ----------
    forecaster : SeriesForecaster
        The forecaster to evaluate (unfitted is fine; it is cloned per origin).
        Without ``coverage`` its calibration is switched off, so each origin
        fits once.
    y : series or panel
        The whole series: an array of shape (n_times,), a pandas Series or a
        one-column DataFrame; or many series as ``SeriesForecaster.fit``
        takes them (long, wide, dict), each cut at the same distance from its
        own end, one global model fitted per origin.
    n_origins : int, default=5
        How many forecast origins, the last of them ``horizon`` values before
        the end of ``y``.
    step : int, default=None
        Values between consecutive origins; None is the horizon.
    exog : array-like of shape (n_times, n_covariates), DataFrame or dict, default=None
        Covariates, one row per value of ``y``, in the layout
        ``SeriesForecaster.fit`` takes with ``y`` (for a panel: a long frame, a
        dict by series, or an array shared by a wide frame's columns); each
        series' are cut at its origins as its values are.
    coverage : float or list of float, default=None
        Also measure prediction intervals of these coverages.
    n_jobs : int, default=None
        Origins fitted in parallel (joblib; -1 for every core).
    fit_params : dict, default=None
        Passed to every fit, as ``SeriesForecaster.fit(y, **fit_params)``
        (e.g. ``{"callbacks": [...]}`` for a network's progress).

    Returns
    -------
    result : BacktestResult
        ``result.forecasts`` (a DataFrame, one row per origin and step) and
        ``result.summary`` (MAE, RMSE, MASE, sMAPE; coverage and width per
        coverage); it unpacks as ``forecasts, summary``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnkit import LinearForecaster, SeriesForecaster, backtest
    >>> rng = np.random.default_rng(0)
    >>> y = np.sin(np.arange(120) / 6) + rng.normal(0, 0.1, 120)
    >>> model = SeriesForecaster(LinearForecaster(), n_steps=12, horizon=6)
    >>> forecasts, summary = backtest(model, y, n_origins=3, coverage=0.9)
    >>> forecasts.columns.tolist()
    ['origin', 'step', 'date', 'actual', 'forecast', 'lower_90', 'upper_90']
    >>> summary.round(2)
    mae             0.07
    rmse            0.10
    mase            0.52
    smape          15.06
    coverage_90     0.94
    width_90        0.47
    dtype: float64
    """
    coverages = None if coverage is None else check_coverages(coverage)
    panel = read_panel(
        y,
        missing=forecaster.missing,
        id_column=forecaster.id_column,
        time_column=forecaster.time_column,
        target_column=forecaster.target_column,
    )
    panel = read_panel_exog(
        exog,
        y,
        panel,
        id_column=forecaster.id_column,
        time_column=forecaster.time_column,
    )
    model = clone(forecaster)
    if coverages is None:
        model.set_params(calibration=None)
    horizon = model._horizon()
    step = horizon if step is None else step
    if panel.layout != "series":
        return _backtest_panel(
            model, panel, n_origins, step, coverages, n_jobs, fit_params or {}
        )
    values, axis = panel.values[0], panel.axes[0]
    cutoffs = [len(values) - horizon - k * step for k in range(n_origins)][::-1]
    shortest = forecaster.n_steps + horizon
    if cutoffs[0] < shortest:
        raise ValueError(
            f"y has {len(values)} values, too few for n_origins={n_origins} origins "
            f"{step} apart: the first would train on {max(cutoffs[0], 0)} values, "
            f"and n_steps + horizon = {shortest} are needed; use fewer origins or a "
            "smaller step."
        )
    times = _times(y, axis, len(values))
    exog = None if panel.exog is None else panel.exog[0]
    runs = Parallel(n_jobs=n_jobs)(
        delayed(_forecast_from)(
            model, y, exog, cutoff, horizon, coverages, fit_params or {}
        )
        for cutoff in cutoffs
    )
    season = None if axis is None else axis.season
    rows, scales = [], []
    for cutoff, (forecast, bounds) in zip(cutoffs, runs, strict=True):
        rows.append(_rows_of_origin(values, times, cutoff, horizon, forecast, bounds))
        scales.append(np.full(horizon, naive_error(values[:cutoff], season)))
    forecasts = pd.concat(rows, ignore_index=True)
    return BacktestResult(
        forecasts, _summary(forecasts, np.concatenate(scales), coverages)
    )


def _backtest_panel(model, panel, n_origins, step, coverages, n_jobs, fit_params):
    """``backtest`` of every series of a panel: each origin fits one global model."""
    horizon = model._horizon()
    needed = model.n_steps + horizon + (n_origins - 1) * step + horizon
    panel = panel.without_short(
        needed, model.strict, needed=f"{n_origins} origins {step} apart"
    )
    lengths = [len(values) for values in panel.values]
    cutoffs = [[n - horizon - k * step for n in lengths] for k in range(n_origins)]
    cutoffs = cutoffs[::-1]
    runs = Parallel(n_jobs=n_jobs)(
        delayed(_panel_forecast_from)(model, panel, cuts, coverages, fit_params)
        for cuts in cutoffs
    )
    rows, scales = {key: [] for key in panel.ids}, {key: [] for key in panel.ids}
    for cuts, (forecasts, bounds) in zip(cutoffs, runs, strict=True):
        for i, key in enumerate(panel.ids):
            values, index, axis = panel.values[i], panel.indexes[i], panel.axes[i]
            times = np.arange(len(values)) if index is None else index
            frame = _rows_of_origin(
                values,
                times,
                cuts[i],
                horizon,
                np.asarray(forecasts[key], dtype=np.float64),
                None if bounds is None else bounds[key].reset_index(drop=True),
            )
            frame.insert(0, model.id_column, [key] * len(frame))
            rows[key].append(frame)
            season = None if axis is None else axis.season
            scales[key].append(np.full(horizon, naive_error(values[: cuts[i]], season)))
    per_series = {
        key: _summary(pd.concat(rows[key]), np.concatenate(scales[key]), coverages)
        for key in panel.order
    }
    forecasts = pd.concat([f for key in panel.order for f in rows[key]])
    every_scale = np.concatenate([s for key in panel.order for s in scales[key]])
    return BacktestResult(
        forecasts.reset_index(drop=True),
        _summary(forecasts, every_scale, coverages),
        pd.DataFrame(per_series).T.rename_axis(model.id_column),
    )


def _panel_forecast_from(model, panel, cuts, coverages, fit_params):
    """Fit a clone on each series (and its covariates) up to its cut;
    forecasts and bounds by id."""
    heads = {}
    for key, values, index, cut in zip(
        panel.ids, panel.values, panel.indexes, cuts, strict=True
    ):
        heads[key] = (
            values[:cut]
            if index is None
            else pd.Series(values[:cut], index=index[:cut])
        )
    past = future = None
    if panel.exog is not None:
        horizon, past, future = model._horizon(), {}, {}
        for key, exog, cut in zip(panel.ids, panel.exog, cuts, strict=True):
            past[key], future[key] = exog[:cut], exog[cut : cut + horizon]
    model = clone(model).fit(heads, past, **fit_params)
    bounds = None if coverages is None else model.predict_interval(coverages, future)
    return model.predict(future), bounds


def _forecast_from(model, y, exog, cutoff, horizon, coverages, fit_params):
    """Fit a clone on ``y[:cutoff]``; its forecast and interval bounds."""
    past = None if exog is None else exog[:cutoff]
    model = clone(model).fit(_head(y, cutoff), past, **fit_params)
    future = None if exog is None else exog[cutoff : cutoff + horizon]
    forecast = np.asarray(model.predict(future), dtype=np.float64)
    bounds = None
    if coverages is not None:
        bounds = model.predict_interval(coverages, future).reset_index(drop=True)
    return forecast, bounds


def _rows_of_origin(values, times, cutoff, horizon, forecast, bounds):
    frame = pd.DataFrame(
        {
            "origin": [times[cutoff - 1]] * horizon,
            "step": np.arange(1, horizon + 1),
            "date": times[cutoff : cutoff + horizon],
            "actual": values[cutoff : cutoff + horizon],
            "forecast": forecast,
        }
    )
    return frame if bounds is None else pd.concat([frame, bounds], axis=1)


def _summary(forecasts, scales, coverages):
    actual, forecast = forecasts["actual"].to_numpy(), forecasts["forecast"].to_numpy()
    errors = forecast - actual
    summary = {
        "mae": float(np.mean(np.abs(errors))),
        "rmse": float(np.sqrt(np.mean(errors**2))),
        "mase": mase(actual / scales, forecast / scales, 1.0),
        "smape": smape(actual, forecast),
    }
    for level in coverages or ():
        label = coverage_label(level)
        lower, upper = forecasts[f"lower_{label}"], forecasts[f"upper_{label}"]
        summary[f"coverage_{label}"] = float(
            np.mean((lower <= actual) & (actual <= upper))
        )
        summary[f"width_{label}"] = float(np.mean(upper - lower))
    return pd.Series(summary)


# --- slicing the caller's series by position ------------------------------------


def _head(y, n):
    return y.iloc[:n] if isinstance(y, (pd.Series, pd.DataFrame)) else np.asarray(y)[:n]


def _times(y, axis, n_values):
    """The time of every value of ``y``: its index, or positions for arrays."""
    return np.arange(n_values) if axis is None else y.index
