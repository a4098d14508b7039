"""The seed chapter's recurrent models, each as one rnnkit call.

Run: python examples/seed_rnn_models.py [--epochs 20]

Deep RNN with a dense output (one step and ten steps ahead) and
sequence-to-sequence training with SimpleRNN, LSTM and GRU cells, on the chapter's
data. Prints each model's test MSE (the last step's forecast for seq2seq).
"""

import argparse

from sklearn.metrics import mean_squared_error

from rnnkit import RNNForecaster, Seq2SeqForecaster
from rnnkit.datasets import load_two_sines


def models(epochs):
    common = {"epochs": epochs, "random_state": 0}
    yield "deep RNN, 1 step", 1, RNNForecaster(**common)
    yield "deep RNN, 10 steps at once", 10, RNNForecaster(**common)
    for cell in ("simple", "lstm", "gru"):
        yield f"seq2seq {cell}, 10 steps", 10, Seq2SeqForecaster(cell=cell, **common)
    tuned = {"units": 32, "learning_rate": 0.01, "learning_rate_schedule": "cosine"}
    yield "GRU, tuned, 10 steps", 10, RNNForecaster(cell="gru", **tuned, **common)


def main():
    parser = argparse.ArgumentParser(description="The chapter's RNN models.")
    parser.add_argument("--epochs", type=int, default=20)
    epochs = parser.parse_args().epochs
    data = {h: load_two_sines(horizon=h) for h in (1, 10)}
    for name, horizon, model in models(epochs):
        split = data[horizon]
        model.fit(split.X_train, split.y_train)
        mse = mean_squared_error(split.y_test, model.predict(split.X_test))
        print(f"{name:<28} test MSE {mse:.5f}", flush=True)


if __name__ == "__main__":
    main()
