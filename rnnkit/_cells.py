"""The cell registry: which recurrent layer a ``cell`` name means."""

# Built-in cells map to Keras' own layers, whose fused kernels are the fast path.
BUILTIN_CELLS = {"gru": "GRU", "lstm": "LSTM", "simple": "SimpleRNN"}


def available_cells():
    """Return the sorted names ``cell`` accepts."""
    return sorted(BUILTIN_CELLS)


def check_cell(name):
    """Raise a ValueError naming the available cells if ``name`` is unknown."""
    if name not in BUILTIN_CELLS:
        raise ValueError(
            f"The 'cell' parameter must be one of {available_cells()}. "
            f"Got {name!r} instead."
        )


def recurrent_layer(keras, name, units, *, return_sequences, dropout, cell_kwargs):
    """Build the Keras recurrent layer for cell ``name``."""
    check_cell(name)
    layer_class = getattr(keras.layers, BUILTIN_CELLS[name])
    return layer_class(
        units, return_sequences=return_sequences, dropout=dropout, **cell_kwargs
    )
