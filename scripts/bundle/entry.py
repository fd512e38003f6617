"""The bundle's entry point: the same ``aftersales`` command, frozen by PyInstaller.

``freeze_support`` comes first: the GUI runs the reply drafter in a ``spawn`` child
process (desktop_app/nlp/drafting/process.py), and in a frozen app that child is this
executable started again, which must serve the child instead of parsing a command line.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from desktop_app.cli.main import main

    raise SystemExit(main())
