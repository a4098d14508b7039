"""What every neural forecaster shares: parameters, training, fast prediction."""

import contextlib
import random
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ._backends import (
    predict_jit_compile,
    set_random_seed,
    training_jit_compile,
    training_steps_per_execution,
)
from ._base import BaseForecaster
from ._batches import Rows, window_batches
from ._cells import recurrent_layers
from ._install import install_command
from ._keras import import_keras, quiet_keras_calls
from ._scaling import WINDOW_RELATIVE, WindowScaling
from ._sklearn_compat import Interval, StrOptions
from .plugins import resolve_cell

OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "nadam": "Nadam",
    "rmsprop": "RMSprop",
    "sgd": "SGD",
}
LOSSES = {"mse", "mae", "huber", "log_cosh"}
# predict runs the network on blocks of exactly this many windows (the last
# block padded): float32 kernels round differently for different batch shapes,
# and a window's forecast must not depend on which other windows came with it.
# 64 keeps a one-window forecast at a few milliseconds.
PREDICT_BLOCK = 64
# epochs="auto": enough passes for about AUTO_MIN_UPDATES optimizer steps,
# between AUTO_MIN_EPOCHS and the class's _auto_max_epochs. A series of a few
# hundred values gives a few batches per pass and needs more passes, but not
# so many that the network learns its noise; the seed chapter's 7,000 windows
# train in AUTO_MIN_EPOCHS.
AUTO_MIN_EPOCHS, AUTO_MIN_UPDATES = 20, 500


class BaseNeuralForecaster(BaseForecaster):
    """Shared training loop of ``RNNForecaster`` and ``Seq2SeqForecaster``.

    Subclasses build the network (``_build_network``), say what it is trained
    against (``_training_targets`` and ``_loss``) and how its output becomes a
    forecast (``_forecast``).
    """

    # Windows stay as given (float64 views are not copied to float32 here):
    # batches are converted one at a time while training and predicting.
    _input_dtype = (np.float32, np.float64)
    _target_index = 0
    # fit(**fit_params) hides _fit's `callbacks` from scikit-learn's metadata
    # routing; declared here (sample_weight in the base), and
    # set_fit_request(callbacks=True) routes it.
    __metadata_request__fit = {"callbacks": None}
    # Most passes epochs="auto" makes (benchmarks/realdata.py: more passes let
    # the RNN learn the noise of short series, worse than the last value).
    _auto_max_epochs = 30
    # True on a copy that SeriesForecaster trains on the windows of several
    # series at once (a panel's global model); loss="auto" then trains it on
    # _pooled_loss (see loss_).
    _pooled_series = False
    _pooled_loss = "mse"

    @property
    def _target_feature(self):
        return self._target_index  # scaling and seq2seq targets rely on it

    _parameter_constraints = {
        "cell": [str],
        "units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "cell_kwargs": [dict, None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "epochs": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"constant", "cosine"})],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "loss": [StrOptions(LOSSES | {"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "scaler": [StrOptions({"auto", "standard", "window", "window_mean"}), None],
        "jit_compile": [StrOptions({"auto"}), "boolean"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "highway": [StrOptions({"auto"}), "boolean"],
    }
    # Parameters added since rnnkit 0.1.0, with the value that rebuilds the
    # network of a model saved or pickled before them.
    _added_params = {"highway": False}

    @quiet_keras_calls
    def _fit(self, X, Y, *, sample_weight=None, callbacks=None):
        train_rows, valid_rows = self._split(len(X), sample_weight)
        n_train = len(train_rows)
        n_epochs = self._n_epochs(n_train)
        weights = _relative_weights(sample_weight, train_rows, valid_rows)
        keras = import_keras()
        warm = self._can_warm_start(X, Y)
        if not warm:
            self._scaling = WindowScaling(self.scaler, self._target_index)
            self._scaling.fit(X, train_rows)
        with _seeded(keras, self.random_state) as seed:
            self._init_seed = seed % 2**30
            train = self._batches(keras, X, Y, train_rows, weights, seed)
            valid = None
            if len(valid_rows):
                valid = self._batches(keras, X, Y, valid_rows, weights)
            if not warm:
                self.model_ = self._build_network(keras, *X.shape[1:])
            if not self.model_.compiled:
                self._compile(keras, self.model_, n_train, n_epochs)
            history = self.model_.fit(
                train,
                validation_data=valid,
                # WindowBatches shuffles windows from the fit's own seed; Keras'
                # batch-order shuffle draws from Python's global `random`,
                # which other threads (a Dask worker's) draw from too.
                shuffle=False,
                epochs=n_epochs,
                callbacks=self._callbacks(keras, valid is not None, callbacks),
                verbose=self.verbose,
            )
        self.model_.jit_compile = predict_jit_compile(keras)
        self._record_history(history.history, warm)

    def _split(self, n_windows, sample_weight):
        """Rows to train on and rows to validate on (the last, in order).

        Only windows of positive weight take part (all when ``sample_weight``
        is None), so neither the batches, the scaling nor ``epochs="auto"``
        ever see the others. Both are ``Rows``: runs of windows, not arrays.
        """
        rows = (
            Rows.all(n_windows)
            if sample_weight is None
            else Rows.of_mask(sample_weight)
        )
        self._check_params_before_training(len(rows))
        return rows.split(len(rows) - round(self.validation_fraction * len(rows)))

    def _batches(self, keras, X, Y, rows, weights, seed=None):
        """Batches of the windows ``rows``, shuffled each epoch when seeded."""
        return window_batches(
            keras,
            X,
            Y,
            self._training_batch,
            self.batch_size,
            shuffle_seed=seed,
            rows=rows,
            weights=weights,
        )

    def _training_batch(self, X, Y):
        """Scaled inputs and training targets for one batch of windows."""
        X_scaled = self._scaling.transform(X)
        targets = self._training_targets(X_scaled, self._scaling.transform_target(Y, X))
        return X_scaled, targets

    @quiet_keras_calls
    def _predict(self, X):
        # Copy each block's forecast so the network's full output (for seq2seq,
        # every step's) is freed block by block: memory grows with the result.
        forecasts = [
            self._forecast(
                self.model_.predict_on_batch(self._scaling.transform(block))
            )[:n].copy()
            for block, n in _padded_blocks(X, PREDICT_BLOCK)
        ]
        return self._scaling.inverse_target(np.concatenate(forecasts), X)

    @property
    def scaler_(self):
        """The scaling the fit used: ``scaler``, or the one ``"auto"`` chose."""
        return self._scaling.kind

    @property
    def highway_(self):
        """Whether the network adds the linear highway (``"auto"`` resolved).

        ``"auto"`` adds it when the scaling is relative to each window (a
        series whose level moves), not with ``"standard"`` scaling or none.
        """
        if self.highway == "auto":
            # A linear map of windows relative to their level extrapolates a
            # trend or a growing season (benchmarks/realdata.py); on stationary
            # series scaled "standard" (the seed chapter's sines) it slowed the
            # recurrent layer's training.
            return self._scaling.kind in WINDOW_RELATIVE
        return self.highway

    @property
    def loss_(self):
        """The training loss: ``loss``, or the one ``"auto"`` chose.

        ``"auto"`` is ``"mse"``, or the class's ``_pooled_loss`` for the
        global model of a panel (``_pooled_series``).
        """
        if self.loss != "auto":
            return self.loss
        return self._pooled_loss if self._pooled_series else "mse"

    def __setstate__(self, state):
        # A pickle from before a parameter existed rebuilds the network it had.
        super().__setstate__({**self._added_params, **state})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A network trained for a few epochs need not fit arbitrary test data.
        tags.regressor_tags.poor_score = True
        return tags

    # --- what subclasses provide -------------------------------------------

    def _build_network(self, keras, n_steps, n_features):
        raise NotImplementedError

    def _training_targets(self, X_scaled, Y_scaled):
        return Y_scaled

    def _loss(self, keras):
        return keras.losses.get(self.loss_)

    def _forecast(self, output):
        return output

    # --- pieces of the training loop ----------------------------------------

    def _units(self):
        units = (self.units,) if isinstance(self.units, Integral) else tuple(self.units)
        if not units or not all(isinstance(u, Integral) and u >= 1 for u in units):
            raise ValueError(
                "The 'units' parameter must be a positive int or a non-empty "
                f"tuple of positive ints, one per layer. Got {self.units!r} instead."
            )
        return units

    def _recurrent_layers(self, keras, *, last_returns_sequences):
        units = self._units()
        layers = []
        for level, n in enumerate(units):
            last = level == len(units) - 1
            layers += self._recurrent_layer(
                keras,
                n,
                return_sequences=last_returns_sequences or not last,
                level=level,
            )
        return layers

    def _recurrent_layer(self, keras, units, *, return_sequences, level):
        """The layers (one, or Dropout and RNN for a plugin cell) for one level."""
        return recurrent_layers(
            keras,
            resolve_cell(self.cell),
            units,
            return_sequences=return_sequences,
            dropout=self.dropout,
            cell_kwargs=self.cell_kwargs or {},
            seed=self._layer_seed(level),
        )

    def _with_highway(self, keras, inputs, outputs, per_step=False):
        """``outputs``, plus a linear map of the window when ``highway``.

        The map starts at zero, so training starts from the recurrent network
        alone, and it needs no seed. ``per_step``: an output per step, step
        ``t``'s map reading steps ``t - n_steps + 1 .. t`` (zeros before the
        window), so the last step's reads the whole window.
        """
        if not self.highway_:
            return outputs
        read = self._highway_reads(keras, inputs)
        if per_step:
            n_steps = inputs.shape[1]
            linear = keras.layers.Conv1D(
                self.horizon_,
                n_steps,
                padding="causal",
                use_bias=False,
                kernel_initializer="zeros",
            )(read)
        else:
            linear = keras.layers.Dense(
                self.horizon_, use_bias=False, kernel_initializer="zeros"
            )(keras.layers.Flatten()(read))
        return keras.layers.Add()([outputs, linear])

    def _highway_reads(self, keras, inputs):
        """What the highway maps: the window, and its moving features times each
        static one, when features are constant within every window.

        A static feature (a panel series' identity) alone only shifts a
        linear map's output; times the window's values, it varies the map's
        coefficients by series, as a model of each series' own would.
        """
        products = self._highway_products()
        if products is None:
            return inputs
        moving, fixed = products
        values = keras.ops.take(inputs, moving, axis=-1)[..., :, None]
        ids = keras.ops.take(inputs, fixed, axis=-1)[..., None, :]
        products = keras.ops.reshape(
            values * ids, (-1, inputs.shape[1], len(moving) * len(fixed))
        )
        return keras.ops.concatenate([inputs, products], axis=-1)

    def _highway_products(self):
        """``(moving, static)`` feature indices the highway multiplies, or None.

        Static: the features constant within every training window, which the
        window-relative scalings keep absolute (``absolute_``).
        """
        absolute = getattr(self._scaling, "absolute_", None)
        if absolute is None:
            return None
        return np.flatnonzero(absolute == 0), np.flatnonzero(absolute > 0)

    def _dense(self, keras, units, *, level):
        seed = self._layer_seed(level)
        initializer = (
            "glorot_uniform"
            if seed is None
            else (keras.initializers.GlorotUniform(seed=seed))
        )
        return keras.layers.Dense(units, kernel_initializer=initializer)

    def _layer_seed(self, level):
        """A seed per layer, from the fit's seed (None when rebuilding a model).

        Keras draws unseeded initializers' seeds from Python's global
        ``random``, which other threads of a process (a Dask worker's) also
        draw from: explicit seeds keep seeded fits identical everywhere.
        """
        base = getattr(self, "_init_seed", None)
        return None if base is None else base + 10 * level

    def _check_params_before_training(self, n_windows):
        self._cell_distribution = resolve_cell(self.cell).distribution
        self._units()
        n_valid = round(self.validation_fraction * n_windows)
        if self.validation_fraction > 0 and (n_valid < 1 or n_valid >= n_windows):
            raise ValueError(
                f"validation_fraction={self.validation_fraction} of {n_windows} "
                f"windows leaves {n_valid} for validation and "
                f"{n_windows - n_valid} for training; both need at least one. "
                "Use more windows or another validation_fraction."
            )

    def _can_warm_start(self, X, Y):
        return (
            self.warm_start
            and hasattr(self, "model_")
            and self.model_.input_shape[1:] == X.shape[1:]
            and self._forecast_width(self.model_.output_shape) == Y.shape[1]
        )

    def _forecast_width(self, output_shape):
        return output_shape[-1]

    def _n_epochs(self, n_train):
        """``epochs``, or for ``"auto"`` the passes that make enough updates."""
        if self.epochs != "auto":
            return self.epochs
        batches_per_epoch = -(-n_train // self.batch_size)
        wanted = -(-AUTO_MIN_UPDATES // batches_per_epoch)
        return int(np.clip(wanted, AUTO_MIN_EPOCHS, self._auto_max_epochs))

    def _compile(self, keras, model, n_train, n_epochs):
        optimizer = getattr(keras.optimizers, OPTIMIZERS[self.optimizer])
        n_updates = n_epochs * -(-n_train // self.batch_size)
        learning_rate = self.learning_rate
        if self.learning_rate_schedule == "cosine":
            learning_rate = keras.optimizers.schedules.CosineDecay(
                self.learning_rate, decay_steps=n_updates
            )
        model.compile(
            optimizer=optimizer(learning_rate=learning_rate),
            loss=self._loss(keras),
            jit_compile=training_jit_compile(keras, self.jit_compile, n_updates),
            steps_per_execution=training_steps_per_execution(keras),
        )

    def _callbacks(self, keras, has_validation, extra):
        # Only epoch-level callbacks: one with a per-batch hook (Keras'
        # TerminateOnNaN) makes Keras wait for every step's loss, which stops
        # JAX and GPUs from queueing the next step while Python cuts its batch.
        callbacks = [
            keras.callbacks.LambdaCallback(on_epoch_end=self._stop_if_diverged)
        ]
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if has_validation else "loss",
                    patience=self.patience,
                    restore_best_weights=True,
                )
            )
        return callbacks + list(extra or [])

    def _stop_if_diverged(self, epoch, logs):
        """Stop at the end of an epoch whose loss is not finite (see below)."""
        if not np.isfinite(logs.get("loss", 0.0)):
            self.model_.stop_training = True

    def _record_history(self, history, warm):
        losses = history.get("loss", [])
        if not np.all(np.isfinite(losses)):
            raise FloatingPointError(
                f"Training diverged: the loss became {losses[-1]} in epoch "
                f"{len(losses)}. The usual causes are a learning_rate too high "
                f"for the optimizer (now {self.learning_rate}) or unscaled data "
                f"(scaler={self.scaler!r}); try a lower learning_rate or "
                "scaler='standard'."
            )
        if warm:
            history = {k: self.history_.get(k, []) + v for k, v in history.items()}
        self.history_ = {
            key: [float(v) for v in values] for key, values in history.items()
        }

    # --- fitted state (pickling and saving) ------------------------------------

    def _get_fitted_state(self):
        state, arrays = super()._get_fitted_state()
        scaling_state, scaling_arrays = self._scaling.to_state()
        history = self.history_.items()
        state["history_"] = {str(k): [float(v) for v in vs] for k, vs in history}
        state.update({f"scaler_{k}": v for k, v in scaling_state.items()})
        state["cells"] = [{"name": self.cell, "distribution": self._cell_distribution}]
        if self._pooled_series:  # so loss_ says what trained it after a load
            state["pooled_series"] = True
        arrays.update({f"scaling_{k}": v for k, v in scaling_arrays.items()})
        # Weights only: no Keras object (and no Keras code path that skips safe
        # mode) is stored; the network is rebuilt from the parameters.
        weights = [w.ravel() for w in self.model_.get_weights()]
        arrays["weights"] = np.concatenate(weights) if weights else np.zeros(0)
        return state, arrays

    def _pop_fitted_state(self, state, arrays):
        super()._pop_fitted_state(state, arrays)
        self._units()
        self.history_ = _checked_history(state.pop("history_"))
        self._cell_distribution = self._check_cell_installed(state.pop("cells"))
        pooled = state.pop("pooled_series", False)
        if type(pooled) is not bool:
            raise ValueError(f"pooled_series must be a bool. Got {pooled!r:.80}")
        self._pooled_series = pooled
        self._scaling = WindowScaling.from_state(
            {k[7:]: state.pop(k) for k in list(state) if k.startswith("scaler_")},
            {k[8:]: arrays.pop(k) for k in list(arrays) if k.startswith("scaling_")},
            self._window_shape3[1],
        )
        self.model_ = self._rebuild_network(arrays.pop("weights"))

    def _check_cell_installed(self, cells):
        """Check the cell entry; name the distribution to install when it is missing."""
        entry = cells[0] if isinstance(cells, list) and len(cells) == 1 else None
        if not (
            isinstance(entry, dict)
            and set(entry) == {"name", "distribution"}
            and entry["name"] == self.cell
            and isinstance(entry["distribution"], str)
        ):
            raise ValueError(
                "cells must be one {'name', 'distribution'} entry for the cell "
                f"{self.cell!r}. Got {cells!r:.80} instead."
            )
        distribution = entry["distribution"]
        try:
            found = resolve_cell(self.cell).distribution
        except ValueError:
            found = None
        if found != distribution:
            other = "" if found is None else f" ({self.cell!r} is {found!r}'s)"
            raise ValueError(
                f"This {type(self).__name__} was trained with cell {self.cell!r} "
                f"from the distribution {distribution!r}, which is not available "
                f"here{other}. Install it ({install_command(distribution)}) and "
                "load again."
            )
        return distribution

    def _rebuild_network(self, weights):
        """The network ``_build_network`` makes, holding the given flat weights."""
        if not (
            isinstance(weights, np.ndarray)
            and weights.ndim == 1
            and weights.dtype.kind == "f"
        ):
            raise ValueError("the network's weights must be a 1-D array of floats")
        needed = self._min_weight_count()
        if needed > weights.size:  # Keras allocates a network when it builds it
            raise ValueError(
                f"the parameters describe a network of at least {needed} weights, "
                f"more than the {weights.size} given"
            )
        keras = import_keras()
        model = self._build_network(keras, *self._window_shape3)
        shapes = [tuple(w.shape) for w in model.weights]
        sizes = [int(np.prod(shape)) for shape in shapes]
        if sum(sizes) != weights.size:
            raise ValueError(
                f"the network has {sum(sizes)} weights; {weights.size} were given"
            )
        parts = np.split(weights, np.cumsum(sizes)[:-1])
        model.set_weights([p.reshape(s) for p, s in zip(parts, shapes, strict=True)])
        model.jit_compile = predict_jit_compile(keras)
        return model

    def _min_weight_count(self):
        """A lower bound on the network's weight count, from parameters alone."""
        fused = resolve_cell(self.cell).fused_layer is not None
        n_in, count = self._window_shape3[1], 0
        for units in self._units():
            count += units * (n_in + (units if fused else 0))
            n_in = units
        count += n_in * self._head_units()
        if self.highway_:
            n_steps, n_read = self._window_shape3
            products = self._highway_products()
            if products is not None:
                n_read += len(products[0]) * len(products[1])
            count += n_steps * n_read * self.horizon_
        return count

    def _head_units(self):
        """Units of the dense layer on the last recurrent layer."""
        return self.horizon_

    @property
    def _window_shape3(self):
        shape = self._window_shape
        return shape if len(shape) == 2 else (shape[0], 1)


def chain(layers, inputs):
    """The output of ``layers`` applied one after the other to ``inputs``."""
    outputs = inputs
    for layer in layers:
        outputs = layer(outputs)
    return outputs


def _relative_weights(sample_weight, train_rows, valid_rows):
    """Weights as float32, scaled to a mean of 1 over the training windows.

    So the loss keeps its scale (and ``learning_rate`` its meaning) whatever
    the weights' unit: only their ratios matter. None stays None (batches
    then carry no weights, as before weights existed), and so does a boolean
    mask: its windows weigh 1 each, as without weights, and a float32 copy
    would cost four bytes a window.
    """
    if sample_weight is None or sample_weight.dtype == bool:
        return None
    # The windows outside train_rows and valid_rows weigh 0: the training
    # windows' total needs no gathered copy of their weights.
    total = np.sum(sample_weight) - valid_rows.total(sample_weight)
    return np.divide(sample_weight, total / len(train_rows), dtype=np.float32)


def _checked_history(history):
    if not isinstance(history, dict) or not all(
        isinstance(values, list) and all(type(v) in (int, float) for v in values)
        for values in history.values()
    ):
        raise ValueError("history_ must map names to lists of numbers")
    return {k: [float(v) for v in values] for k, values in history.items()}


def _padded_blocks(X, size):
    """Yield ``(block, n_real)``: ``X`` in blocks of ``size`` rows, zero-padded."""
    for start in range(0, len(X), size):
        block = X[start : start + size]
        n_real = len(block)
        if n_real < size:
            block = np.concatenate(
                [block, np.zeros((size - n_real, *X.shape[1:]), X.dtype)]
            )
        yield block, n_real


@contextlib.contextmanager
def _seeded(keras, random_state):
    """Seed everything a fit uses; give the caller's global RNG state back."""
    seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    python_state = random.getstate()
    numpy_state = np.random.get_state()  # noqa: NPY002 (the caller's global RNG)
    set_random_seed(keras, seed)
    try:
        yield seed
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002
