"""The command line's figures, drawn with matplotlib's object API (no pyplot).

matplotlib is optional (``pip install 'rnnkit[plot]'``); it is imported only
when a figure is drawn, and the process-wide pyplot state is never touched.
``rnnkit forecast``'s fan is the library's own :func:`rnnkit.plot_forecast`.
"""

import numpy as np

from .._plotting import plot_forecast


def plot_compare(result, path):
    """A few test series per horizon, with each model's forecast: the book's view."""
    from matplotlib.figure import Figure

    horizons = list(result.examples)
    n_cols = max(len(result.examples[h][0]) for h in horizons)
    figure = Figure(
        figsize=(4.2 * n_cols + 2, 3.2 * len(horizons)), layout="constrained"
    )
    axes = figure.subplots(len(horizons), n_cols, squeeze=False)
    for row, horizon in enumerate(horizons):
        X, y, forecasts = result.examples[horizon]
        past = np.arange(X.shape[1])
        future = np.arange(X.shape[1], X.shape[1] + horizon)
        for col, ax in enumerate(axes[row]):
            if col >= len(X):
                ax.set_visible(False)
                continue
            ax.plot(past, X[col], ".-", color="0.2", lw=1, ms=3, label="series")
            ax.plot(
                future, np.reshape(y[col], -1), "o", color="0.2", mfc="none",
                label="actual",
            )  # fmt: skip
            for k, (label, forecast) in enumerate(forecasts.items()):
                ax.plot(
                    future, np.reshape(forecast[col], -1), "x-", color=f"C{k % 10}",
                    lw=1, ms=5, label=label,
                )  # fmt: skip
            steps = "1 step" if horizon == 1 else f"{horizon} steps"
            ax.set_title(f"test series {col + 1}, {steps} ahead", fontsize=10)
            ax.set_xlabel("time step")
            ax.grid(alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right upper", fontsize=9)
    figure.suptitle("rnnkit compare: the chapter's two-sine series")
    figure.savefig(path, dpi=100)


def plot_forecast_figure(result, path):
    """The whole series and the fan; below, the backtest's forecasts and the fan."""
    from matplotlib.figure import Figure

    plan = result.plan
    y, label = plan.series.data, result.chosen_label
    figure = Figure(figsize=(10, 6.5), layout="constrained")
    whole, zoom = figure.subplots(2, 1)
    plot_forecast(y, result.forecast, result.intervals, ax=whole, n_history=len(y))
    backtest = result.backtest
    zoom.axvspan(backtest["date"].iloc[0], y.index[-1], color="0.92", label="backtest")
    for k, (_, rows) in enumerate(backtest.groupby("origin", sort=False)):
        zoom.plot(
            rows["date"], rows["forecast"], "--", color="C1", lw=1.2,
            label=None if k else f"{label}, backtest ({plan.horizon} ahead)",
        )  # fmt: skip
    recent = min(len(y), plan.n_backtest + plan.horizon)
    plot_forecast(y, result.forecast, result.intervals, ax=zoom, n_history=recent)
    whole.set_title(f"{plan.series.name}: the whole series and the forecast")
    zoom.set_title(f"the backtest and the forecast: {label}")
    zoom.set_xlabel(plan.series.index_name)
    figure.suptitle(f"rnnkit forecast: {plan.series.path}")
    figure.savefig(path, dpi=100)
