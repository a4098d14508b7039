"""Real series: rnnkit's forecasters at their defaults beside the statistical baselines.

Run: python benchmarks/realdata.py [--series NAME ...] [--write]
(needs the benchmark extra: pip install -e ".[cpu,benchmarks]")

An open panel of real series that ship inside well-known packages (statsmodels,
pmdarima), covering trend, seasonality, cycles, level shifts and short series.
Protocol: rolling origin over the last 5 non-overlapping horizons of each series,
every model refit at each origin, horizon = one season (12 monthly, 4 quarterly,
10 yearly). Metrics: MASE (mean absolute error over the in-sample seasonal-naive
one), RMSE, and fit + predict seconds. Beside every rnnkit forecaster at its
defaults, in the same run: seasonal naive, and statsforecast's AutoETS and
AutoARIMA. The summary is the geometric mean over the panel of each model's MASE
divided by seasonal naive's. ``--write`` puts the tables into benchmarks/README.md.

Tune nothing on statsmodels' ``co2``, ``sunspots`` or ``elnino``: they are kept
back for acceptance checks, and this panel leaves them out on purpose.
"""

import argparse
import functools
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
from _readme import write_section

N_ORIGINS = 5
SEASONAL_NAIVE = "seasonal naive"
NAIVE_LAST = "rnnkit naive (last)"


@dataclass(frozen=True)
class PanelSeries:
    name: str
    source: str
    season: int
    horizon: int
    shape: str  # what makes it hard, in a few words

    def load(self):
        return load_values(self.source)

    @property
    def n_steps(self):
        """Window length: two seasons, and at least one horizon."""
        return max(2 * self.season, self.horizon)


@functools.cache
def load_values(source):
    """The values of a bundled series, ``"package:loader"``, without blanks."""
    package, loader = source.split(":")
    if package == "pmdarima":
        import pmdarima.datasets

        values = getattr(pmdarima.datasets, loader)(as_series=True)
    else:
        import statsmodels.api as sm

        dataset, column = loader.split(".")
        values = getattr(sm.datasets, dataset).load_pandas().data[column]
    return values.dropna().to_numpy(dtype=np.float64)


PANEL = [
    PanelSeries("airpassengers", "pmdarima:load_airpassengers", 12, 12,
                "monthly, trend, growing season"),
    PanelSeries("wineind", "pmdarima:load_wineind", 12, 12,
                "monthly, strong season"),
    PanelSeries("woolyrnq", "pmdarima:load_woolyrnq", 4, 4,
                "quarterly, season, level shifts"),
    PanelSeries("ausbeer", "pmdarima:load_ausbeer", 4, 4,
                "quarterly, season, trend turns"),
    PanelSeries("austres", "pmdarima:load_austres", 4, 4,
                "quarterly, steady trend, short"),
    PanelSeries("realgdp", "statsmodels:macrodata.realgdp", 4, 4,
                "quarterly, exponential trend"),
    PanelSeries("cpi", "statsmodels:macrodata.cpi", 4, 4,
                "quarterly, accelerating trend"),
    PanelSeries("unemp", "statsmodels:macrodata.unemp", 4, 4,
                "quarterly, business cycles"),
    PanelSeries("infl", "statsmodels:macrodata.infl", 4, 4,
                "quarterly, noisy, mean-reverting"),
    PanelSeries("lynx", "pmdarima:load_lynx", 1, 10,
                "yearly, 10-year cycles"),
    PanelSeries("nile", "statsmodels:nile.volume", 1, 10,
                "yearly, level shift, short"),
]  # fmt: skip


# --- models: each is fit_predict(history, series) -> forecast of series.horizon ---


def statsforecast_model(name):
    from statsforecast import models

    def fit_predict(history, series):
        model = getattr(models, name)(season_length=series.season)
        return model.forecast(y=history, h=series.horizon)["mean"]

    return fit_predict


def seasonal_naive(history, series):
    last_season = history[-series.season :]
    return np.resize(last_season, series.horizon)


def rnnkit_model(make_estimator):
    from rnnkit import make_windows

    def fit_predict(history, series):
        X, y = make_windows(history, series.n_steps, series.horizon)
        estimator = make_estimator(series).fit(X, y)
        return estimator.predict(history[None, -series.n_steps :]).reshape(-1)

    return fit_predict


def models(neural_params):
    import rnnkit

    return {
        SEASONAL_NAIVE: seasonal_naive,
        "AutoETS": statsforecast_model("AutoETS"),
        "AutoARIMA": statsforecast_model("AutoARIMA"),
        NAIVE_LAST: rnnkit_model(lambda s: rnnkit.NaiveForecaster()),
        "rnnkit linear": rnnkit_model(lambda s: rnnkit.LinearForecaster()),
        "rnnkit RNN": rnnkit_model(
            lambda s: rnnkit.RNNForecaster(random_state=0, **neural_params)
        ),
        "rnnkit seq2seq": rnnkit_model(
            lambda s: rnnkit.Seq2SeqForecaster(random_state=0, **neural_params)
        ),
    }


# --- the protocol ----------------------------------------------------------------


def origins(n_values, horizon):
    """The last N_ORIGINS non-overlapping forecast origins, oldest first."""
    return [n_values - k * horizon for k in range(N_ORIGINS, 0, -1)]


def seasonal_naive_scale(history, season):
    """Mean absolute in-sample error of the seasonal naive forecast."""
    return float(np.mean(np.abs(history[season:] - history[:-season])))


def evaluate(series, fit_predict):
    """MASE, RMSE and seconds of one model, averaged over the rolling origins."""
    values = series.load()
    mases, squared_errors, seconds = [], [], 0.0
    for origin in origins(len(values), series.horizon):
        history, actual = values[:origin], values[origin : origin + series.horizon]
        start = time.perf_counter()
        forecast = np.asarray(fit_predict(history, series), dtype=np.float64)
        seconds += time.perf_counter() - start
        errors = forecast - actual
        mases.append(
            np.mean(np.abs(errors)) / seasonal_naive_scale(history, series.season)
        )
        squared_errors.append(np.mean(errors**2))
    return {
        "mase": float(np.mean(mases)),
        "rmse": float(np.sqrt(np.mean(squared_errors))),
        "seconds": seconds,
    }


def run(panel, model_table):
    results = {}
    for series in panel:
        results[series.name] = {}
        for name, fit_predict in model_table.items():
            results[series.name][name] = evaluate(series, fit_predict)
        print(series_table(series, results[series.name]), "\n", flush=True)
    return results


# --- reporting ---------------------------------------------------------------------


def series_table(series, scores):
    reference = scores[SEASONAL_NAIVE]["mase"]
    naive = scores[NAIVE_LAST]["mase"]
    lines = [
        f"**{series.name}** ({series.shape}; {len(series.load())} values, "
        f"season {series.season}, horizon {series.horizon}, "
        f"windows of {series.n_steps})",
        "",
        "| model | MASE | vs seasonal naive | vs naive last | RMSE | fit + predict s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, score in scores.items():
        lines.append(
            f"| {name} | {score['mase']:.3f} | {score['mase'] / reference:.3f} | "
            f"{score['mase'] / naive:.3f} | {score['rmse']:.4g} | "
            f"{score['seconds']:.1f} |"
        )
    return "\n".join(lines)


def summary_table(results):
    names = list(next(iter(results.values())))
    lines = [
        "| model | geometric mean MASE vs seasonal naive | series beating naive last "
        "| total fit + predict s |",
        "| --- | --- | --- | --- |",
    ]
    for name in names:
        ratios = [r[name]["mase"] / r[SEASONAL_NAIVE]["mase"] for r in results.values()]
        wins = sum(r[name]["mase"] < r[NAIVE_LAST]["mase"] for r in results.values())
        seconds = sum(r[name]["seconds"] for r in results.values())
        geomean = float(np.exp(np.mean(np.log(ratios))))
        lines.append(
            f"| {name} | {geomean:.3f} | {wins} of {len(results)} | {seconds:.0f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", metavar="NAME", help="a subset")
    parser.add_argument("--models", nargs="+", metavar="NAME", help="a subset")
    parser.add_argument(
        "--params",
        type=json.loads,
        default={},
        help="JSON of neural parameters to change, e.g. '{\"epochs\": 50}' "
        "(for experiments; the written table uses the defaults)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    panel = [s for s in PANEL if not args.series or s.name in args.series]
    model_table = models(args.params)
    if args.models:
        keep = {SEASONAL_NAIVE, NAIVE_LAST, *args.models}
        model_table = {k: v for k, v in model_table.items() if k in keep}
    import keras

    started = time.perf_counter()
    results = run(panel, model_table)
    summary = summary_table(results)
    heading = (
        f"{len(panel)} series, {N_ORIGINS} rolling origins each, models refit at "
        f"every origin; rnnkit at its defaults (random_state=0"
        f"{', ' + json.dumps(args.params) if args.params else ''}); "
        f"{os.cpu_count()} CPU cores, Keras {keras.__version__} "
        f"({keras.backend.backend()}); {time.perf_counter() - started:.0f} s in all."
    )
    print(heading, "\n", summary, sep="\n")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.write:
        tables = "\n\n".join(series_table(s, results[s.name]) for s in panel)
        write_section("realdata", f"{heading}\n\n{summary}\n\n{tables}")


if __name__ == "__main__":
    main()
