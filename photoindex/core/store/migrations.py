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
    # 2: faces and people.
    """
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT,
        hidden INTEGER NOT NULL DEFAULT 0,
        cover_face_id INTEGER,
        centroid BLOB,
        created_at REAL NOT NULL
    );
    CREATE TABLE faces (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        x REAL NOT NULL,
        y REAL NOT NULL,
        w REAL NOT NULL,
        h REAL NOT NULL,
        landmarks BLOB,
        score REAL NOT NULL,
        descriptor BLOB NOT NULL,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        confirmed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX faces_photo ON faces(photo_id);
    CREATE INDEX faces_person ON faces(person_id);
    CREATE TABLE face_rejections (
        face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        PRIMARY KEY (face_id, person_id)
    );
    """,
    # 3: the 2-D map layout (owned by photoindex/core/layout2d.py). seq is the embedding's seq
    # when the photo was placed: a newer vector means the coordinates are stale. The meta rows
    # layout.<space>.full_at / full_count / placed_since_full describe the last full layout.
    """
    CREATE TABLE layout (
        space TEXT NOT NULL,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        x REAL NOT NULL,
        y REAL NOT NULL,
        seq INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (space, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX layout_photo ON layout(photo_id);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
