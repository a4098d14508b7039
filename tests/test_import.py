import subprocess
import sys

import rnnkit


def test_import_rnnkit_does_not_import_tensorflow_or_keras():
    code = (
        "import sys, rnnkit, rnnkit.datasets;"
        "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_public_names_are_sorted_and_importable():
    assert rnnkit.__all__ == sorted(rnnkit.__all__)
    for name in rnnkit.__all__:
        assert hasattr(rnnkit, name)
