"""Split-conformal prediction intervals, step by step ahead.

The series' windows are split in time. A copy of the forecaster is fitted on
the windows whose targets end before a cut; it then forecasts every window
whose first target is at or after the cut (the windows in between, whose
targets straddle the cut, are skipped). Their absolute errors, one column per
step ahead, are the calibration errors. The bound at step ``h`` is the
``ceil((n + 1) * coverage)``-th smallest of the ``n`` errors at ``h``: if
future errors are exchangeable with these, the interval holds the actual value
at least ``coverage`` of the time.
"""

import math
import warnings

import numpy as np


def calibration_errors(fit, predict, X, Y, n_origins):
    """Absolute errors ``(n_origins, horizon)`` of a copy fitted before the cut.

    ``fit(X, Y)`` returns a fitted forecaster and ``predict(forecaster, X)`` its
    ``(n_windows, horizon)`` forecasts; ``X``/``Y`` are every window of the
    series, in time order, and the last ``n_origins`` windows calibrate.
    """
    n_windows, horizon = Y.shape
    first_calibration = n_windows - n_origins
    n_train = first_calibration - (horizon - 1)
    if n_train < 1:
        raise ValueError(
            f"the series is too short to calibrate intervals on {n_origins} "
            f"forecast origins: {n_windows} windows leave {max(n_train, 0)} to fit "
            "on; use a longer series, a smaller calibration_size, or "
            "calibration=None."
        )
    forecaster = fit(X[:n_train], Y[:n_train])
    forecast = predict(forecaster, X[first_calibration:])
    return np.abs(Y[first_calibration:] - forecast)


def half_width(errors, coverage):
    """The interval's half width per step ahead, for ``coverage`` in (0, 1)."""
    n_errors = len(errors)
    rank = math.ceil((n_errors + 1) * coverage)
    if rank > n_errors:
        warnings.warn(
            f"{n_errors} calibration errors per step are too few for coverage "
            f"{coverage} (it needs {math.ceil(coverage / (1 - coverage))}): the "
            "bounds use the largest error, so the interval may hold the actual "
            "values less often; use a longer series or a larger calibration_size.",
            UserWarning,
            stacklevel=3,
        )
        rank = n_errors
    return np.sort(errors, axis=0)[rank - 1]
