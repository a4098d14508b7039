"""The ``rnnkit`` command line: ``rnnkit compare``, ``forecast`` and ``plugins``.

:func:`main` is the entry point (the ``rnnkit`` console script and
``python -m rnnkit``); each subcommand is a module of this package.
"""

from ._common import UsageError
from ._main import main

__all__ = ["UsageError", "main"]
