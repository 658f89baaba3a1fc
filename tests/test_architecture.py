"""The layout of docs/architecture.md, checked: imports go only downward, private names stay in
their module, every cited reference exists, and ``import bea`` loads nothing heavy."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bea"

#: bottom to top; a module may import from its own layer and the layers below (docs/architecture.md)
LAYERS = [
    {"errors", "exact", "expressions", "progress", "printable", "references"},
    {"algebra"},
    {"schemes"},
    {"result"},
    {"engine"},
    {"concrete"},
    {"analysis"},
    {"models"},
    {"printing"},
    {"papers"},
    {"cli", "__init__", "__main__", "jax"},
]


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{module} is in no layer of docs/architecture.md")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path, parts[-1] == "__init__"


def _imports(name: str, path: Path, is_package: bool, top_level: bool):
    """``(line, imported module, names)`` for every relative import (module level only, or all)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level else list(ast.walk(tree))
    package = name.split(".") if is_package else name.split(".")[:-1]
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            yield node.lineno, target, [a.name for a in node.names]


def test_module_level_imports_only_go_downward():
    upward = []
    for name, path, is_package in _modules():
        for line, target, _ in _imports(name, path, is_package, top_level=True):
            if target != "bea" and _layer(target) > _layer(name if name != "bea" else "bea.__init__"):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not upward, upward


#: the only upward imports: thin delegates inside functions, loaded when called (docs/architecture.md)
DELEGATES = {
    "bea.printable": {"bea.printing"},                                  # to_text / to_latex / to_json
    "bea.algebra.trees": {"bea.printing.trees"},                        # Tree.draw / Tree.to_tikz
    "bea.result": {"bea.concrete.problem", "bea.concrete.evaluate", "bea.concrete.codegen", "bea.analysis.stability"},
    "bea.analysis.validate": {"bea.printing.notation"},                 # Validation.__repr__
}


def test_upward_imports_are_only_the_documented_delegates():
    extra = []
    for name, path, is_package in _modules():
        for line, target, _ in _imports(name, path, is_package, top_level=False):
            if target != "bea" and _layer(target) > _layer(name if name != "bea" else "bea.__init__"):
                if target not in DELEGATES.get(name, set()):
                    extra.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not extra, extra


def test_no_private_name_is_imported_from_another_module():
    private = []
    for name, path, is_package in _modules():
        for line, target, names in _imports(name, path, is_package, top_level=False):
            for imported in names:
                if imported.startswith("_") and not imported.startswith("__"):
                    private.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}.{imported}")
    assert not private, private


def test_every_cited_reference_is_in_the_bibliography():
    from bea.references import REFERENCES

    cited = set()
    for _, path, _ in _modules():
        cited |= set(re.findall(r"\[([A-Z][A-Za-z]+\d\d)[,\]]", path.read_text()))
    assert cited, "no docstring cites a reference"
    assert cited <= set(REFERENCES), sorted(cited - set(REFERENCES))


def test_the_references_page_is_generated_from_the_bibliography():
    from bea.references import markdown

    assert (PACKAGE.parent / "docs" / "references.md").read_text() == markdown()


def test_import_bea_loads_no_numerical_library():
    code = ("import sys, bea; heavy = [m for m in ('sympy', 'numpy', 'scipy', 'mpmath', 'jax', 'diffrax') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", __import__("bea").__all__)
def test_every_public_name_loads(name):
    import bea

    assert getattr(bea, name) is not None
