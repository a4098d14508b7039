import re

import numpy as np
import pytest

from rnnkit import NaiveForecaster, make_windows

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py

X = np.array([[1.0, 2.0, 3.0, 4.0], [4.0, 2.0, 4.0, 2.0]])


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ("last", [[4, 4, 4], [2, 2, 2]]),
        ("mean", [[2.5, 2.5, 2.5], [3, 3, 3]]),
        ("drift", [[5, 6, 7], [4 / 3, 2 / 3, 0]]),
    ],
)
def test_naive_strategies(strategy, expected):
    forecaster = NaiveForecaster(strategy=strategy).fit(X, np.zeros((2, 3)))
    np.testing.assert_allclose(forecaster.predict(X), expected)


def test_naive_seasonal_repeats_last_season():
    forecaster = NaiveForecaster(strategy="seasonal", season_length=2)
    forecaster.fit(X, np.zeros((2, 5)))
    np.testing.assert_array_equal(
        forecaster.predict(X), [[3, 4, 3, 4, 3], [4, 2, 4, 2, 4]]
    )


def test_naive_output_follows_y_shape():
    assert NaiveForecaster().fit(X, np.zeros(2)).predict(X).shape == (2,)
    assert NaiveForecaster().fit(X, np.zeros((2, 1))).predict(X).shape == (2, 1)


def test_naive_uses_target_index_for_3d_windows():
    X3 = np.stack([X, 10 * X], axis=-1)
    forecaster = NaiveForecaster(target_index=1).fit(X3, np.zeros(2))
    np.testing.assert_array_equal(forecaster.predict(X3), [40, 20])


def test_naive_rejects_target_index_out_of_range():
    msg = "target_index must be less than the number of features of X (1). "
    with pytest.raises(ValueError, match=re.escape(msg + "Got 1 instead.")):
        NaiveForecaster(target_index=1).fit(X, np.zeros(2))


@pytest.mark.parametrize("season_length", [None, 5])
def test_naive_seasonal_needs_valid_season_length(season_length):
    msg = "season_length must be an int between 1 and the window length (4)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        NaiveForecaster(strategy="seasonal", season_length=season_length).fit(
            X, np.zeros(2)
        )


def test_naive_rejects_unknown_strategy():
    msg = "The 'strategy' parameter of NaiveForecaster must be a str among"
    with pytest.raises(ValueError, match=re.escape(msg)):
        NaiveForecaster(strategy="median").fit(X, np.zeros(2))


def test_naive_matches_seed_baseline(two_sines):
    forecaster = NaiveForecaster().fit(two_sines.X_train, two_sines.y_train)
    y_pred = forecaster.predict(two_sines.X_test)
    np.testing.assert_array_equal(y_pred, two_sines.X_test[:, -1])
    seed_mse = np.mean(np.square(two_sines.y_test - two_sines.X_test[:, -1]))
    assert np.mean((two_sines.y_test - y_pred) ** 2) == pytest.approx(seed_mse)


def test_naive_accepts_and_ignores_sample_weight():
    # It learns nothing from the windows, so any weights give the same
    # forecaster (a panel passes weights to every forecaster alike).
    X, y = make_windows(np.arange(30.0) ** 1.5, n_steps=4, horizon=2)
    weights = np.r_[0.0, np.arange(1.0, len(X))]
    weighted = NaiveForecaster(strategy="drift").fit(X, y, sample_weight=weights)
    plain = NaiveForecaster(strategy="drift").fit(X, y)
    np.testing.assert_array_equal(weighted.predict(X), plain.predict(X))
