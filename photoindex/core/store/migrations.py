"""Numbered, forward-only schema migrations.

MIGRATIONS[i] upgrades a catalog from version i to version i + 1 (PRAGMA user_version).
Never edit a migration that has shipped; append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: roots, photos, models and the embeddings that are the source of truth for every vector.
    """
    CREATE TABLE roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at REAL NOT NULL
    );
    CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        folder TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        hash TEXT,
        width INTEGER,
        height INTEGER,
        taken_at REAL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'failed')),
        error TEXT,
        indexed_at REAL
    );
    CREATE INDEX photos_hash ON photos(hash);
    CREATE INDEX photos_status ON photos(status);
    CREATE INDEX photos_folder ON photos(folder);
    CREATE TABLE models (
        space TEXT PRIMARY KEY,
        model_key TEXT NOT NULL,
        dim INTEGER NOT NULL
    );
    CREATE TABLE embeddings (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        space TEXT NOT NULL,
        model_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (photo_id, space)
    ) WITHOUT ROWID;
    CREATE INDEX embeddings_seq ON embeddings(space, seq);
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 2: faces and people (owned by photoindex/core/faces).
    """
    SELECT 1;
    """,
    # 3: the 2-D map layout (owned by photoindex/core/layout2d.py).
    """
    SELECT 1;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
