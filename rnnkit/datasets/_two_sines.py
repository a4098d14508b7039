"""The synthetic series of the seed chapter: two sines of random phase plus noise."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._sklearn_compat import Interval, validate_params


@validate_params(
    {
        "n_series": [Interval(Integral, 1, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def generate_time_series(n_series, n_steps, *, random_state=None):
    """Generate series that are a sum of two random sines plus uniform noise.

    Each series is ``0.5 sin((t - o1)(10 f1 + 10)) + 0.2 sin((t - o2)(20 f2 + 20))``
    on ``t`` in ``[0, 1]``, plus uniform noise in ``[-0.05, 0.05)``, with
    frequencies ``f`` and offsets ``o`` drawn uniformly in ``[0, 1)`` per series.
    The noise alone makes an MSE of about 0.00083 unavoidable.

    Parameters
    ----------
    n_series : int
        Number of independent series.
    n_steps : int
        Length of each series.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible draws. With the same ``RandomState`` this draws
        exactly what the chapter's ``np.random`` calls draw.

    Returns
    -------
    series : ndarray of shape (n_series, n_steps), dtype float32

    Examples
    --------
    >>> from rnnkit.datasets import generate_time_series
    >>> generate_time_series(3, 50, random_state=0).shape
    (3, 50)
    """
    rng = check_random_state(random_state)
    freq1, freq2, offsets1, offsets2 = rng.rand(4, n_series, 1)
    time = np.linspace(0, 1, n_steps)
    series = 0.5 * np.sin((time - offsets1) * (freq1 * 10 + 10))
    series += 0.2 * np.sin((time - offsets2) * (freq2 * 20 + 20))
    series += 0.1 * (rng.rand(n_series, n_steps) - 0.5)
    return series.astype(np.float32)


@validate_params(
    {
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "n_series": [Interval(Integral, 3, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def load_two_sines(
    horizon: int = 1,
    *,
    n_series: int = 10_000,
    n_steps: int = 50,
    random_state: int | np.random.RandomState | None = 42,
) -> Bunch:
    """Load the chapter's experiment: windows of two-sine series, split 70/20/10.

    Draws ``n_series`` series of ``n_steps + horizon`` values; the first
    ``n_steps`` are the window ``X`` and the last ``horizon`` the target ``y``.
    The series are split in order into 70 % training, 20 % validation and
    10 % test (7,000 / 2,000 / 1,000 with the defaults), as in the chapter.

    Parameters
    ----------
    horizon : int, default=1
        Values to forecast: 1 for the chapter's next-value task, 10 for its
        ten-steps-ahead task.
    n_series : int, default=10_000
        Number of series (windows) in all.
    n_steps : int, default=50
        Window length.
    random_state : int, RandomState instance or None, default=42
        Seed; the default gives the same data on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X_train``, ``X_valid``, ``X_test`` of shape ``(n, n_steps)`` and
        ``y_train``, ``y_valid``, ``y_test`` of shape ``(n,)`` when
        ``horizon == 1``, else ``(n, horizon)``; all float32.

    Examples
    --------
    >>> from rnnkit.datasets import load_two_sines
    >>> data = load_two_sines(horizon=10)
    >>> data.X_train.shape, data.y_train.shape, data.X_test.shape
    ((7000, 50), (7000, 10), (1000, 50))
    """
    series = generate_time_series(
        n_series, n_steps + horizon, random_state=random_state
    )
    X, y = series[:, :n_steps], series[:, n_steps:]
    if horizon == 1:
        y = y[:, 0]
    n_train, n_valid = int(0.7 * n_series), int(0.2 * n_series)
    parts = {
        "train": slice(0, n_train),
        "valid": slice(n_train, n_train + n_valid),
        "test": slice(n_train + n_valid, None),
    }
    data = Bunch()
    for name, part in parts.items():
        data[f"X_{name}"], data[f"y_{name}"] = X[part], y[part]
    return data
