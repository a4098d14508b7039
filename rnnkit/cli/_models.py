"""The forecasters the subcommands fit: their names, one factory, their epochs."""

from .. import LinearForecaster, NaiveForecaster, RNNForecaster, Seq2SeqForecaster
from .._keras import import_keras
from .._neural_base import BaseNeuralForecaster
from ..plugins import available_cells
from ._common import UsageError

NEURAL = ("rnn", "seq2seq")
MODELS = ("naive", "seasonal", "linear", *NEURAL)
AUTO_CANDIDATES = ("naive", "seasonal", "linear", "rnn")  # --model auto
BASELINES = ("naive", "seasonal")  # scored beside any --model
MAX_DEFAULT_N_STEPS = 50


def default_n_steps(n_values):
    """A tenth of the series, at least 2 and at most 50 values."""
    return int(min(MAX_DEFAULT_N_STEPS, max(2, n_values // 10)))


def make_estimator(name, *, season=None, **params):
    """The forecaster ``name`` at rnnkit's defaults.

    ``params`` (only what the user set: cell, epochs, seed) go to the networks;
    ``season`` is seasonal naive's season length.
    """
    if name == "naive":
        return NaiveForecaster()
    if name == "seasonal":
        return NaiveForecaster(strategy="seasonal", season_length=season)
    if name == "linear":
        return LinearForecaster()
    neural = RNNForecaster if name == "rnn" else Seq2SeqForecaster
    return neural(**params)


def epoch_params(estimator, report):
    """Fit parameters with which a network shows its epochs through ``report``.

    For a neural forecaster's ``fit(X, y, callbacks=[...])``: a Keras callback
    reports each finished epoch; the total is Keras' own count, so
    ``epochs="auto"`` shows the epochs it chose. Other forecasters get none.
    """
    if not isinstance(estimator, BaseNeuralForecaster):
        return {}

    def on_epoch_end(epoch, logs=None):
        report(f"epoch {epoch + 1}/{callback.params['epochs']}")

    callback = import_keras().callbacks.LambdaCallback(on_epoch_end=on_epoch_end)
    return {"callbacks": [callback]}


def check_cells(cells, option, *, choices=""):
    """Refuse a cell no installed plugin registers, naming ``option``."""
    available = available_cells()
    unknown = [cell for cell in cells if cell not in available]
    if unknown:
        raise UsageError(
            f"unknown cell {unknown[0]!r} for {option}; choose from "
            f"{', '.join(available)}{choices} (plugins add more cells: "
            "`rnnkit plugins` lists them)."
        )
    return available
