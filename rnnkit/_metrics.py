"""Forecast errors as forecasters report them: MAE, RMSE, MASE, sMAPE, coverage."""

import numpy as np


def naive_error(history, season=1):
    """MASE's scale: the mean absolute error of the (seasonal) naive forecast in
    ``history``; the season falls back to 1 when ``history`` holds no two seasons.

    Examples
    --------
    >>> naive_error([1.0, 2.0, 4.0, 7.0])
    2.0
    """
    history = np.asarray(history, dtype=np.float64)
    season = season if season and len(history) > 2 * season else 1
    return float(np.mean(np.abs(history[season:] - history[:-season])))


def mase(actual, forecast, scale):
    """Mean absolute error over ``scale`` (see :func:`naive_error`); NaN if 0."""
    mae = np.mean(np.abs(np.subtract(actual, forecast)))
    return float(mae / scale) if scale > 0 else float("nan")


def smape(actual, forecast):
    """Symmetric mean absolute percentage error, in percent (0 where both are 0)."""
    actual, forecast = np.asarray(actual), np.asarray(forecast)
    denominator = np.abs(actual) + np.abs(forecast)
    ratio = np.divide(
        2 * np.abs(forecast - actual),
        denominator,
        out=np.zeros_like(denominator, dtype=np.float64),
        where=denominator > 0,
    )
    return float(100 * np.mean(ratio))


def coverage_label(coverage):
    """The suffix of interval columns: ``90`` for 0.9, ``97.5`` for 0.975."""
    return f"{round(100 * coverage, 6):g}"
