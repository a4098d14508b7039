"""rnnkit forecasters inside scikit-learn's own tools, unchanged."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rnnkit import LinearForecaster, NaiveForecaster, make_windows, window_split

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


@pytest.fixture(scope="module")
def windows():
    t = np.arange(600)
    series = 10 + np.sin(t / 5) + 0.05 * np.random.default_rng(0).normal(size=600)
    return make_windows(series, n_steps=12, horizon=3)


def test_pipeline_with_scaler(windows):
    X, y = windows
    pipe = make_pipeline(StandardScaler(), LinearForecaster()).fit(X, y)
    direct = LinearForecaster().fit(X, y)
    np.testing.assert_allclose(pipe.predict(X), direct.predict(X), atol=1e-8)


@pytest.mark.parametrize(
    "cv", [TimeSeriesSplit(n_splits=3), window_split(n_steps=12, horizon=3, n_splits=3)]
)
def test_grid_search_over_forecasters(windows, cv):
    X, y = windows
    search = GridSearchCV(
        NaiveForecaster(),
        {"strategy": ["last", "mean", "drift"]},
        cv=cv,
        scoring="neg_mean_squared_error",
    ).fit(X, y)
    assert search.best_params_["strategy"] in {"last", "drift"}
    assert search.predict(X[:2]).shape == (2, 3)


def test_grid_search_over_linear_alpha(windows):
    X, y = windows
    search = GridSearchCV(
        LinearForecaster(), {"alpha": [0.0, 1.0, 100.0]}, cv=window_split(12, 3)
    ).fit(X, y)
    assert search.best_estimator_.alpha in {0.0, 1.0, 100.0}


def test_cross_val_score_linear_beats_naive(windows):
    X, y = windows
    cv = window_split(n_steps=12, horizon=3, n_splits=4)
    kwargs = {"cv": cv, "scoring": "neg_mean_squared_error"}
    linear = cross_val_score(LinearForecaster(), X, y, **kwargs)
    naive = cross_val_score(NaiveForecaster(), X, y, **kwargs)
    assert linear.mean() > naive.mean()


@pytest.mark.parametrize(
    "forecaster",
    [
        NaiveForecaster(strategy="seasonal", season_length=4),
        LinearForecaster(alpha=0.5),
    ],
)
def test_clone_keeps_params_and_drops_fit(forecaster, windows):
    X, y = windows
    fitted = clone(forecaster).fit(X, y)
    copy = clone(fitted)
    assert copy.get_params() == forecaster.get_params()
    assert not hasattr(copy, "horizon_")


@pytest.mark.parametrize(
    "forecaster", [NaiveForecaster(strategy="drift"), LinearForecaster()]
)
def test_pickle_round_trip_predicts_identically(forecaster, windows):
    X, y = windows
    fitted = forecaster.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
