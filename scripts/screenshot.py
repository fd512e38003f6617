"""Screenshot of the real main window, for the README and for looking at the UI.

Run under a virtual X screen so that a real window is drawn with the system's fonts:
    xvfb-run -s "-screen 0 1480x900x24" .venv/bin/python scripts/screenshot.py out.png [--lang en]
It opens a throw-away database seeded with the demo tickets, opens a ticket, types a
reply, and grabs the whole screen.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.services.seed import seed_demo_if_empty
from desktop_app.store.database import Database
from desktop_app.ui.app import install_translation


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("output", type=Path)
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--search", default="")
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    install_translation(app, args.lang)
    from desktop_app.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'shot.db'}")
        seed_demo_if_empty(db)
        window = MainWindow(db, "客服小美")
        window.move(0, 0)
        window.show()

        def prepare() -> None:
            if args.search:
                window.queue_panel.search.setText(args.search)
            model = window.queue_model
            target = next((r for r in range(model.rowCount()) if model.queue_row(r).external_id == "DEMO-0010"), 2)
            window.queue_panel.select_ticket(model.ticket_id(target) or 1)
            QTimer.singleShot(800, type_reply)

        def type_reply() -> None:
            editor = window.ticket_pane.editor.text_edit
            editor.setFocus()
            editor.insertPlainText("亲，非常抱歉给您带来不好的体验，这边已为您登记，稍后专人为您跟进处理。")
            QTimer.singleShot(3800, grab)

        def grab() -> None:
            screen = QApplication.primaryScreen()
            screen.grabWindow(0).save(str(args.output))
            print(f"saved {args.output}")
            window.close()
            app.quit()

        QTimer.singleShot(1500, prepare)
        app.exec()
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
