import numpy as np
import pandas as pd
import pytest

from rnnkit import LinearForecaster, NaiveForecaster, SeriesForecaster, backtest

# Baselines and linear models only: no network is built.
pytestmark = pytest.mark.backend_independent


def monthly(n=96, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 50 + 0.5 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    return pd.Series(values, index=pd.date_range("2015-01-01", periods=n, freq="MS"))


def linear():
    return SeriesForecaster(LinearForecaster(), n_steps=24, horizon=6)


def test_one_row_per_origin_and_step_with_the_actual_values():
    y = monthly()
    forecasts, summary = backtest(linear(), y, n_origins=4)
    assert list(forecasts.columns) == ["origin", "step", "date", "actual", "forecast"]
    assert len(forecasts) == 4 * 6
    origins = forecasts["origin"].unique()
    # The last origin leaves one horizon; origins are a horizon apart.
    assert list(origins) == list(y.index[[71, 77, 83, 89]])
    last = forecasts[forecasts["origin"] == origins[-1]]
    assert list(last["date"]) == list(y.index[-6:])
    np.testing.assert_array_equal(last["actual"], y.iloc[-6:])
    assert list(last["step"]) == [1, 2, 3, 4, 5, 6]
    # Each origin's forecast is a fit on the series up to it.
    refit = linear().fit(y.iloc[:90]).predict()
    np.testing.assert_allclose(last["forecast"], refit)
    assert set(summary.index) == {"mae", "rmse", "mase", "smape"}


def test_summary_is_computed_from_the_rows():
    y = monthly()
    forecasts, summary = backtest(linear(), y, n_origins=3, step=4, coverage=0.9)
    errors = forecasts["forecast"] - forecasts["actual"]
    assert summary["mae"] == pytest.approx(errors.abs().mean())
    assert summary["rmse"] == pytest.approx(np.sqrt((errors**2).mean()))
    inside = forecasts["lower_90"].le(forecasts["actual"]) & forecasts["actual"].le(
        forecasts["upper_90"]
    )
    assert summary["coverage_90"] == pytest.approx(inside.mean())
    width = forecasts["upper_90"] - forecasts["lower_90"]
    assert summary["width_90"] == pytest.approx(width.mean())
    assert forecasts["origin"].nunique() == 3


def test_mase_is_scaled_by_the_naive_error_before_each_origin():
    y = pd.Series(np.arange(40.0) ** 1.5)  # no season: the naive error scales
    model = SeriesForecaster(NaiveForecaster(), n_steps=5, horizon=2)
    _, summary = backtest(model, y, n_origins=2)
    expected = []
    for cutoff in (36, 38):
        history = y.to_numpy()[:cutoff]
        scale = np.mean(np.abs(np.diff(history)))
        actual = y.to_numpy()[cutoff : cutoff + 2]
        expected.append(np.mean(np.abs(actual - history[-1])) / scale)
    assert summary["mase"] == pytest.approx(np.mean(expected))


def test_parallel_origins_give_the_same_numbers():
    y = monthly()
    serial = backtest(linear(), y, n_origins=3, coverage=[0.8, 0.95], n_jobs=1)
    parallel = backtest(linear(), y, n_origins=3, coverage=[0.8, 0.95], n_jobs=2)
    pd.testing.assert_frame_equal(serial.forecasts, parallel.forecasts)
    pd.testing.assert_series_equal(serial.summary, parallel.summary)


def test_covariates_follow_each_origin():
    rng = np.random.default_rng(3)
    price = rng.normal(size=120)
    y = 20 + 4 * price + rng.normal(0, 0.05, 120)
    model = SeriesForecaster(LinearForecaster(), n_steps=8, horizon=4)
    _, with_exog = backtest(model, y, exog=price, n_origins=3)
    _, without = backtest(model, y, n_origins=3)
    assert with_exog["mae"] < 0.2 < without["mae"]


def test_too_few_values_and_a_window_forecaster_are_refused():
    with pytest.raises(ValueError, match="too few for n_origins=5"):
        backtest(linear(), monthly(n=50), n_origins=5)
    with pytest.raises(ValueError, match="SeriesForecaster"):
        backtest(LinearForecaster(), monthly())
