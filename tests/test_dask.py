"""GridSearchCV over rnnkit estimators on a Dask cluster, through joblib."""

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV

from rnnkit import RNNForecaster, window_split
from rnnkit.datasets import load_two_sines

distributed = pytest.importorskip("distributed")


def test_dask_search_scores_equal_serial():
    data = load_two_sines(horizon=2, n_series=160, n_steps=10)

    def search(n_jobs):
        return GridSearchCV(
            RNNForecaster(epochs=1, random_state=0),
            {"units": [2, 3], "cell": ["simple", "gru"]},
            cv=window_split(n_steps=10, horizon=2, n_splits=2),
            n_jobs=n_jobs,
        ).fit(data.X_train, data.y_train)

    serial = search(n_jobs=1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        on_dask = search(n_jobs=-1)
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
