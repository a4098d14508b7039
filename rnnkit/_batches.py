"""Feed Keras batches cut from windows on the fly: memory grows with the batch.

Windows from :func:`rnnkit.make_windows` are views of the series; converting
them to one scaled float32 array (and, for seq2seq, to per-step targets) would
cost ``n_steps`` times the series. ``WindowBatches`` gathers, scales and
converts one batch at a time instead, drawing only from the rows it is given
(the windows of a split with a positive weight), so a view over many series
glued together never has its straddling windows drawn, nor copied.
"""

import functools

import numpy as np


@functools.cache
def _batches_class(keras):
    class WindowBatches(keras.utils.PyDataset):
        """Batches ``transform(X[rows], Y[rows])``, reshuffled every epoch if seeded.

        ``rows`` are the windows drawn from (all of ``X`` when None), and
        ``weights``, if given, one weight per window of ``X``: each batch then
        carries its windows' weights as a column, ``(x, y, weights)``.
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
            self.rows = np.arange(len(X)) if rows is None else np.asarray(rows)
            self.weights = weights
            self._rng = (
                None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
            )
            self._order = self._new_order()

        def __len__(self):
            return -(-len(self.rows) // self.batch_size)

        def __getitem__(self, index):
            rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
            batch = self.transform(self.X[rows], self.Y[rows])
            if self.weights is None:
                return batch
            # A column, so that Keras weights a per-step loss (seq2seq's
            # (batch, n_steps)) by window too, not by step.
            return (*batch, self.weights[rows, np.newaxis])

        def on_epoch_end(self):
            self._order = None  # freed before the next is drawn
            self._order = self._new_order()

        def _new_order(self):
            if self._rng is None:
                return self.rows
            # The same order as permutation(len(rows)), in the rows' dtype.
            order = self._rng.permutation(
                np.arange(len(self.rows), dtype=self.rows.dtype)
            )
            # rows[order], gathered in place: each position reads its index
            # before writing it, so no second array of n_windows indices.
            return self.rows.take(order, out=order, mode="clip")

    return WindowBatches


def window_batches(
    keras, X, Y, transform, batch_size, shuffle_seed=None, *, rows=None, weights=None
):
    """A ``keras.utils.PyDataset`` of transformed batches of ``(X, Y)``.

    ``rows``: the windows to draw (all when None); ``weights``: one per window
    of ``X``, sent with each batch (none when None).
    """
    return _batches_class(keras)(
        X, Y, transform, batch_size, shuffle_seed, rows, weights
    )
