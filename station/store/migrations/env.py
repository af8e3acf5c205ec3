"""Alembic environment: migrations run on the connection the station hands over."""

from alembic import context

from station.store.schema import Base

connection = context.config.attributes["connection"]
# SQLite cannot ALTER most things; batch mode recreates tables instead.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
