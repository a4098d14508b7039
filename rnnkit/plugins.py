"""The plugin manager: cell plugins found through entry points, once, on first use.

A plugin is a distribution with an entry point in the ``rnnkit`` group that
names a module implementing the hooks of :mod:`rnnkit.hookspecs`. Nothing is
loaded when rnnkit is imported; the first use of a cell name (or of
:func:`list_cells`) loads the plugins, once per process.

Environment variables:

- ``RNNKIT_LOAD_PLUGINS``: unset loads every installed plugin; empty loads none;
  a comma-separated list of distribution names loads only those.
- ``RNNKIT_STRICT_PLUGINS=1``: a plugin that fails raises :class:`PluginError`
  instead of being dropped with a warning.
"""

import importlib.metadata
import os
import threading
import warnings

import pluggy

from . import _default_cells, hookspecs
from ._cells import BUILTIN_DISTRIBUTION, CellInfo, CellRegistry, RegisteredCell
from ._keras import import_keras, quiet_tensorflow_startup
from ._version import __version__

ENTRY_POINT_GROUP = "rnnkit"
LOAD_ENV = "RNNKIT_LOAD_PLUGINS"
STRICT_ENV = "RNNKIT_STRICT_PLUGINS"

_lock = threading.Lock()
_loaded = None  # (PluginManager, CellRegistry) once loaded


class PluginError(RuntimeError):
    """A plugin failed to load, in strict mode (``RNNKIT_STRICT_PLUGINS=1``)."""


class PluginWarning(UserWarning):
    """A plugin failed to load and was dropped; rnnkit keeps working without it."""


def get_plugin_manager() -> pluggy.PluginManager:
    """Return the pluggy ``PluginManager``, loading plugins on first call."""
    return _load()[0]


def cell_registry() -> CellRegistry:
    """Return the cell registry, loading plugins on first call."""
    return _load()[1]


def resolve_cell(name: str) -> RegisteredCell:
    """Return the registered cell for ``name``, or raise a ValueError saying why."""
    return cell_registry().resolve(name)


def available_cells() -> list[str]:
    """Return the sorted names ``cell`` accepts, plugins included."""
    return cell_registry().names()


def list_cells() -> dict[str, CellInfo]:
    """List the recurrent cells ``RNNForecaster(cell=...)`` accepts.

    Returns
    -------
    cells : dict
        Maps each cell name to a ``CellInfo(distribution, version,
        description)``. A name two plugins share appears only qualified, as
        ``"<distribution>:<name>"``.

    Examples
    --------
    >>> import rnnkit
    >>> rnnkit.list_cells()["lstm"].distribution
    'rnnkit'
    """
    return dict(sorted(cell_registry().info().items()))


def _load():
    global _loaded
    with _lock:
        if _loaded is None:
            manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
            manager.add_hookspecs(hookspecs)
            manager.register(_default_cells, name=BUILTIN_DISTRIBUTION)
            with quiet_tensorflow_startup():  # plugins may import Keras
                for entry_point in _selected_entry_points():
                    _register_entry_point(manager, entry_point)
            _loaded = manager, _collect_cells(manager)
        return _loaded


def _reset():
    """Forget loaded plugins, so the next use loads them again (for tests)."""
    global _loaded
    with _lock:
        _loaded = None


def _selected_entry_points():
    wanted = os.environ.get(LOAD_ENV)
    entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    if wanted is not None:
        names = {_normalise(name) for name in wanted.split(",") if name.strip()}
        entry_points = [
            ep for ep in entry_points if _normalise(_dist_name(ep)) in names
        ]
    # Sorted, so that the outcome never depends on the order of installation.
    return sorted(entry_points, key=lambda ep: (_normalise(_dist_name(ep)), ep.name))


def _register_entry_point(manager, entry_point):
    distribution = _dist_name(entry_point)
    try:
        plugin = entry_point.load()
        manager.register(plugin, name=f"{distribution}:{entry_point.name}")
    except Exception as error:  # a broken plugin must not break rnnkit
        _report(distribution, f"failed to load: {type(error).__name__}: {error}")


def _collect_cells(manager):
    registry = CellRegistry()
    for impl in sorted(
        manager.hook.register_cells.get_hookimpls(),
        key=lambda impl: manager.get_name(impl.plugin),
    ):
        distribution = manager.get_name(impl.plugin).split(":")[0]
        register = _register_function(registry, distribution)
        # Pass only the arguments the implementation names: hooks may gain
        # arguments in later versions without breaking older plugins.
        arguments = {"register": register}
        try:
            impl.function(**{k: v for k, v in arguments.items() if k in impl.argnames})
        except Exception as error:
            registry.drop_distribution(distribution)
            _report(
                distribution,
                f"raised in register_cells: {type(error).__name__}: {error}",
            )
    return registry


def _register_function(registry, distribution):
    version = _version(distribution)

    def register(name, cell, *, description=""):
        entry = RegisteredCell(name, cell, distribution, version, str(description))
        builtin = distribution == BUILTIN_DISTRIBUTION
        try:
            registry.add(entry, _builtin_cell if builtin else _check_cell_contract)
        except Exception as error:
            _report(distribution, f"cell {name!r} was refused: {error}")

    return register


def _builtin_cell(entry):
    """A built-in cell, with the Keras names its factory carries."""
    cell = entry.factory
    return entry._replace(keras_name=cell.keras_name, fused_layer=cell.fused_layer)


def _check_cell_contract(entry):
    """Build the cell once: it has what keras.layers.RNN needs, and Keras knows it.

    Returns the entry with the cell class's Keras registered name. A cell class
    Keras cannot rebuild (not registered with its serializer) is refused: a
    Keras model holding it could not be loaded again. rnnkit does not register
    it on the plugin's behalf.
    """
    cell = entry.factory(4)
    missing = [a for a in ("state_size", "output_size", "call") if not hasattr(cell, a)]
    if missing:
        raise TypeError(f"the cell it builds has no {', '.join(missing)}")
    keras, cell_class = import_keras(), type(cell)
    registered = keras.saving.get_registered_name(cell_class)
    if keras.saving.get_registered_object(registered) is not cell_class:
        raise TypeError(
            f"Keras cannot rebuild its cell class {cell_class.__name__}: decorate "
            "it with @keras.saving.register_keras_serializable(package=...)"
        )
    return entry._replace(keras_name=registered)


def _report(distribution, reason):
    message = f"rnnkit plugin {distribution!r} {reason}"
    if os.environ.get(STRICT_ENV, "").lower() in {"1", "true", "yes"}:
        raise PluginError(message)
    warnings.warn(f"{message}; it was skipped.", PluginWarning, stacklevel=3)


def _dist_name(entry_point):
    return entry_point.dist.name if entry_point.dist is not None else entry_point.name


def _normalise(name):
    return name.strip().lower().replace("_", "-")


def _version(distribution):
    if distribution == BUILTIN_DISTRIBUTION:
        return __version__
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
