"""GridSearchCV over RNNForecaster: n_jobs=2 against n_jobs=1, same run.

Run: python benchmarks/parallel_search.py

A 4-candidate grid (cell x units) on 2,000 of the seed's 10-step windows, 3-fold
time-ordered CV, 3 epochs per fit. Prints wall seconds for each, the speed-up,
and checks that both searches found identical scores.
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from sklearn.model_selection import GridSearchCV

from rnnkit import RNNForecaster, window_split
from rnnkit.datasets import load_two_sines


def search(data, n_jobs):
    grid = {"cell": ["simple", "gru"], "units": [16, 32]}
    model = RNNForecaster(epochs=3, random_state=0)
    cv = window_split(n_steps=50, horizon=10, n_splits=3)
    start = time.perf_counter()
    result = GridSearchCV(model, grid, cv=cv, n_jobs=n_jobs, refit=False)
    result.fit(data.X_train, data.y_train)
    return time.perf_counter() - start, result.cv_results_["mean_test_score"]


def main():
    data = load_two_sines(horizon=10, n_series=2_000)
    search(data, n_jobs=2)  # start the worker processes once, outside the timing
    serial_seconds, serial_scores = search(data, n_jobs=1)
    parallel_seconds, parallel_scores = search(data, n_jobs=2)
    print(f"n_jobs=1: {serial_seconds:.1f} s")
    print(f"n_jobs=2: {parallel_seconds:.1f} s")
    print(
        f"speed-up: {serial_seconds / parallel_seconds:.2f}x on {os.cpu_count()} cores"
    )
    print(f"identical scores: {np.array_equal(serial_scores, parallel_scores)}")


if __name__ == "__main__":
    main()
