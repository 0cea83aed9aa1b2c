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


def test_browsing_reads_indexes_not_the_whole_table(tmp_path: Path) -> None:
    """The timeline's first screenful, a folder and the folder tree's counts are index reads
    (migration 8). A change to Catalog._DATE that no longer matches photos_ok_date, or an index
    the planner prefers for status = 'ok', turns them back into sorts of every row."""
    cat = Catalog(tmp_path / "c.sqlite3")
    with cat.transaction():
        for i in range(300):
            pid = cat.insert_photo(f"/p/{'가족여행/제주도' if i % 3 else '일상'}/IMG_{i:04d}.jpg", 1, i * 10**9, None)
            if i % 7:
                cat.mark_ok(pid, 40, 30, None if i % 2 else 1_600_000_000.0 + i)
            elif i % 2:
                cat.mark_failed(pid, "truncated")

    def plan(sql: str, args: list[object] | tuple[object, ...] = ()) -> str:
        return " | ".join(row[-1] for row in cat.conn.execute("EXPLAIN QUERY PLAN " + sql, args))

    first_page = plan(*Catalog._browse_sql(None, None, None, False, 600))
    assert "photos_ok_date" in first_page and "TEMP B-TREE" not in first_page, first_page
    oldest = plan(*Catalog._browse_sql(None, None, None, True, 600))
    assert "photos_ok_date" in oldest and "TEMP B-TREE" not in oldest, oldest
    folder = plan(*Catalog._browse_sql("/p/가족여행", None, None, False, None))
    assert "photos_ok_path (path>? AND path<?)" in folder, folder  # the folder's range, covered
    assert "photos_ok_folder" in plan("SELECT folder, count(*) FROM photos WHERE status = 'ok' GROUP BY folder")
    assert "photos_failed" in plan("SELECT path, error FROM photos WHERE status = 'failed' ORDER BY path")
    rows = cat.browse(None, None, None, False, 5)
    dates = [r[2] for r in cat.browse()]
    assert dates == sorted(dates, reverse=True) and [r[0] for r in rows] == [r[0] for r in cat.browse()][:5]
    counts = cat.counts()
    assert counts["ok"] == len(dates) and counts["failed"] > 0 and counts["total"] == 300
    cat.close()
