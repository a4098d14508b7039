"""GridSearchCV over rnnkit estimators on a Dask cluster, through joblib."""

import numpy as np
import pytest
from joblib import parallel_config

from tests.helpers import grid_search

distributed = pytest.importorskip("distributed")


def test_dask_search_scores_equal_serial(search_data, serial_search):
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        on_dask = grid_search(search_data, n_jobs=-1)
    np.testing.assert_array_equal(
        on_dask.cv_results_["mean_test_score"],
        serial_search.cv_results_["mean_test_score"],
    )
