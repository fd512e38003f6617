"""Promise marks in the reply box: underlined sentences, their tooltip, the count in the strip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from desktop_app.config import RESOURCES_DIR
from desktop_app.nlp.drafting.guard import UNSUPPORTED_NOTE, promise_check
from desktop_app.ui.drafting.draft_bar import DraftBar
from desktop_app.ui.drafting.draft_presenter import new_seed
from desktop_app.ui.drafting.reply_editor import ReplyEditor

DRAFT = "亲，这边保证明天给您全额返现。另外运费我们一定承担。其他问题随时联系我们。"


@pytest.fixture
def editor(qtbot) -> ReplyEditor:  # type: ignore[no-untyped-def]
    editor = ReplyEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.show_draft(DRAFT)
    return editor


def _spans(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in promise_check(text, ())]


def _move_to(editor: ReplyEditor, position: int) -> None:
    cursor = editor.text_edit.textCursor()
    cursor.setPosition(position)
    editor.text_edit.setTextCursor(cursor)


def test_marks_underline_the_sentences_without_changing_the_text(editor: ReplyEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(editor.marksChanged) as changed:
        editor.set_marks(_spans(DRAFT))
    assert changed.args == [2]
    assert editor.text == DRAFT and not editor.dirty and editor.draft_mode  # not an edit
    selections = editor.text_edit.extraSelections()
    assert [s.cursor.selectedText() for s in selections] == ["亲，这边保证明天给您全额返现。", "另外运费我们一定承担。"]
    for selection in selections:
        assert selection.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
        assert selection.format.underlineColor().name() == "#d92d20"
    assert editor.mark_note == UNSUPPORTED_NOTE


def test_hovering_a_marked_sentence_shows_the_note(editor: ReplyEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor.set_marks(_spans(DRAFT))
    viewport = editor.text_edit.viewport()

    def hover(index: int) -> None:
        cursor = QTextCursor(editor.text_edit.document())
        cursor.setPosition(index)
        point = editor.text_edit.cursorRect(cursor).center() + QPoint(1, 0)
        QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))

    hover(DRAFT.index("返现"))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == UNSUPPORTED_NOTE, timeout=3000)
    hover(DRAFT.index("随时") + 1)
    qtbot.waitUntil(lambda: not QToolTip.isVisible() or QToolTip.text() != UNSUPPORTED_NOTE, timeout=3000)


def test_an_edit_inside_a_sentence_removes_its_mark_only(editor: ReplyEditor) -> None:
    editor.set_marks(_spans(DRAFT))
    counts: list[int] = []
    editor.marksChanged.connect(counts.append)
    _move_to(editor, DRAFT.index("其他"))  # a new sentence between the two marked ones is not an edit of them
    editor.text_edit.insertPlainText("运费险已生效。")
    _move_to(editor, 0)
    editor.text_edit.insertPlainText("您好，")  # typing before a sentence moves its mark along
    assert editor.marked_sentences == ["亲，这边保证明天给您全额返现。", "另外运费我们一定承担。"]
    assert [s.cursor.selectedText() for s in editor.text_edit.extraSelections()] == editor.marked_sentences
    assert counts == []
    _move_to(editor, editor.text.index("一定"))
    editor.text_edit.textCursor().deleteChar()
    assert editor.marked_sentences == ["亲，这边保证明天给您全额返现。"] and counts == [1]
    cursor = editor.text_edit.textCursor()
    cursor.setPosition(editor.text.index("全额"))
    cursor.setPosition(editor.text.index("全额") + 2, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("部分")  # replacing as many characters as it removes is still an edit
    assert editor.marked_sentences == [] and counts == [1, 0]
    assert editor.text_edit.extraSelections() == []


def test_marks_follow_qt_positions_past_an_emoji(editor: ReplyEditor) -> None:
    text = "亲😊，这边保证明天给您全额返现。其他问题随时联系我们。"
    editor.show_draft(text)
    editor.set_marks(_spans(text))
    assert [s.cursor.selectedText() for s in editor.text_edit.extraSelections()] == ["亲😊，这边保证明天给您全额返现。"]


def test_loading_other_text_clears_the_marks(editor: ReplyEditor) -> None:
    editor.set_marks(_spans(DRAFT))
    editor.load("另一张工单的草稿")
    assert editor.marked_sentences == [] and editor.text_edit.extraSelections() == []


def test_the_strip_counts_the_marks_of_a_shown_draft(qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = DraftBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_state(DraftBar.STREAMING)
    bar.set_unsupported(2)
    assert not bar.promise_label.isVisible()  # counted once the draft is there
    bar.set_state(DraftBar.MARKED)
    assert bar.promise_label.isVisible() and bar.promise_label.text() == "2 句承诺无依据"
    bar.set_state(DraftBar.ACCEPTED)  # taken as it is: the unsupported sentences are still there
    bar.set_unsupported(1)
    assert bar.promise_label.isVisible() and bar.promise_label.text() == "1 句承诺无依据"
    bar.set_unsupported(0)
    assert not bar.promise_label.isVisible()
    bar.set_unsupported(3)
    bar.set_state(DraftBar.IDLE)
    assert not bar.promise_label.isVisible()


@pytest.fixture
def english(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(RESOURCES_DIR / "i18n" / "aftersales_en.qm"))
    QApplication.instance().installTranslator(translator)
    yield translator
    QApplication.instance().removeTranslator(translator)


def test_marks_and_count_in_english(qtbot, english) -> None:  # type: ignore[no-untyped-def]
    bar = DraftBar()
    qtbot.addWidget(bar)
    bar.set_state(DraftBar.MARKED)
    bar.set_unsupported(1)
    assert bar.promise_label.text() == "1 unsupported promise"
    bar.set_unsupported(2)
    assert bar.promise_label.text() == "2 unsupported promises"
    editor = ReplyEditor()
    qtbot.addWidget(editor)
    assert editor.mark_note == "No support found in the knowledge base"


def test_regenerated_drafts_get_fresh_seeds() -> None:
    assert len({new_seed() for _ in range(20)}) > 1
