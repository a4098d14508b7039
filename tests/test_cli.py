"""The ``rnnkit`` command: arguments, errors, version, help, compare, plugins.

``rnnkit forecast``'s own work is tested in test_forecast.py.
"""

import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import rnnkit
from rnnkit.cli import main
from tests.helpers import assert_one_line_error, assert_png, run_cli

# --- the command itself ----------------------------------------------------------


def test_cli_version_names_keras_and_its_backend(capsys):
    import keras

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    backend = keras.backend.backend()
    assert capsys.readouterr().out.startswith(
        f"rnnkit {rnnkit.__version__} (Keras {keras.__version__}, backend {backend} "
    )


def _run_module(*args, **env):
    """``python -m rnnkit ARGS`` in a fresh process; its standard output."""
    return subprocess.run(
        [sys.executable, "-m", "rnnkit", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout


def test_cli_version_follows_keras_backend_variable():
    assert "backend numpy " in _run_module("--version", KERAS_BACKEND="numpy")


def test_cli_prints_no_tensorflow_startup_lines():
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-m", "rnnkit", "--version"],
        capture_output=True,
        text=True,
        env={**environment, "KERAS_BACKEND": "tensorflow"},
    )
    assert "backend tensorflow" in result.stdout
    assert result.stderr == ""


def test_cli_runs_as_module():
    out = _run_module("--help")
    assert out.startswith("usage: rnnkit")
    assert "compare" in out and "forecast" in out


def test_cli_without_command_prints_help(capsys):
    status, out, _ = run_cli(capsys)
    assert status == 0
    assert out.startswith("usage: rnnkit")


# --- rnnkit compare -----------------------------------------------------------------


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
    assert "neural models: rnnkit's defaults, epochs=1; Keras" in out
    results = document["results"]
    assert [(r["model"], r["cell"]) for r in results] == [
        ("naive", None),
        ("rnn", "simple"),
        ("seq2seq", "simple"),
    ]
    assert results[1]["seed_mse"] == 0.0151
    assert all(np.isfinite(r["test_mse"]) and r["fit_seconds"] >= 0 for r in results)
    assert_png(plot)


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


def test_plot_without_matplotlib_exits_2(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    plot = tmp_path / "compare.png"
    status, out, err = run_cli(capsys, "compare", "--models", "naive", "--plot", plot)
    assert_one_line_error(
        status,
        err,
        '--plot needs matplotlib, which is not installed: pip install "rnnkit[plot]", '
        'or from a clone of rnnkit: pip install -e ".[plot]"; or leave out --plot.',
    )
    assert out == "" and not plot.exists()


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


# --- rnnkit forecast: its arguments and help (its work: test_forecast.py) --------


@pytest.mark.parametrize(
    "argv, fragment",
    [
        ([], "the following arguments are required: FILE.csv (see `rnnkit forecast "),
        (["{csv}", "--horizon", "0"], "expected a positive integer, got '0' (see"),
        (["{csv}", "--epochs", "many"], "--epochs: expected a positive integer"),
        (["{csv}", "--season", "1"], "a season holds at least 2 values, got '1'"),
        (["{csv}", "--magic"], "unrecognized arguments: --magic (see `rnnkit "),
    ],
)
def test_forecast_argparse_errors_are_one_line(capsys, co2_csv, argv, fragment):
    argv = [str(co2_csv) if arg == "{csv}" else arg for arg in argv]
    status, out, err = run_cli(capsys, "forecast", *argv)
    assert_one_line_error(status, err, fragment, "--help`).")
    assert out == ""


def test_cli_unknown_command_is_one_line(capsys):
    status, _, err = run_cli(capsys, "magic")
    assert_one_line_error(status, err, "invalid choice: 'magic'", "`rnnkit --help`")


def test_forecast_help_shows_a_plain_percent(capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "The last 20% of the series" in out
    assert "%%" not in out


# --- rnnkit plugins ----------------------------------------------------------------


def test_plugins_lists_cells_as_table_and_json(capsys):
    assert main(["plugins"]) == 0
    heading, blank, *table = capsys.readouterr().out.splitlines()
    assert heading.startswith("Keras ") and " backend " in heading
    assert blank == ""
    assert table[0].split() == ["cell", "distribution", "version", "description"]
    assert [line.split()[0] for line in table[1:]] == ["gru", "lstm", "simple"]
    assert main(["plugins", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing[1] == {
        "cell": "lstm",
        "distribution": "rnnkit",
        "version": rnnkit.__version__,
        "description": "Long short-term memory (Keras LSTM)",
    }
