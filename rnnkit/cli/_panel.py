"""``rnnkit forecast --id-column``: every series of a long CSV, one global model.

Each candidate is one global ``SeriesForecaster`` over all the series,
backtested on the panel (each series cut at the same distance from its end);
the one with the lowest MASE over every series is refit with calibration and
forecasts each series. RMSE would mix the series' units, MASE does not.
"""

import time
import warnings

import numpy as np
import pandas as pd

from .. import SeriesForecaster, backtest
from .._metrics import coverage_label
from .._panel import resolve_identity
from .._plotting import plot_forecast
from .._time_index import season_of
from ._common import UsageError, note, progress
from ._models import (
    AUTO_CANDIDATES,
    BASELINES,
    MODELS,
    NEURAL,
    check_cells,
    default_n_steps,
    epoch_params,
    make_estimator,
)
from ._series import read_panel

MAX_PLOTTED = 4


def run_panel_command(args, output, plot):
    panel = read_panel(args.file, args.id_column, args.column, args.time_column)
    for series in panel.values():
        note(*series.notes, quiet=args.quiet)
    data = {key: series.data for key, series in panel.items()}
    shortest = min(len(values) for values in data.values())
    season = args.season or season_of(next(iter(panel.values())).freq)
    typical = int(np.median([len(values) for values in data.values()]))
    n_steps = args.n_steps or _default_n_steps(typical, args, season)
    candidates = _candidates(args.model, season, n_steps)
    if args.cell is not None and args.model in (*NEURAL, "auto"):
        check_cells([args.cell], "--cell")
    params = {
        "cell": args.cell,
        "epochs": args.epochs,
        "random_state": args.random_state,
    }
    params = {key: value for key, value in params.items() if value is not None}

    networks = any(name in NEURAL for name in candidates)
    identity = _identity(args.identity, len(data)) if networks else None

    def forecaster(name, **options):
        estimator = make_estimator(name, season=season, **params)
        return SeriesForecaster(
            estimator,
            n_steps=n_steps,
            horizon=args.horizon,
            identity=identity if name in NEURAL else None,
            **options,
        )

    print(
        f"{len(data)} series from {args.file} (column {args.id_column!r}), "
        f"{shortest} to {max(len(v) for v in data.values())} values each; one "
        f"model for all, windows of {n_steps} steps, forecasting {args.horizon} "
        f"ahead{'' if season is None else f', season {season}'}"
        f"{'' if identity is None else f', identity {identity} for the networks'}"
        "; backtest: "
        f"{args.origins} origin(s) {args.horizon} apart"
    )
    summaries, seconds, skipped = {}, {}, {}
    with progress(args.quiet, len(candidates) + 1) as step:
        for name in candidates:
            with step(f"{name}: backtest on every series") as report:
                start = time.perf_counter()
                model = forecaster(name, calibration=None)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", UserWarning)
                    result = backtest(
                        model,
                        data,
                        n_origins=args.origins,
                        fit_params=epoch_params(model.forecaster, report),
                    )
                summaries[name] = result.summary
                seconds[name] = time.perf_counter() - start
                skipped |= dict.fromkeys(str(w.message) for w in caught)
        chosen = args.model
        if chosen == "auto":
            chosen = min(summaries, key=lambda name: summaries[name]["mase"])
        with step(f"{chosen}: refit on every series") as report:
            model = forecaster(chosen)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                model.fit(data, **epoch_params(model.forecaster, report))
                frame = _forecast_frame(model, args.coverage, args.id_column)
            skipped |= dict.fromkeys(str(w.message) for w in caught)
    note(*skipped, quiet=args.quiet)
    print(_report(summaries, seconds, chosen, args, frame))
    if output is not None:
        frame.to_csv(output, index=False)
        note(f"wrote {output}", quiet=args.quiet)
    if plot is not None:
        _plot(data, frame, args, plot)
        note(f"wrote {plot}", quiet=args.quiet)
    return 0


def _default_n_steps(typical, args, season):
    """A tenth of the median length (2 to 50), a season when it fits."""
    n_steps = default_n_steps(typical)
    room = typical - (args.origins + 1) * args.horizon
    if season is not None and n_steps < season <= room:
        n_steps = season
    return n_steps


def _identity(option, n_series):
    """``SeriesForecaster``'s ``identity`` for the networks, from ``--identity``:
    ``"auto"`` (the default) as ``SeriesForecaster`` resolves it for a network,
    so the command line and the library train the same global model.
    """
    if option == "none":
        return None
    return resolve_identity(option or "auto", n_series, neural=True)


def _candidates(model, season, n_steps):
    if model not in (*MODELS, "auto"):
        raise UsageError(
            f"unknown model {model!r} for --model; choose from auto, "
            f"{', '.join(MODELS)}."
        )
    seasonal = season is not None and n_steps >= season
    if model == "seasonal" and not seasonal:
        raise UsageError(
            "--model seasonal needs a season no longer than the windows: give "
            "--season M and --n-steps of at least M."
        )
    names = AUTO_CANDIDATES if model == "auto" else (*BASELINES, model)
    return [name for name in dict.fromkeys(names) if name != "seasonal" or seasonal]


def _forecast_frame(model, coverages, id_column):
    """The long forecast: id, time, forecast, then the bounds per coverage."""
    forecast = model.predict()
    intervals = model.predict_interval(list(coverages))  # every series at once
    frames = []
    for key, values in forecast.items():
        part = values.rename("forecast").to_frame().join(intervals[key])
        part = part.rename_axis(values.index.name or "step").reset_index()
        part.insert(0, id_column, key)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _report(summaries, seconds, chosen, args, frame):
    how = "the lowest backtest MASE" if args.model == "auto" else "--model"
    width = max(len(name) for name in summaries)
    lines = [
        "backtest errors over every series (MASE: each series' error over its "
        "in-sample naive error, seasonal when its dates have a season):",
        f"  {'model':<{width}}  {'MASE':>6}  {'sMAPE':>7}  time",
    ]
    for name, summary in summaries.items():
        mark = "  <- chosen" if name == chosen else ""
        lines.append(
            f"  {name:<{width}}  {summary['mase']:6.3f}  {summary['smape']:6.2f}%  "
            f"{seconds[name]:5.1f} s{mark}"
        )
    levels = " and ".join(f"{coverage_label(c)} %" for c in args.coverage)
    n_series = frame[args.id_column].nunique()
    lines.append(
        f"{chosen} ({how}), refit on every series; the next {args.horizon} of "
        f"each of the {n_series}, with {levels} conformal intervals (first rows):"
    )
    lines.append(frame.head(2 * args.horizon).to_string(index=False))
    return "\n".join(lines)


def _plot(data, frame, args, path):
    """The first few series, each with its forecast and intervals."""
    from matplotlib.figure import Figure  # not pyplot: no process-wide state

    forecast = set(frame[args.id_column])
    keys = [key for key in data if key in forecast][:MAX_PLOTTED]
    figure = Figure(figsize=(10, 2.6 * len(keys)), layout="constrained")
    axes = figure.subplots(len(keys), 1, squeeze=False)[:, 0]
    for ax, key in zip(axes, keys, strict=True):
        rows = frame[frame[args.id_column] == key].set_index(frame.columns[1])
        bounds = rows[[c for c in rows.columns if c.startswith(("lower", "upper"))]]
        history = min(len(data[key]), 4 * args.horizon + args.horizon)
        plot_forecast(data[key], rows["forecast"], bounds, ax=ax, n_history=history)
        ax.set_title(f"{key}")
    figure.suptitle(
        f"rnnkit forecast: {args.file}, {len(keys)} of {len(forecast)} series"
    )
    figure.savefig(path, dpi=100)
