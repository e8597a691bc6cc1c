"""The package layout is the architecture (docs/architecture.md): imports flow one way only.

Each folder of kamlib/ is a layer; a module imports only from its own layer or the layers before
it, and never another module's underscore names (shared helpers are public names of a small
module). The check reads every import statement, including those inside functions.
"""

import ast
from pathlib import Path

import pytest

import kamlib

PACKAGE = Path(kamlib.__file__).resolve().parent

#: The layers in order; a module may import from its own layer or an earlier one.
LAYERS = [
    {"errors", "schema", "window", "cells", "bundled", "language", "catalogues"},
    {"load"},
    {"portfolio"},
    {"account"},
    {"words", "plots"},
    {"report"},
    {"widgets"},
    {"run"},
    {"cli"},
]


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "kamlib" or len(parts) == 1:
        return None  # the top-level package re-exports everything and is nobody's dependency
    for rank, names in enumerate(LAYERS):
        if parts[1] in names:
            return rank
    raise AssertionError(f"{module}: not in any layer of tests/test_layers.py")


def _imports():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        module = ".".join(("kamlib", *rel.parts)).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("kamlib")
            ):
                yield module, node.module, [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("kamlib"):
                        yield module, alias.name, []


def test_every_module_is_in_a_layer():
    for module, target, _ in _imports():
        _layer(module), _layer(target)


def test_imports_flow_one_way():
    upward = [
        f"{module} imports {target}"
        for module, target, _ in _imports()
        if _layer(module) is not None
        and _layer(target) is not None
        and _layer(target) > _layer(module)
    ]
    assert upward == []


def test_no_module_imports_another_modules_private_names():
    private = [
        f"{module} imports {target}.{name}"
        for module, target, names in _imports()
        for name in names
        if name.startswith("_") and target != module
    ]
    assert private == []


@pytest.mark.parametrize("module", ["kamlib.run.cluster", "kamlib.run.pool"])
def test_the_worker_pool_does_not_import_the_orchestration(module):
    """The pool is shared by local and dask runs; neither imports run/render.py."""
    targets = {t for m, t, _ in _imports() if m == module}
    assert "kamlib.run.render" not in targets
