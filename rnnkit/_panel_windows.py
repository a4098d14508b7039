"""A panel's windows for a network, made a batch at a time from the caller's series.

Pooled into one array, a panel's windows would need its series concatenated,
scaled, into a buffer of their own: a copy of the panel (half of it in
float32). ``PanelWindows`` keeps the series as they came (views of the
caller's float64 values) with each one's level and spread, and cuts, scales
and converts only the windows it is indexed with: a training batch, a chunk
of the scaling's statistics. Its rows are the windows within each series,
series after series, so none straddles two series and no mask is needed to
leave such windows out.
"""

import numpy as np

from ._panel import PooledWindows

PARTS = ("inputs", "targets", "target")


class PanelWindows:
    """Windows of many series, or their targets, made when indexed.

    Enough of an array for the neural forecasters' ``fit``: ``shape``,
    ``ndim``, ``dtype``, ``len``, indexing by rows (an int, a slice or an array
    of them) then the other axes (``windows[rows, :, k]``), and
    ``reshape(n, -1)``. ``part`` is ``"inputs"``, ``(n, n_steps, 1 + n_exog +
    k)``: ``(values - level) / spread`` of a window, then its series'
    covariates ``exog`` led by ``horizon`` steps (unscaled, as
    ``PooledWindows`` lays them out), then its series' ``identity`` row at
    every step; ``"targets"``, ``(n, horizon)``: the scaled values that follow
    it; or ``"target"``, ``(n,)``, the same for a horizon of 1.

    The rows are runs of consecutive windows: run ``r`` holds
    ``offsets[r + 1] - offsets[r]`` windows of series ``run_series[r]``, the
    first starting at value ``run_starts[r]`` of it.
    """

    def __init__(self, series, scales, features, n_steps, horizon, dtype, runs, part):
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}. Got {part!r}.")
        self.series, self.scales = series, scales
        self.exog, self.identity = features
        self.n_steps, self.horizon, self.dtype = n_steps, horizon, np.dtype(dtype)
        self.run_series, self.run_starts, self.offsets = runs
        self.part = part

    @classmethod
    def of(
        cls,
        series,
        levels,
        spreads,
        n_steps,
        horizon,
        identity=None,
        dtype=None,
        exog=None,
    ):
        """Every window of ``series`` (scaled by their ``levels`` and
        ``spreads``), with ``spans`` as ``PooledWindows`` has them: ``X``,
        ``Y`` and each series' rows. ``identity``, ``exog``: see
        ``PooledWindows.of``; each series' covariates are kept as given
        (views of the caller's), cut when a window is made."""
        counts = np.array([len(values) - n_steps - horizon + 1 for values in series])
        offsets = np.concatenate([[0], np.cumsum(counts)])
        runs = (np.arange(len(series)), np.zeros(len(series), np.int64), offsets)
        scales = (np.asarray(levels, np.float64), np.asarray(spreads, np.float64))
        features = (exog, identity)
        inputs = cls(series, scales, features, n_steps, horizon, dtype, runs, "inputs")
        spans = list(zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True))
        return PooledWindows(inputs, inputs.with_part("targets"), spans)

    def within(self, spans):
        """The inputs and targets of the rows ``spans``, ``(first, stop)`` each
        within one series, as ``PanelWindows``: targets 1-D for a horizon of 1,
        as the window forecasters take them."""
        firsts = np.array([first for first, _ in spans], np.int64)
        stops = np.array([stop for _, stop in spans], np.int64)
        run = np.searchsorted(self.offsets, firsts, side="right") - 1
        runs = (
            self.run_series[run],
            self.run_starts[run] + firsts - self.offsets[run],
            np.concatenate([[0], np.cumsum(stops - firsts)]),
        )
        inputs = self._like(runs, "inputs")
        targets = inputs.with_part("target" if self.horizon == 1 else "targets")
        return inputs, targets

    def with_part(self, part):
        """The same rows, as ``part``."""
        return self._like((self.run_series, self.run_starts, self.offsets), part)

    def _like(self, runs, part):
        return PanelWindows(
            self.series,
            self.scales,
            (self.exog, self.identity),
            self.n_steps,
            self.horizon,
            self.dtype,
            runs,
            part,
        )

    @property
    def shape(self):
        n = int(self.offsets[-1])
        if self.part == "inputs":
            return (n, self.n_steps, 1 + self._n_exog + self._n_identity)
        return (n, self.horizon) if self.part == "targets" else (n,)

    @property
    def _n_exog(self):
        return 0 if self.exog is None else self.exog[0].shape[1]

    @property
    def _n_identity(self):
        return 0 if self.identity is None else self.identity.shape[1]

    @property
    def ndim(self):
        return len(self.shape)

    def __len__(self):
        return self.shape[0]

    def reshape(self, *shape):
        """``reshape(len(self), -1)``: targets as ``(n, horizon)``."""
        if shape != (len(self), -1):
            raise ValueError(f"PanelWindows reshape to (n, -1) only. Got {shape}.")
        return self if self.part == "inputs" else self.with_part("targets")

    def __getitem__(self, key):
        rows, rest = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
        if isinstance(rows, slice):
            rows = np.arange(*rows.indices(len(self)))
        one = np.ndim(rows) == 0
        windows = self._made(np.atleast_1d(np.asarray(rows, np.int64)))
        if one:
            return windows[0][rest]
        return windows[(slice(None), *rest)]

    def _made(self, rows):
        """The windows ``rows``, cut, scaled and converted: ``part`` of them."""
        if len(rows) and not (0 <= rows.min() and rows.max() < len(self)):
            raise IndexError(f"rows out of range for {len(self)} windows")
        run = np.searchsorted(self.offsets, rows, side="right") - 1
        which = self.run_series[run]
        starts = self.run_starts[run] + rows - self.offsets[run]
        span = self.n_steps + self.horizon
        values = np.empty((len(rows), span))
        inputs = self.part == "inputs"
        if inputs:
            windows = np.empty((len(rows), *self.shape[1:]), self.dtype)
            covariates = windows[:, :, 1 : 1 + self._n_exog]
        for k, (i, start) in enumerate(
            zip(which.tolist(), starts.tolist(), strict=True)
        ):
            values[k] = self.series[i][start : start + span]
            if inputs and self.exog is not None:  # led as PooledWindows leads them
                led = start + self.horizon
                covariates[k] = self.exog[i][led : led + self.n_steps]
        levels, spreads = self.scales
        # As PooledWindows scales its buffer: in float64, then converted.
        scaled = ((values - levels[which, None]) / spreads[which, None]).astype(
            self.dtype
        )
        # Contiguous, as a gathered array is: a reduction over a window's steps
        # (its mean) adds in memory order, and another order rounds otherwise.
        if self.part == "targets":
            return np.ascontiguousarray(scaled[:, self.n_steps :])
        if self.part == "target":
            return np.ascontiguousarray(scaled[:, self.n_steps])
        windows[:, :, 0] = scaled[:, : self.n_steps]
        if self.identity is not None:
            windows[:, :, 1 + self._n_exog :] = self.identity[which, np.newaxis, :]
        return windows
