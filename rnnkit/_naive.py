"""Baseline forecasts that need no training: last value, mean, drift, season."""

from numbers import Integral

import numpy as np

from ._base import BaseForecaster
from ._sklearn_compat import Interval, StrOptions


class NaiveForecaster(BaseForecaster):
    """Forecast with a rule of thumb: the baseline every model must beat.

    Parameters
    ----------
    strategy : {"last", "mean", "drift", "seasonal"}, default="last"
        - ``"last"``: repeat the window's last value.
        - ``"mean"``: repeat the window's mean.
        - ``"drift"``: extend the line through the window's first and last value.
        - ``"seasonal"``: repeat the window's last ``season_length`` values.
    season_length : int, default=None
        Length of a season, in steps; required by ``strategy="seasonal"`` and at
        most the window length.
    target_index : int, default=0
        For 3-D windows, the feature that holds the series being forecast.

    Attributes
    ----------
    horizon_ : int
        Number of values forecast per window, learned from ``y``.
    n_features_in_ : int
        Number of columns of ``X`` seen in ``fit`` (the window length).

    Examples
    --------
    >>> import numpy as np
    >>> from rnnkit import NaiveForecaster, make_windows
    >>> X, y = make_windows(np.arange(10.0), n_steps=4, horizon=2)
    >>> NaiveForecaster(strategy="drift").fit(X, y).predict(X[-1:])
    array([[9., 10.]])
    """

    _parameter_constraints = {
        "strategy": [StrOptions({"last", "mean", "drift", "seasonal"})],
        "season_length": [Interval(Integral, 1, None, closed="left"), None],
        "target_index": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        strategy: str = "last",
        season_length: int | None = None,
        target_index: int = 0,
    ) -> None:
        self.strategy = strategy
        self.season_length = season_length
        self.target_index = target_index

    @property
    def _target_feature(self):
        return self.target_index

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A rule of thumb, not a learner: it cannot score well on arbitrary data.
        tags.regressor_tags.poor_score = True
        return tags

    def _fit(self, X, Y, *, sample_weight=None):
        # A rule of thumb learns nothing from the windows: any weights give
        # the same forecaster (as scikit-learn's DummyRegressor's "constant").
        n_steps, n_features = X.shape[1:]
        if self.target_index >= n_features:
            raise ValueError(
                f"target_index must be less than the number of features of X "
                f"({n_features}). Got {self.target_index!r} instead."
            )
        if self.strategy == "seasonal" and (
            self.season_length is None or self.season_length > n_steps
        ):
            raise ValueError(
                "season_length must be an int between 1 and the window length "
                f"({n_steps}) when strategy='seasonal'. "
                f"Got {self.season_length!r} instead."
            )

    def _predict(self, X):
        series = X[:, :, self.target_index]
        steps_ahead = np.arange(1, self.horizon_ + 1)
        if self.strategy == "last":
            return np.repeat(series[:, -1:], self.horizon_, axis=1)
        if self.strategy == "mean":
            return np.repeat(series.mean(axis=1, keepdims=True), self.horizon_, axis=1)
        if self.strategy == "drift":
            n_steps = series.shape[1]
            slope = (series[:, -1:] - series[:, :1]) / max(n_steps - 1, 1)
            return series[:, -1:] + slope * steps_ahead
        season = series[:, -self.season_length :]
        return season[:, (steps_ahead - 1) % self.season_length]
