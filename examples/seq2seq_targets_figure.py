"""Draw how Seq2SeqForecaster builds its per-step targets (docs/seq2seq_targets.png).

Run: python examples/seq2seq_targets_figure.py  (needs matplotlib)
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from rnnkit.datasets import load_two_sines

N_STEPS, HORIZON = 50, 10
OUT = Path(__file__).resolve().parents[1] / "docs" / "seq2seq_targets.png"


def main():
    data = load_two_sines(horizon=HORIZON, n_series=10)
    window, future = data.X_train[0], data.y_train[0]
    t_all = range(N_STEPS + HORIZON)
    series = list(window) + list(future)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.plot(range(N_STEPS), window, "o-", ms=3, color="tab:blue", label="window X")
    ax.plot(
        range(N_STEPS, N_STEPS + HORIZON),
        future,
        "o-",
        ms=3,
        color="tab:red",
        label="y (next 10 values)",
    )
    for t, color in [
        (10, "tab:green"),
        (30, "tab:purple"),
        (N_STEPS - 1, "tab:orange"),
    ]:
        targets = range(t + 1, t + 1 + HORIZON)
        ax.axvline(t, color=color, lw=0.8, ls="--")
        ax.plot(
            targets,
            [series[i] + 0.25 for i in targets],
            "s",
            ms=3,
            color=color,
            label=f"targets of step {t}",
        )
    ax.set_xlim(-1, max(t_all) + 1)
    ax.set_xlabel("time step")
    ax.set_title(
        "Seq2SeqForecaster: step t learns the values at t+1 ... t+10 "
        "(shifted up for clarity)"
    )
    ax.legend(loc="lower left", fontsize=7, ncols=3)
    fig.tight_layout()
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
