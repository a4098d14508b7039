"""Least squares on the flattened window: the strong linear baseline."""

from numbers import Real

import numpy as np
from sklearn.linear_model import LinearRegression, Ridge

from ._base import BaseForecaster
from ._sklearn_compat import Interval


class LinearForecaster(BaseForecaster):
    """Linear forecast from every value of the window, one output per step.

    Fits ordinary least squares (``alpha=0``) or ridge regression (``alpha>0``)
    with scikit-learn's solvers on the window flattened to
    ``n_steps * n_features`` columns, predicting all ``horizon`` steps at once.

    Parameters
    ----------
    alpha : float, default=0.0
        L2 penalty; 0 means ordinary least squares.
    fit_intercept : bool, default=True
        Whether to fit an intercept per horizon step.

    Attributes
    ----------
    coef_ : ndarray of shape (horizon, n_steps * n_features)
        Weight of each flattened window value, per horizon step.
    intercept_ : ndarray of shape (horizon,)
        Intercept per horizon step (zeros when ``fit_intercept=False``).
    horizon_ : int
        Number of values forecast per window, learned from ``y``.
    n_features_in_ : int
        Number of columns of ``X`` seen in ``fit`` (the window length).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnkit import LinearForecaster, make_windows
    >>> X, y = make_windows(np.arange(20.0), n_steps=3)
    >>> LinearForecaster().fit(X, y).predict([[20.0, 21.0, 22.0]]).round(6)
    array([23.])
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
    }

    def __init__(self, *, alpha: float = 0.0, fit_intercept: bool = True) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def _fit(self, X, Y, *, sample_weight=None):
        if self.alpha == 0:
            regressor = LinearRegression(fit_intercept=self.fit_intercept)
        else:
            regressor = Ridge(alpha=self.alpha, fit_intercept=self.fit_intercept)
        if sample_weight is not None:
            # Weighted least squares on the windows of positive weight only:
            # the others may hold anything, and are never copied.
            rows = np.flatnonzero(sample_weight)
            X, Y, sample_weight = X[rows], Y[rows], sample_weight[rows]
        regressor.fit(X.reshape(len(X), -1), Y, sample_weight=sample_weight)
        # Ridge drops the target axis for a single-column Y; keep it.
        self.coef_ = regressor.coef_.reshape(Y.shape[1], -1)
        # LinearRegression leaves a scalar 0.0 when fit_intercept=False.
        self.intercept_ = np.zeros(Y.shape[1]) + regressor.intercept_

    def _get_fitted_state(self):
        state, arrays = super()._get_fitted_state()
        return state, {**arrays, "coef_": self.coef_, "intercept_": self.intercept_}

    def _pop_fitted_state(self, state, arrays):
        super()._pop_fitted_state(state, arrays)
        n_inputs = int(np.prod(self._window_shape))
        shapes = {"coef_": (self.horizon_, n_inputs), "intercept_": (self.horizon_,)}
        for name, shape in shapes.items():
            array = arrays.pop(name)
            if array.dtype.kind != "f" or array.shape != shape:
                raise ValueError(f"{name} must be floats of shape {shape}")
            setattr(self, name, array)

    def _predict(self, X):
        return X.reshape(len(X), -1) @ self.coef_.T + self.intercept_
