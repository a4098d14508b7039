"""Reading ``rnnkit forecast``'s series from a CSV file, and continuing its times."""

import os
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._common import UsageError

# Season length by pandas frequency alias (without its anchor, such as -DEC).
SEASONS = {
    **dict.fromkeys(("MS", "ME", "M", "BMS", "BME", "BM"), 12),
    **dict.fromkeys(("QS", "QE", "Q", "BQS", "BQE", "BQ"), 4),
    "W": 52,
    "D": 7,
    **dict.fromkeys(("h", "H"), 24),
    "B": 5,
}


@dataclass
class Series:
    values: np.ndarray
    name: str
    path: str
    times: object = None  # a pandas DatetimeIndex, a numeric array, or None
    time_name: str | None = None
    notes: list = field(default_factory=list)


def read_series(path, column=None, time_column=None):
    """Read one numeric column (and optionally its times) from a CSV file."""
    pd = import_pandas()
    if os.path.isdir(path):
        raise UsageError(f"{path} is a folder; give the path of a CSV file.")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file; give the path of a CSV file.")
    try:
        frame = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise UsageError(f"{path}: not a readable CSV file ({reason}).") from None
    column = _choose_column(frame, path, column, time_column)
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {column!r} of {path} is not numeric: line {row + 2} holds "
            f"{frame[column].iloc[row]!r}; choose a numeric column with --column."
        )
    _check_finite(values, frame[column], column, path)
    series = Series(values=None, name=column, path=path, time_name=time_column)
    if time_column is not None:
        times = _parse_times(frame[time_column], time_column, path)
        values, times = _order_by_time(values, times, series)
    else:
        times = None
    keep = values.notna().to_numpy()
    if not keep.any():
        raise UsageError(f"column {column!r} of {path} holds no numbers.")
    first, last = np.flatnonzero(keep)[[0, -1]]
    if first > 0 or last < len(values) - 1:
        series.notes.append(
            f"dropped {first} row(s) at the start and {len(values) - 1 - last} "
            f"at the end where {column!r} is blank"
        )
    values = values.iloc[first : last + 1]
    n_missing = int(values.isna().sum())
    if n_missing:
        values = values.interpolate()
        series.notes.append(
            f"filled {n_missing} missing value(s) of {column!r} by linear interpolation"
        )
    series.values = values.to_numpy(dtype=np.float64)
    series.times = None if times is None else times[first : last + 1]
    if series.times is not None:
        series.notes += _gap_notes(series.times, time_column)
    return series


def season_of(freq):
    """The season length of a pandas frequency alias, or None (yearly, unknown)."""
    if freq is None:
        return None
    pd = import_pandas()
    offset = pd.tseries.frequencies.to_offset(freq)
    if offset.n != 1:
        return None
    return SEASONS.get(offset.rule_code.split("-")[0])


# --- reading ------------------------------------------------------------------------


def import_pandas():
    try:
        import pandas
    except ImportError:
        from .._install import install_extra

        raise UsageError(
            "rnnkit forecast reads CSV files with pandas, which is not installed: "
            f"{install_extra('forecast')}."
        ) from None
    return pandas


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


def _gap_notes(times, name):
    """A note when the times skip steps: the models take the rows as evenly spaced."""
    pd = import_pandas()
    if len(times) < 3:
        return []
    if isinstance(times, pd.DatetimeIndex):
        freq = infer_freq(times)
        if freq is not None:
            expected = pd.date_range(times[0], times[-1], freq=freq)
            missing = expected.difference(times)
            if len(missing) == 0:
                return []
            return [
                f"{len(missing)} time(s) missing from {name!r} at its frequency "
                f"{freq}, the first {format_time(missing[0])}; the rows are "
                "used as if evenly spaced"
            ]
        steps = np.diff(times.asi8)
    else:
        steps = np.diff(np.asarray(times, dtype=np.float64))
    step = np.median(steps)
    gaps = np.flatnonzero(steps > 1.5 * step)
    if len(gaps) == 0:
        return []
    return [
        f"{len(gaps)} gap(s) in {name!r} longer than its usual step, the first "
        f"after {format_time(times[gaps[0]])}; the rows are used as if evenly "
        "spaced"
    ]


def _parse_times(raw, name, path):
    pd = import_pandas()
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
    pd = import_pandas()
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


# --- the forecast's times -----------------------------------------------------------


def next_times(times, horizon):
    """The next ``horizon`` times, and the pandas frequency alias if one fits."""
    if times is None:
        return None, None
    pd = import_pandas()
    if not isinstance(times, pd.DatetimeIndex):
        values = np.asarray(times)
        step_size = np.median(np.diff(values)) if len(values) > 1 else 1
        if values.dtype.kind in "iu" and float(step_size).is_integer():
            step_size = int(step_size)  # years stay whole years
        return values[-1] + step_size * np.arange(1, horizon + 1), None
    freq = infer_freq(times)
    if freq is not None:
        return pd.date_range(times[-1], periods=horizon + 1, freq=freq)[1:], freq
    step_size = pd.Series(times).diff().median()
    return times[-1] + step_size * np.arange(1, horizon + 1), None


def infer_freq(times):
    pd = import_pandas()
    # The whole index first; then its recent end, in case of an early gap.
    for part in (times, times[-25:]):
        if len(part) >= 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                freq = pd.infer_freq(part)
            if freq is not None:
                return freq
    return None


def format_time(value):
    if hasattr(value, "strftime"):
        has_clock = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value.strftime("%Y-%m-%d %H:%M:%S" if has_clock else "%Y-%m-%d")
    return f"{value:g}"
