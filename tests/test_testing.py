"""The conformance kit passes rnnkit's own cells and catches broken ones."""

import pytest

from rnnkit import _cells, plugins
from rnnkit.testing import check_cell, parametrize_with_cell_checks


@parametrize_with_cell_checks(["simple", "lstm", "gru"])
def test_builtin_cells_conform(cell, check):
    check(cell)


def test_check_cell_passes_cell_kwargs():
    from rnnkit.testing import check_runs_in_keras_rnn

    check_runs_in_keras_rnn("simple", activation="relu")


def test_check_cell_catches_wrong_output_size(monkeypatch):
    import keras

    class Liar(keras.layers.SimpleRNNCell):
        @property
        def output_size(self):
            return self.units + 1

        @output_size.setter
        def output_size(self, value):
            pass

    registry = plugins.cell_registry()
    monkeypatch.setitem(
        registry._cells,
        "test:liar",
        _cells.RegisteredCell("liar", Liar, "test", "0", ""),
    )
    with pytest.raises(AssertionError, match="liar: a step's output has shape"):
        check_cell("liar")
