"""Feed Keras batches cut from windows on the fly: memory grows with the batch.

Windows from :func:`rnnkit.make_windows` are views of the series; converting
them to one scaled float32 array (and, for seq2seq, to per-step targets) would
cost ``n_steps`` times the series. ``WindowBatches`` gathers, scales and
converts one batch at a time instead.
"""

import functools

import numpy as np


@functools.cache
def _batches_class(keras):
    class WindowBatches(keras.utils.PyDataset):
        """Batches ``transform(X[rows], Y[rows])``, reshuffled every epoch if seeded."""

        def __init__(self, X, Y, transform, batch_size, shuffle_seed=None):
            super().__init__()
            self.X, self.Y, self.transform = X, Y, transform
            self.batch_size = batch_size
            self._rng = (
                None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
            )
            self._order = self._new_order()

        def __len__(self):
            return -(-len(self.X) // self.batch_size)

        def __getitem__(self, index):
            rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
            return self.transform(self.X[rows], self.Y[rows])

        def on_epoch_end(self):
            self._order = self._new_order()

        def _new_order(self):
            if self._rng is None:
                return np.arange(len(self.X))
            return self._rng.permutation(len(self.X))

    return WindowBatches


def window_batches(keras, X, Y, transform, batch_size, shuffle_seed=None):
    """A ``keras.utils.PyDataset`` of transformed batches of ``(X, Y)``."""
    return _batches_class(keras)(X, Y, transform, batch_size, shuffle_seed)
