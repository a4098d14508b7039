"""A global network over a panel: one RNN trained on every series' windows."""

import numpy as np
import pandas as pd

from rnnkit import RNNForecaster, SeriesForecaster


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
        return SeriesForecaster(network, n_steps=8, horizon=1, calibration=None)

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
    # Read as views of the frame, scaled once into float32 (half the panel)
    # and a byte per window for the mask, each batch's order computed from a
    # few keys: measured 0.68x the panel on JAX; 1.2x (1.1x on TensorFlow)
    # with an int32 position per window for the epoch's order, 8.1x (6.8x)
    # when it was copied, scaled in float64, weighted and indexed in int64 per
    # window. Every window materialised would be 8x (n_steps values per window).
    assert peak - fixed < 0.9 * grown, (peak, fixed, grown)
    assert fitted.predict().shape == (1, 200)


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
