"""The SQLite catalog: the source of truth for photos and their vectors.

One writer, many readers: the pipeline's writer thread owns the only connection that writes
during indexing; searches open their own read connections (WAL lets them run side by side).
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from photoindex.core.store.backup import is_damage, make_backup, restore_hint
from photoindex.core.store.migrations import MIGRATIONS, SCHEMA_VERSION
from photoindex.core.types import CatalogDamaged, Failure, Matrix, Photo, PhotoindexError

_PHOTO_COLS = "id, path, size, mtime_ns, width, height, taken_at, status, error"


def _photo(row: Sequence[object]) -> Photo:
    return Photo(*row)  # type: ignore[arg-type]


MMAP_BYTES = 256 << 20  # memory-mapped reads of the catalog file (SQLite maps only what exists)
CACHE_KIB = 32 << 10  # each connection's page cache: 32 MiB, against SQLite's 2 MiB default
_MIN_DATABASE_BYTES = 512  # the smallest page: a valid catalog is at least one page


def check_catalog_file(path: Path) -> None:
    """Refuse (CatalogDamaged) a catalog file that is empty or shorter than one page, before
    SQLite touches it: SQLite takes such a file for a new database and would quietly start an
    empty library over the user's (writing into it, and creating -wal/-shm beside it). A missing
    file is fine (a new library). Only os.stat: opening and closing the file here would drop
    every POSIX lock that this process's SQLite connections hold on it (SQLite's "how to
    corrupt" §2.2), letting another process delete the -wal and -shm in use. The rest (not a
    database, cut short, garbled schema) is what SQLite itself reports on the first queries;
    see Catalog.__init__ and is_damage."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # missing (a new library) or unreadable: SQLite says why, in its own words
    if size == 0:
        raise CatalogDamaged(damaged_message(path, "an empty file, 0 bytes"))
    if size < _MIN_DATABASE_BYTES:
        raise CatalogDamaged(damaged_message(path, f"cut short at {size} bytes"))


def _create_catalog_file(path: Path) -> None:
    """A new catalog appears whole: made under a temporary name and linked into place, so no
    other process ever sees it as the 0-byte file that sqlite3.connect creates (which would be
    refused as damaged). If another process made it first, theirs is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.new")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes the header: a valid, empty database
        finally:
            conn.close()
        try:
            os.link(tmp, path)  # atomic, and never replaces a catalog that appeared meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def damaged_message(path: Path, what: str) -> str:
    return f"the catalog at {path} is damaged ({what}) and was left untouched; {restore_hint(Path(path))}"


class Catalog:
    """A connection to one catalog file. Not shared between threads: open one per thread."""

    def __init__(self, path: Path, *, create: bool = True, read_only: bool = False) -> None:
        """read_only: a reader's connection (PRAGMA query_only): any write through it fails, so
        every write has to go through the library's single writer. Readers expect the catalog to
        be migrated already (the writer opens first)."""
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise PhotoindexError(f"no catalog at {self.path}")
        if create and not self.path.exists():
            _create_catalog_file(self.path)
        # Before SQLite touches it: SQLite takes a 0-byte file for a new database and would
        # quietly start an empty library over the user's (and create -wal/-shm beside it).
        check_catalog_file(self.path)
        self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self.read_only = read_only
        try:
            # Read first, write after: a file that is not a database, or shorter than its header
            # says (SQLite checks the header's page count against the file), fails here as
            # SQLITE_NOTADB or SQLITE_CORRUPT before anything is written to it.
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # parses the schema
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
            # Reads of a big library (the timeline's 100,000 rows, a folder's 10,000) go through
            # the OS page cache without a copy, and the hot pages stay: a folder of 10,000 photos
            # read in 29 ms instead of 56-71 ms with the 2 MB default cache alone.
            self.conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            if read_only:
                self.conn.execute("PRAGMA query_only=ON")
            else:
                self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if is_damage(exc):
                raise CatalogDamaged(damaged_message(self.path, str(exc))) from None
            raise
        except BaseException:
            self.conn.close()
            raise

    # -- lifecycle -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise PhotoindexError(
                f"the catalog at {self.path} was written by a newer photoindex (schema {version}); "
                f"this version understands up to schema {SCHEMA_VERSION}: please upgrade photoindex"
            )
        backed_up = version == 0  # a new catalog has nothing to keep
        while version < SCHEMA_VERSION:
            with self.transaction():
                # Re-read inside the write lock: another process may have migrated meanwhile.
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if version >= SCHEMA_VERSION:
                    break
                if not backed_up:
                    self._backup_before_migration(version)
                    backed_up = True
                for statement in _split_sql(MIGRATIONS[version]):
                    self.conn.execute(statement)
                version += 1
                self.conn.execute(f"PRAGMA user_version={version}")

    def _backup_before_migration(self, version: int) -> None:
        # Inside the migration's write transaction, so no other process migrates it meanwhile;
        # copied through a second connection (the backup API cannot read through a connection
        # that holds a write transaction), which sees exactly the committed catalog the
        # migration starts from (WAL).
        source = sqlite3.connect(self.path, timeout=30.0)
        try:
            make_backup(source, self.path, upgrade=True)
        except OSError as exc:
            raise PhotoindexError(
                f"could not back up the catalog at {self.path} before upgrading it from schema {version} "
                f"({exc.strerror or exc}); it was left as it was: free some space in {self.path.parent} and try again"
            ) from None
        finally:
            source.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on an exception). Inside a transaction already
        (the single writer's), it joins that one: the outer one commits or rolls back."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # SQLite may have rolled back already (an I/O error, a full disk): a second ROLLBACK
            # would fail and hide the real error.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                # A COMMIT that failed (full disk, I/O) can leave the transaction open: roll it
                # back, or every later write would join it and never be committed.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    # -- meta ----------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- roots ---------------------------------------------------------------------------------

    def add_root(self, path: str) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO roots(path, added_at) VALUES (?, ?)", (path, time.time())
        )
        return cur.rowcount > 0

    def remove_root(self, path: str) -> int:
        """Forget a root and every photo under it that no other root holds (the files themselves
        are never touched). With nested roots (~/Pictures and ~/Pictures/2020), removing either
        keeps the photos the other one still covers, and with them their people and corrections."""
        prefix = path.rstrip(os.sep) + os.sep
        with self.transaction():
            others = [r.rstrip(os.sep) + os.sep for r in self.roots() if r != path]
            ids = [
                pid
                for pid, photo_path in self.conn.execute(
                    "SELECT id, path FROM photos WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
                )
                if not any(photo_path.startswith(o) for o in others)
            ]
            self._delete_photo_ids(ids)
            self.conn.execute("DELETE FROM roots WHERE path = ?", (path,))
        return len(ids)

    def roots(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT path FROM roots ORDER BY path")]

    # -- photos --------------------------------------------------------------------------------

    def stats_under(self, root: str) -> dict[str, tuple[int, int, int, str | None, str]]:
        """path -> (id, size, mtime_ns, hash, status) for every photo under a root."""
        prefix = root.rstrip(os.sep) + os.sep
        rows = self.conn.execute(
            "SELECT path, id, size, mtime_ns, hash, status FROM photos WHERE substr(path, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def insert_photo(self, path: str, size: int, mtime_ns: int, file_hash: str | None) -> int:
        """A new photo, with an id never used before in this catalog (a reused id would make
        caches keyed by id, such as the vector indexes and thumbnails, serve the old photo)."""
        new_id = self._bump_counter("photos.last_id")
        self.conn.execute(
            "INSERT INTO photos(id, path, folder, size, mtime_ns, hash, status) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
            (new_id, path, os.path.dirname(path), size, mtime_ns, file_hash),
        )
        return new_id

    def _bump_counter(self, key: str) -> int:
        # One statement, so atomic even outside a transaction; under BEGIN IMMEDIATE it is also
        # serialised with every other writer of this file, in any process.
        # UPDATE ... RETURNING needs SQLite 3.35; some Pythons link an older one.
        with self.transaction():
            self.conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?", (key,))
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0])

    def mark_changed(self, photo_id: int, size: int, mtime_ns: int, file_hash: str | None) -> None:
        """The file at this path has new content: forget what we knew and embed it again."""
        self.conn.execute(
            "UPDATE photos SET size = ?, mtime_ns = ?, hash = ?, status = 'pending', error = NULL,"
            " width = NULL, height = NULL, taken_at = NULL, indexed_at = NULL WHERE id = ?",
            (size, mtime_ns, file_hash, photo_id),
        )
        self.conn.execute("DELETE FROM embeddings WHERE photo_id = ?", (photo_id,))

    def move_photo(self, photo_id: int, new_path: str, mtime_ns: int) -> None:
        """Same content, new place: the vectors stay, nothing is embedded again."""
        self.conn.execute(
            "UPDATE photos SET path = ?, folder = ?, mtime_ns = ? WHERE id = ?",
            (new_path, os.path.dirname(new_path), mtime_ns, photo_id),
        )

    def delete_photos(self, ids: Iterable[int]) -> None:
        self._delete_photo_ids(list(ids))

    def _delete_photo_ids(self, ids: list[int]) -> None:
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM photos WHERE id IN ({marks})", chunk)

    def mark_ok(
        self, photo_id: int, width: int, height: int, taken_at: float | None, when: float | None = None
    ) -> None:
        self.conn.execute(
            "UPDATE photos SET status = 'ok', error = NULL, width = ?, height = ?, taken_at = ?, indexed_at = ?"
            " WHERE id = ?",
            (width, height, taken_at, when or time.time(), photo_id),
        )

    def mark_failed(self, photo_id: int, reason: str) -> None:
        self.conn.execute(
            "UPDATE photos SET status = 'failed', error = ?, indexed_at = ? WHERE id = ?",
            (reason, time.time(), photo_id),
        )

    def photo(self, photo_id: int) -> Photo | None:
        row = self.conn.execute(f"SELECT {_PHOTO_COLS} FROM photos WHERE id = ?", (photo_id,)).fetchone()
        return _photo(row) if row else None

    def photo_by_path(self, path: str) -> Photo | None:
        row = self.conn.execute(f"SELECT {_PHOTO_COLS} FROM photos WHERE path = ?", (path,)).fetchone()
        return _photo(row) if row else None

    def photos(self, ids: Sequence[int]) -> dict[int, Photo]:
        out: dict[int, Photo] = {}
        for chunk in _chunks(list(ids), 900):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {_PHOTO_COLS} FROM photos WHERE id IN ({marks})", chunk):
                out[row[0]] = _photo(row)
        return out

    def all_photos(self, status: str | None = "ok", order: str = "date") -> list[Photo]:
        order_sql = {
            "date": "coalesce(taken_at, mtime_ns / 1e9) DESC, id DESC",
            "path": "path",
            "id": "id",
        }[order]
        where = "WHERE status = ?" if status else ""
        args: tuple[object, ...] = (status,) if status else ()
        return [_photo(r) for r in self.conn.execute(f"SELECT {_PHOTO_COLS} FROM photos {where} ORDER BY {order_sql}", args)]

    _DATE = "coalesce(taken_at, mtime_ns / 1e9)"

    @classmethod
    def _photo_filter(
        cls, folder: str | None, date_from: float | None, date_to: float | None
    ) -> tuple[str, list[object]]:
        """WHERE clause and arguments for indexed photos inside a folder (recursively) and a date
        range (inclusive). Every path under the folder sorts between "folder/" and "folder/" with
        its separator bumped by one: a range on the UNIQUE path index, not a scan."""
        where = ["status = 'ok'"]
        args: list[object] = []
        if folder:
            prefix = folder.rstrip(os.sep) + os.sep
            where.append("path >= ? AND path < ?")
            args += [prefix, prefix[:-1] + chr(ord(os.sep) + 1)]
        if date_from is not None:
            where.append(f"{cls._DATE} >= ?")
            args.append(date_from)
        if date_to is not None:
            where.append(f"{cls._DATE} <= ?")
            args.append(date_to)
        return " AND ".join(where), args

    def photo_ids_matching(
        self, folder: str | None = None, date_from: float | None = None, date_to: float | None = None
    ) -> np.ndarray:
        """Ids of indexed photos inside a folder (recursively) and a date range (inclusive)."""
        where, args = self._photo_filter(folder, date_from, date_to)
        rows = self.conn.execute(f"SELECT id FROM photos WHERE {where}", args).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def browse(
        self,
        folder: str | None = None,
        date_from: float | None = None,
        date_to: float | None = None,
        oldest_first: bool = False,
        limit: int | None = None,
    ) -> list[tuple[int, str, float]]:
        """(id, path, date) of the photos photo_ids_matching finds, newest (or oldest) first."""
        return self.conn.execute(*self._browse_sql(folder, date_from, date_to, oldest_first, limit)).fetchall()

    @classmethod
    def _browse_sql(cls, folder: str | None, date_from: float | None, date_to: float | None, oldest_first: bool,
                    limit: int | None) -> tuple[str, list[object]]:
        where, args = cls._photo_filter(folder, date_from, date_to)
        order = "ASC" if oldest_first else "DESC"
        sql = f"SELECT id, path, {cls._DATE} AS d FROM photos WHERE {where} ORDER BY d {order}, id {order}"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        return sql, args

    def failures(self) -> list[Failure]:
        return [
            Failure(r[0], r[1] or "unknown error")
            for r in self.conn.execute("SELECT path, error FROM photos WHERE status = 'failed' ORDER BY path")
        ]

    def counts(self) -> dict[str, int]:
        """Photos by state; each count reads its own partial index (migration 8), not the table."""
        out = {status: int(self.conn.execute(f"SELECT count(*) FROM photos WHERE status = '{status}'").fetchone()[0])
               for status in ("pending", "ok", "failed")}  # literals: a bound value cannot pick a partial index
        out["total"] = sum(out.values())
        return out

    # -- models and embeddings -----------------------------------------------------------------

    def model_key(self, space: str) -> str | None:
        row = self.conn.execute("SELECT model_key FROM models WHERE space = ?", (space,)).fetchone()
        return row[0] if row else None

    def set_model(self, space: str, model_key: str, dim: int) -> int:
        """Make model_key the model of a space at once. Vectors of any other model are dropped
        (they cannot be compared with the new ones); returns how many were dropped. For a
        library with vectors, begin_switch keeps search working while the new ones are made."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO models(space, model_key, dim) VALUES (?, ?, ?)"
                " ON CONFLICT(space) DO UPDATE SET model_key = excluded.model_key, dim = excluded.dim,"
                " target_key = NULL, target_dim = NULL",
                (space, model_key, dim),
            )
            cur = self.conn.execute(
                "DELETE FROM embeddings WHERE space = ? AND model_key != ?", (space, model_key)
            )
            self.conn.execute("DELETE FROM staged_embeddings WHERE space = ?", (space,))
        return cur.rowcount

    # -- switching a space to another model while search goes on --------------------------------

    def target_key(self, space: str) -> str | None:
        """The model a space is being switched to (None: no switch under way)."""
        row = self.conn.execute("SELECT target_key FROM models WHERE space = ?", (space,)).fetchone()
        return row[0] if row else None

    def begin_switch(self, space: str, target_key: str, dim: int) -> None:
        """Start (or keep going with) a switch to target_key: its vectors are staged while the
        current model's keep answering searches. Staged vectors of any other model are dropped."""
        with self.transaction():
            self.conn.execute("UPDATE models SET target_key = ?, target_dim = ? WHERE space = ?", (target_key, dim, space))
            self.conn.execute("DELETE FROM staged_embeddings WHERE space = ? AND model_key != ?", (space, target_key))

    def cancel_switch(self, space: str) -> int:
        """Back to the current model (the user chose it again): staged vectors are dropped."""
        with self.transaction():
            self.conn.execute("UPDATE models SET target_key = NULL, target_dim = NULL WHERE space = ?", (space,))
            return self.conn.execute("DELETE FROM staged_embeddings WHERE space = ?", (space,)).rowcount

    def switch_progress(self, space: str) -> tuple[int, int]:
        """(indexed photos with a staged vector of the target model, indexed photos)."""
        target = self.target_key(space)
        total = int(self.conn.execute("SELECT count(*) FROM photos WHERE status = 'ok'").fetchone()[0])
        if target is None:
            return total, total
        done = self.conn.execute(
            "SELECT count(*) FROM staged_embeddings s JOIN photos p ON p.id = s.photo_id"
            " WHERE s.space = ? AND s.model_key = ? AND p.status = 'ok'", (space, target)
        ).fetchone()[0]
        return int(done), total

    def complete_switch(self, space: str) -> bool:
        """When every indexed photo has a vector of the target model, make it the space's model:
        the staged vectors replace the old ones in one transaction (one new seq, so the vector
        index and the map see them all as changed). False while some are still missing."""
        with self.transaction():
            row = self.conn.execute("SELECT target_key, target_dim FROM models WHERE space = ?", (space,)).fetchone()
            if row is None or row[0] is None:
                return False
            target, dim = row
            done, total = self.switch_progress(space)
            if done < total:
                return False
            seq = self._bump_counter("seq.last")
            self.conn.execute("DELETE FROM embeddings WHERE space = ?", (space,))
            self.conn.execute(
                "INSERT INTO embeddings(photo_id, space, model_key, seq, vector)"
                " SELECT photo_id, space, model_key, ?, vector FROM staged_embeddings WHERE space = ? AND model_key = ?",
                (seq, space, target),
            )
            self.conn.execute("DELETE FROM staged_embeddings WHERE space = ?", (space,))
            self.conn.execute(
                "UPDATE models SET model_key = ?, dim = ?, target_key = NULL, target_dim = NULL WHERE space = ?",
                (target, dim, space),
            )
        return True

    @property
    def catalog_id(self) -> str:
        """Created with the catalog: caches written for another catalog are recognised."""
        return self.get_meta("catalog.id") or ""

    def last_seq(self) -> int:
        """The newest embedding write counter. Monotonic: it never goes back, even when the rows
        written last are deleted, so "everything written after seq N" is always complete."""
        return int(self.get_meta("seq.last", "0") or 0)

    def max_seq(self, space: str) -> int:
        row = self.conn.execute("SELECT max(seq) FROM embeddings WHERE space = ?", (space,)).fetchone()
        return int(row[0] or 0)

    def write_embeddings(self, space: str, model_key: str, items: Sequence[tuple[int, np.ndarray]]) -> int:
        """Write (or replace) vectors under a new seq; returns that seq. Vectors of the model a
        space is being switched to are staged instead (returns 0): search does not see them yet."""
        if model_key != self.model_key(space) and model_key is not None and model_key == self.target_key(space):
            self.conn.executemany(
                "INSERT INTO staged_embeddings(photo_id, space, model_key, vector) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(photo_id, space) DO UPDATE SET model_key = excluded.model_key, vector = excluded.vector",
                [(pid, space, model_key, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for pid, v in items],
            )
            return 0
        seq = self._bump_counter("seq.last")
        self.conn.executemany(
            "INSERT INTO embeddings(photo_id, space, model_key, seq, vector) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(photo_id, space) DO UPDATE SET model_key = excluded.model_key,"
            " seq = excluded.seq, vector = excluded.vector",
            [(pid, space, model_key, seq, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for pid, v in items],
        )
        return seq

    def needs_embedding(self, model_keys: dict[str, str]) -> list[tuple[int, str, frozenset[str]]]:
        """(id, path, spaces) of photos to embed: pending ones in every space; indexed ones only in
        the spaces where they miss a vector of the model given (current, or being switched to)."""
        selects = ["SELECT id, path, '*' FROM photos WHERE status = 'pending'"]
        args: list[object] = []
        for space, key in model_keys.items():
            table = "staged_embeddings" if key == self.target_key(space) != self.model_key(space) else "embeddings"
            selects.append(
                f"SELECT id, path, ? FROM photos WHERE status = 'ok' AND NOT EXISTS (SELECT 1 FROM {table} e"
                " WHERE e.photo_id = photos.id AND e.space = ? AND e.model_key = ?)"
            )
            args += [space, space, key]
        spaces: dict[int, tuple[str, set[str]]] = {}
        for pid, path, space in self.conn.execute(" UNION ALL ".join(selects), args):
            spaces.setdefault(pid, (path, set()))[1].add(space)
        everything = frozenset(model_keys)
        return sorted(
            ((pid, path, everything if "*" in need else frozenset(need)) for pid, (path, need) in spaces.items()),
            key=lambda item: item[1],
        )

    def vectors(self, space: str, since_seq: int = 0, ids: Sequence[int] | None = None) -> tuple[np.ndarray, Matrix]:
        """(photo ids, matrix) of a space's vectors, optionally only those written after since_seq."""
        if ids is not None:
            got_ids: list[int] = []
            blobs: list[bytes] = []
            for chunk in _chunks(list(ids), 900):
                marks = ",".join("?" * len(chunk))
                for pid, blob in self.conn.execute(
                    f"SELECT photo_id, vector FROM embeddings WHERE space = ? AND photo_id IN ({marks})",
                    [space, *chunk],
                ):
                    got_ids.append(pid)
                    blobs.append(blob)
        else:
            rows = self.conn.execute(
                "SELECT photo_id, vector FROM embeddings WHERE space = ? AND seq > ? ORDER BY photo_id",
                (space, since_seq),
            ).fetchall()
            got_ids = [r[0] for r in rows]
            blobs = [r[1] for r in rows]
        if not blobs:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
        return np.asarray(got_ids, dtype=np.int64), matrix

    def vector_ids(self, space: str) -> np.ndarray:
        rows = self.conn.execute("SELECT photo_id FROM embeddings WHERE space = ?", (space,)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vector(self, space: str, photo_id: int) -> np.ndarray | None:
        row = self.conn.execute(
            "SELECT vector FROM embeddings WHERE space = ? AND photo_id = ?", (space, photo_id)
        ).fetchone()
        return np.frombuffer(row[0], dtype=np.float32).copy() if row else None

    # -- retries and folder problems -----------------------------------------------------------

    def retry_failed(self, ids: Iterable[int], reason_prefixes: Sequence[str]) -> int:
        """Set failed photos among ids back to pending when their reason starts with one of
        reason_prefixes (a failure that says nothing about the file's content); returns how many."""
        if not reason_prefixes:
            return 0
        like = " OR ".join("error LIKE ? ESCAPE '\\'" for _ in reason_prefixes)
        patterns = [p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for p in reason_prefixes]
        retried = 0
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            cur = self.conn.execute(
                f"UPDATE photos SET status = 'pending', error = NULL WHERE status = 'failed' AND id IN ({marks})"
                f" AND ({like})",
                [*chunk, *patterns],
            )
            retried += cur.rowcount
        return retried

    def folder_problems(self, roots: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(path, reason) of folders the last scan could not read, those under roots if given."""
        rows = self.conn.execute("SELECT path, reason FROM folder_problems ORDER BY path").fetchall()
        if roots is None:
            return [(r[0], r[1]) for r in rows]
        return [(r[0], r[1]) for r in rows if any(_is_under(r[0], root) for root in roots)]

    def replace_folder_problems(self, scanned_roots: Sequence[str], problems: dict[str, str], keep_roots: Sequence[str]) -> None:
        """The scan of scanned_roots found these problems: forget the old ones under those
        roots (readable again) and those under no root in keep_roots (a removed root)."""
        now = time.time()
        for path, _reason in self.folder_problems():
            if any(_is_under(path, r) for r in scanned_roots) or not any(_is_under(path, r) for r in keep_roots):
                self.conn.execute("DELETE FROM folder_problems WHERE path = ?", (path,))
        self.conn.executemany(
            "INSERT INTO folder_problems(path, reason, seen_at) VALUES (?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET reason = excluded.reason, seen_at = excluded.seen_at",
            [(path, reason, now) for path, reason in problems.items()],
        )


def _is_under(path: str, root: str) -> bool:
    root = root.rstrip(os.sep) or os.sep
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def _chunks(items: list, n: int) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
