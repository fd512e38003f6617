"""``aftersales smoke-gui`` (the bundle's headless check) passes only when the GUI really works."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.cli.main import main
from desktop_app.config import DRAFTER_MODEL_ENV_VAR, TAGGER_MODEL_ENV_VAR


def _visible_windows() -> list[str]:
    return [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_it_signs_in_opens_a_ticket_gets_its_draft_and_quits(
    qapp, toy_tagger_dir: Path, toy_drafter_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))
    monkeypatch.setenv(DRAFTER_MODEL_ENV_VAR, str(toy_drafter_dir))

    assert main(["smoke-gui", "--step-timeout", "60"]) == 0

    err = capsys.readouterr().err
    passed = [line.split(" s  ", 1)[1] for line in err.splitlines() if line.startswith("smoke-gui: ok")]
    assert passed == [
        "signed in as 客服小美 through the sign-in dialog",
        "the queue shows the demo tickets",
        "the tagger is loaded",
        "the drafter is loaded",
        "a ticket is open",
        "its AI draft came back",
    ], err
    assert "FAIL" not in err and err.rstrip().endswith("smoke-gui: passed")
    assert _visible_windows() == []  # the window was closed, the sign-in dialog is gone


def test_it_fails_when_the_drafter_cannot_load(
    qapp, toy_tagger_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))  # the drafter: the tests' missing folder

    assert main(["smoke-gui", "--step-timeout", "60"]) == 1

    err = capsys.readouterr().err
    assert "FAIL" in err and "drafter not loaded" in err, err
    assert err.rstrip().endswith("smoke-gui: failed")
    assert _visible_windows() == []


def test_a_step_that_never_passes_times_out_and_fails(
    qapp, toy_tagger_dir: Path, toy_drafter_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from desktop_app.ui.workstation.queue_panel import QueuePanel

    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))
    monkeypatch.setenv(DRAFTER_MODEL_ENV_VAR, str(toy_drafter_dir))
    monkeypatch.setattr(QueuePanel, "select_ticket", lambda self, ticket_id: False)  # the ticket never opens

    assert main(["smoke-gui", "--step-timeout", "3"]) == 1

    err = capsys.readouterr().err
    assert "timed out after 3 s waiting until a ticket is open" in err, err
    assert _visible_windows() == []


@pytest.mark.qt_no_exception_capture
def test_an_error_nobody_caught_fails_it(
    qapp, toy_tagger_dir: Path, toy_drafter_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from desktop_app.ui.workstation.ticket_pane import TicketPane

    def broken_open(self: TicketPane, ticket_id: int) -> None:
        raise RuntimeError("opening is broken")

    monkeypatch.setenv(TAGGER_MODEL_ENV_VAR, str(toy_tagger_dir))
    monkeypatch.setenv(DRAFTER_MODEL_ENV_VAR, str(toy_drafter_dir))
    monkeypatch.setattr(TicketPane, "open_ticket", broken_open)  # a slot of the queue's selection

    assert main(["smoke-gui", "--step-timeout", "30"]) == 1

    err = capsys.readouterr().err
    assert "FAIL" in err and "uncaught RuntimeError: opening is broken" in err, err
    assert _visible_windows() == []
