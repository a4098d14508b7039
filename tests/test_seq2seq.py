import keras
import numpy as np
import pytest

from rnnkit import Seq2SeqForecaster
from rnnkit.datasets import load_two_sines


def _seed_per_step_targets(series, n_steps, horizon):
    # The chapter's loop: Y[:, t, k - 1] = series[:, t + k].
    Y = np.empty((len(series), n_steps, horizon))
    for step_ahead in range(1, horizon + 1):
        Y[:, :, step_ahead - 1] = series[:, step_ahead : step_ahead + n_steps]
    return Y


def test_seq2seq_per_step_targets_match_the_chapter():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(6, 8 + 3)).astype("float32")
    X, y = series[:, :8], series[:, 8:]
    model = Seq2SeqForecaster(scaler=None)
    model.horizon_ = 3
    targets = model._training_targets(X[:, :, None], y)
    loss = model._loss(keras)
    expected = _seed_per_step_targets(series, 8, 3).astype("float32")
    assert float(keras.ops.mean(loss(targets, expected))) == 0.0
    assert float(keras.ops.mean(loss(targets, np.roll(expected, 1, axis=1)))) > 0.1


def test_seq2seq_uses_target_index_of_3d_windows():
    data = load_two_sines(horizon=2, n_series=200, n_steps=10)
    noise = np.random.default_rng(0).normal(size=data.X_train.shape)
    X = np.stack([noise, data.X_train], axis=-1)
    model = Seq2SeqForecaster(target_index=1, units=4, epochs=1, random_state=0).fit(
        X, data.y_train
    )
    assert model.predict(X[:5]).shape == (5, 2)
    with pytest.raises(ValueError, match="target_index must be less than"):
        Seq2SeqForecaster(target_index=2).fit(X, data.y_train)


def test_seq2seq_predict_returns_last_step_forecast():
    data = load_two_sines(horizon=4, n_series=100, n_steps=10)
    model = Seq2SeqForecaster(units=3, epochs=1, random_state=0)
    model.fit(data.X_train, data.y_train)
    scaled = model._scaling.transform(data.X_test[:, :, None])
    last_step = model.model_.predict_on_batch(scaled)[:, -1, :]
    expected = model._scaling.inverse_target(last_step, data.X_test[:, :, None])
    np.testing.assert_allclose(model.predict(data.X_test), expected, atol=1e-6)


def test_seq2seq_encoder_decoder_unrolls_horizon_steps():
    data = load_two_sines(horizon=5, n_series=100, n_steps=10)
    model = Seq2SeqForecaster(
        architecture="encoder_decoder",
        cell="lstm",
        units=(4, 3),
        epochs=1,
        highway=False,
        random_state=0,
    ).fit(data.X_train, data.y_train)
    layer_names = [type(layer).__name__ for layer in model.model_.layers[1:]]
    assert layer_names == ["LSTM", "LSTM", "RepeatVector", "LSTM", "Dense", "Flatten"]
    assert model.model_.output_shape == (None, 5)
    assert model.predict(data.X_test).shape == (10, 5)


def test_seq2seq_per_step_highway_reads_no_later_step():
    # Each step is trained to forecast the steps after it: its output, the
    # highway's linear map included, must not see them.
    data = load_two_sines(horizon=3, n_series=100, n_steps=10)
    model = Seq2SeqForecaster(units=3, epochs=1, random_state=0)
    model.fit(data.X_train, data.y_train)
    window = data.X_test[:1].astype("float32")
    changed = window.copy()
    changed[:, 6:] += 1.0
    before, after = (np.asarray(model.model_(w)) for w in (window, changed))
    np.testing.assert_array_equal(after[:, :6], before[:, :6])
    assert not np.allclose(after[:, 6:], before[:, 6:])
