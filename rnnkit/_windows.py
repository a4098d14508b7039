"""Turn a long series into ``(X, y)`` windows, and split windows without leakage."""

from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import check_array

from ._sklearn_compat import Interval, validate_params


@validate_params(
    {
        "series": ["array-like"],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "target_index": [Interval(Integral, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_windows(
    series: ArrayLike,
    n_steps: int,
    horizon: int = 1,
    *,
    stride: int = 1,
    target_index: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into input windows and the values that follow them.

    Window ``i`` holds ``series[i * stride : i * stride + n_steps]``; its target
    holds the next ``horizon`` values of the target feature. Both outputs are
    read-only views of ``series``: no data is copied, so windows over a
    10-million-point series cost no extra memory.

    Parameters
    ----------
    series : array-like of shape (n_times,) or (n_times, n_features)
        The series, oldest value first. A pandas Series or DataFrame is fine.
        Integer data is converted to float (one copy of the series).
    n_steps : int
        Length of each input window.
    horizon : int, default=1
        How many values after each window to forecast.
    stride : int, default=1
        Distance between the starts of consecutive windows.
    target_index : int, default=0
        For a 2-D series, the column whose future values form ``y``.

    Returns
    -------
    X : ndarray of shape (n_windows, n_steps) or (n_windows, n_steps, n_features)
        The input windows (2-D for a 1-D series, 3-D for a 2-D series).
    y : ndarray of shape (n_windows,) or (n_windows, horizon)
        The targets: 1-D when ``horizon == 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnkit import make_windows
    >>> X, y = make_windows(np.arange(6.0), n_steps=3)
    >>> X
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y
    array([3., 4., 5.])
    """
    values = check_array(
        series,
        ensure_2d=False,
        dtype=[np.float64, np.float32],
        allow_nd=True,
        input_name="series",
    )
    if values.ndim not in (1, 2):
        raise ValueError(
            "series must be 1-D (n_times,) or 2-D (n_times, n_features). "
            f"Got an array of shape {values.shape} instead."
        )
    if values.ndim == 2 and target_index >= values.shape[1]:
        raise ValueError(
            f"target_index must be less than the number of features "
            f"({values.shape[1]}). Got {target_index!r} instead."
        )
    span = n_steps + horizon
    if values.shape[0] < span:
        raise ValueError(
            f"series has {values.shape[0]} values, fewer than n_steps + horizon "
            f"= {span} needed for one window. Use a longer series or smaller "
            "n_steps/horizon."
        )
    windows = np.lib.stride_tricks.sliding_window_view(values, span, axis=0)
    windows = windows[::stride]
    if values.ndim == 2:
        # sliding_window_view puts the window axis last: (n, n_features, span).
        windows = windows.transpose(0, 2, 1)
        X, y = windows[:, :n_steps, :], windows[:, n_steps:, target_index]
    else:
        X, y = windows[:, :n_steps], windows[:, n_steps:]
    return X, (y[:, 0] if horizon == 1 else y)


@validate_params(
    {
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "n_splits": [Interval(Integral, 2, None, closed="left")],
        "test_size": [Interval(Integral, 1, None, closed="left"), None],
        "max_train_size": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def window_split(
    n_steps: int,
    horizon: int = 1,
    *,
    stride: int = 1,
    n_splits: int = 5,
    test_size: int | None = None,
    max_train_size: int | None = None,
) -> TimeSeriesSplit:
    """Time-ordered cross-validation for windows, with no overlap leakage.

    Neighbouring windows share values: a test window that starts right after the
    last training window would hold values the model saw as training targets.
    This returns a :class:`~sklearn.model_selection.TimeSeriesSplit` whose
    ``gap`` drops the windows in between, so no series value is in both a
    training window (inputs or targets) and a test window. With ``stride=1``
    the gap is ``n_steps + horizon - 1`` windows.

    Parameters
    ----------
    n_steps : int
        Window length used to make the windows.
    horizon : int, default=1
        Forecast horizon used to make the windows.
    stride : int, default=1
        Stride used to make the windows.
    n_splits : int, default=5
        Number of train/test splits.
    test_size : int, default=None
        Windows in each test fold; see ``TimeSeriesSplit``.
    max_train_size : int, default=None
        Most windows in a training fold; see ``TimeSeriesSplit``.

    Returns
    -------
    cv : TimeSeriesSplit
        A splitter to pass as ``cv=`` to ``cross_val_score``, ``GridSearchCV``
        or anything else in scikit-learn.

    Examples
    --------
    >>> from rnnkit import window_split
    >>> window_split(n_steps=50, horizon=10)
    TimeSeriesSplit(gap=59, max_train_size=None, n_splits=5, test_size=None)
    """
    span = n_steps + horizon
    gap = -(-span // stride) - 1  # ceil(span / stride) - 1
    return TimeSeriesSplit(
        n_splits=n_splits, gap=gap, test_size=test_size, max_train_size=max_train_size
    )
