"""Install commands in messages work from a package index and from a clone."""

import re
import sys

import pytest

from rnnkit import RNNForecaster
from rnnkit.cli import main


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


@pytest.mark.backend_independent
def test_missing_pandas_error_gives_the_extra_both_ways(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import fails
    assert main(["forecast", "series.csv"]) == 2
    assert capsys.readouterr().err == (
        "rnnkit: error: rnnkit forecast reads CSV files with pandas, which is not "
        'installed: pip install "rnnkit[forecast]", or from a clone of rnnkit: '
        'pip install -e ".[forecast]".\n'
    )
