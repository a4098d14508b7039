"""Many series, one global model: accuracy on real panels, and scale on synthetic ones.

Run: python benchmarks/panel.py --part accuracy [--panel quarterly] [--n-steps 8 16]
     [--identity ...] [--write]
     python benchmarks/panel.py --part scale [--sizes 100 1000 10000] [--identity ...]
(needs the benchmark extra: pip install -e ".[cpu,benchmarks]"; KERAS_BACKEND=jax
is the fast path on CPU)

Part accuracy: the 12 series of statsmodels' ``macrodata`` (quarterly, 203
values each, 1959Q1 to 2009Q3) as one wide panel with a quarterly PeriodIndex
(so ``backtest`` scales MASE by the seasonal naive of season 4). Rolling
origin over the last 5 non-overlapping horizons of 8 quarters, every model
refit at each origin. Side by side in one run: one GLOBAL
``SeriesForecaster(RNNForecaster(random_state=0))`` on the whole panel
(``rnnkit.backtest``), once per ``identity`` option (``--identity``: none,
``"one_hot"``, ``"profile"``; or ``"auto"``, the default), LOCAL ones (the
same forecaster and settings, one backtest per series), ``LinearForecaster``
global and local, seasonal naive and statsforecast's AutoETS
(season_length=4). MASE is the mean absolute
error over the in-sample seasonal-naive one up to each origin, computed here
for every model from its forecasts and checked against backtest's own for the
rnnkit models; the summary is the geometric mean over series of each model's
MASE divided by seasonal naive's. Seconds are each model's whole backtest
(every fit and forecast, all series).

``--panel quarterly`` runs the same comparison on a second real panel, to check
that what wins on macrodata is not tuned to it: 10 quarterly series of 55 to 211
values (pmdarima's ``woolyrnq``, ``ausbeer``, ``austres``; statsmodels'
``interest_inflation`` and ``danish_data``, every column), of different lengths
and start dates (a wide DataFrame, each series from its first to its last
value), 5 rolling origins a year apart, horizon 4.

Part scale: synthetic panels of random walks plus a weekly season plus noise
at levels from 1 to 10,000, ``--sizes`` series of 500 daily points (a wide
DataFrame). Each size (and ``--identity``, if given) runs in a fresh process:
one epoch of a global ``RNNForecaster(epochs=1, batch_size=1024, units=32)``
on windows of 24 (wall seconds, seconds per 1,000 windows, and the peak
resident memory above the process's memory just before the fit, beside the
panel's size), then ``predict()`` for every series.

Tune nothing on statsmodels' ``co2``, ``sunspots`` or ``elnino``: they are kept
back for acceptance checks.
"""

import argparse
import gc
import itertools
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
from _readme import write_section

# --- part accuracy: real panels ---------------------------------------------------

MACRO_SERIES = [
    "realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi",
    "m1", "tbilrate", "unemp", "pop", "infl", "realint",
]  # fmt: skip
SEASONAL_NAIVE = "seasonal naive"


@dataclass(frozen=True)
class RealPanel:
    """A real panel and its protocol: ``horizon``, ``n_origins`` apart."""

    name: str
    load: Callable  # -> wide DataFrame by quarter, NaN outside each series
    season: int
    horizon: int
    n_origins: int
    what: str  # the heading's description of the panel

    def series(self, panel, key):
        """Series ``key`` of ``panel``, from its first to its last value."""
        return panel[key].dropna()


def load_macrodata():
    """The 12 series as a wide DataFrame indexed by quarter (season 4)."""
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.PeriodIndex.from_fields(
        year=data["year"].astype(int), quarter=data["quarter"].astype(int), freq="Q"
    )
    values = data[MACRO_SERIES].to_numpy(np.float64)
    return pd.DataFrame(values, index=index, columns=MACRO_SERIES)


def load_quarterly():
    """Ten quarterly series of pmdarima and statsmodels other than macrodata's,
    of 55 to 211 values, as a wide DataFrame by quarter."""
    import statsmodels.api as sm
    from pmdarima import datasets

    def by_quarter(values, start):
        values = pd.Series(values).dropna().to_numpy(np.float64)
        index = pd.period_range(start, periods=len(values), freq="Q")
        return pd.Series(values, index=index)

    series = {
        "woolyrnq": by_quarter(datasets.load_woolyrnq(), "1965Q1"),
        "ausbeer": by_quarter(datasets.load_ausbeer(), "1956Q1"),
        "austres": by_quarter(datasets.load_austres(), "1971Q2"),
    }
    rates = sm.datasets.interest_inflation.load_pandas().data
    for column in ("Dp", "R"):
        series[column] = by_quarter(rates[column], "1972Q2")
    danish = sm.datasets.danish_data.load_pandas().data
    for column in danish.columns:
        series[column] = by_quarter(danish[column], "1974Q1")
    return pd.DataFrame(series)


PANELS = {
    # Two years. The first of the 5 origins still trains on 163 values:
    # windows of 16 give each series 140 training windows, so 8 is not too long.
    "macrodata": RealPanel(
        "macrodata", load_macrodata, 4, 8, 5,
        "statsmodels' macrodata: 12 series of 203 quarters",
    ),
    # One year, as benchmarks/realdata.py forecasts quarterly series. The
    # shortest series' first origin trains on 35 values.
    "quarterly": RealPanel(
        "quarterly", load_quarterly, 4, 4, 5,
        "10 quarterly series of 55 to 211 values (pmdarima's woolyrnq, ausbeer, "
        "austres; statsmodels' interest_inflation Dp, R and danish_data lrm, lry, "
        "lpy, ibo, ide)",
    ),
}  # fmt: skip


def seasonal_naive_scale(history, season):
    """Mean absolute in-sample error of the seasonal naive forecast."""
    return float(np.mean(np.abs(history[season:] - history[:-season])))


def cutoffs(spec, n_values):
    """Values seen at the last non-overlapping origins, oldest first."""
    return [n_values - k * spec.horizon for k in range(spec.n_origins, 0, -1)]


def own_backtest(forecast_of):
    """A model outside rnnkit at the same origins, as backtest's forecasts table.

    ``forecast_of(history, spec)`` forecasts ``spec.horizon`` values.
    """

    def run(panel, spec):
        frames = []
        for key in panel.columns:
            series = spec.series(panel, key)
            values = series.to_numpy()
            for cut in cutoffs(spec, len(values)):
                frames.append(
                    pd.DataFrame(
                        {
                            "unique_id": key,
                            "origin": series.index[cut - 1],
                            "step": np.arange(1, spec.horizon + 1),
                            "actual": values[cut : cut + spec.horizon],
                            "forecast": forecast_of(values[:cut], spec),
                        }
                    )
                )
        return pd.concat(frames, ignore_index=True), None

    return run


def seasonal_naive(history, spec):
    return np.resize(history[-spec.season :], spec.horizon)


def auto_ets(history, spec):
    from statsforecast.models import AutoETS

    model = AutoETS(season_length=spec.season)
    return model.forecast(y=history, h=spec.horizon)["mean"]


def rnnkit_global(make_forecaster, n_steps, identity=None):
    """One model for every series at each origin: backtest on the wide panel."""

    def run(panel, spec):
        from rnnkit import SeriesForecaster, backtest

        model = SeriesForecaster(
            make_forecaster(), n_steps=n_steps, horizon=spec.horizon, identity=identity
        )
        result = backtest(model, panel, n_origins=spec.n_origins)
        return result.forecasts, result.per_series["mase"].to_dict()

    return run


def rnnkit_local(make_forecaster, n_steps):
    """One model per series at each origin: backtest on each series alone."""

    def run(panel, spec):
        from rnnkit import SeriesForecaster, backtest

        frames, mases = [], {}
        for key in panel.columns:
            model = SeriesForecaster(
                make_forecaster(), n_steps=n_steps, horizon=spec.horizon
            )
            result = backtest(model, spec.series(panel, key), n_origins=spec.n_origins)
            frame = result.forecasts
            frame.insert(0, "unique_id", key)
            frames.append(frame)
            mases[key] = float(result.summary["mase"])
        return pd.concat(frames, ignore_index=True), mases

    return run


def global_name(model, n_steps, identity):
    return f"{model} global, identity={identity}, n_steps={n_steps}"


def accuracy_models(n_steps_options, neural_params, identities):
    import rnnkit

    def rnn():
        return rnnkit.RNNForecaster(**{"random_state": 0, **neural_params})

    table = {
        SEASONAL_NAIVE: own_backtest(seasonal_naive),
        "AutoETS": own_backtest(auto_ets),
    }
    for n_steps in n_steps_options:
        for identity in identities:
            table[global_name("linear", n_steps, identity)] = rnnkit_global(
                rnnkit.LinearForecaster, n_steps, identity
            )
        table[f"linear local, n_steps={n_steps}"] = rnnkit_local(
            rnnkit.LinearForecaster, n_steps
        )
        for identity in identities:
            table[global_name("RNN", n_steps, identity)] = rnnkit_global(
                rnn, n_steps, identity
            )
        table[f"RNN local, n_steps={n_steps}"] = rnnkit_local(rnn, n_steps)
    return table


def mase_per_series(forecasts, panel, spec):
    """Each series' MASE: per origin, errors over the seasonal naive's up to it."""
    scores = {}
    for key, rows in forecasts.groupby("unique_id", sort=False):
        series = spec.series(panel, key)
        values = series.to_numpy()
        scaled = []
        for origin, block in rows.groupby("origin", sort=False):
            cut = series.index.get_loc(origin) + 1
            actual = block["actual"].to_numpy()
            if not np.allclose(actual, values[cut : cut + spec.horizon]):
                raise AssertionError(f"{key} at {origin}: actuals do not line up")
            errors = np.abs(block["forecast"].to_numpy() - actual)
            scaled.append(errors / seasonal_naive_scale(values[:cut], spec.season))
        scores[key] = float(np.mean(np.concatenate(scaled)))
    return scores


def geometric_mean(ratios):
    return float(np.exp(np.mean(np.log(list(ratios)))))


def warm_up(horizon):
    """Import Keras and compile once, so no model pays for it in its seconds."""
    from rnnkit import RNNForecaster, make_windows

    X, y = make_windows(np.sin(np.arange(200) / 5), 8, horizon)
    RNNForecaster(epochs=1, random_state=0).fit(X, y).predict(X[:1])


def run_accuracy(args):
    import keras

    spec = PANELS[args.panel]
    panel = spec.load()
    keys = list(panel.columns)
    chosen = args.identity or ["none", "one_hot", "profile"]
    identities = [None if i == "none" else i for i in chosen]
    table = accuracy_models(args.n_steps, args.params, identities)
    if args.models:
        keep = {SEASONAL_NAIVE, *args.models}
        table = {k: v for k, v in table.items() if k in keep}
    warm_up(spec.horizon)
    started = time.perf_counter()
    mases, seconds, scale_gap = {}, {}, 0.0
    for name, run in table.items():
        start = time.perf_counter()
        forecasts, reported = run(panel, spec)
        seconds[name] = time.perf_counter() - start
        mases[name] = mase_per_series(forecasts, panel, spec)
        for key, value in (reported or {}).items():  # backtest's own MASE
            scale_gap = max(scale_gap, abs(value - mases[name][key]) / value)
        summary = geometric_mean(
            mases[name][k] / mases[SEASONAL_NAIVE][k] for k in keys
        )
        print(
            f"{name}: geometric mean MASE vs seasonal naive {summary:.3f}, "
            f"{seconds[name]:.1f} s",
            flush=True,
        )
    settings = ", ".join(
        f"{k}={v!r}" for k, v in {"random_state": 0, **args.params}.items()
    )
    heading = (
        f"{spec.what}, {spec.n_origins} rolling origins "
        f"{spec.horizon} quarters apart, horizon {spec.horizon}, every model refit "
        "at every "
        f"origin; `RNNForecaster({settings})` at its "
        f"defaults; {os.cpu_count()} CPU cores (shared), Keras {keras.__version__} "
        f"({keras.backend.backend()}); {time.perf_counter() - started:.0f} s in all. "
        f"backtest's own MASE matches the one computed here for every rnnkit "
        f"model and series (largest relative gap {scale_gap:.1e})."
    )
    summary = accuracy_summary(mases, seconds, keys, spec.n_origins)
    must_holds = accuracy_must_holds(mases, seconds, keys, args.n_steps, identities)
    per_series = per_series_table(mases, keys)
    print("", heading, "", summary, "", per_series, "", must_holds, sep="\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"mase": mases, "seconds": seconds}))
    if args.write:
        text = f"{heading}\n\n{summary}\n\n{must_holds}\n\nMASE per series:\n\n"
        section = "panel" if spec.name == "macrodata" else f"panel_{spec.name}"
        write_section(section, text + per_series)


def accuracy_summary(mases, seconds, keys, n_origins):
    lines = [
        "| model | geometric mean MASE vs seasonal naive | mean MASE | "
        f"backtest s ({n_origins} origins, all series) |",
        "| --- | --- | --- | --- |",
    ]
    for name, scores in mases.items():
        ratio = geometric_mean(scores[k] / mases[SEASONAL_NAIVE][k] for k in keys)
        mean = np.mean([scores[k] for k in keys])
        lines.append(f"| {name} | {ratio:.3f} | {mean:.3f} | {seconds[name]:.1f} |")
    return "\n".join(lines)


def per_series_table(mases, keys):
    names = list(mases)
    lines = [
        "| series | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for key in keys:
        cells = " | ".join(f"{mases[name][key]:.3f}" for name in names)
        lines.append(f"| {key} | {cells} |")
    return "\n".join(lines)


def accuracy_must_holds(mases, seconds, keys, n_steps_options, identities):
    lines = []
    for n_steps, identity in itertools.product(n_steps_options, identities):
        pooled = global_name("RNN", n_steps, identity)
        alone = f"RNN local, n_steps={n_steps}"
        if pooled not in mases or alone not in mases:
            continue
        ratios = [
            geometric_mean(mases[m][k] / mases[SEASONAL_NAIVE][k] for k in keys)
            for m in (pooled, alone)
        ]
        time_ratio = seconds[pooled] / seconds[alone]
        verdict = "PASS" if ratios[0] <= ratios[1] and time_ratio < 1 else "FAIL"
        lines.append(
            f"- n_steps={n_steps}, identity={identity}: the global model's "
            f"geometric-mean MASE ratio "
            f"{ratios[0]:.3f} against the local models' {ratios[1]:.3f} "
            f"({'no worse' if ratios[0] <= ratios[1] else 'worse'}), in "
            f"{time_ratio:.2f}x their fit time ({seconds[pooled]:.0f} s against "
            f"{seconds[alone]:.0f} s): **{verdict}**"
        )
    return "\n".join(
        ["Must-hold: the global model's geometric-mean MASE is no worse than the "
         "local models', in less total fit time (the ratio):", "", *lines]
    )  # fmt: skip


# --- part scale: synthetic panels ---------------------------------------------------

SCALE_LENGTH, SCALE_STEPS, SCALE_BATCH = 500, 24, 1024
DEFAULT = "default"  # SeriesForecaster's own identity


def synthetic_panel(n_series, seed=0):
    """Random walks with a weekly season and noise, levels from 1 to 10,000."""
    rng = np.random.default_rng(seed)
    level = 10 ** rng.uniform(0, 4, n_series)
    spread = level * rng.uniform(0.005, 0.02, n_series)
    t = np.arange(SCALE_LENGTH)[:, None]
    phase = rng.uniform(0, 2 * np.pi, n_series)
    amplitude = 3 * spread * rng.uniform(0, 1, n_series)
    season = amplitude * np.sin(2 * np.pi * t / 7 + phase)
    walk = np.cumsum(rng.normal(0, 1, (SCALE_LENGTH, n_series)), axis=0) * spread
    values = level + walk + season + rng.normal(0, 0.5, walk.shape) * spread
    index = pd.date_range("2020-01-01", periods=SCALE_LENGTH, freq="D")
    columns = [f"s{i:05d}" for i in range(n_series)]
    return pd.DataFrame(values, index=index, columns=columns)


def proc_status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak_rss():
    """Restart the peak (VmHWM) from the current RSS; False where Linux will not."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def scale_model(identity=DEFAULT):
    """The scale part's model; ``identity`` as SeriesForecaster takes it, or
    ``DEFAULT`` for its default."""
    from rnnkit import RNNForecaster, SeriesForecaster

    forecaster = RNNForecaster(
        epochs=1, batch_size=SCALE_BATCH, units=32, random_state=0
    )
    chosen = {} if identity is DEFAULT else {"identity": identity}
    return SeriesForecaster(
        forecaster, n_steps=SCALE_STEPS, horizon=1, calibration=None, **chosen
    )


def scale_child(n_series, identity=DEFAULT):
    """One size, measured in this (fresh) process; prints one JSON line."""
    import keras

    from rnnkit._backends import training_jit_compile

    panel = synthetic_panel(n_series)
    n_windows = n_series * (SCALE_LENGTH - SCALE_STEPS)
    # The warm-up imports and compiles in the mode the measured fit will use:
    # on TensorFlow, jit_compile="auto" takes XLA from 1,000 updates on, and
    # XLA's first use in a process costs some 150 MB once, whatever the data.
    jit = training_jit_compile(keras, "auto", -(-n_windows // SCALE_BATCH))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warm_up = scale_model(identity)
        warm_up.forecaster.set_params(jit_compile=jit)
        warm_up.fit(panel.iloc[:, :10]).predict()
        # What any fit costs whatever the data: a fresh network's training
        # step compiled, and its working memory (10 series: 4,760 windows).
        fixed_mb = measured_fit(panel.iloc[:, :10], identity)["extra_peak_mb"]
    fit = measured_fit(panel, identity)
    model = fit["model"]
    start = time.perf_counter()
    forecast = model.predict()
    predict_seconds = time.perf_counter() - start
    assert forecast.shape == (1, n_series)
    start = time.perf_counter()
    model.predict()  # again: the network's predict function is compiled now
    repeat_seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "n_series": n_series,
                "identity": identity,
                "n_windows": n_windows,
                "panel_mb": n_series * SCALE_LENGTH * 8 / 2**20,
                "rss_before_mb": fit["rss_before_mb"],
                "extra_peak_mb": fit["extra_peak_mb"],
                "fixed_peak_mb": fixed_mb,
                "peak_exact": fit["peak_exact"],
                "fit_s": fit["seconds"],
                "fit_s_per_1000_windows": fit["seconds"] / n_windows * 1000,
                "predict_s": predict_seconds,
                "predict_s_per_1000_series": predict_seconds / n_series * 1000,
                "repeat_predict_s": repeat_seconds,
            }
        )
    )


def measured_fit(panel, identity=DEFAULT):
    """A fresh model's fit of ``panel``: RSS before it and its extra peak (MB)."""
    gc.collect()
    rss_before = proc_status_kb("VmRSS")
    exact = reset_peak_rss()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = scale_model(identity)
    start = time.perf_counter()
    model.fit(panel)
    seconds = time.perf_counter() - start
    peak = proc_status_kb("VmHWM")
    if not exact:  # ru_maxrss is the lifetime peak: the fit's, if it grew
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, maxrss_before)
    return {
        "model": model,
        "seconds": seconds,
        "rss_before_mb": rss_before / 1024,
        "extra_peak_mb": (peak - rss_before) / 1024,
        "peak_exact": exact,
    }


def run_scale(args):
    import keras

    rows = []
    for identity, n_series in itertools.product(args.identity or [None], args.sizes):
        start = time.perf_counter()
        chosen = [] if identity is None else ["--identity", identity]
        child = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(n_series), *chosen],
            capture_output=True,
            text=True,
        )
        if child.returncode:
            print(child.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{n_series} series: the child exited {child.returncode}")
        row = json.loads(child.stdout.strip().splitlines()[-1])
        row["process_s"] = time.perf_counter() - start
        rows.append(row)
        print(json.dumps(row), flush=True)
    heading = (
        f"`SeriesForecaster(RNNForecaster(epochs=1, batch_size=1024, units=32, "
        f"random_state=0), n_steps={SCALE_STEPS}, horizon=1, calibration=None)` on "
        f"wide panels of {SCALE_LENGTH} daily points per series, one fresh process "
        f"per size; {os.cpu_count()} CPU cores (shared), Keras {keras.__version__} "
        f"({keras.backend.backend()})."
    )
    table, must_holds = scale_table(rows)
    print("", heading, "", table, "", must_holds, sep="\n")
    if args.write:
        write_section("panel_scale", f"{heading}\n\n{table}\n\n{must_holds}")


def series_label(row):
    """The row's number of series, and its identity unless the default's."""
    identity = row.get("identity", DEFAULT)
    extra = "" if identity == DEFAULT else f" (identity={identity})"
    return f"{row['n_series']:,}{extra}"


# Issue 15's limits on memory and predict time are for this size; smaller
# panels are measured beside it, where a fit's fixed cost outweighs the data.
MUST_HOLD_SERIES = 10_000


def verdict_of(row, holds):
    """PASS or FAIL at the must-hold's size; at the others, what it would be."""
    verdict = "PASS" if holds else "FAIL"
    if row["n_series"] == MUST_HOLD_SERIES:
        return f"**{verdict}**"
    return f"{verdict.lower()} (the limit is for {MUST_HOLD_SERIES:,} series)"


def scale_table(rows):
    """The table, and the must-hold lines, of the scale part's ``rows``.

    The smallest panel's extra peak (its data a fraction of a MB) is what any
    fit costs: the new network's training step compiled and run. What a larger
    panel takes beyond it is what its data costs.
    """
    smallest = min(rows, key=lambda r: r["n_series"])

    def data_part(r):
        return r["extra_peak_mb"] - smallest["extra_peak_mb"]

    lines = [
        "| series | windows | panel MB | RSS before fit MB | extra peak MB | "
        f"extra / panel | fresh fit on 10 series (5 steps): extra peak MB | "
        f"extra beyond {smallest['n_series']:,} series' MB | that / panel | "
        "fit s (1 epoch) | fit s per 1,000 windows | predict s | "
        "predict s per 1,000 series | predict again s | process s |",
        "| --- |" + " --- |" * 14,
    ]
    for r in rows:
        lines.append(
            f"| {series_label(r)} | {r['n_windows']:,} | {r['panel_mb']:.1f} | "
            f"{r['rss_before_mb']:.0f} | {r['extra_peak_mb']:.0f}"
            f"{'' if r['peak_exact'] else ' (ru_maxrss)'} | "
            f"{r['extra_peak_mb'] / r['panel_mb']:.1f}x | {r['fixed_peak_mb']:.0f} | "
            f"{data_part(r):.0f} | {data_part(r) / r['panel_mb']:.1f}x | "
            f"{r['fit_s']:.1f} | "
            f"{r['fit_s_per_1000_windows']:.3f} | {r['predict_s']:.2f} | "
            f"{r['predict_s_per_1000_series']:.3f} | {r['repeat_predict_s']:.2f} | "
            f"{r['process_s']:.0f} |"
        )
    checks = []
    for r in rows:
        ratio = r["extra_peak_mb"] / r["panel_mb"]
        line = (
            f"- {series_label(r)} series: extra peak memory {ratio:.1f}x the panel "
            f"(< 3x): {verdict_of(r, ratio < 3)}"
        )
        if r is not smallest:
            line += (
                f" ({smallest['extra_peak_mb']:.0f} MB of it is any fit's, the "
                f"{smallest['n_series']:,}-series run's: the network's training "
                f"step compiled and run; the data's part is "
                f"{data_part(r) / r['panel_mb']:.1f}x the panel)"
            )
        checks.append(line)
    by_size = {r["n_series"]: r for r in rows}
    if 1_000 in by_size and 10_000 in by_size:
        ratio = (
            by_size[10_000]["fit_s_per_1000_windows"]
            / by_size[1_000]["fit_s_per_1000_windows"]
        )
        verdict = "PASS" if ratio <= 1.2 else "FAIL"
        checks.append(
            f"- seconds per 1,000 windows, 10,000 series over 1,000: {ratio:.2f} "
            f"(<= 1.2): **{verdict}**"
        )
    else:
        checks.append(
            "- seconds per 1,000 windows, 10,000 series over 1,000 (<= 1.2): "
            "not measured (needs both sizes)"
        )
    for r in rows:
        per = r["predict_s_per_1000_series"]
        again = r["repeat_predict_s"] / r["n_series"] * 1000
        checks.append(
            f"- {r['n_series']:,} series: the first predict() {per:.3f} s per 1,000 "
            f"series (< 1 s): {verdict_of(r, per < 1)} (a second "
            f"call, the network's predict function compiled: {again:.3f} s)"
        )
    return "\n".join(lines), "Must-holds:\n\n" + "\n".join(checks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["accuracy", "scale"], default="accuracy")
    parser.add_argument(
        "--panel",
        choices=list(PANELS),
        default="macrodata",
        help="the real panel (accuracy): macrodata's 12 series, or 10 other "
        "quarterly series (pmdarima, statsmodels)",
    )
    parser.add_argument(
        "--n-steps",
        type=int,
        nargs="+",
        default=[8, 16],
        help="window lengths to try (accuracy; each runs global and local)",
    )
    parser.add_argument("--models", nargs="+", metavar="NAME", help="a subset")
    parser.add_argument(
        "--identity",
        nargs="+",
        choices=["none", "auto", "one_hot", "profile"],
        help="SeriesForecaster(identity=...) of the global models (accuracy: "
        "default all three; scale: default SeriesForecaster's default, each one "
        "given run at every size)",
    )
    parser.add_argument(
        "--params",
        type=json.loads,
        default={},
        help="JSON of RNNForecaster parameters to change (for experiments; the "
        "written table uses the defaults)",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100, 1_000, 10_000], help="(scale)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_child:
        (identity,) = args.identity or [DEFAULT]
        scale_child(args.scale_child, None if identity == "none" else identity)
    elif args.part == "accuracy":
        run_accuracy(args)
    else:
        run_scale(args)


if __name__ == "__main__":
    main()
