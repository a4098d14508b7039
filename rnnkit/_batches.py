"""Feed Keras batches cut from windows on the fly: memory grows with the batch.

Windows from :func:`rnnkit.make_windows` are views of the series; converting
them to one scaled float32 array (and, for seq2seq, to per-step targets) would
cost ``n_steps`` times the series. ``WindowBatches`` gathers, scales and
converts one batch at a time instead, drawing only from the rows it is given
(the windows of a split with a positive weight), so a view over many series
glued together never has its straddling windows drawn, nor copied. Those rows
are ``Rows``: runs of consecutive windows (one per series of a panel), not an
array of four bytes a window. Nor is a large fit's shuffled order such an array:
``KeyedPermutation`` computes each batch's positions from a few keys.
"""

import functools

import numpy as np

_CHUNK = 1 << 20
# Up to this many windows an epoch's shuffled order is an array of them (4 MB
# at most), as it always was: small fits give the numbers they gave before.
# Beyond, the array would cost half as much as the panel itself (4 bytes a
# window, 8 a value of the float64 series), and each batch's positions come
# from a KeyedPermutation.
MAX_ORDER_ARRAY = 1 << 20


def index_dtype(n_windows):
    """int32 row numbers when they fit: half the memory of int64, per window."""
    return np.int32 if n_windows < 2**31 else np.int64


class Rows:
    """Row numbers in increasing order, indexed like the array of them.

    ``rows[i]`` is a row; ``rows[a:b]`` and ``rows[positions]`` are arrays of
    rows. They are held as runs ``[starts[k], stops[k])`` of consecutive rows,
    or as the array itself where runs would take more memory (weights that
    leave out every other window).
    """

    def __init__(self, starts, stops, array=None):
        starts, stops = np.asarray(starts, np.int64), np.asarray(stops, np.int64)
        kept = stops > starts
        self.starts, self.stops, self.array = starts[kept], stops[kept], array
        lengths = self.stops - self.starts
        self._offsets = np.concatenate([[0], np.cumsum(lengths)])

    @classmethod
    def all(cls, n):
        """Rows ``0, ..., n - 1``."""
        return cls([0], [n])

    @classmethod
    def of_array(cls, rows):
        """Rows given as an increasing array of them."""
        return cls([], [], np.asarray(rows))

    @classmethod
    def of_mask(cls, mask):
        """The rows where ``mask`` is not 0, found a chunk at a time."""
        starts, stops = [], []
        for first in range(0, len(mask), _CHUNK):
            part = np.asarray(mask[first : first + _CHUNK] != 0, dtype=np.int8)
            edge = np.zeros(1, np.int8)  # keeps the differences int8
            edges = np.diff(part, prepend=edge, append=edge)
            starts.append(np.flatnonzero(edges == 1) + first)
            stops.append(np.flatnonzero(edges == -1) + first)
        starts, stops = np.concatenate(starts), np.concatenate(stops)
        # A run across a chunks' border is one run, not two that meet.
        meet = starts[1:] == stops[:-1]
        n_runs = len(starts)
        rows = cls(
            starts[np.r_[True, ~meet][:n_runs]], stops[np.r_[~meet, True][:n_runs]]
        )
        if 4 * len(rows.starts) <= len(rows):  # runs take 16 bytes each
            return rows
        dtype = index_dtype(len(mask))
        return cls.of_array(
            np.concatenate(
                [
                    np.flatnonzero(mask[first : first + _CHUNK]).astype(dtype) + first
                    for first in range(0, len(mask), _CHUNK)
                ]
            )
        )

    def __len__(self):
        return len(self.array) if self.array is not None else int(self._offsets[-1])

    def __getitem__(self, index):
        if self.array is not None:
            return self.array[index]
        if isinstance(index, slice):
            index = np.arange(*index.indices(len(self)))
        positions = np.asarray(index)
        run = np.searchsorted(self._offsets, positions, side="right") - 1
        rows = self.starts[run] + (positions - self._offsets[run])
        return rows if rows.ndim else int(rows)

    def split(self, n):
        """The first ``n`` rows and the others, as two ``Rows``."""
        if self.array is not None:
            return Rows.of_array(self.array[:n]), Rows.of_array(self.array[n:])
        cut = self[n] if n < len(self) else np.iinfo(np.int64).max
        head, tail = self.starts < cut, self.stops > cut
        return (
            Rows(self.starts[head], np.minimum(self.stops[head], cut)),
            Rows(np.maximum(self.starts[tail], cut), self.stops[tail]),
        )

    def total(self, values):
        """``values[rows].sum()``, without gathering them all."""
        if self.array is not None:
            return float(np.sum(values[self.array]))
        runs = zip(self.starts, self.stops, strict=True)
        return float(sum(np.sum(values[first:stop]) for first, stop in runs))


class KeyedPermutation:
    """A pseudo-random bijection of ``range(n)`` drawn from ``rng``, kept as keys.

    ``permutation[positions]`` maps positions (an array, or a slice of
    ``range(n)``) to theirs, so an epoch's order costs a few numbers, not an
    array of every window. A Feistel network on the smallest even number of
    bits that holds ``n`` permutes ``range(4 ** half)``: each round swaps the
    two halves, one of them mixed with a hash of the other and the round's
    key; a bijection whatever the hash. Values it sends to ``n`` or beyond are
    sent through it again ("cycle walking") until they fall below ``n``: they
    follow their cycle of the larger permutation, so the result is still a
    bijection, of ``range(n)``. Under 4 passes on average (``4 ** half < 4n``).
    """

    ROUNDS = 4

    def __init__(self, n, rng):
        self.n = n
        self.half = max(1, ((n - 1).bit_length() + 1) // 2)
        self.keys = rng.integers(0, 2**64, self.ROUNDS, dtype=np.uint64)

    def __getitem__(self, index):
        if isinstance(index, slice):
            index = np.arange(*index.indices(self.n))
        values = self._permuted(np.asarray(index, dtype=np.uint64))
        outside = np.flatnonzero(values >= self.n)
        while len(outside):
            values[outside] = self._permuted(values[outside])
            outside = outside[values[outside] >= self.n]
        return values.astype(np.int64)

    def _permuted(self, values):
        half, mask = np.uint64(self.half), np.uint64((1 << self.half) - 1)
        left, right = values >> half, values & mask
        for key in self.keys:
            left, right = right, left ^ (_mixed(right ^ key) & mask)
        return (left << half) | right


def _mixed(values):
    """SplitMix64's finaliser: every bit of the result depends on every input bit."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


@functools.cache
def _batches_class(keras):
    class WindowBatches(keras.utils.PyDataset):
        """Batches ``transform(X[rows], Y[rows])``, reshuffled every epoch if seeded.

        ``rows`` (``Rows``, or an increasing array) are the windows drawn from
        (all of ``X`` when None), and ``weights``, if given, one weight per
        window of ``X``: each batch then carries its windows' weights as a
        column, ``(x, y, weights)``.
        """

        def __init__(
            self,
            X,
            Y,
            transform,
            batch_size,
            shuffle_seed=None,
            rows=None,
            weights=None,
        ):
            super().__init__()
            self.X, self.Y, self.transform = X, Y, transform
            self.batch_size = batch_size
            if rows is None:
                rows = Rows.all(len(X))
            self.rows = rows if isinstance(rows, Rows) else Rows.of_array(rows)
            self.weights = weights
            self._rng = (
                None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
            )
            self._order = self._new_order()

        def __len__(self):
            return -(-len(self.rows) // self.batch_size)

        def __getitem__(self, index):
            rows = self.rows[self._positions(index)]
            batch = self.transform(self.X[rows], self.Y[rows])
            if self.weights is None:
                return batch
            # A column, so that Keras weights a per-step loss (seq2seq's
            # (batch, n_steps)) by window too, not by step.
            return (*batch, self.weights[rows, np.newaxis])

        def _positions(self, index):
            """The positions in ``rows`` of batch ``index``.

            Drawn from a ``KeyedPermutation``, every batch is full: the last
            is topped up with the epoch's first windows (a few hundred of
            millions drawn twice), so Keras compiles one training step, not a
            second for a shorter last batch: seconds, and some 10 MB at the
            end of the fit (measured on JAX).
            """
            first = index * self.batch_size
            batch = slice(first, first + self.batch_size)
            if self._order is None:
                return batch
            n = len(self.rows)
            if isinstance(self._order, KeyedPermutation) and n >= self.batch_size:
                return self._order[np.arange(batch.start, batch.stop) % n]
            return self._order[batch]

        def on_epoch_end(self):
            self._order = None  # freed before the next is drawn
            self._order = self._new_order()

        def _new_order(self):
            """Positions in ``rows``, shuffled (None: in order).

            An array up to ``MAX_ORDER_ARRAY`` windows, shuffled in place, as
            ``permutation(len(rows))`` shuffles its copy: the same order,
            without a second array of every window. Beyond, a
            ``KeyedPermutation``, indexed like it.
            """
            if self._rng is None:
                return None
            if len(self.rows) > MAX_ORDER_ARRAY:
                return KeyedPermutation(len(self.rows), self._rng)
            order = np.arange(len(self.rows), dtype=index_dtype(len(self.rows)))
            self._rng.shuffle(order)
            return order

    return WindowBatches


def window_batches(
    keras, X, Y, transform, batch_size, shuffle_seed=None, *, rows=None, weights=None
):
    """A ``keras.utils.PyDataset`` of transformed batches of ``(X, Y)``.

    ``rows``: the windows to draw (``Rows`` or an increasing array; all when
    None); ``weights``: one per window of ``X``, sent with each batch (none
    when None).
    """
    return _batches_class(keras)(
        X, Y, transform, batch_size, shuffle_seed, rows, weights
    )
