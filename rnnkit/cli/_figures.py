"""The command line's figures, drawn with matplotlib's object API (no pyplot).

matplotlib is optional (``pip install 'rnnkit[plot]'``); it is imported only
when a figure is drawn, and the process-wide pyplot state is never touched.
"""

import numpy as np


def check_matplotlib():
    """Return whether matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


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
    """The series, the chosen model's holdout forecasts and the forecast."""
    from matplotlib.figure import Figure

    plan = result.plan
    values = plan.series.values
    n = len(values)
    x = plan.series.times if plan.series.times is not None else np.arange(n)
    x = np.asarray(x)
    future_x = plan.future_times
    future_x = np.arange(n, n + plan.horizon) if future_x is None else future_x
    future_x = np.asarray(future_x)
    start = plan.holdout_start
    holdout_x = x[start : start + len(result.holdout_forecast)]
    label = result.chosen_label

    figure = Figure(figsize=(10, 6.5), layout="constrained")
    whole, zoom = figure.subplots(2, 1)
    zoom_from = max(0, start - 2 * plan.n_steps)
    for ax, first in ((whole, 0), (zoom, zoom_from)):
        ax.plot(x[first:], values[first:], color="0.2", lw=1, label=plan.series.name)
        ax.axvspan(x[start], x[-1], color="0.9", label="holdout")
        ax.plot(
            holdout_x, result.holdout_forecast, "--", color="C0", lw=1.2,
            label=f"{label}, holdout ({plan.horizon} ahead at a time)",
        )  # fmt: skip
        ax.plot(
            np.concatenate([x[-1:], future_x]),
            np.concatenate([values[-1:], result.forecast]),
            ".-", color="C3", lw=1.5, label=f"{label}, forecast",
        )  # fmt: skip
        ax.grid(alpha=0.3)
    whole.set_title(f"{plan.series.name}: the whole series")
    zoom.set_title("the holdout and the forecast")
    zoom.legend(loc="upper left", fontsize=9)
    xlabel = plan.series.time_name or "step"
    zoom.set_xlabel(xlabel)
    figure.suptitle(f"rnnkit forecast: {plan.series.path}")
    figure.savefig(path, dpi=100)
