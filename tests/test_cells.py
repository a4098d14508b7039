"""Cells: the built-ins run as Keras' fused layers, with the cell's arguments."""

import pytest

from rnnkit import RNNForecaster
from rnnkit.plugins import resolve_cell


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_neural_cells_map_to_keras_fused_layers(cell, small):
    import keras

    expected = {
        "simple": keras.layers.SimpleRNN,
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
    }
    model = RNNForecaster(cell=cell, units=(3, 2), epochs=1).fit(
        small.X_train, small.y_train
    )
    recurrent = [
        layer for layer in model.model_.layers if isinstance(layer, keras.layers.RNN)
    ]
    assert [type(layer) for layer in recurrent] == [expected[cell]] * 2
    assert [layer.units for layer in recurrent] == [3, 2]


@pytest.mark.parametrize(
    "cell, fused_layer", [("simple", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")]
)
def test_builtin_cells_know_their_fused_layer_and_keras_name(cell, fused_layer):
    import keras

    registered = resolve_cell(cell)
    assert registered.fused_layer == fused_layer
    cell_class = type(registered.factory(2))
    assert registered.keras_name == keras.saving.get_registered_name(cell_class)


def test_neural_cell_kwargs_reach_the_layer(small):
    model = RNNForecaster(units=2, epochs=1, cell_kwargs={"activation": "relu"}).fit(
        small.X_train, small.y_train
    )
    assert model.model_.layers[1].activation.__name__ == "relu"  # after the input
