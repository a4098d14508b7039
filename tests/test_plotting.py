"""``rnnkit.plot_forecast``: the recent history, the forecast and its interval fan."""

import re
import sys

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.dates import num2date  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from rnnkit import plot_forecast  # noqa: E402
from rnnkit._install import install_extra  # noqa: E402

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


def monthly(n=60):
    index = pd.date_range("2020-01-01", periods=n, freq="MS", name="date")
    return pd.Series(np.sin(np.arange(n) / 2) + np.arange(n) / 10, index, name="sales")


def forecast_of(y, horizon=6):
    index = pd.date_range(y.index[-1], periods=horizon + 1, freq="MS")[1:]
    return pd.Series(y.iloc[-1] + np.arange(1.0, horizon + 1), index, name=y.name)


def intervals_of(forecast):
    steps = np.arange(1.0, len(forecast) + 1)
    return pd.DataFrame(
        {
            "lower_80": forecast - steps,
            "upper_80": forecast + steps,
            "lower_95": forecast - 2 * steps,
            "upper_95": forecast + 2 * steps,
        },
        index=forecast.index,
    )


def test_plot_forecast_draws_history_forecast_and_a_band_per_coverage():
    y = monthly()
    forecast = forecast_of(y)
    intervals = intervals_of(forecast)
    ax = plot_forecast(y, forecast, intervals)
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    history, line = ax.get_lines()
    np.testing.assert_array_equal(history.get_ydata(), y.iloc[-48:])
    np.testing.assert_array_equal(line.get_ydata(), forecast)
    wide, narrow = ax.collections  # drawn widest first, lighter
    assert wide.get_alpha() < narrow.get_alpha()
    for band, label in ((wide, "95"), (narrow, "80")):
        ys = band.get_paths()[0].vertices[:, 1]
        assert ys.min() == intervals[f"lower_{label}"].min()
        assert ys.max() == intervals[f"upper_{label}"].max()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["sales", "forecast", "80 % interval", "95 % interval"]


def test_plot_forecast_puts_dates_on_the_x_axis():
    y = monthly()
    ax = plot_forecast(y, forecast_of(y))
    start, end = (num2date(x).date() for x in ax.get_xlim())
    assert start <= y.index[-48].date() < y.index[-1].date() < end
    assert end.year == 2025  # the forecast's last month, 2025-06
    assert re.fullmatch(r"\d{4}(-\d{2})?", ax.get_xticklabels()[0].get_text())


def test_plot_forecast_draws_on_the_given_axes_without_pyplot():
    import matplotlib.pyplot as plt

    figures_before = plt.get_fignums()
    y = monthly()
    ax = Figure().subplots()
    ax.plot([y.index[0]], [0.0], label="mine")
    assert plot_forecast(y, forecast_of(y), ax=ax) is ax
    assert ax.get_legend().get_texts()[0].get_text() == "mine"
    plot_forecast(y, forecast_of(y))
    assert plt.get_fignums() == figures_before


def test_plot_forecast_continues_the_positions_of_an_array():
    y = np.arange(30.0)
    ax = plot_forecast(y, np.array([30.0, 31.0, 32.0]), n_history=10)
    history, line = ax.get_lines()
    np.testing.assert_array_equal(history.get_xdata(), np.arange(20, 30))
    np.testing.assert_array_equal(line.get_xdata(), [30, 31, 32])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "history",
        "forecast",
    ]


def test_plot_forecast_draws_periods_at_their_start():
    y = monthly().to_period("M")
    forecast = forecast_of(monthly()).to_period("M")
    ax = plot_forecast(y, forecast, intervals_of(forecast))
    (_, line) = ax.get_lines()
    assert pd.Timestamp(line.get_xdata()[0]) == pd.Timestamp("2025-01-01")


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"intervals": pd.DataFrame({"low": [1.0] * 6})},
            "intervals must have a lower_XX and upper_XX column per coverage and "
            "one row per forecast step (6). Got columns ['low'] and 6 rows.",
        ),
        (
            {"intervals": np.zeros((6, 2))},
            "intervals must be a pandas DataFrame with lower_XX and upper_XX "
            "columns, as predict_interval returns. Got ndarray.",
        ),
        (
            {"forecast": np.zeros(6)},
            "forecast must be a pandas Series indexed by its times when y is "
            "indexed by dates; pass SeriesForecaster.predict()'s Series. Got an "
            "array.",
        ),
        ({"n_history": 0}, "n_history must be a positive int. Got 0."),
        ({"y": np.zeros((3, 2))}, "y must be 1-D, a pandas Series or an array"),
    ],
)
def test_plot_forecast_refuses_bad_input(change, message):
    y = monthly()
    arguments = {"y": y, "forecast": forecast_of(y), **change}
    with pytest.raises(ValueError, match=re.escape(message)):
        plot_forecast(**arguments)


def test_plot_forecast_without_matplotlib_names_the_install_command(monkeypatch):
    for module in [name for name in sys.modules if name.startswith("matplotlib")]:
        monkeypatch.setitem(sys.modules, module, None)  # import fails
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    y = monthly()
    message = (
        "plot_forecast needs matplotlib, which is not installed: "
        f"{install_extra('plot')}."
    )
    with pytest.raises(ImportError, match=re.escape(message)):
        plot_forecast(y, forecast_of(y))
