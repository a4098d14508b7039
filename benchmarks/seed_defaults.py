"""The neural forecasters' defaults on the seed chapter's data: 0.1's against today's.

Run: python benchmarks/seed_defaults.py [--write]

Fits RNNForecaster and Seq2SeqForecaster at today's defaults and as rnnkit 0.1
fitted them (its defaults written out as parameters, and its training loop: one
batch per call of Keras' training function) on the chapter's 1-step and 10-step
splits, one after
the other in one process, and prints test MSE and fit seconds side by side with
the goals of the real-data issue (1-step MSE at most 0.0015, 10-step at most
0.0030) and the ratio of fit times: wall-clock, and CPU seconds of the process
(all its threads), which other work sharing the cores moves far less.
``--write`` puts the table into benchmarks/README.md.
"""

import argparse
import contextlib
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from _readme import write_section

from rnnkit import RNNForecaster, Seq2SeqForecaster, _backends
from rnnkit.datasets import load_two_sines

# rnnkit 0.1's defaults, which 0.2 changed.
OLD = {
    RNNForecaster: {
        "cell": "simple",
        "units": (20, 20),
        "epochs": 20,
        "learning_rate": 0.001,
        "learning_rate_schedule": "constant",
        "scaler": "standard",
        "highway": False,
    },
    Seq2SeqForecaster: {
        "cell": "simple",
        "units": (20, 20),
        "epochs": 20,
        "scaler": "standard",
        "highway": False,
    },
}
GOALS = {1: 0.0015, 10: 0.0030}


@contextlib.contextmanager
def one_batch_per_call():
    """0.1's training loop: Keras' own default, one batch per call of its step.

    Today's fits run ``STEPS_PER_EXECUTION`` batches per call; a fit inside
    this block runs one, as every fit of 0.1 did.
    """
    saved = _backends.STEPS_PER_EXECUTION
    _backends.STEPS_PER_EXECUTION = 1
    try:
        yield
    finally:
        _backends.STEPS_PER_EXECUTION = saved


def fit_and_score(estimator, data):
    start, cpu_start = time.perf_counter(), time.process_time()
    estimator.fit(data.X_train, data.y_train)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    mse = float(np.mean((estimator.predict(data.X_test) - data.y_test) ** 2))
    return mse, seconds, cpu_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--params",
        type=json.loads,
        default={},
        help="JSON of parameters to change in today's defaults (for experiments)",
    )
    parser.add_argument("--models", nargs="+", metavar="CLASS", help="a subset")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    import keras

    lines = [
        "| model | horizon | 0.1 defaults MSE | defaults MSE | goal | "
        "0.1 fit s | fit s | fit time ratio | CPU s ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    print("\n".join(lines), flush=True)
    for horizon in (1, 10):
        data = load_two_sines(horizon=horizon)
        for Forecaster, old_params in OLD.items():
            if args.models and Forecaster.__name__ not in args.models:
                continue
            with one_batch_per_call():
                old = fit_and_score(Forecaster(random_state=0, **old_params), data)
            new = fit_and_score(Forecaster(random_state=0, **args.params), data)
            line = (
                f"| {Forecaster.__name__} | {horizon} | {old[0]:.5f} | {new[0]:.5f} | "
                f"{GOALS[horizon]} | {old[1]:.1f} | {new[1]:.1f} | "
                f"{new[1] / old[1]:.2f} | {new[2] / old[2]:.2f} |"
            )
            lines.append(line)
            print(line, flush=True)
    heading = (
        f"Seed 0, {os.cpu_count()} CPU cores, Keras {keras.__version__} "
        f"({keras.backend.backend()}); each row's two fits ran back to back, 0.1's "
        "with its one batch per call of Keras' training function"
        f"{'; defaults changed by ' + json.dumps(args.params) if args.params else ''}."
    )
    print(heading)
    if args.write:
        write_section("seed_defaults", f"{heading}\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
