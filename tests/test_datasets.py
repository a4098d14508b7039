import numpy as np
import pytest

from rnnkit.datasets import generate_time_series, load_two_sines

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


def _seed_generate_time_series(batch_size, n_steps):
    # The seed chapter's code, verbatim but for the global np.random.
    freq1, freq2, offsets1, offsets2 = np.random.rand(4, batch_size, 1)
    time = np.linspace(0, 1, n_steps)
    series = 0.5 * np.sin((time - offsets1) * (freq1 * 10 + 10))
    series += 0.2 * np.sin((time - offsets2) * (freq2 * 20 + 20))
    series += 0.1 * (np.random.rand(batch_size, n_steps) - 0.5)
    return series.astype(np.float32)


def test_generate_time_series_matches_seed_code():
    np.random.seed(3)
    expected = _seed_generate_time_series(5, 20)
    actual = generate_time_series(5, 20, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(actual, expected)


def test_generate_time_series_is_reproducible_and_leaves_global_state():
    state = np.random.get_state()[1].copy()
    a = generate_time_series(4, 10, random_state=0)
    np.testing.assert_array_equal(a, generate_time_series(4, 10, random_state=0))
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert a.dtype == np.float32


@pytest.mark.parametrize("horizon, y_shape", [(1, (7000,)), (10, (7000, 10))])
def test_load_two_sines_is_the_seed_split(horizon, y_shape):
    data = load_two_sines(horizon=horizon)
    assert data.X_train.shape == (7000, 50)
    assert data.X_valid.shape == (2000, 50)
    assert data.X_test.shape == (1000, 50)
    assert data.y_train.shape == y_shape
    assert data.y_test.shape == (1000, *y_shape[1:])


def test_load_two_sines_rejects_bad_horizon():
    with pytest.raises(ValueError, match="The 'horizon' parameter of load_two_sines"):
        load_two_sines(horizon=0)
