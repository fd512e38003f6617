"""Both languages all the way: Qt's own buttons in Chinese, importer reasons and plurals in
English, and an English queue with nothing cut off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from desktop_app.config import RESOURCES_DIR
from desktop_app.domain.vocabulary import INTENTS, TicketStatus
from desktop_app.services.container import Services
from desktop_app.ui.common.formatting import intent_name, status_name
from desktop_app.ui.common.import_reasons import import_reason_text
from desktop_app.ui.common.reasons import reasons_text

QM_FILE = RESOURCES_DIR / "i18n" / "aftersales_en.qm"


@pytest.fixture
def english(qtbot):
    app = QApplication.instance()
    translator = QTranslator()
    assert translator.load(str(QM_FILE))
    app.installTranslator(translator)
    yield translator
    app.removeTranslator(translator)


def test_qt_own_strings_are_chinese_in_the_chinese_ui(qtbot):
    from desktop_app.ui.app import install_translation

    app = QApplication.instance()
    before = QLocale()
    translator = install_translation(app, "zh")
    try:
        assert translator is not None, "qtbase_zh_CN.qm was not loaded"
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(buttons)
        texts = {button.text().replace("&", "") for button in buttons.buttons()}
        assert "取消" in "".join(texts) and "Cancel" not in "".join(texts)
        box = QMessageBox()
        qtbot.addWidget(box)
        box.setDetailedText("…")
        box.show()
        from PySide6.QtWidgets import QPushButton

        labels = [b.text() for b in box.findChildren(QPushButton)]
        assert not any("Show Details" in text for text in labels) and any("显示详情" in text for text in labels)
    finally:
        if translator is not None:
            app.removeTranslator(translator)
        QLocale.setDefault(before)


def test_importer_reasons_in_both_languages(english):
    assert import_reason_text("missing text") == "missing text"
    stamp = "time out of range: 1e+20 (expected 1970–10000)"
    assert import_reason_text(stamp) == stamp


def test_importer_reasons_are_chinese_in_the_chinese_ui(qtbot):
    assert import_reason_text("missing text") == "没有工单内容"
    assert import_reason_text("time out of range: 1e+20 (expected 1970–10000)") == "时间超出范围：1e+20（应在 1970–10000 年之间）"
    assert import_reason_text("text is longer than 20000 characters") == "text 超过 20000 个字符"
    assert import_reason_text("something new") == "something new"  # unknown shapes as written


def test_plurals_in_english(main_window, english, qtbot):
    panel = main_window.queue_panel
    panel._on_page_loaded(1, 0, 1)
    assert panel.total_label.text() == "1 ticket"
    panel._on_page_loaded(2, 0, 1)
    assert panel.total_label.text() == "2 tickets"


def test_english_queue_cuts_off_no_header_or_name(qtbot, demo_db, demo_agent, english):
    from desktop_app.ui.workstation.main_window import MainWindow
    from tests.ui.conftest import close_window

    window = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    try:
        table = window.queue_panel.table
        header = table.horizontalHeader()
        model = window.queue_model
        for column in range(model.columnCount()):
            assert header.sectionSize(column) >= header.sectionSizeFromContents(column).width(), model.columns[column].title
        metrics = table.fontMetrics()
        keys = [c.key for c in model.columns]
        longest_status = max((status_name(s.value) for s in TicketStatus), key=metrics.horizontalAdvance)
        longest_intent = max((intent_name(i) for i in INTENTS), key=metrics.horizontalAdvance)
        assert longest_status == "Waiting for customer"
        assert header.sectionSize(keys.index("status")) > metrics.horizontalAdvance(longest_status)
        assert header.sectionSize(keys.index("intent")) > metrics.horizontalAdvance(longest_intent)
    finally:
        close_window(qtbot, window)


def test_flag_reasons_are_english_in_the_english_ui(english):
    text = reasons_text(["负面情绪 0.93", "投诉意图 0.81", "触发词：「投诉」"])
    assert "负面" not in text and "意图" not in text and "触发词" not in text
    assert QCoreApplication.translate("FlagReasons", "；") != "；"


def test_count_axes_show_whole_numbers(qtbot):
    from desktop_app.ui.supervisor.charts import BarChart, whole_ticks

    for horizontal, axis_name in ((False, "left"), (True, "bottom")):
        chart = BarChart("counts", horizontal=horizontal)
        qtbot.addWidget(chart)
        chart.set_bars(["a", "b"], [1, 3])
        levels = chart.getPlotItem().getAxis(axis_name)._tickLevels  # the ticks the axis draws
        assert levels and [value for value, _ in levels[0]] == [0, 1, 2, 3]
        assert all(label == str(int(value)) for value, label in levels[0])
    assert whole_ticks(1234 * 1.2) == [0, 500, 1000]
    assert whole_ticks(13) == [0, 5, 10]
