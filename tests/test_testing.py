"""The conformance kit passes rnnkit's own cells and catches broken ones."""

import numpy as np
import pytest

from rnnkit import _cells, plugins
from rnnkit.testing import check_cell
from rnnkit.testing import parametrize_with_cell_checks as _cell_checks
from tests.helpers import FRESH_PROCESS_CELLS

BUILTIN = ["simple", "lstm", "gru"]


def _one_fresh_process_check(parametrize):
    """The kit's checks of the built-in cells, the fresh-process one on the first.

    That check starts a Python process per cell, which imports Keras and its
    backend anew (seconds); test_builtin_cells_unpickle_in_one_fresh_process
    checks the same for the other cells, in one process.
    """
    params = []
    for param in parametrize.args[1]:
        fresh_process = param.id.endswith("-check_pickles_in_fresh_process")
        if not fresh_process or param.id.startswith(f"{BUILTIN[0]}-"):
            params.append(param)
    return pytest.mark.parametrize(parametrize.args[0], params)


@_one_fresh_process_check(_cell_checks(BUILTIN))
def test_builtin_cells_conform(cell, check):
    check(cell)


def test_builtin_cells_unpickle_in_one_fresh_process(fresh_process_forecasts):
    """check_pickles_in_fresh_process for the other built-in cells, at once.

    In the one new process tests/conftest.py starts for every such check.
    """
    assert FRESH_PROCESS_CELLS == BUILTIN[1:]
    for cell in FRESH_PROCESS_CELLS:
        here, there = fresh_process_forecasts[cell]
        np.testing.assert_array_equal(there, here, err_msg=cell)


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
