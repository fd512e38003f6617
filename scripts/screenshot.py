"""Screenshot of the real main window, for the README and for looking at the UI.

Run under a virtual X screen so that a real window is drawn with the system's fonts:
    xvfb-run -a -s "-screen 0 1440x860x24" .venv/bin/python scripts/screenshot.py out.png [--lang en]
It opens a throw-away database seeded with the demo tickets and two accounts (signed in
as the agent 客服小美 without the dialog; ``--role supervisor`` signs in 主管老王), opens a
ticket and waits for its AI draft to stream in and be marked, then grabs the whole screen.

The drafter is ``--drafter DIR``, else ``models/drafter`` (or ``$AFTERSALES_DRAFTER_MODEL``)
when it exists, else a toy drafter (random weights: its words are noise) built with the
test helper, which needs the [train] extras. ``--no-draft`` types a reply by hand instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.config import default_drafter_dir
from desktop_app.services.access import Role
from desktop_app.services.accounts import AccountService
from desktop_app.services.container import Services
from desktop_app.services.seed import seed_demo_if_empty
from desktop_app.store.database import Database
from desktop_app.ui.app import install_translation

PASSWORD = "screenshot-only"


def drafter_folder(explicit: Path | None, scratch: Path) -> Path:
    if explicit is not None:
        return explicit
    if default_drafter_dir().exists():
        return default_drafter_dir()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers.toy_drafter import build_toy_drafter

    print("models/drafter not found: using a toy drafter (random weights)", file=sys.stderr)
    return build_toy_drafter(scratch / "toy" / "drafter")


def main() -> int:
    parser = argparse.ArgumentParser()
    default_output = Path(__file__).resolve().parent.parent / "resources" / "screenshots" / "reply_draft.png"
    parser.add_argument("output", type=Path, nargs="?", default=default_output)
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--search", default="")
    parser.add_argument("--drafter", type=Path, default=None)
    parser.add_argument("--no-draft", action="store_true")
    parser.add_argument("--role", choices=("agent", "supervisor"), default="agent")
    parser.add_argument("--ticket", default="DEMO-0010")
    parser.add_argument("--size", default="", help="WxH: the window's size (offscreen: grab the window itself)")
    parser.add_argument("--wait", type=int, default=30, help="seconds to wait for the draft before grabbing")
    parser.add_argument("--tab", type=int, default=0, help="the main tab shown (1: the supervisor desk)")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    install_translation(app, args.lang)
    from desktop_app.ui.workstation.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'shot.db'}")
        seed_demo_if_empty(db)
        accounts = AccountService(db)
        boss = accounts.add_user("主管老王", PASSWORD, Role.SUPERVISOR, actor=None)
        agent = accounts.add_user("客服小美", PASSWORD, Role.AGENT, actor=boss)
        user = boss if args.role == "supervisor" else agent
        folder = Path(tmp) / "no-drafter" if args.no_draft else drafter_folder(args.drafter, Path(tmp))
        window = MainWindow(Services(db), user, drafter_folder=folder)
        window.move(0, 0)
        window.show()
        if args.size:
            width, height = (int(part) for part in args.size.lower().split("x"))
            window.resize(width, height)
        target_id: list[int] = []

        def draft_shown(ticket_id: int) -> None:
            if target_id and ticket_id == target_id[0]:
                QTimer.singleShot(600, grab)

        if window.ticket_pane.drafts is not None:
            window.ticket_pane.drafts.draftShown.connect(draft_shown)

        prepared: list[bool] = []

        def prepare() -> None:
            if prepared:
                return
            prepared.append(True)
            if args.search:
                window.queue_panel.search.setText(args.search)
            model = window.queue_model
            target = next((r for r in range(model.rowCount()) if model.queue_row(r).external_id == args.ticket), 2)
            target_id.append(model.ticket_id(target) or 1)
            window.queue_panel.select_ticket(target_id[0])
            if args.no_draft:
                QTimer.singleShot(800, type_reply)
            else:
                QTimer.singleShot(args.wait * 1000, grab)  # the draft never came: show what there is

        def type_reply() -> None:
            editor = window.ticket_pane.editor.text_edit
            editor.setFocus()
            editor.insertPlainText("亲，非常抱歉给您带来不好的体验，这边已为您登记，稍后专人为您跟进处理。")
            QTimer.singleShot(3800, grab)

        def grab() -> None:
            if not window.isVisible():
                return
            if args.tab and window.tabs is not None and window.tabs.currentIndex() != args.tab:
                window.tabs.setCurrentIndex(args.tab)
                QTimer.singleShot(2500, grab)  # the desk loads its lists when first shown
                return
            if args.size or QApplication.platformName() == "offscreen":
                window.grab().save(str(args.output))  # no screen to grab offscreen
            else:
                QApplication.primaryScreen().grabWindow(0).save(str(args.output))
            print(f"saved {args.output}")
            window.close()
            app.quit()

        # Open the ticket once the tagger has tagged the queue, so the draft is conditioned
        # on its tags as in daily use (or after 15 s without a tagger).
        window.taggingFinished.connect(lambda *_: QTimer.singleShot(300, prepare))
        QTimer.singleShot(15000, prepare)
        app.exec()
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
