"""Alembic environment: runs against the engine the app hands over (no alembic.ini).

The whole run (every revision from the current one to the target, and the version
stamp) is one transaction. PostgreSQL has transactional DDL anyway; on SQLite the
driver's autocommit of DDL is switched off and the transaction is opened explicitly
(``sqlite_transaction``), so a failure or a crash at any statement leaves the schema
and the data as they were before the upgrade started.
"""

from alembic import context

from desktop_app.store.database import sqlite_transaction
from desktop_app.store.schema import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    with sqlite_transaction(connection) if sqlite else connection.begin():
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            transactional_ddl=True,
        )
        with context.begin_transaction():  # inside ours: alembic adds none of its own
            context.run_migrations()
