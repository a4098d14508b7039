"""GridSearchCV over RNNForecaster: n_jobs=2 against n_jobs=1, cold and warm.

Run: python benchmarks/parallel_search.py [--backends jax jax+cache tensorflow]
                                          [--repeats 3] [--write]

A small grid, as a user's first search would be: 4 candidates (cell x units) on
300 of the seed's 10-step windows, 3-fold time-ordered CV, 3 epochs per fit.

Each measurement runs in a fresh process (this script again, with ``--search``)
that runs the same search twice: the first search is what a user waits for the
first time (``n_jobs=2``: joblib starts its worker processes, which import
scikit-learn, rnnkit and Keras, then compile each network; ``n_jobs=1``: the
process imports Keras itself), the second reuses the warm workers (joblib keeps
them for the next search). ``jax+cache`` runs JAX with its persistent
compilation cache. Serial and parallel processes alternate, ``--repeats`` times
per backend; the table gives the median wall and CPU seconds (the process and
its workers), their range, and the speed-up of the median wall seconds.
``--write`` puts the table into benchmarks/README.md.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _readme import write_section

SEARCHES = ("first", "second")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", nargs="+", default=["jax", "jax+cache", "tensorflow"]
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--search", type=int, metavar="N_JOBS")
    args = parser.parse_args()
    if args.search is not None:
        print(json.dumps(run_searches(args.search)))
        return
    results, load_before = {}, os.getloadavg()[0]
    for backend in args.backends:
        if importlib.util.find_spec(backend.split("+")[0]) is None:
            print(f"skipped: {backend} is not installed", flush=True)
            continue
        for repeat in range(args.repeats):
            for n_jobs in (1, 2):
                run = run_process(backend, n_jobs)
                results.setdefault((backend, n_jobs), []).append(run)
                print(f"{backend} n_jobs={n_jobs} #{repeat + 1}: {run}", flush=True)
    table = format_table(results, args.repeats, (load_before, os.getloadavg()[0]))
    print(table)
    if args.write:
        write_section("parallel_search", table)


def run_process(backend, n_jobs):
    """Run both searches in a fresh process; ``jax+cache``: with an empty cache.

    The cache is JAX's persistent compilation cache, in a folder of its own for
    each process, so that its first search starts cold; the workers inherit
    the environment and so share it.
    """
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "KERAS_BACKEND": backend.split("+")[0]}
        if backend.endswith("+cache"):
            env |= {
                "JAX_COMPILATION_CACHE_DIR": cache,
                "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
            }
        done = subprocess.run(
            [sys.executable, __file__, "--search", str(n_jobs)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.splitlines()[-1])


def run_searches(n_jobs):
    """Run the search twice in this process; the seconds and scores of each."""
    import numpy as np
    from sklearn.model_selection import GridSearchCV

    from rnnkit import RNNForecaster, window_split
    from rnnkit.datasets import load_two_sines

    data = load_two_sines(horizon=10, n_series=400)
    X, y = data.X_train[:300], data.y_train[:300]
    grid = {"cell": ["simple", "gru"], "units": [16, 32]}
    cv = window_split(n_steps=50, horizon=10, n_splits=3)
    run = {}
    for name in SEARCHES:
        search = GridSearchCV(
            RNNForecaster(epochs=3, random_state=0),
            grid,
            cv=cv,
            n_jobs=n_jobs,
            refit=False,
        )
        start, cpu_start = time.perf_counter(), cpu_seconds()
        search.fit(X, y)
        run[name] = time.perf_counter() - start
        run[f"{name}_cpu"] = cpu_seconds() - cpu_start
        scores = search.cv_results_["mean_test_score"]
        run[f"{name}_scores"] = np.round(scores, 12).tolist()
    return run


def cpu_seconds():
    """CPU seconds used so far by this process and its children (joblib's workers).

    The live workers are read from /proc (Linux); ``os.times`` counts those
    already ended.
    """
    times = os.times()
    total = times.user + times.system + times.children_user + times.children_system
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == os.getpid():
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def format_table(results, repeats, load):
    lines = [
        "| backend | search | `n_jobs=1` s | `n_jobs=2` s | speed-up "
        "| `n_jobs=1` CPU s | `n_jobs=2` CPU s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    identical = True
    for backend in dict.fromkeys(b for b, _ in results):
        serial, parallel = results[backend, 1], results[backend, 2]
        for name in SEARCHES:
            one, two = _seconds(serial, name), _seconds(parallel, name)
            label = "first (cold workers)" if name == "first" else "second (warm)"
            lines.append(
                f"| {backend} | {label} | {_median_range(one)} "
                f"| {_median_range(two)} "
                f"| {statistics.median(one) / statistics.median(two):.2f}x "
                f"| {_median_range(_seconds(serial, f'{name}_cpu'))} "
                f"| {_median_range(_seconds(parallel, f'{name}_cpu'))} |"
            )
            scores = {json.dumps(r[f"{name}_scores"]) for r in serial + parallel}
            identical &= len(scores) == 1
    lines += [
        "",
        f"Median of {repeats} fresh processes each (range in brackets), "
        f"{os.cpu_count()} CPU cores, load average {load[0]:.1f} before and "
        f"{load[1]:.1f} after the run. CPU s: the search's own process plus "
        f"joblib's workers. Identical scores in every search: {identical}.",
    ]
    return "\n".join(lines)


def _seconds(runs, name):
    return [r[name] for r in runs]


def _median_range(seconds):
    return f"{statistics.median(seconds):.1f} ({min(seconds):.1f}-{max(seconds):.1f})"


if __name__ == "__main__":
    main()
