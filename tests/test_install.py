"""Install commands in messages work from a package index and from a clone."""

import re

import pytest

from rnnkit import RNNForecaster


@pytest.mark.backend_independent
def test_missing_first_party_plugin_error_gives_the_command_from_a_clone():
    model = RNNForecaster(cell="layernorm_simple")
    cells = [{"name": "layernorm_simple", "distribution": "rnnkit-layernorm"}]
    message = (
        "Install it (pip install rnnkit-layernorm, or from a clone of rnnkit: "
        "pip install -e plugins/rnnkit-layernorm) and load again."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model._check_cell_installed(cells)  # as pickles and files record it
