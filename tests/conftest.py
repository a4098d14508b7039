import pytest

from rnnkit.datasets import load_two_sines
from rnnkit.testing import load_only


@pytest.fixture(autouse=True)
def no_installed_plugins():
    """rnnkit's own tests see only the built-in cells unless they ask for more."""
    with load_only():
        yield


@pytest.fixture(scope="session")
def two_sines():
    """The seed chapter's 1-step split."""
    return load_two_sines(horizon=1)


@pytest.fixture(scope="session")
def two_sines_10():
    """The seed chapter's 10-step split."""
    return load_two_sines(horizon=10)
