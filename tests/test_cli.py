import subprocess
import sys

import pytest

import rnnkit
from rnnkit._cli import main


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"rnnkit {rnnkit.__version__}"


def test_cli_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "rnnkit", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("usage: rnnkit")
