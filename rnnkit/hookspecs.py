"""The hooks rnnkit plugins implement.

A plugin is a module with functions marked ``@rnnkit.hookimpl`` whose names and
arguments match the specifications below. Arguments may be added to a hook in
later versions, never removed or renamed: an implementation takes only the
arguments it names, so plugins written today keep working.
"""

import pluggy

hookspec = pluggy.HookspecMarker("rnnkit")
hookimpl = pluggy.HookimplMarker("rnnkit")


@hookspec
def register_cells(register):
    """Register recurrent cells that ``RNNForecaster(cell=...)`` can use.

    Call ``register(name, cell, *, description="")`` once per cell, where
    ``cell`` is a Keras RNN cell class, or any callable
    ``cell(units, **cell_kwargs)`` that returns a cell: an object with
    ``state_size``, ``output_size`` and ``call(inputs, states, training=False)``
    returning ``(output, new_states)``.
    """
