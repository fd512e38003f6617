"""The standalone bundle's PyInstaller spec (scripts/bundle/aftersales.spec) carries what the
wheel carries, from folders that exist, and leaves the training stack out. Building the bundle
takes minutes (scripts/build_bundle.sh, scripts/smoke_bundle.sh): it is not part of the tests."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "scripts" / "bundle" / "aftersales.spec"


def _literal(name: str) -> Any:
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {SPEC}")


def test_every_data_entry_exists_in_the_checkout() -> None:
    data = _literal("DATA")
    assert data
    for source, _dest in data:
        assert (ROOT / source).exists(), source


def test_the_runtime_data_lands_where_the_wheel_puts_it() -> None:
    """desktop_app/config.py finds models and resources in desktop_app/_data, frozen or installed."""
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    bundled = dict(_literal("DATA"))
    for source in ("models/tagger", "models/drafter", "models/retriever", "resources/kb", "resources/demo"):
        assert bundled[source] == force_include[source], source
    assert bundled["resources/i18n/aftersales_en.qm"] == force_include["resources/i18n"]
    assert bundled["desktop_app/store/migrations"] == "desktop_app/store/migrations"
    assert (ROOT / "desktop_app" / "store" / "migrations" / "versions").is_dir()


def test_the_training_stack_stays_out() -> None:
    excludes = set(_literal("EXCLUDES"))
    assert {"torch", "transformers", "desktop_app.training"} <= excludes
    assert not excludes & {"onnxruntime", "onnxruntime_genai", "jieba", "tokenizers", "numpy", "PySide6"}


def test_the_entry_point_supports_the_drafter_child_process() -> None:
    """The GUI's drafter runs in a spawned child: frozen, that child is the executable itself."""
    entry = (ROOT / "scripts" / "bundle" / "entry.py").read_text(encoding="utf-8")
    assert entry.index("multiprocessing.freeze_support()") < entry.index("main()")
