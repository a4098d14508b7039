"""Layer-normalised recurrent cells for rnnkit (Ba, Kiros & Hinton, 2016).

Two cells, registered with rnnkit under these names:

``"layernorm_simple"``
    The layer-normalised SimpleRNN cell of Géron's *Hands-On Machine Learning*
    (chapter 15, ``LNSimpleRNNCell``)::

        z_t = x_t W + h_{t-1} U + b
        h_t = activation(LN(z_t; gamma, beta))

    The state is the output ``h_t``.

``"layernorm_lstm"``
    The layer-normalised LSTM of Ba et al. (2016), supplementary material,
    gates in Keras' order ``i, f, g, o``::

        (i, f, g, o) = LN(x_t W; gamma_x) + LN(h_{t-1} U; gamma_h) + b
        c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
        h_t = sigmoid(o) * tanh(LN(c_t; gamma_c, beta_c))

    Each ``LN`` normalises over all ``4 * units`` gate pre-activations at
    once, as in the paper. The paper's two offsets ``beta_x + beta_h`` add up
    to one free vector, which is the bias ``b`` here (with 1 on the forget gate
    when ``unit_forget_bias``).

``LN(z; gamma, beta) = gamma * (z - mean(z)) / sqrt(var(z) + epsilon) + beta``
over the last axis, per example. Both cells use only public ``keras`` and
``keras.ops``, so they run on every Keras 3 backend.
"""

from numbers import Integral

import keras
from keras import ops

from rnnkit import hookimpl

__all__ = ["LayerNormLSTMCell", "LayerNormSimpleRNNCell", "register_cells"]

__version__ = "0.1.0"

_PACKAGE = "rnnkit_layernorm"


def _layer_norm(x, gamma, beta, epsilon):
    """Normalise ``x`` over its last axis, then scale by gamma and shift by beta."""
    mean = ops.mean(x, axis=-1, keepdims=True)
    variance = ops.var(x, axis=-1, keepdims=True)
    x = (x - mean) * ops.rsqrt(variance + epsilon)
    x = x * gamma
    return x if beta is None else x + beta


def _check_units(units):
    if isinstance(units, bool) or not isinstance(units, Integral) or units <= 0:
        raise ValueError(f"units must be a positive int. Got {units!r} instead.")
    return int(units)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class LayerNormSimpleRNNCell(keras.layers.Layer):
    """SimpleRNN cell whose pre-activation is layer-normalised.

    Parameters
    ----------
    units : int
        Dimensionality of the output and of the state.
    activation : str or callable, default="tanh"
        Applied after the layer normalisation. ``None`` means linear.
    use_bias : bool, default=True
        Add a bias before the normalisation (the book's ``SimpleRNNCell`` has one).
    kernel_initializer : str or keras.initializers.Initializer, \
default="glorot_uniform"
        Initializer of the input kernel ``W``.
    recurrent_initializer : str or keras.initializers.Initializer, \
default="orthogonal"
        Initializer of the recurrent kernel ``U``.
    bias_initializer : str or keras.initializers.Initializer, default="zeros"
        Initializer of the bias ``b``.
    epsilon : float, default=1e-3
        Added to the variance, as in ``keras.layers.LayerNormalization``.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ``dtype``, ...).
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        epsilon=1e-3,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units = _check_units(units)
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.epsilon = epsilon
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), initializer=self.bias_initializer, name="bias"
            )
        self.gamma = self.add_weight(
            shape=(self.units,), initializer="ones", name="gamma"
        )
        self.beta = self.add_weight(
            shape=(self.units,), initializer="zeros", name="beta"
        )
        super().build(input_shape)

    def call(self, inputs, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        h = self.activation(_layer_norm(z, self.gamma, self.beta, self.epsilon))
        return h, [h]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self):
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer
            ),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "epsilon": self.epsilon,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class LayerNormLSTMCell(keras.layers.Layer):
    """LSTM cell with layer normalisation on its gates and cell state.

    Parameters
    ----------
    units : int
        Dimensionality of the output and of each of the two states ``h``, ``c``.
    activation : str or callable, default="tanh"
        Applied to the candidate ``g`` and to the normalised cell state.
    recurrent_activation : str or callable, default="sigmoid"
        Applied to the gates ``i``, ``f``, ``o``.
    kernel_initializer : str or keras.initializers.Initializer, \
default="glorot_uniform"
        Initializer of the input kernel ``W``, shape ``(n_features, 4 * units)``.
    recurrent_initializer : str or keras.initializers.Initializer, \
default="orthogonal"
        Initializer of the recurrent kernel ``U``, shape ``(units, 4 * units)``.
    bias_initializer : str or keras.initializers.Initializer, default="zeros"
        Initializer of the bias ``b`` (it stands for the paper's ``beta_x + beta_h``).
    unit_forget_bias : bool, default=True
        Start the forget gate's bias at 1 (then ``bias_initializer`` is used for
        the other gates only), as ``keras.layers.LSTMCell`` does.
    epsilon : float, default=1e-3
        Added to the variance in every normalisation.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ``dtype``, ...).
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        epsilon=1e-3,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units = _check_units(units)
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.epsilon = epsilon
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        n = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 4 * n),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(n, 4 * n),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        self.bias = self.add_weight(
            shape=(4 * n,), initializer=self._bias_initializer, name="bias"
        )
        self.input_gamma = self.add_weight(
            shape=(4 * n,), initializer="ones", name="input_gamma"
        )
        self.recurrent_gamma = self.add_weight(
            shape=(4 * n,), initializer="ones", name="recurrent_gamma"
        )
        self.cell_gamma = self.add_weight(
            shape=(n,), initializer="ones", name="cell_gamma"
        )
        self.cell_beta = self.add_weight(
            shape=(n,), initializer="zeros", name="cell_beta"
        )
        super().build(input_shape)

    def _bias_initializer(self, shape, dtype=None):
        if not self.unit_forget_bias:
            return self.bias_initializer(shape, dtype=dtype)
        n = self.units
        return ops.concatenate(
            [
                self.bias_initializer((n,), dtype=dtype),
                ops.ones((n,), dtype=dtype),
                self.bias_initializer((2 * n,), dtype=dtype),
            ]
        )

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        x_part = _layer_norm(
            ops.matmul(inputs, self.kernel), self.input_gamma, None, self.epsilon
        )
        h_part = _layer_norm(
            ops.matmul(h_prev, self.recurrent_kernel),
            self.recurrent_gamma,
            None,
            self.epsilon,
        )
        z_i, z_f, z_g, z_o = ops.split(x_part + h_part + self.bias, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * self.activation(z_g)
        c_norm = _layer_norm(c, self.cell_gamma, self.cell_beta, self.epsilon)
        h = o * self.activation(c_norm)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [
            ops.zeros((batch_size, size), dtype=self.compute_dtype)
            for size in self.state_size
        ]

    def get_config(self):
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(
                self.recurrent_activation
            ),
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer
            ),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "epsilon": self.epsilon,
        }
        return {**super().get_config(), **config}


@hookimpl
def register_cells(register):
    """Register the layer-normalised cells with rnnkit."""
    register(
        "layernorm_simple",
        LayerNormSimpleRNNCell,
        description="SimpleRNN cell with layer normalisation (Ba et al. 2016; "
        "Geron's LNSimpleRNNCell)",
    )
    register(
        "layernorm_lstm",
        LayerNormLSTMCell,
        description="LSTM cell with layer-normalised gates and cell state "
        "(Ba et al. 2016)",
    )
