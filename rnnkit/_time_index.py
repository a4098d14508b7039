"""A series' time axis: what it is, and how to continue it past the last value.

``TimeAxis`` remembers just enough of a pandas index (its kind, frequency,
last value and step) to name the times after the series ends, and to save and
load that as JSON. A NumPy input has no axis: forecasts come back as arrays.
"""

import functools
import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

KINDS = ("datetime", "period", "range", "integer")

# Season length by pandas frequency alias (without its anchor, such as -DEC).
SEASONS = {
    **dict.fromkeys(("MS", "ME", "M", "BMS", "BME", "BM"), 12),
    **dict.fromkeys(("QS", "QE", "Q", "BQS", "BQE", "BQ"), 4),
    "W": 52,
    "D": 7,
    **dict.fromkeys(("h", "H"), 24),
    "B": 5,
}


@dataclass(frozen=True)
class TimeAxis:
    """How a pandas series' index continues.

    ``kind`` is ``"datetime"``, ``"period"`` (then ``freq`` is a pandas
    frequency alias and ``last`` the last time as ISO text), ``"range"`` or
    ``"integer"`` (then ``last`` and ``step`` are ints).
    """

    kind: str
    last: str | int
    freq: str | None = None
    step: int = 1
    name: str | None = None

    @classmethod
    def of(cls, index, argument="y"):
        """The axis of a pandas index; a clear ``ValueError`` if it cannot continue."""
        name = None if index.name is None else str(index.name)
        if isinstance(index, pd.DatetimeIndex):
            freq = index.freqstr or _freq_of_whole(index)
            if freq is None:
                raise ValueError(
                    f"{argument}'s dates have no frequency pandas can infer "
                    f"(from {index[0]} to {index[-1]}, {len(index)} values); "
                    f"expected evenly spaced dates: set one with "
                    f"{argument}.asfreq('MS') (say), which also shows the gaps."
                )
            return cls("datetime", index[-1].isoformat(), freq, 1, name)
        if isinstance(index, pd.PeriodIndex):
            if not (np.diff(index.asi8) == 1).all():
                raise ValueError(
                    f"{argument}'s periods skip some {index.freqstr} periods; "
                    "expected one value per period."
                )
            return cls("period", str(index[-1]), index.freqstr, 1, name)
        if isinstance(index, pd.RangeIndex):
            return cls("range", int(index[-1]), None, int(index.step), name)
        if index.dtype.kind in "iu":
            steps = np.unique(np.diff(index.to_numpy()))
            if len(index) > 1 and (len(steps) != 1 or steps[0] <= 0):
                raise ValueError(
                    f"{argument}'s integer index is not evenly spaced and "
                    "increasing; expected positions such as years 1901, 1902, ..."
                )
            step = int(steps[0]) if len(index) > 1 else 1
            return cls("integer", int(index[-1]), None, step, name)
        raise ValueError(
            f"{argument} has an index of {type(index).__name__} "
            f"({index.dtype}); expected dates (a DatetimeIndex or PeriodIndex), "
            "or evenly spaced integers."
        )

    def following(self, n):
        """The ``n`` index values after the last one, as a pandas Index.

        Cached: the series of a panel usually end together, and an Index is
        immutable, so they share one.
        """
        return _following(self, n)

    def _following(self, n):
        if self.kind == "datetime":
            last = pd.Timestamp(self.last)
            index = pd.date_range(last, periods=n + 1, freq=self.freq)[1:]
        elif self.kind == "period":
            first = pd.Period(self.last, freq=self.freq) + 1
            index = pd.period_range(first, periods=n, freq=self.freq)
        elif self.kind == "range":
            start = self.last + self.step
            index = pd.RangeIndex(start, start + n * self.step, self.step)
        else:
            index = pd.Index(self.last + self.step * np.arange(1, n + 1))
        return index.rename(self.name)

    @property
    def season(self):
        """The season length the frequency implies (12 for monthly), else None."""
        return season_of(self.freq)

    def to_state(self):
        return asdict(self)

    @classmethod
    def from_state(cls, state):
        """The axis ``to_state`` described, checking every value."""
        if not isinstance(state, dict) or set(state) != set(cls.__dataclass_fields__):
            raise ValueError("the time axis must be a dict of its fields")
        kind, last, freq, step, name = (state[key] for key in cls.__dataclass_fields__)
        if kind not in KINDS:
            raise ValueError(f"the time axis kind must be one of {KINDS}")
        if type(step) is not int or step <= 0:
            raise ValueError("the time axis step must be a positive int")
        if name is not None and not isinstance(name, str):
            raise ValueError("the time axis name must be a str or None")
        axis = cls(kind, last, freq, step, name)
        try:
            axis.following(1)  # parses last and freq
        except (TypeError, ValueError, OverflowError) as error:
            raise ValueError(f"the time axis does not continue: {error}") from None
        return axis


@functools.lru_cache(maxsize=256)
def _following(axis, n):
    return axis._following(n)


def _freq_of_whole(times):
    """The frequency every step of ``times`` follows, or None (gaps, too short)."""
    if len(times) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.infer_freq(times)


def infer_freq(times):
    """The frequency of the whole index, else of its recent end; None if neither.

    Lenient, for messages about dates with an early gap; ``TimeAxis.of`` wants
    the whole index evenly spaced.
    """
    return _freq_of_whole(times) or _freq_of_whole(times[-25:])


def season_of(freq):
    """The season length of a pandas frequency alias, or None (yearly, unknown)."""
    if freq is None:
        return None
    offset = _offset_of(freq)
    if offset.n != 1:
        return None
    return SEASONS.get(offset.rule_code.split("-")[0])


def _offset_of(freq):
    """The offset of a date or period alias (pandas 3 keeps Q-DEC for periods only)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        return pd.PeriodDtype(freq).freq
