"""rnnkit-peephole through rnnkit's public API and its conformance kit."""

import re

import keras
import numpy as np
import pytest
from rnnkit_peephole import PeepholeLSTMCell

import rnnkit
from rnnkit.datasets import load_two_sines
from rnnkit.testing import parametrize_with_cell_checks


def _but_training(parametrize):
    """The kit's checks but check_trains_in_forecasters, which
    test_cell_fit_predict_through_rnnkit runs as strictly (with the cell's
    keyword arguments), each forecaster's network compiled once, not twice."""
    params = [
        param
        for param in parametrize.args[1]
        if not param.id.endswith("-check_trains_in_forecasters")
    ]
    return pytest.mark.parametrize(parametrize.args[0], params)


@_but_training(parametrize_with_cell_checks(["peephole_lstm"]))
def test_cell_conforms(cell, check):
    check(cell)


def test_cell_listed_with_its_distribution():
    info = rnnkit.list_cells()["peephole_lstm"]
    assert info.distribution == "rnnkit-peephole"
    assert info.description


@pytest.mark.parametrize("forecaster", [rnnkit.RNNForecaster, rnnkit.Seq2SeqForecaster])
def test_cell_fit_predict_through_rnnkit(forecaster):
    data = load_two_sines(horizon=2, n_series=200, n_steps=12)
    model = forecaster(
        cell="peephole_lstm",
        cell_kwargs={"peephole_initializer": "zeros"},
        units=(4, 2),
        epochs=1,
        random_state=0,
    )
    y_pred = model.fit(data.X_train, data.y_train).predict(data.X_test)
    assert y_pred.shape == data.y_test.shape
    assert np.all(np.isfinite(y_pred))


def _sequence(seed=0):
    return np.random.default_rng(seed).normal(size=(5, 4, 3)).astype("float32")


def _run_both(peephole_initializer):
    """Run Keras' LSTMCell and the peephole cell with the same kernels and bias."""
    x = _sequence()
    lstm = keras.layers.RNN(keras.layers.LSTMCell(3), return_sequences=True)
    peephole = keras.layers.RNN(
        PeepholeLSTMCell(3, peephole_initializer=peephole_initializer),
        return_sequences=True,
    )
    expected = lstm(x)
    peephole(x)
    for name in ("kernel", "recurrent_kernel", "bias"):
        getattr(peephole.cell, name).assign(getattr(lstm.cell, name))
    return keras.ops.convert_to_numpy(expected), peephole


def test_zero_peepholes_match_keras_lstm_cell():
    expected, peephole = _run_both("zeros")
    got = keras.ops.convert_to_numpy(peephole(_sequence()))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_peepholes_match_gers_schmidhuber_equations():
    _, rnn = _run_both("ones")
    cell = rnn.cell
    rng = np.random.default_rng(1)
    for weight in cell.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    x = _sequence()
    got = keras.ops.convert_to_numpy(rnn(x))
    W, U, b, p_i, p_f, p_o = (w.numpy().astype("float64") for w in cell.weights)
    h = c = np.zeros((5, 3))
    for t in range(x.shape[1]):
        z_i, z_f, z_g, z_o = np.split(x[:, t] @ W + h @ U + b, 4, axis=-1)
        i = _sigmoid(z_i + p_i * c)
        f = _sigmoid(z_f + p_f * c)
        c = f * c + i * np.tanh(z_g)
        h = _sigmoid(z_o + p_o * c) * np.tanh(c)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-4, atol=1e-5)


def test_peepholes_change_the_output():
    expected, peephole = _run_both("ones")
    got = keras.ops.convert_to_numpy(peephole(_sequence()))
    assert np.abs(got - expected).max() > 1e-3


def test_forget_bias_starts_at_one():
    cell = PeepholeLSTMCell(2)
    cell.build((None, 3))
    np.testing.assert_array_equal(cell.bias.numpy(), [0, 0, 1, 1, 0, 0, 0, 0])


def test_cell_rejects_bad_units():
    with pytest.raises(
        ValueError, match=re.escape("units must be a positive int. Got 0 instead.")
    ):
        PeepholeLSTMCell(0)


def test_cell_appears_in_rnnkit_plugins(capsys):
    import json

    from rnnkit.cli import main

    assert main(["plugins", "--json"]) == 0
    listing = {row["cell"]: row for row in json.loads(capsys.readouterr().out)}
    assert listing["peephole_lstm"]["distribution"] == "rnnkit-peephole"
