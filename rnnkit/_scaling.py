"""How the neural forecasters normalise windows and targets, and undo it."""

import re

import numpy as np

_CHUNK = 4096
# "auto" scales relative to each window's mean when the windows' levels vary
# more than the values within a window do (a trend, a level shift, a random
# walk), and by the training data's mean and deviation otherwise.
AUTO_LEVEL_RATIO = 1.0
KINDS = ("standard", "window", "window_mean", None)  # fitted: "auto" resolved
WINDOW_RELATIVE = ("window", "window_mean")  # the kinds relative to each window
_FITTED_NAME = re.compile(r"^[a-z][a-z0-9_]*_$")


class WindowScaling:
    """Affine scaling of windows and targets, fitted on training windows.

    ``kind`` is one of:

    - ``"standard"``: subtract each feature's mean and divide by its standard
      deviation over the training windows.
    - ``"window"``: subtract each window's last value (per feature) and divide
      by the standard deviation of those differences. Forecasts become changes
      from the last value, so the level of the series does not matter: a
      series that drifts beyond its training range (CO2 in ppm, prices) is
      forecast as well as one that stays put.
    - ``"window_mean"``: the same, relative to each window's mean. A network
      that outputs zero forecasts the window's mean, a good start for noisy
      series, and the level still does not matter.
    - ``"auto"``: ``"window_mean"`` when the level of the target feature is not
      stable across the training windows (the spread of the window means is at
      least ``AUTO_LEVEL_RATIO`` times the average spread within a window),
      else ``"standard"``. ``fit`` replaces ``kind`` by the one chosen.
    - ``None``: leave the data as it is.

    Targets use the statistics of the target feature, so the network's output
    is in the same units as its target input.

    With ``"window"`` and ``"window_mean"``, a feature other than the target
    that is constant within every training window (a series' identity or
    profile in a panel) is scaled as with ``"standard"``: relative to the
    window it would be zero, and tell the network nothing.
    """

    # The features scaled as "standard" by a window kind (see above), 1 each;
    # None when there are none, and then not part of the state.
    absolute_ = None

    def __init__(self, kind, target_index):
        self.kind = kind
        self.target_index = target_index

    def fit(self, X, rows=None):
        """Learn the statistics, a chunk of windows at a time (no full copy).

        ``rows``, if given, are the windows to learn from (the others, such as
        windows that straddle two series, do not count); else all of ``X``.
        """
        if self.kind == "auto":
            self.kind = choose_scaling(X, rows, self.target_index)
        n_features = X.shape[2]
        self.center_ = np.zeros(n_features)
        self.scale_ = np.ones(n_features)
        if self.kind is not None:
            relative = None if self.kind == "standard" else self._window_offsets
            mean, std = _chunked_mean_std(X, relative, rows)
            if self.kind == "standard":
                self.center_ = mean
            static = std < 1e-12
            static[self.target_index] = False
            if relative is not None and static.any():
                mean, absolute_std = _chunked_mean_std(X, None, rows)
                self.center_[static] = mean[static]
                std[static] = absolute_std[static]
                self.absolute_ = static.astype(np.float64)  # 1: as "standard"
            self.scale_ = std
        self.scale_[self.scale_ < 1e-12] = 1.0  # a constant feature stays put
        return self

    def transform(self, X):
        """Scale windows ``(n, n_steps, n_features)`` to float32."""
        return ((X - self._offsets(X)[:, None, :]) / self.scale_).astype(np.float32)

    def transform_target(self, Y, X):
        """Scale targets ``(n, ...)`` of the windows ``X``."""
        offset, scale = self._target_offset(X), self.scale_[self.target_index]
        offset = offset.reshape(-1, *([1] * (Y.ndim - 1)))
        return ((Y - offset) / scale).astype(np.float32)

    def inverse_target(self, Y, X):
        """Undo ``transform_target`` on forecasts ``(n, horizon)``."""
        offset, scale = self._target_offset(X), self.scale_[self.target_index]
        return Y * scale + offset[:, None]

    def to_state(self):
        """Return ``(state, arrays)``: the settings as JSON, fitted arrays by name."""
        state = {k: v for k, v in vars(self).items() if not k.endswith("_")}
        arrays = {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray)}
        return state, arrays

    @classmethod
    def from_state(cls, state, arrays, n_features):
        """Rebuild a fitted scaling from ``to_state``, checking every value."""
        scaling = cls(**state)
        if scaling.kind not in KINDS:
            raise ValueError(
                f"scaler kind must be one of {KINDS}. Got {scaling.kind!r}"
            )
        index = scaling.target_index
        if type(index) is not int or not 0 <= index < n_features:
            raise ValueError(f"scaler target_index must be an int below {n_features}")
        if not {"center_", "scale_"} <= set(arrays):
            raise ValueError("scaling arrays must include center_ and scale_")
        for name, array in arrays.items():
            if not (_FITTED_NAME.match(name) and array.shape == (n_features,)):
                raise ValueError(
                    f"scaling array {name!r} must have shape ({n_features},)"
                )
            setattr(scaling, name, array)
        absolute = scaling.absolute_
        if absolute is not None and not (
            np.isin(absolute, (0.0, 1.0)).all() and absolute[index] == 0
        ):
            raise ValueError("scaling absolute_ must be 0 or 1, 0 for the target")
        return scaling

    def _offsets(self, X):
        centers = np.broadcast_to(self.center_, (len(X), X.shape[2]))
        if self.kind not in WINDOW_RELATIVE:
            return centers
        anchors = self._window_offsets(X)
        if self.absolute_ is None:
            return anchors
        return np.where(self.absolute_ > 0, centers, anchors)

    def _window_offsets(self, X):
        """Each window's anchor, per feature: its last value or its mean."""
        if self.kind == "window_mean":
            return X.mean(axis=1)
        return X[:, -1, :]

    def _target_offset(self, X):
        return self._offsets(X)[:, self.target_index]


def choose_scaling(series_windows, rows=None, feature=None):
    """``"window_mean"`` for windows ``(n, n_steps)`` whose level moves.

    Else ``"standard"``: the level is stable when the spread of the window
    means is below ``AUTO_LEVEL_RATIO`` times the mean spread within a window.
    Only the windows ``rows`` count, when given. Windows ``(n, n_steps,
    n_features)`` are judged by their ``feature``.
    """
    # Running sums, not arrays of a mean and a spread per window (16 bytes a
    # window); the means less the first keep the variance's sums small.
    count, shift, total, total_squares, spreads = 0, None, 0.0, 0.0, 0.0
    for chunk in _chunks(series_windows, rows):
        chunk = np.asarray(
            chunk if feature is None else chunk[..., feature], np.float64
        )
        means = chunk.mean(axis=1)
        shift = means[0] if shift is None else shift
        total += np.sum(means - shift)
        total_squares += np.sum(np.square(means - shift))
        spreads += np.sum(chunk.std(axis=1))
        count += len(chunk)
    between = np.sqrt(max(total_squares / count - (total / count) ** 2, 0.0))
    within = spreads / count
    return "window_mean" if between >= AUTO_LEVEL_RATIO * within else "standard"


def _chunked_mean_std(X, relative, rows=None):
    """Per-feature mean and standard deviation over windows (``rows``) and steps.

    ``relative``, if given, maps windows to per-feature offsets that are
    subtracted first (each window's anchor).
    """
    first = 0 if rows is None else rows[0]
    shift = X[first, 0].astype(np.float64)  # keeps the sums small: accurate variance
    total = np.zeros(X.shape[2])
    total_squares = np.zeros(X.shape[2])
    for chunk in _chunks(X, rows):
        chunk = chunk.astype(np.float64)
        chunk -= shift if relative is None else relative(chunk)[:, None, :]
        total += chunk.sum(axis=(0, 1))
        total_squares += np.square(chunk).sum(axis=(0, 1))
    count = (len(X) if rows is None else len(rows)) * X.shape[1]
    mean = total / count
    variance = np.maximum(total_squares / count - mean**2, 0.0)
    return (mean + shift if relative is None else mean), np.sqrt(variance)


def _chunks(X, rows):
    """``X[rows]`` (all of ``X`` when ``rows`` is None), a chunk at a time."""
    n = len(X) if rows is None else len(rows)
    for start in range(0, n, _CHUNK):
        part = slice(start, start + _CHUNK)
        yield X[part] if rows is None else X[rows[part]]
