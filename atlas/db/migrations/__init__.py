"""Alembic revisions of the atlas schema (run by :mod:`atlas.db.migrate`; see there how to add one)."""
