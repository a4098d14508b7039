"""scikit-learn's own estimator checks, over every rnnkit forecaster."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from rnnkit import LinearForecaster, NaiveForecaster

ESTIMATORS = [
    NaiveForecaster(),
    NaiveForecaster(strategy="drift"),
    LinearForecaster(),
    LinearForecaster(alpha=1.0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
