"""ruff, mypy, bandit and the import-linter contracts (pyproject.toml) run as part of the
suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "kiosk", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependency_rules_hold() -> None:
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_finds_nothing() -> None:
    """Security lint: every finding is fixed or suppressed in place with its reason."""
    result = _run(str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", "kiosk")
    assert result.returncode == 0, result.stdout + result.stderr


def import_cycles() -> list[list[str]]:
    """Sets of kiosk modules that import each other, directly or through others
    (strongly connected components of the import graph, imports inside functions too)."""
    import grimp

    graph = grimp.build_graph("kiosk")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_of_kiosk_imports_itself_back() -> None:
    assert import_cycles() == []


def test_qt_contract_covers_every_module_but_the_ui() -> None:
    """"Only kiosk.ui imports Qt" holds only for the modules the contract lists: every
    package and top-level module of kiosk but kiosk.ui must be among its sources."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (qt,) = [c for c in contracts if c["name"] == "Only ui imports Qt"]
    children = {
        f"kiosk.{path.stem if path.suffix == '.py' else path.name}"
        for path in (ROOT / "kiosk").iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").is_file())
        and path.name != "__init__.py"
    }
    assert children - {"kiosk.ui"} <= set(qt["source_modules"]), sorted(
        children - {"kiosk.ui"} - set(qt["source_modules"])
    )
