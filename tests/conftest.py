import pytest

from rnnkit.datasets import load_two_sines


@pytest.fixture(scope="session")
def two_sines():
    """The seed chapter's 1-step split."""
    return load_two_sines(horizon=1)


@pytest.fixture(scope="session")
def two_sines_10():
    """The seed chapter's 10-step split."""
    return load_two_sines(horizon=10)
