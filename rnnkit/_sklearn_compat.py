"""The one place rnnkit touches scikit-learn's private helpers.

Parameter validation (``_fit_context``, ``Interval``, ``StrOptions``,
``validate_params``) lives in private scikit-learn modules. Importing them
here, and nowhere else, means a scikit-learn release that moves them breaks
one file instead of every estimator.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Interval",
    "Options",
    "StrOptions",
    "_fit_context",
    "validate_params",
]
