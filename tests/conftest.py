import collections
import gc
import os
import re
import shutil
import sys
import tempfile
import time

import numpy as np
import pytest

from rnnkit.datasets import load_two_sines
from rnnkit.testing import load_only
from tests.helpers import FRESH_PROCESS_CELLS, grid_search

# CI runs the suite once per Keras backend, side by side (pytest-xdist's
# --dist each, one worker per backend). A test marked backend_independent
# checks nothing that depends on the backend (baselines, data, argument errors,
# docs pages without networks, the estimator contract of scikit-learn's checks,
# joblib's Dask transport), so one worker alone runs it. Their modules are dealt
# out whole (module-scoped fixtures are paid once), the costliest first, each to
# the worker with the least work so far, so that both workers finish about
# together. A test's cost is an estimate of its CPU seconds: the marker's
# ``seconds`` where a test starts worker processes (``seconds=30``), otherwise
# ``TYPICAL_SECONDS``. The TensorFlow worker starts with ``TENSORFLOW_EXTRA_SECONDS``
# of work: the tests both workers run cost it that much more CPU than the JAX
# worker (683 against 578, with their child processes, measured on this run's
# two workers), so the costliest independent modules go to JAX.
TYPICAL_SECONDS = 0.2
TENSORFLOW_EXTRA_SECONDS = 100


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist's controller: tell each worker how the tests are dealt out."""
    node.workerinput["rnnkit_dist"] = node.config.getoption("dist")
    node.workerinput["rnnkit_backends"] = [
        match.group(1) if match else ""
        for match in (
            re.search(r"KERAS_BACKEND=(\w+)", spec)
            for spec in node.config.getoption("tx") or []
        )
    ]


def pytest_collection_modifyitems(config, items):
    worker = getattr(config, "workerinput", {})
    if worker.get("rnnkit_dist") != "each":
        return
    independent = [i for i in items if i.get_closest_marker("backend_independent")]
    costs = collections.defaultdict(float)
    for item in independent:
        marker = item.get_closest_marker("backend_independent")
        costs[_module(item)] += marker.kwargs.get("seconds", TYPICAL_SECONDS)
    backends = worker.get("rnnkit_backends", [])
    if len(backends) != worker["workercount"]:  # --tx 2*popen//...: no backend
        backends = [""] * worker["workercount"]
    dealt = [TENSORFLOW_EXTRA_SECONDS if b == "tensorflow" else 0 for b in backends]
    mine = set()
    for module in sorted(costs, key=lambda m: (-costs[m], m)):
        to = min(range(len(dealt)), key=lambda w: (dealt[w], w))
        dealt[to] += costs[module]
        if to == int(worker["workerid"][2:]):
            mine.add(module)
    elsewhere = [i for i in independent if _module(i) not in mine]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [i for i in items if i not in set(elsewhere)]


# JAX compiles every new network's training and forecasting steps anew (2-3
# CPU seconds a network here), though most tests build the same few networks on
# the same small data. Its persistent cache keys each compiled program by the
# program itself (and JAX's version and options), so a network identical to an
# earlier one loads the same program instead of compiling it again (0.3 CPU
# seconds, the same forecasts). One cache per test process, through the
# environment, so that the processes a test starts (joblib's workers, fresh
# user processes) share it; gone at the end of the run. Not xdist's controller,
# whose workers would inherit one cache: JAX writes it without a lock (a
# process reading an entry half written compiles anew, with a warning).
def pytest_configure(config):
    controller = config.getoption("dist", "no") != "no" and not hasattr(
        config, "workerinput"
    )
    if controller or "JAX_COMPILATION_CACHE_DIR" in os.environ:
        return  # xdist's controller, or the caller's own cache
    cache = tempfile.mkdtemp(prefix="rnnkit-tests-jax-cache-")
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
    os.environ["JAX_COMPILATION_CACHE_DIR"] = cache
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    os.environ["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "-1"


def pytest_collection_finish(session):
    """Leave what importing the tests built (Keras, TensorFlow: half a million
    objects) out of the garbage collections to come: each full one, after
    every module and as the process grows, then skips it."""
    gc.collect()
    gc.freeze()


def _module(item):
    return item.nodeid.split("::")[0]


@pytest.fixture(autouse=True)
def no_installed_plugins():
    """rnnkit's own tests see only the built-in cells unless they ask for more."""
    with load_only():
        yield


@pytest.fixture(autouse=True, scope="module")
def release_keras_state(request):
    """Free the graphs TensorFlow keeps for every model a test module built.

    Without this, hundreds of tiny fits grow the process by gigabytes and make
    its exit (one garbage collection over all of it) take minutes. Once per
    module: after every test, the clearing and the retracing it forces cost
    more than they save. A module marked backend-independent as a whole builds
    at most a network or two (test_dask.py), and skips the clearing (a full
    garbage collection, seconds in a large process).
    """
    yield
    started = time.process_time()
    if "keras" in sys.modules and not request.node.get_closest_marker(
        "backend_independent"
    ):
        sys.modules["keras"].backend.clear_session(free_memory=True)
    _profile_module(request.node.nodeid, time.process_time() - started)


def _profile_module(module, teardown_cpu):
    """With RNNKIT_TEST_PROFILE=file: one line per module on how the worker grew.

    Backend, module, CPU seconds of the process so far and of the teardown,
    resident and peak memory (MB): where a worker's memory goes, and what its
    garbage collections cost.
    """
    path = os.environ.get("RNNKIT_TEST_PROFILE")
    if not path:
        return
    import resource  # Unix only, as /proc is

    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(f"/proc/{os.getpid()}/statm") as statm:
        resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    line = (
        f"{os.environ.get('KERAS_BACKEND', '')}\t{module}\t"
        f"{usage.ru_utime + usage.ru_stime:.1f}\t{teardown_cpu:.1f}\t"
        f"{resident / 2**20:.0f}\t{usage.ru_maxrss / 2**10:.0f}\n"
    )
    with open(path, "a") as out:
        out.write(line)


@pytest.fixture(scope="session")
def two_sines():
    """The seed chapter's 1-step split."""
    return load_two_sines(horizon=1)


@pytest.fixture(scope="session")
def two_sines_10():
    """The seed chapter's 10-step split."""
    return load_two_sines(horizon=10)


@pytest.fixture(scope="module")
def small():
    """A 3-step split of 300 short windows, for fits that must be quick."""
    return load_two_sines(horizon=3, n_series=300, n_steps=12)


# A user's session, run after the unpickling in ``fresh_user_process``: fits,
# forecasts, scores and a search. Five models are enough for TensorFlow's
# retracing warning (checked: without rnnkit's filter, this code prints it).
USER_SESSION = """
from sklearn.model_selection import cross_val_score
from rnnkit import RNNForecaster, Seq2SeqForecaster, make_windows, window_split
X, y = make_windows(np.sin(np.arange(80) / 4), n_steps=6, horizon=2)
for units in (1, 2):
    model = RNNForecaster(units=units, epochs=1).fit(X, y)
    model.predict(X[:2]), model.score(X, y)
seq2seq = Seq2SeqForecaster(units=2, epochs=1).fit(X, y)
for start in range(3):
    seq2seq.score(X[start:], y[start:])
cv = window_split(n_steps=6, horizon=2, n_splits=2)
cross_val_score(RNNForecaster(units=2, epochs=1), X, y, cv=cv)
print("done")
"""


@pytest.fixture(scope="session")
def fresh_user_process(tmp_path_factory):
    """One new Python process, as a user starts it, shared by the checks that
    need one (each new process imports Keras and its backend anew: seconds).

    It unpickles forecasters fitted here and forecasts: a seq2seq network
    (tests/test_neural.py) and the RNN cells that the conformance kit's own
    fresh-process check does not run (tests/test_testing.py). Then it runs
    ``USER_SESSION``, all with ``TF_CPP_MIN_LOG_LEVEL`` unset, as a user has it,
    so that tests/test_keras.py can check that nothing reached stderr.
    ``(forecasts, result)``: ``{name: (forecast here, forecast there)}`` and the
    finished process.
    """
    import pickle
    import subprocess

    from rnnkit import RNNForecaster, Seq2SeqForecaster
    from rnnkit.testing import _tiny_params, _tiny_windows

    data = load_two_sines(horizon=3, n_series=300, n_steps=12)  # as `small`
    X, y = _tiny_windows()
    fits = {
        "seq2seq": (
            Seq2SeqForecaster(units=4, epochs=2, random_state=0),
            data.X_train,
            data.y_train,
            data.X_test,
        ),
        **{
            cell: (RNNForecaster(**_tiny_params(cell, {})), X, y, X)
            for cell in FRESH_PROCESS_CELLS
        },
    }
    folder = tmp_path_factory.mktemp("fresh_process")
    here = {}
    code = (
        "import pickle, numpy as np\n"
        f"for name in {list(fits)!r}:\n"
        "    model = pickle.loads(open(f'{name}.pkl', 'rb').read())\n"
        "    np.save(f'{name}.npy', model.predict(np.load(f'{name}-X.npy')))\n"
        + USER_SESSION
    )
    with load_only():  # as every test: the built-in cells only, here and there
        for name, (model, X_fit, y_fit, X_predict) in fits.items():
            model.fit(X_fit, y_fit)
            (folder / f"{name}.pkl").write_bytes(pickle.dumps(model))
            np.save(folder / f"{name}-X.npy", X_predict)
            here[name] = model.predict(X_predict)
        environment = {
            k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"
        }
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=folder,
            capture_output=True,
            text=True,
            env=environment,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    forecasts = {name: (here[name], np.load(folder / f"{name}.npy")) for name in fits}
    return forecasts, result


@pytest.fixture(scope="session")
def fresh_process_forecasts(fresh_user_process):
    """``fresh_user_process``'s forecasts: ``{name: (here, there)}``."""
    return fresh_user_process[0]


@pytest.fixture(scope="session")
def search_data():
    """The data of the small grid searches (tests.helpers.grid_search)."""
    return load_two_sines(horizon=2, n_series=160, n_steps=10)


@pytest.fixture(scope="session")
def serial_search(search_data):
    """The small grid search, serially: what parallel and Dask runs must equal."""
    return grid_search(search_data, n_jobs=1)


@pytest.fixture
def co2_csv(tmp_path):
    """Twenty years of a monthly, CO2-like series: trend, season, noise, a label."""
    import pandas as pd

    rng = np.random.default_rng(0)
    t = np.arange(240)
    co2 = 338 + 0.12 * t + 1e-4 * t**2 + 3 * np.sin(2 * np.pi * (t - 3) / 12)
    co2 += rng.normal(0, 0.3, t.size)
    frame = pd.DataFrame(
        {
            "date": pd.date_range("1980-01-01", periods=t.size, freq="MS"),
            "co2": co2.round(2),
            "site": "MLO",
        }
    )
    path = tmp_path / "co2.csv"
    frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path
