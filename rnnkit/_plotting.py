"""``plot_forecast``: a series' recent past, its forecast and the interval fan.

Drawn with matplotlib's object API: given no axes, it makes a
``matplotlib.figure.Figure`` of its own, so pyplot's process-wide state (the
current figure, the open windows) is never touched. matplotlib is optional
(the ``plot`` extra) and imported only when a figure is drawn.
"""

import re

import numpy as np
import pandas as pd

from ._install import install_extra

_BOUND = re.compile(r"^(lower|upper)_(.+)$")


def plot_forecast(y, forecast, intervals=None, ax=None, *, n_history=None):
    """Draw the end of ``y``, the forecast that follows it and its intervals.

    Parameters
    ----------
    y : pandas Series or array-like of shape (n_times,)
        The series the forecast continues. A Series' index (dates, periods or
        positions) is the x axis; an array's values are at positions 0, 1, ...
    forecast : pandas Series or array-like of shape (horizon,)
        The next values, as ``SeriesForecaster.predict`` returns them. A
        Series' index is its x positions; an array continues ``y``'s.
    intervals : pandas DataFrame of shape (horizon, 2 * n_coverages), default=None
        Bounds as ``SeriesForecaster.predict_interval`` returns them: a
        ``lower_XX``/``upper_XX`` pair of columns per coverage ``XX``, one row
        per forecast step. Each pair is a shaded band, the wider ones lighter.
    ax : matplotlib Axes, default=None
        Where to draw. None draws on the axes of a new
        ``matplotlib.figure.Figure`` (reach it as ``ax.figure``), not through
        pyplot.
    n_history : int, default=None
        How many of ``y``'s last values to draw. None draws the last four
        horizons, at least 48 values (all of ``y`` if it is shorter).

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on: ``ax`` when given.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from rnnkit import LinearForecaster, SeriesForecaster, plot_forecast
    >>> months = pd.date_range("2020-01-01", periods=60, freq="MS")
    >>> y = pd.Series(np.arange(60.0) + 10 * np.sin(np.arange(60) / 12 * 2 * np.pi),
    ...               index=months, name="sales")
    >>> model = SeriesForecaster(LinearForecaster(), n_steps=12, horizon=6).fit(y)
    >>> ax = plot_forecast(y, model.predict(), model.predict_interval([0.8, 0.95]))
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['sales', 'forecast', '80 % interval', '95 % interval']
    >>> ax.figure.savefig("forecast.png")  # doctest: +SKIP
    """
    Figure = _import_figure()
    history = _as_series(y, "y")
    if len(history) == 0:
        raise ValueError("y must hold at least one value to draw. Got none.")
    n_history = _check_n_history(n_history, len(forecast))
    history = history.iloc[-n_history:]
    future = _forecast_series(forecast, history)
    bands = _bands(intervals, future)
    if ax is None:
        ax = Figure(figsize=(8, 4), layout="constrained").subplots()
    handles, labels = ax.get_legend_handles_labels()  # what ax already shows
    (past,) = ax.plot(_x(history.index), history.to_numpy(), color="0.2", lw=1)
    x = _x(future.index)
    fans = [
        ax.fill_between(
            x, lower, upper, color="C0", alpha=0.2 + 0.25 * k / len(bands), lw=0
        )
        for k, (_, lower, upper) in enumerate(bands)
    ]
    (line,) = ax.plot(x, future.to_numpy(), ".-", color="C0", lw=1.5, ms=4)
    name = history.name if history.name is not None else "history"
    # The legend: what was there, the history, the forecast, then the bands
    # from the narrowest out (they were drawn widest first, lightest).
    handles += [past, line, *fans[::-1]]
    labels += [str(name), "forecast", *(f"{b[0]} % interval" for b in bands[::-1])]
    ax.legend(handles, labels, loc="upper left", fontsize=9)
    ax.grid(alpha=0.3)
    return ax


# --- checking and lining up the inputs -----------------------------------------


def _import_figure():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plot_forecast needs matplotlib, which is not installed: "
            f"{install_extra('plot')}."
        ) from None
    return Figure


def _as_series(values, argument):
    if isinstance(values, pd.DataFrame) and values.shape[1] == 1:
        values = values.iloc[:, 0]
    if not isinstance(values, pd.Series):
        array = np.asarray(values, dtype=np.float64)
        if array.ndim != 1:
            raise ValueError(
                f"{argument} must be 1-D, a pandas Series or an array of shape "
                f"(n,). Got shape {array.shape}."
            )
        values = pd.Series(array)
    return values


def _check_n_history(n_history, horizon):
    if n_history is None:
        return max(48, 4 * horizon)
    valid = isinstance(n_history, (int, np.integer)) and not isinstance(n_history, bool)
    if not valid or n_history < 1:
        raise ValueError(f"n_history must be a positive int. Got {n_history!r}.")
    return int(n_history)


def _forecast_series(forecast, history):
    """The forecast as a Series; an array continues the positions after ``y``."""
    if isinstance(forecast, pd.Series):
        return forecast
    values = _as_series(forecast, "forecast").to_numpy()
    if isinstance(history.index, pd.RangeIndex) and history.index.step == 1:
        start = history.index[-1] + 1
        return pd.Series(values, index=pd.RangeIndex(start, start + len(values)))
    raise ValueError(
        "forecast must be a pandas Series indexed by its times when y is indexed "
        "by dates; pass SeriesForecaster.predict()'s Series. Got an array."
    )


def _bands(intervals, future):
    """``(label, lower, upper)`` per coverage, widest first."""
    if intervals is None:
        return []
    if not isinstance(intervals, pd.DataFrame):
        raise ValueError(
            "intervals must be a pandas DataFrame with lower_XX and upper_XX "
            "columns, as predict_interval returns. Got "
            f"{type(intervals).__name__}."
        )
    labels = {}
    for column in intervals.columns:
        match = _BOUND.match(str(column))
        if match:
            labels.setdefault(match.group(2), set()).add(match.group(1))
    pairs = [label for label, sides in labels.items() if sides == {"lower", "upper"}]
    if not pairs or len(intervals) != len(future):
        raise ValueError(
            f"intervals must have a lower_XX and upper_XX column per coverage and "
            f"one row per forecast step ({len(future)}). Got columns "
            f"{list(intervals.columns)} and {len(intervals)} rows."
        )
    bands = [
        (
            label,
            intervals[f"lower_{label}"].to_numpy(dtype=np.float64),
            intervals[f"upper_{label}"].to_numpy(dtype=np.float64),
        )
        for label in pairs
    ]
    return sorted(bands, key=lambda band: -float(np.mean(band[2] - band[1])))


def _x(index):
    """Positions matplotlib can draw: periods become their start times."""
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return index
