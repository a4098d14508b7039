"""Load Keras on first use, so ``import rnnkit`` stays light."""

import functools
import importlib

from ._backends import limit_threads


@functools.cache
def import_keras():
    """Return the ``keras`` module, configured for this process.

    Raises
    ------
    ImportError
        If Keras or its backend is not installed, naming the extra to install.
    """
    try:
        import keras
    except ImportError as error:
        raise ImportError(
            "rnnkit's neural forecasters need Keras 3 and a backend. Install "
            "one with: pip install 'rnnkit[cpu]' (small CPU-only TensorFlow), "
            "pip install 'rnnkit[tensorflow]', or pip install 'rnnkit[jax]' and "
            f"set KERAS_BACKEND=jax. ({error})"
        ) from error
    limit_threads(keras)
    return keras


def describe_backend():
    """One line naming Keras and its backend, with versions, for the CLI.

    Imports Keras (and so its backend); says what to install if it is missing.
    """
    try:
        keras = import_keras()
    except ImportError:
        return "Keras not installed: pip install 'rnnkit[cpu]'"
    backend = keras.backend.backend()
    version = getattr(importlib.import_module(backend), "__version__", "?")
    return f"Keras {keras.__version__}, backend {backend} {version}"
