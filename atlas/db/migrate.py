"""Schema migrations with Alembic: every store is upgraded to the newest revision on open.

``Store(...)`` (the app, the CLI) calls :func:`upgrade`; ``python -m atlas migrate``
does it by hand and says what it applied. A store made before migrations existed
(tables but no ``alembic_version``) is stamped as revision 0001, which is exactly
that schema, and upgraded from there, so its reviews and audit stay.

Adding a schema change (tables live in ``atlas/db/schema.py`` ``metadata``):

1. change ``metadata`` additively (a nullable column or one with a server default, a new table);
2. ``python -m atlas migrate --new "add dataset columns"`` writes
   ``atlas/db/migrations/versions/NNNN_add_dataset_columns.py`` from the difference
   between the newest revision and ``metadata`` (check it; a new table the app reads
   also gets ``install_version_triggers``);
3. set :data:`HEAD` below to the new revision id.

``tests/test_migrations.py`` fails when ``metadata`` and the revisions disagree, when
there is more than one head, or when :data:`HEAD` is not the head.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import sqlalchemy as sa

HEAD = "0005"  # the newest revision; checked against the revision files by the tests
BASELINE = "0001"  # the schema of stores made before migrations existed
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 0x61746C61  # advisory lock id: replicas starting at once migrate one after another


def _alembic():
    """alembic's ``command``, ``config`` and ``script`` modules, imported only when the schema is read
    or changed (~0.2 s): opening a store already at ``HEAD`` never needs them."""
    from alembic import command, config as alembic_config, script

    return command, alembic_config, script


def config(connection: sa.Connection | None = None):
    cfg = _alembic()[1].Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: sa.Engine) -> list[str]:
    """Bring the database to :data:`HEAD`; the revisions applied (empty when already there)."""
    with engine.connect() as conn:  # the common case, cheaply: already at head
        if _at_head(conn):
            return []
    try:
        return _upgrade(engine)
    except (sa.exc.OperationalError, sa.exc.IntegrityError):
        # SQLite has no advisory lock: two processes opening a new file at once may race;
        # the loser finds the winner's finished schema.
        with engine.connect() as conn:
            if _at_head(conn):
                return []
        raise


def _upgrade(engine: sa.Engine) -> list[str]:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        before = current_revision(conn)
        if before == HEAD:  # another process migrated while we waited for the lock
            return []
        command = _alembic()[0]
        cfg = config(conn)
        if before is None and sa.inspect(conn).has_table("facts"):
            command.stamp(cfg, BASELINE)
            before = BASELINE
        command.upgrade(cfg, "head")
        return _revisions_between(before, current_revision(conn))


def _at_head(conn: sa.Connection) -> bool:
    try:
        return current_revision(conn) == HEAD
    except sa.exc.OperationalError:
        return False


def _revisions_between(before: str | None, after: str | None) -> list[str]:
    script = _alembic()[2].ScriptDirectory.from_config(config())
    revs = [r.revision for r in script.iterate_revisions(after, before)] if after else []
    return list(reversed(revs))


def heads() -> list[str]:
    return list(_alembic()[2].ScriptDirectory.from_config(config()).get_heads())


def new_revision(message: str) -> Path:
    """Write the next revision from the difference between the newest revision and ``metadata``."""
    command = _alembic()[0]

    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "change"
    rev_id = f"{int(HEAD) + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{tmp}/head.sqlite")
        upgrade(engine)
        with engine.begin() as conn:
            script = command.revision(config(conn), message=message, autogenerate=True, rev_id=rev_id)
        engine.dispose()
    path = Path(script.path)
    final = path.with_name(f"{rev_id}_{slug}.py")
    path.rename(final)
    return final
