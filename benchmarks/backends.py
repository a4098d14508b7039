"""rnnkit on each Keras backend, beside plain Keras on TensorFlow, in one run.

Run: python benchmarks/backends.py [--epochs 20] [--backends tensorflow jax torch]
                                   [--reference tensorflow] [--cells simple lstm gru]
                                   [--write]

Keras fixes its backend when it is first imported, so every measurement runs in
a process of its own (this script again, with ``--worker``), one after another:
plain Keras on the reference backend first, then rnnkit on each backend asked
for that is installed. Each trains the seed's deep networks -- SimpleRNN, LSTM
and GRU, 20 units x 2 -> Dense(10), on the 7,000 windows x 50 steps of the
10-step split, batch 32, Adam 0.001, seed 0 -- and reports seconds per epoch
(building, compiling and training the network, divided by the epochs: what
rnnkit's ``fit`` does), test MSE, and the median time to forecast 1 and 1,000
windows after a warm-up call (Keras' ``model.predict`` for plain Keras,
``predict`` for rnnkit). ``--write`` puts the table into benchmarks/README.md.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

from _readme import write_section

CELLS = ("simple", "lstm", "gru")
LATENCY_REPEATS = 30


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax", "torch"])
    parser.add_argument("--reference", default="tensorflow")
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=CELLS)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("RUNNER", "BACKEND"))
    args = parser.parse_args()
    if args.worker:
        runner, backend = args.worker
        print(json.dumps(measure(runner, args.epochs, args.cells)))
        return
    results = {}
    runs = [("keras", args.reference)] + [("rnnkit", b) for b in args.backends]
    for runner, backend in runs:
        if importlib.util.find_spec(backend) is None:
            print(f"skipped: {backend} is not installed", flush=True)
            continue
        results[runner, backend] = run_worker(runner, backend, args)
        print(f"done: {label(runner, backend)}", flush=True)
    table = format_table(results, ("keras", args.reference), args)
    print(table)
    if args.write:
        write_section("backends", table)


def run_worker(runner, backend, args):
    command = [sys.executable, __file__, "--worker", runner, backend]
    command += ["--epochs", str(args.epochs), "--cells", *args.cells]
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{label(runner, backend)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one process: one runner on one backend ---------------------------------


def measure(runner, epochs, cells):
    import keras
    import numpy as np

    from rnnkit.datasets import load_two_sines

    data = load_two_sines(horizon=10)
    rows = {}
    for cell in cells:
        fit, predict = (plain_keras if runner == "keras" else rnnkit_estimator)(
            keras, cell, data, epochs
        )
        start = time.perf_counter()
        fit()
        seconds = time.perf_counter() - start
        mse = float(np.mean((predict(data.X_test) - data.y_test) ** 2))
        rows[cell] = {
            "s_per_epoch": seconds / epochs,
            "mse": mse,
            "predict_1_ms": median_ms(predict, data.X_test[:1]),
            "predict_1000_ms": median_ms(predict, data.X_test[:1000]),
        }
    rows["keras"], rows["backend"] = keras.__version__, version_of(keras)
    return rows


def plain_keras(keras, cell, data, epochs):
    """The chapter's network, built, compiled and trained the way its notes do.

    Building and compiling are timed with the training, as they are inside
    rnnkit's ``fit`` (on JAX, initialising the weights compiles programs too).
    """
    layer = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}[cell]
    layer = getattr(keras.layers, layer)
    keras.utils.set_random_seed(0)
    trained = []

    def fit():
        model = keras.Sequential(
            [
                keras.Input((50, 1)),
                layer(20, return_sequences=True),
                layer(20),
                keras.layers.Dense(10),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mse")
        X = data.X_train[..., None]
        model.fit(X, data.y_train, epochs=epochs, batch_size=32, verbose=0)
        trained.append(model)

    return fit, lambda X: trained[-1].predict(X[..., None], verbose=0)


def rnnkit_estimator(keras, cell, data, epochs):
    from rnnkit import RNNForecaster

    # The chapter's network and training, as the plain-Keras reference has them.
    model = RNNForecaster(
        cell=cell,
        units=(20, 20),
        learning_rate=0.001,
        learning_rate_schedule="constant",
        scaler="standard",
        epochs=epochs,
        random_state=0,
    )
    return lambda: model.fit(data.X_train, data.y_train), model.predict


def median_ms(predict, X):
    import numpy as np

    predict(X)  # warm-up: tracing and compilation are not part of a forecast
    times = []
    for _ in range(LATENCY_REPEATS):
        start = time.perf_counter()
        predict(X)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def version_of(keras):
    backend = keras.backend.backend()
    return f"{backend} {importlib.import_module(backend).__version__}"


# --- the table -----------------------------------------------------------------


def label(runner, backend):
    return f"{'plain Keras' if runner == 'keras' else 'rnnkit'} on {backend}"


def format_table(results, reference, args):
    columns = ["network", "runs on", "s/epoch", "fit time vs plain Keras"]
    columns += ["test MSE", "predict 1 window, ms", "predict 1,000 windows, ms"]
    lines = ["| " + " | ".join(columns) + " |", "| --- " * len(columns) + "|"]
    base = results.get(reference)
    for cell in args.cells:
        for (runner, backend), rows in results.items():
            row = rows[cell]
            ratio = row["s_per_epoch"] / base[cell]["s_per_epoch"] if base else None
            cells = [
                f"{cell} 20x2 -> Dense(10)",
                label(runner, backend),
                f"{row['s_per_epoch']:.2f}",
                "-" if ratio is None else f"{ratio:.2f}x",
                f"{row['mse']:.5f}",
                f"{row['predict_1_ms']:.2f}",
                f"{row['predict_1000_ms']:.1f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    keras_versions = sorted({rows["keras"] for rows in results.values()})
    backends = sorted({rows["backend"] for rows in results.values()})
    cores = len(os.sched_getaffinity(0))
    note = (
        f"{args.epochs} epochs, batch 32, seed 0, {cores} CPU cores; Keras "
        f"{', '.join(keras_versions)} on {', '.join(backends)}"
    )
    return note + ".\n\n" + "\n".join(lines)


if __name__ == "__main__":
    main()
