"""rnnkit.save / rnnkit.load: round trips, plugin cells, and what load refuses."""

import codecs
import json
import marshal
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from rnnkit import (
    LinearForecaster,
    NaiveForecaster,
    RNNForecaster,
    Seq2SeqForecaster,
    SeriesForecaster,
    _archive,
    _persistence,
)
from rnnkit._persistence import InvalidModelFileError, load, save
from rnnkit.datasets import load_two_sines
from rnnkit.testing import load_only
from tests.plugin_factory import cell_plugin, make_distribution

# Refitted and saved again in the fresh process (each fit costs seconds).
REFIT = ("linear", "plugin")
TINY = {"units": 2, "epochs": 1, "random_state": 0}


def _run_python(code):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """An installed plugin distribution, rnnkit-testcell, and only that one."""
    site = make_distribution(
        tmp_path_factory.mktemp("site"), "rnnkit-testcell", cell_plugin("tinycell")
    )
    with pytest.MonkeyPatch.context() as patch, load_only("rnnkit-testcell"):
        patch.syspath_prepend(str(site))
        patch.setenv("PYTHONPATH", os.pathsep.join([str(site), *sys.path]))
        yield site


@pytest.fixture(autouse=True)
def no_installed_plugins(plugin_site):
    """These tests see the built-in cells and the test plugin's "tinycell"."""
    with load_only("rnnkit-testcell"):
        yield


def _data():
    data = load_two_sines(horizon=3, n_series=200, n_steps=12)
    X3 = np.stack([data.X_train, data.X_train**2], axis=-1)
    columns = [f"t{i}" for i in range(12)]
    return {
        "naive": (data.X_train, data.y_train),
        "linear": (pd.DataFrame(data.X_train, columns=columns), data.y_train),
        "rnn": (data.X_train, data.y_train),
        "seq2seq_3d": (X3, data.y_train[:, 0]),
        "encdec": (data.X_train, data.y_train),
        "plugin": (data.X_train, data.y_train),
    }


def _estimators():
    return {
        "naive": NaiveForecaster(strategy="seasonal", season_length=4),
        "linear": LinearForecaster(alpha=0.1),
        "rnn": RNNForecaster(
            **{**TINY, "units": (3, 2)}, cell_kwargs={"activation": "relu"}
        ),
        "seq2seq_3d": Seq2SeqForecaster(
            cell="lstm", scaler="window", dropout=0.1, target_index=1, **TINY
        ),
        "encdec": Seq2SeqForecaster(architecture="encoder_decoder", cell="gru", **TINY),
        "plugin": RNNForecaster(cell="tinycell", dropout=0.1, **TINY),
    }


@pytest.fixture(scope="module")
def fitted(plugin_site):
    data = _data()
    return {
        name: (estimator.fit(*data[name]), *data[name])
        for name, estimator in _estimators().items()
    }


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    directory = tmp_path_factory.mktemp("saved")
    paths = {}
    for name, (estimator, _, _) in fitted.items():
        paths[name] = directory / f"{name}.rnnkit"
        save(estimator, paths[name])
    return paths


# --- round trips ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(_estimators()))
def test_load_round_trip_same_params_state_and_predictions(name, fitted, saved):
    estimator, X, _ = fitted[name]
    loaded = load(saved[name])
    assert type(loaded) is type(estimator)
    assert repr(loaded.get_params()) == repr(estimator.get_params())
    np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))
    for attribute in ("horizon_", "n_features_in_", "_y_ndim", "_window_shape"):
        assert getattr(loaded, attribute) == getattr(estimator, attribute)
    if hasattr(estimator, "history_"):
        assert loaded.history_ == estimator.history_
        assert loaded._cell_distribution == estimator._cell_distribution


def test_load_keeps_feature_names(fitted, saved):
    loaded = load(saved["linear"])
    names = [f"t{i}" for i in range(12)]
    np.testing.assert_array_equal(loaded.feature_names_in_, names)
    with pytest.warns(UserWarning, match="feature names"):
        loaded.predict(fitted["linear"][1].to_numpy())


def test_load_in_fresh_process_predicts_identically_and_refits(fitted, fresh_process):
    out, results, _ = fresh_process
    for name, (estimator, _, _) in fitted.items():
        assert results[name] == [True, repr(estimator.get_params())], name
    for name in REFIT:
        refit = load(out / f"{name}-refit.rnnkit")
        X = np.load(out / f"{name}-X.npy")
        expected = np.load(out / f"{name}-refit.npy")
        np.testing.assert_array_equal(refit.predict(X), expected)


NEURAL = ("rnn", "seq2seq_3d", "encdec", "plugin")
# Each run checks both directions (saved here, loaded there, refitted there and
# loaded back here), so CI's JAX worker need not repeat what its TensorFlow
# worker checks.
OTHER_BACKEND = {"tensorflow": "jax", "torch": "jax"}


def _other_backend():
    import importlib.util

    import keras

    backend = keras.backend.backend()
    other = OTHER_BACKEND.get(backend)
    if other is None:
        pytest.skip(f"checked from TensorFlow's side, both ways (this is {backend})")
    if importlib.util.find_spec(other) is None:
        pytest.skip(f"needs a second Keras backend, {other}, installed")
    return other


def test_models_move_between_backends_with_the_same_forecasts(
    fitted, saved, plugin_site, tmp_path
):
    """Saved files and pickles from this backend load on the other, and back."""
    other = _other_backend()
    for name in NEURAL:
        estimator, X, y = fitted[name]
        np.save(tmp_path / f"{name}-X.npy", np.asarray(X))
        np.save(tmp_path / f"{name}-y.npy", np.asarray(y))
        np.save(tmp_path / f"{name}-pred.npy", estimator.predict(X))
        (tmp_path / f"{name}.pkl").write_bytes(pickle.dumps(estimator))
    code = textwrap.dedent(f"""
        import json, os, pathlib, pickle, warnings
        import numpy as np
        from rnnkit._persistence import load, save
        warnings.simplefilter("ignore")
        out, results = pathlib.Path({str(tmp_path)!r}), {{}}
        for name, path in { ({k: str(saved[k]) for k in NEURAL})!r}.items():
            X, y = np.load(out / f"{{name}}-X.npy"), np.load(out / f"{{name}}-y.npy")
            expected = np.load(out / f"{{name}}-pred.npy")
            loaded = load(path)
            unpickled = pickle.loads((out / f"{{name}}.pkl").read_bytes())
            results[name] = [
                float(np.max(np.abs(model.predict(X) - expected)))
                for model in (loaded, unpickled)
            ]
            loaded.fit(X, y)
            save(loaded, out / f"{{name}}-other.rnnkit")
            np.save(out / f"{{name}}-other.npy", loaded.predict(X))
        import keras
        print(json.dumps([keras.backend.backend(), results]))
    """)
    environment = {**os.environ, "KERAS_BACKEND": other, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr[-3000:]
    backend, errors = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == other
    for name in NEURAL:
        assert max(errors[name]) < 1e-5, (name, errors[name])
        X = np.load(tmp_path / f"{name}-X.npy")
        back = load(tmp_path / f"{name}-other.rnnkit")
        expected = np.load(tmp_path / f"{name}-other.npy")
        np.testing.assert_allclose(back.predict(X), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.backend_independent
def test_save_and_load_without_a_network_do_not_import_keras(saved, tmp_path):
    code = textwrap.dedent(f"""
        import json, sys
        from rnnkit._persistence import load, save
        save(load({str(saved["linear"])!r}), {str(tmp_path / "again.rnnkit")!r})
        print(json.dumps([m for m in ("keras", "tensorflow") if m in sys.modules]))
    """)
    assert _run_python(code) == []


def test_loaded_estimator_still_pickles_for_trusted_use(fitted, saved):
    estimator, X, _ = fitted["rnn"]
    loaded = pickle.loads(pickle.dumps(load(saved["rnn"])))
    np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))


def test_load_warm_start_keeps_training_the_loaded_network(fitted, saved):
    _, X, y = fitted["rnn"]
    loaded = load(saved["rnn"]).set_params(warm_start=True)
    weights = [w.copy() for w in loaded.model_.get_weights()]
    model = loaded.model_
    loaded.fit(X, y)
    assert loaded.model_ is model
    assert len(loaded.history_["loss"]) == 2
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(weights, loaded.model_.get_weights(), strict=True)
    )


def test_save_manifest_records_versions_params_and_cells(saved):
    with zipfile.ZipFile(saved["plugin"]) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert sorted(archive.namelist()) == [
            "arrays/scaling_center_.npy",
            "arrays/scaling_scale_.npy",
            "arrays/weights.npy",
            "manifest.json",
        ]
    assert manifest["format_version"] == 2
    assert manifest["estimator"] == "RNNForecaster"
    assert {"rnnkit", "keras", "tensorflow", "numpy", "scikit-learn"} <= set(
        manifest["versions"]
    )
    assert manifest["params"]["cell"] == "tinycell"
    cell = {"name": "tinycell", "distribution": "rnnkit-testcell"}
    assert manifest["fitted"]["cells"] == [cell]


def test_save_refuses_what_it_cannot_store(fitted, tmp_path):
    path = tmp_path / "x.rnnkit"
    with pytest.raises(NotFittedError):
        save(LinearForecaster(), path)
    with pytest.raises(TypeError, match="Got a Ridge instead"):
        from sklearn.linear_model import Ridge

        save(Ridge(), path)
    estimator = fitted["naive"][0]
    estimator.set_params(season_length=np.random.RandomState(0))
    try:
        with pytest.raises(ValueError, match="The 'season_length' parameter must be"):
            save(estimator, path)
    finally:
        estimator.set_params(season_length=4)
    assert not path.exists()


def test_load_without_the_plugin_names_cell_and_distribution(saved):
    with load_only(), pytest.raises(InvalidModelFileError) as error:
        load(saved["plugin"])
    message = str(error.value)
    assert "'tinycell'" in message
    assert "pip install rnnkit-testcell" in message


def test_load_newer_format_says_upgrade(saved, tmp_path):
    path = _rewrite(saved["naive"], tmp_path, manifest={"format_version": 3})
    with pytest.raises(InvalidModelFileError, match=r"newer than the 2 .* upgrade"):
        load(path)


def test_load_refuses_members_over_the_size_limits(saved, monkeypatch):
    monkeypatch.setattr(_archive, "MAX_ARRAY_BYTES", 100)
    with pytest.raises(InvalidModelFileError, match="larger than the 100-byte limit"):
        load(saved["linear"])
    monkeypatch.setattr(_archive, "MAX_FILE_BYTES", 100)
    with pytest.raises(InvalidModelFileError, match="over the 100 limit"):
        load(saved["naive"])


V1_FILES = Path(__file__).parent / "data" / "format_v1"


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize("name", list(_estimators()))
def test_load_reads_format_1_files_of_rnnkit_0_1(name, tmp_path):
    """Files saved by rnnkit 0.1.0 load, forecast as they did, and save anew."""
    expected = np.load(V1_FILES / "predictions.npz")
    X, forecasts = expected[f"{name}_X"], expected[f"{name}_pred"]
    loaded = load(V1_FILES / f"{name}.rnnkit")
    np.testing.assert_allclose(loaded.predict(X), forecasts, rtol=1e-5, atol=1e-6)
    save(loaded, tmp_path / "again.rnnkit")
    np.testing.assert_array_equal(
        load(tmp_path / "again.rnnkit").predict(X), loaded.predict(X)
    )


@pytest.mark.backend_independent
def test_load_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.rnnkit")


# --- helpers for hostile files ---------------------------------------------------


def _rewrite(source, directory, *, manifest=None, replace=None, add=None, out=None):
    """Copy an rnnkit file with members replaced (None drops one) or added.

    ``manifest`` updates top-level manifest keys, or is a function of the
    manifest.
    """
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if manifest is not None:
        content = json.loads(members["manifest.json"])
        if callable(manifest):
            manifest(content)
        else:
            content.update(manifest)
        members["manifest.json"] = json.dumps(content).encode()
    for name, data in (replace or {}).items():
        if data is None:
            del members[name]
        else:
            members[name] = data
    path = out or directory / f"hostile-{len(list(directory.iterdir()))}.rnnkit"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*members.items(), *(add or {}).items()]:
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


class _Payload:
    """Unpickling this creates ``path``: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.mkdir, (self.path,))


def _pickled(marker):
    return pickle.dumps(_Payload(marker))


def _pickled_npy(marker):
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    return buffer.getvalue()


def _touching_lambda(marker):
    """A lambda that creates ``marker``, with the path inside its code."""
    return eval(f"lambda x: (open({str(marker)!r}, 'a').close(), x)[1]")


def _lambda_network(marker, directory):
    """A ``.keras`` network whose Lambda layer creates ``marker`` when built."""
    import keras

    touch = _touching_lambda(marker)
    model = keras.Sequential(
        [
            keras.Input((12, 1)),
            keras.layers.Lambda(touch),
            keras.layers.SimpleRNN(2),
            keras.layers.Dense(3),
        ]
    )
    path = directory / "lambda.keras"
    model.save(path)
    os.remove(marker)  # building it here ran the lambda once
    return path.read_bytes()


def _lambda_kwargs(marker):
    """``cell_kwargs`` whose activation is a serialized lambda creating ``marker``."""
    touch = _touching_lambda(marker)
    code = codecs.encode(marshal.dumps(touch.__code__), "base64").decode()
    function = {"code": code, "defaults": None, "closure": None}
    activation = {"class_name": "__lambda__", "config": function}
    return _persistence._encode({"activation": activation}, "cell_kwargs")


def _register_touch(marker):
    import keras

    @keras.saving.register_keras_serializable(package="rnnkit_test_evil")
    def touch(x):
        os.mkdir(marker)
        return x

    return "rnnkit_test_evil>touch"


DEEP = json.loads("[" * 40 + "1" + "]" * 40)
OS_SYSTEM = {"module": "os", "class_name": "function", "config": "system"}

# name -> build(saved, directory, marker) -> path of a file load must refuse
HOSTILE = {
    "pickle as manifest": lambda s, d, m: _rewrite(
        s["rnn"], d, replace={"manifest.json": _pickled(m)}
    ),
    "pickle as scaling array": lambda s, d, m: _rewrite(
        s["rnn"], d, replace={"arrays/scaling_center_.npy": _pickled_npy(m)}
    ),
    "pickle as coef_ array": lambda s, d, m: _rewrite(
        s["linear"], d, replace={"arrays/coef_.npy": _pickled_npy(m)}
    ),
    "raw pickle as array": lambda s, d, m: _rewrite(
        s["linear"], d, replace={"arrays/intercept_.npy": _pickled(m)}
    ),
    "pickle as network": lambda s, d, m: _rewrite(
        s["rnn"], d, replace={"model.keras": _pickled(m)}
    ),
    "pickle as network weights": lambda s, d, m: _rewrite(
        s["rnn"], d, replace={"arrays/weights.npy": _pickled_npy(m)}
    ),
    "raw pickle as network weights": lambda s, d, m: _rewrite(
        s["plugin"], d, replace={"arrays/weights.npy": _pickled(m)}
    ),
    "pickle as the whole file": lambda s, d, m: _write(d, _pickled(m)),
    "lambda layer": lambda s, d, m: _rewrite(
        s["rnn"], d, replace={"model.keras": _lambda_network(m, d)}
    ),
    "estimator os.system": lambda s, d, m: _rewrite(
        s["naive"], d, manifest={"estimator": "os.system"}
    ),
    "estimator not on the allow-list": lambda s, d, m: _rewrite(
        s["naive"], d, manifest={"estimator": "BaseEstimator"}
    ),
    "activation os.system": lambda s, d, m: _rewrite(
        s["rnn"], d, manifest=_set_param("cell_kwargs", _kwargs(activation=OS_SYSTEM))
    ),
    "registered function not of the cell": lambda s, d, m: _rewrite(
        s["rnn"],
        d,
        manifest=_set_param("cell_kwargs", _kwargs(activation=_register_touch(m))),
    ),
    "cell_kwargs with a lambda": lambda s, d, m: _rewrite(
        s["rnn"], d, manifest=_set_param("cell_kwargs", _lambda_kwargs(m))
    ),
    "huge declared layer": lambda s, d, m: _rewrite(
        s["rnn"], d, manifest=_set_param("units", {"tuple": [10**6]})
    ),
    "huge declared plugin layer": lambda s, d, m: _rewrite(
        s["plugin"], d, manifest=_set_param("units", {"tuple": [10**6]})
    ),
    "huge declared horizon": lambda s, d, m: _rewrite(
        s["rnn"], d, manifest=lambda c: c["fitted"].update(horizon_=2**24)
    ),
    "network with a keras member": lambda s, d, m: _rewrite(
        s["rnn"], d, add={"model.keras": _keras_file(d)}
    ),
    "path traversal ..": lambda s, d, m: _rewrite(s["naive"], d, add={"../evil": b""}),
    "path traversal nested": lambda s, d, m: _rewrite(
        s["naive"], d, add={"arrays/../../evil": b""}
    ),
    "absolute path": lambda s, d, m: _rewrite(s["naive"], d, add={"/tmp/evil": b""}),
    "drive letter": lambda s, d, m: _rewrite(s["naive"], d, add={"C:/evil": b""}),
    "backslashes": lambda s, d, m: _rewrite(s["naive"], d, add={"..\\evil": b""}),
    "unexpected member": lambda s, d, m: _rewrite(s["linear"], d, add={"x.py": b""}),
    "missing member": lambda s, d, m: _rewrite(
        s["linear"], d, replace={"arrays/coef_.npy": None}
    ),
    "duplicate member": lambda s, d, m: _rewrite(
        s["naive"], d, add={"manifest.json": b"{}"}
    ),
    "zip bomb manifest": lambda s, d, m: _rewrite(
        s["naive"], d, replace={"manifest.json": b" " * (2**22 + 1)}
    ),
    "random bytes": lambda s, d, m: _write(d, np.random.default_rng(0).bytes(5000)),
    "empty file": lambda s, d, m: _write(d, b""),
    "not an rnnkit zip": lambda s, d, m: _rewrite(
        s["naive"], d, manifest={"format": "pickle"}
    ),
}
for _cut in (1, 30, 200, 600, -30, -1):
    HOSTILE[f"truncated at {_cut}"] = lambda s, d, m, cut=_cut: _write(
        d, s["rnn"].read_bytes()[:cut]
    )
for _param, _value in [
    ("alpha", "big"),
    ("alpha", -1.0),
    ("fit_intercept", {"tuple": [1]}),
    ("alpha", {"set": [1]}),
    ("alpha", DEEP),
]:
    HOSTILE[f"param {_param}={_value!r:.20}"] = lambda s, d, m, p=_param, v=_value: (
        _rewrite(s["linear"], d, manifest=_set_param(p, v))
    )
for _param, _value in [("units", {"dict": {}}), ("epochs", 1.5), ("cell", 3)]:
    HOSTILE[f"param {_param}={_value!r}"] = lambda s, d, m, p=_param, v=_value: (
        _rewrite(s["rnn"], d, manifest=_set_param(p, v))
    )
for _key, _value in [
    ("horizon_", -1),
    ("horizon_", 10**12),
    ("window_shape", []),
    ("y_ndim", 3),
    ("feature_names_in_", [1] * 12),
    ("history_", {"loss": ["x"]}),
    ("scaler_kind", "os.system"),
    ("extra", 1),
]:
    HOSTILE[f"fitted {_key}={_value!r:.20}"] = lambda s, d, m, k=_key, v=_value: (
        _rewrite(s["rnn"], d, manifest=lambda c: c["fitted"].update({k: v}))
    )
HOSTILE["format version 0"] = lambda s, d, m: _rewrite(
    s["naive"], d, manifest={"format_version": 0}
)
HOSTILE["format version '1'"] = lambda s, d, m: _rewrite(
    s["naive"], d, manifest={"format_version": "1"}
)
HOSTILE["unknown manifest key"] = lambda s, d, m: _rewrite(
    s["naive"], d, manifest={"code": "import os"}
)
HOSTILE["unknown parameter"] = lambda s, d, m: _rewrite(
    s["naive"], d, manifest=lambda c: c["params"].update(evil=1)
)
HOSTILE["missing parameter"] = lambda s, d, m: _rewrite(
    s["naive"], d, manifest=lambda c: c["params"].pop("strategy")
)
HOSTILE["cell changed"] = lambda s, d, m: _rewrite(
    s["rnn"],
    d,
    manifest=lambda c: c["fitted"]["cells"][0].update(distribution="rnnkit-evil"),
)
HOSTILE["integer array"] = lambda s, d, m: _rewrite(
    s["linear"], d, replace={"arrays/intercept_.npy": _npy(np.zeros(3, int))}
)
HOSTILE["array of the wrong shape"] = lambda s, d, m: _rewrite(
    s["linear"], d, replace={"arrays/intercept_.npy": _npy(np.zeros(4))}
)
HOSTILE["network of the wrong shape"] = lambda s, d, m: _rewrite(
    s["rnn"], d, replace={"arrays/weights.npy": _weights(s["seq2seq_3d"])}
)
HOSTILE["integer network weights"] = lambda s, d, m: _rewrite(
    s["rnn"], d, replace={"arrays/weights.npy": _npy(np.zeros(50, int))}
)


def _set_param(name, value):
    return lambda manifest: manifest["params"].update({name: value})


def _write(directory, data):
    path = directory / f"hostile-{len(list(directory.iterdir()))}.rnnkit"
    path.write_bytes(data)
    return path


def _npy(array):
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _weights(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("arrays/weights.npy")


def _kwargs(**cell_kwargs):
    return {"dict": cell_kwargs}


def _keras_file(directory):
    import keras

    model = keras.Sequential([keras.Input((12, 1)), keras.layers.SimpleRNN(2)])
    model.save(directory / "network.keras")
    return (directory / "network.keras").read_bytes()


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("case", list(HOSTILE))
def test_load_refuses_hostile_file_and_runs_nothing(case, saved, tmp_path):
    directory, marker = tmp_path / "files", tmp_path / "pwned"
    directory.mkdir()
    path = HOSTILE[case](saved, directory, marker)
    with pytest.raises(InvalidModelFileError, match="Cannot load"):
        load(path)
    assert not marker.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files"]


def test_payloads_are_live(tmp_path):
    """The payloads above do run when opened the unsafe way."""
    pickle.loads(_pickled(tmp_path / "a"))
    np.load(_npy_file(tmp_path, _pickled_npy(tmp_path / "b")), allow_pickle=True)
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()


def _npy_file(directory, data):
    path = directory / "payload.npy"
    path.write_bytes(data)
    return path


UNSAFE_CASES = [
    "lambda layer",
    "cell_kwargs with a lambda",
    "pickle as manifest",
    "pickle as scaling array",
    "pickle as network",
    "pickle as network weights",
    "registered function not of the cell",
    "activation os.system",
    "estimator os.system",
]


@pytest.fixture(scope="module")
def fresh_process(fitted, saved, plugin_site, tmp_path_factory):
    """One fresh Python process, as a user's (each start costs seconds: Keras
    and its backend import anew), for two tests: it loads every saved model,
    forecasts, refits and saves those of ``REFIT``; then, with Keras' unsafe
    deserialization switched on, it loads the hostile files of ``UNSAFE_CASES``.

    Its folder, what the first part found, and what the second part found.
    """
    out = tmp_path_factory.mktemp("fresh")
    for name, (estimator, X, y) in fitted.items():
        np.save(out / f"{name}-X.npy", np.asarray(X))
        np.save(out / f"{name}-y.npy", np.asarray(y))
        np.save(out / f"{name}-pred.npy", estimator.predict(X))
    directory = out / "files"
    directory.mkdir()
    cases = {}
    for i, case in enumerate(UNSAFE_CASES):
        marker = str(out / f"pwned-{i}")
        cases[case] = [str(HOSTILE[case](saved, directory, marker)), marker]
    control = [str(directory / "lambda.keras"), cases["lambda layer"][1]]
    code = textwrap.dedent(f"""
        import json, os, pathlib, warnings
        import numpy as np
        from rnnkit._persistence import InvalidModelFileError, load, save
        out, results = pathlib.Path({str(out)!r}), {{}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, path in { ({k: str(v) for k, v in saved.items()})!r}.items():
                model = load(path)
                X = np.load(out / f"{{name}}-X.npy")
                y = np.load(out / f"{{name}}-y.npy")
                expected = np.load(out / f"{{name}}-pred.npy")
                same = np.array_equal(model.predict(X), expected)
                if name in {REFIT!r}:
                    model.fit(X, y)
                    save(model, out / f"{{name}}-refit.rnnkit")
                    np.save(out / f"{{name}}-refit.npy", model.predict(X))
                results[name] = [same, repr(model.get_params())]

        import keras
        keras.config.enable_unsafe_deserialization()
        unsafe = {{}}
        for case, (path, marker) in {cases!r}.items():
            try:
                load(path)
                outcome = "loaded"
            except InvalidModelFileError:
                outcome = "refused"
            unsafe[case] = [outcome, os.path.exists(marker)]
        unsafe["a good file"] = [type(load({str(saved["rnn"])!r})).__name__, False]
        # Control: Keras itself, in unsafe mode, runs the lambda's code.
        keras.saving.load_model({control[0]!r})
        unsafe["control"] = ["keras ran the lambda", os.path.exists({control[1]!r})]
        print(json.dumps([results, unsafe]))
    """)
    results, unsafe = _run_python(code)
    return out, results, unsafe


def test_load_refuses_hostile_files_after_unsafe_deserialization(fresh_process):
    """Keras' safe mode switched off for the process changes nothing for load."""
    results = dict(fresh_process[2])
    assert results.pop("control") == ["keras ran the lambda", True]
    assert results.pop("a good file") == ["RNNForecaster", False]
    assert results == {case: ["refused", False] for case in UNSAFE_CASES}


# --- fuzzing -----------------------------------------------------------------------


def _mutations(data, rng, n):
    """``n`` copies of ``data`` with bits flipped, or bytes replaced, cut or added."""
    for _ in range(n):
        mutated, size = bytearray(data), int(rng.integers(1, 9))
        start = int(rng.integers(len(data)))
        kind = rng.integers(4)
        if kind == 0:
            for i in rng.integers(len(data), size=size):
                mutated[i] ^= 1 << int(rng.integers(8))
        elif kind == 1:
            mutated[start : start + size] = rng.bytes(size)
        elif kind == 2:
            del mutated[start : start + size]
        else:
            mutated[start:start] = rng.bytes(size)
        yield bytes(mutated)


def test_load_fuzzed_bytes_gives_only_clean_errors(saved, tmp_path):
    rng = np.random.default_rng(0)
    path, refused = tmp_path / "fuzzed.rnnkit", 0
    for name, n in (("naive", 100), ("linear", 150), ("rnn", 150)):
        for data in _mutations(saved[name].read_bytes(), rng, n):
            path.write_bytes(data)
            try:
                load(path)
            except InvalidModelFileError:
                refused += 1
    assert refused > 300


DELETE = object()
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 2**40)
    | st.floats()
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=5,
)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _paths(value, prefix=()):
    """Every path of keys and indices into a JSON value."""
    yield prefix
    if isinstance(value, dict):
        items = value.items()
    else:
        items = enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, (*prefix, key))


def _mutate_json(data, document):
    """Replace or delete one value, anywhere in ``document``, in place."""
    path = data.draw(st.sampled_from(list(_paths(document))[1:]))
    new = data.draw(JSON | st.just(DELETE))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if new is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


@FUZZ
@given(data=st.data())
def test_load_fuzzed_manifest_gives_only_clean_errors(data, saved, tmp_path):
    name = data.draw(st.sampled_from(["naive", "linear", "rnn", "plugin"]))
    edit = lambda manifest: _mutate_json(data, manifest)  # noqa: E731
    path = _rewrite(saved[name], tmp_path, manifest=edit, out=tmp_path / "m.rnnkit")
    try:
        load(path)
    except InvalidModelFileError:
        pass


@FUZZ
@given(data=st.data())
def test_load_fuzzed_network_state_gives_only_clean_errors(data, saved, tmp_path):
    name = data.draw(st.sampled_from(["rnn", "plugin"]))
    edit = lambda manifest: _mutate_json(data, manifest["fitted"])  # noqa: E731
    path = _rewrite(saved[name], tmp_path, manifest=edit, out=tmp_path / "k.rnnkit")
    try:
        load(path)
    except InvalidModelFileError:
        pass


@pytest.mark.slow
def test_series_forecaster_of_a_network_round_trips(tmp_path):
    y = pd.Series(
        np.sin(np.arange(60) / 3), index=pd.date_range("2020-01", periods=60, freq="MS")
    )
    model = SeriesForecaster(
        RNNForecaster(units=4, epochs=2, random_state=0), n_steps=12, horizon=3
    ).fit(y)
    assert model.forecaster.units == 4 and not hasattr(model.forecaster, "model_")
    save(model, tmp_path / "rnn.rnnkit")
    loaded = load(tmp_path / "rnn.rnnkit")
    pd.testing.assert_series_equal(loaded.predict(), model.predict())
    pd.testing.assert_frame_equal(loaded.predict_interval(), model.predict_interval())
