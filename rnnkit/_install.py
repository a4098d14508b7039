"""What to install, said both ways: from a package index and from a clone.

rnnkit's first-party plugins live in ``plugins/`` of its repository; until
they are published, ``pip install rnnkit-layernorm`` cannot work from a
clone, so every message that names one also gives the command that does.
"""

FIRST_PARTY_PLUGINS = ("rnnkit-layernorm", "rnnkit-peephole")


def install_command(distribution):
    """``pip install DISTRIBUTION``, and for a first-party plugin, from a clone.

    Examples
    --------
    >>> install_command("rnnkit-mycell")
    'pip install rnnkit-mycell'
    >>> install_command("rnnkit-layernorm")
    'pip install rnnkit-layernorm, or from a clone of rnnkit: pip install -e plugins/rnnkit-layernorm'
    """  # noqa: E501
    command = f"pip install {distribution}"
    if distribution in FIRST_PARTY_PLUGINS:
        command += f", or from a clone of rnnkit: pip install -e plugins/{distribution}"
    return command


def install_extra(extra):
    """The commands that install rnnkit's optional dependencies ``extra``.

    Examples
    --------
    >>> install_extra("plot")
    'pip install "rnnkit[plot]", or from a clone of rnnkit: pip install -e ".[plot]"'
    """
    return (
        f'pip install "rnnkit[{extra}]", or from a clone of rnnkit: '
        f'pip install -e ".[{extra}]"'
    )
