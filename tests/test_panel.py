"""SeriesForecaster on many series: long, wide and dict panels, one global model."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

from rnnkit import LinearForecaster, SeriesForecaster, backtest, load, save
from rnnkit._panel import (
    MAX_AUTO_PROFILE_SERIES,
    MAX_ONE_HOT_SERIES,
    identity_features,
    resolve_identity,
)

# Linear models and scikit-learn regressors only: no network is built.
pytestmark = pytest.mark.backend_independent


def shop(n, start, seed, level=100.0, slope=0.5):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = level + slope * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"))


def shops():
    """Three series of different lengths and start dates."""
    return {
        "north": shop(60, "2015-01-01", seed=1),
        "south": shop(48, "2016-06-01", seed=2, level=40, slope=-0.2),
        "east": shop(36, "2018-03-01", seed=3, level=900, slope=3),
    }


def long_of(series, id_column="unique_id", time_column="ds", target_column="y"):
    return pd.concat(
        [
            pd.DataFrame(
                {id_column: key, time_column: s.index, target_column: s.to_numpy()}
            )
            for key, s in series.items()
        ],
        ignore_index=True,
    )


def linear(**params):
    return SeriesForecaster(LinearForecaster(), n_steps=12, horizon=3, **params)


def test_long_wide_and_dict_give_the_same_forecasts_in_their_own_layout():
    series = shops()
    from_dict = linear().fit(series).predict()
    from_long = linear().fit(long_of(series)).predict()
    from_wide = linear().fit(pd.DataFrame(series)).predict()

    assert list(from_dict) == ["north", "south", "east"]
    assert list(from_long.columns) == ["unique_id", "ds", "y"]
    assert list(from_wide.columns) == ["north", "south", "east"]
    for key, forecast in from_dict.items():
        assert len(forecast) == 3
        in_long = from_long[from_long["unique_id"] == key].set_index("ds")["y"]
        np.testing.assert_allclose(in_long.to_numpy(), forecast.to_numpy())
        np.testing.assert_allclose(
            from_wide[key].dropna().to_numpy(), forecast.to_numpy()
        )


def test_dates_continue_per_series():
    forecast = linear().fit(shops()).predict()
    assert str(forecast["north"].index[0].date()) == "2020-01-01"
    assert str(forecast["south"].index[0].date()) == "2020-06-01"
    assert str(forecast["east"].index[-1].date()) == "2021-05-01"


def test_column_names_are_parameters():
    data = long_of(shops(), "shop", "date", "sales")
    model = linear(id_column="shop", time_column="date", target_column="sales")
    forecast = model.fit(data).predict()
    assert list(forecast.columns) == ["shop", "date", "sales"]
    assert sorted(forecast["shop"].unique()) == ["east", "north", "south"]


def test_long_data_without_times_continues_positions():
    data = long_of(shops()).drop(columns="ds")
    forecast = linear().fit(data).predict()
    north = forecast[forecast["unique_id"] == "north"]
    assert north["ds"].tolist() == [60, 61, 62]


def test_forecasts_do_not_depend_on_the_order_of_series_or_rows():
    series = shops()
    expected = linear().fit(long_of(series)).predict().set_index(["unique_id", "ds"])
    shuffled = long_of(dict(reversed(list(series.items())))).sample(
        frac=1.0, random_state=0
    )
    got = linear().fit(shuffled).predict().set_index(["unique_id", "ds"])
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())


def test_each_series_is_scaled_on_its_own():
    # The same shape at another level and in other units: the same forecast,
    # in those units, so a big series does not drown a small one.
    base = shop(48, "2018-01-01", seed=5)
    model = linear().fit({"units": base, "thousands": 1000 * base + 5})
    forecast = model.predict()
    np.testing.assert_allclose(
        forecast["thousands"].to_numpy(), 1000 * forecast["units"].to_numpy() + 5
    )
    bounds = model.predict_interval(0.8)
    widths = {k: (b["upper_80"] - b["lower_80"]).to_numpy() for k, b in bounds.items()}
    np.testing.assert_allclose(widths["thousands"], 1000 * widths["units"])


def test_a_global_model_learns_from_every_series():
    # A pattern seen in other series helps one too short to learn it alone.
    t = np.arange(40)
    many = {f"s{i}": pd.Series(np.sin(t / 3 + i)) for i in range(8)}
    model = SeriesForecaster(
        LinearForecaster(), n_steps=10, horizon=1, calibration=None
    ).fit(many)
    for i in range(8):
        assert model.predict()[f"s{i}"].iloc[0] == pytest.approx(
            np.sin(40 / 3 + i), abs=1e-6
        )


def test_intervals_come_in_the_panel_layout():
    series = shops()
    intervals = linear().fit(long_of(series)).predict_interval([0.8, 0.95])
    assert list(intervals.columns) == [
        "unique_id",
        "ds",
        "lower_80",
        "upper_80",
        "lower_95",
        "upper_95",
    ]
    assert (intervals["lower_95"] <= intervals["lower_80"]).all()
    wide = linear().fit(pd.DataFrame(series)).predict_interval(0.9)
    assert ("north", "upper_90") in wide.columns


def test_short_series_are_skipped_with_a_warning_naming_them():
    series = shops() | {"tiny": shop(10, "2020-01-01", seed=9)}
    with pytest.warns(UserWarning, match="'tiny'.*skipped"):
        forecast = linear().fit(series).predict()
    assert "tiny" not in forecast
    with pytest.raises(ValueError, match="'tiny'"):
        linear(strict=True).fit(series)
    with pytest.raises(ValueError, match="no series is long enough"):
        linear().fit({"tiny": shop(10, "2020-01-01", seed=9), "t2": shop(5, "2020", 1)})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: pd.concat([d, d.iloc[:1]]), r"repeated \(unique_id, ds\)"),
        (lambda d: d.assign(unique_id=d["unique_id"].where(d.index > 0)), "ids"),
        (lambda d: d.assign(y=d["y"].where(d.index != 3)), r"missing value"),
        (lambda d: d.drop(index=10), "unique_id == 'north'.*no frequency"),
    ],
)
def test_bad_panels_get_a_clear_error(make, message):
    with pytest.raises(ValueError, match=message):
        linear().fit(make(long_of(shops())))


def test_a_scikit_learn_regressor_learns_a_panel():
    model = SeriesForecaster(Ridge(), n_steps=12, horizon=3).fit(shops())
    assert set(model.predict()) == {"north", "south", "east"}


def test_score_is_the_mean_mase_over_series():
    series = shops()
    train = {k: s.iloc[:-3] for k, s in series.items()}
    future = {k: s.iloc[-3:] for k, s in series.items()}
    model = linear().fit(train)
    score = model.score(future)
    assert -5 < score < 0
    with pytest.raises(ValueError, match="lacks 1 fitted series"):
        model.score({k: v for k, v in future.items() if k != "east"})


@pytest.mark.parametrize("layout", ["long", "wide", "dict"])
def test_save_load_and_pickle_keep_every_series(layout, tmp_path):
    series = {1: shop(40, "2015-01-01", 1), 2: shop(30, "2017-01-01", 2)}
    data = {
        "long": long_of(series),
        "wide": pd.DataFrame(series),
        "dict": series,
    }[layout]
    model = linear().fit(data)
    save(model, tmp_path / "panel.rnnkit")
    for copy in (load(tmp_path / "panel.rnnkit"), pickle.loads(pickle.dumps(model))):
        expected, got = model.predict(), copy.predict()
        if layout == "dict":
            assert list(got) == list(expected)
            for key in expected:
                pd.testing.assert_series_equal(got[key], expected[key])
        else:
            pd.testing.assert_frame_equal(got, expected)
        pd.testing.assert_frame_equal(
            pd.concat(dict(copy.predict_interval(0.9).items()))
            if layout == "dict"
            else copy.predict_interval(0.9),
            pd.concat(dict(model.predict_interval(0.9).items()))
            if layout == "dict"
            else model.predict_interval(0.9),
        )


def test_ids_that_json_cannot_keep_are_refused_on_save(tmp_path):
    series = {(1, "a"): shop(40, "2015-01-01", 1), (2, "b"): shop(30, "2017", 2)}
    with pytest.raises(TypeError, match="str or int"):
        save(linear().fit(series), tmp_path / "panel.rnnkit")


def test_backtest_of_a_panel_reports_every_series_and_overall():
    series = shops()
    result = backtest(linear(), long_of(series), n_origins=2, coverage=0.8)
    forecasts, summary = result
    assert list(forecasts.columns[:3]) == ["unique_id", "origin", "step"]
    assert len(forecasts) == 3 * 2 * 3  # series x origins x steps
    assert set(result.per_series.index) == {"north", "south", "east"}
    assert {"mase", "coverage_80", "width_80"} <= set(result.per_series.columns)
    east = forecasts[forecasts["unique_id"] == "east"]
    assert east["date"].max() == series["east"].index[-1]
    np.testing.assert_allclose(
        east["actual"].to_numpy()[-3:], series["east"].to_numpy()[-3:]
    )
    assert summary["mae"] == pytest.approx(
        np.mean(np.abs(forecasts["forecast"] - forecasts["actual"]))
    )


def test_backtest_of_a_panel_equals_its_origins_fitted_one_by_one():
    series = shops()
    forecasts, _ = backtest(linear(calibration=None), series, n_origins=2, step=2)
    heads = {k: s.iloc[: len(s) - 3 - 2] for k, s in series.items()}
    first = linear(calibration=None).fit(heads).predict()
    for key in series:
        rows = forecasts[forecasts["unique_id"] == key]
        np.testing.assert_allclose(rows["forecast"].to_numpy()[:3], first[key])


def test_backtest_skips_series_too_short_for_its_origins():
    series = shops() | {"tiny": shop(20, "2020-01-01", seed=9)}
    with pytest.warns(UserWarning, match="'tiny'"):
        result = backtest(linear(calibration=None), series, n_origins=2)
    assert "tiny" not in result.per_series.index


def test_local_scope_fits_one_model_per_series():
    series = shops()
    local = linear(scope="local").fit(series)
    assert set(local.forecasters_) == set(series)
    assert not hasattr(local, "forecaster_")
    for key, one in series.items():
        alone = linear().fit(one)
        np.testing.assert_allclose(local.predict()[key], alone.predict(), rtol=1e-9)
        np.testing.assert_allclose(
            local.predict_interval(0.9)[key].to_numpy(),
            alone.predict_interval(0.9).to_numpy(),
            rtol=1e-9,
        )


def test_local_scope_in_parallel_equals_serial(tmp_path):
    series = shops()
    serial = linear(scope="local").fit(series)
    parallel = linear(scope="local", n_jobs=2).fit(series)
    for key in series:
        pd.testing.assert_series_equal(parallel.predict()[key], serial.predict()[key])
    save(parallel, tmp_path / "local.rnnkit")
    loaded = load(tmp_path / "local.rnnkit")
    for key in series:
        pd.testing.assert_series_equal(loaded.predict()[key], serial.predict()[key])
        pd.testing.assert_frame_equal(
            loaded.predict_interval(0.8)[key], serial.predict_interval(0.8)[key]
        )


def test_rows_of_series_may_interleave_when_order_is_time():
    data = long_of(shops()).drop(columns="ds")
    interleaved = data.iloc[
        np.argsort(data.groupby("unique_id").cumcount(), kind="stable")
    ]
    pd.testing.assert_frame_equal(
        linear().fit(interleaved).predict(), linear().fit(data).predict()
    )


def test_series_that_end_together_share_the_wide_index():
    base = shop(48, "2018-01-01", seed=5)
    wide = pd.DataFrame({"a": base, "b": 2 * base, "c": base + 10})
    model = linear().fit(wide)
    forecast, intervals = model.predict(), model.predict_interval([0.8, 0.9])
    assert list(forecast.columns) == ["a", "b", "c"]
    assert forecast.index.equals(pd.date_range("2022-01-01", periods=3, freq="MS"))
    np.testing.assert_allclose(forecast["b"], 2 * forecast["a"])
    assert intervals.columns.tolist()[:3] == [
        ("a", "lower_80"),
        ("a", "upper_80"),
        ("a", "lower_90"),
    ]
    np.testing.assert_allclose(
        intervals[("c", "upper_90")] - intervals[("c", "lower_90")],
        intervals[("a", "upper_90")] - intervals[("a", "lower_90")],
    )


@pytest.mark.parametrize("identity, n_features", [("one_hot", 3), ("profile", 3)])
def test_identity_features_reach_the_model_whatever_the_order(identity, n_features):
    series = shops()
    model = linear(identity=identity).fit(series)
    # Each window carries its values and the identity features of its series.
    assert model.forecaster_.coef_.shape == (3, 12 * (1 + n_features))
    reordered = linear(identity=identity).fit(dict(reversed(list(series.items()))))
    for key, forecast in model.predict().items():
        pd.testing.assert_series_equal(reordered.predict()[key], forecast)


def test_identity_has_no_effect_on_one_series_or_local_models():
    series = shops()
    one = shop(60, "2015-01-01", seed=1)
    pd.testing.assert_series_equal(
        linear(identity="one_hot").fit(one).predict(), linear().fit(one).predict()
    )
    local = linear(identity="profile", scope="local").fit(series)
    for key, forecast in linear(scope="local").fit(series).predict().items():
        pd.testing.assert_series_equal(local.predict()[key], forecast)


def test_one_hot_identity_refuses_more_series_than_its_limit():
    series = {i: np.sin(np.arange(30.0) + i) for i in range(MAX_ONE_HOT_SERIES + 1)}
    with pytest.raises(ValueError, match='identity="profile"'):
        linear(identity="one_hot").fit(series)
    assert len(linear(identity="profile").fit(series).predict()) == len(series)


def test_a_saved_identity_that_does_not_fit_the_network_is_refused():
    model = linear(identity="one_hot").fit(shops())
    state, arrays = model._get_fitted_state()
    narrower = {**arrays, "identity": arrays["identity"][:, :2]}
    mismatch = r"shape \(12, 4\), but .* 2 identity features make \(12, 3\)"
    with pytest.raises(ValueError, match=mismatch):
        clone(model)._set_fitted_state(state, narrower)
    clone(model)._set_fitted_state(state, arrays)  # the unchanged state loads


def test_a_profile_tells_how_a_series_moves():
    rng = np.random.default_rng(0)
    shocks = rng.normal(0, 0.5, 200)
    changes = 1 + np.array(
        [0.9 ** np.arange(k, -1, -1) @ shocks[: k + 1] for k in range(200)]
    )
    trend, alternating = np.cumsum(changes), (-1.0) ** np.arange(200.0)
    (wander, drift, momentum), (flat, still, reversal) = identity_features(
        "profile", [trend, alternating]
    )
    assert wander > flat + 3  # the trend wanders dozens of steps from its mean
    assert drift > 0.5 and abs(still) < 0.05
    assert momentum > 0.5  # a change is followed by one like it
    assert reversal < -0.9  # every change undoes the last


def test_auto_identity_is_a_profile_for_a_network_of_up_to_its_limit():
    limit = MAX_AUTO_PROFILE_SERIES
    assert resolve_identity("auto", limit, neural=True) == "profile"
    assert resolve_identity("auto", limit + 1, neural=True) is None
    # A linear model keeps the values alone: a static feature only shifts it.
    assert resolve_identity("auto", 3, neural=False) is None
    assert resolve_identity("one_hot", 3, neural=False) == "one_hot"
    model = linear().fit(shops())
    assert model.identity_ is None and model.forecaster_.coef_.shape == (3, 12)
    assert linear(identity="one_hot").fit(shops()).identity_ == "one_hot"
    assert linear(identity="one_hot", scope="local").fit(shops()).identity_ is None


def test_identity_saved_before_its_kind_was_loads_by_its_parameter():
    model = linear(identity="one_hot").fit(shops())
    state, arrays = model._get_fitted_state()
    assert state["identity_"] == "one_hot"
    older = {k: v for k, v in state.items() if k != "identity_"}
    copy = clone(model)
    copy._set_fitted_state(older, arrays)
    assert copy.identity_ == "one_hot"
    without = {k: v for k, v in arrays.items() if k != "identity"}
    with pytest.raises(ValueError, match="identity_ must be"):
        clone(model)._set_fitted_state(state, without)


@pytest.mark.parametrize("identity", ["one_hot", "profile"])
def test_identity_is_saved_and_loaded(identity, tmp_path):
    model = linear(identity=identity).fit(shops())
    save(model, tmp_path / "panel.rnnkit")
    for copy in (load(tmp_path / "panel.rnnkit"), pickle.loads(pickle.dumps(model))):
        assert copy.identity_ == identity
        for key, forecast in model.predict().items():
            pd.testing.assert_series_equal(copy.predict()[key], forecast)


# --- covariates -------------------------------------------------------------------

MONTHS = pd.date_range("2015-01-01", periods=63, freq="MS")  # 60 seen, 3 planned


def plans(seed):
    """Promotions and prices over MONTHS, the last 3 planned."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"promo": rng.integers(0, 2, 63).astype(float), "price": rng.normal(10, 1, 63)},
        index=MONTHS,
    )


def promoted_shops(shared=False):
    """Three shops of 60, 48 and 36 months to December 2019, lifted by 10 in a
    month of promotion and lowered by their price: their values, covariates,
    the planned covariates of the 3 months after and the values of those
    months, by shop. ``shared``: every shop has the same plans, a wide frame's
    calendar."""
    ys, past, future, actual = {}, {}, {}, {}
    for i, (key, n, level) in enumerate(
        [("north", 60, 100.0), ("south", 48, 40.0), ("east", 36, 900.0)]
    ):
        covariates = plans(0 if shared else i).iloc[60 - n :]
        t = np.arange(n + 3)
        values = level + t / 2 + 8 * np.sin(2 * np.pi * t / 12)
        values += 10 * covariates["promo"] - covariates["price"]
        values += np.random.default_rng(10 + i).normal(0, 0.5, n + 3)
        ys[key], actual[key] = values.iloc[:n], values.iloc[n:]
        past[key], future[key] = covariates.iloc[:n], covariates.iloc[n:]
    return ys, past, future, actual


def long_covariates(frames):
    """Covariate frames by shop as one long frame: id, time, covariates."""
    return pd.concat(
        [
            f.rename_axis("ds").reset_index().assign(unique_id=k)
            for k, f in frames.items()
        ],
        ignore_index=True,
    )


def frame_of(forecast):
    """A dict panel's forecasts as one frame, by id, to compare as a whole."""
    if not isinstance(forecast, dict):
        return forecast
    return pd.DataFrame(pd.concat({key: forecast[key] for key in sorted(forecast)}))


def test_covariates_come_in_the_layout_of_y_and_reach_every_series():
    ys, past, future, actual = promoted_shops(shared=True)
    by_key = linear().fit(ys, exog=past)
    from_dict = by_key.predict(exog=future)
    from_long = (
        linear()
        .fit(long_of(ys), exog=long_covariates(past))
        .predict(exog=long_covariates(future))
    )
    # A wide frame's calendar: one row per row of the frame, shared by its
    # columns (east and south start later and take their own rows of it).
    wide = linear().fit(pd.DataFrame(ys), exog=plans(0).iloc[:60])
    from_wide = wide.predict(exog=plans(0).iloc[60:])
    assert list(from_long.columns) == ["unique_id", "ds", "y"]
    pd.testing.assert_frame_equal(wide.predict(exog=future), from_wide)  # by column
    without = linear().fit(ys).predict()
    for key, forecast in from_dict.items():
        in_long = from_long[from_long["unique_id"] == key].set_index("ds")["y"]
        np.testing.assert_allclose(in_long.to_numpy(), forecast.to_numpy())
        np.testing.assert_allclose(from_wide[key].to_numpy(), forecast.to_numpy())
        # Promotions and prices tell each shop's next months apart: errors of
        # 1.5 to 2.4 (the noise's deviation is 0.5), 10 to 11 without them.
        assert np.abs(forecast - actual[key]).max() < 3, key
        assert np.abs(without[key] - actual[key]).max() > 6, key
    # score takes them too: minus the mean MASE, -0.15 against -0.77 without.
    assert by_key.score(actual, exog=future) > linear().fit(ys).score(actual) + 0.5


@pytest.mark.parametrize(("n_steps", "horizon"), [(6, 3), (2, 3)])
def test_a_panel_of_one_series_with_covariates_forecasts_as_the_series_alone(
    n_steps, horizon
):
    # With windows shorter than the horizon, a window carries the covariates
    # of its last n_steps forecast steps only, as for one series. (Windows
    # short enough for the calibration copy's least squares to be determined:
    # a minimum-norm solution would depend on each series' scaling.)
    ys, past, future, _ = promoted_shops()
    model = SeriesForecaster(LinearForecaster(), n_steps=n_steps, horizon=horizon)
    alone = clone(model).fit(ys["north"], past["north"])
    panel = clone(model).fit({"north": ys["north"]}, exog={"north": past["north"]})
    np.testing.assert_allclose(
        panel.predict(exog=future)["north"], alone.predict(future["north"]), rtol=1e-9
    )
    np.testing.assert_allclose(
        panel.predict_interval(0.9, exog=future)["north"],
        alone.predict_interval(0.9, exog=future["north"]),
        rtol=1e-9,
    )
    local = clone(model).set_params(scope="local").fit(ys, exog=past)
    for key, forecast in local.predict(exog=future).items():
        expected = clone(model).fit(ys[key], past[key]).predict(future[key])
        np.testing.assert_allclose(forecast, expected, rtol=1e-9)


def test_covariates_do_not_depend_on_the_order_of_series_or_rows():
    ys, past, future, _ = promoted_shops()

    def shuffled(frames, seed):
        frame = long_covariates(dict(reversed(list(frames.items()))))
        return frame.sample(frac=1.0, random_state=seed)

    expected = (
        linear()
        .fit(long_of(ys), exog=long_covariates(past))
        .predict_interval(0.9, exog=long_covariates(future))
    )
    y = long_of(dict(reversed(list(ys.items())))).sample(frac=1.0, random_state=0)
    got = linear().fit(y, exog=shuffled(past, 1))
    pd.testing.assert_frame_equal(
        got.predict_interval(0.9, exog=shuffled(future, 2)), expected
    )


def test_covariates_sit_between_the_values_and_the_identity_features():
    ys, past, future, _ = promoted_shops()
    model = linear(identity="one_hot").fit(ys, exog=past)
    # Per step: the value, 2 covariates, 3 one-hot columns.
    assert model.n_exog_ == 2
    assert model.forecaster_.coef_.shape == (3, 12 * (1 + 2 + 3))
    reordered = linear(identity="one_hot").fit(
        dict(reversed(list(ys.items()))), exog=dict(reversed(list(past.items())))
    )
    pd.testing.assert_frame_equal(
        frame_of(reordered.predict(exog=future)), frame_of(model.predict(exog=future))
    )


def test_series_too_short_to_fit_drop_their_covariates():
    ys, past, future, _ = promoted_shops()
    ys["tiny"], past["tiny"] = ys["east"].iloc[-10:], past["east"].iloc[-10:]
    with pytest.warns(UserWarning, match="'tiny'.*skipped"):
        model = linear().fit(ys, exog=past)
    forecast = model.predict(exog=future)
    assert "tiny" not in forecast
    # Its planned rows may come too: only the fitted series' are read.
    with_tiny = model.predict(exog=future | {"tiny": future["east"]})
    pd.testing.assert_frame_equal(frame_of(with_tiny), frame_of(forecast))


def north_row(frame, n):
    """Row ``n`` of north's covariates in a long frame."""
    return frame.index[frame["unique_id"] == "north"][n]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda x: x.to_numpy(), "exog must be a long DataFrame with columns "),
        (lambda x: x.drop(columns="ds"), "exog lacks the column 'ds'; expected"),
        (
            lambda x: x.drop(index=north_row(x, 5)),
            r"exog lacks the row \(unique_id, ds\) = \('north', "
            r"Timestamp\('2015-06-01 00:00:00'\)\) of y; expected one row per row",
        ),
        (
            lambda x: x.assign(ds=x["ds"].mask(x.index == north_row(x, 0), MONTHS[62])),
            r"exog lacks the row .*'north', Timestamp\('2015-01-01",
        ),
        (
            lambda x: pd.concat([x, x.iloc[[north_row(x, 0)]].assign(ds=MONTHS[62])]),
            r"exog has a row .*'north', Timestamp\('2020-03-01.*which y lacks",
        ),
        (
            lambda x: pd.concat([x, x.iloc[:1].assign(unique_id="west")]),
            "exog has rows of series 'west', which y lacks",
        ),
        (
            lambda x: x[x["unique_id"] != "south"],
            "exog lacks series 'south' of y; expected one row per row of y",
        ),
        (lambda x: pd.concat([x, x.iloc[:1]]), r"exog has 1 repeated \(unique_id, ds"),
        (
            lambda x: x.assign(promo=x["promo"].mask(x.index == north_row(x, 3))),
            r"exog\[unique_id == 'north'\] holds missing or infinite values",
        ),
        (lambda x: x.assign(promo="yes"), "exog's column 'promo' must hold numbers"),
        (
            lambda x: x[["unique_id", "ds"]],
            "exog has only the columns .unique_id., .ds.",
        ),
    ],
)
def test_bad_long_covariates_get_a_clear_error(make, message):
    ys, past, _, _ = promoted_shops()
    with pytest.raises(ValueError, match=message):
        linear().fit(long_of(ys), exog=make(long_covariates(past)))


def test_long_covariates_without_times_follow_the_rows_of_y():
    ys, past, future, _ = promoted_shops()
    timed = linear().fit(long_of(ys), exog=long_covariates(past))
    untimed = linear().fit(
        long_of(ys).drop(columns="ds"), exog=long_covariates(past).drop(columns="ds")
    )
    # Predict's rows are matched to the times it returns: here positions.
    planned = long_covariates(future).drop(columns="ds")
    planned["ds"] = np.tile(np.arange(3), 3) + planned["unique_id"].map(
        {k: len(v) for k, v in ys.items()}
    )
    np.testing.assert_allclose(
        untimed.predict(exog=planned)["y"],
        timed.predict(exog=long_covariates(future))["y"],
    )
    with pytest.raises(ValueError, match="exog has a 'ds' column, but y has none"):
        linear().fit(long_of(ys).drop(columns="ds"), exog=long_covariates(past))
    with pytest.raises(ValueError, match="exog has 59 rows of series 'north', y 60"):
        untimed.fit(
            long_of(ys).drop(columns="ds"),
            exog=long_covariates(past).drop(columns="ds").drop(index=0),
        )


def test_bad_covariates_of_a_dict_or_wide_panel_get_a_clear_error():
    ys, past, _, _ = promoted_shops()
    errors = [
        (past["north"], "exog must be a dict of each series' covariates by series id"),
        ({k: v for k, v in past.items() if k != "east"}, "exog lacks series 'east'"),
        (past | {"west": past["east"]}, "exog has series 'west', which y lacks"),
        (
            past | {"south": past["south"].to_numpy()[1:]},
            r"exog\['south'\] must have 48 rows, one per value of y\['south'\]",
        ),
        (
            past | {"south": past["south"].shift(1, freq="MS")},
            r"exog\['south'\]'s index must equal y\['south'\]'s",
        ),
        (
            past | {"south": past["south"][["promo"]]},
            r"exog\['south'\] must have 2 column\(s\), as exog\['east'\] has",
        ),
    ]
    for exog, message in errors:
        with pytest.raises(ValueError, match=message):
            linear().fit(ys, exog=exog)
    with pytest.raises(ValueError, match="exog must have 60 rows, one per row of y"):
        linear().fit(pd.DataFrame(ys), exog=plans(0).to_numpy()[:59])


def test_predict_needs_the_covariates_of_each_series_forecast_steps():
    ys, past, future, _ = promoted_shops()
    model = linear().fit(long_of(ys), exog=long_covariates(past))
    planned = long_covariates(future)
    errors = [
        (None, r"exog is required: fit had 2 covariate column\(s\)"),
        (
            planned[planned["unique_id"] != "east"],
            "exog lacks series 'east'; predict needs the covariates of each fitted "
            "series' next 3 steps, one row per step, at the times predict returns",
        ),
        (
            planned.drop(index=0),
            r"exog lacks the row .*'north', Timestamp\('2020-01-01.* of the forecast",
        ),
        (
            planned.drop(columns="price"),
            r"exog's covariate columns must be fit's, \['promo', 'price'\]",
        ),
    ]
    for exog, message in errors:
        with pytest.raises(ValueError, match=message):
            model.predict(exog=exog)
    by_key = linear().fit(ys, exog=past)
    with pytest.raises(ValueError, match=r"exog\['north'\] must have 3 rows, one"):
        by_key.predict(exog=future | {"north": future["north"].iloc[:2]})
    with pytest.raises(ValueError, match="exog must be a dict of each series'"):
        by_key.predict(exog=future["north"])


def test_a_wide_calendar_at_predict_needs_series_that_end_together():
    ys, _, future, _ = promoted_shops(shared=True)
    wide = pd.DataFrame(ys)
    wide.iloc[-1, wide.columns.get_loc("south")] = np.nan  # south ends in November
    model = linear().fit(wide, exog=plans(0).iloc[:60])
    with pytest.raises(ValueError, match="series 'south' ends earlier"):
        model.predict(exog=plans(0).iloc[60:])
    # Each series' own next rows, by column: south's start in December.
    own = future | {"south": plans(0).iloc[59:62]}
    forecast = model.predict(exog=own)
    assert forecast["south"].dropna().index[0] == pd.Timestamp("2019-12-01")


@pytest.mark.parametrize("layout", ["long", "wide", "dict"])
def test_save_load_and_pickle_keep_each_series_covariates(layout, tmp_path):
    ys, past, future, _ = promoted_shops(shared=True)
    y, exog, planned = {
        "long": (long_of(ys), long_covariates(past), long_covariates(future)),
        "wide": (pd.DataFrame(ys), plans(0).iloc[:60], plans(0).iloc[60:]),
        "dict": (ys, past, future),
    }[layout]
    model = linear(identity="one_hot").fit(y, exog=exog)
    save(model, tmp_path / "panel.rnnkit")
    for copy in (load(tmp_path / "panel.rnnkit"), pickle.loads(pickle.dumps(model))):
        for method in ("predict", "predict_interval"):
            pd.testing.assert_frame_equal(
                frame_of(getattr(copy, method)(exog=planned)),
                frame_of(getattr(model, method)(exog=planned)),
            )


def test_a_saved_model_refuses_covariate_columns_it_cannot_keep(tmp_path):
    ys, past, _, _ = promoted_shops()
    exog = long_covariates(past).rename(columns={"promo": ("promo", 1)})
    model = linear().fit(long_of(ys), exog=exog)
    with pytest.raises(TypeError, match="covariate columns are str or int"):
        save(model, tmp_path / "panel.rnnkit")
    state, arrays = (
        linear().fit(long_of(ys), exog=long_covariates(past))._get_fitted_state()
    )
    assert state["exog_columns"] == ["promo", "price"]
    with pytest.raises(ValueError, match="exog_columns must list"):
        clone(model)._set_fitted_state({**state, "exog_columns": ["promo"]}, arrays)


def test_backtest_cuts_each_series_covariates_at_its_origins():
    ys, past, _, _ = promoted_shops()
    model = linear(calibration=None)
    result = backtest(
        model, long_of(ys), exog=long_covariates(past), n_origins=2, step=2
    )
    heads = {k: s.iloc[: len(s) - 5] for k, s in ys.items()}
    first = model.fit(
        heads,
        exog={k: past[k].iloc[: len(s) - 5] for k, s in ys.items()},
    ).predict(exog={k: past[k].iloc[len(s) - 5 : len(s) - 2] for k, s in ys.items()})
    for key in ys:
        rows = result.forecasts[result.forecasts["unique_id"] == key]
        np.testing.assert_allclose(rows["forecast"].to_numpy()[:3], first[key])
    without = backtest(model, long_of(ys), n_origins=2, step=2)
    assert result.summary["mae"] < without.summary["mae"] / 3  # 1.5 and 6.1
