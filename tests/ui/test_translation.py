"""The English translation: complete, compiled, in step with the Chinese source strings.

Regenerate with ``scripts/update_translations.sh`` after changing any ``tr()`` string.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from desktop_app.config import RESOURCES_DIR
from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS, STATUS_NAMES_ZH

REPO_ROOT = Path(__file__).resolve().parents[2]
TS_FILE = RESOURCES_DIR / "i18n" / "aftersales_en.ts"
QM_FILE = RESOURCES_DIR / "i18n" / "aftersales_en.qm"
PLACEHOLDER = re.compile(r"%\d+")


def _messages(ts_path: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <translation> element) for every message of a .ts file."""
    root = ET.parse(ts_path).getroot()
    found = []
    for context in root.iter("context"):
        name = context.findtext("name", default="")
        for message in context.iter("message"):
            found.append((name, message.findtext("source", default=""), message.find("translation")))
    return found


def _pairs(ts_path: Path) -> set[tuple[str, str]]:
    return {(context, source) for context, source, _ in _messages(ts_path)}


@pytest.fixture
def english_translator(qtbot):
    app = QApplication.instance()
    translator = QTranslator()
    assert translator.load(str(QM_FILE)), f"cannot load {QM_FILE}"
    app.installTranslator(translator)
    yield translator
    app.removeTranslator(translator)


def test_qm_loads_and_translates(english_translator):
    assert english_translator.translate("ReplyEditor", "发送") == "Send"
    assert QCoreApplication.translate("ReplyEditor", "发送") == "Send"
    assert QCoreApplication.translate("Formatting", "待客户回复") == "Waiting for customer"


def test_every_message_has_a_finished_translation_with_the_same_placeholders():
    messages = _messages(TS_FILE)
    assert messages, "the .ts file holds no messages"
    problems = []
    for context, source, translation in messages:
        text = translation.text if translation is not None else None
        forms = [form.text or "" for form in translation.iter("numerusform")] if translation is not None else []
        if forms:  # a plural (``tr(text, "", n)``): every form translated, each with %n
            if translation.get("type") is not None or not all(f.strip() and "%n" in f for f in forms):
                problems.append(f"{context}: {source!r} has an untranslated plural form")
            continue
        if translation is None or translation.get("type") is not None or not (text or "").strip():
            problems.append(f"{context}: {source!r} is not translated")
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"{context}: {source!r} -> {text!r} changes the placeholders")
    assert not problems, "\n".join(problems)


def test_ts_file_is_up_to_date_with_the_sources(tmp_path):
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        lupdate_on_path = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
        if lupdate_on_path is None:
            pytest.skip(f"pyside6-lupdate not found next to {sys.executable}")
        lupdate = Path(lupdate_on_path)
    scratch = tmp_path / "aftersales_en.ts"
    shutil.copyfile(TS_FILE, scratch)
    sources = sorted(str(p) for p in (REPO_ROOT / "desktop_app" / "ui").rglob("*.py"))
    result = subprocess.run(
        [str(lupdate), *sources, "-ts", str(scratch), "-no-obsolete", "-silent"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    committed, current = _pairs(TS_FILE), _pairs(scratch)
    assert current == committed, (
        "resources/i18n/aftersales_en.ts is stale; run scripts/update_translations.sh and translate. "
        f"new: {sorted(current - committed)}, gone: {sorted(committed - current)}"
    )


def test_translatable_names_match_the_domain():
    from desktop_app.ui.common.formatting import TRANSLATABLE_NAMES

    domain_names = set(STATUS_NAMES_ZH.values()) | set(INTENTS.values()) | set(SENTIMENTS.values())
    assert set(TRANSLATABLE_NAMES) == domain_names


def test_reply_editor_in_english(qtbot, english_translator):
    from desktop_app.ui.drafting.reply_editor import ReplyEditor

    editor = ReplyEditor()
    qtbot.addWidget(editor)
    assert editor.send_button.text() == "Send"
