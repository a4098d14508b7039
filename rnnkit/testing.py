"""A conformance kit for recurrent cells, the way scikit-learn checks estimators.

Plugin authors run it on their cells, by registered name (install the plugin
first, for example with ``pip install -e .``)::

    from rnnkit.testing import check_cell, parametrize_with_cell_checks

    check_cell("mycell")  # raises AssertionError at the first failure

    @parametrize_with_cell_checks(["mycell"])
    def test_mycell_conforms(cell, check):
        check(cell)

Each check takes the cell name and the ``cell_kwargs`` to build it with.

Tests should not see whatever plugins happen to be installed on the machine;
:func:`load_only` limits loading to the distributions a test names::

    @pytest.fixture(autouse=True)
    def only_my_plugin():
        with load_only("rnnkit-mycell"):
            yield
"""

import contextlib
import functools
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from . import plugins
from ._keras import import_keras
from ._rnn import RNNForecaster
from ._seq2seq import Seq2SeqForecaster
from ._windows import make_windows

UNITS = 3
N_INPUTS = 2


def check_cell(cell: str, **cell_kwargs: Any) -> None:
    """Run every conformance check on a registered cell.

    Parameters
    ----------
    cell : str
        The cell's registered name (or ``"<distribution>:<name>"``).
    **cell_kwargs
        Arguments the cell is built with, as ``RNNForecaster(cell_kwargs=...)``.

    Raises
    ------
    AssertionError
        At the first check the cell fails, saying which and why.
    """
    for check in CHECKS:
        check(cell, **cell_kwargs)


def parametrize_with_cell_checks(cells: Iterable[str], **cell_kwargs: Any) -> Any:
    """Pytest decorator: one test per (cell, check), like scikit-learn's.

    The decorated test takes ``cell`` and ``check`` and calls ``check(cell)``.
    """
    import pytest

    params = [
        pytest.param(
            cell, functools.partial(check, **cell_kwargs), id=f"{cell}-{check.__name__}"
        )
        for cell in cells
        for check in CHECKS
    ]
    return pytest.mark.parametrize("cell, check", params)


@contextlib.contextmanager
def load_only(*distributions: str) -> Iterator[None]:
    """Within the block, load only the named plugin distributions.

    Sets ``RNNKIT_LOAD_PLUGINS`` (which child processes inherit) and reloads
    the plugins; on exit restores the variable and reloads again. With no
    names, only rnnkit's built-in cells are available.
    """
    previous = os.environ.get(plugins.LOAD_ENV)
    os.environ[plugins.LOAD_ENV] = ",".join(distributions)
    plugins._reset()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(plugins.LOAD_ENV, None)
        else:
            os.environ[plugins.LOAD_ENV] = previous
        plugins._reset()


def _build(cell, cell_kwargs, units=UNITS):
    return plugins.resolve_cell(cell).factory(units, **cell_kwargs)


def _as_list(value):
    """A cell's state sizes, or its states: a list, or one value as a list."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_cell_sizes(cell, **cell_kwargs):
    """``state_size`` is a positive int or a list of them; ``output_size`` too."""
    built = _build(cell, cell_kwargs)
    sizes = _as_list(built.state_size)
    assert sizes and all(isinstance(s, (int, np.integer)) and s > 0 for s in sizes), (
        f"{cell}: state_size must be a positive int or a list of them, "
        f"got {built.state_size!r}"
    )
    assert isinstance(built.output_size, (int, np.integer)) and built.output_size > 0, (
        f"{cell}: output_size must be a positive int, got {built.output_size!r}"
    )


def check_step_output_shape(cell, **cell_kwargs):
    """One step maps ``(batch, n_inputs)`` and the states to the declared sizes."""
    keras = import_keras()
    built = _build(cell, cell_kwargs)
    states = [keras.ops.zeros((5, s)) for s in _as_list(built.state_size)]
    output, new_states = built(keras.ops.ones((5, N_INPUTS)), states)
    assert tuple(output.shape) == (5, built.output_size), (
        f"{cell}: a step's output has shape {tuple(output.shape)}, expected "
        f"(5, {built.output_size})"
    )
    new_shapes = [tuple(s.shape) for s in _as_list(new_states)]
    expected = [(5, s) for s in _as_list(built.state_size)]
    assert new_shapes == expected, (
        f"{cell}: a step's new states have shapes {new_shapes}, expected {expected}"
    )


def check_runs_in_keras_rnn(cell, **cell_kwargs):
    """The cell runs inside ``keras.layers.RNN``, with and without sequences."""
    keras = import_keras()
    inputs = np.random.default_rng(0).normal(size=(4, 6, N_INPUTS)).astype("float32")
    last = keras.layers.RNN(_build(cell, cell_kwargs))(inputs)
    sequence = keras.layers.RNN(_build(cell, cell_kwargs), return_sequences=True)(
        inputs
    )
    assert tuple(last.shape) == (4, UNITS), f"{cell}: RNN output {tuple(last.shape)}"
    assert tuple(sequence.shape) == (4, 6, UNITS), (
        f"{cell}: RNN sequence output {tuple(sequence.shape)}"
    )
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(sequence))), (
        f"{cell}: non-finite outputs"
    )


def check_config_round_trip(cell, **cell_kwargs):
    """``from_config(get_config())`` rebuilds the same cell."""
    built = _build(cell, cell_kwargs)
    config = built.get_config()
    rebuilt = type(built).from_config(config)
    assert rebuilt.get_config() == config, (
        f"{cell}: get_config/from_config do not round-trip: {config} != "
        f"{rebuilt.get_config()}"
    )


def check_serializer_registration(cell, **cell_kwargs):
    """A model using the cell saves to ``.keras`` and loads in safe mode."""
    keras = import_keras()
    inputs = np.random.default_rng(1).normal(size=(3, 5, N_INPUTS)).astype("float32")
    model = keras.Sequential(
        [keras.Input((5, N_INPUTS)), keras.layers.RNN(_build(cell, cell_kwargs))]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(inputs)),
        keras.ops.convert_to_numpy(model(inputs)),
        rtol=1e-6,
        err_msg=f"{cell}: a saved and loaded model gives other outputs",
    )


def check_trains_in_forecasters(cell, **cell_kwargs):
    """One epoch of ``RNNForecaster`` and ``Seq2SeqForecaster`` with the cell."""
    X, y = _tiny_windows()
    for forecaster in (RNNForecaster, Seq2SeqForecaster):
        model = forecaster(**_tiny_params(cell, cell_kwargs)).fit(X, y)
        assert np.all(np.isfinite(model.predict(X))), (
            f"{cell}: {forecaster.__name__} gave non-finite forecasts"
        )


def check_pickles_in_fresh_process(cell, **cell_kwargs):
    """A fitted forecaster with the cell unpickles in a new Python process."""
    X, y = _tiny_windows()
    model = RNNForecaster(**_tiny_params(cell, cell_kwargs)).fit(X, y)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "model.pkl").write_bytes(pickle.dumps(model))
        np.save(folder / "X.npy", X)
        code = (
            "import pickle, numpy as np;"
            "model = pickle.loads(open('model.pkl', 'rb').read());"
            "np.save('pred.npy', model.predict(np.load('X.npy')))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True
        )
        assert result.returncode == 0, (
            f"{cell}: unpickling in a fresh process failed:\n{result.stderr[-2000:]}"
        )
        np.testing.assert_array_equal(
            np.load(folder / "pred.npy"),
            model.predict(X),
            err_msg=f"{cell}: forecasts differ after unpickling in a fresh process",
        )


def _tiny_windows():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(60) / 3) + 0.1 * rng.normal(size=60)
    X, y = make_windows(series, n_steps=6, horizon=2)
    return np.ascontiguousarray(X), np.ascontiguousarray(y)


def _tiny_params(cell, cell_kwargs):
    return {
        "cell": cell,
        "cell_kwargs": cell_kwargs or None,
        "units": (UNITS, 2),
        "epochs": 1,
        "batch_size": 16,
        "random_state": 0,
    }


CHECKS = [
    check_cell_sizes,
    check_step_output_shape,
    check_runs_in_keras_rnn,
    check_config_round_trip,
    check_serializer_registration,
    check_trains_in_forecasters,
    check_pickles_in_fresh_process,
]
