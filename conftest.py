# Keep pytest's doctest collection from executing the CLI entry point or build scripts.
collect_ignore = ["atlas/__main__.py", "setup.py", "atlas/db/migrations/env.py"]  # env.py runs only under Alembic
collect_ignore_glob = ["atlas/sources/extract/build_*.py", "static/*", ".venv/*"]
