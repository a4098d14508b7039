"""Build small fake plugin distributions on disk, as pip would install them."""

import textwrap

MINIMAL_CELL = '''
import keras
import rnnkit


@keras.saving.register_keras_serializable(package=__name__)
class MinimalCell(keras.layers.Layer):
    """h' = tanh(x W + h U): the smallest honest recurrent cell."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel"
        )

    def call(self, inputs, states, training=False):
        h = keras.ops.tanh(inputs @ self.kernel + states[0] @ self.recurrent_kernel)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}
'''


def make_distribution(root, name, body, *, version="0.1"):
    """Write distribution ``name`` (module ``name`` with dashes as underscores).

    ``body`` is the module's source; its entry point in the ``rnnkit`` group
    points at the module. Put ``root`` on ``sys.path`` to install it.
    """
    module = name.replace("-", "_")
    (root / f"{module}.py").write_text(textwrap.dedent(body))
    info = root / f"{module}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    )
    (info / "entry_points.txt").write_text(f"[rnnkit]\n{module} = {module}\n")
    return root


def cell_plugin(cell_name, *, class_name="MinimalCell", extra=""):
    """Source of a plugin module that registers the minimal cell as ``cell_name``."""
    return (
        MINIMAL_CELL.replace("MinimalCell", class_name)
        + textwrap.dedent(f"""

        @rnnkit.hookimpl
        def register_cells(register):
            register({cell_name!r}, {class_name}, description="a test cell")
        """)
        + extra
    )
