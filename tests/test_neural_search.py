"""Neural forecasters in scikit-learn's parallel tools (joblib process workers)."""

import numpy as np
from sklearn.model_selection import cross_validate

from rnnkit import Seq2SeqForecaster, window_split
from tests.helpers import grid_search


def test_parallel_search_scores_equal_serial(search_data, serial_search):
    parallel = grid_search(search_data, n_jobs=2)
    serial_scores = serial_search.cv_results_["mean_test_score"]
    np.testing.assert_array_equal(
        parallel.cv_results_["mean_test_score"], serial_scores
    )
    np.testing.assert_array_equal(
        parallel.predict(search_data.X_test), serial_search.predict(search_data.X_test)
    )
    # A second search in the same process reuses the workers: no hang, no error.
    # One candidate is enough: its two fits (one per split) go to the workers.
    grid = {"units": [2], "cell": ["simple"]}
    again = grid_search(search_data, n_jobs=2, grid=grid, refit=False)
    np.testing.assert_array_equal(
        again.cv_results_["mean_test_score"],
        serial_scores[:1],  # the row of the "simple" cell with 2 units
    )


def test_cross_validate_returns_estimators_that_predict_in_parent(search_data):
    results = cross_validate(
        Seq2SeqForecaster(units=2, epochs=1, random_state=0),
        search_data.X_train,
        search_data.y_train,
        cv=window_split(n_steps=10, horizon=2, n_splits=2),
        n_jobs=2,
        return_estimator=True,
    )
    for estimator in results["estimator"]:
        assert estimator.predict(search_data.X_test).shape == (16, 2)
