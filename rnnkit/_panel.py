"""Many series at once: reading a panel, pooling its windows, writing forecasts back.

A panel comes as a long DataFrame (one row per series and time), a wide
DataFrame (one column per series) or a dict of series. ``read_panel`` turns
any of them, or a single series, into a ``Panel``: the series' ids, values and
time axes, in an order that does not depend on the order of the input.
``PooledWindows`` cuts every series into windows without copying them: the
series are concatenated once, the windows are views of that buffer, and the
windows that would straddle two series are left out by row numbers.
``write_forecasts`` gives the forecasts back in the layout that came in.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._series_data import read_target
from ._windows import make_windows


@dataclass
class Panel:
    """Series read from the caller's data, sorted by id.

    ``layout`` is how they came: ``"series"`` (one series: an array, a Series or
    a one-column DataFrame), ``"long"``, ``"wide"`` or ``"dict"``. ``order``
    lists the ids as the caller gave them, for output in that order.
    """

    layout: str
    ids: list
    values: list
    axes: list
    name: str | None = None
    order: list = field(default_factory=list)
    indexes: list = field(default_factory=list)

    def __len__(self):
        return len(self.ids)

    def without_short(self, min_length, strict, needed="n_steps + horizon"):
        """The panel without series shorter than ``min_length``: warn, or raise.

        ``needed`` says what the length is needed for, in the message.
        """
        short = [i for i, v in enumerate(self.values) if len(v) < min_length]
        if not short:
            return self
        names = ", ".join(repr(self.ids[i]) for i in short[:10])
        more = f" and {len(short) - 10} more" if len(short) > 10 else ""
        message = (
            f"{len(short)} series have fewer values than {needed} = {min_length}: "
            f"{names}{more}"
        )
        if strict or len(short) == len(self):
            raise ValueError(
                f"{message}; drop them, or use a smaller n_steps or horizon"
                + ("" if strict else " (no series is long enough)")
                + "."
            )
        warnings.warn(f"{message}; they are skipped.", UserWarning, stacklevel=3)
        skipped = {self.ids[i] for i in short}
        keep = [i for i, key in enumerate(self.ids) if key not in skipped]
        return Panel(
            self.layout,
            [self.ids[i] for i in keep],
            [self.values[i] for i in keep],
            [self.axes[i] for i in keep],
            self.name,
            [i for i in self.order if i not in skipped],
            [self.indexes[i] for i in keep] if self.indexes else [],
        )


def is_panel(y, id_column, target_column):
    """Whether ``y`` holds many series (long, wide or dict) rather than one."""
    if isinstance(y, dict):
        return True
    if isinstance(y, pd.DataFrame):
        return y.shape[1] > 1 or {id_column, target_column} <= set(y.columns)
    return False


def read_panel(y, *, missing, id_column, time_column, target_column):
    """``y``, one series or many, as a ``Panel``; clear errors for what is not."""
    if not is_panel(y, id_column, target_column):
        values, axis, name = read_target(y, missing)
        index = _index_of(y)
        return Panel("series", [name], [values], [axis], name, [name], [index])
    if isinstance(y, dict):
        series = {key: (value, f"y[{key!r}]") for key, value in y.items()}
        layout = "dict"
    elif {id_column, target_column} <= set(y.columns):
        series = _split_long(y, id_column, time_column, target_column)
        layout = "long"
    else:
        series = _split_wide(y)
        layout = "wide"
    if not series:
        raise ValueError("y holds no series: expected at least one.")
    order = list(series)
    ids = sorted(order, key=_sort_key)
    panel = Panel(layout, ids, [], [], None, order)
    for key in ids:
        data, argument = series[key]
        values, axis, _ = read_target(data, missing, argument=argument)
        panel.values.append(values)
        panel.axes.append(axis)
        panel.indexes.append(_index_of(data))
    return panel


def _index_of(data):
    """The times of a series' values: its pandas index, or None for an array."""
    if isinstance(data, pd.DataFrame | pd.Series):
        return data.index
    return None


def _sort_key(key):
    # Sorting makes training independent of the caller's order of series;
    # the type name first keeps ids of mixed types comparable.
    return (type(key).__name__, key)


def _split_long(frame, id_column, time_column, target_column):
    """``{id: (Series of the target indexed by time, argument name)}``."""
    has_time = time_column in frame.columns
    if frame[id_column].isna().any():
        raise ValueError(f"y's {id_column!r} column has missing ids; fill them.")
    if has_time:
        frame = frame.sort_values([id_column, time_column], kind="stable")
        duplicated = frame.duplicated([id_column, time_column])
        if duplicated.any():
            row = frame[duplicated].iloc[0]
            raise ValueError(
                f"y has {int(duplicated.sum())} repeated ({id_column}, {time_column}) "
                f"pairs, e.g. ({row[id_column]!r}, {row[time_column]!r}); expected "
                "one row per series and time."
            )
    series = {}
    for key, rows in frame.groupby(id_column, sort=False):
        index = pd.Index(rows[time_column]) if has_time else pd.RangeIndex(len(rows))
        if has_time and pd.api.types.is_string_dtype(index):
            index = pd.DatetimeIndex(index)
        values = pd.Series(rows[target_column].to_numpy(), index=index)
        series[key] = (values, f"y[{id_column} == {key!r}]")
    return series


def _split_wide(frame):
    """``{column: (Series from its first to its last value, argument name)}``."""
    if frame.columns.has_duplicates:
        raise ValueError("y's columns repeat a name; expected one column per series.")
    series = {}
    for key in frame.columns:
        column = frame[key]
        first, last = column.first_valid_index(), column.last_valid_index()
        if first is None:
            raise ValueError(f"y[{key!r}] holds no numbers: every value is missing.")
        series[key] = (column.loc[first:last], f"y[{key!r}]")
    return series


@dataclass
class PooledWindows:
    """The windows of every series of a panel, as views of one buffer.

    ``X`` ``(n_windows, n_steps, 1)`` and ``Y`` ``(n_windows, horizon)`` cover
    the whole buffer, straddling windows included; ``rows[i]`` numbers the
    windows that lie within series ``i``, oldest first.
    """

    X: np.ndarray
    Y: np.ndarray
    rows: list

    @classmethod
    def of(cls, series, n_steps, horizon):
        buffer = np.concatenate(series)
        X, Y = make_windows(buffer, n_steps, horizon)
        starts = np.cumsum([0] + [len(v) for v in series[:-1]])
        rows = [
            np.arange(start, start + len(v) - n_steps - horizon + 1)
            for start, v in zip(starts, series, strict=True)
        ]
        return cls(X[:, :, np.newaxis], Y.reshape(len(Y), -1), rows)

    def all_rows(self):
        return np.concatenate(self.rows)


def normalise(values):
    """A series' level and spread: its mean, and its naive one-step error.

    Dividing by the one-step error (not the deviation, which a trend inflates)
    gives every series steps of about one unit, so each weighs alike in a
    global model's loss, as MASE weighs them.
    """
    level = float(np.mean(values))
    steps = np.abs(np.diff(values))
    spread = float(np.mean(steps)) if len(steps) else 0.0
    if spread < 1e-12:
        spread = float(np.std(values)) or 1.0
    return level, spread


def write_forecasts(panel, forecasts, indexes, time_column, id_column, target_column):
    """Per-series forecasts ``{id: DataFrame or Series}`` in the panel's layout.

    ``forecasts`` maps each id to a DataFrame (columns such as ``lower_90``) or
    a 1-D array; ``indexes`` maps each id to the times that follow its series.
    """
    ids = panel.order
    if panel.layout == "dict":
        return {key: _as_pandas(forecasts[key], indexes[key]) for key in ids}
    if panel.layout == "wide":
        parts = {key: _as_pandas(forecasts[key], indexes[key]) for key in ids}
        return pd.concat(parts, axis=1)
    frames = []
    for key in ids:
        part = _as_pandas(forecasts[key], indexes[key])
        part = part.to_frame(target_column) if isinstance(part, pd.Series) else part
        part = part.rename_axis(time_column).reset_index()
        part.insert(0, id_column, [key] * len(part))
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _as_pandas(forecast, index):
    if isinstance(forecast, pd.DataFrame):
        return forecast.set_axis(index)
    return pd.Series(forecast, index=index)
