from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from atlas.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_c091979762de952d.txt"
CURATED = ROOT / "data" / "curated"


@pytest.fixture
def mem_store() -> Store:
    return Store("sqlite://")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "atlas.sqlite"


@pytest.fixture
def curated_copy(tmp_path) -> Path:
    """A writable copy of data/curated for tests that break it."""
    dst = tmp_path / "curated"
    shutil.copytree(CURATED, dst)
    return dst
