"""``python -m desktop_app`` is the same as the ``aftersales`` command."""

from desktop_app.cli.main import main

raise SystemExit(main())
