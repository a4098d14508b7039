"""How the neural forecasters scale windows: the kinds, and what "auto" picks."""

import numpy as np
import pytest

from rnnkit import RNNForecaster, make_windows
from rnnkit._scaling import WindowScaling, choose_scaling


def trending_series(n=400):
    """A monthly-like series with a trend that leaves its training range."""
    t = np.arange(float(n))
    return 300 + 0.2 * t + 2 * np.sin(2 * np.pi * t / 12)


@pytest.mark.backend_independent
def test_scaling_auto_picks_window_mean_for_a_trend():
    X, _ = make_windows(trending_series(), n_steps=24)
    assert choose_scaling(X) == "window_mean"


@pytest.mark.backend_independent
def test_scaling_auto_picks_standard_for_a_stable_level():
    t = np.arange(2_000.0)
    series = np.sin(2 * np.pi * t / 50) + 0.1 * np.random.default_rng(0).normal(
        size=t.size
    )
    X, _ = make_windows(series, n_steps=50)
    assert choose_scaling(X) == "standard"


@pytest.mark.backend_independent
@pytest.mark.parametrize("kind", ["standard", "window", "window_mean"])
def test_scaling_round_trips_targets(kind):
    X, y = make_windows(trending_series(100), n_steps=12, horizon=3)
    X3 = X[..., None]
    scaling = WindowScaling(kind, target_index=0).fit(X3)
    scaled = scaling.transform_target(y, X3)
    np.testing.assert_allclose(scaling.inverse_target(scaled, X3), y, rtol=1e-5)


@pytest.mark.backend_independent
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


@pytest.fixture
def windows():
    rng = np.random.default_rng(0)
    return 100.0 + rng.normal(size=(30, 5, 2)).cumsum(axis=1)


@pytest.mark.backend_independent
@pytest.mark.parametrize("kind", ["standard", "window", "window_mean", None])
def test_scaling_state_round_trip_scales_identically(kind, windows):
    scaling = WindowScaling(kind, target_index=1).fit(windows)
    state, arrays = scaling.to_state()
    assert state == {"kind": kind, "target_index": 1}
    assert sorted(arrays) == ["center_", "scale_"]
    rebuilt = WindowScaling.from_state(state, arrays, n_features=2)
    np.testing.assert_array_equal(
        rebuilt.transform(windows), scaling.transform(windows)
    )
    Y = windows[:, -1, 1:] + 1.0
    np.testing.assert_array_equal(
        rebuilt.inverse_target(rebuilt.transform_target(Y, windows), windows),
        scaling.inverse_target(scaling.transform_target(Y, windows), windows),
    )


ONES = np.ones(2)
FITTED = {"center_": np.zeros(2), "scale_": ONES}


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "state, arrays, message",
    [
        ({"kind": "os.system", "target_index": 0}, None, "scaler kind"),
        ({"kind": None, "target_index": 2}, None, "target_index"),
        ({"kind": None, "target_index": True}, None, "target_index"),
        ({"kind": None, "target_index": 0}, {"center_": np.zeros(2)}, "scale_"),
        ({"kind": None, "target_index": 0}, {**FITTED, "transform": ONES}, "transform"),
        ({"kind": None, "target_index": 0}, {**FITTED, "scale_": np.ones(3)}, "shape"),
    ],
)
def test_scaling_from_state_refuses_bad_values(state, arrays, message):
    arrays = FITTED if arrays is None else arrays
    with pytest.raises(ValueError, match=message):
        WindowScaling.from_state(state, arrays, n_features=2)


@pytest.mark.backend_independent
def test_scaling_from_state_refuses_unknown_settings():
    with pytest.raises(TypeError):
        WindowScaling.from_state({"kind": None, "target_index": 0, "x": 1}, {}, 2)


@pytest.mark.parametrize("kind", ["auto", "standard", "window", "window_mean"])
def test_scaling_learns_from_the_given_rows_only(kind, monkeypatch):
    monkeypatch.setattr("rnnkit._scaling._CHUNK", 7)  # rows span several chunks
    X, _ = make_windows(np.sin(2 * np.pi * np.arange(80.0) / 6), n_steps=6)
    glued = X.copy()[..., None]
    rows = np.flatnonzero(np.arange(len(X)) % 4 != 0)
    glued[::4] = 1e12  # windows left out may hold anything
    on_rows = WindowScaling(kind, target_index=0).fit(glued, rows)
    alone = WindowScaling(kind, target_index=0).fit(glued[rows])
    # A stable level: "auto" picks "standard", unless the huge windows count.
    assert on_rows.kind == alone.kind == ("standard" if kind == "auto" else kind)
    np.testing.assert_allclose(on_rows.center_, alone.center_, rtol=1e-12)
    np.testing.assert_allclose(on_rows.scale_, alone.scale_, rtol=1e-12)


@pytest.mark.backend_independent
@pytest.mark.parametrize("kind", ["window", "window_mean"])
def test_a_feature_constant_within_each_window_is_scaled_as_standard(kind):
    # A panel's identity column: constant within each series, so within each
    # window; relative to the window it would be zero.
    values = np.random.default_rng(0).normal(size=60).cumsum()
    identity = np.repeat([0.0, 1.0, 5.0], 20)
    X, _ = make_windows(np.column_stack([values, identity]), n_steps=5)
    rows = np.concatenate([np.arange(start, start + 15) for start in (0, 20, 40)])
    scaling = WindowScaling(kind, target_index=0).fit(X, rows)
    scaled = scaling.transform(X[rows])

    alone = WindowScaling(kind, target_index=0).fit(X[..., :1], rows)
    np.testing.assert_allclose(
        scaled[..., 0], alone.transform(X[rows][..., :1])[..., 0], rtol=1e-6
    )
    seen = identity[rows]
    np.testing.assert_allclose(
        scaled[:, 0, 1], (seen - seen.mean()) / seen.std(), rtol=1e-6
    )
    state, arrays = scaling.to_state()
    rebuilt = WindowScaling.from_state(state, arrays, n_features=2)
    np.testing.assert_array_equal(rebuilt.transform(X[rows]), scaled)
    arrays["absolute_"] = np.array([1.0, 1.0])
    with pytest.raises(ValueError, match="absolute_"):
        WindowScaling.from_state(state, arrays, n_features=2)
