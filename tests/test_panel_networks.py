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


def test_a_panel_trains_from_views_of_its_series_not_a_copy_of_its_windows():
    import tracemalloc

    t = np.arange(2_000)
    series = {f"s{i}": np.sin(t / (5 + i)) + i for i in range(40)}
    n_steps = 96
    materialised = 40 * (2_000 - n_steps) * n_steps * 8  # every window, float64

    def model():
        network = RNNForecaster(units=2, epochs=1, batch_size=1024, random_state=0)
        return SeriesForecaster(network, n_steps=n_steps, horizon=1, calibration=None)

    # Import Keras and trace its functions outside the measurement.
    model().fit({"a": series["s0"][:300], "b": series["s1"][:300]})
    tracemalloc.start()
    fitted = model().fit(series)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The series once scaled and once concatenated, one weight and index per
    # window, a few batches (measured 12 MB of the 58 MB of windows).
    assert peak < materialised / 3, (peak, materialised)
    assert len(fitted.predict()) == 40


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
