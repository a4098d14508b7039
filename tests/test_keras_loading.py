"""Keras is loaded on first use, with a clear error and sane thread pools."""

import subprocess
import sys

import pytest


def _run(code, **env):
    import os

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
    )
    return result


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
    out = _run(code).stdout
    assert "pip install 'rnnkit[cpu]'" in out
    assert "rnnkit[tensorflow]" in out


def test_worker_thread_share_sizes_tensorflow_pools():
    code = (
        "from rnnkit._keras import import_keras\n"
        "import_keras()\n"
        "import tensorflow as tf\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads(),"
        " tf.config.threading.get_inter_op_parallelism_threads())\n"
    )
    result = _run(code, OMP_NUM_THREADS="1", KERAS_BACKEND="tensorflow")
    assert result.stdout.split() == ["1", "1"], result.stderr


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
    result = _run(code, KERAS_BACKEND="tensorflow")
    assert result.stdout.split()[-2:] == ["jax", "False"], result.stderr[-2000:]
