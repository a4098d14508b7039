"""``SeriesForecaster``: forecast a series, with its dates, from any window forecaster.

The window forecasters are the scikit-learn core: windows in, forecasts out.
``SeriesForecaster`` sits above one of them the way ``Pipeline`` sits above
its steps. It cuts the series into windows (``make_windows``, views), adds
known covariates as window features, fits the forecaster, forecasts from the
series' last window, continues the dates, and calibrates prediction intervals
on the forecaster's own out-of-sample errors (``_conformal``).
"""

from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from . import _conformal
from ._base import MAX_DIM, BaseForecaster, _pop_int
from ._metrics import coverage_label, mase, naive_error
from ._neural_base import BaseNeuralForecaster
from ._panel import (
    PooledWindows,
    identity_features,
    normalise,
    read_panel,
    resolve_identity,
    rows_of,
    write_forecasts,
)
from ._panel_exog import read_future_exog, read_panel_exog
from ._panel_windows import PanelWindows
from ._series_data import check_coverages, check_length, read_target
from ._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from ._time_index import TimeAxis


class SeriesForecaster(MetaEstimatorMixin, BaseEstimator):
    """Forecast the next values of a series, with dates and intervals.

    Wraps any window forecaster — ``NaiveForecaster``, ``LinearForecaster``,
    ``RNNForecaster`` or ``Seq2SeqForecaster`` with any cell, or a scikit-learn
    regressor such as ``Ridge`` — and turns it into a forecaster of a series:
    ``fit`` takes the series, ``predict`` returns its next ``horizon`` values,
    indexed by the dates that follow when the series was pandas, and
    ``predict_interval`` bounds them. Given many series (a panel), it trains
    one global model on the windows of all of them (docs/panel.md).

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
    id_column, time_column, target_column : str, default="unique_id", "ds", "y"
        The columns of a long panel: which series a row belongs to, its time
        (optional) and its value (see ``fit``).
    strict : bool, default=False
        In a panel, a series shorter than ``n_steps + horizon`` gives no
        training window: skip it with a warning (False) or raise (True).
    scope : {"global", "local"}, default="global"
        For a panel: one model trained on the windows of every series
        (``"global"``), or one model per series (``"local"``, the baseline a
        global model should beat).
    n_jobs : int, default=None
        With ``scope="local"``, how many series are fitted in parallel
        (joblib: -1 for every core; a Dask cluster inside
        ``joblib.parallel_config(backend="dask")``).
    identity : {"auto", "one_hot", "profile"} or None, default="auto"
        For a global model of a panel, features that tell the series apart,
        the same at every step of a series' windows: ``"one_hot"``, a column
        per series (for up to 100 series); ``"profile"``, three numbers that
        describe how each series moves (how far its level wanders, its drift
        and the correlation of its consecutive changes, in units of its
        one-step change), so series that move alike are treated alike, and
        any number of series costs three columns. None: the model sees only
        the values. ``"auto"``: ``"profile"`` for a neural forecaster on up to
        100 series, else None (see docs/panel.md); ``identity_`` says which
        was used. A network gets the features batch by batch, as it draws its
        windows; the other forecasters get them in the float64 copy of the
        panel their windows are views of, where each feature column costs as
        much memory as the panel. No effect on one series or with
        ``scope="local"``.

    Attributes
    ----------
    forecaster_ : estimator
        The fitted clone of ``forecaster``, trained on every window of ``y``
        (not set with ``scope="local"``).
    forecasters_ : dict
        With ``scope="local"`` and a panel, each series' fitted clone, by id.
    horizon_ : int
        Values forecast by ``predict``.
    series_ids_ : list
        The ids of the series fitted and forecast, sorted (a panel's keys,
        columns or ids); ``[name]`` for one series.
    n_exog_ : int
        Covariate columns given to ``fit`` (0 without ``exog``), the same for
        every series of a panel.
    identity_ : {"one_hot", "profile"} or None
        The identity features the global model was fitted with: ``identity``,
        or what ``"auto"`` chose; None for one series, local models, or none.
    calibration_errors_ : ndarray of shape (n_origins, horizon), dict or None
        Absolute out-of-sample errors per forecast origin and step ahead that
        calibrate ``predict_interval`` (for a panel, in each series' scale;
        with ``scope="local"``, a dict of them by id); None with
        ``calibration=None``.

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

    A panel of series that move unlike each other, with a feature that tells
    them apart:

    >>> panel = pd.DataFrame({"trend": y, "wave": np.cos(np.arange(48.0) * 3)},
    ...                      index=months)
    >>> model = SeriesForecaster(LinearForecaster(), n_steps=12, horizon=3,
    ...                          identity="one_hot").fit(panel)
    >>> model.predict().shape  # three months of each series
    (3, 2)
    """

    _parameter_constraints = {
        "forecaster": [HasMethods(["fit", "predict"])],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "calibration": [StrOptions({"conformal"}), None],
        "calibration_size": [Interval(Integral, 1, None, closed="left"), None],
        "missing": [StrOptions({"raise", "interpolate"})],
        "id_column": [str],
        "time_column": [str],
        "target_column": [str],
        "strict": ["boolean"],
        "scope": [StrOptions({"global", "local"})],
        "n_jobs": [Integral, None],
        "identity": [StrOptions({"auto", "one_hot", "profile"}), None],
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
        id_column="unique_id",
        time_column="ds",
        target_column="y",
        strict=False,
        scope="global",
        n_jobs=None,
        identity="auto",
    ):
        self.forecaster = forecaster
        self.n_steps = n_steps
        self.horizon = horizon
        self.calibration = calibration
        self.calibration_size = calibration_size
        self.missing = missing
        self.id_column = id_column
        self.time_column = time_column
        self.target_column = target_column
        self.strict = strict
        self.scope = scope
        self.n_jobs = n_jobs
        self.identity = identity

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, y, exog=None, **fit_params):
        """Fit the forecaster to every window of ``y``, one series or many.

        Parameters
        ----------
        y : series or panel
            One series, oldest value first: an array of shape (n_times,), a
            pandas Series or a one-column DataFrame. A pandas index of dates
            (with a frequency pandas can infer), periods or evenly spaced
            integers is continued by ``predict``.

            Or many series, trained as one global model: a long DataFrame with
            columns ``id_column``, ``time_column`` (optional: positions
            without it) and ``target_column``; a wide DataFrame, one column per
            series (each from its first to its last value); or a dict of
            series. ``predict`` answers in the same layout.
        exog : array-like of shape (n_times, n_covariates), DataFrame or dict, \
default=None
            Covariates known in advance (calendar, prices, promotions,
            holidays), in the layout of ``y``:

            - one series: one row per value of ``y`` (indexed like ``y`` when
              pandas);
            - long: a DataFrame with ``id_column``, ``time_column`` (when ``y``
              has one) and the covariate columns, one row per row of ``y`` in
              any order, matched by id and time (without times, each series'
              rows in ``y``'s order);
            - dict: a dict with ``y``'s keys, each entry one row per value of
              that series;
            - wide: an array or DataFrame shared by every series, one row per
              row of ``y`` (calendar features, holidays), or a dict by column,
              each entry one row per value of that series (from its first to
              its last).

            Each window sees them ``horizon`` steps ahead, so its last steps
            carry the covariates of the values it forecasts; they are not
            scaled per series, as the values are. ``predict`` then needs them for
            each series' next ``horizon`` steps. A series skipped as too short
            skips its covariates too.
        **fit_params : dict
            Passed to the wrapped forecaster's ``fit`` (both fits with
            calibration), e.g. ``callbacks=[...]`` for a network's progress.

        Returns
        -------
        self : SeriesForecaster
            The fitted forecaster.
        """
        panel = read_panel(
            y,
            missing=self.missing,
            id_column=self.id_column,
            time_column=self.time_column,
            target_column=self.target_column,
        )
        panel = read_panel_exog(
            exog, y, panel, id_column=self.id_column, time_column=self.time_column
        )
        horizon = self._horizon()
        if panel.layout == "series":
            check_length(len(panel.values[0]), self.n_steps, horizon)
        else:
            panel = panel.without_short(self.n_steps + horizon, self.strict)
        covariates, self._exog_names = panel.exog, panel.exog_names
        self.n_exog_ = 0 if covariates is None else covariates[0].shape[1]
        self._layout, self._order = panel.layout, panel.order
        self.series_ids_, self.name_ = panel.ids, panel.name
        self._axes = panel.axes
        self._levels, self._spreads = self._normalisation(panel)
        scaling = list(zip(panel.values, self._levels, self._spreads, strict=True))
        self._scope = "global" if panel.layout == "series" else self.scope
        self._identity, self.identity_ = None, None
        if self._scope == "local":
            fits = Parallel(n_jobs=self.n_jobs)(
                delayed(self._fit_windows)(
                    [one],
                    None if covariates is None else [covariates[i]],
                    horizon,
                    fit_params,
                )
                for i, one in enumerate(scaling)
            )
        else:
            if panel.layout != "series":
                neural = isinstance(self.forecaster, BaseNeuralForecaster)
                self.identity_ = resolve_identity(self.identity, len(panel), neural)
            if self.identity_ is not None:
                self._identity = identity_features(self.identity_, panel.values)
            fits = [self._fit_windows(scaling, covariates, horizon, fit_params)]
        self._fitted = [forecaster for forecaster, _ in fits]
        self._errors = None if self.calibration is None else [e for _, e in fits]
        self._publish_fits()
        self.horizon_ = horizon
        self._n_values = np.array([len(values) for values in panel.values])
        self._mase_scales = np.array(
            [
                naive_error(values, None if axis is None else axis.season)
                for values, axis in zip(panel.values, panel.axes, strict=True)
            ]
        )
        self._last_values = np.array([v[-self.n_steps :] for v in panel.values])
        self._last_exog = self._exog_ends(covariates)
        return self

    def predict(self, exog=None):
        """Forecast the ``horizon`` values after the end of each series.

        Parameters
        ----------
        exog : array-like of shape (horizon, n_covariates), DataFrame or dict, \
default=None
            The covariates of each series' ``horizon`` forecast steps, required
            when ``fit`` had ``exog``, in the layout of ``fit``'s ``y``:

            - one series: ``horizon`` rows;
            - long: a DataFrame with ``id_column``, ``time_column`` and the
              covariate columns of ``fit``, one row per series and forecast
              time (the times ``predict`` returns: positions when ``y`` had
              none), in any order;
            - dict: each series' ``(horizon, n_covariates)`` by id;
            - wide: ``(horizon, n_covariates)`` shared by every series (the
              rows after ``y``'s last, so every series must end there), or a
              dict by column.

            Rows of series that were not fitted (skipped as too short) are
            ignored.

        Returns
        -------
        forecast : pandas Series, ndarray of shape (horizon,), or a panel
            For one series, a Series indexed by the times after the series'
            end when ``y`` was pandas, else an array. For a panel, the layout
            ``fit`` was given: a long DataFrame (``id_column``,
            ``time_column``, ``target_column``), a wide DataFrame (one column
            per series, indexed by time) or a dict of Series.
        """
        check_is_fitted(self)
        forecasts = self._forecasts(exog)
        if self._layout != "series":
            return self._write({self.target_column: forecasts})
        if self._axes[0] is None:
            return forecasts[0]
        return pd.Series(forecasts[0], index=self._future_index(0), name=self.name_)

    def predict_interval(self, coverage=0.9, exog=None):
        """Bounds around the forecast that hold the actual values ``coverage`` of
        the time.

        Split conformal: the bound of step ``h`` is the forecast plus or minus
        the ``coverage`` quantile (with the finite-sample correction) of the
        out-of-sample absolute errors at step ``h`` kept by ``fit``. It assumes
        the end of the series is like what comes next. A panel pools the
        errors of all its series, each in units of its own one-step change.

        Parameters
        ----------
        coverage : float or list of float, default=0.9
            Each in (0, 1): the share of actual values the interval should hold.
        exog : array-like of shape (horizon, n_covariates), DataFrame or dict, \
default=None
            As for :meth:`predict`: each series' covariates of its forecast steps.

        Returns
        -------
        intervals : pandas DataFrame of shape (horizon, 2 * n_coverages), or a panel
            Columns ``lower_90``, ``upper_90`` (and so on per coverage), indexed
            like ``predict``'s forecast (positions after the series for arrays).
            For a panel, in ``fit``'s layout: long (the id and time columns,
            then the bounds), wide (columns ``(id, "lower_90")``, ...) or a
            dict of such DataFrames.
        """
        check_is_fitted(self)
        coverages = check_coverages(coverage)
        if self._errors is None:
            raise ValueError(
                "predict_interval needs calibration errors, but this forecaster "
                "was fitted with calibration=None; refit it with "
                'calibration="conformal".'
            )
        forecasts = self._forecasts(exog)
        columns = {}
        for level in coverages:
            width, label = self._half_widths(level), coverage_label(level)
            columns[f"lower_{label}"] = forecasts - width
            columns[f"upper_{label}"] = forecasts + width
        if self._layout != "series":
            return self._write(columns)
        return pd.DataFrame(
            {name: bounds[0] for name, bounds in columns.items()},
            index=self._future_index(0),
        )

    def score(self, y, exog=None):
        """Negative MASE of the forecast against the first ``horizon`` values of ``y``.

        Higher is better, as scikit-learn's searches expect. The scale is the
        training series' in-sample naive error (seasonal when its dates have
        a season), so scores compare across series; a panel scores the mean
        MASE of its series.

        Parameters
        ----------
        y : series or panel
            The values that followed the training series (at least
            ``horizon`` per series), in the layout ``fit`` was given.
        exog : array-like of shape (horizon, n_covariates), DataFrame or dict, \
default=None
            As for :meth:`predict`: each series' covariates of its forecast steps.

        Returns
        -------
        score : float
            ``-MASE``.
        """
        check_is_fitted(self)
        actuals = self._actuals(y)
        forecasts = self._forecasts(exog)
        errors = [
            mase(actual[: self.horizon_], forecast, scale)
            for actual, forecast, scale in zip(
                actuals, forecasts, self._mase_scales, strict=True
            )
        ]
        return -float(np.mean(errors))

    # --- fitted state: rnnkit.save and load ------------------------------------

    def _get_fitted_state(self):
        """``(state, arrays)`` as the window forecasters give them (see ``_base``)."""
        ids = self.series_ids_
        if self._layout != "series":
            _check_json_ids(ids, "series ids")
        _check_json_ids(self._exog_names or [], "covariate columns")
        position = {key: i for i, key in enumerate(ids)}
        state = {
            "horizon_": int(self.horizon_),
            "n_exog_": int(self.n_exog_),
            "layout": self._layout,
            "name_": self.name_,
            "series_ids_": [_json_id(k) for k in ids]
            if self._layout != "series"
            else [None],
            "order": [position[key] for key in self._order],
            "axes": [None if a is None else a.to_state() for a in self._axes],
            "scope": self._scope,
            "forecasters": [],
        }
        arrays = {}
        for i, forecaster in enumerate(self._fitted):
            inner_state, inner_arrays = forecaster._get_fitted_state()
            state["forecasters"].append(inner_state)
            arrays |= {f"forecaster{i}__{k}": v for k, v in inner_arrays.items()}
            if self._errors is not None:
                arrays[f"calibration_errors{i}"] = self._errors[i]
        arrays |= {
            "last_values": self._last_values,
            "levels": self._levels,
            "spreads": self._spreads,
            "mase_scales": self._mase_scales,
            "n_values": self._n_values.astype(np.float64),
        }
        if self.n_exog_:
            # Series after series, as one saved one series' rows: (lead, n_exog).
            arrays["last_exog"] = self._last_exog.reshape(-1, self.n_exog_)
        if self._exog_names is not None:
            state["exog_columns"] = [_json_id(name) for name in self._exog_names]
        if self._identity is not None:
            state["identity_"] = self.identity_
            arrays["identity"] = self._identity
        return state, arrays

    def _set_fitted_state(self, state, arrays):
        """Check the parameters, ``state`` and ``arrays``; become fitted from them."""
        self._validate_params()
        if not isinstance(self.forecaster, BaseForecaster):
            raise TypeError("only a wrapped rnnkit forecaster has a saved state")
        state, arrays = dict(state), dict(arrays)
        horizon = _pop_int(state, "horizon_", 1, MAX_DIM)
        n_exog = _pop_int(state, "n_exog_", 0, MAX_DIM)
        layout, name = state.pop("layout"), state.pop("name_")
        ids, order, axes = (
            state.pop("series_ids_"),
            state.pop("order"),
            state.pop("axes"),
        )
        if layout not in ("series", "long", "wide", "dict"):
            raise ValueError("layout must be series, long, wide or dict")
        if name is not None and not isinstance(name, str):
            raise ValueError("name_ must be a str or None")
        if not (
            isinstance(ids, list)
            and ids
            and (layout == "series") == (ids == [None])
            and (layout == "series" or all(map(_is_json_id, ids)))
            and len(set(ids)) == len(ids)
        ):
            raise ValueError("series_ids_ must be a list of distinct str or int ids")
        n_series = len(ids)
        if not (
            isinstance(order, list)
            and all(type(i) is int and 0 <= i < n_series for i in order)
            and len(set(order)) == len(order) == n_series
        ):
            raise ValueError("order must list each series' position once")
        if not isinstance(axes, list) or len(axes) != n_series:
            raise ValueError(f"axes must be a list of {n_series} time axes")
        axes = [None if a is None else TimeAxis.from_state(a) for a in axes]
        scope, inner_states = state.pop("scope"), state.pop("forecasters")
        n_fitted = {"global": 1, "local": n_series}.get(scope)
        if n_fitted is None or (scope == "local" and layout == "series"):
            raise ValueError("scope must be global, or local for a panel")
        if not isinstance(inner_states, list) or len(inner_states) != n_fitted:
            raise ValueError(f"forecasters must list {n_fitted} fitted states")
        identity, identity_kind = None, state.pop("identity_", None)
        if "identity" in arrays:
            identity = _pop_array(arrays, "identity", (n_series, None))
            if scope != "global" or layout == "series":
                raise ValueError("identity features belong to a global panel model")
            # Saved before identity_ was: its identity parameter said which.
            identity_kind = identity_kind or self.identity
        kinds = ("one_hot", "profile") if identity is not None else (None,)
        if identity_kind not in kinds:
            raise ValueError(
                'identity_ must be "one_hot" or "profile" with identity features, '
                f"None without. Got {identity_kind!r:.80}"
            )
        n_identity = 0 if identity is None else identity.shape[1]
        window_shape = (self.n_steps, 1 + n_exog + n_identity)
        fitted = [
            self._fitted_from_state(inner, arrays, f"forecaster{i}__", horizon)
            for i, inner in enumerate(inner_states)
        ]
        for forecaster in fitted:
            if forecaster._window_shape != window_shape:
                raise ValueError(
                    "the wrapped forecaster takes windows of shape "
                    f"{forecaster._window_shape}, but the value, {n_exog} "
                    f"covariates and {n_identity} identity features make "
                    f"{window_shape}"
                )
        errors = None
        if "calibration_errors0" in arrays:
            errors = [
                _pop_array(arrays, f"calibration_errors{i}", (None, horizon))
                for i in range(n_fitted)
            ]
        lead = max(self.n_steps - horizon, 0)
        last_values = _pop_array(arrays, "last_values", (n_series, self.n_steps))
        levels = _pop_array(arrays, "levels", (n_series,))
        spreads = _pop_array(arrays, "spreads", (n_series,))
        mase_scales = _pop_array(arrays, "mase_scales", (n_series,))
        n_values = _pop_array(arrays, "n_values", (n_series,))
        if not ((spreads > 0).all() and (mase_scales >= 0).all()):
            raise ValueError("spreads must be positive and mase_scales 0 or more")
        if not ((n_values == n_values.round()) & (n_values >= self.n_steps)).all():
            raise ValueError(f"n_values must be whole numbers, {self.n_steps} or more")
        names = state.pop("exog_columns", None)
        if names is not None or (layout == "long" and n_exog):
            _check_exog_columns(names, layout, n_exog)
        last_exog = None
        if n_exog:
            last_exog = _pop_array(arrays, "last_exog", (n_series * lead, n_exog))
            last_exog = last_exog.reshape(n_series, lead, n_exog)
        if state or arrays:
            raise ValueError(
                f"the fitted state has unexpected values {sorted(state)} and "
                f"arrays {sorted(arrays)}"
            )
        self.horizon_, self.n_exog_, self._scope = horizon, n_exog, scope
        self._layout, self.name_, self._axes = layout, name, axes
        self.series_ids_ = [name] if layout == "series" else ids
        self._order = [self.series_ids_[i] for i in order]
        self._last_values, self._last_exog = last_values, last_exog
        self._exog_names = names
        self._levels, self._spreads, self._mase_scales = levels, spreads, mase_scales
        self._n_values = n_values.astype(np.int64)
        self._fitted, self._errors = fitted, errors
        self._identity, self.identity_ = identity, identity_kind
        self._publish_fits()

    def _fitted_from_state(self, state, arrays, prefix, horizon):
        """A fitted clone of the forecaster from its state and ``prefix``ed arrays."""
        forecaster = clone(self.forecaster)
        inner = {
            k[len(prefix) :]: arrays.pop(k)
            for k in list(arrays)
            if k.startswith(prefix)
        }
        forecaster._set_fitted_state(state, inner)
        if forecaster.horizon_ != horizon:  # its window: checked by the caller
            raise ValueError("the wrapped forecaster's horizon differs")
        return forecaster

    # --- the wrapped forecaster ----------------------------------------------

    def _horizon(self):
        if self.horizon is not None:
            return int(self.horizon)
        return int(getattr(self.forecaster, "horizon", None) or 1)

    def _publish_fits(self):
        """``forecaster_`` and ``calibration_errors_`` (global), or one per series."""
        errors = self._errors
        if self._scope == "global":
            self.forecaster_ = self._fitted[0]
            self.calibration_errors_ = None if errors is None else errors[0]
        else:
            self.forecasters_ = dict(zip(self.series_ids_, self._fitted, strict=True))
            self.calibration_errors_ = (
                None
                if errors is None
                else dict(zip(self.series_ids_, errors, strict=True))
            )

    def _fit_windows(self, scaling, covariates, horizon, fit_params):
        """One forecaster fitted on the windows of series ``(values, level,
        spread)``, and its calibration errors (None without calibration)."""
        dtype = _batch_dtype(self.forecaster, normalised=self._layout != "series")
        windows = _pooled_windows(
            scaling, covariates, self.n_steps, horizon, self._identity, dtype
        )
        errors = None
        if self.calibration == "conformal":
            train_spans, calibration_spans = self._calibration_split(windows, horizon)
            forecaster = self._fit_forecaster(windows, train_spans, **fit_params)
            rows = rows_of(calibration_spans)
            forecast = self._predict_windows(forecaster, windows.X[rows])
            errors = np.abs(windows.Y[rows] - forecast)
        return self._fit_forecaster(windows, windows.spans, **fit_params), errors

    def _normalisation(self, panel):
        """Each series' level and spread; a single series stays as it is."""
        if panel.layout == "series":
            return np.zeros(1), np.ones(1)
        levels, spreads = zip(*map(normalise, panel.values), strict=True)
        return np.array(levels), np.array(spreads)

    def _fit_forecaster(self, windows, spans, **fit_params):
        """A fitted clone of the forecaster, trained on the windows of ``spans``."""
        forecaster = clone(self.forecaster)
        if isinstance(forecaster, BaseNeuralForecaster):
            forecaster._pooled_series = len(windows.spans) > 1
        X, Y = windows.X, windows.Y
        if isinstance(X, PanelWindows):
            # The network makes each batch from the series as it draws it.
            return forecaster.fit(*X.within(spans), **fit_params)
        if len(spans) == 1:  # one series: a view of its windows
            ((first, stop),) = spans
            X, Y = X[first:stop], Y[first:stop]
        elif isinstance(forecaster, BaseForecaster):
            # Every window of the buffer, those outside the spans (straddling
            # two series, or set aside for calibration) at weight 0: the
            # forecaster streams batches from the views, no copy of them all.
            # A boolean mask: a byte a window (float weights would take eight).
            mask = np.zeros(len(X), dtype=bool)
            for first, stop in spans:
                mask[first:stop] = True
            fit_params = {**fit_params, "sample_weight": mask}
        else:
            rows = rows_of(spans)
            X, Y = X[rows], Y[rows]
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

    def _forecasts(self, exog):
        """Every series' forecast ``(n_series, horizon)``, in its own units."""
        windows = self._last_windows(exog)
        if self._scope == "global":
            forecast = self._predict_windows(self._fitted[0], windows)
        else:
            forecast = np.concatenate(
                [
                    self._predict_windows(forecaster, windows[i : i + 1])
                    for i, forecaster in enumerate(self._fitted)
                ]
            )
        return forecast * self._spreads[:, None] + self._levels[:, None]

    def _half_widths(self, coverage):
        """The interval's half width ``(n_series, horizon)``, in each series' units."""
        widths = [_conformal.half_width(errors, coverage) for errors in self._errors]
        return np.array(widths) * self._spreads[:, None]

    def _calibration_split(self, windows, horizon):
        """Rows that fit the calibration copy, and the later rows it forecasts.

        Per series: its last ``calibration_size`` windows (by default the later
        half) calibrate; the ``horizon - 1`` windows before them, whose targets
        straddle the cut, are skipped; the earlier ones fit.
        """
        train, calibration = [], []
        for first, stop in windows.spans:
            n_origins = self._calibration_origins(stop - first, horizon)
            n_train = stop - first - n_origins - (horizon - 1)
            if n_train < 1:
                continue
            train.append((first, first + n_train))
            calibration.append((stop - n_origins, stop))
        if not train:
            n_windows = max(stop - first for first, stop in windows.spans)
            raise ValueError(
                "the series is too short to calibrate intervals: its "
                f"{n_windows} windows leave none to fit on once the calibration "
                f"origins and the {horizon - 1} straddling windows are set aside; "
                "use a longer series, a smaller calibration_size, or "
                "calibration=None."
            )
        return train, calibration

    def _calibration_origins(self, n_windows, horizon):
        """Origins that calibrate: calibration_size, or the later half of them.

        Half, because real series change: on the open panel of
        benchmarks/realdata.py, a fifth of the windows gave 90 % intervals that
        held 78 % of the values; half gave 88 % (benchmarks/intervals.py).
        """
        if self.calibration_size is not None:
            wanted = self.calibration_size
            if wanted > n_windows - horizon and self._layout == "series":
                raise ValueError(
                    f"calibration_size={wanted} leaves no window to fit the "
                    f"calibration copy on: y gives {n_windows} windows, and "
                    f"{horizon - 1} more are skipped between the two parts; "
                    "use a smaller calibration_size or a longer series."
                )
            return wanted
        return max(1, (n_windows - horizon + 1) // 2)

    # --- the series' end and what follows it ---------------------------------

    def _exog_ends(self, covariates):
        """What ``predict`` keeps of each series' covariates ``(n_series, lead,
        n_exog)``: the rows its last window reads besides those of the forecast
        steps, ``lead = n_steps - horizon`` (none for a shorter window); None
        without covariates."""
        if covariates is None:
            return None
        lead = max(self.n_steps - self.horizon_, 0)
        return np.array([rows[len(rows) - lead :] for rows in covariates])

    def _last_windows(self, exog):
        """The windows that end each series, normalised: values, then covariates
        (led by the horizon, as in training) and identity features, if any."""
        normed = (self._last_values - self._levels[:, None]) / self._spreads[:, None]
        features = [normed[:, :, np.newaxis]]
        if self.n_exog_:
            future = self._future_exog(exog)
            led = np.concatenate([self._last_exog, future], axis=1)
            features.append(led[:, led.shape[1] - self.n_steps :])
        elif exog is not None:
            raise ValueError(
                "exog was given to predict, but fit had none; fit with exog "
                "to use covariates."
            )
        if self._identity is not None:
            features.append(
                np.broadcast_to(
                    self._identity[:, np.newaxis, :],
                    (*normed.shape, self._identity.shape[1]),
                )
            )
        return np.concatenate(features, axis=2)

    def _future_exog(self, exog):
        """The covariates of each series' forecast steps ``(n_series, horizon,
        n_exog)``, from what ``predict`` was given."""
        horizon = self.horizon_
        if exog is None:
            raise ValueError(
                f"exog is required: fit had {self.n_exog_} covariate column(s), so "
                f"predict needs them for the next {horizon} steps, shape "
                f"({horizon}, {self.n_exog_})."
            )
        return read_future_exog(
            exog,
            self._layout,
            self.series_ids_,
            [self._future_index(i) for i in range(len(self.series_ids_))],
            names=self._exog_names,
            n_exog=self.n_exog_,
            id_column=self.id_column,
            time_column=self.time_column,
        )

    def _future_index(self, i):
        axis = self._axes[i]
        if axis is None:
            n_values = int(self._n_values[i])
            return pd.RangeIndex(n_values, n_values + self.horizon_)
        return axis.following(self.horizon_)

    def _write(self, columns):
        """``columns`` of ``(n_series, horizon)`` arrays in the layout of ``fit``."""
        position = {key: i for i, key in enumerate(self.series_ids_)}
        rows = [position[key] for key in self._order]
        return write_forecasts(
            self._layout,
            self._order,
            {name: values[rows] for name, values in columns.items()},
            [self._future_index(i) for i in rows],
            id_column=self.id_column,
            time_column=self.time_column,
        )

    def _actuals(self, y):
        """The values ``score`` compares with: per fitted series, in fit's order."""
        if self._layout == "series":
            actual, _, _ = read_target(y, "raise", argument="y", continue_index=False)
            actuals = [actual]
        else:
            panel = read_panel(
                y,
                missing="raise",
                id_column=self.id_column,
                time_column=self.time_column,
                target_column=self.target_column,
            )
            found = dict(zip(panel.ids, panel.values, strict=True))
            missing = [k for k in self.series_ids_ if k not in found]
            if missing:
                raise ValueError(
                    f"y lacks {len(missing)} fitted series to score, e.g. "
                    f"{missing[0]!r}; expected the values after each series."
                )
            actuals = [found[key] for key in self.series_ids_]
        for key, actual in zip(self.series_ids_, actuals, strict=True):
            if len(actual) < self.horizon_:
                what = "y" if self._layout == "series" else f"y[{key!r}]"
                raise ValueError(
                    f"{what} must hold at least horizon={self.horizon_} values to "
                    f"score the forecast. Got {len(actual)}."
                )
        return actuals


def _pooled_windows(scaling, covariates, n_steps, horizon, identity, batch_dtype):
    """The training windows of every series, and their rows per series.

    ``scaling`` lists ``(values, level, spread)`` per series, ``covariates``
    (None, or unscaled) each one's ``(n_values, n_exog)``; ``identity``
    features come with a panel (see ``PooledWindows.of``). With a
    ``batch_dtype`` (see ``_batch_dtype``), ``PanelWindows`` made in it a
    batch at a time; else views of one float64 copy.
    """
    series = zip(*scaling, strict=True)
    if batch_dtype is not None:
        return PanelWindows.of(
            *series, n_steps, horizon, identity, batch_dtype, exog=covariates
        )
    return PooledWindows.of(
        *series, n_steps, horizon, identity=identity, exog=covariates
    )


def _batch_dtype(forecaster, normalised):
    """The dtype a network makes its windows of ``normalised`` series in, a
    batch at a time; None where they are pooled in one float64 copy instead.

    float32 for a neural forecaster, which trains in it, on a panel's
    normalised series (steps of about one unit, which float32 keeps to
    1e-7). None otherwise: least squares wants float64, and a series in its
    own units may have small steps on a large level.
    """
    if normalised and isinstance(forecaster, BaseNeuralForecaster):
        return forecaster._input_dtype[0]
    return None


def _is_json_id(key):
    return isinstance(key, (str, Integral)) and not isinstance(key, bool)


def _json_id(key):
    return key if isinstance(key, str) else int(key)


def _check_json_ids(keys, what):
    """Saved as JSON: only str or int ``keys`` (a panel's ids, its columns)."""
    odd = [key for key in keys if not _is_json_id(key)]
    if odd:
        raise TypeError(
            f"only a panel whose {what} are str or int can be saved; "
            f"got {type(odd[0]).__name__}"
        )


def _check_exog_columns(names, layout, n_exog):
    """A long panel's covariate columns, by which predict picks them: n_exog
    distinct str or int; none for another layout, or without covariates."""
    if not (
        layout == "long"
        and isinstance(names, list)
        and all(map(_is_json_id, names))
        and len(set(names)) == len(names) == n_exog > 0
    ):
        raise ValueError(
            "exog_columns must list the n_exog distinct covariate columns "
            "(str or int) of a long panel fitted with exog, and only then"
        )


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
