"""``rnnkit forecast``'s work: reading a series, seasons, planning, backtests, reports.

Argument parsing and the command's plumbing are tested in test_cli.py.
"""

import contextlib
import re

import numpy as np
import pandas as pd
import pytest

import rnnkit
from rnnkit.cli.forecast import default_n_steps
from tests.helpers import assert_one_line_error, assert_png, run_cli

INTERVALS = ["lower_80", "upper_80", "lower_95", "upper_95"]


def backtest_scores(out):
    """The backtest RMSE of each model in ``rnnkit forecast``'s report."""
    models = r"naive|seasonal naive|linear|rnn \w+|seq2seq \w+"
    rows = re.findall(rf"^  ({models}) +(\S+)", out, re.M)
    return {name: float(rmse) for name, rmse in rows}


def assert_nested_intervals(forecast, column, strict=True):
    """lower_95 <= lower_80 < forecast < upper_80 <= upper_95, row by row."""
    below = np.less if strict else np.less_equal
    assert below(forecast["lower_80"], forecast[column]).all()
    assert below(forecast[column], forecast["upper_80"]).all()
    assert (forecast["lower_95"] <= forecast["lower_80"]).all()
    assert (forecast["upper_80"] <= forecast["upper_95"]).all()


@pytest.mark.backend_independent
def test_forecast_monthly_csv(capsys, tmp_path, co2_csv):
    output, plot = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    status, out, _ = run_cli(
        capsys, "forecast", co2_csv, "--column", "co2", "--time-column", "date",
        "--horizon", 12, "--model", "linear", "--output", output, "--plot", plot,
    )  # fmt: skip
    assert status == 0
    assert "frequency MS), season 12" in out and "windows of 24 steps" in out
    assert "backtest: 3 origins 12 apart over the last 36 values" in out
    assert "the in-sample seasonal naive (m=12) error up to each origin" in out
    assert set(backtest_scores(out)) == {"naive", "seasonal naive", "linear"}
    assert re.search(r"^  linear .* <- chosen$", out, re.MULTILINE)
    assert "the next 12, with 80 % and 95 % conformal intervals:" in out
    forecast = pd.read_csv(output, parse_dates=["date"])
    assert list(forecast.columns) == ["date", "co2", *INTERVALS]
    expected = pd.date_range("2000-01-01", periods=12, freq="MS")
    assert list(forecast["date"]) == list(expected)
    assert forecast["co2"].between(360, 385).all()  # near the trend, not naive
    assert_nested_intervals(forecast, "co2")
    assert_png(plot)


def test_forecast_auto_picks_best_in_the_backtest(capsys, co2_csv):
    status, out, _ = run_cli(
        capsys, "forecast", co2_csv, "--time-column", "date", "--horizon", 6,
        "--epochs", 1, "--origins", 1, "--quiet",
    )  # fmt: skip
    assert status == 0
    scores = backtest_scores(out)
    rnn = f"rnn {rnnkit.RNNForecaster().cell}"  # the estimator's default cell
    assert set(scores) == {"naive", "seasonal naive", "linear", rnn}
    best = min(scores, key=scores.get)
    assert f"{best} (the lowest backtest RMSE)" in out


def test_forecast_plots_a_network_under_its_cell(capsys, tmp_path):
    path, plot = tmp_path / "series.csv", tmp_path / "forecast.png"
    pd.DataFrame({"level": np.sin(np.arange(60) / 3)}).to_csv(path, index=False)
    status, out, _ = run_cli(
        capsys, "forecast", path, "--model", "rnn", "--cell", "simple", "--epochs",
        1, "--horizon", 2, "--origins", 1, "--plot", plot, "--quiet",
    )  # fmt: skip
    assert status == 0
    assert re.search(r"^  rnn simple .* <- chosen$", out, re.MULTILINE)
    assert_png(plot)


@pytest.mark.backend_independent
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
    assert list(forecast.columns) == ["step", "value", *INTERVALS]
    assert list(forecast["step"]) == [100, 101, 102]
    assert np.allclose(forecast["value"], values[-1])
    assert_nested_intervals(forecast, "value")


@pytest.mark.backend_independent
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
    # A straight line is forecast without error: the intervals close in on it.
    assert_nested_intervals(forecast, "level", strict=False)
    assert np.allclose(forecast[INTERVALS].to_numpy().T, forecast["level"], atol=1e-4)


@pytest.mark.backend_independent
def test_forecast_fills_dates_missing_at_their_frequency(capsys, tmp_path):
    path, output = tmp_path / "gaps.csv", tmp_path / "out.csv"
    dates = pd.date_range("2000-01-01", periods=60, freq="MS")
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "v": np.arange(60.0)})
    frame.drop(index=[10, 11, 30]).to_csv(path, index=False)
    status, out, err = run_cli(
        capsys, "forecast", path, "--time-column", "date", "--model", "linear",
        "--horizon", 3, "--output", output,
    )  # fmt: skip
    assert status == 0
    assert err.splitlines()[0] == (
        "3 time(s) missing from 'date' at its frequency MS, the first 2000-11-01: "
        "added, their values filled by linear interpolation"
    )
    assert "60 values, 2000-01-01 to 2004-12-01 (frequency MS)" in out
    forecast = pd.read_csv(output, parse_dates=["date"])
    assert list(forecast["date"]) == list(
        pd.date_range("2005-01-01", periods=3, freq="MS")
    )
    assert np.allclose(forecast["v"], [60.0, 61.0, 62.0], atol=1e-6)


@pytest.mark.backend_independent
def test_forecast_numbers_dates_without_a_frequency_by_position(capsys, tmp_path):
    path, output = tmp_path / "irregular.csv", tmp_path / "out.csv"
    rng = np.random.default_rng(0)
    days = np.cumsum(rng.integers(1, 40, size=60))
    dates = pd.Timestamp("2000-01-01") + pd.to_timedelta(days, unit="D")
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "v": np.arange(60.0)})
    frame.to_csv(path, index=False)
    status, _, err = run_cli(
        capsys, "forecast", path, "--time-column", "date", "--model", "naive",
        "--horizon", 2, "--output", output,
    )  # fmt: skip
    assert status == 0
    assert err.splitlines()[0] == (
        "the forecast is numbered by position (step), not by 'date': pandas "
        "infers no frequency from them, so they cannot be continued"
    )
    assert list(pd.read_csv(output)["step"]) == [60, 61]


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "coverage, labels",
    [("90", ["90"]), ("0.5,97.5", ["50", "97.5"]), ("95,80,0.8", ["80", "95"])],
)
def test_forecast_writes_the_coverages_asked_for(capsys, tmp_path, coverage, labels):
    path, output = tmp_path / "series.csv", tmp_path / "out.csv"
    pd.DataFrame({"v": np.sin(np.arange(120) / 3)}).to_csv(path, index=False)
    status, out, _ = run_cli(
        capsys, "forecast", path, "--model", "linear", "--horizon", 2,
        "--coverage", coverage, "--output", output, "--quiet",
    )  # fmt: skip
    assert status == 0
    columns = [f"{side}_{label}" for label in labels for side in ("lower", "upper")]
    assert list(pd.read_csv(output).columns) == ["step", "v", *columns]
    assert " and ".join(f"{label} %" for label in labels) + " conformal" in out


@pytest.mark.backend_independent
def test_forecast_notes_intervals_with_too_few_calibration_errors(capsys, tmp_path):
    path = tmp_path / "short.csv"
    pd.DataFrame({"v": np.sin(np.arange(40) / 3)}).to_csv(path, index=False)
    status, _, err = run_cli(
        capsys, "forecast", path, "--model", "naive", "--horizon", 2
    )
    assert status == 0
    assert err == (
        "only 17 forecast origins calibrate the intervals, too few for the 95 % "
        "interval: its bounds use the largest error, so it may hold the actual "
        "values less often; a longer series gives more\n"
    )


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["missing.csv"], "no such file"),
        (["{csv}", "--column", "nope"], "no column 'nope'"),
        (["{csv}", "--column", "site"], "not numeric: line 2 holds 'MLO'"),
        (["{csv}", "--time-column", "site"], "does not hold dates"),
        (["{csv}", "--horizon", "150"], "too few for --n-steps 24 and --horizon 150"),
        (["{csv}", "--n-steps", "200"], "use a smaller --n-steps"),
        (
            ["{csv}", "--origins", "20", "--horizon", "12"],
            "after setting aside the last 240 for the backtest's 20 origin(s), 0 "
            "training windows remain and 10 are needed; use a smaller --n-steps, "
            "--horizon or --origins, or a longer series.",
        ),
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


@pytest.mark.backend_independent
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


@pytest.mark.backend_independent
def test_forecast_notes_dropped_blank_ends_and_filled_dates(tmp_path):
    from rnnkit.cli.forecast import read_series

    dates = pd.date_range("2000-01-01", periods=40, freq="MS")
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "v": np.arange(40.0)})
    frame.loc[[0, 38, 39], "v"] = np.nan
    frame.loc[25, "v"] = np.nan
    path = tmp_path / "gaps.csv"
    frame.drop(index=[10, 11, 20]).to_csv(path, index=False)
    series = read_series(str(path), "v", "date")
    assert series.notes == [
        "dropped 1 row(s) at the start and 2 at the end where 'v' is blank",
        "filled 1 missing value(s) of 'v' by linear interpolation",
        "3 time(s) missing from 'date' at its frequency MS, the first 2000-11-01: "
        "added, their values filled by linear interpolation",
    ]
    assert series.freq == "MS" and series.data.index.freqstr == "MS"
    np.testing.assert_array_equal(series.data, np.arange(1.0, 38.0))
    business_days = pd.bdate_range("2020-01-01", periods=30).strftime("%Y-%m-%d")
    pd.DataFrame({"date": business_days, "v": np.arange(30.0)}).to_csv(
        path, index=False
    )
    series = read_series(str(path), "v", "date")
    assert series.notes == [] and series.data.index.freqstr == "B"


@pytest.mark.backend_independent
def test_forecast_fills_missing_years_at_their_step(tmp_path):
    from rnnkit.cli.forecast import read_series

    path = tmp_path / "years.csv"
    years = [1900, 1902, 1904, 1908, 1910]
    pd.DataFrame({"year": years, "v": [0.0, 2, 4, 8, 10]}).to_csv(path, index=False)
    series = read_series(str(path), "v", "year")
    assert series.notes == [
        "1 time(s) missing from 'year' at its step of 2, the first 1906: added, "
        "their values filled by linear interpolation"
    ]
    assert list(series.data.index) == [1900, 1902, 1904, 1906, 1908, 1910]
    assert series.data[1906] == 6.0


@pytest.mark.backend_independent
def test_forecast_refuses_a_csv_with_no_clear_column(capsys, tmp_path):
    path = tmp_path / "two.csv"
    pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}).to_csv(path, index=False)
    status, _, err = run_cli(capsys, "forecast", path)
    assert_one_line_error(status, err, "--column", "columns: a, b")


@pytest.mark.backend_independent
@pytest.mark.parametrize("n_values, n_steps", [(10, 2), (240, 24), (5_000, 50)])
def test_forecast_default_n_steps_is_a_tenth_within_2_and_50(n_values, n_steps):
    assert default_n_steps(n_values) == n_steps


@pytest.mark.backend_independent
def test_forecast_reports_each_backtest_and_the_refit_to_the_progress_bar(tmp_path):
    from rnnkit.cli import forecast as _forecast

    labels = []

    @contextlib.contextmanager
    def step(label):
        labels.append(label)
        yield lambda detail: None

    path = tmp_path / "series.csv"
    pd.DataFrame({"level": np.sin(np.arange(60) / 3)}).to_csv(path, index=False)
    series = _forecast.read_series(str(path))
    plan = _forecast.plan(series, horizon=2, n_steps=5, model="linear", n_origins=2)
    _forecast.run(plan, step)
    assert labels == [
        "naive: backtest, 2 origin(s)",
        "linear: backtest, 2 origin(s)",
        "linear: refit on the whole series",
    ]


def test_forecast_shows_a_network_s_epochs_in_backtest_and_refit(tmp_path):
    from rnnkit.cli import forecast as _forecast

    details = {}

    @contextlib.contextmanager
    def step(label):
        yield lambda detail: details.setdefault(label, []).append(detail)

    path = tmp_path / "series.csv"
    pd.DataFrame({"level": np.sin(np.arange(60) / 3)}).to_csv(path, index=False)
    series = _forecast.read_series(str(path))
    plan = _forecast.plan(
        series, horizon=2, n_steps=5, model="rnn", epochs=2, n_origins=1
    )
    _forecast.run(plan, step)
    rnn = [label for label in details if label.startswith("rnn")]
    assert len(rnn) == 2  # the backtest, then the refit
    assert all(any("epoch 2/2" in d for d in details[label]) for label in rnn)


def _monthly_series(n_values):
    from rnnkit.cli.forecast import Series

    times = pd.date_range("2000-01-01", periods=n_values, freq="MS", name="date")
    data = pd.Series(np.arange(float(n_values)), times, name="v")
    return Series(data, "v.csv", "date", "MS")


@pytest.mark.backend_independent
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


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    "freq, season",
    [
        ("MS", 12), ("ME", 12), ("QS-OCT", 4), ("QE-DEC", 4), ("W-SUN", 52),
        ("D", 7), ("h", 24), ("B", 5), ("YS-JAN", None), ("2MS", None), (None, None),
    ],
)  # fmt: skip
def test_forecast_season_from_the_frequency(freq, season):
    from rnnkit._time_index import season_of  # --season's default

    assert season_of(freq) == season


@pytest.mark.backend_independent
@pytest.mark.parametrize("n_values, n_steps", [(100, 12), (240, 24), (40, 12), (30, 3)])
def test_forecast_default_window_holds_a_season_when_it_can(n_values, n_steps):
    from rnnkit.cli.forecast import plan

    result = plan(_monthly_series(n_values), horizon=3, n_steps=None, model="auto")
    assert result.season == 12 and result.n_steps == n_steps
    assert ("seasonal" in result.candidates) == (n_steps >= 12)


@pytest.mark.backend_independent
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
    assert set(backtest_scores(out)) == {"naive"}


@pytest.mark.backend_independent
def test_forecast_reports_mase_scaled_by_the_in_sample_naive_error(capsys, tmp_path):
    path = tmp_path / "line.csv"
    pd.DataFrame({"v": np.arange(100.0)}).to_csv(path, index=False)
    # Steps are 1: naive errs 1, 2, 3 ahead (MAE 2, RMSE 2.16) against an
    # in-sample naive error of 1, so its MASE is 2; seasonal naive (m=4) errs
    # 4 at every step. Positions have no season: MASE stays scaled by naive.
    status, out, _ = run_cli(
        capsys, "forecast", path, "--model", "naive", "--horizon", 3, "--season", 4
    )
    assert status == 0
    assert "(MASE scaled by the in-sample naive error up to each origin)" in out
    assert re.search(r"^  naive +2.16 +1.000 +2.000 ", out, re.M)
    assert re.search(r"^  seasonal naive +4 +1.852 +4.000 ", out, re.M)


# --- many series: --id-column ---------------------------------------------------


@pytest.fixture
def shops_csv(tmp_path):
    """Monthly sales of four shops, rows shuffled; 'west' is too short to backtest."""
    rng = np.random.default_rng(0)
    frames = []
    for i, (shop, n) in enumerate(
        [("north", 72), ("south", 60), ("east", 48), ("west", 20)]
    ):
        t = np.arange(n)
        sales = (
            100 * (i + 1) + t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, n)
        )
        dates = pd.date_range("2018-01-01", periods=n, freq="MS")
        frames.append(pd.DataFrame({"shop": shop, "date": dates, "sales": sales}))
    path = tmp_path / "shops.csv"
    pd.concat(frames).sample(frac=1.0, random_state=0).to_csv(path, index=False)
    return path


@pytest.mark.backend_independent
def test_forecast_every_series_of_a_long_csv(capsys, tmp_path, shops_csv):
    output, plot = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    status, out, err = run_cli(
        capsys, "forecast", shops_csv, "--id-column", "shop", "--time-column",
        "date", "--horizon", 6, "--model", "linear", "--output", output,
        "--plot", plot,
    )  # fmt: skip
    assert status == 0
    assert "4 series from" in out and "windows of 12 steps" in out
    assert "identity" not in out  # the linear model takes none
    assert "season 12" in out
    assert re.search(r"^  linear .* <- chosen$", out, re.MULTILINE)
    assert "'west'" in err and "skipped" in err  # too short for 3 origins
    forecast = pd.read_csv(output, parse_dates=["date"])
    assert list(forecast.columns) == ["shop", "date", "forecast", *INTERVALS]
    assert forecast.groupby("shop").size().to_dict() == {
        "east": 6, "north": 6, "south": 6, "west": 6,
    }  # fmt: skip
    north = forecast[forecast["shop"] == "north"]
    assert list(north["date"]) == list(
        pd.date_range("2024-01-01", periods=6, freq="MS")
    )
    assert north["forecast"].between(150, 200).all()  # its own level, not another's
    assert_nested_intervals(forecast, "forecast")
    assert_png(plot)


def test_forecast_of_a_panel_picks_the_lowest_mase_and_names_bad_series(
    capsys, tmp_path, shops_csv
):
    status, out, _ = run_cli(
        capsys, "forecast", shops_csv, "--id-column", "shop", "--time-column",
        "date", "--horizon", 6, "--epochs", 1, "--origins", 1, "--quiet",
    )  # fmt: skip
    assert status == 0
    assert "identity profile for the networks" in out  # as SeriesForecaster's auto
    mases = dict(re.findall(r"^  (naive|seasonal|linear|rnn) +(\S+)", out, re.M))
    chosen = re.search(r"^  (\w+) .* <- chosen$", out, re.M).group(1)
    assert float(mases[chosen]) == min(map(float, mases.values()))
    status, _, err = run_cli(capsys, "forecast", shops_csv, "--id-column", "store")
    assert_one_line_error(status, err, "no column 'store'", "--id-column")
    frame = pd.read_csv(shops_csv)
    frame.loc[frame["shop"] == "east", "date"] = "not a date"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    status, _, err = run_cli(
        capsys, "forecast", tmp_path / "bad.csv", "--id-column", "shop",
        "--time-column", "date",
    )  # fmt: skip
    assert_one_line_error(status, err, "series 'east'", "not a date")
    status, _, err = run_cli(capsys, "forecast", shops_csv, "--identity", "profile")
    assert_one_line_error(status, err, "--identity", "--id-column")
