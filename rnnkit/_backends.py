"""What differs between Keras' backends, one function per concern.

rnnkit builds its networks with the public ``keras`` and ``keras.ops`` APIs
only, so they run unchanged on TensorFlow, JAX and PyTorch. The same Keras
setting does not cost the same on each backend, though: ``jit_compile=True``
means XLA on TensorFlow (worth its compile time only for long fits) but plain
``jax.jit`` on JAX (its only compiled mode: without it JAX runs op by op) and
``torch.compile`` on PyTorch. The functions here make those choices, so the
estimators never branch on the backend themselves. rnnkit never changes the
backend: Keras picks it from ``KERAS_BACKEND`` or its ``keras.json``.
"""

import os
import random

import numpy as np

# TensorFlow's XLA compile (3-5 s for the seed's networks) pays for itself
# from about this many optimizer steps on (benchmarks/README.md).
XLA_MIN_UPDATES = 1_000
# Optimizer steps Keras runs per call of its training function. rnnkit's
# networks are small, so each step costs little more than the call around it
# on TensorFlow (the seed's default fits took 0.55x to 0.70x the time with 32
# steps a call, benchmarks/README.md); on JAX Keras' loop still calls each step.
STEPS_PER_EXECUTION = 32


def training_jit_compile(keras, jit_compile, n_updates):
    """The ``jit_compile`` to train with, given the estimator's parameter.

    ``"auto"`` picks each backend's fastest mode for a fit of ``n_updates``
    optimizer steps; ``True`` and ``False`` are passed to Keras as they are.
    """
    if jit_compile != "auto":
        return jit_compile
    backend = keras.backend.backend()
    if backend == "jax":
        return True
    if backend == "tensorflow":
        return n_updates >= XLA_MIN_UPDATES
    return False  # PyTorch: eager, as Keras itself defaults to there


def training_steps_per_execution(keras):
    """Keras' ``steps_per_execution`` to train with (PyTorch allows only 1).

    Batch-level callbacks then run once per call, not once per batch;
    rnnkit's own are epoch-level.
    """
    return 1 if keras.backend.backend() == "torch" else STEPS_PER_EXECUTION


def predict_jit_compile(keras):
    """The ``jit_compile`` a fitted or loaded network predicts with.

    Predictions go through fixed-size blocks, so one compiled function serves
    every call; but a one-window forecast must not wait seconds for XLA on
    TensorFlow, whose plain graph is nearly as fast. On JAX the jitted
    function is the fast one (0.2 ms against 4 ms on TensorFlow's graph).
    """
    return keras.backend.backend() == "jax"


def set_random_seed(keras, seed):
    """Seed Python, NumPy and the backend, as ``keras.utils.set_random_seed`` does.

    Keras' function also seeds TensorFlow whenever it is installed, for
    ``tf.data`` pipelines, and so imports it (3 s, and its memory) into a JAX
    or PyTorch process that never uses it. rnnkit feeds Keras through a
    ``PyDataset``, and its layers draw their seeds from Python's generator, so
    on those backends Python, NumPy and PyTorch's generators are all it needs.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        keras.utils.set_random_seed(seed)
        return
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (the global RNG Keras' code draws from)
    if backend == "torch":
        import torch

        torch.manual_seed(seed)


def limit_threads(keras):
    """Size TensorFlow's thread pools to this process's share of the cores.

    joblib's process workers set ``OMP_NUM_THREADS`` to the cores each worker
    may use, but TensorFlow sizes its pools from the machine's core count.
    The pools can be sized only before TensorFlow runs its first operation;
    in a process where it already has, this does nothing. JAX and PyTorch
    are left to their own settings (``XLA_FLAGS``, ``torch.set_num_threads``).
    """
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if not threads.isdigit() or keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(threads))
        tf.config.threading.set_inter_op_parallelism_threads(int(threads))
    except RuntimeError:
        pass  # TensorFlow already initialised its pools in this process.
