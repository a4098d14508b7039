"""rnnkit-layernorm through rnnkit's public API and its conformance kit."""

import pickle
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
from rnnkit_layernorm import LayerNormLSTMCell, LayerNormSimpleRNNCell

import rnnkit
from rnnkit.datasets import load_two_sines
from rnnkit.testing import _tiny_params, _tiny_windows, parametrize_with_cell_checks

CELLS = ["layernorm_simple", "layernorm_lstm"]


# The kit's checks that another test here runs as strictly, and which: the
# fresh-process one starts a Python process per cell, importing Keras and its
# backend anew (seconds); the training one compiles both forecasters' networks
# for each cell (on JAX, 10-18 CPU seconds a cell).
COVERED = {
    "check_pickles_in_fresh_process": "test_cells_unpickle_in_one_fresh_process",
    "check_trains_in_forecasters": "test_cells_fit_predict_through_rnnkit",
}


def _but_covered(parametrize):
    """The kit's checks but ``COVERED``'s."""
    params = [
        param
        for param in parametrize.args[1]
        if param.id.split("-", 1)[1] not in COVERED
    ]
    return pytest.mark.parametrize(parametrize.args[0], params)


@_but_covered(parametrize_with_cell_checks(CELLS))
def test_cells_conform(cell, check):
    check(cell)


def test_cells_unpickle_in_one_fresh_process(tmp_path):
    """check_pickles_in_fresh_process for both cells, in one new process."""
    X, y = _tiny_windows()
    models = {
        cell: rnnkit.RNNForecaster(**_tiny_params(cell, {})).fit(X, y) for cell in CELLS
    }
    for cell, model in models.items():
        (tmp_path / f"{cell}.pkl").write_bytes(pickle.dumps(model))
    np.save(tmp_path / "X.npy", X)
    code = (
        "import pickle, numpy as np\n"
        "X = np.load('X.npy')\n"
        f"for cell in {CELLS!r}:\n"
        "    model = pickle.loads(open(f'{cell}.pkl', 'rb').read())\n"
        "    np.save(f'{cell}.npy', model.predict(X))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for cell, model in models.items():
        np.testing.assert_array_equal(
            np.load(tmp_path / f"{cell}.npy"), model.predict(X), err_msg=cell
        )


def test_cells_listed_with_their_distribution():
    cells = rnnkit.list_cells()
    for name in CELLS:
        assert cells[name].distribution == "rnnkit-layernorm"
        assert cells[name].description


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("forecaster", [rnnkit.RNNForecaster, rnnkit.Seq2SeqForecaster])
def test_cells_fit_predict_through_rnnkit(cell, forecaster):
    """check_trains_in_forecasters, with the cell's keyword arguments."""
    data = load_two_sines(horizon=2, n_series=200, n_steps=12)
    model = forecaster(
        cell=cell,
        cell_kwargs={"epsilon": 1e-5},
        units=(4, 2),
        epochs=1,
        random_state=0,
    )
    y_pred = model.fit(data.X_train, data.y_train).predict(data.X_test)
    assert y_pred.shape == data.y_test.shape
    assert np.all(np.isfinite(y_pred))


def _sequence(n_windows=5, n_steps=4, n_features=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n_windows, n_steps, n_features))


def test_layernorm_simple_normalises_pre_activation():
    # With a linear activation the cell outputs the normalised pre-activation:
    # mean 0 and standard deviation 1 across units, for every window and step.
    cell = LayerNormSimpleRNNCell(8, activation=None, epsilon=1e-6)
    outputs = keras.layers.RNN(cell, return_sequences=True)(
        5.0 * _sequence().astype("float32") + 3.0
    )
    outputs = keras.ops.convert_to_numpy(outputs)
    np.testing.assert_allclose(outputs.mean(axis=-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(outputs.std(axis=-1), 1.0, atol=1e-4)


def test_layernorm_simple_matches_the_books_cell():
    # Géron's LNSimpleRNNCell: SimpleRNNCell(activation=None), then
    # LayerNormalization, then the activation; its state is that output.
    x = _sequence().astype("float32")
    cell = LayerNormSimpleRNNCell(4, activation="tanh")
    ours = keras.ops.convert_to_numpy(keras.layers.RNN(cell, return_sequences=True)(x))
    simple = keras.layers.SimpleRNNCell(4, activation=None)
    norm = keras.layers.LayerNormalization(epsilon=cell.epsilon)
    simple.build((None, 3))
    norm.build((None, 4))
    simple.set_weights([w.numpy() for w in cell.weights[:3]])
    h = np.zeros((5, 4), "float32")
    for t in range(x.shape[1]):
        z, _ = simple(x[:, t], [h])
        h = keras.ops.convert_to_numpy(keras.activations.tanh(norm(z)))
        np.testing.assert_allclose(ours[:, t], h, rtol=1e-5, atol=1e-6)


def _layer_norm(z, gamma, beta, epsilon):
    mean = z.mean(axis=-1, keepdims=True)
    return gamma * (z - mean) / np.sqrt(z.var(axis=-1, keepdims=True) + epsilon) + beta


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_layernorm_lstm_matches_ba_et_al_equations():
    x = _sequence(seed=1)
    cell = LayerNormLSTMCell(3, epsilon=1e-3)
    rnn = keras.layers.RNN(cell, return_sequences=True)
    rnn(x.astype("float32"))
    rng = np.random.default_rng(2)
    # Move every weight away from its initial value, so each one matters.
    for weight in cell.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    ours = keras.ops.convert_to_numpy(rnn(x.astype("float32")))
    W, U, b, g_x, g_h, g_c, b_c = (w.numpy().astype("float64") for w in cell.weights)
    h = c = np.zeros((5, 3))
    for t in range(x.shape[1]):
        z = _layer_norm(x[:, t] @ W, g_x, 0, 1e-3) + _layer_norm(h @ U, g_h, 0, 1e-3)
        z_i, z_f, z_g, z_o = np.split(z + b, 4, axis=-1)
        c = _sigmoid(z_f) * c + _sigmoid(z_i) * np.tanh(z_g)
        h = _sigmoid(z_o) * np.tanh(_layer_norm(c, g_c, b_c, 1e-3))
        np.testing.assert_allclose(ours[:, t], h, rtol=1e-4, atol=1e-5)


def test_layernorm_lstm_forget_bias_starts_at_one():
    cell = LayerNormLSTMCell(2)
    cell.build((None, 3))
    bias = cell.bias.numpy()
    np.testing.assert_array_equal(bias, [0, 0, 1, 1, 0, 0, 0, 0])


@pytest.mark.parametrize("cell_class", [LayerNormSimpleRNNCell, LayerNormLSTMCell])
def test_cells_reject_bad_units(cell_class):
    with pytest.raises(
        ValueError, match=re.escape("units must be a positive int. Got 0 instead.")
    ):
        cell_class(0)


def test_cells_appear_in_rnnkit_plugins(capsys):
    import json

    from rnnkit.cli import main

    assert main(["plugins", "--json"]) == 0
    listing = {row["cell"]: row for row in json.loads(capsys.readouterr().out)}
    for cell in CELLS:
        assert listing[cell]["distribution"] == "rnnkit-layernorm"
