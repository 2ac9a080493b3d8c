"""Alembic environment: migrations run on the connection atlas.db.migrate hands over."""
from alembic import context

from atlas.db.schema import include_name, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
    compare_type=True,
    include_name=include_name,  # the search index (revision 0005) is not in metadata
)
with context.begin_transaction():
    context.run_migrations()
