"""The local store: SQLite through SQLAlchemy, migrated by Alembic at start."""
