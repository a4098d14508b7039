"""How the neural forecasters scale windows: the kinds, and what "auto" picks."""

import numpy as np
import pytest

from rnnkit import RNNForecaster, make_windows
from rnnkit._scaling import WindowScaling, choose_scaling


def trending_series(n=400):
    """A monthly-like series with a trend that leaves its training range."""
    t = np.arange(float(n))
    return 300 + 0.2 * t + 2 * np.sin(2 * np.pi * t / 12)


def test_scaling_auto_picks_window_mean_for_a_trend():
    X, _ = make_windows(trending_series(), n_steps=24)
    assert choose_scaling(X) == "window_mean"


def test_scaling_auto_picks_standard_for_a_stable_level():
    t = np.arange(2_000.0)
    series = np.sin(2 * np.pi * t / 50) + 0.1 * np.random.default_rng(0).normal(
        size=t.size
    )
    X, _ = make_windows(series, n_steps=50)
    assert choose_scaling(X) == "standard"


@pytest.mark.parametrize("kind", ["standard", "window", "window_mean"])
def test_scaling_round_trips_targets(kind):
    X, y = make_windows(trending_series(100), n_steps=12, horizon=3)
    X3 = X[..., None]
    scaling = WindowScaling(kind, target_index=0).fit(X3)
    scaled = scaling.transform_target(y, X3)
    np.testing.assert_allclose(scaling.inverse_target(scaled, X3), y, rtol=1e-5)


def test_scaling_window_mean_centres_each_window():
    X, _ = make_windows(trending_series(100), n_steps=12)
    scaled = WindowScaling("window_mean", target_index=0).fit(X[..., None])
    means = scaled.transform(X[..., None]).mean(axis=1)
    np.testing.assert_allclose(means, 0.0, atol=1e-5)


def test_scaling_default_forecasts_a_trend_above_its_training_range():
    X, y = make_windows(trending_series(700), n_steps=24)
    X_train, y_train, X_test, y_test = X[:500], y[:500], X[-100:], y[-100:]
    model = RNNForecaster(units=8, epochs=15, random_state=0).fit(X_train, y_train)
    assert model.scaler_ == "window_mean"
    forecast = model.predict(X_test)
    assert forecast.min() > y_train.max()
    naive = np.mean((X_test[:, -1] - y_test) ** 2)
    assert np.mean((forecast - y_test) ** 2) < naive
