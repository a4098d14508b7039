"""WindowScaling: its fitted state round trip, and what from_state refuses."""

import numpy as np
import pytest

from rnnkit._scaling import WindowScaling


@pytest.fixture
def windows():
    rng = np.random.default_rng(0)
    return 100.0 + rng.normal(size=(30, 5, 2)).cumsum(axis=1)


@pytest.mark.parametrize("kind", ["standard", "window", None])
def test_scaling_state_round_trip_scales_identically(kind, windows):
    scaling = WindowScaling(kind, target_index=1).fit(windows)
    state, arrays = scaling.to_state()
    assert state == {"kind": kind, "target_index": 1}
    assert sorted(arrays) == ["center_", "scale_"]
    rebuilt = WindowScaling.from_state(state, arrays, n_features=2)
    np.testing.assert_array_equal(
        rebuilt.transform(windows), scaling.transform(windows)
    )
    Y = windows[:, -1, 1:] + 1.0
    np.testing.assert_array_equal(
        rebuilt.inverse_target(rebuilt.transform_target(Y, windows), windows),
        scaling.inverse_target(scaling.transform_target(Y, windows), windows),
    )


ONES = np.ones(2)
FITTED = {"center_": np.zeros(2), "scale_": ONES}


@pytest.mark.parametrize(
    "state, arrays, message",
    [
        ({"kind": "os.system", "target_index": 0}, None, "scaler kind"),
        ({"kind": None, "target_index": 2}, None, "target_index"),
        ({"kind": None, "target_index": True}, None, "target_index"),
        ({"kind": None, "target_index": 0}, {"center_": np.zeros(2)}, "scale_"),
        ({"kind": None, "target_index": 0}, {**FITTED, "transform": ONES}, "transform"),
        ({"kind": None, "target_index": 0}, {**FITTED, "scale_": np.ones(3)}, "shape"),
    ],
)
def test_scaling_from_state_refuses_bad_values(state, arrays, message):
    arrays = FITTED if arrays is None else arrays
    with pytest.raises(ValueError, match=message):
        WindowScaling.from_state(state, arrays, n_features=2)


def test_scaling_from_state_refuses_unknown_settings():
    with pytest.raises(TypeError):
        WindowScaling.from_state({"kind": None, "target_index": 0, "x": 1}, {}, 2)
