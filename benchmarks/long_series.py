"""Fit Seq2SeqForecaster on a one-million-point series: peak memory, measured.

Run: python benchmarks/long_series.py [--points 1000000]

The windows come from make_windows (views of the series). Materialising what a
plain Keras fit needs (the float32 window matrix and the per-step targets
(n, n_steps, horizon)) would cost the figure printed as "materialised"; rnnkit
streams batches instead. Peak memory is the process's peak resident set size
(ru_maxrss), measured before and after the fit.
"""

import argparse
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from rnnkit import Seq2SeqForecaster, make_windows


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    n_steps, horizon = 50, 10
    t = np.arange(args.points, dtype=np.float32)
    noise = np.random.default_rng(0).normal(size=args.points).astype(np.float32)
    series = np.sin(t / 20) + 0.5 * np.sin(t / 7) + 0.05 * noise
    X, y = make_windows(series, n_steps=n_steps, horizon=horizon)
    materialised = (X.size + len(X) * n_steps * horizon) * 4 / 2**20
    model = Seq2SeqForecaster(
        units=(20, 20), epochs=args.epochs, batch_size=1024, random_state=0
    )
    model.fit(X[:20_000], y[:20_000])  # import and warm up before measuring
    before = peak_rss_mb()
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    after = peak_rss_mb()
    print(f"series: {args.points:,} points, {len(X):,} windows of {n_steps} steps")
    print(f"materialised X + per-step targets would be: {materialised:,.0f} MB")
    print(f"peak RSS before fit: {before:,.0f} MB; after: {after:,.0f} MB")
    print(f"growth during the fit: {after - before:,.0f} MB; fit took {seconds:.0f} s")


if __name__ == "__main__":
    main()
