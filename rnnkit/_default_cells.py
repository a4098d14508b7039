"""rnnkit's own default plugin: the built-in cells, registered like any other.

Each built-in is a factory that builds Keras' cell, and names the fused Keras
layer (``SimpleRNN``, ``LSTM``, ``GRU``) that runs it fastest; the registry
uses that layer instead of wrapping the cell in ``keras.layers.RNN``.
"""

from ._keras import import_keras
from .hookspecs import hookimpl


def _builtin(layer_name, cell_name):
    def make_cell(units, **cell_kwargs):
        return getattr(import_keras().layers, cell_name)(units, **cell_kwargs)

    # Read once, into the RegisteredCell, by rnnkit's host (plugins.py); Keras
    # registers its own cell classes under their class names.
    make_cell.fused_layer, make_cell.keras_name = layer_name, cell_name
    make_cell.__name__ = cell_name
    return make_cell


@hookimpl
def register_cells(register):
    register(
        "simple",
        _builtin("SimpleRNN", "SimpleRNNCell"),
        description="Fully connected RNN (Keras SimpleRNN)",
    )
    register(
        "lstm",
        _builtin("LSTM", "LSTMCell"),
        description="Long short-term memory (Keras LSTM)",
    )
    register(
        "gru",
        _builtin("GRU", "GRUCell"),
        description="Gated recurrent unit (Keras GRU)",
    )
