"""Save and load fitted forecasters as one file that runs no code when opened.

``save(estimator, path)`` writes a zip archive::

    manifest.json       format version, library versions, estimator class,
                        parameters and small fitted values, as JSON
    arrays/<name>.npy   fitted arrays, NumPy's format without pickle
    model.keras         a neural forecaster's network, Keras' own format

``load(path)`` checks everything before it builds anything, against
allow-lists: member names and sizes, the estimator class, every parameter and
fitted value, and every object of the network. Keras' safe mode can be turned
off for the whole process (``keras.config.enable_unsafe_deserialization()``),
so rnnkit enforces its own allow-list of what its networks are made of.
"""

import importlib.metadata
import io
import json
import os
import platform
import tempfile
import zipfile
from numbers import Integral, Real

import numpy as np
import sklearn
from sklearn.utils.validation import check_is_fitted

from ._backends import predict_jit_compile
from ._keras import import_keras
from ._linear import LinearForecaster
from ._naive import NaiveForecaster
from ._neural_base import BaseNeuralForecaster
from ._rnn import RNNForecaster
from ._scaling import WindowScaling
from ._seq2seq import Seq2SeqForecaster
from ._version import __version__

__all__ = ["InvalidModelFileError", "allowed_registered_names", "load", "save"]

FORMAT, FORMAT_VERSION = "rnnkit", 1
MANIFEST, MODEL = "manifest.json", "model.keras"
MANIFEST_KEYS = {"format", "format_version", "versions", "estimator", "params"}
MANIFEST_KEYS |= {"fitted", "cells"}

# Sane limits, checked against what the archive declares and what is read.
MAX_FILE_BYTES = 2**31
MAX_MEMBERS = 16
MAX_MANIFEST_BYTES = 2**22
MAX_ARRAY_BYTES = 2**28
MAX_MODEL_BYTES = 2**30
MAX_KERAS_CONFIG_BYTES = 2**22
MAX_KERAS_METADATA_BYTES = 2**16
MAX_DEPTH = 32  # nesting of parameters and of the network's configuration
MAX_DIM = 2**24  # horizon, window length, features, units

ESTIMATORS = {
    cls.__name__: cls
    for cls in (LinearForecaster, NaiveForecaster, RNNForecaster, Seq2SeqForecaster)
}
ARRAYS = {LinearForecaster: ("coef_", "intercept_")}
NEURAL_ARRAYS = ("scaling_center_", "scaling_scale_")

# What rnnkit's networks are made of, by the module Keras writes for each.
KERAS_CLASSES = {
    "keras": {"Sequential", "DTypePolicy", "FloatDTypePolicy"},
    "keras.layers": set(
        "InputLayer SimpleRNN LSTM GRU RNN SimpleRNNCell LSTMCell GRUCell "
        "StackedRNNCells Dense Dropout RepeatVector Flatten".split()
    ),
    "keras.initializers": set(
        "Constant GlorotNormal GlorotUniform HeNormal HeUniform Identity "
        "LecunNormal LecunUniform Ones Orthogonal RandomNormal RandomUniform "
        "TruncatedNormal VarianceScaling Zeros".split()
    ),
    "keras.regularizers": {"L1", "L2", "L1L2", "OrthogonalRegularizer"},
    "keras.constraints": {"MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"},
}
# Layers whose weights include a units x units recurrent kernel.
RECURRENT_CLASSES = {"SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell", "GRUCell"}
KERAS_MEMBERS = {"config.json", "metadata.json", "model.weights.h5"}
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class InvalidModelFileError(ValueError):
    """Raised by :func:`load` for a file it refuses; nothing in it was run.

    The file is damaged, was not written by :func:`save`, comes from a newer
    rnnkit, needs a plugin cell that is not installed, or holds something
    rnnkit does not build (code, unknown classes, odd member names or sizes).
    The message says which.
    """


# --- save ----------------------------------------------------------------------


def save(estimator, path):
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
    members = {MANIFEST: json.dumps(_manifest(estimator), indent=1).encode()}
    for name, array in _fitted_arrays(estimator).items():
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(array), allow_pickle=False)
        members[f"arrays/{name}.npy"] = buffer.getvalue()
    if isinstance(estimator, BaseNeuralForecaster):
        members[MODEL] = _network_bytes(estimator.model_)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    with open(path, "wb") as file:
        file.write(buffer.getvalue())


def _manifest(estimator):
    neural = isinstance(estimator, BaseNeuralForecaster)
    params = estimator.get_params(deep=False)
    cells = []
    if neural:
        cells = [{"name": estimator.cell, "distribution": _cell_source(estimator)}]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": _versions(neural),
        "estimator": type(estimator).__name__,
        "params": {name: _encode(value, name) for name, value in params.items()},
        "fitted": _fitted_state(estimator),
        "cells": cells,
    }


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
    raise ValueError(
        f"The {name!r} parameter must be a plain value to be saved: None, bool, "
        "int, float, str, or a list, tuple or str-keyed dict of them (for "
        f"random_state, an int). Got {value!r} instead."
    )


def _fitted_state(estimator):
    state = {
        "horizon_": int(estimator.horizon_),
        "n_features_in_": int(estimator.n_features_in_),
        "y_ndim": int(estimator._y_ndim),
        "window_shape": [int(n) for n in estimator._window_shape],
    }
    if hasattr(estimator, "feature_names_in_"):
        state["feature_names_in_"] = [str(n) for n in estimator.feature_names_in_]
    if isinstance(estimator, BaseNeuralForecaster):
        history = estimator.history_.items()
        state["history_"] = {str(k): [float(v) for v in vs] for k, vs in history}
        state["scaler_kind"] = estimator._scaling.kind
        state["scaler_target_index"] = int(estimator._scaling.target_index)
    return state


def _fitted_arrays(estimator):
    if isinstance(estimator, BaseNeuralForecaster):
        scaling = estimator._scaling
        return dict(zip(NEURAL_ARRAYS, (scaling.center_, scaling.scale_), strict=True))
    return {name: getattr(estimator, name) for name in ARRAYS.get(type(estimator), ())}


def _network_bytes(model):
    """The network in Keras' format, without loss, optimizer or their state.

    An uncompiled copy with the same weights is saved, so the file holds no
    Python function (``Seq2SeqForecaster``'s per-step loss is one).
    """
    network = type(model).from_config(model.get_config())
    network.set_weights(model.get_weights())
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, MODEL)
        network.save(path)
        with open(path, "rb") as file:
            return file.read()


def _versions(neural):
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
    if neural:
        backend = import_keras().backend.backend()
        versions["keras_backend"] = backend
        versions.setdefault(backend, installed(backend))
    return versions


def _cell_source(estimator):
    """The distribution that provided the estimator's cell when it was fitted."""
    distribution = getattr(estimator, "_cell_distribution", None)
    if distribution is None:
        from .plugins import resolve_cell

        distribution = resolve_cell(estimator.cell).distribution
    return distribution


# --- load ----------------------------------------------------------------------


def load(path):
    """Load a forecaster saved by :func:`save`, running no code from the file.

    Everything is checked before anything is built: member names and sizes,
    the format version, the estimator class (rnnkit's forecasters only), every
    parameter and fitted value, and every object of the network (the Keras
    layers rnnkit builds, and the installed plugin cell the estimator uses),
    even after ``keras.config.enable_unsafe_deserialization()``.

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
            if size > MAX_FILE_BYTES:
                raise _refused(f"it is {size} bytes, over the {MAX_FILE_BYTES} limit")
            return _load(file)
        except InvalidModelFileError as error:
            message = f"Cannot load {path!r}: {str(error).rstrip('.')}."
            raise InvalidModelFileError(message) from error.__cause__
        except Exception as error:  # whatever else a damaged file triggers
            raise InvalidModelFileError(
                f"Cannot load {path!r}: it is damaged or not an rnnkit file "
                f"({type(error).__name__}: {error})."
            ) from error


def _refused(reason):
    return InvalidModelFileError(reason)


def _load(file):
    with zipfile.ZipFile(file) as archive:
        names = _check_members(archive)
        if MANIFEST not in names:
            raise _refused(f"it has no {MANIFEST}; it is not an rnnkit file")
        manifest = _read_json(archive, MANIFEST, MAX_MANIFEST_BYTES)
        cls = _check_header(manifest)
        neural = issubclass(cls, BaseNeuralForecaster)
        array_names = NEURAL_ARRAYS if neural else ARRAYS.get(cls, ())
        expected = {MANIFEST, *(f"arrays/{n}.npy" for n in array_names)}
        _check_member_set(names, expected | ({MODEL} if neural else set()))
        estimator = _estimator_from_params(cls, manifest["params"])
        fitted = _check_fitted(manifest["fitted"], neural)
        allowed = _check_cells(manifest["cells"], estimator)
        shapes = _array_shapes(neural, fitted)
        arrays = {n: _read_array(archive, n, shapes[n]) for n in array_names}
        network = _read_member(archive, MODEL, MAX_MODEL_BYTES) if neural else None
    _set_fitted(estimator, fitted, arrays)
    if neural:
        estimator._cell_distribution = manifest["cells"][0]["distribution"]
        estimator.model_ = _load_network(network, estimator, allowed)
    return estimator


def _check_members(archive):
    """Refuse too many members, duplicates, unsafe names, encryption, odd codecs."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refused(f"it has {len(infos)} members, over the {MAX_MEMBERS} limit")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _refused("a member name appears twice")
    for info in infos:
        name, parts = info.filename, info.filename.split("/")
        if (
            name.startswith("/")
            or any(c in name for c in "\\:\x00")
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise _refused(
                f"member name {name!r} is not a plain relative path (absolute "
                "paths, '..', drive letters and backslashes are refused)"
            )
        if info.flag_bits & 0x1 or info.compress_type not in (0, zipfile.ZIP_DEFLATED):
            raise _refused(f"member {name!r} is encrypted or oddly compressed")
    return names


def _check_member_set(names, expected):
    unexpected, missing = sorted(set(names) - expected), sorted(expected - set(names))
    if unexpected or missing:
        raise _refused(
            "its members are not those this estimator has: unexpected "
            f"{unexpected}, missing {missing}"
        )


def _read_member(archive, name, limit):
    """Read a member, trusting neither its declared nor its actual size."""
    if archive.getinfo(name).file_size > limit:
        raise _refused(f"member {name!r} is larger than the {limit}-byte limit")
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise _refused(f"member {name!r} is larger than the {limit}-byte limit")
    return data


def _read_json(archive, name, limit):
    data = _read_member(archive, name, limit)
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _refused(f"member {name!r} is not valid JSON ({error})") from error


def _unique_keys(pairs):
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return dict(pairs)


def _check_header(manifest):
    """Check the format, its version and the keys; return the estimator class."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refused("its manifest does not describe an rnnkit file")
    version = manifest.get("format_version")
    if _is_int(version) and version > FORMAT_VERSION:
        raise _refused(
            f"it has format version {version}, newer than the {FORMAT_VERSION} "
            f"this rnnkit ({__version__}) reads; upgrade rnnkit to load it"
        )
    if not _is_int(version) or version < 1:
        raise _refused(f"its format version {_short(version)} is unknown")
    if set(manifest) != MANIFEST_KEYS:
        raise _refused(
            f"its manifest must have the keys {sorted(MANIFEST_KEYS)}. "
            f"Got {_short(sorted(manifest))} instead"
        )
    versions = manifest["versions"]
    if not isinstance(versions, dict) or not all(
        isinstance(v, str) or v is None for v in versions.values()
    ):
        raise _refused("its manifest's versions must map names to version strings")
    name = manifest["estimator"]
    if not isinstance(name, str) or name not in ESTIMATORS:
        raise _refused(
            f"the estimator must be one of {sorted(ESTIMATORS)}. "
            f"Got {_short(name)} instead"
        )
    return ESTIMATORS[name]


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- parameters and fitted state -----------------------------------------------


def _estimator_from_params(cls, params):
    """``cls(**params)``, once the names and types of ``params`` are checked."""
    if not isinstance(params, dict):
        raise _refused("its parameters must be a JSON object")
    expected = set(cls().get_params(deep=False))
    unexpected, missing = sorted(set(params) - expected), sorted(expected - set(params))
    if unexpected or missing:
        raise _refused(
            f"the parameters of {cls.__name__} do not match: unexpected "
            f"{unexpected}, missing {missing}"
        )
    estimator = cls(**{name: _decode(v, name) for name, v in params.items()})
    try:
        estimator._validate_params()
        if isinstance(estimator, BaseNeuralForecaster):
            estimator._units()
    except (TypeError, ValueError) as error:
        raise _refused(f"a parameter is invalid: {error}") from error
    return estimator


def _decode(value, name, depth=0):
    """Undo ``_encode``: JSON scalars and lists, and tagged tuples and dicts."""
    if depth > MAX_DEPTH:
        raise _refused(f"the {name!r} parameter is nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_decode(item, name, depth + 1) for item in value]
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "tuple" and isinstance(inner, list):
            return tuple(_decode(item, name, depth + 1) for item in inner)
        if tag == "dict" and isinstance(inner, dict):
            return {k: _decode(item, name, depth + 1) for k, item in inner.items()}
    raise _refused(
        f"the {name!r} parameter must be a JSON value, or a tagged tuple or dict. "
        f"Got {_short(value)} instead"
    )


def _check_fitted(fitted, neural):
    """Check the manifest's fitted values; return them, window shape a tuple."""
    required = {"horizon_", "n_features_in_", "y_ndim", "window_shape"}
    if neural:
        required |= {"history_", "scaler_kind", "scaler_target_index"}
    keys = set(fitted) if isinstance(fitted, dict) else set()
    if not required <= keys <= required | {"feature_names_in_"}:
        raise _refused(
            f"its fitted values must have the keys {sorted(required)}. "
            f"Got {_short(fitted)} instead"
        )
    horizon = _check_int(fitted, "horizon_", 1, MAX_DIM)
    if _check_int(fitted, "y_ndim", 1, 2) == 1 and horizon != 1:
        raise _refused("a forecaster fitted on a 1-D y must have horizon_ 1")
    shape = fitted["window_shape"]
    if not isinstance(shape, list) or len(shape) not in (1, 2):
        raise _refused(f"window_shape must be 1 or 2 ints. Got {_short(shape)} instead")
    for i in range(len(shape)):
        _check_int(shape, i, 1, MAX_DIM)
    if _check_int(fitted, "n_features_in_", 1, MAX_DIM) != shape[0]:
        raise _refused("n_features_in_ must equal the window length")
    names = fitted.get("feature_names_in_", [])
    if "feature_names_in_" in fitted and not (
        isinstance(names, list)
        and len(shape) == 1
        and len(names) == shape[0]
        and all(isinstance(n, str) for n in names)
    ):
        raise _refused("feature_names_in_ must be one str per step of 2-D windows")
    if neural:
        _check_neural_state(fitted, shape)
    return {**fitted, "window_shape": tuple(shape)}


def _check_int(container, key, low, high):
    value = container[key]
    if not _is_int(value) or not low <= value <= high:
        raise _refused(
            f"{key!r} must be an int from {low} to {high}. Got {_short(value)} instead"
        )
    return value


def _check_neural_state(fitted, shape):
    history = fitted["history_"]
    if not isinstance(history, dict) or not all(
        isinstance(values, list)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        for values in history.values()
    ):
        raise _refused("history_ must map names to lists of numbers")
    if fitted["scaler_kind"] not in ("standard", "window", None):
        raise _refused(
            "scaler_kind must be 'standard', 'window' or None. "
            f"Got {_short(fitted['scaler_kind'])} instead"
        )
    n_features = shape[1] if len(shape) == 2 else 1
    _check_int(fitted, "scaler_target_index", 0, n_features - 1)


def _check_cells(cells, estimator):
    """Check the cells the manifest lists; return the allowed registered names."""
    if not isinstance(estimator, BaseNeuralForecaster):
        if cells != []:
            raise _refused("a forecaster without a network must list no cells")
        return frozenset()
    entry = cells[0] if isinstance(cells, list) and len(cells) == 1 else None
    if (
        not isinstance(entry, dict)
        or set(entry) != {"name", "distribution"}
        or entry["name"] != estimator.cell
        or not isinstance(entry["distribution"], str)
    ):
        raise _refused(
            "its cells must be one {'name', 'distribution'} entry for the "
            f"estimator's cell {estimator.cell!r}. Got {_short(cells)} instead"
        )
    allowed = allowed_registered_names(_installed_cell(**entry))
    _check_objects(estimator.cell_kwargs, allowed, "its cell_kwargs")
    return allowed


def _installed_cell(name, distribution):
    from .plugins import resolve_cell

    try:
        cell = resolve_cell(name)
    except ValueError as error:
        raise _refused(
            f"its network uses the cell {name!r} of the distribution "
            f"{distribution!r}, which is not installed here; install it "
            f"(pip install {distribution}) and load again"
        ) from error
    if cell.distribution != distribution:
        raise _refused(
            f"its network uses the cell {name!r} of the distribution "
            f"{distribution!r}, but here {name!r} is the cell of "
            f"{cell.distribution!r}; install {distribution} and load again"
        )
    return cell


def _array_shapes(neural, fitted):
    n_steps, *rest = fitted["window_shape"]
    n_features = rest[0] if rest else 1
    if neural:
        return dict.fromkeys(NEURAL_ARRAYS, (n_features,))
    horizon = fitted["horizon_"]
    return {"coef_": (horizon, n_steps * n_features), "intercept_": (horizon,)}


def _read_array(archive, name, shape):
    """Read ``arrays/<name>.npy``: floats of the expected shape, never pickle."""
    member = f"arrays/{name}.npy"
    data = _read_member(archive, member, MAX_ARRAY_BYTES)
    buffer = io.BytesIO(data)
    try:
        if np.lib.format.read_magic(buffer) == (1, 0):
            header = np.lib.format.read_array_header_1_0(buffer)
        else:
            header = np.lib.format.read_array_header_2_0(buffer)
    except ValueError as error:
        raise _refused(f"member {member!r} is not a .npy array ({error})") from error
    found_shape, _, dtype = header
    if dtype.hasobject or dtype.kind != "f" or dtype.fields is not None:
        raise _refused(f"member {member!r} must hold floats. Got {dtype} instead")
    size = int(np.prod(shape)) * dtype.itemsize
    if found_shape != shape or len(data) - buffer.tell() != size:
        raise _refused(
            f"member {member!r} must hold {size} bytes of shape {shape}. "
            f"Got shape {found_shape} instead"
        )
    buffer.seek(0)
    return np.lib.format.read_array(buffer, allow_pickle=False)


def _set_fitted(estimator, fitted, arrays):
    estimator.horizon_ = fitted["horizon_"]
    estimator.n_features_in_ = fitted["n_features_in_"]
    if "feature_names_in_" in fitted:
        estimator.feature_names_in_ = np.asarray(fitted["feature_names_in_"], object)
    estimator._y_ndim = fitted["y_ndim"]
    estimator._window_shape = fitted["window_shape"]
    if not isinstance(estimator, BaseNeuralForecaster):
        for name, array in arrays.items():
            setattr(estimator, name, array)
        return
    history = fitted["history_"].items()
    estimator.history_ = {k: [float(v) for v in values] for k, values in history}
    scaling = WindowScaling(fitted["scaler_kind"], fitted["scaler_target_index"])
    scaling.center_, scaling.scale_ = (arrays[name] for name in NEURAL_ARRAYS)
    estimator._scaling = scaling


# --- the network -----------------------------------------------------------------


def allowed_registered_names(cell):
    """Keras registered names a network of this cell may hold, beyond Keras' own.

    The allow-list's extension point for plugin cells: every other object of
    a saved network must be in ``KERAS_CLASSES``. A built-in cell runs in
    Keras' fused layer and adds nothing. A plugin cell adds the registered
    name (``"package>ClassName"``) of the cell class its factory builds, if
    Keras knows that name as that class. What a plugin cell nests in its own
    configuration (initializers, activations) must be Keras' own.

    Parameters
    ----------
    cell : RegisteredCell
        The installed cell that the estimator's ``cell`` parameter selects.

    Returns
    -------
    names : frozenset of str
    """
    factory = cell.factory
    if getattr(factory, "fused_layer", None) is not None:
        return frozenset()
    keras = import_keras()
    cell_class = factory if isinstance(factory, type) else type(factory(1))
    name = keras.saving.get_registered_name(cell_class)
    if keras.saving.get_registered_object(name) is not cell_class:
        return frozenset()
    return frozenset({name})


def _load_network(data, estimator, allowed):
    """Check the ``.keras`` member, then let Keras build it, in safe mode."""
    keras = import_keras()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(_check_members(archive))
        if not {"config.json", "model.weights.h5"} <= names <= KERAS_MEMBERS:
            raise _refused(f"{MODEL} must hold {sorted(KERAS_MEMBERS)}")
        config = _read_json(archive, "config.json", MAX_KERAS_CONFIG_BYTES)
        if "metadata.json" in names:
            _read_json(archive, "metadata.json", MAX_KERAS_METADATA_BYTES)
        weights_bytes = archive.getinfo("model.weights.h5").file_size
        with archive.open("model.weights.h5") as weights:
            if weights.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
                raise _refused("its network's weights are not an HDF5 file")
    if (
        not isinstance(config, dict)
        or (config.get("module"), config.get("class_name")) != ("keras", "Sequential")
        or config.get("compile_config") not in (None, {})
    ):
        raise _refused("its network must be an uncompiled keras.Sequential")
    _check_objects(config, allowed, "its network")
    _check_declared_sizes(config, weights_bytes)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, MODEL)
        with open(path, "wb") as file:
            file.write(data)
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:
            raise _refused(f"Keras could not build its network: {error}") from error
    model.jit_compile = predict_jit_compile(keras)  # as after fit
    found, width = (
        tuple(model.input_shape),
        estimator._forecast_width(model.output_shape),
    )
    expected = (None, *estimator._window_shape3)
    if found != expected or width != estimator.horizon_:
        raise _refused(
            f"its network maps {found} to {width} values; the estimator needs "
            f"{expected} to {estimator.horizon_}"
        )
    return model


def _check_objects(value, allowed, where):
    """Refuse any Keras object in ``value`` that rnnkit does not build."""
    custom_names = set(import_keras().saving.get_custom_objects())
    for node in _tree(value):
        if isinstance(node, dict) and "class_name" in node:
            _check_keras_object(node, allowed, where)
        elif isinstance(node, str) and node in custom_names and node not in allowed:
            # Keras would resolve this string to the registered object (code).
            raise _refused(
                f"{where} refers to the registered Keras object {node!r}, which "
                "is not the estimator's cell"
            )


def _tree(value, depth=0):
    """Yield ``value`` and everything nested in it."""
    if depth > MAX_DEPTH:
        raise _refused("its content is nested too deeply")
    yield value
    children = value.values() if isinstance(value, dict) else value
    for child in children if isinstance(value, (dict, list)) else ():
        yield from _tree(child, depth + 1)


def _check_keras_object(node, allowed, where):
    class_name, module = node["class_name"], node.get("module")
    registered = node.get("registered_name")
    if not isinstance(class_name, str) or not all(
        value is None or isinstance(value, str) for value in (module, registered)
    ):
        raise _refused(f"{where} has a malformed object {_short(node)}")
    if registered is not None and registered in allowed:
        return
    if class_name in KERAS_CLASSES.get(module, ()) and registered in (None, class_name):
        return
    if class_name == "__lambda__":
        what = "a Python lambda (code stored in the file)"
    elif class_name == "function":
        what = f"the function {_short(node.get('config'))} of {module!r}"
    else:
        what = f"{class_name!r} of {module!r} (registered name {registered!r})"
    raise _refused(
        f"{where} contains {what}, which rnnkit does not build; only Keras' "
        "recurrent, dense and reshaping layers and the estimator's cell are allowed"
    )


def _check_declared_sizes(config, weights_bytes):
    """Refuse layers larger than the weights in the file can fill.

    Keras allocates a layer's weights before it reads them, so huge declared
    layers would exhaust memory before any check on the weights themselves.
    """
    floats = 0
    for node in _tree(config):
        if isinstance(node, dict) and isinstance(node.get("config"), dict):
            inner = node["config"]
            if "n" in inner:  # RepeatVector's horizon
                _check_int(inner, "n", 1, MAX_DIM)
            if "units" not in inner:
                continue
            units = _check_int(inner, "units", 1, MAX_DIM)
            build = node.get("build_config")
            shape = build.get("input_shape") if isinstance(build, dict) else None
            n_in = shape[-1] if isinstance(shape, list) and shape else None
            floats += units * (n_in if _is_int(n_in) and 1 <= n_in <= MAX_DIM else 1)
            recurrent = node.get("class_name") in RECURRENT_CLASSES
            floats += units * units if recurrent else 0
    if floats * 2 > weights_bytes:
        raise _refused(
            f"its network declares at least {floats} weights, more than its "
            f"{weights_bytes}-byte weights file holds"
        )
