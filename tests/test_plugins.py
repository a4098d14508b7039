"""The plugin host: loading, isolation, names, survival; with fake distributions."""

import os
import pickle
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import rnnkit
from rnnkit import RNNForecaster, Seq2SeqForecaster, hookspecs, plugins
from rnnkit.testing import check_cell, load_only
from tests.plugin_factory import cell_plugin, make_distribution

TINY = {"units": 3, "epochs": 1, "random_state": 0}


@pytest.fixture
def windows():
    X = np.sin(np.arange(120.0) / 4).reshape(20, 6)
    return X, X[:, -1] * 0.9


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder on sys.path (and PYTHONPATH, for child processes) to install into."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    before = set(sys.modules)
    yield tmp_path
    # Each test installs its own modules, often under the same names.
    for name in set(sys.modules) - before:
        if (getattr(sys.modules[name], "__file__", None) or "").startswith(
            str(tmp_path)
        ):
            del sys.modules[name]


def _loaded(*distributions):
    return load_only(*distributions)


def test_hook_register_cells_plugin_cell_works_everywhere(site, windows):
    make_distribution(site, "rnnkit-minimal", cell_plugin("minimal"))
    with _loaded("rnnkit-minimal"):
        info = rnnkit.list_cells()["minimal"]
        assert (info.distribution, info.version) == ("rnnkit-minimal", "0.1")
        for Forecaster in (RNNForecaster, Seq2SeqForecaster):
            model = Forecaster(cell="minimal", **TINY).fit(*windows)
            assert model.predict(windows[0]).shape == (20,)
        check_cell("minimal")


def test_plugin_cell_is_registered_under_its_keras_name(site):
    make_distribution(site, "rnnkit-minimal", cell_plugin("minimal"))
    with _loaded("rnnkit-minimal"):
        cell = plugins.resolve_cell("minimal")
    assert (cell.keras_name, cell.fused_layer) == ("rnnkit_minimal>MinimalCell", None)


@pytest.mark.backend_independent
def test_plugins_are_not_loaded_at_import(site):
    make_distribution(
        site,
        "rnnkit-marker",
        cell_plugin(
            "marker", extra=f"\nopen({str(site / 'imported')!r}, 'w').close()\n"
        ),
    )
    code = (
        "import os, rnnkit\n"
        f"print(os.path.exists({str(site / 'imported')!r}))\n"
        "rnnkit.list_cells()\n"
        f"print(os.path.exists({str(site / 'imported')!r}))\n"
    )
    env = {**os.environ, plugins.LOAD_ENV: "rnnkit-marker"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_load_plugins_variable_selects_distributions(site, monkeypatch):
    make_distribution(site, "rnnkit-one", cell_plugin("one"))
    make_distribution(site, "rnnkit-two", cell_plugin("two"))
    with _loaded("rnnkit-two"):
        assert "two" in rnnkit.list_cells() and "one" not in rnnkit.list_cells()
    with _loaded():
        assert sorted(rnnkit.list_cells()) == ["gru", "lstm", "simple"]
    monkeypatch.delenv(plugins.LOAD_ENV)
    plugins._reset()
    assert {"one", "two"} <= set(rnnkit.list_cells())
    plugins._reset()


def test_plugin_that_fails_to_import_is_dropped_with_warning(site, windows):
    make_distribution(site, "rnnkit-broken", "raise ImportError('no such thing')\n")
    make_distribution(site, "rnnkit-good", cell_plugin("good"))
    with _loaded("rnnkit-broken", "rnnkit-good"):
        with pytest.warns(
            plugins.PluginWarning, match="'rnnkit-broken' failed to load"
        ):
            cells = rnnkit.list_cells()
        assert "good" in cells and "lstm" in cells
        RNNForecaster(cell="good", **TINY).fit(*windows)


def test_plugin_raising_in_hook_loses_all_its_cells(site):
    body = cell_plugin("first").replace(
        'description="a test cell")',
        'description="a test cell")\n    raise RuntimeError("boom")',
    )
    make_distribution(site, "rnnkit-raiser", body)
    with _loaded("rnnkit-raiser"):
        with pytest.warns(
            plugins.PluginWarning, match="raised in register_cells.*boom"
        ):
            cells = rnnkit.list_cells()
        assert "first" not in cells


@pytest.mark.parametrize(
    "registration, reason",
    [
        ('register("notcallable", 42)', "not callable"),
        ('register("stateless", lambda units: object())', "no state_size"),
        ('register("Bad Name", MinimalCell)', "is not valid"),
        (
            'register("unknown", type("Unknown", (MinimalCell,), {}))',
            "Keras cannot rebuild its cell class Unknown",
        ),
    ],
)
def test_plugin_breaking_the_cell_contract_is_refused(site, registration, reason):
    body = cell_plugin("fine").replace(
        "register('fine', MinimalCell, description=\"a test cell\")",
        f'register("fine", MinimalCell)\n    {registration}',
    )
    make_distribution(site, "rnnkit-sloppy", body)
    with _loaded("rnnkit-sloppy"):
        with pytest.warns(plugins.PluginWarning, match=re.escape(reason)):
            cells = rnnkit.list_cells()
        assert "fine" in cells


def test_plugin_cannot_replace_builtin_cell(site):
    make_distribution(site, "rnnkit-usurper", cell_plugin("lstm"))
    with _loaded("rnnkit-usurper"):
        with pytest.warns(plugins.PluginWarning, match="built into rnnkit"):
            cells = rnnkit.list_cells()
        assert cells["lstm"].distribution == "rnnkit"


def test_clashing_names_need_qualified_names(site, windows):
    make_distribution(site, "rnnkit-alpha", cell_plugin("twin", class_name="AlphaCell"))
    make_distribution(site, "rnnkit-beta", cell_plugin("twin", class_name="BetaCell"))
    with _loaded("rnnkit-beta", "rnnkit-alpha"):
        assert {"rnnkit-alpha:twin", "rnnkit-beta:twin"} <= set(rnnkit.list_cells())
        message = (
            "The cell name 'twin' is registered by several plugins: rnnkit-alpha, "
            "rnnkit-beta. Choose one with its qualified name, one of "
            "['rnnkit-alpha:twin', 'rnnkit-beta:twin']"
        )
        with pytest.raises(ValueError, match=re.escape(message)):
            RNNForecaster(cell="twin", **TINY).fit(*windows)
        for qualified, cell_class in [
            ("rnnkit-alpha:twin", "AlphaCell"),
            ("rnnkit-beta:twin", "BetaCell"),
        ]:
            model = RNNForecaster(cell=qualified, **TINY).fit(*windows)
            assert type(model.model_.layers[1].cell).__name__ == cell_class


def test_outcome_does_not_depend_on_install_order(site, monkeypatch):
    first, second = site / "a", site / "b"
    first.mkdir(), second.mkdir()
    make_distribution(first, "rnnkit-zed", cell_plugin("shared", class_name="ZedCell"))
    make_distribution(second, "rnnkit-ay", cell_plugin("shared", class_name="AyCell"))
    listings = []
    for order in ([first, second], [second, first]):
        with monkeypatch.context() as patch:
            for folder in order:
                patch.syspath_prepend(str(folder))
            with _loaded("rnnkit-zed", "rnnkit-ay"):
                listings.append(rnnkit.list_cells())
    assert listings[0] == listings[1]


def test_strict_mode_turns_warnings_into_errors(site, monkeypatch):
    make_distribution(site, "rnnkit-broken", "raise ImportError('no such thing')\n")
    monkeypatch.setenv(plugins.STRICT_ENV, "1")
    with _loaded("rnnkit-broken"):
        with pytest.raises(plugins.PluginError, match="'rnnkit-broken' failed to load"):
            rnnkit.list_cells()


def test_unknown_cell_lists_available_cells_and_how_to_get_more(windows):
    with pytest.raises(ValueError, match=r"must be one of \['gru', 'lstm', 'simple'\]"):
        RNNForecaster(cell="mystery").fit(*windows)
    with pytest.raises(ValueError, match="More cells come from plugins"):
        RNNForecaster(cell="mystery").fit(*windows)


def test_missing_plugin_at_unpickling_names_cell_and_distribution(site, windows):
    make_distribution(site, "rnnkit-minimal", cell_plugin("minimal"))
    with _loaded("rnnkit-minimal"):
        blob = pickle.dumps(RNNForecaster(cell="minimal", **TINY).fit(*windows))
    with _loaded():
        message = (
            "trained with cell 'minimal' from the distribution 'rnnkit-minimal', "
            "which is not available here. Install it (pip install rnnkit-minimal)"
        )
        with pytest.raises(ValueError, match=re.escape(message)):
            pickle.loads(blob)


# The workers' plugins (the variable they inherit), not their backend, are what
# this checks; that process workers train as the parent does on every backend
# is test_neural_search.py's. One backend runs it (two worker starts saved).
@pytest.mark.backend_independent(seconds=30)
def test_grid_search_in_workers_mixes_builtin_and_plugin_cells(site, windows):
    from joblib.externals.loky import get_reusable_executor
    from sklearn.model_selection import GridSearchCV

    make_distribution(site, "rnnkit-minimal", cell_plugin("minimal"))
    with _loaded("rnnkit-minimal"):
        # Workers inherit the environment when they start: start fresh ones.
        get_reusable_executor().shutdown(wait=True)
        grid = {"cell": ["simple", "minimal"]}
        searches = [  # refit=False: the scores are what is compared
            GridSearchCV(
                RNNForecaster(**TINY), grid, cv=2, n_jobs=n_jobs, refit=False
            ).fit(*windows)
            for n_jobs in (1, 2)
        ]
        np.testing.assert_array_equal(
            searches[0].cv_results_["mean_test_score"],
            searches[1].cv_results_["mean_test_score"],
        )
        get_reusable_executor().shutdown(wait=True)


@pytest.mark.backend_independent
def test_every_hook_has_a_test_and_a_documented_signature():
    import inspect
    from pathlib import Path

    docs = (Path(__file__).parents[1] / "docs" / "plugins.md").read_text()
    tests = Path(__file__).read_text()
    hooks = [
        name
        for name, function in vars(hookspecs).items()
        if callable(function) and hasattr(function, "rnnkit_spec")
    ]
    assert hooks == ["register_cells"]
    for hook in hooks:
        signature = f"### {hook}{inspect.signature(getattr(hookspecs, hook))}"
        assert signature in docs, f"docs/plugins.md lacks the heading {signature!r}"
        assert f"def test_hook_{hook}_" in tests, f"no test_hook_{hook}_* test"


def test_no_warning_without_plugins():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sorted(rnnkit.list_cells()) == ["gru", "lstm", "simple"]


def test_plugin_cell_forecasts_a_series_with_intervals_and_saves(site, tmp_path):
    make_distribution(site, "rnnkit-minimal", cell_plugin("minimal"))
    series = np.sin(np.arange(60.0) / 4)
    with _loaded("rnnkit-minimal"):
        model = rnnkit.SeriesForecaster(
            Seq2SeqForecaster(cell="minimal", **TINY), n_steps=6, horizon=2
        ).fit(series)
        bounds = model.predict_interval(0.9)
        forecast = model.predict()
        assert (bounds["lower_90"] <= forecast).all()
        assert (forecast <= bounds["upper_90"]).all()
        rnnkit.save(model, tmp_path / "series.rnnkit")
        loaded = rnnkit.load(tmp_path / "series.rnnkit")
        np.testing.assert_array_equal(loaded.predict(), forecast)
