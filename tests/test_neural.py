"""Behaviour shared by the neural forecasters: training, determinism, pickling."""

import pickle
import random
import re

import numpy as np
import pytest

from rnnkit import RNNForecaster, Seq2SeqForecaster

NEURAL = [RNNForecaster, Seq2SeqForecaster]
TINY = {"units": 4, "epochs": 2}


@pytest.fixture(scope="module")
def tiny_fits(small):
    """Each forecaster with ``TINY`` and seed 0, fitted on ``small`` once for the
    tests that only read the fit (forecast, pickle, inspect it): a fit costs a
    TensorFlow process seconds of graph building."""
    return {
        Forecaster: Forecaster(**TINY, random_state=0).fit(small.X_train, small.y_train)
        for Forecaster in NEURAL
    }


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_fit_sets_fitted_attributes(Forecaster, small, tiny_fits):
    model = tiny_fits[Forecaster]
    assert model.horizon_ == 3
    assert model.n_features_in_ == 12
    assert len(model.history_["loss"]) == 2
    assert model.predict(small.X_test).shape == (30, 3)


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_same_seed_gives_identical_forecasts(Forecaster, small):
    fits = [
        Forecaster(**TINY, random_state=np.int64(7)).fit(small.X_train, small.y_train)
        for _ in range(2)
    ]
    a, b = (fit.predict(small.X_test) for fit in fits)
    np.testing.assert_array_equal(a, b)
    other = Forecaster(**TINY, random_state=8).fit(small.X_train, small.y_train)
    assert not np.array_equal(a, other.predict(small.X_test))


def test_neural_fit_leaves_callers_random_state(small):
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    expected = np.random.rand(), random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    RNNForecaster(**TINY, random_state=0).fit(small.X_train, small.y_train)
    assert (np.random.rand(), random.random()) == expected  # noqa: NPY002


def test_neural_forecast_does_not_depend_on_batch(small, tiny_fits):
    model = tiny_fits[RNNForecaster]
    X = small.X_valid
    one_by_one = np.concatenate([model.predict(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(model.predict(X), one_by_one)


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_pickle_round_trip(Forecaster, small, tiny_fits):
    model = tiny_fits[Forecaster]
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        restored.predict(small.X_test), model.predict(small.X_test)
    )
    assert restored.get_params() == model.get_params()


def test_neural_unpickles_in_fresh_process(fresh_process_forecasts):
    # A Seq2SeqForecaster(units=4, epochs=2, random_state=0) fitted on `small`,
    # pickled, and predicting in a new Python process (tests/conftest.py).
    here, there = fresh_process_forecasts["seq2seq"]
    np.testing.assert_array_equal(there, here)


def test_neural_warm_start_continues_training(small):
    model = RNNForecaster(**TINY, warm_start=True, random_state=0)
    model.fit(small.X_train, small.y_train)
    first_model = model.model_
    model.fit(small.X_train, small.y_train)
    assert model.model_ is first_model
    assert len(model.history_["loss"]) == 4
    cold = RNNForecaster(**TINY, random_state=0).fit(small.X_train, small.y_train)
    cold_model = cold.model_
    cold.fit(small.X_train, small.y_train)
    assert cold.model_ is not cold_model


def test_neural_warm_start_after_unpickling(small):
    model = RNNForecaster(**TINY, warm_start=True, random_state=0)
    model.fit(small.X_train, small.y_train)
    restored = pickle.loads(pickle.dumps(model))
    restored.fit(small.X_train, small.y_train)
    assert len(restored.history_["loss"]) == 4


def test_neural_validation_fraction_uses_last_windows(small):
    model = RNNForecaster(**TINY, validation_fraction=0.25, random_state=0)
    model.fit(small.X_train, small.y_train)
    assert len(model.history_["val_loss"]) == 2


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_fit_runs_extra_callbacks_for_that_fit_only(Forecaster, small):
    import keras

    seen = []
    callback = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append((epoch, "loss" in logs))
    )
    model = Forecaster(**TINY, random_state=0)
    model.fit(small.X_train, small.y_train, callbacks=[callback])
    assert seen == [(0, True), (1, True)]
    assert callback.params["epochs"] == 2
    assert not hasattr(model, "_fit_callbacks")  # the fitted model keeps none
    pickle.loads(pickle.dumps(model))
    model.fit(small.X_train, small.y_train)  # and the next fit runs none
    assert len(seen) == 2


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_fit_is_the_same_whatever_the_steps_per_call(
    Forecaster, small, monkeypatch
):
    """Keras runs several batches per call (faster); the fit must not change."""
    from rnnkit import _backends

    weights = np.where(np.arange(len(small.X_train)) % 5 == 0, 0.0, 1.5)
    params = {"units": 4, "epochs": 2, "batch_size": 4, "validation_fraction": 0.2}

    def fit():
        # 34 batches per pass: more than one call, the last of them partial.
        model = Forecaster(**params, early_stopping=True, random_state=0)
        return model.fit(small.X_train, small.y_train, sample_weight=weights)

    default = fit()
    monkeypatch.setattr(_backends, "STEPS_PER_EXECUTION", 1)
    one_by_one = fit()
    assert default.history_ == one_by_one.history_
    np.testing.assert_array_equal(
        default.predict(small.X_test), one_by_one.predict(small.X_test)
    )


def test_neural_fit_callbacks_route_through_metadata_routing(small):
    import keras
    from sklearn import config_context
    from sklearn.model_selection import cross_validate

    seen = []
    callback = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(epoch)
    )
    with config_context(enable_metadata_routing=True):
        model = RNNForecaster(**TINY, random_state=0).set_fit_request(callbacks=True)
        cross_validate(
            model, small.X_train, small.y_train, cv=2, params={"callbacks": [callback]}
        )
    assert seen == [0, 1, 0, 1]


def test_neural_early_stopping_stops(small):
    model = RNNForecaster(
        units=4,
        epochs=50,
        learning_rate=1e-12,
        early_stopping=True,
        patience=1,
        validation_fraction=0.2,
        random_state=0,
    ).fit(small.X_train, small.y_train)
    assert len(model.history_["loss"]) < 50


@pytest.mark.parametrize("fraction", [0.001, 0.9999])
def test_neural_rejects_validation_fraction_leaving_nothing(fraction, small):
    msg = f"validation_fraction={fraction} of 210 windows leaves"
    with pytest.raises(ValueError, match=re.escape(msg)):
        RNNForecaster(validation_fraction=fraction).fit(small.X_train, small.y_train)


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"cell": "transformer"},
            "The 'cell' parameter must be one of ['gru', 'lstm', 'simple']",
        ),
        ({"units": (4, 0)}, "The 'units' parameter must be a positive int"),
        ({"units": ()}, "The 'units' parameter must be a positive int"),
        ({"optimizer": "adagrad"}, "The 'optimizer' parameter of RNNForecaster"),
        ({"scaler": "minmax"}, "The 'scaler' parameter of RNNForecaster"),
        ({"dropout": 1.0}, "The 'dropout' parameter of RNNForecaster"),
    ],
)
def test_neural_rejects_bad_params_before_training(params, message, small):
    with pytest.raises(ValueError, match=re.escape(message)):
        RNNForecaster(**params).fit(small.X_train, small.y_train)


def test_neural_rejects_nan_before_training(small):
    X = small.X_train.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        RNNForecaster().fit(X, small.y_train)


def test_neural_divergence_raises_clear_error(small):
    model = RNNForecaster(
        units=4,
        epochs=3,
        optimizer="sgd",
        learning_rate=1e12,
        scaler=None,
        cell_kwargs={"activation": "relu"},
        random_state=0,
    )
    with pytest.raises(FloatingPointError, match=r"Training diverged.*learning_rate"):
        model.fit(small.X_train * 1e6, small.y_train * 1e6)


def test_neural_window_scaling_handles_series_far_from_zero():
    # A trending series whose test windows lie above everything seen in training.
    t = np.arange(700.0)
    series = 300 + 0.2 * t + 2 * np.sin(2 * np.pi * t / 12)
    from rnnkit import make_windows

    X, y = make_windows(series, n_steps=24)
    X_train, y_train, X_test, y_test = X[:500], y[:500], X[-100:], y[-100:]
    params = {"units": 8, "epochs": 15, "random_state": 0}
    window = RNNForecaster(scaler="window", **params).fit(X_train, y_train)
    error = np.mean((window.predict(X_test) - y_test) ** 2)
    naive = np.mean((X_test[:, -1] - y_test) ** 2)
    assert error < naive


@pytest.mark.parametrize(
    ("Forecaster", "params"),
    [
        (RNNForecaster, {}),
        (Seq2SeqForecaster, {}),
        (Seq2SeqForecaster, {"architecture": "encoder_decoder"}),
    ],
)
def test_neural_highway_follows_a_season_that_grows_with_the_trend(Forecaster, params):
    # Test windows swing wider than any training window (the season grows with
    # the level): a recurrent layer saturates; the linear highway, which
    # highway="auto" adds for a series whose level moves, extrapolates.
    from rnnkit import make_windows

    t = np.arange(300.0)
    series = (1 + t / 50) * (3 + np.sin(2 * np.pi * t / 12))
    X, y = make_windows(series, n_steps=24)
    X_train, y_train, X_test, y_test = X[:200], y[:200], X[-40:], y[-40:]
    default, plain = (
        Forecaster(units=4, epochs=10, random_state=0, highway=highway, **params)
        for highway in ("auto", False)
    )
    errors = [
        np.mean((model.fit(X_train, y_train).predict(X_test) - y_test) ** 2)
        for model in (default, plain)
    ]
    assert default.scaler_ == "window_mean"
    assert (default.highway_, plain.highway_) == (True, False)
    assert errors[0] < 0.1 * errors[1]


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_highway_auto_leaves_stable_series_to_the_recurrent_network(
    Forecaster, small, tiny_fits
):
    # The two sines keep their level ("standard" scaling): there the highway
    # slowed the recurrent layer's learning (benchmarks/seed_defaults.py).
    model = tiny_fits[Forecaster]
    assert (model.scaler_, model.highway_) == ("standard", False)
    forced = Forecaster(**TINY, highway=True, random_state=0)
    assert forced.fit(small.X_train, small.y_train).highway_
    assert len(forced.model_.weights) == len(model.model_.weights) + 1


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_pickle_from_before_highway_unpickles_without_it(Forecaster, small):
    model = Forecaster(**TINY, highway=False, random_state=0)
    model.fit(small.X_train, small.y_train)
    state = model.__getstate__()
    del state["highway"]  # as pickled before the parameter existed
    restored = Forecaster.__new__(Forecaster)
    restored.__setstate__(state)
    assert restored.highway is False
    np.testing.assert_array_equal(
        restored.predict(small.X_test), model.predict(small.X_test)
    )


@pytest.mark.parametrize(
    ("Forecaster", "n_windows", "batch_size", "expected_epochs"),
    [
        # 3 batches a pass ("auto" wants 167 passes): 90 and 120 optimizer
        # steps, where 10 batches a pass trained 300 and 400.
        (RNNForecaster, 30, 10, 30),
        (Seq2SeqForecaster, 30, 10, 40),
    ],
)
def test_neural_epochs_auto_caps_the_passes_of_a_short_series(
    Forecaster, n_windows, batch_size, expected_epochs
):
    # A short series gives a few batches per pass: "auto" trains it for more
    # passes (about 500 optimizer steps), at least 20, and at most 30 (RNN) or
    # 40 (seq2seq), past which the networks learned the noise of short real
    # series (benchmarks/realdata.py).
    from rnnkit import make_windows

    X, y = make_windows(np.sin(np.arange(n_windows + 11.0) / 3), n_steps=12)
    model = Forecaster(units=2, batch_size=batch_size, random_state=0)
    assert len(model.fit(X, y).history_["loss"]) == expected_epochs


def test_neural_epochs_auto_aims_at_500_updates_in_20_passes_or_more():
    # 299 windows in batches of 16 make 19 steps a pass: 27 passes for 500.
    assert RNNForecaster(batch_size=16)._n_epochs(299) == 27
    # The seed chapter's 7,000 windows: 219 steps a pass, at least 20 passes.
    assert Seq2SeqForecaster()._n_epochs(7000) == 20


def glued_with_garbage(X, y, every=4):
    """``X, y`` with every ``every``-th window garbage, and weights leaving it out."""
    weights = np.where(np.arange(len(X)) % every == 0, 0.0, 1.0)
    X, y = X.copy(), y.copy()
    X[weights == 0], y[weights == 0] = 1e30, -1e30  # finite, and ruinous
    return X, y, weights


@pytest.mark.filterwarnings("error:y does not continue")  # garbage is not seen
@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_zero_weight_windows_are_never_trained_on(Forecaster, small):
    X, y, weights = glued_with_garbage(small.X_train, small.y_train)
    kept = weights > 0
    params = {**TINY, "validation_fraction": 0.2, "random_state": 0}
    glued = Forecaster(**params).fit(X, y, sample_weight=weights)
    alone = Forecaster(**params).fit(X[kept], y[kept], sample_weight=weights[kept])
    # The same windows in the same batches, scaled alike: the same network.
    np.testing.assert_array_equal(
        glued.predict(small.X_test), alone.predict(small.X_test)
    )
    assert glued.history_ == alone.history_


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_boolean_sample_weight_trains_as_weights_of_0_and_1(Forecaster, small):
    # A mask (a byte a window, as SeriesForecaster passes for a panel's
    # straddling windows) leaves the same windows out, the others at weight 1.
    X, y, weights = glued_with_garbage(small.X_train, small.y_train)
    params = {**TINY, "validation_fraction": 0.2, "random_state": 0}
    fits = [
        Forecaster(**params).fit(X, y, sample_weight=kept)
        for kept in (weights, weights > 0)
    ]
    a, b = (fit.predict(small.X_test) for fit in fits)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fits[0].history_["loss"], fits[1].history_["loss"])


@pytest.mark.parametrize("Forecaster", NEURAL)
def test_neural_sample_weight_pulls_the_forecast_toward_a_regime(Forecaster, small):
    # The same windows twice: followed by their values, then by those + 1.
    X = np.concatenate([small.X_train, small.X_train])
    y = np.concatenate([small.y_train, small.y_train + 1.0])
    n = len(small.X_train)
    params = {"units": 4, "epochs": 3, "learning_rate": 0.05, "random_state": 0}
    forecasts = [
        Forecaster(**params)
        .fit(X, y, sample_weight=np.repeat(w, n))
        .predict(small.X_test)
        for w in ([1.0, 0.01], [0.01, 1.0])
    ]
    # Toward the +1 regime, by about 0.9 (RNN) and 0.3 (seq2seq, whose loss
    # over every step sees y in the last steps' targets only) in 3 epochs.
    lifted = np.mean(forecasts[1] - forecasts[0])
    assert lifted > 0.15, lifted


def test_neural_sample_weight_none_trains_as_without_weights(small, tiny_fits):
    weighted = RNNForecaster(**TINY, random_state=0).fit(
        small.X_train, small.y_train, sample_weight=None
    )
    a, b = (fit.predict(small.X_test) for fit in (tiny_fits[RNNForecaster], weighted))
    np.testing.assert_array_equal(a, b)
    # Batches carry no weights then, drawn as before weights existed:
    # tests/test_batches.py::test_window_batches_without_weights_are_drawn_...


def test_neural_sample_weight_counts_positive_windows_for_epochs_auto(small):
    import keras

    from rnnkit import make_windows

    # 600 windows in batches of 16 make 38 steps a pass: 20 passes ("auto"
    # aims at 500 steps). Half of them left out make 19 steps: 27 passes.
    X, y = make_windows(np.sin(np.arange(612.0) / 3), n_steps=12)
    stop = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: setattr(model.model_, "stop_training", True)
    )
    model = RNNForecaster(units=2, batch_size=16, random_state=0)
    model.fit(X, y, callbacks=[stop])
    assert stop.params["epochs"] == 20
    weights = np.tile([1.0, 0.0], 300)
    model.fit(X, y, sample_weight=weights, callbacks=[stop])
    assert stop.params["epochs"] == 27
    assert stop.params["steps"] == 19


def test_neural_validation_takes_the_last_windows_of_positive_weight():
    model = RNNForecaster(validation_fraction=0.25)
    model._window_shape = (5,)
    weights = np.array([1, 0, 2, 1, 0, 0, 1, 3, 0, 1.0])  # 6 positive
    train, valid = model._split(10, weights)
    np.testing.assert_array_equal(train, [0, 2, 3, 6])
    np.testing.assert_array_equal(valid, [7, 9])
    train, valid = model._split(8, None)
    np.testing.assert_array_equal(train, np.arange(6))
    np.testing.assert_array_equal(valid, [6, 7])


def test_neural_sample_weight_routes_through_a_pipeline(small):
    from sklearn import config_context
    from sklearn.pipeline import make_pipeline

    X, y, weights = glued_with_garbage(small.X_train, small.y_train)
    direct = RNNForecaster(**TINY, random_state=0).fit(X, y, sample_weight=weights)
    with config_context(enable_metadata_routing=True):
        model = RNNForecaster(**TINY, random_state=0)
        pipeline = make_pipeline(model.set_fit_request(sample_weight=True))
        pipeline.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(
        pipeline.predict(small.X_test), direct.predict(small.X_test)
    )
