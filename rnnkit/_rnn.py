"""Stacked recurrent layers with a dense head that forecasts the whole horizon."""

from ._neural_base import BaseNeuralForecaster, chain


class RNNForecaster(BaseNeuralForecaster):
    """Recurrent network that reads a window and forecasts the next values.

    Stacked recurrent layers read the window step by step; a dense layer on the
    last layer's final state outputs all ``horizon`` values at once. This is
    the chapter's "deep RNN with a dense output" and its ten-steps-at-once
    model, as one estimator. For a series whose level moves, a linear map of
    the window is added to that output by default (``highway``).

    Parameters
    ----------
    cell : str, default="gru"
        Recurrent cell: ``"simple"``, ``"lstm"``, ``"gru"`` (Keras' fused
        ``SimpleRNN``, ``LSTM``, ``GRU`` layers) or a cell a plugin registers.
        A gated cell learns the seed chapter's series to a far lower error
        than ``"simple"`` (benchmarks/README.md).
    units : int or tuple of int, default=32
        Units of each recurrent layer; an int means one layer. The chapter's
        deep RNN is ``cell="simple", units=(20, 20)``.
    cell_kwargs : dict, default=None
        Extra arguments for each recurrent layer, e.g. ``{"activation": "relu"}``.
    dropout : float, default=0.0
        Fraction of each recurrent layer's inputs dropped while training.
    highway : "auto" or bool, default="auto"
        Add a linear map of the whole window (every step and feature) to the
        network's forecast, trained with it: LSTNet's autoregressive
        "highway". The linear part carries what a linear model extrapolates
        well (a trend, a season that grows with the level, beyond anything seen
        in training, where a recurrent layer saturates) and the recurrent part
        learns the rest; it starts at zero. ``"auto"`` adds it when the scaling
        is relative to each window (``scaler_`` is ``"window"`` or
        ``"window_mean"``: a series whose level moves), where it lowered the
        error on the real panel of ``benchmarks/realdata.py`` below AutoETS's,
        and leaves it out with ``"standard"`` scaling, where it slowed the
        recurrent layer's learning of the seed chapter's sines (docs: "Why these
        defaults"). Features constant within every training window (a panel
        series' ``identity``, with window-relative scaling) also enter the map
        multiplied by the window's other features, so that each series gets
        its own coefficients. ``False`` is rnnkit 0.1's network.
    epochs : int or "auto", default="auto"
        Passes over the training windows. ``"auto"`` makes about 500 optimizer
        steps, in at least 20 and at most 30 passes: a series of a few hundred
        values (a few batches per pass) gets 30 passes (more let the network
        learn the noise of a short series), the seed chapter's 7,000 windows
        get 20.
    batch_size : int, default=32
        Windows per gradient step.
    learning_rate : float, default=0.01
        Step size of the optimizer (the starting one, with a schedule).
    learning_rate_schedule : {"constant", "cosine"}, default="cosine"
        ``"cosine"`` decays the learning rate to 0 along a cosine over all
        ``epochs``: a high rate early, a fine one at the end, which trains to
        a lower error in the same epochs than a constant 0.001.
    optimizer : {"adam", "adamw", "nadam", "rmsprop", "sgd"}, default="adam"
        Keras optimizer.
    loss : {"auto", "mse", "mae", "huber", "log_cosh"}, default="auto"
        Training loss. ``"auto"`` is ``"mse"``, except for the global model
        of a panel (``SeriesForecaster`` on several series), where it is
        ``"mae"``: pooled, the squared error lets the series hardest to
        forecast outweigh the others; the absolute error lowered the global
        network's error on the panel of ``benchmarks/panel.py``, not that of
        the networks of one series each (docs: "Many series"). ``loss_`` says
        which was used.
    validation_fraction : float, default=0.0
        Fraction of the windows, the last ones in time order, held out to
        report ``val_loss`` (and to stop early).
    early_stopping : bool, default=False
        Stop when the validation loss (the training loss without validation)
        has not improved for ``patience`` epochs, and restore the best weights.
    patience : int, default=5
        Epochs without improvement before stopping early.
    scaler : {"auto", "standard", "window", "window_mean"} or None, \
            default="auto"
        How windows and targets are normalised inside the estimator (and
        undone on ``predict``): ``"standard"`` by each feature's mean and
        standard deviation over the training windows; ``"window"`` and
        ``"window_mean"`` relative to each window's last value or mean, so a
        series that trends or shifts out of its training range is forecast as
        well as one that stays put; ``None`` not at all. ``"auto"`` picks
        ``"window_mean"`` when the level of the target moves between training
        windows more than it varies within one (a trend, a level shift, a
        random walk), else ``"standard"``; ``scaler_`` says which.
    jit_compile : "auto" or bool, default="auto"
        Compile training with XLA. ``"auto"`` picks the Keras backend's fastest
        mode: on TensorFlow, XLA once training is long enough (1,000 optimizer
        steps or more) to repay its compile time; on JAX, always (``jax.jit``
        is XLA, and JAX without it runs op by op); on PyTorch, never. ``True``
        and ``False`` are passed to Keras as they are. See "Choosing a
        backend" in the docs.
    warm_start : bool, default=False
        Keep training the fitted network on the next ``fit`` instead of
        starting anew (same window shape and horizon needed).
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling and dropout: two fits with the same seed give
        identical forecasts on CPU. The caller's global random state is left as
        it was.
    verbose : int, default=0
        Keras' progress output: 0 silent, 1 progress bar, 2 one line per epoch.

    Attributes
    ----------
    model_ : keras.Model
        The trained network (it works on scaled data; use ``predict``).
    scaler_ : str or None
        The scaling used: ``scaler``, or what ``"auto"`` chose.
    highway_ : bool
        Whether the network has the linear highway (``"auto"`` resolved).
    loss_ : str
        The training loss (``"auto"`` resolved).
    history_ : dict of list
        Per-epoch ``loss`` (and ``val_loss``), in scaled units.
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
    >>> from rnnkit import RNNForecaster
    >>> from rnnkit.datasets import load_two_sines
    >>> data = load_two_sines(horizon=10, n_series=200)
    >>> model = RNNForecaster(units=8, epochs=2, random_state=0)
    >>> model.fit(data.X_train, data.y_train).predict(data.X_test).shape
    (20, 10)

    The linear highway, on a trending series (``"auto"`` adds it there):

    >>> import numpy as np
    >>> from rnnkit import make_windows
    >>> t = np.arange(300.0)
    >>> X, y = make_windows(100 + t + 10 * np.sin(2 * np.pi * t / 12), n_steps=24)
    >>> model = RNNForecaster(units=8, epochs=2, random_state=0).fit(X, y)
    >>> model.scaler_, model.highway_
    ('window_mean', True)
    """

    # Pooled, each series is in units of its one-step change, and the squared
    # error lets the series hardest to forecast in those units outweigh the
    # rest; the absolute error weighs them more evenly, as MASE does.
    # benchmarks/panel.py: "mae" lowered the global network's error with every
    # seed and window length tried, not that of the networks of one series
    # each, nor Seq2SeqForecaster's (docs/panel.md).
    _pooled_loss = "mae"

    def __init__(
        self,
        *,
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
        loss="auto",
        validation_fraction=0.0,
        early_stopping=False,
        patience=5,
        scaler="auto",
        jit_compile="auto",
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
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

    def _build_network(self, keras, n_steps, n_features):
        inputs = keras.Input((n_steps, n_features))
        layers = self._recurrent_layers(keras, last_returns_sequences=False)
        outputs = chain([*layers, self._dense(keras, self.horizon_, level=99)], inputs)
        return keras.Model(inputs, self._with_highway(keras, inputs, outputs))
