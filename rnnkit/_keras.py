"""Load Keras on first use, so ``import rnnkit`` stays light, and keep it quiet."""

import contextlib
import contextvars
import functools
import importlib
import logging
import os
import re
import sys
import tempfile
import threading

from ._backends import limit_threads
from ._install import install_extra

# TensorFlow's C++ log level: "2" hides its INFO and WARNING lines, keeps errors.
TF_LOG_LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
TF_QUIET_LOG_LEVEL = "2"
# An INFO line of TensorFlow's C++ log (absl), and the note absl prints before
# the first line of a process ("before absl::InitializeLog() is called ...").
_INFO_LINE = re.compile(rb"^I\d{4} [\d:.]+ +\d+ [^ ]+:\d+\] ")
_ABSL_NOTE = b"WARNING: All log messages before absl::InitializeLog() is called"
RETRACING_WARNING = "triggered tf.function retracing"

_inside_rnnkit = contextvars.ContextVar("rnnkit_inside_keras_call", default=False)
_stderr_lock = threading.RLock()
_LEVEL_SET_BY_RNNKIT = "RNNKIT_SET_TF_CPP_MIN_LOG_LEVEL"


@contextlib.contextmanager
def quiet_tensorflow_startup():
    """Hide TensorFlow's start-up log lines while the body may import it.

    Unless the user set ``TF_CPP_MIN_LOG_LEVEL``, it is set to ``"2"`` before
    TensorFlow is imported (it reads it then). TensorFlow's shared libraries
    still print INFO notes (oneDNN) as they load, before they read it, so
    file descriptor 2 is captured while the body runs and passed on without
    those notes. Wrap anything that may import TensorFlow: Keras, or a cell
    plugin that imports Keras.
    """
    level = os.environ.get(TF_LOG_LEVEL_VARIABLE)
    users_level = level is not None and level != os.environ.get(_LEVEL_SET_BY_RNNKIT)
    if "tensorflow" in sys.modules or users_level:
        yield
        return
    # The second variable says the level is rnnkit's, also to worker processes
    # (joblib's, Dask's), which inherit the environment.
    os.environ[TF_LOG_LEVEL_VARIABLE] = TF_QUIET_LOG_LEVEL
    os.environ[_LEVEL_SET_BY_RNNKIT] = TF_QUIET_LOG_LEVEL
    captured = []
    try:
        with _stderr_lock, _captured_stderr() as captured:
            yield
    finally:
        kept = b"".join(
            line
            for line in captured
            if not (_INFO_LINE.match(line) or line.startswith(_ABSL_NOTE))
        )
        if kept:
            sys.stderr.flush()
            os.write(2, kept)


@contextlib.contextmanager
def _captured_stderr():
    """Redirect file descriptor 2 to a temporary file; yield its lines after."""
    lines = []
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to capture
        yield lines
        return
    with tempfile.TemporaryFile() as file:
        sys.stderr.flush()
        os.dup2(file.fileno(), 2)
        try:
            yield lines
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            file.seek(0)
            lines.extend(file.readlines())


@functools.cache
def import_keras():
    """Return the ``keras`` module, configured for this process.

    Raises
    ------
    ImportError
        If Keras or its backend is not installed, naming the extra to install.
    """
    try:
        with quiet_tensorflow_startup():
            import keras
    except ImportError as error:
        raise ImportError(
            "rnnkit's neural forecasters need Keras 3 and a backend. Install "
            "one with: pip install 'rnnkit[cpu]' (small CPU-only TensorFlow), "
            "pip install 'rnnkit[tensorflow]', or pip install 'rnnkit[jax]' and "
            "set KERAS_BACKEND=jax; from a clone of the repository, "
            f'pip install -e ".[cpu]" (or ".[jax]"). ({error})'
        ) from error
    limit_threads(keras)
    if keras.backend.backend() == "tensorflow":
        logging.getLogger("tensorflow").addFilter(_RetracingFilter())
    return keras


def quiet_keras_calls(method):
    """Decorate a method that trains or runs Keras models: no retracing warnings.

    Keras compiles a ``tf.function`` per model, and TensorFlow counts the
    traces of every model's function together: after a few fitted models (a
    grid search, cross-validation, a loop of ``score``), it warns about
    "retracing" that is one trace per new model, as it should be. The warning
    is dropped only inside rnnkit's own calls; a user's own ``tf.function``
    still warns.
    """

    @functools.wraps(method)
    def quiet(*args, **kwargs):
        token = _inside_rnnkit.set(True)
        try:
            return method(*args, **kwargs)
        finally:
            _inside_rnnkit.reset(token)

    return quiet


class _RetracingFilter(logging.Filter):
    """Drop TensorFlow's retracing warning raised inside rnnkit's calls."""

    def filter(self, record):
        return not (_inside_rnnkit.get() and RETRACING_WARNING in record.getMessage())


def describe_backend():
    """One line naming Keras and its backend, with versions, for the CLI.

    Imports Keras (and so its backend); says what to install if it is missing.
    """
    try:
        keras = import_keras()
    except ImportError:
        return f"Keras not installed: {install_extra('cpu')}"
    backend = keras.backend.backend()
    version = getattr(importlib.import_module(backend), "__version__", "?")
    return f"Keras {keras.__version__}, backend {backend} {version}"
