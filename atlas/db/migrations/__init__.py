"""Alembic revisions of the atlas schema (run by :mod:`atlas.migrate`; see there how to add one)."""
