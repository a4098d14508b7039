"""rnnkit: recurrent-network forecasting with scikit-learn manners.

Windows in, forecasts out: every forecaster takes ``X`` of shape
``(n_windows, n_steps)`` or ``(n_windows, n_steps, n_features)`` and ``y`` of
shape ``(n_windows,)`` or ``(n_windows, horizon)``, and works in scikit-learn's
``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` unchanged.
"""

from ._backtest import BacktestResult, backtest
from ._linear import LinearForecaster
from ._naive import NaiveForecaster
from ._persistence import InvalidModelFileError, load, save
from ._plotting import plot_forecast
from ._rnn import RNNForecaster
from ._seq2seq import Seq2SeqForecaster
from ._series import SeriesForecaster
from ._version import __version__
from ._windows import make_windows, window_split
from .hookspecs import hookimpl
from .plugins import list_cells

__all__ = [
    "BacktestResult",
    "InvalidModelFileError",
    "LinearForecaster",
    "NaiveForecaster",
    "RNNForecaster",
    "Seq2SeqForecaster",
    "SeriesForecaster",
    "__version__",
    "backtest",
    "hookimpl",
    "list_cells",
    "load",
    "make_windows",
    "plot_forecast",
    "save",
    "window_split",
]
