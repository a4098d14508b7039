"""The seed chapter's baselines: a naive forecast and a linear model.

Run: python examples/seed_baselines.py

Both on the chapter's data (10,000 two-sine series, 7,000/2,000/1,000 split),
one step and ten steps ahead, with the chapter's figure beside ours.
"""

from sklearn.metrics import mean_squared_error

from rnnkit import LinearForecaster, NaiveForecaster
from rnnkit.datasets import load_two_sines

# The chapter's figures (test or validation MSE) where it printed one.
SEED_FIGURES = {("naive", 1): 0.0206, ("linear", 1): 0.0042}


def main():
    print(f"{'model':<8} {'horizon':>7} {'test MSE':>10} {'seed':>8}")
    for horizon in (1, 10):
        data = load_two_sines(horizon=horizon)
        for name, forecaster in [
            ("naive", NaiveForecaster()),
            ("linear", LinearForecaster()),
        ]:
            forecaster.fit(data.X_train, data.y_train)
            mse = mean_squared_error(data.y_test, forecaster.predict(data.X_test))
            seed = SEED_FIGURES.get((name, horizon))
            seed_text = f"{seed:.4f}" if seed else "-"
            print(f"{name:<8} {horizon:>7} {mse:>10.5f} {seed_text:>8}")


if __name__ == "__main__":
    main()
