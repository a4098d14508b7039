"""Reading ``rnnkit forecast``'s series from a CSV file, as a pandas Series.

The series is indexed by its times when the time column has a frequency
(dates at a frequency pandas infers, or evenly spaced whole numbers such as
years); times missing at that frequency are added and their values
interpolated. Otherwise, and without a time column, it is indexed by
position (``step``). Each decision is a note for the user.
"""

import os
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._time_index import infer_freq
from ._common import UsageError


@dataclass
class Series:
    data: pd.Series  # indexed by the times (at their frequency) or by position
    path: str
    time_name: str | None = None  # the time column, if one was given
    freq: str | None = None  # the dates' pandas frequency alias, if any
    notes: list = field(default_factory=list)

    @property
    def name(self):
        return self.data.name

    @property
    def values(self):
        return self.data.to_numpy()

    @property
    def index_name(self):
        """The index's column in the forecast: the time column, else ``step``."""
        return self.data.index.name


def read_series(path, column=None, time_column=None):
    """Read one numeric column (and optionally its times) from a CSV file."""
    frame = _read_csv(path)
    column = _choose_column(frame, path, column, time_column)
    return _series_of(frame, path, column, time_column)


def read_panel(path, id_column, column=None, time_column=None):
    """Read many series from a long CSV file: ``{id: Series}``, sorted by id.

    Each series is read as :func:`read_series` reads one; its notes and
    errors name it.
    """
    frame = _read_csv(path)
    if id_column not in frame.columns:
        listing = ", ".join(str(c) for c in frame.columns)
        raise UsageError(
            f"{path} has no column {id_column!r}; its columns are: {listing}. "
            "Name the series' id column with --id-column."
        )
    if time_column == id_column or column == id_column:
        raise UsageError("--id-column must differ from --column and --time-column.")
    column = _choose_column(frame.drop(columns=id_column), path, column, time_column)
    panel = {}
    for key, rows in frame.groupby(id_column, sort=True, dropna=True):
        try:
            series = _series_of(rows.reset_index(drop=True), path, column, time_column)
        except UsageError as error:
            raise UsageError(f"series {key!r}: {error}") from None
        series.notes = [f"series {key!r}: {text}" for text in series.notes]
        panel[key] = series
    if not panel:
        raise UsageError(f"{path} has no series: column {id_column!r} is blank.")
    return panel


def _series_of(frame, path, column, time_column):
    """The ``Series`` of ``column`` (with its times) of a frame read from ``path``."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {column!r} of {path} is not numeric: line {row + 2} holds "
            f"{frame[column].iloc[row]!r}; choose a numeric column with --column."
        )
    _check_finite(values, frame[column], column, path)
    series = Series(pd.Series(dtype=np.float64), path, time_column)
    times = None
    if time_column is not None:
        times = _parse_times(frame[time_column], time_column, path)
        values, times = _order_by_time(values, times, series)
    values, times = _trim_blank_ends(values, times, column, series)
    n_missing = int(values.isna().sum())
    if n_missing:
        series.notes.append(
            f"filled {n_missing} missing value(s) of {column!r} by linear interpolation"
        )
    index, grid = _index(times, len(values), series)
    values = values.set_axis(index).rename(column).reindex(grid)
    series.data = values.interpolate().astype(np.float64)
    return series


# --- reading ------------------------------------------------------------------------


def _read_csv(path):
    if os.path.isdir(path):
        raise UsageError(f"{path} is a folder; give the path of a CSV file.")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file; give the path of a CSV file.")
    try:
        return pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise UsageError(f"{path}: not a readable CSV file ({reason}).") from None


def _choose_column(frame, path, column, time_column):
    columns = [str(c) for c in frame.columns]
    listing = ", ".join(columns)
    for option, name in (("--column", column), ("--time-column", time_column)):
        if name is not None and name not in frame.columns:
            raise UsageError(
                f"{path} has no column {name!r}; its columns are: {listing}. "
                f"Name one with {option}."
            )
    if column is not None:
        return column
    numeric = [
        c
        for c in frame.columns
        if c != time_column and frame[c].dtype.kind in "iuf" and frame[c].notna().any()
    ]
    if len(numeric) != 1:
        raise UsageError(
            f"{path} has {len(numeric)} numeric columns besides the time column; "
            f"name the one to forecast with --column (columns: {listing})."
        )
    return numeric[0]


def _check_finite(values, raw, column, path):
    infinite = np.isinf(values.to_numpy(dtype=np.float64))
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        text = raw.iloc[row]
        text = repr(text) if isinstance(text, str) else str(float(text))
        raise UsageError(
            f"column {column!r} of {path} holds an infinite value: line {row + 2} "
            f"holds {text}; correct it, or leave it blank to have it interpolated."
        )


def _parse_times(raw, name, path):
    if raw.dtype.kind in "iuf":
        return pd.Index(
            raw.to_numpy(dtype=np.float64 if raw.dtype.kind == "f" else int)
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # format inference
        times = pd.to_datetime(raw, errors="coerce")
    bad = times.isna() & raw.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {name!r} of {path} does not hold dates or times: line "
            f"{row + 2} holds {raw.iloc[row]!r}; name the right one with "
            "--time-column, or leave it out."
        )
    return pd.DatetimeIndex(times)


def _order_by_time(values, times, series):
    keep = ~pd.isna(times)
    values, times = values[keep].reset_index(drop=True), times[keep]
    if not times.is_monotonic_increasing:
        order = np.argsort(times.to_numpy(), kind="stable")
        values, times = values.iloc[order].reset_index(drop=True), times[order]
        series.notes.append(f"sorted the rows by {series.time_name!r}")
    if times.has_duplicates:
        repeated = times[times.duplicated()][0]
        raise UsageError(
            f"column {series.time_name!r} of {series.path} repeats "
            f"{format_time(repeated)}; the series needs one row per time."
        )
    return values, times


def _trim_blank_ends(values, times, column, series):
    """Drop the rows before the first number and after the last, with a note."""
    keep = values.notna().to_numpy()
    if not keep.any():
        raise UsageError(f"column {column!r} of {series.path} holds no numbers.")
    first, last = np.flatnonzero(keep)[[0, -1]]
    if first > 0 or last < len(values) - 1:
        series.notes.append(
            f"dropped {first} row(s) at the start and {len(values) - 1 - last} "
            f"at the end where {column!r} is blank"
        )
    values = values.iloc[first : last + 1].reset_index(drop=True)
    return values, None if times is None else times[first : last + 1]


# --- the index: times at their frequency, else positions ----------------------------


def _index(times, n_values, series):
    """The series' index and the grid it is filled to: its times, else positions.

    Times with a frequency are the index, and the grid holds every time at
    that frequency (see ``_with_grid``). Sets ``series.freq`` for dates. The
    index is named after the time column, or ``step`` for positions.
    """
    name = series.time_name
    positions = pd.RangeIndex(n_values, name="step")
    if times is None:
        return positions, positions
    if isinstance(times, pd.DatetimeIndex):
        series.freq = _frequency(times)
        if series.freq is not None:
            # The grid's dates carry their frequency, which the series keeps.
            grid = pd.date_range(times[0], times[-1], freq=series.freq, name=name)
            at = f"at its frequency {series.freq}"
            return _with_grid(times.rename(name), grid, at, series)
        reason = "pandas infers no frequency from them"
    else:
        whole = np.asarray(times, dtype=np.float64)
        steps = np.diff(whole)
        step = np.gcd.reduce(steps.astype(np.int64)) if len(steps) else 1
        if not np.array_equal(whole, np.round(whole)):
            reason = "they are not whole numbers"
        elif (whole[-1] - whole[0]) / step >= 2 * len(whole):
            reason = "more than half of them would be missing at a common step"
        else:
            index = pd.Index(whole.astype(np.int64), name=name)
            grid = pd.Index(np.arange(index[0], index[-1] + step, step), name=name)
            return _with_grid(index, grid, f"at its step of {step}", series)
    series.notes.append(
        f"the forecast is numbered by position (step), not by {name!r}: "
        f"{reason}, so they cannot be continued"
    )
    return positions, positions


def _with_grid(index, grid, at, series):
    """``(index, grid)``, noting the times the grid adds (their values are NaN)."""
    missing = grid.difference(index)
    if len(missing):
        series.notes.append(
            f"{len(missing)} time(s) missing from {series.time_name!r} {at}, the "
            f"first {format_time(missing[0])}: added, their values filled by linear "
            "interpolation"
        )
    return index, grid


def _frequency(times):
    """The dates' frequency, even with some dates missing; None if none fits.

    The frequency pandas infers from the whole column or its last 25 dates;
    failing that, the one most stretches of 25 (then 7) consecutive dates
    have. It fits when every date lies on it and at most half are missing.
    """
    tried = {None}
    for freq in _candidate_frequencies(times):  # lazily: the first usually fits
        if freq not in tried:
            tried.add(freq)
            grid = pd.date_range(times[0], times[-1], freq=freq)
            if times.isin(grid).all() and len(grid) <= 2 * len(times):
                return freq
    return None


def _candidate_frequencies(times):
    yield infer_freq(times)
    for size in (25, 7):
        stride = max(1, (len(times) - size) // 500)
        found = Counter(
            infer_freq(times[start : start + size])
            for start in range(0, len(times) - size + 1, stride)
        )
        yield from (freq for freq, _ in found.most_common())


def format_time(value):
    if hasattr(value, "strftime"):
        has_clock = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value.strftime("%Y-%m-%d %H:%M:%S" if has_clock else "%Y-%m-%d")
    return f"{value:g}"
