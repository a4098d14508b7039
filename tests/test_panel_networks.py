"""A global network over a panel: one RNN trained on every series' windows."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from rnnkit import RNNForecaster, Seq2SeqForecaster, SeriesForecaster, make_windows


def panel(keys):
    t = np.arange(40)
    return {
        key: pd.Series(
            level + 2 * np.sin(t / 3 + i),
            index=pd.date_range("2020-01-01", periods=40, freq="D"),
        )
        for i, (key, level) in enumerate(zip(keys, (10.0, 500.0, -3.0), strict=True))
    }


def test_a_network_forecasts_every_series_whatever_their_order():
    def fitted(series):
        network = RNNForecaster(units=4, epochs=2, random_state=0)
        model = SeriesForecaster(network, n_steps=8, horizon=2, calibration=None)
        return model.fit(series).predict()

    forecast = fitted(panel(["a", "b", "c"]))
    reordered = fitted(dict(reversed(list(panel(["a", "b", "c"]).items()))))
    for key, level in zip("abc", (10.0, 500.0, -3.0), strict=True):
        assert forecast[key].index[0] == pd.Timestamp("2020-02-10")
        # Each series is forecast near its own level, not the panel's average.
        assert np.all(np.abs(forecast[key].to_numpy() - level) < 4)
        pd.testing.assert_series_equal(reordered[key], forecast[key])


def test_a_panel_trains_in_memory_near_its_own_size_not_its_windows(monkeypatch):
    import tracemalloc

    import keras

    from rnnkit import _batches

    # As a panel of millions of windows does: each batch's positions from a
    # keyed permutation, no array of the epoch's order.
    monkeypatch.setattr(_batches, "MAX_ORDER_ARRAY", 1000)

    class FirstBatchOnly(keras.callbacks.Callback):
        # The data is all laid out before the first step: one step shows it.
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = True

    rng = np.random.default_rng(0)
    values = np.cumsum(rng.normal(size=(1_500, 200)), axis=0)
    wide = pd.DataFrame(values, columns=[f"s{i}" for i in range(200)])

    def model():
        network = RNNForecaster(units=2, epochs=1, batch_size=64, random_state=0)
        # No identity features, so 20 and 200 series differ only in data.
        return SeriesForecaster(
            network, n_steps=8, horizon=1, calibration=None, identity=None
        )

    def peak_of_fit(n_series):
        tracemalloc.start()
        fitted = model().fit(wide.iloc[:, :n_series], callbacks=[FirstBatchOnly()])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return fitted, peak

    # Import Keras and trace its functions outside the measurement.
    model().fit(wide.iloc[:300, :2], callbacks=[FirstBatchOnly()])
    # What any fit allocates (on TensorFlow, 3 MB of Python objects tracing
    # the new network's graph) cancels out between 20 and 200 series.
    _, fixed = peak_of_fit(20)
    fitted, peak = peak_of_fit(200)
    grown = values[:, 20:].nbytes
    # Read as views of the frame, each batch cut and scaled from them when
    # drawn, its order computed from a few keys: measured 0.07x the panel on
    # JAX, 0.01x on TensorFlow. A scaled float32 copy of the panel would add
    # 0.5x (it did: 0.70x, 0.63x), a byte per window to mask out windows
    # straddling two series 0.125x; 8.1x (6.8x) when the panel was copied,
    # scaled in float64, weighted and indexed in int64 per window. Every
    # window materialised would be 8x (n_steps values per window).
    assert peak - fixed < 0.15 * grown, (peak, fixed, grown)
    assert fitted.predict().shape == (1, 200)


def test_a_networks_panel_windows_are_each_series_own_made_when_indexed():
    from rnnkit._panel_windows import PanelWindows

    rng = np.random.default_rng(0)
    series = [rng.normal(size=n) for n in (12, 30, 9)]
    levels, spreads = np.array([1.0, -2.0, 0.5]), np.array([2.0, 0.5, 4.0])
    identity = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    pooled = PanelWindows.of(series, levels, spreads, 4, 2, identity, np.float32)
    expected_X, expected_Y = [], []
    for values, level, spread, row in zip(
        series, levels, spreads, identity, strict=True
    ):
        X, Y = make_windows(((values - level) / spread).astype(np.float32), 4, 2)
        steps = np.broadcast_to(row, (*X.shape, 2)).astype(np.float32)
        expected_X.append(np.concatenate([X[..., None], steps], axis=2))
        expected_Y.append(Y)
    # Rows are the windows within each series, series after series: none
    # straddles two, so every row is trained on.
    assert pooled.spans == [(0, 7), (7, 32), (32, 36)]
    rows = np.array([35, 0, 8, 8, 31])
    every_X, every_Y = np.concatenate(expected_X), np.concatenate(expected_Y)
    np.testing.assert_array_equal(pooled.X[rows], every_X[rows])
    np.testing.assert_array_equal(pooled.Y[rows], every_Y[rows])
    # Laid out as a gathered array is: a window's mean adds its steps in order.
    assert pooled.X[rows].flags.c_contiguous
    np.testing.assert_array_equal(pooled.X[3, :, 0], every_X[3, :, 0])
    # Restricted to some rows of each series: numbered from 0, targets by step.
    X, Y = pooled.X.within([(2, 5), (30, 32)])
    assert X.shape == (5, 4, 3) and Y.shape == (5, 2) and Y.ndim == 2
    np.testing.assert_array_equal(X[:], every_X[[2, 3, 4, 30, 31]])
    np.testing.assert_array_equal(Y.reshape(5, -1)[1:3], every_Y[[3, 4]])


def test_a_networks_panel_windows_lead_covariates_as_pooled_windows_do():
    from rnnkit._panel import PooledWindows, rows_of
    from rnnkit._panel_windows import PanelWindows

    rng = np.random.default_rng(1)
    series = [rng.normal(size=n) for n in (12, 30, 9)]
    exog = [rng.normal(size=(len(values), 2)) for values in series]
    levels, spreads = np.array([1.0, -2.0, 0.5]), np.array([2.0, 0.5, 4.0])
    identity = np.eye(3)
    pooled = PooledWindows.of(series, levels, spreads, 4, 2, identity, exog)
    cut = PanelWindows.of(
        series, levels, spreads, 4, 2, identity, np.float64, exog=exog
    )
    # Features: the value, two covariates, three identity columns.
    assert cut.X.shape == (36, 4, 6)
    np.testing.assert_array_equal(cut.X[:], pooled.X[rows_of(pooled.spans)])
    np.testing.assert_array_equal(cut.Y[:], pooled.Y[rows_of(pooled.spans)])
    # A window's last step carries the covariates of its last target: values
    # 0-3 forecast 4 and 5, and step 3 holds exog row 5.
    np.testing.assert_array_equal(cut.X[0, -1, 1:3], exog[0][5])
    np.testing.assert_array_equal(cut.X[7, 0, 1:3], exog[1][2])


def test_a_network_learns_a_panel_with_covariates_whatever_the_order(tmp_path):
    from rnnkit import load, save

    series = panel(["a", "b", "c"])
    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=42, freq="D")  # 40 seen, 2 planned
    plans = {
        key: pd.DataFrame({"promo": rng.normal(size=42)}, index=days) for key in series
    }
    past = {key: plan.iloc[:40] for key, plan in plans.items()}
    future = {key: plan.iloc[40:] for key, plan in plans.items()}

    def fitted(series, exog):
        network = RNNForecaster(units=2, epochs=1, random_state=0)
        model = SeriesForecaster(network, n_steps=8, horizon=2, calibration=None)
        return model.fit(series, exog=exog)

    model = fitted(series, past)
    # Per step: the value, the covariate, the series' profile (three numbers).
    assert model.forecaster_._window_shape == (8, 1 + 1 + 3)
    forecast = model.predict(exog=future)
    reordered = fitted(
        dict(reversed(list(series.items()))), dict(reversed(list(past.items())))
    )
    save(model, tmp_path / "panel.rnnkit")
    loaded = load(tmp_path / "panel.rnnkit")
    for key in series:
        pd.testing.assert_series_equal(
            reordered.predict(exog=future)[key], forecast[key]
        )
        pd.testing.assert_series_equal(loaded.predict(exog=future)[key], forecast[key])


def test_a_network_with_series_identity_saves_and_loads(tmp_path):
    from rnnkit import load, save

    network = RNNForecaster(units=4, epochs=1, scaler="window_mean", random_state=0)
    model = SeriesForecaster(
        network, n_steps=8, horizon=2, calibration=None, identity="one_hot"
    ).fit(panel(["a", "b", "c"]))
    # The identity columns are scaled to tell the series apart, not zeroed.
    assert model.forecaster_._scaling.absolute_.tolist() == [0, 1, 1, 1]
    save(model, tmp_path / "panel.rnnkit")
    loaded = load(tmp_path / "panel.rnnkit")
    for key, forecast in model.predict().items():
        pd.testing.assert_series_equal(loaded.predict()[key], forecast)


def momentum_and_reversal_windows():
    """Windows of two series with identity features: changes that persist, or flip.

    A linear map of the window fits each series (the next change 0.9 or -0.9
    times the last), but no one map fits both.
    """

    def windows(phi, seed, which):
        rng = np.random.default_rng(seed)
        changes = np.zeros(200)
        for t in range(1, len(changes)):
            changes[t] = phi * changes[t - 1] + rng.normal()
        X, y = make_windows(np.cumsum(changes), 4, 1)
        identity = np.zeros((*X.shape, 2))
        identity[..., which] = 1.0
        return np.concatenate([X[..., None], identity], axis=2), y

    return windows(0.9, 0, which=0), windows(-0.9, 1, which=1)


def change_per_last_change(model, X):
    last_change = X[:, -1, 0] - X[:, -2, 0]
    forecast_change = model.predict(X) - X[:, -1, 0]
    return np.polyfit(last_change, forecast_change, 1)[0]


@pytest.mark.parametrize("Forecaster", [RNNForecaster, Seq2SeqForecaster])
def test_the_highway_fits_each_series_its_own_linear_map(Forecaster):
    # Identity features are constant within each window: alone they only shift
    # the highway's output. Times the window, they give each series its own
    # coefficients, as a local model's highway has.
    (X_up, y_up), (X_flip, y_flip) = momentum_and_reversal_windows()
    network = Forecaster(
        units=1, epochs=3, learning_rate=0.05, scaler="window", highway=True,
        random_state=0,
    )  # fmt: skip
    network.fit(np.concatenate([X_up, X_flip]), np.concatenate([y_up, y_flip]))
    assert change_per_last_change(network, X_up) > 0.5
    # One map shared by both series left the reversal's slope at -0.49 at
    # best (0.09 for Seq2SeqForecaster); its own map gives -0.86 or less.
    assert change_per_last_change(network, X_flip) < -0.7


def test_auto_loss_trains_a_panels_global_network_on_the_absolute_error(tmp_path):
    from rnnkit import load, save

    network = RNNForecaster(units=2, epochs=1, random_state=0)
    model = SeriesForecaster(network, n_steps=8, horizon=2, calibration=None)
    model.fit(panel(["a", "b", "c"]))
    assert model.forecaster_.loss_ == "mae"
    assert model.forecaster_.model_.loss.__name__ == "mean_absolute_error"
    save(model, tmp_path / "panel.rnnkit")
    assert load(tmp_path / "panel.rnnkit").forecaster_.loss_ == "mae"


def test_auto_loss_keeps_the_squared_error_for_a_series_alone():
    network = RNNForecaster(units=2, epochs=1, random_state=0)
    local = SeriesForecaster(
        network, n_steps=8, horizon=2, calibration=None, scope="local"
    ).fit(dict(list(panel(["a", "b", "c"]).items())[:2]))
    assert {model.loss_ for model in local.forecasters_.values()} == {"mse"}
    X, y = make_windows(np.sin(np.arange(40) / 3), 8, 2)
    assert clone(network).fit(X, y).loss_ == "mse"


def test_seq2seq_auto_loss_is_the_squared_error_for_a_panel_too():
    network = Seq2SeqForecaster(units=2, epochs=1, loss="auto", random_state=0)
    model = SeriesForecaster(network, n_steps=8, horizon=2, calibration=None)
    assert model.fit(panel(["a", "b", "c"])).forecaster_.loss_ == "mse"


def test_a_panels_global_network_tells_its_series_apart_by_default(tmp_path):
    from rnnkit import load, save

    network = RNNForecaster(units=2, epochs=1, random_state=0)
    model = SeriesForecaster(network, n_steps=8, horizon=2, calibration=None)
    model.fit(panel(["a", "b", "c"]))
    # identity="auto": each series' three-number profile beside the values.
    assert model.identity_ == "profile"
    assert model.forecaster_._window_shape == (8, 4)
    save(model, tmp_path / "panel.rnnkit")
    assert load(tmp_path / "panel.rnnkit").identity_ == "profile"
