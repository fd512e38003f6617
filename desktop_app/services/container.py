"""Every use case of the app over one database, built once and handed to the window.

The window, the supervisor desk and the headless smoke run get a ``Services`` instead of a
``Database``: they call use cases and never see the store (an import-linter contract keeps
``ui`` off ``desktop_app.store``). Services that hold no state of their own are built here
once; those that need something only the caller has (a loaded tagger, a model folder, an
export's rows) are made by a method, so the database stays inside this layer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from desktop_app.services.access import User
from desktop_app.services.accounts import AccountService
from desktop_app.services.changes import ChangeSource, open_change_source
from desktop_app.services.claims import ClaimService
from desktop_app.services.desk_stats import DeskStatsService
from desktop_app.services.drafting import DraftingService, load_drafting
from desktop_app.services.drafts import DraftService
from desktop_app.services.export import Cell, ExportFormat, ExportResult, export_rows
from desktop_app.services.importing import ImportService
from desktop_app.services.presence import PresenceService
from desktop_app.services.queue import QueueService
from desktop_app.services.seed import seed_demo_if_empty
from desktop_app.services.supervision import SupervisionService
from desktop_app.services.tagging import Tagger, TaggingService
from desktop_app.services.tickets import TicketService
from desktop_app.store.database import Database, DatabaseError

__all__ = ["DatabaseError", "Services"]


class Services:
    """The use cases over ``db``; ``close`` ends the database's connections."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.url = db.url
        self.accounts = AccountService(db)
        self.tickets = TicketService(db)
        self.drafts = DraftService(db)
        self.queue = QueueService(db)
        self.claims = ClaimService(db)
        self.presence = PresenceService(db)
        self.supervision = SupervisionService(db)
        self.desk_stats = DeskStatsService(db)

    @classmethod
    def open(cls, url: str, seed_demo: bool = False) -> Services:
        """Open (creating or upgrading) the database at ``url``; ``seed_demo`` adds the demo
        tickets to an empty SQLite file. DatabaseError says why it cannot be opened."""
        db = Database.open(url)
        try:
            if seed_demo:
                seed_demo_if_empty(db)
        except BaseException:
            db.close()
            raise
        return cls(db)

    def close(self) -> None:
        self._db.close()

    def tagging(self, tagger: Tagger | None) -> TaggingService:
        """Tagging with ``tagger`` (None: corrections only, before or without a model)."""
        return TaggingService(self._db, tagger)

    def importer(self) -> ImportService:
        """A fresh import run (each import has its own progress and cancel)."""
        return ImportService(self._db)

    def change_source(self) -> ChangeSource:
        """A change feed on a connection of its own (the change bus runs it in a thread)."""
        return open_change_source(self._db.engine)

    def load_drafting(
        self, drafter_folder: Path, kb_folder: Path, ranker_folder: Path | None = None
    ) -> DraftingService:
        """The drafter and knowledge base loaded for this database (see ``load_drafting``)."""
        return load_drafting(self._db, drafter_folder, kb_folder, ranker_folder=ranker_folder)

    def export_rows(
        self,
        actor: User,
        headers: Sequence[str],
        rows: Iterable[Sequence[Cell]],
        path: str | os.PathLike[str],
        fmt: ExportFormat,
    ) -> ExportResult:
        return export_rows(self._db, actor, headers, rows, path, fmt)
