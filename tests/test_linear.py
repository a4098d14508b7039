import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error

from rnnkit import LinearForecaster

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


def test_linear_equals_least_squares_on_flattened_windows():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 5, 2)), rng.normal(size=(40, 3))
    forecaster = LinearForecaster().fit(X, Y)
    reference = LinearRegression().fit(X.reshape(40, -1), Y)
    np.testing.assert_allclose(
        forecaster.predict(X), reference.predict(X.reshape(40, -1))
    )
    assert forecaster.coef_.shape == (3, 10)
    assert forecaster.intercept_.shape == (3,)


def test_linear_alpha_is_ridge():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 6)), rng.normal(size=30)
    forecaster = LinearForecaster(alpha=2.0).fit(X, y)
    np.testing.assert_allclose(
        forecaster.predict(X), Ridge(alpha=2.0).fit(X, y).predict(X)
    )


def test_linear_without_intercept_has_zero_intercepts():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    forecaster = LinearForecaster(fit_intercept=False).fit(X, y)
    np.testing.assert_array_equal(forecaster.intercept_, [0.0])


def test_linear_rejects_negative_alpha():
    with pytest.raises(ValueError, match="The 'alpha' parameter of LinearForecaster"):
        LinearForecaster(alpha=-1).fit(np.ones((3, 2)), np.ones(3))


def test_linear_beats_seed_figure_one_step(two_sines):
    forecaster = LinearForecaster().fit(two_sines.X_train, two_sines.y_train)
    mse = mean_squared_error(two_sines.y_test, forecaster.predict(two_sines.X_test))
    assert mse <= 0.0040  # the seed reports 0.0042


def test_linear_ten_steps(two_sines_10):
    forecaster = LinearForecaster().fit(two_sines_10.X_train, two_sines_10.y_train)
    y_pred = forecaster.predict(two_sines_10.X_test)
    assert y_pred.shape == (1000, 10)
    assert mean_squared_error(two_sines_10.y_test, y_pred) < 0.02


def test_linear_sample_weight_is_weighted_least_squares():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 5, 2)), rng.normal(size=(40, 3))
    weights = rng.uniform(0.1, 3.0, size=40)
    for alpha, Reference in ((0.0, LinearRegression), (2.0, Ridge)):
        forecaster = LinearForecaster(alpha=alpha).fit(X, Y, sample_weight=weights)
        kwargs = {"alpha": alpha} if alpha else {}
        reference = Reference(**kwargs).fit(X.reshape(40, -1), Y, weights)
        np.testing.assert_allclose(
            forecaster.predict(X), reference.predict(X.reshape(40, -1))
        )


def test_linear_zero_weight_windows_are_left_out():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 6)), rng.normal(size=30)
    weights = np.where(np.arange(30) % 5 == 0, 0.0, 1.0)
    garbage_X, garbage_y = X.copy(), y.copy()
    garbage_X[weights == 0], garbage_y[weights == 0] = 1e300, -1e300
    alone = LinearForecaster().fit(X[weights > 0], y[weights > 0])
    for kept in (weights, weights > 0):  # weights, or a boolean mask
        glued = LinearForecaster().fit(garbage_X, garbage_y, sample_weight=kept)
        np.testing.assert_allclose(glued.coef_, alone.coef_, rtol=1e-10)
        np.testing.assert_allclose(glued.intercept_, alone.intercept_, rtol=1e-10)


def test_linear_sample_weight_routes_through_a_pipeline():
    from sklearn import config_context
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 6)), rng.normal(size=30)
    weights = rng.uniform(0.0, 2.0, size=30)
    direct = LinearForecaster().fit(X, y, sample_weight=weights)
    with config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(LinearForecaster().set_fit_request(sample_weight=True))
        pipeline.fit(X, y, sample_weight=weights)
        unrequested = make_pipeline(LinearForecaster())
        with pytest.raises(ValueError, match="sample_weight"):
            unrequested.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(pipeline.predict(X), direct.predict(X))
