"""Neural forecasters in scikit-learn's parallel tools (joblib process workers)."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_validate

from rnnkit import RNNForecaster, Seq2SeqForecaster, window_split
from rnnkit.datasets import load_two_sines


@pytest.fixture(scope="module")
def small():
    return load_two_sines(horizon=2, n_series=160, n_steps=10)


def _search(small, n_jobs, grid=None):
    search = GridSearchCV(
        RNNForecaster(epochs=1, random_state=0),
        grid or {"units": [2, 3], "cell": ["simple", "gru"]},
        cv=window_split(n_steps=10, horizon=2, n_splits=2),
        n_jobs=n_jobs,
    )
    return search.fit(small.X_train, small.y_train)


def test_parallel_search_scores_equal_serial(small):
    serial = _search(small, n_jobs=1)
    parallel = _search(small, n_jobs=2)
    np.testing.assert_array_equal(
        parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(
        parallel.predict(small.X_test), serial.predict(small.X_test)
    )
    # A second search in the same process reuses the workers: no hang, no error.
    again = _search(small, n_jobs=2, grid={"units": [2, 3], "cell": ["simple"]})
    np.testing.assert_array_equal(
        again.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"][:2],  # the "simple" cell rows
    )


def test_cross_validate_returns_estimators_that_predict_in_parent(small):
    results = cross_validate(
        Seq2SeqForecaster(units=2, epochs=1, random_state=0),
        small.X_train,
        small.y_train,
        cv=window_split(n_steps=10, horizon=2, n_splits=2),
        n_jobs=2,
        return_estimator=True,
    )
    for estimator in results["estimator"]:
        assert estimator.predict(small.X_test).shape == (16, 2)
