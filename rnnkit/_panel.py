"""Many series at once: reading a panel, pooling its windows, writing forecasts back.

A panel comes as a long DataFrame (one row per series and time), a wide
DataFrame (one column per series) or a dict of series. ``read_panel`` turns
any of them, or a single series, into a ``Panel``: the series' ids, values and
time axes, in an order that does not depend on the order of the input.
``PooledWindows`` cuts every series into windows without copying them: the
series are concatenated once, the windows are views of that buffer, and the
windows that would straddle two series are left out by row numbers (a
network's windows are not even concatenated: ``_panel_windows``).
``write_forecasts`` gives the forecasts back in the layout that came in.
"""

import functools
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._metrics import naive_error
from ._series_data import index_of, read_target
from ._time_index import TimeAxis
from ._windows import make_windows


@dataclass
class Panel:
    """Series read from the caller's data, sorted by id.

    ``layout`` is how they came: ``"series"`` (one series: an array, a Series or
    a one-column DataFrame), ``"long"``, ``"wide"`` or ``"dict"``. ``order``
    lists the ids as the caller gave them, for output in that order.
    ``exog``, once read (``_panel_exog``), lists each series' covariates
    ``(n_values, n_exog)``; ``exog_names`` their column names, from a long
    frame.
    """

    layout: str
    ids: list
    values: list
    axes: list
    name: str | None = None
    order: list = field(default_factory=list)
    indexes: list = field(default_factory=list)
    exog: list | None = None
    exog_names: list | None = None

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
            None if self.exog is None else [self.exog[i] for i in keep],
            self.exog_names,
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
        index = index_of(y)
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
    shared = None  # (index, axis): a wide frame's columns share the frame's
    for key in ids:
        data, argument = series[key]
        if callable(data):  # a wide frame's column, cut only now
            data = data()
        # A view of the caller's values where they are float64 already: the
        # panel is only read (scaled a batch at a time, or into
        # PooledWindows' own buffer).
        values, _, _ = read_target(
            data, missing, argument=argument, continue_index=False, copy=False
        )
        index = index_of(data)
        if index is not None and not (shared and index.is_(shared[0])):
            shared = (index, TimeAxis.of(index, argument))
        panel.values.append(values)
        panel.axes.append(None if index is None else shared[1])
        panel.indexes.append(None if index is None else shared[0])
    return panel


def _sort_key(key):
    # Sorting makes training independent of the caller's order of series;
    # the type name first keeps ids of mixed types comparable.
    return (type(key).__name__, key)


def _split_long(frame, id_column, time_column, target_column):
    """``{id: (Series of the target indexed by time, argument name)}``."""
    frame, runs, times = sort_long(frame, id_column, time_column, [target_column])
    targets = frame[target_column].to_numpy()
    series = {}
    for key, (start, end) in runs.items():
        index = pd.RangeIndex(end - start) if times is None else times[start:end]
        values = pd.Series(targets[start:end], index=index)
        series[key] = (values, f"y[{id_column} == {key!r}]")
    return series


def sort_long(frame, id_column, time_column, columns, argument="y"):
    """A long frame's id, time (if it has that column) and ``columns``, sorted
    by id then time: the sorted frame, ``{id: (start, end)}``, its rows per
    series in that order, and the times (None without a time column).

    Without times, the rows' order is each series' time order. Clear errors
    for missing ids and repeated (id, time) pairs.
    """
    has_time = time_column in frame.columns
    # Sorting copies what it sorts: only the columns read, not the caller's others.
    frame = frame[[id_column, *([time_column] if has_time else []), *columns]]
    if frame[id_column].isna().any():
        raise ValueError(
            f"{argument}'s {id_column!r} column has missing ids; fill them."
        )
    if has_time:
        frame = frame.sort_values([id_column, time_column], kind="stable")
        duplicated = frame.duplicated([id_column, time_column])
        if duplicated.any():
            row = frame[duplicated].iloc[0]
            raise ValueError(
                f"{argument} has {int(duplicated.sum())} repeated ({id_column}, "
                f"{time_column}) pairs, e.g. ({row[id_column]!r}, "
                f"{row[time_column]!r}); expected one row per series and time."
            )
    else:  # the rows' order is each series' time order
        frame = frame.sort_values(id_column, kind="stable")
    # One sort, then slices of the columns' arrays: a groupby builds a frame
    # per series, seconds for ten thousand of them.
    ids = frame[id_column].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else []
    ends = np.r_[starts[1:], len(ids)].astype(int) if len(ids) else []
    runs = {}
    for start, end in zip(starts, ends, strict=True):
        key = ids[start]
        runs[key.item() if isinstance(key, np.generic) else key] = (start, end)
    times = pd.Index(frame[time_column]) if has_time else None
    if times is not None and pd.api.types.is_string_dtype(times):
        times = pd.DatetimeIndex(times)
    return frame, runs, times


def _split_wide(frame):
    """``{column: (a function giving it from its first to its last value,
    argument name)}``.

    Cut when read, one at a time, and not kept (``wide_column``): a Series per
    column costs a kilobyte or so (12 MB for 10,000 columns); a column without
    missing ends keeps the frame's index, shared.
    """
    if frame.columns.has_duplicates:
        raise ValueError("y's columns repeat a name; expected one column per series.")
    return {
        key: (functools.partial(_trimmed_column, frame, key), f"y[{key!r}]")
        for key in frame.columns
    }


def _trimmed_column(frame, key):
    """``frame[key]`` from its first to its last value."""
    column = wide_column(frame, key)
    first, stop = present_rows(column, key)
    return column if (first, stop) == (0, len(column)) else column.iloc[first:stop]


def wide_column(frame, key):
    """``frame[key]``, a view, without pandas keeping it: ``frame[key]`` caches
    every column it gives in the frame (pandas 2), a kilobyte or so each, for
    as long as the caller keeps the frame (12 MB for 10,000 columns)."""
    return frame.iloc[:, frame.columns.get_loc(key)]


def present_rows(column, key):
    """The rows ``(first, stop)`` of a wide frame's ``column`` ``key`` from its
    first to its last value."""
    missing = column.isna().to_numpy()
    if missing.all():
        raise ValueError(f"y[{key!r}] holds no numbers: every value is missing.")
    if not missing[0] and not missing[-1]:
        return 0, len(missing)
    present = np.flatnonzero(~missing)
    return int(present[0]), int(present[-1]) + 1


@dataclass
class PooledWindows:
    """The windows of every series of a panel, as views of one buffer.

    ``X`` ``(n_windows, n_steps, n_features)`` and ``Y`` ``(n_windows,
    horizon)`` cover the whole buffer, straddling windows included;
    ``spans[i]`` is ``(first, stop)``, the rows of the windows that lie within
    series ``i``, oldest first. Sets of rows are kept as such spans: an array
    of row numbers would cost as much as the data. (For a network, ``X`` and
    ``Y`` are ``PanelWindows`` instead, made from the series when indexed.)
    """

    X: np.ndarray
    Y: np.ndarray
    spans: list

    @classmethod
    def of(cls, series, levels, spreads, n_steps, horizon, identity=None, exog=None):
        """Windows of ``(values - level) / spread`` of each series, one copy.

        ``exog``, if given, lists each series' covariates ``(n_values,
        n_exog)``: they follow the values as features, led by ``horizon``
        steps (see ``lead``), unscaled. ``identity``, if given, ``(n_series,
        k)``: each series' row follows them as ``k`` more features, the same
        at every step.
        """
        n_exog = 0 if exog is None else exog[0].shape[1]
        n_identity = 0 if identity is None else identity.shape[1]
        n_values = sum(len(values) for values in series)
        buffer = np.empty((n_values, 1 + n_exog + n_identity))
        spans, start = [], 0
        for i, (values, level, spread) in enumerate(
            zip(series, levels, spreads, strict=True)
        ):
            rows = slice(start, start + len(values))
            np.divide(values - level, spread, out=buffer[rows, 0])
            if n_exog:
                lead(exog[i], horizon, out=buffer[rows, 1 : 1 + n_exog])
            if n_identity:
                buffer[rows, 1 + n_exog :] = identity[i]
            spans.append((start, start + len(values) - n_steps - horizon + 1))
            start += len(values)
        X, Y = make_windows(buffer, n_steps, horizon)
        return cls(X, Y.reshape(len(Y), -1), spans)


def lead(covariates, horizon, out):
    """``covariates`` led by ``horizon`` steps into ``out``: row ``t`` holds
    those of the value ``t + horizon``, so a window's last steps carry the
    covariates of the values it forecasts. The last ``horizon`` rows lie past
    the series; they are only ever read as targets (or by windows straddling
    two series, left out), so zeros stand in.
    """
    n_led = max(len(covariates) - horizon, 0)
    out[:n_led] = covariates[horizon:]
    out[n_led:] = 0.0


def rows_of(spans):
    """The row numbers of ``spans``, as one array."""
    return np.concatenate([np.arange(first, stop) for first, stop in spans])


def normalise(values):
    """A series' level and spread: its mean, and its naive one-step error.

    Dividing by the one-step error (not the deviation, which a trend inflates)
    gives every series steps of about one unit, so each weighs alike in a
    global model's loss, as MASE weighs them.
    """
    level = float(np.mean(values))
    spread = naive_error(values)
    if not spread > 1e-12:  # a constant series
        spread = float(np.std(values)) or 1.0
    return level, spread


# A one-hot identity takes a column per series in every window: a network of
# many series would take as many inputs, and the pooled float64 copy of the
# other forecasters as many copies of the panel; "profile" takes three columns.
MAX_ONE_HOT_SERIES = 100


# "auto" gives a network a profile up to this many series, none above: the
# profile's three inputs and the highway's products took one epoch's peak
# memory 25-30 MB higher at 3,000 and 10,000 series (benchmarks/README.md),
# past 3x the panel at 10,000 x 500, where its accuracy is unmeasured.
MAX_AUTO_PROFILE_SERIES = 100


def resolve_identity(identity, n_series, neural):
    """The identity features of a global model of ``n_series`` series:
    ``identity``, or what ``"auto"`` means for a network (``neural``) or
    another forecaster.

    ``"auto"``: ``"profile"`` for a network of up to
    ``MAX_AUTO_PROFILE_SERIES`` series. On the two real panels of
    benchmarks/panel.py a global network with it beat the local ones nearly
    everywhere; without features it lost to them on macrodata, and one-hot
    columns (each series its own coefficients) overfitted the other panel's
    short series as the local networks do. None above, and for the other
    forecasters: their windows are views of a float64 copy of the panel,
    where each feature column would cost as much memory as the panel, and
    for a linear map a feature constant in the window only shifts the
    forecast.
    """
    if identity != "auto":
        return identity
    return "profile" if neural and n_series <= MAX_AUTO_PROFILE_SERIES else None


def identity_features(kind, series):
    """What tells each series apart, ``(n_series, k)``: ``kind`` of ``series``.

    ``"one_hot"``: a column per series. ``"profile"``: three numbers that
    describe how a series moves, in units of its one-step change, comparable
    across series: the log of its deviation (how far its level wanders), its
    mean change (its drift) and the correlation of consecutive changes
    (momentum when positive, reversal when negative).
    """
    if kind == "one_hot":
        if len(series) > MAX_ONE_HOT_SERIES:
            raise ValueError(
                f'identity="one_hot" takes a column per series, at every value: '
                f"{len(series)} series is more than {MAX_ONE_HOT_SERIES}. Use "
                'identity="profile" (three columns), or None.'
            )
        return np.eye(len(series))
    return np.array([_profile(values) for values in series])


def _profile(values):
    _, step = normalise(values)
    changes = np.diff(values)
    wander = np.log(max(float(np.std(values)) / step, 1e-3))
    drift = float(np.mean(changes)) / step if len(changes) else 0.0
    momentum = 0.0
    if len(changes) > 2 and np.std(changes[1:]) > 0 and np.std(changes[:-1]) > 0:
        momentum = float(np.corrcoef(changes[1:], changes[:-1])[0, 1])
    return wander, drift, momentum


def write_forecasts(layout, order, columns, indexes, *, id_column, time_column):
    """Forecasts of every series in the panel's ``layout``, series in ``order``.

    ``columns`` maps a column name (the target's, or ``lower_90``...) to an
    array ``(n_series, horizon)`` whose rows follow ``order``; ``indexes``
    lists the times that follow each series. One column gives Series (dict),
    a DataFrame of series (wide) or one value column (long); several give
    DataFrames, ``(id, column)`` columns, or one column each.
    """
    names = list(columns)
    single = len(names) == 1
    if layout == "dict":
        return {
            key: pd.Series(columns[names[0]][i], index=indexes[i])
            if single
            else pd.DataFrame({n: columns[n][i] for n in names}, index=indexes[i])
            for i, key in enumerate(order)
        }
    if layout == "wide":
        return _wide(order, columns, indexes, single)
    times = indexes[0].append(indexes[1:]) if len(indexes) > 1 else indexes[0]
    frame = {
        id_column: pd.Index(order).repeat(len(indexes[0])),
        time_column: times,
    }
    frame |= {name: values.ravel() for name, values in columns.items()}
    return pd.DataFrame(frame)


def _wide(order, columns, indexes, single):
    """One column per series (per series and name for several names)."""
    names = list(columns)
    if all(index.equals(indexes[0]) for index in indexes[1:]):
        data = np.stack([columns[name] for name in names], axis=-1)
        labels = (
            pd.Index(order) if single else pd.MultiIndex.from_product([order, names])
        )
        return pd.DataFrame(
            data.transpose(1, 0, 2).reshape(len(indexes[0]), -1),
            index=indexes[0],
            columns=labels,
        )
    parts = {
        key: pd.DataFrame({n: columns[n][i] for n in names}, index=indexes[i])
        for i, key in enumerate(order)
    }
    # Sorted by time: the union of series that end apart, oldest first.
    wide = pd.concat(parts, axis=1, sort=True)
    return wide.droplevel(1, axis=1) if single else wide
