"""Validation every forecaster inherits from the base."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from rnnkit import LinearForecaster, NaiveForecaster

FORECASTERS = [NaiveForecaster, LinearForecaster]


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_learns_horizon_from_y(Forecaster):
    X = np.random.default_rng(0).normal(size=(20, 5))
    assert Forecaster().fit(X, np.zeros(20)).horizon_ == 1
    assert Forecaster().fit(X, np.zeros((20, 4))).horizon_ == 4


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_rejects_4d_windows(Forecaster):
    with pytest.raises(
        ValueError, match=re.escape("X must be 2-D (n_windows, n_steps)")
    ):
        Forecaster().fit(np.zeros((4, 3, 2, 1)), np.zeros(4))


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_rejects_other_window_shape_at_predict(Forecaster):
    forecaster = Forecaster().fit(np.zeros((4, 3, 2)), np.zeros(4))
    msg = "X has windows of shape (3, 1), but"
    with pytest.raises(ValueError, match=re.escape(msg)):
        forecaster.predict(np.zeros((4, 3, 1)))


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_rejects_nan(Forecaster):
    X = np.ones((4, 3))
    X[1, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Forecaster().fit(X, np.zeros(4))


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_predict_before_fit_raises_not_fitted(Forecaster):
    with pytest.raises(NotFittedError):
        Forecaster().predict(np.zeros((2, 3)))


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_accepts_dataframe_and_int_data(Forecaster):
    frame = pd.DataFrame({"t0": [1, 2, 3, 4], "t1": [2, 3, 4, 5]})
    forecaster = Forecaster().fit(frame, [3, 4, 5, 6])
    assert forecaster.predict(frame).dtype == np.float64
    np.testing.assert_array_equal(forecaster.feature_names_in_, ["t0", "t1"])


@pytest.mark.parametrize("Forecaster", FORECASTERS)
def test_base_does_not_modify_caller_arrays(Forecaster):
    X = np.random.default_rng(0).normal(size=(10, 4))
    y = np.random.default_rng(1).normal(size=(10, 2))
    X_before, y_before = X.copy(), y.copy()
    Forecaster().fit(X, y).predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
