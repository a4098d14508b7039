import re

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit

from rnnkit import make_windows, window_split

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


def test_make_windows_univariate_shapes_and_values():
    X, y = make_windows(np.arange(10.0), n_steps=4, horizon=2)
    assert X.shape == (5, 4)
    assert y.shape == (5, 2)
    np.testing.assert_array_equal(X[1], [1, 2, 3, 4])
    np.testing.assert_array_equal(y[1], [5, 6])


def test_make_windows_horizon_one_gives_1d_target():
    X, y = make_windows(np.arange(10.0), n_steps=4)
    assert y.shape == (6,)
    np.testing.assert_array_equal(y, X[:, -1] + 1)


def test_make_windows_multivariate_takes_target_feature():
    series = np.column_stack([np.arange(8.0), 100 + np.arange(8.0)])
    X, y = make_windows(series, n_steps=3, horizon=2, target_index=1)
    assert X.shape == (4, 3, 2)
    np.testing.assert_array_equal(X[0], series[:3])
    np.testing.assert_array_equal(y[0], [103, 104])


def test_make_windows_stride_skips_windows():
    X, y = make_windows(np.arange(10.0), n_steps=3, stride=3)
    np.testing.assert_array_equal(X[:, 0], [0, 3, 6])
    np.testing.assert_array_equal(y, [3, 6, 9])


def test_make_windows_are_read_only_views():
    series = np.random.default_rng(0).normal(size=(1000, 3))
    X, y = make_windows(series, n_steps=50, horizon=5)
    assert np.shares_memory(X, series)
    assert np.shares_memory(y, series)
    assert not X.flags.writeable
    assert not y.flags.writeable


def test_make_windows_long_series_costs_no_memory():
    series = np.zeros(10_000_000, dtype=np.float32)
    X, _ = make_windows(series, n_steps=100, horizon=10)
    assert X.shape == (10_000_000 - 109, 100)
    assert X.base is not None and np.shares_memory(X, series)


def test_make_windows_accepts_pandas():
    frame = pd.DataFrame({"a": np.arange(6.0), "b": np.arange(6.0) * 2})
    X, y = make_windows(frame, n_steps=2, target_index=1)
    assert X.shape == (4, 2, 2)
    np.testing.assert_array_equal(y, [4, 6, 8, 10])
    X, y = make_windows(pd.Series(np.arange(6.0)), n_steps=2)
    np.testing.assert_array_equal(y, [2, 3, 4, 5])


def test_make_windows_casts_ints_to_float():
    X, _ = make_windows(np.arange(6), n_steps=2)
    assert X.dtype == np.float64


def test_make_windows_does_not_modify_input():
    series = np.arange(6.0)
    make_windows(series, n_steps=2)
    assert series.flags.writeable
    np.testing.assert_array_equal(series, np.arange(6.0))


def test_make_windows_rejects_short_series():
    msg = "series has 5 values, fewer than n_steps + horizon = 6"
    with pytest.raises(ValueError, match=re.escape(msg)):
        make_windows(np.arange(5.0), n_steps=4, horizon=2)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_make_windows_rejects_non_finite(bad):
    series = np.arange(10.0)
    series[3] = bad
    with pytest.raises(ValueError, match="series contains"):
        make_windows(series, n_steps=3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_steps": 0}, "The 'n_steps' parameter of make_windows must be an int"),
        ({"n_steps": 2, "horizon": 0}, "The 'horizon' parameter"),
        ({"n_steps": 2, "stride": 0}, "The 'stride' parameter"),
        ({"n_steps": 2.5}, "The 'n_steps' parameter"),
    ],
)
def test_make_windows_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_windows(np.arange(10.0), **kwargs)


def test_make_windows_rejects_bad_target_index():
    msg = "target_index must be less than the number of features (2). Got 2 instead."
    with pytest.raises(ValueError, match=re.escape(msg)):
        make_windows(np.zeros((10, 2)), n_steps=3, target_index=2)


def test_make_windows_rejects_3d_series():
    with pytest.raises(ValueError, match="series must be 1-D"):
        make_windows(np.zeros((10, 2, 2)), n_steps=3)


def _leaks(X, y, cv):
    for train, test in cv.split(X):
        seen = set(X[train].ravel()) | set(np.ravel(y[train]))
        if seen & (set(X[test].ravel()) | set(np.ravel(y[test]))):
            return True
    return False


@pytest.mark.parametrize("n_steps, horizon, stride", [(5, 1, 1), (4, 3, 1), (5, 2, 3)])
def test_window_split_leaves_no_shared_values(n_steps, horizon, stride):
    X, y = make_windows(np.arange(200.0), n_steps, horizon, stride=stride)
    cv = window_split(n_steps, horizon, stride=stride, n_splits=3)
    assert isinstance(cv, TimeSeriesSplit)
    assert not _leaks(X, y, cv)
    # The gap is the smallest that works: one window less leaks.
    assert _leaks(X, y, TimeSeriesSplit(n_splits=3, gap=cv.gap - 1))


def test_window_split_gap_for_seed_windows():
    assert window_split(n_steps=50, horizon=10).gap == 59
