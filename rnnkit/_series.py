"""``SeriesForecaster``: forecast a series, with its dates, from any window forecaster.

The window forecasters are the scikit-learn core: windows in, forecasts out.
``SeriesForecaster`` sits above one of them the way ``Pipeline`` sits above
its steps. It cuts the series into windows (``make_windows``, views), adds
known covariates as window features, fits the forecaster, forecasts from the
series' last window, continues the dates, and calibrates prediction intervals
on the forecaster's own out-of-sample errors (``_conformal``).
"""

import functools
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from . import _conformal
from ._base import MAX_DIM, BaseForecaster, _pop_int
from ._metrics import coverage_label, mase, naive_error
from ._series_data import (
    check_coverages,
    check_length,
    index_of,
    read_exog,
    read_target,
)
from ._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from ._time_index import TimeAxis
from ._windows import make_windows


class SeriesForecaster(MetaEstimatorMixin, BaseEstimator):
    """Forecast the next values of a series, with dates and intervals.

    Wraps any window forecaster — ``NaiveForecaster``, ``LinearForecaster``,
    ``RNNForecaster`` or ``Seq2SeqForecaster`` with any cell, or a scikit-learn
    regressor such as ``Ridge`` — and turns it into a forecaster of a series:
    ``fit`` takes the series, ``predict`` returns its next ``horizon`` values,
    indexed by the dates that follow when the series was pandas, and
    ``predict_interval`` bounds them.

    Parameters
    ----------
    forecaster : estimator
        The window forecaster to wrap; it is cloned, never changed. A
        scikit-learn regressor gets flattened windows and forecasts the horizon
        as a multi-output target (wrapped in ``MultiOutputRegressor`` when it
        has one output only).
    n_steps : int
        Window length: how many past values each forecast looks at.
    horizon : int, default=None
        How many values to forecast. None takes the forecaster's ``horizon``
        parameter if it has one, else 1.
    calibration : {"conformal"} or None, default="conformal"
        How ``predict_interval`` is calibrated. ``"conformal"`` fits a second
        copy of the forecaster on the series without its end and keeps its
        errors, step by step, on the windows of that end (split conformal,
        see docs/series.md). None fits once and gives no intervals.
    calibration_size : int, default=None
        How many forecast origins at the end of the series calibrate the
        intervals. None takes the later half of them (a 95 % interval needs
        19 or more).
    missing : {"raise", "interpolate"}, default="raise"
        What to do with missing values (NaN) inside ``y``: raise a
        ``ValueError``, or fill them by linear interpolation (values missing at
        either end take the nearest value).

    Attributes
    ----------
    forecaster_ : estimator
        The fitted clone of ``forecaster``, trained on every window of ``y``.
    horizon_ : int
        Values forecast by ``predict``.
    n_exog_ : int
        Covariate columns given to ``fit`` (0 without ``exog``).
    calibration_errors_ : ndarray of shape (n_origins, horizon) or None
        Absolute out-of-sample errors per forecast origin and step ahead that
        calibrate ``predict_interval``; None with ``calibration=None``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from rnnkit import LinearForecaster, SeriesForecaster
    >>> months = pd.date_range("2020-01-01", periods=48, freq="MS")
    >>> y = pd.Series(np.arange(48.0) + 10 * np.sin(np.arange(48) / 12 * 2 * np.pi),
    ...               index=months)
    >>> model = SeriesForecaster(LinearForecaster(), n_steps=12, horizon=3).fit(y)
    >>> model.predict().round(1)
    2024-01-01    48.0
    2024-02-01    54.0
    2024-03-01    58.7
    Freq: MS, dtype: float64
    >>> model.predict_interval(coverage=0.9).columns.tolist()
    ['lower_90', 'upper_90']
    """

    _parameter_constraints = {
        "forecaster": [HasMethods(["fit", "predict"])],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "calibration": [StrOptions({"conformal"}), None],
        "calibration_size": [Interval(Integral, 1, None, closed="left"), None],
        "missing": [StrOptions({"raise", "interpolate"})],
    }

    def __init__(
        self,
        forecaster,
        *,
        n_steps,
        horizon=None,
        calibration="conformal",
        calibration_size=None,
        missing="raise",
    ):
        self.forecaster = forecaster
        self.n_steps = n_steps
        self.horizon = horizon
        self.calibration = calibration
        self.calibration_size = calibration_size
        self.missing = missing

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, y, exog=None, **fit_params):
        """Fit the forecaster to every window of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_times,), pandas Series or one-column DataFrame
            The series, oldest value first. A pandas index of dates (with a
            frequency pandas can infer), periods or evenly spaced integers is
            continued by ``predict``.
        exog : array-like of shape (n_times, n_covariates), default=None
            Covariates known in advance (calendar, prices, holidays), one row
            per value of ``y``. Each window sees them ``horizon`` steps ahead,
            so its last steps carry the covariates of the values it forecasts;
            ``predict`` then needs them for the next ``horizon`` steps.
        **fit_params : dict
            Passed to the wrapped forecaster's ``fit`` (both fits with
            calibration), e.g. ``callbacks=[...]`` for a network's progress.

        Returns
        -------
        self : SeriesForecaster
            The fitted forecaster.
        """
        values, self.axis_, self.name_ = read_target(y, self.missing)
        horizon = self._horizon()
        covariates = read_exog(exog, len(values), "exog", y_index=index_of(y))
        self.n_exog_ = 0 if covariates is None else covariates.shape[1]
        check_length(len(values), self.n_steps, horizon)
        X, Y = _windows(values, covariates, self.n_steps, horizon)
        self.calibration_errors_ = None
        if self.calibration == "conformal":
            self.calibration_errors_ = _conformal.calibration_errors(
                functools.partial(self._fit_forecaster, **fit_params),
                self._predict_windows,
                X,
                Y,
                n_origins=self._calibration_origins(len(X), horizon),
            )
        self.forecaster_ = self._fit_forecaster(X, Y, **fit_params)
        self.horizon_, self.n_values_ = horizon, len(values)
        self.scale_ = naive_error(values, self._season())
        self._last_values = values[-self.n_steps :].copy()
        lead = max(self.n_steps - horizon, 0)
        self._last_exog = None if covariates is None else covariates[-lead:][:lead]
        return self

    def predict(self, exog=None):
        """Forecast the ``horizon`` values after the end of the series.

        Parameters
        ----------
        exog : array-like of shape (horizon, n_covariates), default=None
            The covariates of the forecast steps; required when ``fit`` had
            ``exog``.

        Returns
        -------
        forecast : pandas Series or ndarray of shape (horizon,)
            A Series indexed by the times after the series' end when ``y``
            was pandas, else an array.
        """
        check_is_fitted(self)
        forecast = self._forecast(self._last_window(exog))
        if self.axis_ is None:
            return forecast
        return pd.Series(forecast, index=self._future_index(), name=self.name_)

    def predict_interval(self, coverage=0.9, exog=None):
        """Bounds around the forecast that hold the actual values ``coverage`` of
        the time.

        Split conformal: the bound of step ``h`` is the forecast plus or minus
        the ``coverage`` quantile (with the finite-sample correction) of the
        out-of-sample absolute errors at step ``h`` kept by ``fit``. It assumes
        the end of the series is like what comes next.

        Parameters
        ----------
        coverage : float or list of float, default=0.9
            Each in (0, 1): the share of actual values the interval should hold.
        exog : array-like of shape (horizon, n_covariates), default=None
            As for :meth:`predict`.

        Returns
        -------
        intervals : pandas DataFrame of shape (horizon, 2 * n_coverages)
            Columns ``lower_90``, ``upper_90`` (and so on per coverage), indexed
            like ``predict``'s forecast (positions after the series for arrays).
        """
        check_is_fitted(self)
        coverages = check_coverages(coverage)
        if self.calibration_errors_ is None:
            raise ValueError(
                "predict_interval needs calibration errors, but this forecaster "
                "was fitted with calibration=None; refit it with "
                'calibration="conformal".'
            )
        forecast = self._forecast(self._last_window(exog))
        columns = {}
        for level in coverages:
            width = _conformal.half_width(self.calibration_errors_, level)
            label = coverage_label(level)
            columns[f"lower_{label}"] = forecast - width
            columns[f"upper_{label}"] = forecast + width
        return pd.DataFrame(columns, index=self._future_index())

    def score(self, y, exog=None):
        """Negative MASE of the forecast against the first ``horizon`` values of ``y``.

        Higher is better, as scikit-learn's searches expect. The scale is the
        training series' in-sample naive error (seasonal when its dates have
        a season), so scores compare across series.

        Parameters
        ----------
        y : array-like of shape (n_times,)
            The values that followed the training series (at least ``horizon``).
        exog : array-like of shape (horizon, n_covariates), default=None
            As for :meth:`predict`.

        Returns
        -------
        score : float
            ``-MASE``.
        """
        check_is_fitted(self)
        actual, _, _ = read_target(y, "raise", argument="y", continue_index=False)
        if len(actual) < self.horizon_:
            raise ValueError(
                f"y must hold at least horizon={self.horizon_} values to score the "
                f"forecast. Got {len(actual)}."
            )
        forecast = self._forecast(self._last_window(exog))
        return -mase(actual[: self.horizon_], forecast, self.scale_)

    # --- fitted state: rnnkit.save and load ------------------------------------

    def _get_fitted_state(self):
        """``(state, arrays)`` as the window forecasters give them (see ``_base``)."""
        inner_state, inner_arrays = self.forecaster_._get_fitted_state()
        state = {
            "horizon_": int(self.horizon_),
            "n_values_": int(self.n_values_),
            "n_exog_": int(self.n_exog_),
            "scale_": float(self.scale_),
            "name_": self.name_,
            "axis_": None if self.axis_ is None else self.axis_.to_state(),
            "forecaster_": inner_state,
        }
        arrays = {f"forecaster__{k}": v for k, v in inner_arrays.items()}
        arrays["last_values"] = self._last_values
        if self.n_exog_:
            arrays["last_exog"] = self._last_exog
        if self.calibration_errors_ is not None:
            arrays["calibration_errors"] = self.calibration_errors_
        return state, arrays

    def _set_fitted_state(self, state, arrays):
        """Check the parameters, ``state`` and ``arrays``; become fitted from them."""
        self._validate_params()
        if not isinstance(self.forecaster, BaseForecaster):
            raise TypeError("only a wrapped rnnkit forecaster has a saved state")
        state, arrays = dict(state), dict(arrays)
        horizon = _pop_int(state, "horizon_", 1, MAX_DIM)
        n_values = _pop_int(state, "n_values_", self.n_steps + horizon, 2**62)
        n_exog = _pop_int(state, "n_exog_", 0, MAX_DIM)
        scale, name = state.pop("scale_"), state.pop("name_")
        if not isinstance(scale, float) or not scale >= 0:
            raise ValueError("scale_ must be a float, 0 or more")
        if name is not None and not isinstance(name, str):
            raise ValueError("name_ must be a str or None")
        axis = state.pop("axis_")
        axis = None if axis is None else TimeAxis.from_state(axis)
        forecaster = clone(self.forecaster)
        prefix = "forecaster__"
        inner = {
            k[len(prefix) :]: arrays.pop(k)
            for k in list(arrays)
            if k.startswith(prefix)
        }
        forecaster._set_fitted_state(state.pop("forecaster_"), inner)
        if (forecaster.horizon_, forecaster.n_features_in_) != (horizon, self.n_steps):
            raise ValueError(
                "the wrapped forecaster's horizon or window length differs"
            )
        lead = max(self.n_steps - horizon, 0)
        last_values = _pop_array(arrays, "last_values", (self.n_steps,))
        last_exog = _pop_array(arrays, "last_exog", (lead, n_exog)) if n_exog else None
        errors = None
        if "calibration_errors" in arrays:
            errors = _pop_array(arrays, "calibration_errors", (None, horizon))
        if state or arrays:
            raise ValueError(
                f"the fitted state has unexpected values {sorted(state)} and "
                f"arrays {sorted(arrays)}"
            )
        self.forecaster_, self.horizon_, self.n_values_ = forecaster, horizon, n_values
        self.n_exog_, self.scale_, self.name_, self.axis_ = n_exog, scale, name, axis
        self._last_values, self._last_exog = last_values, last_exog
        self.calibration_errors_ = errors

    # --- the wrapped forecaster ----------------------------------------------

    def _horizon(self):
        if self.horizon is not None:
            return int(self.horizon)
        return int(getattr(self.forecaster, "horizon", None) or 1)

    def _fit_forecaster(self, X, Y, **fit_params):
        forecaster = clone(self.forecaster)
        Y = Y[:, 0] if Y.shape[1] == 1 else Y
        if not isinstance(forecaster, BaseForecaster):
            X = X.reshape(len(X), -1)
            if Y.ndim == 2 and not get_tags(forecaster).target_tags.multi_output:
                forecaster = MultiOutputRegressor(forecaster)
        return forecaster.fit(X, Y, **fit_params)

    def _predict_windows(self, forecaster, X):
        if not isinstance(forecaster, BaseForecaster):
            X = X.reshape(len(X), -1)
        return np.asarray(forecaster.predict(X), dtype=np.float64).reshape(len(X), -1)

    def _forecast(self, window):
        return self._predict_windows(self.forecaster_, window[np.newaxis])[0]

    def _calibration_origins(self, n_windows, horizon):
        """Origins that calibrate: calibration_size, or the later half of them.

        Half, because real series change: on the open panel of
        benchmarks/realdata.py, a fifth of the windows gave 90 % intervals that
        held 78 % of the values; half gave 88 % (benchmarks/intervals.py).
        """
        if self.calibration_size is not None:
            wanted = self.calibration_size
            if wanted > n_windows - horizon:
                raise ValueError(
                    f"calibration_size={wanted} leaves no window to fit the "
                    f"calibration copy on: y gives {n_windows} windows, and "
                    f"{horizon - 1} more are skipped between the two parts; "
                    "use a smaller calibration_size or a longer series."
                )
            return wanted
        return max(1, (n_windows - horizon + 1) // 2)

    # --- the series' end and what follows it ---------------------------------

    def _last_window(self, exog):
        """The window that ends with the series: values, and covariates if any."""
        horizon = self.horizon_
        if self.n_exog_ == 0:
            if exog is not None:
                raise ValueError(
                    "exog was given to predict, but fit had none; fit with exog "
                    "to use covariates."
                )
            return self._last_values.reshape(-1, 1)
        if exog is None:
            raise ValueError(
                f"exog is required: fit had {self.n_exog_} covariate column(s), so "
                f"predict needs them for the next {horizon} steps, shape "
                f"({horizon}, {self.n_exog_})."
            )
        future = read_exog(exog, horizon, "exog", y_index=None)
        if future.shape[1] != self.n_exog_:
            raise ValueError(
                f"exog must have {self.n_exog_} column(s), as in fit. Got "
                f"{future.shape[1]}."
            )
        covariates = np.concatenate([self._last_exog, future])[-self.n_steps :]
        return np.column_stack([self._last_values, covariates])

    def _future_index(self):
        if self.axis_ is None:
            return pd.RangeIndex(self.n_values_, self.n_values_ + self.horizon_)
        return self.axis_.following(self.horizon_)

    def _season(self):
        return None if self.axis_ is None else self.axis_.season


def _windows(values, covariates, n_steps, horizon):
    """Training windows ``(X, Y)``: X is 3-D ``(n, n_steps, 1 + n_covariates)``.

    A window's covariate features are led by ``horizon`` steps, so its last
    steps carry the covariates of the values it forecasts. The last
    ``horizon`` rows have no led covariates (they lie past the series); they
    are only ever read as targets, so zeros stand in.
    """
    if covariates is None:
        X, Y = make_windows(values, n_steps, horizon)
        X = X[:, :, np.newaxis]
    else:
        led = np.zeros_like(covariates)
        led[: len(led) - horizon] = covariates[horizon:]
        X, Y = make_windows(np.column_stack([values, led]), n_steps, horizon)
    return X, Y.reshape(len(Y), -1)


def _pop_array(arrays, key, shape):
    """A finite float array of ``shape`` (None: any length) from ``arrays``."""
    array = arrays.pop(key)
    if not (
        isinstance(array, np.ndarray)
        and array.dtype.kind == "f"
        and array.ndim == len(shape)
        and all(n is None or n == m for n, m in zip(shape, array.shape, strict=True))
        and np.isfinite(array).all()
    ):
        raise ValueError(f"{key} must be a finite float array of shape {shape}")
    return array
