"""AI drafts in the reply box: streaming, Stop, typing over a draft, switching tickets, Tab, prefetch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.config import default_kb_dir
from desktop_app.domain.clock import utcnow
from desktop_app.domain.records import MessageRecord
from desktop_app.nlp.drafting.drafter import DraftResult
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.services.container import Services
from desktop_app.services.drafting import DraftingService
from desktop_app.services.drafts import DraftService
from desktop_app.services.tickets import TicketService
from desktop_app.ui.drafting.draft_bar import DraftBar

AGENT = "客服小美"


class GatedDrafter:
    """The toy drafter, held after ``pause_after`` tokens of the tickets in ``held`` until ``gate`` opens."""

    def __init__(self, real, pause_after: int = 3) -> None:  # type: ignore[no-untyped-def]
        self.real = real
        self.pause_after = pause_after
        self.held: set[str] = set()  # external ids
        self.gate = threading.Event()
        self.requests: list[str] = []
        self.seeds: list[int | None] = []

    @property
    def name(self) -> str:
        return self.real.name

    def stream(self, request, cancel=None, max_new_tokens=None, on_token=None, seed=None):  # type: ignore[no-untyped-def]
        self.requests.append(request.request_id)
        self.seeds.append(seed)
        count = 0

        def token(piece: str) -> None:
            nonlocal count
            count += 1
            if on_token is not None:
                on_token(piece)
            if request.request_id in self.held and count == self.pause_after:
                self.gate.wait(10)

        return self.real.stream(request, cancel=cancel, max_new_tokens=max_new_tokens, on_token=token, seed=seed)


class ScriptedDrafter:
    """Writes ``script(request, seed)`` piece by piece: drafts whose words a test knows."""

    name = "scripted"

    def __init__(self, script: Callable[..., str]) -> None:
        self.script = script
        self.calls: list[tuple[str, int | None]] = []  # (external id, seed)

    def stream(self, request, cancel=None, max_new_tokens=None, on_token=None, min_new_tokens=0, seed=None):  # type: ignore[no-untyped-def]
        self.calls.append((request.request_id, seed))
        text = self.script(request, seed)
        for index, piece in enumerate(text):
            if cancel is not None and cancel.is_set():
                return DraftResult(text[:index], text[:index], index, 1.0, 0.1, stopped=True, model=self.name)
            if on_token is not None:
                on_token(piece)
        return DraftResult(text, text, len(text), 1.0, 0.1, model=self.name)


@pytest.fixture
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(default_kb_dir())


@pytest.fixture
def gated(toy_drafter) -> GatedDrafter:  # type: ignore[no-untyped-def]
    drafter = GatedDrafter(toy_drafter)
    yield drafter
    drafter.gate.set()


def _window(qtbot, demo_db, monkeypatch, drafter, kb, prefetch: bool = False):  # type: ignore[no-untyped-def]
    from desktop_app.ui.drafting.draft_controller import DraftController
    from desktop_app.ui.workstation.main_window import MainWindow

    services = Services(demo_db)
    monkeypatch.setattr(
        services, "load_drafting", lambda folder, kb_folder, **_: DraftingService(demo_db, drafter, kb)
    )
    if not prefetch:
        monkeypatch.setattr(DraftController, "prefetch", lambda self, ids, agent: None)
    window = MainWindow(services, _signed_in(demo_db))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 60, timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None and window.drafting.ready, timeout=10000)
    return window


def _stored(db, ticket_id: int):  # type: ignore[no-untyped-def]
    return DraftService(db).load(ticket_id, AGENT)


def _needs_draft_ids(window, demo_db, kb, drafter) -> list[int]:  # type: ignore[no-untyped-def]
    """Tickets of the page, other than the open one, that have no draft and await an answer."""
    service = DraftingService(demo_db, drafter, kb)
    ids = window.queue_model.ticket_ids()
    return [t for t in ids if t != window.ticket_pane.ticket_id and service.needs_draft(t, AGENT)]


def _open(qtbot, window, ticket_id: int) -> None:  # type: ignore[no-untyped-def]
    assert window.queue_panel.select_ticket(ticket_id)
    qtbot.waitUntil(lambda: window.ticket_pane.ticket_id == ticket_id, timeout=5000)


def _close(window) -> None:  # type: ignore[no-untyped-def]
    """Close and wait (event loop running) until the window's shutdown is done."""
    from PySide6.QtCore import QEventLoop, QTimer

    window.close()
    if not window.shut_down:
        loop = QEventLoop()
        window.shutdownFinished.connect(loop.quit)
        QTimer.singleShot(15000, loop.quit)
        loop.exec()
    assert window.shut_down


def _signed_in(db):  # type: ignore[no-untyped-def]
    """客服小美 as a signed-in User (made on first use, after the first supervisor)."""
    from desktop_app.services.access import Role
    from desktop_app.services.accounts import AccountService

    accounts = AccountService(db)
    if not accounts.has_users():
        boss = accounts.add_user("值班主管", "correct horse", Role.SUPERVISOR, actor=None)
        return accounts.add_user(AGENT, "correct horse", Role.AGENT, actor=boss)
    return accounts.authenticate(AGENT, "correct horse")


def test_opening_a_ticket_streams_a_draft_then_shows_the_polished_text(qtbot, demo_db, monkeypatch, toy_drafter, kb):
    window = _window(qtbot, demo_db, monkeypatch, toy_drafter, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, toy_drafter)[0]
    pieces: list[tuple[int, str]] = []
    window.drafting.token.connect(lambda _job, tid, piece: pieces.append((tid, piece)))
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000) as shown:
        _open(qtbot, window, target)
    assert shown.args == [target]
    record = _stored(demo_db, target)
    assert record is not None and record.untouched and record.generated_model == toy_drafter.name
    assert pieces and {tid for tid, _ in pieces} == {target}  # streamed token by token
    assert pane.editor.text == record.body  # the polished result replaced the streamed text
    assert pane.editor.draft_mode and pane.draft_bar.state == DraftBar.MARKED
    assert "Tab" in pane.draft_bar.mark_label.text()
    assert not pane.editor.dirty
    if record.generated_kb:  # the sources the draft drew on, with their text as tooltip
        entries = window.drafting.service.entries(record.generated_kb)
        assert pane.draft_bar.source_titles == [e.title for e in entries]
        assert pane.draft_bar.source_labels[0].toolTip() == entries[0].text
    _close(window)


def test_tab_accepts_and_an_edit_keeps_the_generated_text_for_the_pair(qtbot, demo_db, monkeypatch, toy_drafter, kb):
    window = _window(qtbot, demo_db, monkeypatch, toy_drafter, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, toy_drafter)[0]
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000):
        _open(qtbot, window, target)
    generated = pane.editor.text
    pane.editor.text_edit.setFocus()
    qtbot.keyClick(pane.editor.text_edit, Qt.Key.Key_Tab)
    assert not pane.editor.draft_mode and pane.draft_bar.state == DraftBar.ACCEPTED
    assert pane.editor.text == generated  # Tab inserted nothing
    pane.editor.text_edit.insertPlainText("（已核实）")
    pane.editor.flush()
    window.writer.wait(3000)
    record = _stored(demo_db, target)
    assert record.body == generated + "（已核实）" and record.generated == generated
    _close(window)


def test_a_saved_untouched_draft_opens_marked(qtbot, demo_db, monkeypatch, toy_drafter, kb):
    window = _window(qtbot, demo_db, monkeypatch, toy_drafter, kb)
    pane = window.ticket_pane
    first, target = _needs_draft_ids(window, demo_db, kb, toy_drafter)[:2]
    DraftingService(demo_db, toy_drafter, kb).generate(target, AGENT)
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000):
        _open(qtbot, window, first)
    _open(qtbot, window, target)
    qtbot.waitUntil(lambda: pane.editor.draft_mode, timeout=3000)
    assert pane.editor.text == _stored(demo_db, target).body
    assert pane.draft_bar.state == DraftBar.MARKED
    _close(window)


def test_stop_keeps_what_streamed(qtbot, demo_db, monkeypatch, gated, kb):
    window = _window(qtbot, demo_db, monkeypatch, gated, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, gated)[0]
    gated.held.add(window.queue_model.queue_row(window.queue_model.row_of(target)).external_id)
    _open(qtbot, window, target)
    qtbot.waitUntil(lambda: pane.editor.text != "" and pane.drafts.streaming, timeout=10000)
    qtbot.wait(50)
    assert pane.draft_bar.stop_button.isVisible()
    partial = pane.editor.text
    qtbot.mouseClick(pane.draft_bar.stop_button, Qt.MouseButton.LeftButton)
    gated.gate.set()
    qtbot.waitUntil(lambda: pane.drafts.job_id == 0 and window.drafting.foreground is None, timeout=10000)
    assert pane.editor.text == partial
    assert pane.drafts.stopped and pane.draft_bar.state == DraftBar.STOPPED and pane.editor.draft_mode
    assert _stored(demo_db, target) is None  # a stopped draft is not stored as generated
    qtbot.keyClick(pane.editor.text_edit, Qt.Key.Key_Tab)  # accepting it makes it the agent's text
    pane.editor.flush()
    window.writer.wait(3000)
    assert _stored(demo_db, target).body == partial
    _close(window)


def test_typing_during_streaming_stops_it_and_the_typing_survives(qtbot, demo_db, monkeypatch, gated, kb):
    window = _window(qtbot, demo_db, monkeypatch, gated, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, gated)[0]
    gated.held.add(window.queue_model.queue_row(window.queue_model.row_of(target)).external_id)
    _open(qtbot, window, target)
    qtbot.waitUntil(lambda: pane.editor.text != "" and pane.drafts.streaming, timeout=10000)
    pane.editor.text_edit.setFocus()
    pane.editor.text_edit.moveCursor(pane.editor.text_edit.textCursor().MoveOperation.End)
    pane.editor.text_edit.insertPlainText("我自己来写")
    typed = pane.editor.text
    assert not pane.drafts.streaming and not pane.editor.draft_mode
    gated.gate.set()
    qtbot.waitUntil(lambda: window.drafting.foreground is None, timeout=10000)
    qtbot.wait(100)
    assert pane.editor.text == typed
    pane.editor.flush()
    window.writer.wait(3000)
    record = _stored(demo_db, target)
    assert record.body == typed and record.generated is None  # the stopped generation stored nothing
    _close(window)


def test_switching_tickets_never_appends_the_old_tickets_tokens(qtbot, demo_db, monkeypatch, gated, kb):
    window = _window(qtbot, demo_db, monkeypatch, gated, kb)
    pane = window.ticket_pane
    first, second = _needs_draft_ids(window, demo_db, kb, gated)[:2]
    gated.held.add(window.queue_model.queue_row(window.queue_model.row_of(first)).external_id)
    _open(qtbot, window, first)
    qtbot.waitUntil(lambda: pane.drafts.streaming and pane.editor.text != "", timeout=10000)
    old_job = pane.drafts.job_id
    appended: list[tuple[int | None, str]] = []
    original_append: Callable[[str], None] = pane.editor.append_streamed

    def spy(piece: str) -> None:
        appended.append((pane.ticket_id, piece))
        original_append(piece)

    monkeypatch.setattr(pane.editor, "append_streamed", spy)
    _open(qtbot, window, second)
    window.drafting.token.emit(old_job, first, "【旧工单】")  # a late token of the old ticket
    gated.gate.set()
    qtbot.waitUntil(lambda: pane.editor.draft_mode and pane.drafts.job_id == 0, timeout=10000)
    assert "【旧工单】" not in pane.editor.text
    assert pane.editor.text == _stored(demo_db, second).body
    assert all(tid == second for tid, _ in appended)
    assert _stored(demo_db, first) is None  # the old ticket's draft was cancelled, not stored
    _close(window)


def test_regenerate_asks_before_replacing_the_agents_text(qtbot, demo_db, monkeypatch, toy_drafter, kb):
    window = _window(qtbot, demo_db, monkeypatch, toy_drafter, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, toy_drafter)[0]
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000):
        _open(qtbot, window, target)
    pane.editor.text_edit.insertPlainText("我的修改")
    mine = pane.editor.text
    pane.drafts.confirm_replace = lambda: False
    qtbot.mouseClick(pane.draft_bar.regenerate_button, Qt.MouseButton.LeftButton)
    qtbot.wait(200)
    assert pane.editor.text == mine and not pane.drafts.streaming
    pane.drafts.confirm_replace = lambda: True
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000):
        qtbot.mouseClick(pane.draft_bar.regenerate_button, Qt.MouseButton.LeftButton)
    # The new draft is stored by the database worker, possibly just after it is shown.
    qtbot.waitUntil(lambda: _stored(demo_db, target).body == pane.editor.text, timeout=5000)
    record = _stored(demo_db, target)
    assert pane.editor.text == record.body == record.generated and pane.editor.draft_mode
    _close(window)


def test_prefetch_stores_drafts_for_the_next_tickets(qtbot, demo_db, monkeypatch, toy_drafter, kb):
    window = _window(qtbot, demo_db, monkeypatch, toy_drafter, kb, prefetch=True)
    pane = window.ticket_pane
    upcoming = window.upcoming_tickets()
    assert len(upcoming) == 3
    tickets = TicketService(demo_db)
    wanted = [t for t in upcoming if tickets.open(t, AGENT).ticket.messages[-1].role != "agent"]
    assert wanted
    qtbot.waitUntil(lambda: all(_stored(demo_db, t) is not None for t in wanted), timeout=30000)
    assert all(_stored(demo_db, t).untouched for t in wanted)
    # Opened later, a prefetched draft is simply there, marked, and nothing is generated again.
    target = wanted[0]
    body = _stored(demo_db, target).body
    _open(qtbot, window, target)
    qtbot.waitUntil(lambda: pane.editor.draft_mode and pane.editor.text == body, timeout=5000)
    _close(window)


def test_foreground_request_pauses_prefetch(qtbot, demo_db, monkeypatch, gated, kb):
    window = _window(qtbot, demo_db, monkeypatch, gated, kb, prefetch=True)
    controller = window.drafting
    upcoming = window.upcoming_tickets()
    ids = {window.queue_model.queue_row(window.queue_model.row_of(t)).external_id: t for t in upcoming}
    gated.held.update(ids)
    qtbot.waitUntil(lambda: controller.prefetching is not None, timeout=10000)
    prefetching = controller.prefetching
    background = controller._prefetch_job
    later = next(t for t in _needs_draft_ids(window, demo_db, kb, gated) if t not in upcoming and t != prefetching)
    controller.request(later, AGENT)
    assert background.cancel.is_set()  # the background job gives the drafter's lock up at once
    gated.held.clear()
    gated.gate.set()
    qtbot.waitUntil(lambda: _stored(demo_db, later) is not None, timeout=10000)
    # ...and the prefetch resumes afterwards, from the ticket it was stopped on.
    qtbot.waitUntil(lambda: _stored(demo_db, prefetching) is not None, timeout=20000)
    _close(window)


def test_without_a_model_drafts_are_off_and_the_editor_works(qtbot, demo_db, tmp_path: Path):
    from desktop_app.ui.workstation.main_window import MainWindow

    window = MainWindow(Services(demo_db), _signed_in(demo_db), drafter_folder=tmp_path / "missing")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.drafter_banner.isVisible(), timeout=10000)
    assert "AI草稿已关闭" in window.drafter_banner.text()
    assert "\n" not in window.drafter_banner.text()
    assert window.status_drafter.text() == "AI草稿：已关闭"
    qtbot.waitUntil(lambda: window.ticket_pane.ticket is not None, timeout=5000)
    pane = window.ticket_pane
    assert not pane.draft_bar.isVisible()
    pane.editor.text_edit.insertPlainText("手写回复")
    qtbot.mouseClick(pane.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.ticket.status == "waiting_customer", timeout=3000)
    window.close()


PROMISES = "亲，这边保证明天给您全额返现。另外运费我们一定承担。其他问题随时联系我们。"


def _external_id(window, ticket_id: int) -> str:  # type: ignore[no-untyped-def]
    return window.queue_model.queue_row(window.queue_model.row_of(ticket_id)).external_id


def _add_message(db, ticket_id: int, role: str, text: str, author: str = "") -> None:  # type: ignore[no-untyped-def]
    from desktop_app.store.tickets import TicketRepository

    with db.session() as session:
        TicketRepository(session).add_message(ticket_id, MessageRecord(role, text, utcnow(), author))


def _shown_texts(monkeypatch, editor) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text the reply box is given to show (loaded or as a draft)."""
    shown: list[str] = []
    load, show_draft = editor.load, editor.show_draft

    def spy_load(text: str, saved_note: str = "") -> None:
        shown.append(text)
        load(text, saved_note)

    def spy_show(text: str) -> None:
        shown.append(text)
        show_draft(text)

    monkeypatch.setattr(editor, "load", spy_load)
    monkeypatch.setattr(editor, "show_draft", spy_show)
    return shown


def test_unsupported_promises_are_underlined_and_counted_until_edited(qtbot, demo_db, monkeypatch, kb):
    from PySide6.QtGui import QTextCharFormat

    from desktop_app.nlp.drafting.guard import UNSUPPORTED_NOTE

    drafter = ScriptedDrafter(lambda request, seed: PROMISES)
    window = _window(qtbot, demo_db, monkeypatch, drafter, kb)
    pane, bar = window.ticket_pane, window.ticket_pane.draft_bar
    first, target = _needs_draft_ids(window, demo_db, kb, drafter)[:2]
    results: dict[int, object] = {}
    window.drafting.finished.connect(lambda _job, tid, result: results.setdefault(tid, result))
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == target):
        _open(qtbot, window, target)
    marks = results[target].marks  # type: ignore[attr-defined]
    # 保证/返现 and 一定/承担: neither the retrieved entries nor the ticket say so.
    assert [m.sentence for m in marks] == ["亲，这边保证明天给您全额返现。", "另外运费我们一定承担。"]
    assert pane.editor.text == PROMISES  # underlined, not rewritten
    assert pane.editor.marked_sentences == [m.sentence for m in marks]
    selections = pane.editor.text_edit.extraSelections()
    assert [s.cursor.selectedText() for s in selections] == [m.sentence for m in marks]
    assert all(s.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline for s in selections)
    inside = PROMISES.index("返现")
    assert pane.editor.mark_tooltip(inside) == UNSUPPORTED_NOTE
    assert pane.editor.mark_tooltip(PROMISES.index("随时")) == ""
    assert bar.promise_label.isVisible() and bar.promise_label.text() == "2 句承诺无依据"
    assert pane.editor.send_button.isEnabled()  # sending stays the agent's choice

    # A stored draft opened again is checked again (in the reader) and shows the same marks.
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == first):
        _open(qtbot, window, first)
    _open(qtbot, window, target)
    assert pane.editor.draft_mode
    qtbot.waitUntil(lambda: pane.editor.marked_sentences == [m.sentence for m in marks], timeout=5000)
    assert bar.promise_label.text() == "2 句承诺无依据"

    # Editing inside a sentence removes its mark, and only its mark.
    cursor = pane.editor.text_edit.textCursor()
    cursor.setPosition(inside)
    pane.editor.text_edit.setTextCursor(cursor)
    pane.editor.text_edit.insertPlainText("（按规则）")
    assert pane.editor.marked_sentences == ["另外运费我们一定承担。"]
    assert bar.state == DraftBar.ACCEPTED and bar.promise_label.text() == "1 句承诺无依据"
    qtbot.mouseClick(pane.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.ticket.status == "waiting_customer", timeout=5000)
    assert pane.editor.marked_sentences == [] and not bar.promise_label.isVisible()
    _close(window)


def test_regenerate_samples_a_new_draft_and_the_draft_on_open_stays_greedy(qtbot, demo_db, monkeypatch, gated, kb):
    window = _window(qtbot, demo_db, monkeypatch, gated, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, gated)[0]
    external = _external_id(window, target)
    shown = qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == target)
    with shown:
        _open(qtbot, window, target)
    greedy = pane.editor.text
    seeds = iter([101, 202])
    pane.drafts.new_seed = lambda: next(seeds)
    texts = []
    for _ in range(2):
        with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == target):
            qtbot.mouseClick(pane.draft_bar.regenerate_button, Qt.MouseButton.LeftButton)
        texts.append(pane.editor.text)
    assert [seed for rid, seed in zip(gated.requests, gated.seeds) if rid == external] == [None, 101, 202]
    assert len({greedy, *texts}) == 3  # sampled with a new seed: a different draft each time
    assert _stored(demo_db, target).body == texts[-1]
    assert DraftingService(demo_db, gated, kb).generate(target, AGENT).result.text == greedy  # what a prefetch stores
    _close(window)


def test_a_stored_draft_older_than_a_new_customer_message_is_redrafted_never_shown(qtbot, demo_db, monkeypatch, kb):
    drafter = ScriptedDrafter(lambda request, seed: f"亲，收到您说的「{request.history[-1].text[:6]}」，这边为您核实。")
    window = _window(qtbot, demo_db, monkeypatch, drafter, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, drafter)[0]
    old = DraftingService(demo_db, drafter, kb).generate(target, AGENT).saved  # prefetched earlier
    assert old is not None and old.untouched
    _add_message(demo_db, target, "customer", "地址也要改成公司地址")
    shown = _shown_texts(monkeypatch, pane.editor)
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == target):
        _open(qtbot, window, target)
    record = _stored(demo_db, target)
    assert record.body == "亲，收到您说的「地址也要改成」，这边为您核实。" and record.untouched
    assert pane.editor.text == record.body and pane.editor.draft_mode
    assert old.body not in shown  # the stale draft never reached the reply box
    _close(window)


def test_a_colleagues_reply_drops_the_stored_draft(qtbot, demo_db, monkeypatch, kb):
    drafter = ScriptedDrafter(lambda request, seed: "亲，这边为您核实。")
    window = _window(qtbot, demo_db, monkeypatch, drafter, kb)
    pane = window.ticket_pane
    target = _needs_draft_ids(window, demo_db, kb, drafter)[0]
    old = DraftingService(demo_db, drafter, kb).generate(target, AGENT).saved
    _add_message(demo_db, target, "agent", "您好，已经为您登记了", author="客服小王")
    shown = _shown_texts(monkeypatch, pane.editor)
    calls = len(drafter.calls)
    _open(qtbot, window, target)
    qtbot.waitUntil(lambda: pane.draft_bar.state == DraftBar.IDLE and window.drafting.foreground is None, timeout=5000)
    assert old.body not in shown and pane.editor.text == ""
    assert _stored(demo_db, target) is None
    assert len(drafter.calls) == calls  # the colleague answered last: nothing to draft
    _close(window)


def test_a_tab_accepted_draft_reopens_as_the_agents_text_and_keeps_the_pair(
    qtbot, demo_db, monkeypatch, toy_drafter, kb
):
    from sqlalchemy import select

    from desktop_app.store.schema import ReplyOutcome

    window = _window(qtbot, demo_db, monkeypatch, toy_drafter, kb)
    pane = window.ticket_pane
    first, target = _needs_draft_ids(window, demo_db, kb, toy_drafter)[:2]
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == target):
        _open(qtbot, window, target)
    generated = pane.editor.text
    pane.editor.text_edit.setFocus()
    qtbot.keyClick(pane.editor.text_edit, Qt.Key.Key_Tab)
    window.writer.wait(3000)
    record = _stored(demo_db, target)
    assert record.accepted_at is not None and not record.untouched and record.generated == generated
    with qtbot.waitSignal(pane.drafts.draftShown, timeout=10000, check_params_cb=lambda tid: tid == first):
        _open(qtbot, window, first)
    _open(qtbot, window, target)
    assert pane.editor.text == generated
    assert not pane.editor.draft_mode  # the agent's text, not an AI draft
    assert pane.draft_bar.state == (DraftBar.ACCEPTED if record.generated_kb else DraftBar.IDLE)
    qtbot.mouseClick(pane.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.ticket.status == "waiting_customer", timeout=5000)
    with demo_db.session() as session:
        outcome = session.scalars(select(ReplyOutcome).where(ReplyOutcome.ticket_id == target)).one()
        assert (outcome.generated, outcome.final) == (generated, generated.strip())
    _close(window)
