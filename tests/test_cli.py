"""The ``rnnkit`` command: arguments, errors, version, help, plugins.

The work of ``rnnkit forecast`` and ``rnnkit compare`` is tested in
test_forecast.py and test_compare.py.
"""

import json
import os
import subprocess
import sys

import pytest

import rnnkit
from rnnkit.cli import main
from tests.helpers import assert_one_line_error, run_cli

# --- the command itself ------------------------------------------------------------


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


@pytest.mark.backend_independent
def test_cli_runs_as_module_and_follows_keras_backend_variable():
    out = _run_module("--version", KERAS_BACKEND="numpy")
    assert out.startswith(f"rnnkit {rnnkit.__version__} (Keras ")
    assert "backend numpy " in out


@pytest.mark.backend_independent
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


@pytest.mark.backend_independent
def test_cli_without_command_prints_help(capsys):
    status, out, _ = run_cli(capsys)
    assert status == 0
    assert out.startswith("usage: rnnkit")
    assert "compare" in out and "forecast" in out


# --- options the subcommands share -------------------------------------------------


@pytest.mark.backend_independent
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


# --- rnnkit forecast: its arguments and help (its work: test_forecast.py) ----------


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "argv, fragment",
    [
        ([], "the following arguments are required: FILE.csv (see `rnnkit forecast "),
        (["{csv}", "--horizon", "0"], "expected a positive integer, got '0' (see"),
        (["{csv}", "--epochs", "many"], "--epochs: expected a positive integer"),
        (["{csv}", "--season", "1"], "a season holds at least 2 values, got '1'"),
        (["{csv}", "--origins", "0"], "--origins: expected a positive integer"),
        (
            ["{csv}", "--coverage", "80,100"],
            "--coverage: expected coverages in percent (or fractions) separated by "
            "commas, such as 80,95 or 0.9, each below 100 %, got '80,100' (see",
        ),
        (["{csv}", "--coverage", "high"], "--coverage: expected coverages"),
        (["{csv}", "--magic"], "unrecognized arguments: --magic (see `rnnkit "),
    ],
)
def test_forecast_argparse_errors_are_one_line(capsys, co2_csv, argv, fragment):
    argv = [str(co2_csv) if arg == "{csv}" else arg for arg in argv]
    status, out, err = run_cli(capsys, "forecast", *argv)
    assert_one_line_error(status, err, fragment, "--help`).")
    assert out == ""


@pytest.mark.backend_independent
def test_cli_unknown_command_is_one_line(capsys):
    status, _, err = run_cli(capsys, "magic")
    assert_one_line_error(status, err, "invalid choice: 'magic'", "`rnnkit --help`")


@pytest.mark.backend_independent
def test_forecast_help_shows_a_plain_percent(capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: 80,95, the 80% and 95% intervals: columns lower_80," in out
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
