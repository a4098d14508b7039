"""Helpers several test modules share: run the CLI, run Python in a fresh process,
run a small grid search."""

import os
import subprocess
import sys

from rnnkit import RNNForecaster, window_split
from rnnkit.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The built-in cells conftest's ``fresh_process_forecasts`` unpickles in a new
# process: all but the first, whose fresh-process check the kit itself runs.
FRESH_PROCESS_CELLS = ["lstm", "gru"]


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


def grid_search(data, n_jobs, grid=None, refit=True):
    """The small neural grid search run in parallel by test_neural_search and
    test_dask, and serially once by conftest's ``serial_search``. ``refit=False``
    saves the best candidate's fit where only the scores are compared."""
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(
        RNNForecaster(epochs=1, random_state=0),
        grid or {"units": [2, 3], "cell": ["simple", "gru"]},
        cv=window_split(n_steps=10, horizon=2, n_splits=2),
        n_jobs=n_jobs,
        refit=refit,
    )
    return search.fit(data.X_train, data.y_train)
