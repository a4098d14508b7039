"""Keras is loaded on first use, with a clear error, and keeps quiet."""

import os
import re
import sys

import pytest

from tests.helpers import run_python

# XLA's report that compiling took over a second (seen on JAX with the machine's
# cores busy): the load's doing, not noise of rnnkit's to silence.
XLA_SLOW_OPERATION_ALARM = re.compile(
    r"^E\d{4} [^\n]* slow_operation_alarm\.cc:\d+\] .*?attach the results\.\n",
    re.MULTILINE | re.DOTALL,
)


@pytest.mark.backend_independent
def test_missing_keras_error_names_the_extra_to_install():
    code = (
        "import sys; sys.modules['keras'] = None\n"
        "import numpy as np\n"
        "from rnnkit import RNNForecaster\n"
        "try:\n"
        "    RNNForecaster(epochs=1).fit(np.ones((4, 3)), np.ones(4))\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = run_python(code).stdout
    assert "pip install 'rnnkit[cpu]'" in out
    assert "rnnkit[tensorflow]" in out
    assert 'from a clone of the repository, pip install -e ".[cpu]"' in out


@pytest.mark.backend_independent
def test_backend_chosen_after_import_rnnkit_is_the_one_used():
    """Keras loads on first use, so a notebook may pick the backend late.

    A JAX fit must not drag TensorFlow in (its import alone costs seconds).
    """
    pytest.importorskip("jax")
    code = (
        "import os, sys\n"
        "import numpy as np\n"
        "from rnnkit import RNNForecaster\n"
        "os.environ['KERAS_BACKEND'] = 'jax'\n"
        "RNNForecaster(units=2, epochs=1).fit(np.ones((8, 4)), np.ones(8))\n"
        "print(sys.modules['keras'].backend.backend(), 'tensorflow' in sys.modules)\n"
    )
    result = run_python(code, KERAS_BACKEND="tensorflow")
    assert result.stdout.split()[-2:] == ["jax", "False"], result.stderr[-2000:]


def test_fit_predict_score_search_print_nothing_on_stderr(fresh_user_process):
    """No TensorFlow start-up lines, no retracing warnings: stderr stays empty.

    In a new process (tests/conftest.py), so that TensorFlow's C++ log (written
    straight to file descriptor 2) is captured, and with ``TF_CPP_MIN_LOG_LEVEL``
    unset, as a user has it: it unpickles forecasters and forecasts, then fits,
    forecasts, scores and searches (conftest's ``USER_SESSION``).
    """
    _, result = fresh_user_process
    assert result.stdout == "done\n", result.stderr[-2000:]
    assert XLA_SLOW_OPERATION_ALARM.sub("", result.stderr) == ""


@pytest.mark.backend_independent
def test_retracing_warning_dropped_only_inside_rnnkit_calls():
    import logging

    from rnnkit._keras import _RetracingFilter, quiet_keras_calls

    record = logging.LogRecord(
        "tensorflow", logging.WARNING, "", 0, "5 out of the last 6 calls to "
        "<function f> triggered tf.function retracing. Tracing is expensive",
        None, None,
    )  # fmt: skip
    kept = _RetracingFilter().filter
    assert kept(record)
    assert not quiet_keras_calls(kept)(record)
    other = logging.LogRecord("tensorflow", 30, "", 0, "other", None, None)
    assert quiet_keras_calls(kept)(other)


@pytest.mark.backend_independent
def test_tensorflow_startup_quieting_leaves_users_setting_alone(monkeypatch):
    from rnnkit._keras import quiet_tensorflow_startup

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    with quiet_tensorflow_startup():
        pass
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


@pytest.mark.backend_independent
def test_tensorflow_startup_drops_info_lines_keeps_the_rest(monkeypatch, capfd):
    """Also in a worker process, which inherits the level rnnkit set."""
    from rnnkit._keras import quiet_tensorflow_startup

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    monkeypatch.setenv("RNNKIT_SET_TF_CPP_MIN_LOG_LEVEL", "2")
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    with quiet_tensorflow_startup():
        os.write(
            2,
            b"WARNING: All log messages before absl::InitializeLog() is called "
            b"are written to STDERR\n"
            b"I0000 00:00:1795927520.955102    4575 port.cc:153] oneDNN custom "
            b"operations are on.\n"
            b"E0000 00:00:1795927520.955102    4575 gpu.cc:1] a real error\n",
        )
    assert capfd.readouterr().err == (
        "E0000 00:00:1795927520.955102    4575 gpu.cc:1] a real error\n"
    )
