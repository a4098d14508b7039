"""Helpers several test modules share: run the CLI, run Python in a fresh process."""

import os
import subprocess
import sys

from rnnkit.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, err, *fragments):
    assert status == 2
    assert err.startswith("rnnkit: error: ")
    assert err.strip().count("\n") == 0, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def assert_png(path):
    assert path.read_bytes()[:8] == PNG_MAGIC


def run_python(code, **env):
    """Run ``code`` with ``python -c``, TensorFlow's log off; the result."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
    )
    return result
