"""The one door to the database: schema, Store, migrations, the audited write transaction, search index."""
