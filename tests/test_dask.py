"""rnnkit's parallel work on a Dask cluster, through joblib: the serial numbers."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV

from rnnkit import (
    LinearForecaster,
    RNNForecaster,
    SeriesForecaster,
    backtest,
    window_split,
)
from rnnkit.datasets import load_two_sines

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def on_dask():
    """A context in which joblib runs on a two-worker local Dask cluster."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        yield lambda: parallel_config(backend="dask")


def test_dask_search_scores_equal_serial(on_dask):
    data = load_two_sines(horizon=2, n_series=160, n_steps=10)

    def search(n_jobs):
        return GridSearchCV(
            RNNForecaster(epochs=1, random_state=0),
            {"units": [2, 3], "cell": ["simple", "gru"]},
            cv=window_split(n_steps=10, horizon=2, n_splits=2),
            n_jobs=n_jobs,
        ).fit(data.X_train, data.y_train)

    serial = search(n_jobs=1)
    with on_dask():
        distributed_search = search(n_jobs=-1)
    np.testing.assert_array_equal(
        distributed_search.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
    )


def test_dask_backtest_equals_serial(on_dask):
    y = pd.Series(
        np.sin(np.arange(200) / 5) + np.arange(200) / 40,
        index=pd.date_range("2000-01-01", periods=200, freq="D"),
    )
    model = SeriesForecaster(LinearForecaster(), n_steps=14, horizon=7)
    serial = backtest(model, y, n_origins=4, coverage=0.9)
    with on_dask():
        distributed_run = backtest(model, y, n_origins=4, coverage=0.9, n_jobs=-1)
    pd.testing.assert_frame_equal(distributed_run.forecasts, serial.forecasts)
    pd.testing.assert_series_equal(distributed_run.summary, serial.summary)
