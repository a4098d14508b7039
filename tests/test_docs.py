"""The documentation's examples run as written.

Every ```python block of README.md and docs/*.md runs, page by page in the
page's order and one namespace per page (a block may use what an earlier one
made), in a fresh folder; ``>>>`` blocks run as doctests. A block that cannot
run in CI is listed in ``SKIP`` with the reason; a one-line block that is not
valid Python is a signature, shown for reading.
"""

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXTRA = re.compile(r'pip install -e "\.\[([\w,]+)\]"')
NETWORK = re.compile(r"\b(RNNForecaster|Seq2SeqForecaster|keras)\b")

# A page whose networks train only where another test trains them on every
# backend runs on one backend, and why.
ONE_BACKEND = {
    "scaling.md": "its networks train in joblib's process workers, which "
    "tests/test_neural_search.py checks on every backend with a search like it "
    "(starting two workers costs seconds)",
}
# The CPU seconds of a one-backend page that starts worker processes, by which
# tests/conftest.py deals this module out.
PAGE_SECONDS = {"scaling.md": 25}

# A line that marks a block which cannot run in CI, and why.
SKIP = {
    'Client("tcp://scheduler.example.org:8786")': "needs a Dask cluster at that "
    "address; tests/test_dask.py runs the same search on a LocalCluster",
    'np.load("long_series.npy")': "trains on a million windows for minutes; "
    "benchmarks/long_series.py measures it",
    "for step_ahead in range(1, horizon + 1):": "a fragment of the chapter's own "
    "code, shown for comparison",
    'rnnkit.load("downloaded.rnnkit")': "needs a file from someone else; "
    "tests/test_persistence.py loads hostile and broken files",
}


def python_blocks(page):
    return PYTHON_BLOCK.findall(page.read_text(encoding="utf-8"))


def page_param(page):
    """A page; one whose examples build no network (or ``ONE_BACKEND``'s) runs
    on one backend only."""
    builds_network = NETWORK.search("".join(python_blocks(page)))
    one_backend = not builds_network or page.name in ONE_BACKEND
    cost = {"seconds": PAGE_SECONDS[page.name]} if page.name in PAGE_SECONDS else {}
    marks = [pytest.mark.backend_independent(**cost)] if one_backend else []
    return pytest.param(page, marks=marks, id=page.name)


def run_block(block, namespace, name):
    if block.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(block, namespace, name, name, 0)
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        runner = doctest.DocTestRunner(optionflags=flags)
        runner.run(test, clear_globs=False)
        assert runner.failures == 0, f"{name} failed; see the output above"
        return
    try:
        code = compile(block, name, "exec")
    except SyntaxError:
        if block.count("\n") == 1:
            return  # a signature, such as make_windows(series, n_steps, *, ...)
        raise
    exec(code, namespace)


@pytest.mark.slow
@pytest.mark.parametrize("page", [page_param(p) for p in PAGES if python_blocks(p)])
def test_docs_python_blocks_run_as_written(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    environment = dict(os.environ)  # a page may set KERAS_BACKEND
    namespace = {"__name__": f"docs_{page.stem}"}
    try:
        for number, block in enumerate(python_blocks(page)):
            if any(marker in block for marker in SKIP):
                continue
            run_block(block, namespace, f"{page.name}, python block {number}")
    finally:
        os.environ.clear()
        os.environ.update(environment)


@pytest.mark.backend_independent
def test_docs_skips_name_blocks_and_pages_that_exist():
    text = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    assert all(marker in text for marker in SKIP)
    for name in ONE_BACKEND:  # a page there, whose examples still train networks
        assert NETWORK.search("".join(python_blocks(ROOT / "docs" / name))), name


@pytest.mark.backend_independent
def test_readme_first_command_installs_what_the_readme_commands_need():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_command = re.search(r"```bash\n(.*?)\n```", readme, re.DOTALL).group(1)
    extras = set(EXTRA.search(first_command).group(1).split(","))
    needed = {"cpu"}  # the neural forecasters of rnnkit compare
    needed |= {"plot"} if "--plot" in readme else set()
    needed |= {"forecast"} if "rnnkit forecast" in readme else set()
    assert needed <= extras


@pytest.mark.backend_independent
def test_cli_docs_error_example_prints_what_the_docs_show(
    tmp_path, monkeypatch, capsys
):
    from rnnkit.cli import main

    page = ROOT / "docs" / "cli.md"
    text = page.read_text(encoding="utf-8")
    command, shown = re.search(
        r"^\$ rnnkit (forecast co2_like\.csv --column CO2)\n(rnnkit: error: .*)$",
        text,
        re.MULTILINE,
    ).groups()
    monkeypatch.chdir(tmp_path)
    for block in python_blocks(page):  # writes co2_like.csv
        run_block(block, {}, "cli.md")
    assert main(command.split()) == 2
    assert capsys.readouterr().err == shown + "\n"


@pytest.mark.backend_independent
def test_docs_example_scripts_run_as_written():
    """``python examples/...`` commands the docs show (the quick ones: no network)."""
    text = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    scripts = sorted(set(re.findall(r"^python (examples/\S+\.py)$", text, re.M)))
    assert scripts == ["examples/seed_baselines.py"]
    for script in scripts:
        result = subprocess.run(
            [sys.executable, script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout's rnnkit
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.startswith("model ")
