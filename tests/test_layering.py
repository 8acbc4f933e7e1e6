"""The packages import downwards only: the CLI on top of flows, flows on the stages, the
stages on nianbao's records, form, errors and settings, which import no stage (issue 14)."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

# package → the packages of this repository it must never import
FORBIDDEN = {
    "nianbao": {"cli", "flows", "warehouse", "extract", "expectations", "corpus"},
    "extract": {"cli", "flows", "warehouse", "expectations", "corpus"},
    "expectations": {"cli", "flows", "warehouse", "extract", "corpus"},
    "warehouse": {"cli", "flows", "extract", "expectations", "corpus"},
    "flows": {"cli", "corpus"},
}


def _imported(path: str) -> set[str]:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path",
    sorted(str(p.relative_to(REPO)) for pkg in FORBIDDEN for p in (REPO / pkg).rglob("*.py")),
)
def test_a_module_imports_no_package_above_it(path: str) -> None:
    package = path.split("/")[0]
    assert not _imported(path) & FORBIDDEN[package]


# What a stage may build when its module is imported: compiled patterns and frozen constants.
# Anything with a lifetime (a connection, a GX context, an OCR engine, a client) is an object
# its owner creates and passes on (issue 14).
CONSTANT_MAKERS = {"re.compile", "frozenset", "tuple", "TypeVar", "Protego.parse", "np.array"}
CONSTANT_MAKERS |= {"len", "_rows"}  # extract/labels.py builds its label tables from literals


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(REPO))
        for pkg in ("extract", "expectations", "warehouse")
        for p in (REPO / pkg).rglob("*.py")
    ),
)
def test_a_stage_keeps_no_state_in_its_modules(path: str) -> None:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    made = [
        ast.unparse(node.value.func)
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call)
    ]
    assert not set(made) - CONSTANT_MAKERS
    cached = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any("cache" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert cached == []
    assert not any(isinstance(node, ast.Global) for node in ast.walk(tree))
