"""Shared ground every wing uses: the models and vocabularies, field checks, escaping, errors, YAML,
auth, labels and actors, geometry, web assets, synthetic test facts."""
