"""The layers of docs/architecture.md, checked on every module's imports (read, not run)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def imports(path: Path) -> frozenset[str]:
    """Every module ``path`` imports, anywhere in the file (top level or inside functions);
    each file is parsed once for all the checks."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return frozenset(found)


def modules(*parts: str) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        path = ROOT / part
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in paths
        for name in sorted(imports(p))
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        (("foods",), ("planner", "ui", "streamlit")),
        (
            ("planner/domain",),
            ("planner.optimiser", "planner.outputs", "planner.store", "planner.services"),
        ),
        (("planner/outputs",), ("planner.optimiser", "planner.store", "planner.services")),
        (("planner/optimiser",), ("planner.outputs", "planner.store", "planner.services")),
        (("planner",), ("streamlit", "ui")),
        (("app.py", "ui", "planner/cli"), ("planner.store", "planner.optimiser")),
    ],
)
def test_imports_run_one_way(layer: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    assert offending(modules(*layer), forbidden) == []


def test_only_the_optimiser_imports_pulp_or_highspy() -> None:
    others = [p for p in modules("planner", "foods", "ui", "app.py") if "optimiser" not in p.parts]
    assert offending(others, ("pulp", "highspy")) == []
    assert offending(modules("planner/optimiser"), ("pulp",))  # the check can see an import
