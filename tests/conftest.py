import sys

import pytest

from rnnkit.datasets import load_two_sines
from rnnkit.testing import load_only


@pytest.fixture(autouse=True)
def no_installed_plugins():
    """rnnkit's own tests see only the built-in cells unless they ask for more."""
    with load_only():
        yield


@pytest.fixture(autouse=True, scope="module")
def release_keras_state():
    """Free the graphs TensorFlow keeps for every model a test module built.

    Without this, hundreds of tiny fits grow the process by gigabytes and make
    its exit (one garbage collection over all of it) take minutes. Once per
    module: after every test, the clearing and the retracing it forces cost
    more than they save.
    """
    yield
    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session(free_memory=True)


@pytest.fixture(scope="session")
def two_sines():
    """The seed chapter's 1-step split."""
    return load_two_sines(horizon=1)


@pytest.fixture(scope="session")
def two_sines_10():
    """The seed chapter's 10-step split."""
    return load_two_sines(horizon=10)
