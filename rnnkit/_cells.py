"""The cell registry: which recurrent layer a ``cell`` name means.

Cells come from plugins (rnnkit's own default plugin registers ``simple``,
``lstm`` and ``gru``); :mod:`rnnkit.plugins` owns the registry, fills it on
first use and looks cells up (``resolve_cell``).
A cell is selected by its bare name, or by ``"<distribution>:<name>"`` when two
plugins register the same name.
"""

import re
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple

BUILTIN_DISTRIBUTION = "rnnkit"
_VALID_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class CellInfo(NamedTuple):
    """Where a cell comes from, as :func:`rnnkit.list_cells` reports it."""

    distribution: str
    version: str
    description: str


class RegisteredCell(NamedTuple):
    """A registered cell: what builds it, where it comes from, how Keras runs it."""

    name: str
    factory: Callable[..., Any]  # the cell class, or a callable returning cells
    distribution: str
    version: str
    description: str
    # Keras' registered name for the class of the cells ``factory`` builds
    # (what a saved model names them by); set when the registry adds the cell.
    keras_name: str | None = None
    # The Keras layer that runs the cell fused (built-ins only), else None.
    fused_layer: str | None = None

    @property
    def qualified_name(self):
        return f"{self.distribution}:{self.name}"


class CellRegistry:
    """Registered cells, by qualified name ``"<distribution>:<name>"``."""

    def __init__(self):
        self._cells = {}

    def add(self, cell, complete):
        """Add a ``RegisteredCell``; raise an error saying why it is refused.

        ``complete(cell)`` runs after the name checks: it checks the cell and
        returns it with ``keras_name`` (and ``fused_layer``) set, to be added.
        """
        if not _VALID_NAME.match(cell.name):
            raise ValueError(
                f"cell name {cell.name!r} is not valid: use lowercase letters, "
                "digits and underscores, starting with a letter"
            )
        if not callable(cell.factory):
            raise ValueError(f"cell {cell.name!r} is {cell.factory!r}, not callable")
        builtin = self._cells.get(f"{BUILTIN_DISTRIBUTION}:{cell.name}")
        if builtin is not None and cell.distribution != BUILTIN_DISTRIBUTION:
            raise ValueError(
                f"cell {cell.name!r} is built into rnnkit and cannot be replaced; "
                "the built-in stays"
            )
        if cell.qualified_name in self._cells:
            raise ValueError(f"cell {cell.name!r} is registered twice")
        self._cells[cell.qualified_name] = complete(cell)

    def drop_distribution(self, distribution):
        """Remove every cell a distribution registered."""
        self._cells = {
            k: c for k, c in self._cells.items() if c.distribution != distribution
        }

    def resolve(self, name):
        """Return the ``RegisteredCell`` a ``cell`` parameter value selects."""
        if not isinstance(name, str):
            raise ValueError(
                f"The 'cell' parameter must be a str. Got {name!r} instead."
            )
        if ":" in name and name in self._cells:
            return self._cells[name]
        matches = sorted(
            (c for c in self._cells.values() if c.name == name),
            key=lambda c: c.distribution,
        )
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            qualified = [c.qualified_name for c in matches]
            raise ValueError(
                f"The cell name {name!r} is registered by several plugins: "
                f"{', '.join(c.distribution for c in matches)}. Choose one with its "
                f"qualified name, one of {qualified}, or uninstall the others."
            )
        raise ValueError(
            f"The 'cell' parameter must be one of {self.names()}. Got {name!r} "
            "instead. More cells come from plugins: pip install a package that "
            "provides one, and see them with `rnnkit plugins`."
        )

    def names(self):
        """Sorted names ``cell`` accepts: bare where unique, else qualified."""
        return sorted(self.info())

    def info(self):
        """Map each selectable name to its ``CellInfo``."""
        bare_counts = Counter(cell.name for cell in self._cells.values())
        return {
            (
                cell.name if bare_counts[cell.name] == 1 else cell.qualified_name
            ): CellInfo(cell.distribution, cell.version, cell.description)
            for cell in self._cells.values()
        }


def recurrent_layers(
    keras, cell, units, *, return_sequences, dropout, cell_kwargs, seed=None
):
    """Build the Keras layers that run ``cell`` (a list: one or two layers).

    Built-in cells use their fused Keras layer, with initializers and dropout
    seeded from ``seed`` unless ``cell_kwargs`` sets them. A plugin cell runs
    inside ``keras.layers.RNN``, after a ``Dropout`` layer when ``dropout > 0``
    (a plugin cell need not implement dropout itself).
    """
    fused = cell.fused_layer
    if fused is not None:
        seeded = {}
        if seed is not None:
            seeded = {
                "kernel_initializer": keras.initializers.GlorotUniform(seed=seed),
                "recurrent_initializer": keras.initializers.Orthogonal(seed=seed + 1),
                "seed": seed + 2,
            }
        layer = getattr(keras.layers, fused)
        return [
            layer(
                units,
                return_sequences=return_sequences,
                dropout=dropout,
                **{**seeded, **cell_kwargs},
            )
        ]
    dropout_layers = [keras.layers.Dropout(dropout, seed=seed)] if dropout else []
    rnn = keras.layers.RNN(
        cell.factory(units, **cell_kwargs), return_sequences=return_sequences
    )
    return [*dropout_layers, rnn]
