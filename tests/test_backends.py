"""What differs between Keras' backends: thread pools, jit_compile, seeding."""

from types import SimpleNamespace

import pytest

from rnnkit._backends import (
    STEPS_PER_EXECUTION,
    XLA_MIN_UPDATES,
    predict_jit_compile,
    training_jit_compile,
    training_steps_per_execution,
)
from tests.helpers import run_python

# Each test names its backend (a subprocess's, or a stand-in Keras module).
pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


def test_worker_thread_share_sizes_tensorflow_pools():
    code = (
        "from rnnkit._keras import import_keras\n"
        "import_keras()\n"
        "import tensorflow as tf\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads(),"
        " tf.config.threading.get_inter_op_parallelism_threads())\n"
    )
    result = run_python(code, OMP_NUM_THREADS="1", KERAS_BACKEND="tensorflow")
    assert result.stdout.split() == ["1", "1"], result.stderr


def _keras_on(backend):
    """A stand-in for the ``keras`` module that reports ``backend``."""
    return SimpleNamespace(backend=SimpleNamespace(backend=lambda: backend))


@pytest.mark.parametrize(
    "backend, n_updates, expected",
    [
        ("tensorflow", XLA_MIN_UPDATES - 1, False),
        ("tensorflow", XLA_MIN_UPDATES, True),
        ("jax", 1, True),
        ("torch", 10 * XLA_MIN_UPDATES, False),
    ],
)
def test_jit_compile_auto_picks_each_backends_fast_mode(backend, n_updates, expected):
    keras = _keras_on(backend)
    assert training_jit_compile(keras, "auto", n_updates) is expected
    for given in (True, False):
        assert training_jit_compile(keras, given, n_updates) is given
    assert predict_jit_compile(keras) is (backend == "jax")


@pytest.mark.parametrize(
    "backend, expected",
    [("tensorflow", STEPS_PER_EXECUTION), ("jax", STEPS_PER_EXECUTION), ("torch", 1)],
)
def test_several_steps_per_call_except_on_pytorch(backend, expected):
    # Keras refuses steps_per_execution above 1 on PyTorch.
    assert training_steps_per_execution(_keras_on(backend)) == expected
