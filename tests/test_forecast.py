"""``rnnkit forecast``'s work: reading a series, seasons, planning, MASE, reports.

Argument parsing and the command's plumbing are tested in test_cli.py.
"""

import re

import numpy as np
import pandas as pd
import pytest

import rnnkit
from rnnkit.cli.forecast import default_n_steps
from tests.helpers import assert_one_line_error, assert_png, run_cli


def holdout_scores(out):
    """The holdout MSE of each model in ``rnnkit forecast``'s report."""
    models = r"naive|seasonal naive|linear|rnn \w+|seq2seq \w+"
    rows = re.findall(rf"^  ({models}) +(\S+)", out, re.M)
    return {name: float(mse) for name, mse in rows}


def test_forecast_monthly_csv(capsys, tmp_path, co2_csv):
    output, plot = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    status, out, _ = run_cli(
        capsys, "forecast", co2_csv, "--column", "co2", "--time-column", "date",
        "--horizon", 12, "--model", "linear", "--output", output, "--plot", plot,
    )  # fmt: skip
    assert status == 0
    assert "frequency MS), season 12" in out and "windows of 24 steps" in out
    assert set(holdout_scores(out)) == {"naive", "seasonal naive", "linear"}
    assert re.search(r"^  linear .* <- chosen$", out, re.MULTILINE)
    forecast = pd.read_csv(output, parse_dates=["date"])
    assert list(forecast.columns) == ["date", "co2"]
    expected = pd.date_range("2000-01-01", periods=12, freq="MS")
    assert list(forecast["date"]) == list(expected)
    assert forecast["co2"].between(360, 385).all()  # near the trend, not naive
    assert_png(plot)


def test_forecast_auto_picks_best_on_holdout(capsys, co2_csv):
    status, out, _ = run_cli(
        capsys, "forecast", co2_csv, "--time-column", "date", "--horizon", 6,
        "--epochs", 1, "--quiet",
    )  # fmt: skip
    assert status == 0
    scores = holdout_scores(out)
    rnn = f"rnn {rnnkit.RNNForecaster().cell}"  # the estimator's default cell
    assert set(scores) == {"naive", "seasonal naive", "linear", rnn}
    best = min(scores, key=scores.get)
    assert f"{best} (the lowest holdout MSE)" in out


def test_forecast_plots_a_network_under_its_cell(capsys, tmp_path):
    path, plot = tmp_path / "series.csv", tmp_path / "forecast.png"
    pd.DataFrame({"level": np.sin(np.arange(60) / 3)}).to_csv(path, index=False)
    status, _, _ = run_cli(
        capsys, "forecast", path, "--model", "rnn", "--cell", "simple", "--epochs",
        1, "--horizon", 2, "--plot", plot, "--quiet",
    )  # fmt: skip
    assert status == 0
    assert_png(plot)


def test_forecast_without_time_column_numbers_steps(capsys, tmp_path):
    path = tmp_path / "series.csv"
    values = np.sin(np.arange(100) / 4) + np.arange(100) / 50
    values[[10, 11, 40]] = np.nan  # gaps inside are interpolated
    pd.DataFrame({"value": values}).to_csv(path, index=False)
    output = tmp_path / "out.csv"
    status, _, err = run_cli(
        capsys, "forecast", path, "--model", "naive", "--horizon", 3, "--output",
        output,
    )  # fmt: skip
    assert status == 0
    assert "filled 3 missing value(s)" in err
    forecast = pd.read_csv(output)
    assert list(forecast["step"]) == [100, 101, 102]
    assert np.allclose(forecast["value"], values[-1])


def test_forecast_continues_numeric_years(capsys, tmp_path):
    path = tmp_path / "yearly.csv"
    years = np.arange(1900, 1960)
    frame = pd.DataFrame({"year": years, "level": np.arange(60.0)})
    frame.iloc[::-1].to_csv(path, index=False)  # newest first: sorted on reading
    output = tmp_path / "out.csv"
    status, _, err = run_cli(
        capsys, "forecast", path, "--time-column", "year", "--model", "linear",
        "--horizon", 2, "--output", output,
    )  # fmt: skip
    assert status == 0
    assert "sorted the rows by 'year'" in err
    forecast = pd.read_csv(output)
    assert list(forecast["year"]) == [1960, 1961]
    assert np.allclose(forecast["level"], [60.0, 61.0], atol=1e-6)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["missing.csv"], "no such file"),
        (["{csv}", "--column", "nope"], "no column 'nope'"),
        (["{csv}", "--column", "site"], "not numeric: line 2 holds 'MLO'"),
        (["{csv}", "--time-column", "site"], "does not hold dates"),
        (["{csv}", "--horizon", "150"], "too few for --n-steps 24 and --horizon 150"),
        (["{csv}", "--n-steps", "200"], "use a smaller --n-steps"),
        (["{csv}", "--model", "magic"], "'magic' for --model"),
        (["{csv}", "--model", "rnn", "--cell", "magic"], "'magic' for --cell"),
        (
            ["{csv}", "--model", "seasonal"],
            "--model seasonal needs a season: give --season M, or a --time-column "
            "whose frequency has one (monthly, quarterly, weekly, daily, hourly).",
        ),
        (
            ["{csv}", "--model", "seasonal", "--season", "12", "--n-steps", "6"],
            "--model seasonal needs windows of at least a season (12 values), but "
            "they have 6; use --n-steps 12 or more.",
        ),
        (["{csv}", "--output", "out.json"], "must end in .csv"),
    ],
)
def test_forecast_refuses_bad_input(capsys, co2_csv, argv, fragment):
    argv = [str(co2_csv) if arg == "{csv}" else arg for arg in argv]
    status, out, err = run_cli(capsys, "forecast", *argv)
    assert_one_line_error(status, err, fragment)
    assert out == ""


@pytest.mark.parametrize("value, shown", [("inf", "inf"), ("-Infinity", "-inf")])
def test_forecast_refuses_an_infinite_value(capsys, tmp_path, value, shown):
    path = tmp_path / "inf.csv"
    path.write_text(f"level\n1\n2\n{value}\n4\n")
    status, out, err = run_cli(capsys, "forecast", path)
    message = (
        f"column 'level' of {path} holds an infinite value: line 4 holds {shown}; "
        "correct it, or leave it blank to have it interpolated."
    )
    assert_one_line_error(status, err, message)
    assert out == ""


def test_forecast_notes_dropped_blank_ends_and_date_gaps(tmp_path):
    from rnnkit.cli.forecast import read_series

    dates = pd.date_range("2000-01-01", periods=40, freq="MS")
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "v": np.arange(40.0)})
    frame.loc[[0, 38, 39], "v"] = np.nan
    path = tmp_path / "gaps.csv"
    frame.drop(index=[10, 11, 20]).to_csv(path, index=False)
    assert read_series(str(path), "v", "date").notes == [
        "dropped 1 row(s) at the start and 2 at the end where 'v' is blank",
        "2 gap(s) in 'date' longer than its usual step, the first after "
        "2000-10-01; the rows are used as if evenly spaced",
    ]
    frame.drop(index=[10]).to_csv(path, index=False)  # one step missing
    notes = read_series(str(path), "v", "date").notes
    assert notes[1] == (
        "1 time(s) missing from 'date' at its frequency MS, the first "
        "2000-11-01; the rows are used as if evenly spaced"
    )
    business_days = pd.bdate_range("2020-01-01", periods=30).strftime("%Y-%m-%d")
    pd.DataFrame({"date": business_days, "v": np.arange(30.0)}).to_csv(
        path, index=False
    )
    assert read_series(str(path), "v", "date").notes == []


def test_forecast_refuses_a_csv_with_no_clear_column(capsys, tmp_path):
    path = tmp_path / "two.csv"
    pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}).to_csv(path, index=False)
    status, _, err = run_cli(capsys, "forecast", path)
    assert_one_line_error(status, err, "--column", "columns: a, b")


@pytest.mark.parametrize("n_values, n_steps", [(10, 2), (240, 24), (5_000, 50)])
def test_forecast_default_n_steps_is_a_tenth_within_2_and_50(n_values, n_steps):
    assert default_n_steps(n_values) == n_steps


def test_forecast_reports_each_epoch_to_the_progress_bar(tmp_path):
    import contextlib

    from rnnkit.cli import forecast as _forecast

    details = []

    @contextlib.contextmanager
    def step(label):
        yield lambda detail: details.append((label, detail))

    path = tmp_path / "series.csv"
    pd.DataFrame({"level": np.sin(np.arange(60) / 3)}).to_csv(path, index=False)
    series = _forecast.read_series(str(path))
    plan = _forecast.plan(
        series, horizon=2, n_steps=5, model="rnn", cell="simple", epochs=2,
        random_state=0,
    )  # fmt: skip
    _forecast.run(plan, step)
    assert [d for d in details if d[0].startswith("rnn")] == [
        ("rnn simple: holdout fit", "epoch 1/2"),
        ("rnn simple: holdout fit", "epoch 2/2"),
        ("rnn simple: refit on the whole series", "epoch 1/2"),
        ("rnn simple: refit on the whole series", "epoch 2/2"),
    ]


def _monthly_series(n_values):
    from rnnkit.cli.forecast import Series

    times = pd.date_range("2000-01-01", periods=n_values, freq="MS")
    return Series(np.arange(float(n_values)), "v", "v.csv", times, "date")


def test_forecast_networks_get_only_the_options_given():
    from rnnkit.cli.forecast import _estimator, plan

    series = _monthly_series(120)
    defaults = plan(series, horizon=3, n_steps=None, model="auto")
    for name, cls in [
        ("rnn", rnnkit.RNNForecaster),
        ("seq2seq", rnnkit.Seq2SeqForecaster),
    ]:
        assert _estimator(name, defaults).get_params() == cls().get_params()
    given = plan(
        series, horizon=3, n_steps=None, model="seq2seq", cell="lstm", epochs=4,
        random_state=7,
    )  # fmt: skip
    expected = rnnkit.Seq2SeqForecaster(cell="lstm", epochs=4, random_state=7)
    assert _estimator("seq2seq", given).get_params() == expected.get_params()


@pytest.mark.parametrize(
    "freq, season",
    [
        ("MS", 12), ("ME", 12), ("QS-OCT", 4), ("QE-DEC", 4), ("W-SUN", 52),
        ("D", 7), ("h", 24), ("B", 5), ("YS-JAN", None), ("2MS", None), (None, None),
    ],
)  # fmt: skip
def test_forecast_season_from_the_frequency(freq, season):
    from rnnkit.cli.forecast import season_of

    assert season_of(freq) == season


@pytest.mark.parametrize("n_values, n_steps", [(100, 12), (240, 24), (30, 12), (26, 2)])
def test_forecast_default_window_holds_a_season_when_it_can(n_values, n_steps):
    from rnnkit.cli.forecast import plan

    result = plan(_monthly_series(n_values), horizon=3, n_steps=None, model="auto")
    assert result.season == 12 and result.n_steps == n_steps
    assert ("seasonal" in result.candidates) == (n_steps >= 12)


def test_forecast_notes_when_windows_are_shorter_than_the_season(capsys, co2_csv):
    status, out, err = run_cli(
        capsys, "forecast", co2_csv, "--time-column", "date", "--n-steps", 6,
        "--model", "naive",
    )  # fmt: skip
    assert status == 0
    assert err == (
        "seasonal naive left out: windows of 6 values are shorter than the season "
        "(12); use --n-steps 12 or more to include it\n"
    )
    assert set(holdout_scores(out)) == {"naive"}


def test_forecast_reports_mase_scaled_by_the_in_sample_naive_error(capsys, tmp_path):
    path = tmp_path / "line.csv"
    pd.DataFrame({"v": np.arange(100.0)}).to_csv(path, index=False)
    # Training steps are 1: naive errs 1, 2, 3 ahead (MASE 2), and scaled by
    # the seasonal step 4 instead, naive's MASE is 0.5 and seasonal naive's 1.
    status, out, _ = run_cli(
        capsys, "forecast", path, "--model", "naive", "--horizon", 3
    )
    assert status == 0
    assert "MASE scaled by the training part's naive error" in out
    assert re.search(r"^  naive +4.667 +1.000 x naive  MASE  2.000 ", out, re.M)
    status, out, _ = run_cli(
        capsys, "forecast", path, "--model", "naive", "--horizon", 3, "--season", 4
    )
    assert "training part's seasonal naive (m=4) error" in out
    assert re.search(r"^  naive .* MASE  0.500 ", out, re.M)
    assert re.search(r"^  seasonal naive +16 .* MASE  1.000 ", out, re.M)
