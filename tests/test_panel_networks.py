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
