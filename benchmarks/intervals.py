"""Prediction intervals on real series: conformal bounds beside AutoETS's.

Run: python benchmarks/intervals.py [--series NAME ...] [--models NAME ...] [--write]
(needs the benchmark extra: pip install -e ".[cpu,benchmarks]")

The open panel of realdata.py, the same protocol: the last 5 non-overlapping
horizons of each series, every model refit at each origin (``rnnkit.backtest``),
horizon one season. For each rnnkit forecaster at its defaults, wrapped in
``SeriesForecaster`` (split-conformal intervals, the default calibration), and
for statsforecast's AutoETS (its own model-based intervals), in the same run:
the share of actual values inside the 80 %, 90 % and 95 % intervals, and the
mean width of the 90 % interval relative to AutoETS's. ``--write`` puts the
tables into benchmarks/README.md.

Tune nothing on statsmodels' ``co2``, ``sunspots`` or ``elnino``.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
from _readme import write_section
from realdata import N_ORIGINS, PANEL

COVERAGES = (0.8, 0.9, 0.95)


def rnnkit_backtest(make_forecaster):
    from rnnkit import SeriesForecaster, backtest

    def run(series, values):
        model = SeriesForecaster(
            make_forecaster(), n_steps=series.n_steps, horizon=series.horizon
        )
        forecasts, _ = backtest(
            model, values, n_origins=N_ORIGINS, coverage=list(COVERAGES)
        )
        return forecasts

    return run


def autoets_backtest(series, values):
    """AutoETS's intervals at the same origins, as backtest's table."""
    from statsforecast.models import AutoETS

    frames = []
    for k in range(N_ORIGINS, 0, -1):
        cutoff = len(values) - k * series.horizon
        model = AutoETS(season_length=series.season)
        levels = [round(100 * c) for c in COVERAGES]
        result = model.forecast(y=values[:cutoff], h=series.horizon, level=levels)
        frame = {
            "actual": values[cutoff : cutoff + series.horizon],
            "forecast": result["mean"],
        }
        for level in levels:
            frame[f"lower_{level}"] = result[f"lo-{level}"]
            frame[f"upper_{level}"] = result[f"hi-{level}"]
        frames.append(pd.DataFrame(frame))
    return pd.concat(frames, ignore_index=True)


def models():
    import rnnkit

    return {
        "AutoETS": autoets_backtest,
        "rnnkit linear": rnnkit_backtest(rnnkit.LinearForecaster),
        "rnnkit RNN": rnnkit_backtest(lambda: rnnkit.RNNForecaster(random_state=0)),
        "rnnkit seq2seq": rnnkit_backtest(
            lambda: rnnkit.Seq2SeqForecaster(random_state=0)
        ),
    }


def interval_scores(forecasts):
    scores = {}
    actual = forecasts["actual"]
    for coverage in COVERAGES:
        label = round(100 * coverage)
        lower, upper = forecasts[f"lower_{label}"], forecasts[f"upper_{label}"]
        inside = (lower <= actual) & (actual <= upper)
        scores[f"coverage_{label}"] = float(inside.mean())
    scores["width_90"] = float((forecasts["upper_90"] - forecasts["lower_90"]).mean())
    return scores


def run(panel, model_table):
    results = {}
    for series in panel:
        values = series.load()
        results[series.name] = {}
        for name, backtest in model_table.items():
            start = time.perf_counter()
            scores = interval_scores(backtest(series, values))
            scores["seconds"] = time.perf_counter() - start
            results[series.name][name] = scores
        print(series_table(series, results[series.name]), "\n", flush=True)
    return results


def series_table(series, scores):
    reference = scores.get("AutoETS", {}).get("width_90")
    lines = [
        f"**{series.name}** ({series.shape}; horizon {series.horizon})",
        "",
        "| model | coverage 80 % | coverage 90 % | coverage 95 % | "
        "90 % width vs AutoETS | s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in scores.items():
        ratio = f"{s['width_90'] / reference:.2f}" if reference else "-"
        lines.append(
            f"| {name} | {s['coverage_80']:.2f} | {s['coverage_90']:.2f} | "
            f"{s['coverage_95']:.2f} | {ratio} | {s['seconds']:.0f} |"
        )
    return "\n".join(lines)


def summary_table(results):
    names = list(next(iter(results.values())))
    lines = [
        "| model | mean coverage 80 % | mean coverage 90 % | mean coverage 95 % | "
        "series with 90 % coverage in 0.85-0.95 | geometric mean 90 % width vs "
        "AutoETS |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in names:
        rows = [r[name] for r in results.values()]
        means = [np.mean([r[f"coverage_{c}"] for r in rows]) for c in (80, 90, 95)]
        inside = sum(0.85 <= r["coverage_90"] <= 0.95 for r in rows)
        ratios = [
            r[name]["width_90"] / r["AutoETS"]["width_90"]
            for r in results.values()
            if "AutoETS" in r
        ]
        width = f"{np.exp(np.mean(np.log(ratios))):.2f}" if ratios else "-"
        lines.append(
            f"| {name} | {means[0]:.3f} | {means[1]:.3f} | {means[2]:.3f} | "
            f"{inside} of {len(rows)} | {width} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", metavar="NAME", help="a subset")
    parser.add_argument("--models", nargs="+", metavar="NAME", help="a subset")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    panel = [s for s in PANEL if not args.series or s.name in args.series]
    model_table = models()
    if args.models:
        keep = {"AutoETS", *args.models}
        model_table = {k: v for k, v in model_table.items() if k in keep}
    import keras

    started = time.perf_counter()
    results = run(panel, model_table)
    heading = (
        f"{len(panel)} series, {N_ORIGINS} rolling origins each (refit at every "
        "origin), intervals at 80/90/95 %; rnnkit at its defaults (random_state=0) "
        f"in SeriesForecaster; {os.cpu_count()} CPU cores, Keras "
        f"{keras.__version__} ({keras.backend.backend()}); "
        f"{time.perf_counter() - started:.0f} s in all."
    )
    summary = summary_table(results)
    print(heading, "\n", summary, sep="\n")
    if args.write:
        tables = "\n\n".join(series_table(s, results[s.name]) for s in panel)
        write_section("intervals", f"{heading}\n\n{summary}\n\n{tables}")


if __name__ == "__main__":
    main()
