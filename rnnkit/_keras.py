"""Load Keras on first use, so ``import rnnkit`` stays light."""

import functools
import os


@functools.cache
def import_keras():
    """Return the ``keras`` module, configured for this process.

    Raises
    ------
    ImportError
        If Keras or its backend is not installed, naming the extra to install.
    """
    _limit_tensorflow_threads()
    try:
        import keras
    except ImportError as error:
        raise ImportError(
            "rnnkit's neural forecasters need Keras 3 and a backend. Install "
            "one with: pip install 'rnnkit[cpu]' (small CPU-only TensorFlow) or "
            f"pip install 'rnnkit[tensorflow]'. ({error})"
        ) from error
    return keras


def _limit_tensorflow_threads():
    """Size TensorFlow's thread pools to this process's share of the cores.

    joblib's process workers set ``OMP_NUM_THREADS`` to the cores each worker
    may use, but TensorFlow sizes its pools from the machine's core count. The
    pools can only be sized before TensorFlow initialises, so this runs before
    Keras is first imported; in a process where TensorFlow already runs it does
    nothing.
    """
    threads = os.environ.get("OMP_NUM_THREADS", "")
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if not threads.isdigit() or backend != "tensorflow":
        return
    try:
        import tensorflow as tf
    except ImportError:
        return
    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(threads))
        tf.config.threading.set_inter_op_parallelism_threads(int(threads))
    except RuntimeError:
        pass  # TensorFlow already initialised its pools in this process.
