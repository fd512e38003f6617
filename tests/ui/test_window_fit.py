"""A window that fits the desk it runs on: sized to the screen, remembered, nothing out of reach."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from desktop_app.services.container import Services
from tests.ui.conftest import close_window

SMALL_LAPTOP = (1366, 768 - 40 - 30)  # 1366×768 less a task bar and the title bar


def _rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def _assert_reachable(widget: QWidget, window: QWidget, name: str) -> None:
    assert widget.isVisible(), f"{name} is hidden"
    inside = window.rect()
    where = _rect_in(widget, window)
    assert inside.contains(where), f"{name} at {where} is outside the window {inside}"
    hint = widget.minimumSizeHint()
    assert where.height() >= hint.height() and where.width() >= min(hint.width(), 24), f"{name} is squeezed: {where}"


def test_main_window_fits_the_available_screen(main_window):
    free = main_window.screen().availableGeometry()
    assert main_window.width() <= free.width() and main_window.height() <= free.height()
    assert main_window.minimumSizeHint().width() <= free.width()
    # A long reason in a banner (a model folder's path) wraps instead of widening the window.
    main_window.drafter_banner.setText("AI草稿已关闭：model folder " + "/very-long-folder-name" * 20 + " does not exist")
    main_window.drafter_banner.show()
    assert main_window.minimumSizeHint().width() <= free.width()


def test_english_main_window_fits_an_800_pixel_screen(qtbot, demo_db, demo_agent):
    """English labels are longer: a long customer name and holder elide instead of widening it."""
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from desktop_app.config import RESOURCES_DIR
    from desktop_app.ui.workstation.main_window import MainWindow

    translator = QTranslator()
    assert translator.load(str(RESOURCES_DIR / "i18n" / "aftersales_en.qm"))
    QApplication.instance().installTranslator(translator)
    window = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
        window.ticket_pane.title.setText("一位名字非常非常长的客户" * 4 + " · 淘宝 · DEMO-0001")
        window.ticket_pane.assignee_label.setText("客服阿杰 正在处理" * 3)
        assert window.ticket_pane.title.is_elided()
        assert window.ticket_pane.title.toolTip().startswith("一位名字")
        assert window.minimumSizeHint().width() <= 800
    finally:
        close_window(qtbot, window)
        QApplication.instance().removeTranslator(translator)


def test_main_window_remembers_its_geometry(qtbot, demo_db, demo_agent, scratch_settings):
    from desktop_app.ui.workstation.main_window import MainWindow

    first = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 530)
    qtbot.waitUntil(lambda: first.width() == 720)
    close_window(qtbot, first)
    assert any(scratch_settings.rglob("*.ini")), "nothing was saved"

    second = MainWindow(Services(demo_db), demo_agent)
    qtbot.addWidget(second)
    second.show()
    try:
        assert (second.width(), second.height()) == (720, 530)
    finally:
        close_window(qtbot, second)


@pytest.mark.parametrize("size", [SMALL_LAPTOP, (1440, 860 - 70)])
def test_everything_is_reachable_on_a_small_laptop(main_window, qtbot, size):
    window = main_window
    pane = window.ticket_pane
    window.tagger_banner.setText("智能标签已停用：找不到模型文件 model.onnx（models/tagger）")
    window.tagger_banner.show()
    window.drafter_banner.setText("AI草稿已关闭：找不到草稿模型")
    window.drafter_banner.show()
    pane.show_banner("这个工单正由 客服阿杰 处理，你不能回复它。" * 2)
    pane.draft_bar.show()
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    qtbot.wait(20)  # one more turn: the layouts settle after the resize
    panel = window.queue_panel
    for name, widget in {
        "Send": pane.editor.send_button,
        "更正 (intent)": pane.intent_button,
        "更正 (sentiment)": pane.sentiment_button,
        "重新生成": pane.draft_bar.regenerate_button,
        "reply box": pane.editor.text_edit,
        "previous page": panel.previous_page,
        "next page": panel.next_page,
        "page label": panel.page_label,
        "total": panel.total_label,
        "tagger banner": window.tagger_banner,
        "drafter banner": window.drafter_banner,
        "ticket banner": pane.banner,
    }.items():
        _assert_reachable(widget, window, name)
    assert pane.editor.text_edit.height() >= 60, "the reply box is too small to write in"


def test_import_dialog_help_text_is_not_clipped(qtbot):
    from desktop_app.ui.dialogs.import_dialog import ImportOptionsDialog

    dialog = ImportOptionsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    hint = dialog.hint
    assert hint.height() >= hint.heightForWidth(hint.width()), "the help text is cut off"
    assert dialog.rect().contains(_rect_in(hint, dialog))
