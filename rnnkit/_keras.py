"""Load Keras on first use, so ``import rnnkit`` stays light."""

import functools

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
