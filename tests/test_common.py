"""scikit-learn's own estimator checks, over every rnnkit forecaster.

The neural forecasters run with tiny settings (2 units, 1 epoch, the plain
"simple" cell, cheapest to build) so the whole suite fits in CI's time; the
checks exercise the estimator contract, not the quality of the forecasts or
the cell (tests/test_cells.py covers the cells). (The encoder-decoder
architecture shares every code path the checks exercise but the network;
tests/test_seq2seq.py covers it.)

Under CI's ``--dist each`` (tests/conftest.py), one worker runs every check:
the baselines' build no network, and the contract the checks test (parameters,
validation, cloning, errors) is rnnkit's own code, the same on every backend.
The other backend runs ``BACKEND_SMOKE``, the checks whose outcome passes
through the backend: training, forecasts' dtypes and batch independence,
determinism, pickled networks, read-only inputs. Of check_regressors_train's
read-only float32 variant, that worker runs neither part again: float32 windows
pass through the backend in check_estimators_dtypes, read-only ones in the
float64 read-only variant and check_readonly_memmap_input.
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

# The neural forecasters' checks that every backend runs.
BACKEND_SMOKE = {
    "check_estimators_dtypes",
    "check_fit_idempotent",
    "check_estimators_pickle",
    "check_regressors_train",
    "check_methods_subset_invariance",
    "check_readonly_memmap_input",
}


def _smoke(check):
    """Whether every backend runs ``check`` (BACKEND_SMOKE, but one variant)."""
    keywords = getattr(check, "keywords", {})
    if keywords.get("readonly_memmap") and keywords.get("X_dtype") == "float32":
        return False  # read-only and float32: each covered on its own
    return _check_name(check) in BACKEND_SMOKE


def _check_name(check):
    while hasattr(check, "func"):  # functools.partial
        check = check.func
    return check.__name__


def _on_one_or_every_backend(parametrize):
    """The checks, each marked backend_independent but the neural smoke set."""
    params = []
    for param in parametrize.args[1]:
        values, marks = (
            (param.values, list(param.marks))
            if hasattr(param, "values")
            else (param, [])
        )
        estimator, check = values
        neural = isinstance(estimator, (RNNForecaster, Seq2SeqForecaster))
        if not (neural and _smoke(check)):
            marks.append(pytest.mark.backend_independent)
        params.append(pytest.param(estimator, check, marks=marks))
    return pytest.mark.parametrize(parametrize.args[0], params, **parametrize.kwargs)


# Some checks fit on a y drawn apart from X, which rnnkit rightly warns about.
@pytest.mark.filterwarnings("ignore:y does not continue feature:UserWarning")
@_on_one_or_every_backend(parametrize_with_checks(ESTIMATORS))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
