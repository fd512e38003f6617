"""Layering: import-linter's contracts from pyproject.toml, plus a plain AST check of the
two rules that matter most (Qt only in ``ui``, torch only in ``training``)."""

from __future__ import annotations

import ast
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "desktop_app"
QT_MODULES = {"PySide6", "shiboken6"}
TORCH_MODULES = {"torch", "transformers"}


@pytest.fixture
def restore_global_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """lint_imports puts the cwd on sys.path and reconfigures logging with dictConfig, which
    disables every logger that exists; undo both so later tests see the usual setup."""
    monkeypatch.chdir(REPO)
    saved_path = list(sys.path)
    manager = logging.root.manager
    saved = {
        name: (logger.disabled, list(logger.handlers), logger.level, logger.propagate)
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for name, logger in list(manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            if name in saved:
                logger.disabled, logger.handlers[:], logger.level, logger.propagate = (
                    saved[name][0],
                    saved[name][1],
                    saved[name][2],
                    saved[name][3],
                )
            else:
                logger.disabled = False
                for handler in list(logger.handlers):
                    logger.removeHandler(handler)


def test_import_linter_contracts_are_kept(restore_global_state: None) -> None:
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_import_linter_reports_a_broken_contract(
    restore_global_state: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The harness above can fail: a contract the code certainly breaks is reported."""
    from importlinter.cli import lint_imports

    config = tmp_path / "broken.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_package = "desktop_app"\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "services may not use the store (false on purpose)"\n'
        'type = "forbidden"\n'
        'source_modules = ["desktop_app.services"]\n'
        'forbidden_modules = ["desktop_app.store"]\n'
    )
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out
    assert "desktop_app.services.tickets -> desktop_app.store" in out


def imported_roots(source: str) -> set[str]:
    """Top-level names of every absolute import, wherever it is (module level, in functions,
    under ``if``), including ``importlib.import_module("x")`` and ``__import__("x")``."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                roots.add(node.args[0].value.split(".")[0])
    return roots


def _modules_outside(subpackage: str) -> list[Path]:
    excluded = PACKAGE / subpackage
    files = [p for p in PACKAGE.rglob("*.py") if excluded not in p.parents]
    assert files, "no modules found: the walk is looking in the wrong place"
    return files


def test_imported_roots_sees_every_kind_of_import() -> None:
    source = (
        "import os.path\n"
        "from PySide6.QtCore import Qt\n"
        "from . import sibling\n"
        "def later():\n"
        "    import torch.nn as nn\n"
        "    if True:\n"
        "        from transformers import AutoModel\n"
        "    importlib.import_module('shiboken6.Shiboken')\n"
        "    __import__('onnxruntime')\n"
    )
    assert imported_roots(source) == {"os", "PySide6", "torch", "transformers", "shiboken6", "onnxruntime"}


def test_qt_only_in_ui() -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_roots(path.read_text(encoding="utf-8")) & QT_MODULES)
        for path in _modules_outside("ui")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_torch_only_in_training() -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_roots(path.read_text(encoding="utf-8")) & TORCH_MODULES)
        for path in _modules_outside("training")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ui_is_really_checked_for_qt() -> None:
    """Sanity check of the walk: the ui package, which is excluded above, does use Qt."""
    ui_files = list((PACKAGE / "ui").rglob("*.py"))
    if not ui_files:
        pytest.skip("desktop_app/ui has no modules yet")
    assert any(imported_roots(p.read_text(encoding="utf-8")) & QT_MODULES for p in ui_files)


def _import_cycles() -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), imports inside functions included."""
    import grimp

    graph = grimp.build_graph("desktop_app")
    modules = graph.modules
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    """Not even through an import inside a function: each module can be read on its own."""
    assert _import_cycles() == []
