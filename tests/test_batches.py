"""Keras is fed batches cut from window views on the fly."""

import numpy as np

from rnnkit import Seq2SeqForecaster


def test_neural_fit_streams_batches_from_window_views():
    import tracemalloc

    from rnnkit import make_windows

    series = np.sin(np.arange(200_000, dtype=np.float32) / 20)
    X, y = make_windows(series, n_steps=50, horizon=10)
    materialised = X.size * 4 + X.size * 10 * 4  # scaled X + per-step targets
    # Windows of weight 0 (as where two series of a panel meet) are left out.
    weights = np.where(np.arange(len(X)) % 50 < 49, 1.0, 0.0)
    model = Seq2SeqForecaster(
        units=2,
        epochs=1,
        batch_size=4096,
        warm_start=True,
        random_state=0,
    )
    # Build and trace the network outside the measurement; warm_start then
    # trains the same network, so only the data pipeline allocates.
    model.fit(X[:5000], y[:5000], sample_weight=weights[:5000])
    model.predict(X[:10])
    tracemalloc.start()
    model.fit(X, y, sample_weight=weights)
    model.predict(X[:10_000])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # NumPy's allocations peak at a few batches and a few arrays of one index
    # (or weight) per window, not at the series' windows. A few batches: on
    # JAX, asynchronous dispatch lets Keras cut the next batches while earlier
    # steps still hold theirs (measured up to 3 batches of 4,096, 27 MB,
    # against 0.85 of a batch on TensorFlow); the bound is about 5 batches.
    # (Without weights the same code runs, drawing from all the windows.)
    assert peak < materialised / 10, (peak, materialised)


def test_window_batches_cover_every_window_once_per_epoch_reshuffled():
    import keras

    from rnnkit._batches import window_batches

    X = np.arange(7.0).reshape(7, 1)
    batches = window_batches(keras, X, X[:, 0], lambda x, y: (x, y), 3, 0)
    epochs = []
    for _ in range(2):
        assert len(batches) == 3
        cut = [batches[i][1] for i in range(len(batches))]
        assert [len(rows) for rows in cut] == [3, 3, 1]
        epochs.append(np.concatenate(cut))
        batches.on_epoch_end()
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(7.0))
    assert not np.array_equal(epochs[0], epochs[1])
    unshuffled = window_batches(keras, X, X[:, 0], lambda x, y: (x, y), 3)
    np.testing.assert_array_equal(unshuffled[0][1], [0.0, 1.0, 2.0])


def test_window_batches_draw_only_the_given_rows_with_their_weights():
    import keras

    from rnnkit._batches import window_batches

    X = np.arange(10.0).reshape(10, 1)
    rows, weights = np.array([1, 3, 4, 8]), np.arange(10.0) / 10
    batches = window_batches(
        keras, X, X[:, 0], lambda x, y: (x, y), 3, 0, rows=rows, weights=weights
    )
    for _ in range(3):
        assert len(batches) == 2
        cut = [batches[i] for i in range(len(batches))]
        drawn = np.concatenate([y for _, y, _ in cut])
        np.testing.assert_array_equal(np.sort(drawn), [1.0, 3.0, 4.0, 8.0])
        for _, y, w in cut:  # a column, so per-step losses weight by window
            np.testing.assert_array_equal(w, y[:, None] / 10)
        batches.on_epoch_end()
    valid = window_batches(keras, X, X[:, 0], lambda x, y: (x, y), 3, rows=rows)
    np.testing.assert_array_equal(valid[0][1], [1.0, 3.0, 4.0])  # in order


def test_window_batches_without_weights_are_drawn_as_before_weights():
    # sample_weight=None must train exactly as before weights existed: the
    # same (x, y) pairs (no weight column), in the order of the seed's
    # permutation of the windows.
    import keras

    from rnnkit._batches import window_batches

    X = np.arange(50.0).reshape(50, 1)
    batches = window_batches(keras, X, X[:, 0], lambda x, y: (x, y), 8, 5)
    rng = np.random.default_rng(5)
    for _ in range(2):
        expected = X[rng.permutation(50), 0]
        cut = [batches[i] for i in range(len(batches))]
        assert all(len(batch) == 2 for batch in cut)
        np.testing.assert_array_equal(np.concatenate([y for _, y in cut]), expected)
        batches.on_epoch_end()


def test_rows_of_a_mask_are_its_positive_rows_in_runs_or_as_an_array(monkeypatch):
    from rnnkit import _batches
    from rnnkit._batches import Rows

    monkeypatch.setattr(_batches, "_CHUNK", 7)  # runs across chunks' borders
    rng = np.random.default_rng(0)
    runs = np.repeat(rng.uniform(size=12) < 0.6, 5).astype(float)  # few runs
    scattered = rng.uniform(size=60) * (rng.uniform(size=60) < 0.5)
    for mask in (runs, scattered, runs > 0):
        expected = np.flatnonzero(mask)
        rows = Rows.of_mask(mask)
        assert len(rows) == len(expected)
        np.testing.assert_array_equal(rows[:], expected)
        np.testing.assert_array_equal(rows[np.arange(len(rows))[::-1]], expected[::-1])
        assert rows[len(rows) - 1] == expected[-1]
        for n in range(len(rows) + 1):
            head, tail = rows.split(n)
            np.testing.assert_array_equal(head[:], expected[:n])
            np.testing.assert_array_equal(tail[:], expected[n:])
            assert np.isclose(tail.total(mask.astype(float)), mask[expected[n:]].sum())
    assert Rows.of_mask(runs).array is None  # runs: a few numbers
    assert Rows.of_mask(scattered).array is not None  # more runs than rows


def test_a_keyed_permutation_is_a_seeded_bijection_that_mixes():
    from rnnkit._batches import KeyedPermutation

    for n in (1, 2, 3, 10, 1000, 4097):
        order = KeyedPermutation(n, np.random.default_rng(n))[:]
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
    n = 100_000
    first = KeyedPermutation(n, np.random.default_rng(1))
    np.testing.assert_array_equal(
        first[[5, 70_000]], KeyedPermutation(n, np.random.default_rng(1))[[5, 70_000]]
    )
    assert not np.array_equal(
        first[:100], KeyedPermutation(n, np.random.default_rng(2))[:100]
    )
    # A batch of 1,000 positions draws windows from all over: from about as
    # many of 100 series of 1,000 windows as random draws would (all 100).
    assert len(np.unique(first[:1000] // 1000)) == 100
    assert first[:1000].std() > 0.25 * n


def test_large_fits_draw_full_batches_from_a_keyed_permutation(monkeypatch):
    import keras

    from rnnkit import _batches
    from rnnkit._batches import window_batches

    monkeypatch.setattr(_batches, "MAX_ORDER_ARRAY", 20)
    X = np.arange(50.0).reshape(50, 1)
    epochs = []
    for _ in range(2):  # the same seed, the same orders
        batches = window_batches(keras, X, X[:, 0], lambda x, y: (x, y), 8, 5)
        assert isinstance(batches._order, _batches.KeyedPermutation)
        drawn = []
        for _ in range(2):
            cut = [batches[i][1] for i in range(len(batches))]
            # Every window once; the last batch topped up with the first ones.
            assert [len(rows) for rows in cut] == [8] * 7
            drawn.append(np.concatenate(cut))
            np.testing.assert_array_equal(np.sort(drawn[-1][:50]), X[:, 0])
            np.testing.assert_array_equal(drawn[-1][50:], drawn[-1][:6])
            batches.on_epoch_end()
        assert not np.array_equal(drawn[0], drawn[1])
        epochs.append(drawn)
    np.testing.assert_array_equal(epochs[0], epochs[1])
