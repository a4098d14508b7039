"""These tests see this plugin and rnnkit's built-ins, no other installed plugin."""

import pytest

from rnnkit.testing import load_only


@pytest.fixture(autouse=True)
def only_this_plugin():
    with load_only("rnnkit-peephole"):
        yield
