"""The peephole LSTM cell (Gers & Schmidhuber, 2000) for rnnkit.

Registered with rnnkit as ``"peephole_lstm"``. Gates in Keras' order
``i, f, g, o``; the input and forget gates see the previous cell state and the
output gate sees the new one, through diagonal (element-wise) peephole weights
``p_i``, ``p_f``, ``p_o``::

    i_t = sigmoid(x_t W_i + h_{t-1} U_i + p_i * c_{t-1} + b_i)
    f_t = sigmoid(x_t W_f + h_{t-1} U_f + p_f * c_{t-1} + b_f)
    c_t = f_t * c_{t-1} + i_t * tanh(x_t W_g + h_{t-1} U_g + b_g)
    o_t = sigmoid(x_t W_o + h_{t-1} U_o + p_o * c_t + b_o)
    h_t = o_t * tanh(c_t)

With the peephole weights at zero it is exactly ``keras.layers.LSTMCell``; its
``kernel``, ``recurrent_kernel`` and ``bias`` have the same shapes and layout.
Keras 2 shipped it as ``tf.keras.experimental.PeepholeLSTMCell``; Keras 3 does
not. Only public ``keras`` and ``keras.ops`` are used, so it runs on every
Keras 3 backend.
"""

from numbers import Integral

import keras
from keras import ops

from rnnkit import hookimpl

__all__ = ["PeepholeLSTMCell", "register_cells"]

__version__ = "0.1.0"


@keras.saving.register_keras_serializable(package="rnnkit_peephole")
class PeepholeLSTMCell(keras.layers.Layer):
    """LSTM cell whose gates also see the cell state (peephole connections).

    Parameters
    ----------
    units : int
        Dimensionality of the output and of each of the two states ``h``, ``c``.
    activation : str or callable, default="tanh"
        Applied to the candidate and to the cell state before the output gate.
    recurrent_activation : str or callable, default="sigmoid"
        Applied to the gates ``i``, ``f``, ``o``.
    use_bias : bool, default=True
        Whether the gates have a bias ``b``.
    kernel_initializer : str or keras.initializers.Initializer, \
default="glorot_uniform"
        Initializer of the input kernel, shape ``(n_features, 4 * units)``.
    recurrent_initializer : str or keras.initializers.Initializer, \
default="orthogonal"
        Initializer of the recurrent kernel, shape ``(units, 4 * units)``.
    bias_initializer : str or keras.initializers.Initializer, default="zeros"
        Initializer of the bias, shape ``(4 * units,)``.
    peephole_initializer : str or keras.initializers.Initializer, \
default="glorot_uniform"
        Initializer of each peephole vector, shape ``(units,)``; Keras 2's
        ``PeepholeLSTMCell`` used its kernel initializer (glorot_uniform).
    unit_forget_bias : bool, default=True
        Start the forget gate's bias at 1 (then ``bias_initializer`` is used for
        the other gates only), as ``keras.layers.LSTMCell`` does.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ``dtype``, ...).
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        peephole_initializer="glorot_uniform",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, Integral) or units <= 0:
            raise ValueError(f"units must be a positive int. Got {units!r} instead.")
        self.units = units = int(units)
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.unit_forget_bias = unit_forget_bias
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
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(4 * n,), initializer=self._bias_initializer, name="bias"
            )
        self.input_gate_peephole_weights = self.add_weight(
            shape=(n,),
            initializer=self.peephole_initializer,
            name="input_gate_peephole_weights",
        )
        self.forget_gate_peephole_weights = self.add_weight(
            shape=(n,),
            initializer=self.peephole_initializer,
            name="forget_gate_peephole_weights",
        )
        self.output_gate_peephole_weights = self.add_weight(
            shape=(n,),
            initializer=self.peephole_initializer,
            name="output_gate_peephole_weights",
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
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i + self.input_gate_peephole_weights * c_prev)
        f = self.recurrent_activation(z_f + self.forget_gate_peephole_weights * c_prev)
        c = f * c_prev + i * self.activation(z_g)
        o = self.recurrent_activation(z_o + self.output_gate_peephole_weights * c)
        h = o * self.activation(c)
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
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer
            ),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "peephole_initializer": keras.initializers.serialize(
                self.peephole_initializer
            ),
            "unit_forget_bias": self.unit_forget_bias,
        }
        return {**super().get_config(), **config}


@hookimpl
def register_cells(register):
    """Register the peephole LSTM cell with rnnkit."""
    register(
        "peephole_lstm",
        PeepholeLSTMCell,
        description="LSTM with diagonal peephole connections (Gers & Schmidhuber 2000)",
    )
