"""Every model of the seed chapter: rnnkit beside the same network in plain Keras.

Run: python benchmarks/seed_table.py [--epochs 20] [--write]

For each model it trains the rnnkit estimator and the chapter's plain-Keras
network on the same data in the same process, and reports test MSE and fit
seconds for both, with the chapter's figure where it printed one. It also times a
one-window forecast: rnnkit's ``predict`` against Keras' ``model.predict``.
``--write`` puts the Markdown table into benchmarks/README.md.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
from _readme import write_section

from rnnkit import (
    LinearForecaster,
    NaiveForecaster,
    RNNForecaster,
    Seq2SeqForecaster,
)
from rnnkit.datasets import load_two_sines

LAYERS = {
    "simple": keras.layers.SimpleRNN,
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
}
# The chapter's own printed figures (and the linear figure quoted in issue 2).
SEED = {
    "naive, 1 step": 0.0206,
    "linear, 1 step": 0.0042,
    "deep RNN, dense head, 10 steps": 0.0151,
}
TUNED = {"units": 32, "learning_rate": 0.01, "learning_rate_schedule": "cosine"}
# The chapter's networks and training, spelled out (rnnkit 0.1's defaults): the
# table reproduces the chapter, whatever today's defaults are.
CHAPTER = {"cell": "simple", "units": (20, 20), "scaler": "standard"}
CHAPTER_RNN = {**CHAPTER, "learning_rate": 0.001, "learning_rate_schedule": "constant"}


def keras_dense_rnn(cell, units, horizon):
    layer = LAYERS[cell]
    layers = [keras.Input((50, 1))]
    layers += [
        layer(n, return_sequences=i < len(units) - 1) for i, n in enumerate(units)
    ]
    layers.append(keras.layers.Dense(horizon))
    return keras.Sequential(layers)


def keras_seq2seq(cell, horizon):
    layer = LAYERS[cell]
    return keras.Sequential(
        [
            keras.Input((50, 1)),
            layer(20, return_sequences=True),
            layer(20, return_sequences=True),
            keras.layers.Dense(horizon),
        ]
    )


def seq2seq_targets(X, y):
    series = np.concatenate([X, y], axis=1)
    horizon = y.shape[1]
    return np.stack([series[:, k + 1 : k + 1 + 50] for k in range(horizon)], axis=-1)


def fit_keras(model, data, epochs, learning_rate=0.001, seq2seq=False):
    keras.utils.set_random_seed(0)
    model = keras.models.clone_model(model)  # fresh weights under the seed
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    y_train = seq2seq_targets(data.X_train, data.y_train) if seq2seq else data.y_train
    start = time.perf_counter()
    model.fit(data.X_train[..., None], y_train, epochs=epochs, batch_size=32, verbose=0)
    seconds = time.perf_counter() - start
    pred = model.predict(data.X_test[..., None], verbose=0)
    pred = pred[:, -1, :] if seq2seq else pred.reshape(data.y_test.shape)
    return float(np.mean((pred - data.y_test) ** 2)), seconds


def fit_rnnkit(estimator, data):
    start = time.perf_counter()
    estimator.fit(data.X_train, data.y_train)
    seconds = time.perf_counter() - start
    return float(np.mean((estimator.predict(data.X_test) - data.y_test) ** 2)), seconds


def rows(epochs):
    one, ten = load_two_sines(horizon=1), load_two_sines(horizon=10)
    neural = {"epochs": epochs, "random_state": 0}
    flat = keras.Sequential(
        [keras.Input((50, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    yield "naive, 1 step", one, NaiveForecaster(), None
    yield "linear, 1 step", one, LinearForecaster(), (flat, {})
    yield (
        "simple RNN (1 unit), 1 step",
        one,
        RNNForecaster(**{**CHAPTER_RNN, "units": 1}, **neural),
        (keras.Sequential([keras.Input((50, 1)), keras.layers.SimpleRNN(1)]), {}),
    )
    yield (
        "deep RNN, dense head, 1 step",
        one,
        RNNForecaster(**CHAPTER_RNN, **neural),
        (keras_dense_rnn("simple", (20, 20), 1), {}),
    )
    yield (
        "deep RNN, dense head, 10 steps",
        ten,
        RNNForecaster(**CHAPTER_RNN, **neural),
        (keras_dense_rnn("simple", (20, 20), 10), {}),
    )
    for cell in ("simple", "lstm", "gru"):
        yield (
            f"seq2seq {cell}, 10 steps (last step)",
            ten,
            Seq2SeqForecaster(**{**CHAPTER, "cell": cell}, **neural),
            (keras_seq2seq(cell, 10), {"learning_rate": 0.01, "seq2seq": True}),
        )
    yield (
        "encoder-decoder gru, 10 steps",
        ten,
        Seq2SeqForecaster(
            architecture="encoder_decoder", **{**CHAPTER, "cell": "gru"}, **neural
        ),
        None,
    )
    for cell in ("lstm", "gru"):
        yield (
            f"tuned RNN {cell}, 1 step",
            one,
            RNNForecaster(cell=cell, **TUNED, **neural),
            None,
        )
        yield (
            f"tuned RNN {cell}, 10 steps",
            ten,
            RNNForecaster(cell=cell, **TUNED, **neural),
            None,
        )
    yield (
        "tuned seq2seq gru, 10 steps",
        ten,
        Seq2SeqForecaster(cell="gru", **TUNED, **neural),
        None,
    )


def predict_latency(estimator, X):
    window = X[:1]
    estimator.predict(window), estimator.model_.predict(window[..., None], verbose=0)

    def median_ms(call, repeat=30):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return 1000 * float(np.median(times))

    ours = median_ms(lambda: estimator.predict(window))
    theirs = median_ms(lambda: estimator.model_.predict(window[..., None], verbose=0))
    return ours, theirs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    columns = ["model", "rnnkit test MSE", "plain Keras test MSE", "seed figure"]
    columns += ["rnnkit fit s", "Keras fit s", "fit time ratio"]
    header = "| " + " | ".join(columns) + " |\n" + "| --- " * len(columns) + "|"
    lines = [header]
    print(header, flush=True)
    default_rnn = None
    for name, data, estimator, reference in rows(args.epochs):
        mse, seconds = fit_rnnkit(estimator, data)
        if name == "deep RNN, dense head, 1 step":
            default_rnn = (estimator, data.X_test)
        k_mse, k_seconds = (
            fit_keras(reference[0], data, args.epochs, **reference[1])
            if reference
            else (None, None)
        )
        ratio = None if k_seconds is None or seconds < 0.5 else seconds / k_seconds
        cells = [name, f"{mse:.5f}", _fmt(k_mse, ".5f"), _fmt(SEED.get(name), ".4f")]
        cells += [f"{seconds:.1f}", _fmt(k_seconds, ".1f"), _fmt(ratio, ".2f")]
        line = "| " + " | ".join(cells) + " |"
        lines.append(line)
        print(line, flush=True)
    ours, theirs = predict_latency(*default_rnn)
    latency = (
        "\nOne-window forecast with the default RNNForecaster: "
        f"`predict` {ours:.1f} ms, Keras `model.predict` {theirs:.1f} ms "
        f"(ratio {ours / theirs:.3f})."
    )
    print(latency)
    if args.write:
        write_readme("\n".join(lines) + "\n" + latency, args.epochs)


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def write_readme(table, epochs):
    heading = (
        f"{epochs} epochs, batch 32, seed 0, {os.cpu_count()} CPU cores, "
        f"Keras {keras.__version__} ({keras.backend.backend()})."
    )
    write_section("seed_table", f"{heading}\n\n{table}")


if __name__ == "__main__":
    main()
