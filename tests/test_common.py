"""scikit-learn's own estimator checks, over every rnnkit forecaster.

The neural forecasters run with tiny settings (2 units, 1 epoch, the plain
"simple" cell, cheapest to build) so the whole suite fits in CI's time; the
checks exercise the estimator contract, not the quality of the forecasts or
the cell (tests/test_cells.py covers the cells). (The encoder-decoder
architecture shares every code path the checks exercise but the network;
tests/test_seq2seq.py covers it.)
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from rnnkit import LinearForecaster, NaiveForecaster, RNNForecaster, Seq2SeqForecaster

TINY = {"cell": "simple", "units": 2, "epochs": 1, "random_state": 0}

ESTIMATORS = [
    NaiveForecaster(),
    NaiveForecaster(strategy="drift"),
    LinearForecaster(),
    LinearForecaster(alpha=1.0),
    RNNForecaster(**TINY),
    Seq2SeqForecaster(**TINY),
]


# Some checks fit on a y drawn apart from X, which rnnkit rightly warns about.
@pytest.mark.filterwarnings("ignore:y does not continue feature:UserWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
