"""Save and load fitted forecasters as one file that runs no code when opened.

``save(estimator, path)`` writes a zip archive (format version 2)::

    manifest.json       format version, library versions, estimator class,
                        parameters and the fitted state's values, as JSON
    arrays/<name>.npy   the fitted state's arrays (a network's weights among
                        them), NumPy's format without pickle

The estimator gives its fitted state (``_get_fitted_state``) and becomes
fitted from one (``_set_fitted_state``), checking every value; pickling goes
the same way. A network is rebuilt from the estimator's checked parameters,
never from a description in the file. This module checks the archive (see
``_archive``), the manifest and the parameters; it knows no estimator's
insides, only the allow-list of classes it may create.
"""

import importlib.metadata
import inspect
import io
import os
import platform
import sys
import tempfile
import zipfile
from numbers import Integral, Real

import numpy as np
import sklearn
from sklearn.utils.validation import check_is_fitted

from . import _archive
from ._archive import InvalidModelFileError, short
from ._base import BaseForecaster
from ._linear import LinearForecaster
from ._naive import NaiveForecaster
from ._rnn import RNNForecaster
from ._seq2seq import Seq2SeqForecaster
from ._series import SeriesForecaster
from ._version import __version__

__all__ = ["InvalidModelFileError", "load", "save"]

FORMAT, FORMAT_VERSION = "rnnkit", 2
MANIFEST, KERAS_FILE_V1 = "manifest.json", "model.keras"
_KEYS = {"format", "format_version", "versions", "estimator", "params", "fitted"}
MANIFEST_KEYS = {1: _KEYS | {"cells"}, 2: _KEYS}
ESTIMATORS = {
    cls.__name__: cls
    for cls in (
        LinearForecaster,
        NaiveForecaster,
        RNNForecaster,
        Seq2SeqForecaster,
        SeriesForecaster,
    )
}


# --- save ----------------------------------------------------------------------


def save(estimator: BaseForecaster, path: str | os.PathLike[str]) -> None:
    """Save a fitted forecaster to one file that :func:`load` opens safely.

    Parameters
    ----------
    estimator : NaiveForecaster, LinearForecaster, RNNForecaster or \
Seq2SeqForecaster
        A fitted forecaster whose parameters are plain values: None, bool,
        int, float, str, and lists, tuples and str-keyed dicts of them.
    path : str or path-like
        The file to write (``.rnnkit`` is a good suffix); it is replaced.

    Raises
    ------
    TypeError
        If ``estimator`` is not one of rnnkit's forecasters.
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.
    ValueError
        If a parameter is not a plain value (an ``int`` ``random_state`` is).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from rnnkit import LinearForecaster, make_windows
    >>> from rnnkit import load, save
    >>> X, y = make_windows(np.arange(20.0), n_steps=3)
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "linear.rnnkit")
    ...     save(LinearForecaster().fit(X, y), path)
    ...     load(path).predict([[20.0, 21.0, 22.0]]).round(6)
    array([23.])
    """
    if type(estimator) not in ESTIMATORS.values():
        raise TypeError(
            f"rnnkit.save saves rnnkit's forecasters, one of {sorted(ESTIMATORS)}. "
            f"Got a {type(estimator).__name__} instead; use pickle or joblib for "
            "other objects."
        )
    check_is_fitted(estimator)
    params = estimator.get_params(deep=False)
    params = {name: _encode(value, name) for name, value in params.items()}
    state, arrays = estimator._get_fitted_state()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "estimator": type(estimator).__name__,
        "params": params,
        "fitted": state,
    }
    members = {MANIFEST: _archive.json_bytes(manifest)}
    for name, array in arrays.items():
        members[f"arrays/{name}.npy"] = _archive.npy_bytes(array)
    _archive.write_archive(path, members)


def _encode(value, name):
    """A parameter as JSON; tuples and dicts are tagged so they come back as such."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, (tuple, list)):
        items = [_encode(item, name) for item in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"dict": {key: _encode(item, name) for key, item in value.items()}}
    if type(value) in ESTIMATORS.values():  # a wrapped forecaster
        params = value.get_params(deep=False).items()
        return {
            "estimator": {
                "class": type(value).__name__,
                "params": {key: _encode(item, key) for key, item in params},
            }
        }
    if hasattr(value, "get_params"):
        raise ValueError(
            f"The {name!r} parameter is a {type(value).__name__}; rnnkit.save saves "
            f"rnnkit's forecasters ({', '.join(sorted(ESTIMATORS))}) only. Use "
            "pickle or joblib to keep it."
        )
    raise ValueError(
        f"The {name!r} parameter must be a plain value to be saved: None, bool, "
        "int, float, str, or a list, tuple or str-keyed dict of them (for "
        f"random_state, an int). Got {value!r} instead."
    )


def _versions():
    def installed(*distributions):
        for distribution in distributions:
            try:
                return importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                pass
        return None

    versions = {
        "rnnkit": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "keras": installed("keras"),
        "tensorflow": installed("tensorflow", "tensorflow-cpu"),
    }
    if "keras" in sys.modules:  # a network was built: name the backend
        backend = sys.modules["keras"].backend.backend()
        versions["keras_backend"] = backend
        versions.setdefault(backend, installed(backend))
    return versions


# --- load ----------------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> BaseForecaster:
    """Load a forecaster saved by :func:`save`, running no code from the file.

    Everything is checked before anything is built: member names and sizes,
    the format version, the estimator class (rnnkit's forecasters only), every
    parameter and fitted value. A network is rebuilt from the checked
    parameters with the installed cell, and only its weights come from the
    file, so no Keras object is deserialized from it.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    estimator : NaiveForecaster, LinearForecaster, RNNForecaster or \
Seq2SeqForecaster
        The fitted forecaster with the saved parameters; it predicts exactly
        as the saved one did and can be refitted.

    Raises
    ------
    InvalidModelFileError
        If the file is refused: damaged, not an rnnkit file, from a newer
        rnnkit, holding anything rnnkit does not build, or needing a plugin
        cell that is not installed (the message names it and its distribution).
    OSError
        If the file cannot be read.
    """
    path = os.fspath(path)
    size = os.path.getsize(path)
    with open(path, "rb") as file:
        try:
            if size > _archive.MAX_FILE_BYTES:
                raise InvalidModelFileError(
                    f"it is {size} bytes, over the {_archive.MAX_FILE_BYTES} limit"
                )
            return _load(file)
        except InvalidModelFileError as error:
            message = f"Cannot load {path!r}: {str(error).rstrip('.')}."
            raise InvalidModelFileError(message) from error.__cause__
        except Exception as error:  # whatever else a damaged file triggers
            raise InvalidModelFileError(
                f"Cannot load {path!r}: it is damaged or not an rnnkit file "
                f"({type(error).__name__}: {error})."
            ) from error


def _load(file):
    with zipfile.ZipFile(file) as archive:
        names = _archive.check_members(archive)
        if MANIFEST not in names:
            raise InvalidModelFileError(
                f"it has no {MANIFEST}; it is not an rnnkit file"
            )
        manifest = _archive.read_json(archive, MANIFEST)
        cls, version = _check_header(manifest)
        names.remove(MANIFEST)
        fitted, keras_weights = manifest["fitted"], None
        if version == 1:
            fitted, keras_weights = _version_1(manifest, archive, names)
        arrays = _archive.read_arrays(archive, names)
    estimator = cls(**_decode_params(cls, manifest["params"]))
    if keras_weights is not None:  # filled in below, once the network is built
        arrays["weights"] = np.zeros(_h5_weight_count(keras_weights), np.float32)
    try:
        estimator._set_fitted_state(fitted, arrays)
    except KeyError as error:
        raise InvalidModelFileError(f"its fitted state lacks {error}") from error
    except (TypeError, ValueError) as error:
        raise InvalidModelFileError(f"its fitted state is refused: {error}") from error
    if keras_weights is not None:
        _load_keras_weights(estimator.model_, keras_weights)
    return estimator


def _version_1(manifest, archive, names):
    """A version-1 file's fitted state, and its network's Keras weights file.

    Version 1 listed the cells beside the fitted state and kept the network in
    Keras' ``.keras`` format. Only its weights (``model.weights.h5``) are read,
    into the network the checked parameters rebuild; its configuration is
    never looked at.
    """
    fitted, cells = manifest["fitted"], manifest["cells"]
    if not isinstance(fitted, dict) or not isinstance(cells, list):
        raise InvalidModelFileError("its fitted values and cells must be JSON")
    if KERAS_FILE_V1 not in names:
        return ({**fitted, "cells": cells} if cells else fitted), None
    names.remove(KERAS_FILE_V1)
    data = _archive.read_member(archive, KERAS_FILE_V1, _archive.MAX_ARRAY_BYTES)
    with zipfile.ZipFile(io.BytesIO(data)) as network:
        _archive.check_members(network)
        weights = _archive.read_member(
            network, "model.weights.h5", _archive.MAX_ARRAY_BYTES
        )
    return {**fitted, "cells": cells}, weights


def _h5_weight_count(data):
    """The number of weights a Keras weights file holds, at most 1 per 2 bytes."""
    import h5py

    with h5py.File(io.BytesIO(data), "r") as file:
        items = []
        file.visititems(lambda _, item: items.append(item))  # groups and datasets
        count = sum(item.size for item in items if isinstance(item, h5py.Dataset))
    if count * 2 > len(data):
        raise InvalidModelFileError("its network declares more weights than it holds")
    return count


def _load_keras_weights(model, data):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "network.weights.h5")
        with open(path, "wb") as file:
            file.write(data)
        try:
            model.load_weights(path)
        except Exception as error:
            raise InvalidModelFileError(
                f"its network's weights do not fit its parameters ({error})"
            ) from error


def _check_header(manifest):
    """Check the format, its version and the keys; return the estimator class."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidModelFileError("its manifest does not describe an rnnkit file")
    version = manifest.get("format_version")
    if _is_int(version) and version > FORMAT_VERSION:
        raise InvalidModelFileError(
            f"it has format version {version}, newer than the {FORMAT_VERSION} "
            f"this rnnkit ({__version__}) reads; upgrade rnnkit to load it"
        )
    if version not in MANIFEST_KEYS or not _is_int(version):
        raise InvalidModelFileError(f"its format version {short(version)} is unknown")
    if set(manifest) != MANIFEST_KEYS[version]:
        raise InvalidModelFileError(
            f"its manifest must have the keys {sorted(MANIFEST_KEYS[version])}. "
            f"Got {short(sorted(manifest))} instead"
        )
    versions = manifest["versions"]
    if not isinstance(versions, dict) or not all(
        isinstance(v, str) or v is None for v in versions.values()
    ):
        raise InvalidModelFileError(
            "its manifest's versions must map names to version strings"
        )
    return _estimator_class(manifest["estimator"]), version


def _estimator_class(name):
    if not isinstance(name, str) or name not in ESTIMATORS:
        raise InvalidModelFileError(
            f"the estimator must be one of {sorted(ESTIMATORS)}. "
            f"Got {short(name)} instead"
        )
    return ESTIMATORS[name]


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _decode_params(cls, params, depth=0):
    """The keyword arguments of ``cls``, once their names and values are checked."""
    if not isinstance(params, dict):
        raise InvalidModelFileError("its parameters must be a JSON object")
    # A file saved before a parameter existed gets the value its model had.
    params = {**getattr(cls, "_added_params", {}), **params}
    expected = set(inspect.signature(cls).parameters)
    unexpected, missing = sorted(set(params) - expected), sorted(expected - set(params))
    if unexpected or missing:
        raise InvalidModelFileError(
            f"the parameters of {cls.__name__} do not match: unexpected "
            f"{unexpected}, missing {missing}"
        )
    return {name: _decode(value, name, depth) for name, value in params.items()}


def _decode(value, name, depth=0):
    """Undo ``_encode``: JSON scalars and lists, and tagged tuples and dicts.

    A parameter never names a Keras object: a serialized one (a dict with a
    ``class_name``, such as a lambda) or a registered one (``"package>name"``)
    would be deserialized, so run, when the network is rebuilt.
    """
    if depth > _archive.MAX_DEPTH:
        raise InvalidModelFileError(f"the {name!r} parameter is nested too deeply")
    if isinstance(value, str) and ">" in value:
        raise InvalidModelFileError(
            f"the {name!r} parameter names the registered Keras object {short(value)}"
        )
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_decode(item, name, depth + 1) for item in value]
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "tuple" and isinstance(inner, list):
            return tuple(_decode(item, name, depth + 1) for item in inner)
        if tag == "dict" and isinstance(inner, dict) and "class_name" not in inner:
            return {k: _decode(item, name, depth + 1) for k, item in inner.items()}
        if (
            tag == "estimator"
            and isinstance(inner, dict)
            and set(inner) == {"class", "params"}
        ):
            cls = _estimator_class(inner["class"])
            return cls(**_decode_params(cls, inner["params"], depth + 1))
    raise InvalidModelFileError(
        f"the {name!r} parameter must be a plain JSON value, or a tagged tuple or "
        f"dict. Got {short(value)} instead"
    )
