from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoindex.core.store.catalog import Catalog
from photoindex.core.store.migrations import SCHEMA_VERSION
from photoindex.core.types import PhotoindexError


def test_new_catalog_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    assert cat.schema_version == SCHEMA_VERSION
    assert cat.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cat.close()


def test_catalog_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Catalog(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(PhotoindexError, match="newer photoindex"):
        Catalog(path)


def test_changing_model_drops_old_vectors(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    pid = cat.insert_photo("/x/a.jpg", 1, 1, None)
    cat.set_model("clip", "m1", 4)
    cat.write_embeddings("clip", "m1", [(pid, np.ones(4, np.float32) / 2)])
    assert cat.set_model("clip", "m1", 4) == 0
    assert cat.set_model("clip", "m2", 4) == 1
    assert cat.vector("clip", pid) is None


def test_deleting_a_photo_deletes_its_vectors(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite3")
    pid = cat.insert_photo("/x/a.jpg", 1, 1, None)
    cat.set_model("clip", "m1", 4)
    cat.write_embeddings("clip", "m1", [(pid, np.ones(4, np.float32) / 2)])
    cat.delete_photos([pid])
    assert len(cat.vector_ids("clip")) == 0
