import ast
import subprocess
import sys
from pathlib import Path

import pytest

import rnnkit

pytestmark = pytest.mark.backend_independent  # see tests/conftest.py


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


def _module_imports():
    """Map each rnnkit module to the rnnkit modules it imports (relative imports)."""
    root = Path(rnnkit.__file__).parent
    graph = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0]
                target = f"{base}.{node.module}" if node.module else base
                graph[module] |= {target, *(f"{target}.{a.name}" for a in node.names)}
    return {
        m: {d for d in deps if d in graph and d != "rnnkit"}
        for m, deps in graph.items()
    }


def test_library_modules_import_each_other_without_circles():
    graph = _module_imports()
    done, path = set(), []

    def visit(module):
        assert module not in path, " -> ".join([*path, module])
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
