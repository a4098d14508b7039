import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from rnnkit import (
    LinearForecaster,
    NaiveForecaster,
    SeriesForecaster,
    load,
    make_windows,
    save,
)
from rnnkit._conformal import half_width

# Baselines, linear models and scikit-learn regressors only: no network is built.
pytestmark = pytest.mark.backend_independent


def seasonal_trend(n=72, start="2018-01-01", freq="MS", seed=0, slope=1.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 100 + slope * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq=freq))


def linear(**params):
    return SeriesForecaster(LinearForecaster(), n_steps=12, horizon=3, **params)


# --- dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (pd.date_range("2020-01-01", periods=40, freq="MS"), ["2023-05-01"]),
        (pd.date_range("2020-01-31", periods=40, freq="ME"), ["2023-05-31"]),
        (pd.date_range("2020-01-01", periods=40, freq="QS"), ["2030-01-01"]),
        (pd.date_range("2000-01-01", periods=40, freq="YS"), ["2040-01-01"]),
        (pd.date_range("2020-01-01", periods=40, freq="D"), ["2020-02-10"]),
        (pd.bdate_range("2024-01-01", periods=40), ["2024-02-26"]),
    ],
)
def test_forecast_dates_continue_the_frequency(index, expected):
    y = pd.Series(np.arange(40.0), index=index)
    y.index.freq = None  # as read from a file: the frequency is inferred
    forecast = linear().fit(y).predict()
    assert str(forecast.index[0].date()) == expected[0]
    assert forecast.index.freq is not None
    assert len(forecast) == 3


def test_periods_and_positions_continue():
    periods = pd.period_range("2001Q1", periods=30, freq="Q")
    forecast = linear().fit(pd.Series(np.arange(30.0), index=periods)).predict()
    assert list(forecast.index.astype(str)) == ["2008Q3", "2008Q4", "2009Q1"]
    ranged = pd.Series(np.arange(30.0), index=pd.RangeIndex(100, 160, 2))
    assert list(linear().fit(ranged).predict().index) == [160, 162, 164]
    years = pd.Series(np.arange(30.0), index=pd.Index(range(1901, 1931)))
    assert list(linear().fit(years).predict().index) == [1931, 1932, 1933]


def test_array_in_array_out_and_the_forecaster_s_own_forecast():
    y = seasonal_trend().to_numpy()
    model = linear().fit(y)
    forecast = model.predict()
    assert isinstance(forecast, np.ndarray) and forecast.shape == (3,)
    X, Y = make_windows(y, 12, 3)
    direct = LinearForecaster().fit(X, Y).predict(y[None, -12:])[0]
    np.testing.assert_allclose(forecast, direct)
    intervals = model.predict_interval()
    assert list(intervals.index) == [72, 73, 74]


def test_one_column_dataframe_keeps_its_name():
    y = seasonal_trend().rename("sales").to_frame()
    assert linear().fit(y).predict().name == "sales"


# --- intervals -------------------------------------------------------------------


def test_intervals_bound_the_forecast_and_widen_with_coverage():
    model = linear().fit(seasonal_trend())
    forecast = model.predict()
    bounds = model.predict_interval(coverage=[0.8, 0.95])
    assert list(bounds.columns) == ["lower_80", "upper_80", "lower_95", "upper_95"]
    assert bounds.index.equals(forecast.index)
    assert (bounds["lower_95"] < bounds["lower_80"]).all()
    assert (bounds["lower_80"] < forecast).all() and (
        forecast < bounds["upper_80"]
    ).all()
    np.testing.assert_allclose(
        forecast - bounds["lower_80"], bounds["upper_80"] - forecast
    )


def test_conformal_bound_is_the_corrected_quantile_of_each_step():
    errors = np.column_stack([np.arange(1.0, 20.0), 10 * np.arange(1.0, 20.0)])
    # 19 errors: the bound is the ceil(20 * 0.9) = 18th smallest.
    np.testing.assert_array_equal(half_width(errors, 0.9), [18.0, 180.0])
    with pytest.warns(UserWarning, match="too few for coverage 0.99"):
        np.testing.assert_array_equal(half_width(errors, 0.99), [19.0, 190.0])


def test_calibration_errors_are_out_of_sample_per_step():
    y = seasonal_trend()
    model = linear(calibration_size=10).fit(y)
    assert model.calibration_errors_.shape == (10, 3)
    # A copy fitted on the windows before the cut forecasts the last 10 origins.
    X, Y = make_windows(y.to_numpy(), 12, 3)
    early = LinearForecaster().fit(X[: len(X) - 10 - 2], Y[: len(X) - 10 - 2])
    expected = np.abs(Y[-10:] - early.predict(X[-10:]))
    np.testing.assert_allclose(model.calibration_errors_, expected)


def test_intervals_need_calibration():
    model = linear(calibration=None).fit(seasonal_trend())
    assert model.calibration_errors_ is None
    with pytest.raises(ValueError, match='calibration="conformal"'):
        model.predict_interval()


@pytest.mark.parametrize("coverage", [0, 1, 1.5, -0.1, "0.9", [0.8, 1.2]])
def test_coverage_outside_zero_one_is_refused(coverage):
    model = linear().fit(seasonal_trend())
    with pytest.raises(ValueError, match="coverage must be"):
        model.predict_interval(coverage)


# --- covariates ------------------------------------------------------------------


def test_known_covariates_of_the_forecast_steps_are_used():
    rng = np.random.default_rng(1)
    price = rng.normal(size=200)
    y = 50 + 5 * price + rng.normal(0, 0.1, 200)  # driven by the same step's price
    train, future = slice(0, 197), slice(197, 200)
    with_exog = linear().fit(y[train], price[train]).predict(price[future])
    without = linear().fit(y[train]).predict()
    assert np.abs(with_exog - y[future]).max() < 0.5
    assert np.abs(without - y[future]).max() > 1


def test_exog_errors_name_what_was_expected():
    y, exog = seasonal_trend(), np.ones((72, 2))
    with pytest.raises(ValueError, match="exog must have 72 rows, one per value of y"):
        linear().fit(y, exog[:70])
    with pytest.raises(ValueError, match="72 rows, one per value of y"):
        linear().fit(y.to_numpy(), exog[:70])  # an array's rows are its values too
    with pytest.raises(ValueError, match=r"exog must hold numbers.*get_dummies"):
        linear().fit(y, np.full((72, 1), "holiday"))
    model = linear().fit(y, exog)
    with pytest.raises(ValueError, match=r"exog is required.*shape \(3, 2\)"):
        model.predict()
    with pytest.raises(ValueError, match="3 rows, one per forecast step"):
        model.predict(np.ones((2, 2)))
    with pytest.raises(ValueError, match="exog must have 2 column"):
        model.predict(np.ones((3, 1)))
    with pytest.raises(ValueError, match="fit had none"):
        linear().fit(y).predict(np.ones((3, 2)))
    shifted = pd.DataFrame(exog, index=y.index + pd.DateOffset(months=1))
    with pytest.raises(ValueError, match="exog's index must equal y's"):
        linear().fit(y, shifted)


# --- bad input -------------------------------------------------------------------


def test_missing_values_raise_or_are_interpolated_without_touching_the_input():
    y = seasonal_trend()
    y.iloc[[5, 30]] = np.nan
    original = y.copy()
    with pytest.raises(ValueError, match=r'2 missing value.*missing="interpolate"'):
        linear().fit(y)
    filled = linear(missing="interpolate").fit(y).predict()
    assert np.isfinite(filled).all()
    pd.testing.assert_series_equal(y, original)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (pd.Series(np.arange(10.0)), "fewer than n_steps \\+ horizon = 15"),
        (
            pd.Series(
                np.arange(40.0),
                index=pd.DatetimeIndex(
                    list(pd.date_range("2020-01-01", periods=20, freq="D"))
                    + list(pd.date_range("2020-03-01", periods=20, freq="D"))
                ),
            ),
            "no frequency pandas can infer",
        ),
        (
            pd.Series(
                np.arange(40.0),
                index=pd.DatetimeIndex(
                    ["2019-06-01", *pd.date_range("2020-01-01", periods=39)]
                ),
            ),
            "no frequency pandas can infer",
        ),
        (pd.DataFrame({"a": np.arange(40.0), "b": "x"}), r"y\['b'\] must hold numb"),
        (np.ones((40, 2)), "must be 1-D"),
        (np.r_[np.arange(39.0), np.inf], "infinite value at position 39"),
        (pd.Series(np.arange(40.0), index=[f"t{i}" for i in range(40)]), "index of"),
    ],
)
def test_bad_series_get_a_clear_error(y, message):
    with pytest.raises(ValueError, match=message):
        linear().fit(y)


# --- scikit-learn manners -----------------------------------------------------------


@pytest.mark.parametrize(
    "regressor", [Ridge(), HistGradientBoostingRegressor(max_iter=20)]
)
def test_scikit_learn_regressors_forecast_the_horizon(regressor):
    model = SeriesForecaster(regressor, n_steps=12, horizon=3).fit(seasonal_trend())
    assert model.predict().shape == (3,)
    assert model.predict_interval().shape == (3, 2)


def test_nested_parameters_clone_and_grid_search():
    model = SeriesForecaster(NaiveForecaster(), n_steps=12, horizon=3)
    assert model.get_params()["forecaster__strategy"] == "last"
    copy = clone(model).set_params(forecaster__strategy="seasonal")
    assert copy.forecaster.season_length is None and model.forecaster.strategy == "last"
    search = GridSearchCV(
        SeriesForecaster(
            NaiveForecaster(season_length=12), n_steps=12, horizon=3, calibration=None
        ),
        {"forecaster__strategy": ["last", "seasonal"]},
        cv=TimeSeriesSplit(n_splits=3, test_size=3),
    ).fit(seasonal_trend(slope=0))
    assert search.best_params_ == {"forecaster__strategy": "seasonal"}
    assert search.best_estimator_.predict().index[0] == pd.Timestamp("2024-01-01")


def test_fit_parameters_reach_the_wrapped_forecaster():
    model = SeriesForecaster(NaiveForecaster(), n_steps=12, horizon=3)
    with pytest.raises(TypeError, match=r"unexpected fit parameters \['callbacks'\]"):
        model.fit(seasonal_trend(), callbacks=[])


def test_score_is_minus_mase_of_the_next_values():
    y = seasonal_trend()
    model = SeriesForecaster(NaiveForecaster(), n_steps=12, horizon=3).fit(y[:60])
    actual = y.iloc[60:63].to_numpy()
    history = y.iloc[:60].to_numpy()
    scale = np.mean(np.abs(history[12:] - history[:-12]))  # monthly: season 12
    expected = np.mean(np.abs(actual - y.iloc[59])) / scale
    assert model.score(y.iloc[60:]) == pytest.approx(-expected)


# --- persistence ---------------------------------------------------------------------


def test_save_load_and_pickle_keep_dates_intervals_and_covariates(tmp_path):
    y, exog = seasonal_trend(), np.arange(144.0).reshape(72, 2) % 5
    future = np.ones((3, 2))
    model = linear().fit(y, exog)
    save(model, tmp_path / "series.rnnkit")
    for copy in (load(tmp_path / "series.rnnkit"), pickle.loads(pickle.dumps(model))):
        pd.testing.assert_series_equal(copy.predict(future), model.predict(future))
        pd.testing.assert_frame_equal(
            copy.predict_interval([0.8, 0.95], future),
            model.predict_interval([0.8, 0.95], future),
        )


def test_save_refuses_a_wrapped_scikit_learn_regressor(tmp_path):
    model = SeriesForecaster(Ridge(), n_steps=12, horizon=3).fit(seasonal_trend())
    with pytest.raises(ValueError, match=r"Ridge; rnnkit\.save saves rnnkit's"):
        save(model, tmp_path / "ridge.rnnkit")
