"""A panel's covariates: ``exog`` in the layout of ``y``, read series by series.

What ``fit`` takes mirrors ``y``. Beside a long ``y``: a long frame of its id
and time columns and the covariate columns, one row per row of ``y`` in any
order, matched by id and time. Beside a dict: a dict by series id, each entry
one row per value of that series. Beside a wide frame: an array shared by
every column, one row per row of the frame, or a dict by column as for a dict.
What ``predict`` takes mirrors what it returns: each series' next ``horizon``
rows, in the same layouts. Either way each series' covariates come out as a
float64 ``(n_rows, n_exog)`` array, in the panel's order of series: a view of
the caller's array where it is float64 already (a dict's, a shared array's
rows), slices of one sorted copy for a long frame.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ._panel import present_rows, sort_long, wide_column
from ._series_data import read_exog


@dataclass
class Rows:
    """The covariate rows a panel's series need: ``lengths[i]`` rows for series
    ``ids[i]``, at the times ``indexes[i]`` (a pandas index, or None).

    At fit, one per value of each series; with ``future``, at predict, one per
    forecast step, and ``n_exog`` and ``names`` (a long frame's covariate
    columns) are what fit had.
    """

    ids: list
    lengths: list
    indexes: list
    future: bool = False
    n_exog: int | None = None
    names: list | None = None

    def read(self, exog, i, argument, target):
        """``exog`` read as the covariates of series ``i``, whose values are
        ``target`` (in messages)."""
        if self.future:
            return read_exog(exog, self.lengths[i], argument, rows="forecast step")
        return read_exog(
            exog, self.lengths[i], argument, self.indexes[i], target=target
        )

    def lacking(self, key, expected):
        """The error for a series ``exog`` lacks; ``expected`` says what it
        should have held."""
        if self.future:
            return ValueError(
                f"exog lacks series {key!r}; predict needs the covariates of each "
                f"fitted series' next {self.lengths[0]} steps, {expected}."
            )
        return ValueError(f"exog lacks series {key!r} of y; expected {expected}.")


def read_panel_exog(exog, y, panel, *, id_column, time_column):
    """``panel`` with the covariates ``fit``'s ``exog`` gives each series."""
    if exog is None:
        return panel
    need = Rows(panel.ids, [len(values) for values in panel.values], panel.indexes)
    names = None
    if panel.layout == "series":
        rows, arguments = [need.read(exog, 0, "exog", "y")], ["exog"]
    elif panel.layout == "long":
        timed = time_column in y.columns
        rows, arguments, names = _long(exog, need, id_column, time_column, timed)
    elif isinstance(exog, dict):
        rows, arguments = _by_key(exog, need)
    elif panel.layout == "wide":
        rows, arguments = _shared_by_columns(exog, y, panel)
    else:
        raise _not_a_dict(exog, need)
    _check_widths(rows, arguments, None)
    return replace(panel, exog=rows, exog_names=names)


def read_future_exog(
    exog, layout, ids, indexes, *, names, n_exog, id_column, time_column
):
    """Each series' covariates of its forecast steps, ``(n_series, horizon,
    n_exog)``: ``exog`` of predict, in the ``layout`` of fit's ``y``, for the
    series ``ids`` forecast at the times ``indexes``; ``names`` and
    ``n_exog`` are fit's covariate columns."""
    lengths = [len(index) for index in indexes]
    need = Rows(ids, lengths, indexes, future=True, n_exog=n_exog, names=names)
    if layout == "series":
        rows, arguments = [need.read(exog, 0, "exog", "y")], ["exog"]
    elif layout == "long":
        rows, arguments, _ = _long(exog, need, id_column, time_column, timed=True)
    elif isinstance(exog, dict):
        rows, arguments = _by_key(exog, need)
    elif layout == "wide":
        rows, arguments = _shared_by_steps(exog, need)
    else:
        raise _not_a_dict(exog, need)
    _check_widths(rows, arguments, need.n_exog)
    return np.stack(rows)


def _by_key(exog, need):
    """A dict's covariates, each series' its own entry's; at fit, the entries
    must be y's series (at predict, others, such as series too short to fit,
    are ignored)."""
    expected = "one entry per series" + ("" if need.future else " of y")
    for key in need.ids:
        if key not in exog:
            raise need.lacking(key, expected)
    if not need.future and len(exog) > len(need.ids):
        known = set(need.ids)
        extra = next(key for key in exog if key not in known)
        raise ValueError(
            f"exog has series {extra!r}, which y lacks; expected {expected}."
        )
    arguments = [f"exog[{key!r}]" for key in need.ids]
    rows = [
        need.read(exog[key], i, argument, f"y[{key!r}]")
        for i, (key, argument) in enumerate(zip(need.ids, arguments, strict=True))
    ]
    return rows, arguments


def _shared_by_columns(exog, y, panel):
    """Covariates shared by a wide frame's columns, one row per row of the
    frame: each series takes the rows from its first to its last value."""
    shared = read_exog(exog, len(y), "exog", y.index, rows="row of y")
    rows = []
    for key in panel.ids:
        first, stop = present_rows(wide_column(y, key), key)
        rows.append(shared[first:stop])
    return rows, ["exog"] * len(rows)


def _shared_by_steps(exog, need):
    """Covariates of the forecast steps shared by a wide frame's columns: the
    rows after the frame's end, so every series must end there."""
    starts = [index[0] for index in need.indexes]
    latest = max(starts)
    for key, start in zip(need.ids, starts, strict=True):
        if start != latest:
            raise ValueError(
                "exog shared by every series holds the covariates of the "
                f"{need.lengths[0]} steps from {latest}, after y's last row, but "
                f"series {key!r} ends earlier (its forecast starts on {start}); "
                "pass exog as a dict by column, each series' next "
                f"{need.lengths[0]} rows."
            )
    shared = need.read(exog, 0, "exog", "y")
    return [shared] * len(need.ids), ["exog"] * len(need.ids)


def _long(exog, need, id_column, time_column, timed):
    """A long frame's covariates, one row per series and time (in each
    series' order of rows, when y has no ``time_column``: not ``timed``); the
    rows of each series in ``need``, their arguments, and the covariate
    columns' names."""
    keys = [id_column, time_column] if timed else [id_column]
    names = _covariate_columns(exog, keys, need, time_column, timed)
    frame, runs, times = sort_long(exog, id_column, time_column, names, "exog")
    values = frame[names].to_numpy(np.float64)
    expected = (
        "one row per step, at the times predict returns"
        if need.future
        else "one row per row of y"
    )
    rows, arguments = [], []
    for i, key in enumerate(need.ids):
        if key not in runs:
            raise need.lacking(key, expected)
        start, end = runs[key]
        if timed:
            _match_times(times[start:end], need, i, keys, expected)
        elif end - start != need.lengths[i]:
            raise ValueError(
                f"exog has {end - start} rows of series {key!r}, y "
                f"{need.lengths[i]}; expected one row per row of y, in its order."
            )
        arguments.append(f"exog[{id_column} == {key!r}]")
        rows.append(need.read(values[start:end], i, arguments[-1], "y"))
    if not need.future and len(runs) > len(need.ids):
        known = set(need.ids)
        extra = next(key for key in runs if key not in known)
        raise ValueError(
            f"exog has rows of series {extra!r}, which y lacks; expected {expected}."
        )
    return rows, arguments, names


def _covariate_columns(exog, keys, need, time_column, timed):
    """The covariate columns of a long ``exog``: all but the ``keys`` (at
    predict, fit's, in fit's order); clear errors for what does not fit."""
    what = ", ".join(repr(key) for key in keys)
    if not isinstance(exog, pd.DataFrame):
        raise ValueError(
            f"exog must be a long DataFrame with columns {what} and the "
            f"covariates, {_as_y(need)}. Got {type(exog).__name__}."
        )
    if exog.columns.has_duplicates:
        raise ValueError("exog's columns repeat a name; expected one per covariate.")
    lacking = [key for key in keys if key not in exog.columns]
    if lacking:
        raise ValueError(
            f"exog lacks the column {lacking[0]!r}; expected columns {what} and "
            "the covariates, as y has."
        )
    names = [name for name in exog.columns if name not in keys]
    if not timed and time_column in names:
        raise ValueError(
            f"exog has a {time_column!r} column, but y has none; its rows are "
            "each series' in y's order. Drop it, or give y its times too."
        )
    if need.names is not None:
        if sorted(map(str, names)) != sorted(map(str, need.names)):
            raise ValueError(
                f"exog's covariate columns must be fit's, {need.names}. Got {names}."
            )
        names = need.names
    elif not names:
        raise ValueError(
            f"exog has only the columns {what}; expected the covariates beside them."
        )
    for name in names:
        if not pd.api.types.is_numeric_dtype(exog[name]):
            raise ValueError(
                f"exog's column {name!r} must hold numbers; encode categories "
                f"first (e.g. pandas.get_dummies). Got values of dtype "
                f"{exog[name].dtype}."
            )
    return names


def _match_times(times, need, i, keys, expected):
    """Series ``i``'s times in ``exog`` are those ``need``ed; else an error
    naming one (id, time) pair one side lacks."""
    wanted = need.indexes[i]
    if times.equals(wanted):
        return
    lacking = wanted.difference(times)
    key = need.ids[i]
    pair = f"({keys[0]}, {keys[1]}) = ({key!r}, "
    where = "the forecast" if need.future else "y"
    if len(lacking):
        raise ValueError(
            f"exog lacks the row {pair}{lacking[0]!r}) of {where}; expected {expected}."
        )
    extra = times.difference(wanted)[0]
    raise ValueError(
        f"exog has a row {pair}{extra!r}), which {where} lacks; expected {expected}."
    )


def _check_widths(rows, arguments, n_exog):
    """Every series has the same covariates: ``n_exog`` columns (fit's, at
    predict), or the first series' at fit."""
    expected = rows[0].shape[1] if n_exog is None else n_exog
    like = f"{arguments[0]} has" if n_exog is None else "in fit"
    for values, argument in zip(rows, arguments, strict=True):
        if values.shape[1] != expected:
            raise ValueError(
                f"{argument} must have {expected} column(s), as {like}. Got "
                f"{values.shape[1]}."
            )


def _not_a_dict(exog, need):
    return ValueError(
        f"exog must be a dict of each series' covariates by series id, "
        f"{_as_y(need)}. Got {type(exog).__name__}."
    )


def _as_y(need):
    return "as fit's y was" if need.future else "as y is"
