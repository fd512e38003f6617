"""What every CLI command shares: the one-line user error and opening the database.

Commands import these from here, never from ``cli.main`` (which imports the commands), so the
command modules form no import circle with the entry point.
"""

from __future__ import annotations

from desktop_app.store.database import Database, DatabaseError


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def open_database(url: str) -> Database:
    """The database at ``url``, migrated; a database problem becomes a one-line CLI error."""
    try:
        return Database.open(url)
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
