"""The base every forecaster stands on: data validation, horizon, output shape."""

import inspect
import warnings
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._batches import Rows
from ._panel_windows import PanelWindows
from ._sklearn_compat import _fit_context

MAX_DIM = 2**24  # the largest horizon, window length or feature count restored
_Forecaster = TypeVar("_Forecaster", bound="BaseForecaster")


class BaseForecaster(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Template for forecasters that map windows to the values that follow them.

    ``fit`` and ``predict`` validate the data and hand subclasses one shape:
    windows as ``(n_windows, n_steps, n_features)`` (a 2-D ``X`` becomes a view
    with one feature) and targets as ``(n_windows, horizon)``. Subclasses
    implement ``_fit(X, Y)`` and ``_predict(X)``, which returns
    ``(n_windows, horizon)``; the base gives predictions the shape family of the
    ``y`` seen in ``fit``.

    Fitted attributes set here: ``horizon_`` (number of values forecast per
    window) and ``n_features_in_`` (scikit-learn's: ``X.shape[1]``, the window
    length).
    """

    # The dtype windows are validated to; neural forecasters train in float32.
    _input_dtype: tuple[type[np.floating[Any]], ...] = (np.float64, np.float32)
    # The feature of X whose continuation y must be (docs/data.md), for the
    # forecasters that rely on it; None for those that do not.
    _target_feature = None
    # fit(**fit_params) hides _fit's `sample_weight` from scikit-learn's
    # metadata routing; declared here, set_fit_request(sample_weight=True)
    # routes it (every forecaster's _fit takes it).
    __metadata_request__fit = {"sample_weight": None}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self: _Forecaster, X: ArrayLike, y: ArrayLike, **fit_params: Any
    ) -> _Forecaster:
        """Fit the forecaster to windows and the values that follow them.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_steps) or \
(n_windows, n_steps, n_features)
            Input windows, oldest step first.
        y : array-like of shape (n_windows,) or (n_windows, horizon)
            The next value, or the next ``horizon`` values, of the target series
            after each window.
        **fit_params : dict
            Options for this fit only, not parameters (``clone`` and
            ``get_params`` do not see them). Every forecaster takes
            ``sample_weight``, array-like of shape (n_windows,), default=None:
            non-negative, finite weights of the windows, relative to each
            other (multiplying them all by a constant changes nothing). A
            window of weight 0 is left out of the fit altogether (never
            trained on nor counted in the scaling), so it may hold anything
            finite, such as a window that straddles two series glued
            together; None weighs every window alike. The neural forecasters
            weight each window's loss by it; ``LinearForecaster`` fits
            weighted least squares; ``NaiveForecaster``, which learns nothing
            from the windows, accepts and ignores it. The neural forecasters
            also take ``callbacks``, a list of ``keras.callbacks.Callback`` run
            after rnnkit's own (a progress bar, logging).

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        _check_fit_params(self, fit_params)
        windows, targets = validate_data(
            self,
            X,
            y,
            # A panel's windows for a network, made (and finite) by rnnkit,
            # stay lazy: an array of them all would copy each value n_steps times.
            skip_check_array=isinstance(X, PanelWindows),
            allow_nd=True,
            multi_output=True,
            y_numeric=True,
            dtype=self._input_dtype,
        )
        _check_window_ndim(windows)
        weights = fit_params.get("sample_weight")
        if weights is not None:
            weights = _check_window_weights(weights, len(windows))
            fit_params["sample_weight"] = weights
        self._y_ndim = targets.ndim
        self._window_shape = windows.shape[1:]
        Y = targets.reshape(len(targets), -1)
        self.horizon_ = Y.shape[1]
        if self._target_feature is not None:
            _warn_if_y_does_not_continue_X(
                self, _as_3d(windows), Y, self._target_feature, weights
            )
        self._fit(_as_3d(windows), Y, **fit_params)
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Forecast the values that follow each window.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_steps) or \
(n_windows, n_steps, n_features)
            Windows shaped like those passed to ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_windows,) or (n_windows, horizon)
            1-D when ``fit`` saw a 1-D ``y``, else one column per horizon step.
        """
        check_is_fitted(self)
        windows = validate_data(
            self, X, reset=False, allow_nd=True, dtype=self._input_dtype
        )
        if windows.shape[1:] != self._window_shape:
            raise ValueError(
                f"X has windows of shape {windows.shape[1:]}, but "
                f"{type(self).__name__} was fitted on windows of shape "
                f"{self._window_shape}."
            )
        y_pred = np.asarray(self._predict(_as_3d(windows)), dtype=np.float64)
        return y_pred[:, 0] if self._y_ndim == 1 else y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    # --- fitted state: one protocol for pickle and rnnkit.save ------------------

    def _get_fitted_state(self):
        """Return ``(state, arrays)``: fitted values as JSON, fitted arrays by name.

        ``_set_fitted_state`` rebuilds a fitted forecaster from them, checking
        every value first, so a saved file can hold nothing else.
        """
        state = {
            "horizon_": int(self.horizon_),
            "n_features_in_": int(self.n_features_in_),
            "y_ndim": int(self._y_ndim),
            "window_shape": [int(n) for n in self._window_shape],
        }
        if hasattr(self, "feature_names_in_"):
            state["feature_names_in_"] = [str(n) for n in self.feature_names_in_]
        return state, {}

    def _set_fitted_state(self, state, arrays):
        """Check the parameters, ``state`` and ``arrays``; become fitted from them.

        Raises ``ValueError`` (or ``TypeError``) saying what is wrong.
        """
        self._validate_params()
        if not isinstance(state, dict):
            raise TypeError("the fitted state must be a dict")
        state, arrays = dict(state), dict(arrays)
        self._pop_fitted_state(state, arrays)
        if state or arrays:
            raise ValueError(
                f"the fitted state has unexpected values {sorted(state)} and "
                f"arrays {sorted(arrays)}"
            )

    def _pop_fitted_state(self, state, arrays):
        """Set the fitted attributes from the entries they own, popping them."""
        horizon = _pop_int(state, "horizon_", 1, MAX_DIM)
        y_ndim = _pop_int(state, "y_ndim", 1, 2)
        if y_ndim == 1 and horizon != 1:
            raise ValueError("a forecaster fitted on a 1-D y must have horizon_ 1")
        shape = state.pop("window_shape")
        if not isinstance(shape, list) or len(shape) not in (1, 2):
            raise ValueError(f"window_shape must be 1 or 2 ints. Got {shape!r:.80}")
        shape = tuple(_check_int(n, "window_shape", 1, MAX_DIM) for n in shape)
        if _pop_int(state, "n_features_in_", 1, MAX_DIM) != shape[0]:
            raise ValueError("n_features_in_ must equal the window length")
        if "feature_names_in_" in state:
            names = state.pop("feature_names_in_")
            if not (
                isinstance(names, list)
                and len(shape) == 1
                and len(names) == shape[0]
                and all(isinstance(n, str) for n in names)
            ):
                raise ValueError("feature_names_in_ must be one str per step")
            self.feature_names_in_ = np.asarray(names, dtype=object)
        self.horizon_, self.n_features_in_ = horizon, shape[0]
        self._y_ndim, self._window_shape = y_ndim, shape

    def __getstate__(self):
        state = self.get_params(deep=False)
        if hasattr(self, "horizon_"):
            state["__fitted_state__"] = self._get_fitted_state()
        return state

    def __setstate__(self, state):
        fitted = state.pop("__fitted_state__", None)
        self.__dict__.update(state)
        if fitted is not None:
            self._set_fitted_state(*fitted)

    def _fit(self, X, Y):
        raise NotImplementedError

    def _predict(self, X):
        raise NotImplementedError


def _pop_int(state, key, low, high):
    return _check_int(state.pop(key), key, low, high)


def _check_int(value, name, low, high):
    if type(value) is not int or not low <= value <= high:
        raise ValueError(
            f"{name!r} must be an int from {low} to {high}. Got {value!r:.80}"
        )
    return value


def _check_fit_params(estimator, fit_params):
    """Refuse fit parameters that are not keyword-only parameters of ``_fit``."""
    params = inspect.signature(estimator._fit).parameters.values()
    taken = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
    unknown = sorted(set(fit_params) - set(taken))
    if unknown:
        raise TypeError(
            f"{type(estimator).__name__}.fit() got unexpected fit parameters "
            f"{unknown}; it takes {taken or 'none'}."
        )


def _check_window_weights(sample_weight, n_windows):
    """``sample_weight`` as float64, one non-negative finite weight per window.

    A boolean mask stays one: a byte a window, not eight (rnnkit's panels pass
    one over millions of windows).
    """
    shape = np.shape(sample_weight)
    if shape != (n_windows,):
        raise ValueError(
            f"sample_weight must hold one weight per window: shape ({n_windows},) "
            f"for these {n_windows} windows. Got shape {shape} instead."
        )
    if isinstance(sample_weight, np.ndarray) and sample_weight.dtype == bool:
        weights = sample_weight
    else:
        weights = _float_weights(sample_weight)
    if not weights.any():
        raise ValueError(
            "sample_weight must give at least one window a positive weight; "
            "windows of weight 0 are left out of the fit. Got only zeros instead."
        )
    return weights


def _float_weights(sample_weight):
    """``sample_weight`` as float64, or a ValueError naming its first bad value."""
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        weights = None
    if weights is None or not np.all(np.isfinite(weights) & (weights >= 0)):
        bad = weights is None or ~(np.isfinite(weights) & (weights >= 0))
        first = 0 if weights is None else int(np.flatnonzero(bad)[0])
        raise ValueError(
            "sample_weight must be non-negative finite numbers (0 leaves a window "
            f"out of the fit). Got {np.asarray(sample_weight)[first]!r} for "
            f"window {first} instead."
        )
    return weights


def _check_window_ndim(X):
    if X.ndim not in (2, 3):
        raise ValueError(
            "X must be 2-D (n_windows, n_steps) or 3-D "
            f"(n_windows, n_steps, n_features). Got an array of shape {X.shape} "
            "instead."
        )


# y's first value may differ from a window's last value this many times as much
# (root mean square) as neighbouring values within a window do.
CONTINUITY_FACTOR = 10
_CONTINUITY_SAMPLE = 1_000  # windows looked at, evenly spaced: the check is cheap


def _warn_if_y_does_not_continue_X(estimator, X, Y, feature, weights=None):
    """Warn when ``y`` is plainly not the continuation of feature ``feature`` of X.

    The usual cause is ``make_pipeline(StandardScaler(), forecaster)``: the
    pipeline scales the windows but not ``y``. Then the step from a window's
    last value to ``y``'s first is far larger than the steps within windows.
    Only windows of positive weight are looked at (the others may straddle
    two series).
    """
    if X.shape[1] < 2 or feature >= X.shape[2]:
        return
    kept = None if weights is None else Rows.of_mask(weights)
    n = len(X) if kept is None else len(kept)
    rows = np.unique(np.linspace(0, n - 1, _CONTINUITY_SAMPLE).astype(int))
    rows = rows if kept is None else kept[rows]
    series = X[rows, :, feature].astype(np.float64)
    jump = _rms(Y[rows, 0] - series[:, -1])
    step = _rms(np.diff(series, axis=1))
    if jump <= CONTINUITY_FACTOR * step or jump < 1e-9:
        return
    name = type(estimator).__name__
    warnings.warn(
        f"y does not continue feature {feature} of X: y's first values lie "
        f"{jump / step if step else np.inf:.0f} times further from the windows' "
        f"last values than neighbouring steps within a window do. {name} "
        "forecasts the values that follow each window (its naive forecasts, "
        "scaling and per-step targets rely on it), so its forecasts will be off. "
        "This happens when X is scaled and y is not, as in "
        f"make_pipeline(StandardScaler(), {name}()): leave scaling to rnnkit "
        "(the neural forecasters' scaler parameter scales windows and targets "
        "together), or scale y too, with "
        "sklearn.compose.TransformedTargetRegressor. See docs/data.md.",
        UserWarning,
        stacklevel=4,  # the caller of fit, past scikit-learn's _fit_context
    )


def _rms(values):
    return float(np.sqrt(np.mean(np.square(values))))


def _as_3d(X):
    return X[:, :, np.newaxis] if X.ndim == 2 else X
