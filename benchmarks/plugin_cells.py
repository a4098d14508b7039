"""Seq2seq last-step MSE of every installed cell on the seed's 10-step split.

Run: python benchmarks/plugin_cells.py [--epochs 20] [--write]

Seq2SeqForecaster with its defaults but the cell, for the built-in cells and
every installed plugin cell (install plugins/rnnkit-layernorm and
plugins/rnnkit-peephole first), one after the other in one process.
``--write`` puts the table into benchmarks/README.md.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from _readme import write_section

import rnnkit
from rnnkit import Seq2SeqForecaster
from rnnkit.datasets import load_two_sines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data = load_two_sines(horizon=10)
    lines = [
        "| cell | distribution | last-step test MSE | fit s |",
        "| --- | --- | --- | --- |",
    ]
    print("\n".join(lines), flush=True)
    for cell, info in rnnkit.list_cells().items():
        model = Seq2SeqForecaster(cell=cell, epochs=args.epochs, random_state=0)
        start = time.perf_counter()
        model.fit(data.X_train, data.y_train)
        seconds = time.perf_counter() - start
        mse = float(np.mean((model.predict(data.X_test) - data.y_test) ** 2))
        lines.append(f"| {cell} | {info.distribution} | {mse:.5f} | {seconds:.0f} |")
        print(lines[-1], flush=True)
    if args.write:
        heading = (
            f"{args.epochs} epochs, seed 0, Seq2SeqForecaster defaults but the cell."
        )
        write_section("plugin_cells", heading + "\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
