"""``rnnkit compare``'s work: the table, its files, options checked, progress.

Argument parsing and the command's plumbing are tested in test_cli.py.
"""

import csv
import json
import sys

import numpy as np
import pytest

from tests.helpers import assert_one_line_error, assert_png, run_cli


@pytest.mark.backend_independent
def test_compare_baselines_table_and_csv(capsys, tmp_path):
    keras_was_loaded = "keras" in sys.modules
    output = tmp_path / "table.csv"
    status, out, _ = run_cli(
        capsys, "compare", "--models", "naive", "linear", "--n-series", 200,
        "--output", output,
    )  # fmt: skip
    assert status == 0
    assert "Keras backend" not in out
    assert keras_was_loaded or "keras" not in sys.modules
    with open(output, newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["model"], r["horizon"]) for r in rows] == [
        ("naive", "1"),
        ("linear", "1"),
        ("naive", "10"),
        ("linear", "10"),
    ]
    assert float(rows[0]["ratio_to_naive"]) == 1.0
    assert float(rows[1]["test_mse"]) < float(rows[0]["test_mse"])
    assert float(rows[0]["seed_mse"]) == 0.0206
    for line in ("naive", "linear", "0.0206", "0.0042"):
        assert line in out


def test_compare_neural_json_and_plot(capsys, tmp_path):
    output, plot = tmp_path / "table.json", tmp_path / "compare.png"
    status, out, err = run_cli(
        capsys, "compare", "--models", "naive", "rnn", "seq2seq", "--cells",
        "simple", "--horizons", 10, "--n-series", 100, "--epochs", 1,
        "--output", output, "--plot", plot, "--quiet",
    )  # fmt: skip
    assert status == 0
    assert err == ""  # --quiet: no notes
    document = json.loads(output.read_text())
    import keras

    assert document["keras_backend"] == keras.backend.backend()
    assert f"Keras backend: {keras.backend.backend()}" in out
    assert "neural models: rnnkit's defaults, epochs=1, random_state=0; Keras" in out
    results = document["results"]
    assert [(r["model"], r["cell"]) for r in results] == [
        ("naive", None),
        ("rnn", "simple"),
        ("seq2seq", "simple"),
    ]
    assert results[1]["seed_mse"] == 0.0151
    assert all(np.isfinite(r["test_mse"]) and r["fit_seconds"] >= 0 for r in results)
    assert_png(plot)


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--models", "naive", "magic"], "'magic' for --models"),
        (["--models", "rnn", "--cells", "magic"], "'magic' for --cells"),
        (["--output", "table.txt"], ".csv or .json"),
        (["--n-series", "5"], "--n-series 5"),
        (["--plot", "no/such/folder/x.png"], "does not exist"),
    ],
)
def test_compare_refuses_bad_options(capsys, argv, fragment):
    status, out, err = run_cli(capsys, "compare", *argv)
    assert_one_line_error(status, err, fragment)
    assert out == ""


def test_compare_reports_each_epoch_to_the_progress_bar():
    import contextlib

    from rnnkit.cli import compare as _compare

    details = []

    @contextlib.contextmanager
    def step(label):
        yield lambda detail: details.append((label, detail))

    plan = _compare.plan(
        models=["rnn"], cells=["simple"], horizons=[1], quick=False, epochs=2,
        n_series=100, random_state=0,
    )  # fmt: skip
    _compare.run(plan, step)
    assert details == [
        ("rnn simple, 1 step ahead", "epoch 1/2"),
        ("rnn simple, 1 step ahead", "epoch 2/2"),
    ]


def test_compare_networks_get_only_the_options_given():
    from rnnkit.cli import compare as _compare

    full = _compare.plan(models=["rnn", "seq2seq"], cells=["simple"])
    assert full.params == {}
    for run_ in full.runs:
        assert (
            _compare._estimator(run_, full).get_params()
            == type(_compare._estimator(run_, full))(cell="simple").get_params()
        )
    quick = _compare.plan(models=["rnn"], quick=True, random_state=3)
    assert quick.params == {"epochs": 3, "random_state": 3}  # fewer epochs only
