"""rnnkit's parallel work on a Dask cluster, through joblib: the serial numbers."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config

from rnnkit import LinearForecaster, SeriesForecaster, backtest
from tests.helpers import grid_search

distributed = pytest.importorskip("distributed")

# What this module tests is joblib's Dask backend: tasks shipped to a cluster's
# worker processes and their results back, the same whatever Keras' backend.
# That worker processes train as the parent does on each backend is
# test_neural_search.py's (joblib's own process workers, on every backend), so
# one backend runs this module, and starts its cluster (tests/conftest.py).
pytestmark = pytest.mark.backend_independent


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


@pytest.mark.backend_independent(seconds=40)  # the cluster's start and 4 fits
def test_dask_search_scores_equal_serial(on_dask, search_data, serial_search):
    # The "simple" cell's half of the grid: four fits shipped to two workers
    # and their scores back, at half the training (each fit costs seconds there).
    grid = {"units": [2, 3], "cell": ["simple"]}
    with on_dask():
        distributed_search = grid_search(search_data, n_jobs=-1, grid=grid, refit=False)
    np.testing.assert_array_equal(
        distributed_search.cv_results_["mean_test_score"],
        serial_search.cv_results_["mean_test_score"][:2],  # the "simple" rows
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


@pytest.mark.backend_independent
def test_dask_panel_backtest_and_local_models_equal_serial(on_dask):
    t = np.arange(120)
    panel = {
        f"sensor{i}": pd.Series(
            10 * i + np.sin(t / (3 + i)) + t / (20 + i),
            index=pd.date_range("2000-01-01", periods=120, freq="D"),
        )
        for i in range(4)
    }
    local = SeriesForecaster(LinearForecaster(), n_steps=14, horizon=7, scope="local")
    serial_fit = local.fit(panel).predict()
    serial = backtest(local.set_params(scope="global"), panel, n_origins=3)
    with on_dask():
        dask_fit = local.set_params(scope="local", n_jobs=-1).fit(panel).predict()
        distributed_run = backtest(
            local.set_params(scope="global"), panel, n_origins=3, n_jobs=-1
        )
    for key in panel:
        pd.testing.assert_series_equal(dask_fit[key], serial_fit[key])
    pd.testing.assert_frame_equal(distributed_run.forecasts, serial.forecasts)
    pd.testing.assert_frame_equal(distributed_run.per_series, serial.per_series)
