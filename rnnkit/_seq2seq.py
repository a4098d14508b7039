"""Sequence-to-sequence training: every step learns to forecast the next values."""

from numbers import Integral

import numpy as np

from ._neural_base import BaseNeuralForecaster, chain
from ._sklearn_compat import Interval, StrOptions


class Seq2SeqForecaster(BaseNeuralForecaster):
    """Recurrent network trained to forecast the next values at every step.

    With ``architecture="per_step"`` (the chapter's sequence-to-sequence
    model), every recurrent layer returns its whole sequence and a dense layer
    at each time step ``t`` forecasts the ``horizon`` values after ``t``. The
    loss covers every step, so each window gives ``n_steps`` training signals
    instead of one; ``predict`` returns the last step's forecast.

    The per-step targets are built inside ``fit`` from the target feature of
    ``X`` (feature ``target_index``) followed by ``y``: the target of step ``t``
    is that series' values at ``t + 1, ..., t + horizon``. They are built per
    batch, inside the loss, so they never take ``n_steps * horizon`` times the
    memory of the series.

    With ``architecture="encoder_decoder"``, an encoder (the recurrent layers)
    reads the window, its final state is repeated ``horizon`` times, and a
    decoder recurrent layer of the same cell unrolls one step per forecast
    value, each mapped to a value by a shared dense layer. It trains on ``y``
    alone.

    Parameters
    ----------
    architecture : {"per_step", "encoder_decoder"}, default="per_step"
        The network and training scheme, as above.
    target_index : int, default=0
        For 3-D windows, the feature that holds the series being forecast.
    highway : "auto" or bool, default="auto"
        Add a linear map of the window to the network's forecast, trained with
        it (see :class:`RNNForecaster`; ``"auto"``: when the scaling is
        relative to each window). With ``"per_step"``, step ``t``'s linear map
        reads the values up to ``t`` (a causal convolution as long as the
        window); with ``"encoder_decoder"``, the whole window. ``False`` is
        rnnkit 0.1's network.
    cell, units, cell_kwargs, dropout, epochs, batch_size : see RNNForecaster
        The network and training loop, as for :class:`RNNForecaster`, with the
        same defaults (``cell="gru"``, ``units=32``, ``epochs="auto"``), except
        that ``"auto"`` makes at most 40 passes, not 30: a loss over every step
        learns the noise of a short series later. The chapter's model is
        ``cell="simple", units=(20, 20)``.
    learning_rate, learning_rate_schedule : see RNNForecaster
        0.01, decayed along a cosine, as for :class:`RNNForecaster`; on the
        chapter's data the cosine lowers the last-step test MSE of its network
        from 0.0061 (constant 0.01, as the chapter trains it) to about 0.004.
    optimizer, loss : see RNNForecaster
        The optimisation, as for :class:`RNNForecaster`, except that the
        default ``loss`` is ``"mse"`` for a panel's global model too
        (``"auto"`` means ``"mse"`` here): the absolute error did not help it
        there (docs: "Many series").
    validation_fraction, early_stopping, patience : see RNNForecaster
        Validation and early stopping, as for :class:`RNNForecaster`.
    scaler, jit_compile, warm_start, random_state, verbose : see RNNForecaster
        As for :class:`RNNForecaster` (``scaler="auto"`` by default).

    Attributes
    ----------
    model_ : keras.Model
        The trained network; for ``"per_step"`` it outputs
        ``(n_windows, n_steps, horizon)``.
    history_ : dict of list
        Per-epoch ``loss`` (and ``val_loss``), in scaled units.
    scaler_ : str or None
        The scaling used: ``scaler``, or what ``"auto"`` chose.
    highway_ : bool
        Whether the network has the linear highway (``"auto"`` resolved).
    loss_ : str
        The training loss (``"auto"`` resolved, as for :class:`RNNForecaster`).
    horizon_ : int
        Number of values forecast per window, learned from ``y``.
    n_features_in_ : int
        Number of columns of ``X`` seen in ``fit`` (the window length).

    Notes
    -----
    ``fit(X, y, callbacks=[...])`` also takes Keras callbacks for that fit only
    (a progress bar, logging), run after rnnkit's own; ``rnnkit forecast`` and
    ``rnnkit compare`` show each epoch with a ``keras.callbacks.LambdaCallback``.
    Keras trains 32 batches per call on TensorFlow and JAX, so batch-level hooks
    (``on_train_batch_end``) run once per 32 batches; epoch-level ones every epoch.

    Examples
    --------
    >>> from rnnkit import Seq2SeqForecaster
    >>> from rnnkit.datasets import load_two_sines
    >>> data = load_two_sines(horizon=10, n_series=200)
    >>> model = Seq2SeqForecaster(units=8, epochs=2, random_state=0)
    >>> model.fit(data.X_train, data.y_train).predict(data.X_test).shape
    (20, 10)
    """

    # Its loss covers every step, so it learns the noise of a short series
    # later than RNNForecaster does, and gains from more passes.
    _auto_max_epochs = 40

    _parameter_constraints = {
        **BaseNeuralForecaster._parameter_constraints,
        "architecture": [StrOptions({"per_step", "encoder_decoder"})],
        "target_index": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        architecture="per_step",
        target_index=0,
        cell="gru",
        units=32,
        cell_kwargs=None,
        dropout=0.0,
        highway="auto",
        epochs="auto",
        batch_size=32,
        learning_rate=0.01,
        learning_rate_schedule="cosine",
        optimizer="adam",
        loss="mse",
        validation_fraction=0.0,
        early_stopping=False,
        patience=5,
        scaler="auto",
        jit_compile="auto",
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.architecture = architecture
        self.target_index = target_index
        self.cell = cell
        self.units = units
        self.cell_kwargs = cell_kwargs
        self.dropout = dropout
        self.highway = highway
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.optimizer = optimizer
        self.loss = loss
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.scaler = scaler
        self.jit_compile = jit_compile
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    @property
    def _target_index(self):
        return self.target_index

    @property
    def _architecture(self):
        return ARCHITECTURES[self.architecture]

    def _check_params_before_training(self, n_windows):
        super()._check_params_before_training(n_windows)
        n_features = self._window_shape3[1]
        if self.target_index >= n_features:
            raise ValueError(
                f"target_index must be less than the number of features of X "
                f"({n_features}). Got {self.target_index!r} instead."
            )

    def _build_network(self, keras, n_steps, n_features):
        return self._architecture.network(self, keras, n_steps, n_features)

    def _training_targets(self, X_scaled, Y_scaled):
        return self._architecture.training_targets(self, X_scaled, Y_scaled)

    def _loss(self, keras):
        return self._architecture.loss(self, keras, keras.losses.get(self.loss_))

    def _forecast(self, output):
        return self._architecture.forecast(output)

    def _head_units(self):
        return self._architecture.head_units(self.horizon_)


class _PerStep:
    """Every step's output forecasts the ``horizon`` values after that step."""

    def network(self, model, keras, n_steps, n_features):
        inputs = keras.Input((n_steps, n_features))
        layers = [
            *model._recurrent_layers(keras, last_returns_sequences=True),
            model._dense(keras, model.horizon_, level=99),
        ]
        outputs = chain(layers, inputs)
        return keras.Model(
            inputs, model._with_highway(keras, inputs, outputs, per_step=True)
        )

    def training_targets(self, model, X_scaled, Y_scaled):
        # The target series over the window and the horizon; the loss cuts it
        # into per-step targets batch by batch.
        return np.concatenate([X_scaled[:, :, model.target_index], Y_scaled], axis=1)

    def loss(self, model, keras, base_loss):
        horizon = model.horizon_

        def per_step_loss(series, y_pred):
            n_steps = keras.ops.shape(y_pred)[1]
            targets = keras.ops.stack(
                [series[:, k + 1 : k + 1 + n_steps] for k in range(horizon)], axis=-1
            )
            return base_loss(targets, y_pred)

        return per_step_loss

    def forecast(self, output):
        return output[:, -1, :]

    def head_units(self, horizon):
        return horizon


class _EncoderDecoder:
    """An encoder reads the window; a decoder unrolls one step per forecast value."""

    def network(self, model, keras, n_steps, n_features):
        encoder = model._recurrent_layers(keras, last_returns_sequences=False)
        decoder = model._recurrent_layer(
            keras, model._units()[-1], return_sequences=True, level=50
        )
        inputs = keras.Input((n_steps, n_features))
        layers = [
            *encoder,
            keras.layers.RepeatVector(model.horizon_),
            *decoder,
            model._dense(keras, 1, level=99),
            keras.layers.Flatten(),
        ]
        outputs = model._with_highway(keras, inputs, chain(layers, inputs))
        return keras.Model(inputs, outputs)

    def training_targets(self, model, X_scaled, Y_scaled):
        return Y_scaled

    def loss(self, model, keras, base_loss):
        return base_loss

    def forecast(self, output):
        return output

    def head_units(self, horizon):
        return 1


ARCHITECTURES = {"per_step": _PerStep(), "encoder_decoder": _EncoderDecoder()}
