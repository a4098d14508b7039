"""Reading the caller's series, covariates and coverages: checked, never modified.

Each function returns fresh float64 arrays (or checked values) and raises a
``ValueError`` that names the argument and what was expected.
"""

import numpy as np
import pandas as pd

from ._time_index import TimeAxis


def index_of(data):
    return data.index if isinstance(data, (pd.Series, pd.DataFrame)) else None


def read_target(y, missing, argument="y", continue_index=True, copy=True):
    """``y`` as float64 values, its time axis (None for arrays) and its name.

    ``copy=False`` gives a view of ``y``'s values when they are float64 and
    complete, for a caller that never writes to them.
    """
    axis = name = None
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"{argument} must be one series: a 1-D array, a pandas Series or a "
                f"one-column DataFrame. Got a DataFrame with {y.shape[1]} columns; "
                "pass the others as exog."
            )
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        name = None if y.name is None else str(y.name)
        if continue_index:
            axis = TimeAxis.of(y.index, argument)
        raw = y.to_numpy()
    else:
        raw = np.asarray(y)
    if raw.dtype.kind not in "biuf":
        try:
            raw = raw.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{argument} must hold numbers. Got values of dtype {raw.dtype}."
            ) from None
    values = raw.astype(np.float64, copy=copy)  # the caller's data stays untouched
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(
            f"{argument} must be 1-D (n_times,). Got an array of shape "
            f"{values.shape}; for many series, pass a wide DataFrame (one column "
            "per series) or a dict of series."
        )
    if np.isinf(values).any():
        position = int(np.flatnonzero(np.isinf(values))[0])
        raise ValueError(
            f"{argument} holds an infinite value at position {position}; expected "
            "finite numbers (NaN for a missing value)."
        )
    return _fill_missing(values, missing, argument), axis, name


def _fill_missing(values, missing, argument):
    gaps = np.isnan(values)
    if not gaps.any():
        return values
    if missing == "raise":
        raise ValueError(
            f"{argument} has {int(gaps.sum())} missing value(s), the first at "
            f"position {int(np.flatnonzero(gaps)[0])}; fill them first, or pass "
            'missing="interpolate" to fill them by linear interpolation.'
        )
    if gaps.all():
        raise ValueError(f"{argument} holds no numbers: every value is missing.")
    return pd.Series(values).interpolate(limit_direction="both").to_numpy()


def read_exog(exog, n_rows, argument, y_index=None, *, target="y", rows=None):
    """Covariates as a float64 (n_rows, n_covariates) array, or None.

    A view of ``exog`` where it is a float64 array already (it is only read).
    Its rows are one per value of ``target``, whose pandas index ``y_index``
    (if given) a pandas ``exog`` must have; ``rows`` names them otherwise, in
    messages ("forecast step" for what ``predict`` takes).
    """
    if exog is None:
        return None
    rows = rows or f"value of {target}"
    if y_index is not None and isinstance(exog, (pd.Series, pd.DataFrame)):
        if not exog.index.equals(y_index):
            raise ValueError(
                f"{argument}'s index must equal {target}'s, one row per {rows}; "
                f"they differ. Align it first, e.g. "
                f"{argument}.reindex({target}.index)."
            )
    try:
        values = np.asarray(exog, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{argument} must hold numbers; encode categories first (e.g. "
            f"pandas.get_dummies). Got values of dtype {np.asarray(exog).dtype}."
        ) from None
    values = values.reshape(-1, 1) if values.ndim == 1 else values
    if values.ndim != 2 or len(values) != n_rows:
        raise ValueError(
            f"{argument} must have {n_rows} rows, one per {rows}. Got shape "
            f"{np.shape(exog)}."
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{argument} holds missing or infinite values; fill them.")
    return values


def check_length(n_values, n_steps, horizon):
    if n_values < n_steps + horizon:
        raise ValueError(
            f"y has {n_values} values, fewer than n_steps + horizon = "
            f"{n_steps + horizon} needed for one training window; use a longer "
            "series or a smaller n_steps or horizon."
        )


def check_coverages(coverage):
    levels = (
        list(coverage)
        if isinstance(coverage, (list, tuple, np.ndarray))
        else [coverage]
    )
    for level in levels:
        if not isinstance(level, (float, int)) or isinstance(level, bool):
            raise ValueError(f"coverage must be a float in (0, 1). Got {level!r}.")
        if not 0 < level < 1:
            raise ValueError(f"coverage must be in (0, 1), e.g. 0.9. Got {level!r}.")
    if not levels:
        raise ValueError("coverage must be a float in (0, 1) or a list of them.")
    return levels
