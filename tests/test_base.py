"""Validation every forecaster inherits from the base."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rnnkit import (
    LinearForecaster,
    NaiveForecaster,
    RNNForecaster,
    Seq2SeqForecaster,
    make_windows,
)

FORECASTERS = [NaiveForecaster, LinearForecaster]
# The baselines build no network: one backend runs their tests (tests/conftest.py).
BASELINES = pytest.mark.parametrize(
    "Forecaster",
    [pytest.param(F, marks=pytest.mark.backend_independent) for F in FORECASTERS],
)


@BASELINES
def test_base_learns_horizon_from_y(Forecaster):
    X = np.random.default_rng(0).normal(size=(20, 5))
    assert Forecaster().fit(X, np.zeros(20)).horizon_ == 1
    assert Forecaster().fit(X, np.zeros((20, 4))).horizon_ == 4


@BASELINES
def test_base_rejects_4d_windows(Forecaster):
    with pytest.raises(
        ValueError, match=re.escape("X must be 2-D (n_windows, n_steps)")
    ):
        Forecaster().fit(np.zeros((4, 3, 2, 1)), np.zeros(4))


@BASELINES
def test_base_rejects_other_window_shape_at_predict(Forecaster):
    forecaster = Forecaster().fit(np.zeros((4, 3, 2)), np.zeros(4))
    msg = "X has windows of shape (3, 1), but"
    with pytest.raises(ValueError, match=re.escape(msg)):
        forecaster.predict(np.zeros((4, 3, 1)))


@BASELINES
def test_base_rejects_nan(Forecaster):
    X = np.ones((4, 3))
    X[1, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Forecaster().fit(X, np.zeros(4))


@BASELINES
def test_base_predict_before_fit_raises_not_fitted(Forecaster):
    with pytest.raises(NotFittedError):
        Forecaster().predict(np.zeros((2, 3)))


@BASELINES
def test_base_accepts_dataframe_and_int_data(Forecaster):
    frame = pd.DataFrame({"t0": [1, 2, 3, 4], "t1": [2, 3, 4, 5]})
    forecaster = Forecaster().fit(frame, [3, 4, 5, 6])
    assert forecaster.predict(frame).dtype == np.float64
    np.testing.assert_array_equal(forecaster.feature_names_in_, ["t0", "t1"])


@BASELINES
def test_base_does_not_modify_caller_arrays(Forecaster):
    X = np.random.default_rng(0).normal(size=(10, 4))
    y = np.random.default_rng(1).normal(size=(10, 2))
    X_before, y_before = X.copy(), y.copy()
    Forecaster().fit(X, y).predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def _trending_windows():
    rng = np.random.default_rng(0)
    t = np.arange(300)
    series = 100 + 0.5 * t + 3 * np.sin(t / 5) + rng.normal(0, 1, t.size)
    return make_windows(series, n_steps=20, horizon=3)


@BASELINES
def test_base_fit_refuses_fit_params_it_does_not_take(Forecaster):
    X = np.random.default_rng(0).normal(size=(20, 5))
    msg = f"{Forecaster.__name__}.fit() got unexpected fit parameters ['callbacks']"
    taken = "; it takes ['sample_weight']."
    with pytest.raises(TypeError, match=re.escape(msg + taken)):
        Forecaster().fit(X, np.zeros(20), callbacks=[])


@pytest.mark.backend_independent  # refused before any network is built
@pytest.mark.parametrize("Forecaster", [*FORECASTERS, RNNForecaster])
@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            np.ones(19),
            "sample_weight must hold one weight per window: shape (20,) for these "
            "20 windows. Got shape (19,) instead.",
        ),
        (
            np.ones((20, 1)),
            "sample_weight must hold one weight per window: shape (20,) for these "
            "20 windows. Got shape (20, 1) instead.",
        ),
        (
            np.r_[np.ones(5), -1.0, np.ones(14)],
            "sample_weight must be non-negative finite numbers (0 leaves a window "
            "out of the fit). Got np.float64(-1.0) for window 5 instead.",
        ),
        (
            np.r_[np.nan, np.ones(19)],
            "sample_weight must be non-negative finite numbers (0 leaves a window "
            "out of the fit). Got np.float64(nan) for window 0 instead.",
        ),
        (
            np.r_[np.ones(19), np.inf],
            "sample_weight must be non-negative finite numbers (0 leaves a window "
            "out of the fit). Got np.float64(inf) for window 19 instead.",
        ),
        (
            ["a"] * 20,
            "sample_weight must be non-negative finite numbers (0 leaves a window "
            "out of the fit). Got np.str_('a') for window 0 instead.",
        ),
        (
            np.zeros(20),
            "sample_weight must give at least one window a positive weight; windows "
            "of weight 0 are left out of the fit. Got only zeros instead.",
        ),
    ],
)
def test_base_rejects_bad_sample_weight(Forecaster, weights, message):
    X = np.random.default_rng(0).normal(size=(20, 5))
    with pytest.raises(ValueError, match=re.escape(message)):
        Forecaster().fit(X, np.zeros(20), sample_weight=weights)


@pytest.mark.backend_independent
def test_base_continuity_check_skips_windows_of_weight_0():
    X, y = _trending_windows()
    X, y = X.copy(), y.copy()
    weights = np.ones(len(X))
    weights[::3] = 0
    y[::3] = -1e6  # where two series meet, y need not continue X
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NaiveForecaster().fit(X, y, sample_weight=weights)
    with pytest.warns(UserWarning, match="y does not continue feature 0 of X"):
        NaiveForecaster().fit(X, y)


@pytest.mark.backend_independent
def test_base_warns_when_a_pipeline_scales_X_but_not_y():
    X, y = _trending_windows()
    message = (
        "NaiveForecaster forecasts the values that follow each window (its naive "
        "forecasts, scaling and per-step targets rely on it), so its forecasts "
        "will be off. This happens when X is scaled and y is not, as in "
        "make_pipeline(StandardScaler(), NaiveForecaster()): leave scaling to "
        "rnnkit (the neural forecasters' scaler parameter scales windows and "
        "targets together), or scale y too, with "
        "sklearn.compose.TransformedTargetRegressor. See docs/data.md."
    )
    pipeline = make_pipeline(StandardScaler(), NaiveForecaster())
    with pytest.warns(UserWarning, match=r"^y does not continue feature 0 of X: ") as w:
        pipeline.fit(X, y)
    assert message in str(w[0].message)


@pytest.mark.backend_independent
def test_base_warning_advice_works_and_stays_silent():
    X, y = _trending_windows()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NaiveForecaster().fit(X, y)
        LinearForecaster().fit(X, y)  # does not rely on y continuing X
        make_pipeline(StandardScaler(), LinearForecaster()).fit(X, y)
        noise = np.random.default_rng(1).normal(size=200)
        NaiveForecaster().fit(*make_windows(noise, n_steps=5))
        model = TransformedTargetRegressor(
            make_pipeline(StandardScaler(), NaiveForecaster()),
            transformer=StandardScaler(),
        ).fit(X, y)
    assert model.score(X, y) > 0.99


@pytest.mark.slow
@pytest.mark.parametrize("Forecaster", [RNNForecaster, Seq2SeqForecaster])
def test_neural_forecasters_warn_when_y_does_not_continue_X(Forecaster):
    X, y = _trending_windows()
    pipeline = make_pipeline(StandardScaler(), Forecaster(units=1, epochs=1))
    with pytest.warns(UserWarning, match=f"{Forecaster.__name__} forecasts the"):
        pipeline.fit(X[:40], y[:40])


@BASELINES
def test_base_pickles_parameters_and_fitted_state_only(Forecaster):
    X = np.random.default_rng(0).normal(size=(20, 5))
    model = Forecaster().fit(X, np.zeros((20, 2)))
    model._progress = lambda: None  # a hook, not state: never pickled
    state = model.__getstate__()
    assert set(state) == {*model.get_params(), "__fitted_state__"}
    fitted, _ = state["__fitted_state__"]
    assert fitted["horizon_"] == 2 and fitted["window_shape"] == [5]
    copy = pickle.loads(pickle.dumps(model))
    assert not hasattr(copy, "_progress")
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))


@BASELINES
def test_base_set_fitted_state_refuses_bad_values(Forecaster):
    X = np.random.default_rng(0).normal(size=(20, 5))
    state, arrays = Forecaster().fit(X, np.zeros(20))._get_fitted_state()
    for bad in ({"horizon_": 0}, {"y_ndim": 3}, {"window_shape": [5, 0]}, {"x": 1}):
        with pytest.raises(ValueError):
            Forecaster()._set_fitted_state({**state, **bad}, arrays)
