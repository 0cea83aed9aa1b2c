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
    # 4: one truth for the caches. catalog.id names this catalog (a vector index written for
    # another catalog is rebuilt); seq.last is the monotonic embedding write counter (max(seq)
    # goes back when rows are deleted, and the vector indexes read "everything after seq N");
    # photos.last_id keeps photo ids from being reused after deletes (a reused id would inherit
    # a stale vector in the graph). folder_problems records folders a scan could not read, so
    # `status` shows them until they are readable again.
    """
    INSERT OR IGNORE INTO meta(key, value) VALUES ('catalog.id', lower(hex(randomblob(16))));
    INSERT OR REPLACE INTO meta(key, value)
        VALUES ('seq.last', (SELECT CAST(coalesce(max(seq), 0) AS TEXT) FROM embeddings));
    INSERT OR REPLACE INTO meta(key, value)
        VALUES ('photos.last_id', (SELECT CAST(coalesce(max(id), 0) AS TEXT) FROM photos));
    CREATE TABLE folder_problems (
        path TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        seen_at REAL NOT NULL
    );
    """,
    # 5: switching models without losing search. models.model_key stays the model that answers
    # searches; target_key is the one being switched to. Its vectors are staged here until every
    # indexed photo has one, then they replace the old ones in one transaction.
    """
    ALTER TABLE models ADD COLUMN target_key TEXT;
    ALTER TABLE models ADD COLUMN target_dim INTEGER;
    CREATE TABLE staged_embeddings (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        space TEXT NOT NULL,
        model_key TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (photo_id, space)
    ) WITHOUT ROWID;
    """,
    # 6: duplicates (owned by photoindex/core/duplicates.py). photo_facts: what a duplicate finder
    # knows of an indexed photo beyond the photos row (sharpness: variance of the Laplacian of a
    # small decode; camera: EXIF make and model; checked: its neighbours were looked at).
    # dup_hashes: two 64-bit pHashes per photo (variant 0: the whole picture, 1: its central 92%,
    # so that a cropped copy matches), split into three bands (22/21/21 bits) that are indexed: a
    # multi-index, so that a Hamming search looks at a few buckets, never at every photo.
    # dup_pairs: confirmed pairs (a < b; kind 0 exact, 1 near, 2 similar, the strongest kept).
    # cleanups / cleanup_files: what the last clean-ups moved to the Trash, for undo.
    """
    CREATE TABLE photo_facts (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        sharpness REAL,
        camera TEXT,
        checked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX photo_facts_unchecked ON photo_facts(checked) WHERE checked = 0;
    CREATE TABLE dup_hashes (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        variant INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        b0 INTEGER NOT NULL,
        b1 INTEGER NOT NULL,
        b2 INTEGER NOT NULL,
        PRIMARY KEY (photo_id, variant)
    ) WITHOUT ROWID;
    CREATE INDEX dup_hashes_b0 ON dup_hashes(b0);
    CREATE INDEX dup_hashes_b1 ON dup_hashes(b1);
    CREATE INDEX dup_hashes_b2 ON dup_hashes(b2);
    CREATE TABLE dup_pairs (
        a INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        b INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),
        score REAL NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    CREATE INDEX dup_pairs_b ON dup_pairs(b);
    CREATE TABLE cleanups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        made_at REAL NOT NULL,
        undone_at REAL
    );
    CREATE TABLE cleanup_files (
        cleanup_id INTEGER NOT NULL REFERENCES cleanups(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        trashed_path TEXT,
        info_path TEXT,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        hash TEXT,
        PRIMARY KEY (cleanup_id, path)
    );
    """,
    # 6 -> 7: a person's photos are read from the index alone (a name in the query filters to
    # that person: 36 ms for a name shared by 22 people at 100k photos through faces_person).
    """
    CREATE INDEX faces_person_photo ON faces(person_id, photo_id);
    DROP INDEX faces_person;
    """,
    # 7 -> 8: browsing a big library reads indexes, not the table (figures at 100,000 photos):
    # - photos_ok_date holds what the timeline shows, in its order: the first screenful is its
    #   first 600 entries (0.7 ms, not a sort of every row: 47 ms), all of them 144 ms (not 270);
    # - photos_ok_path holds a folder's photos with what their dates are made of: a folder of
    #   10,000 in 33 ms (45 through the path index and the table), its first 600 in 8.5 ms (22);
    # - photos_ok_folder: the folder tree's counts in 24 ms (95-120).
    # photos_status made the planner (no ANALYZE statistics) pick it for status = 'ok', which is
    # nearly every row; partial indexes keep the rare states quick to find. The date expression
    # must stay the one Catalog._DATE writes, or photos_ok_date is not used (a test checks).
    """
    CREATE INDEX photos_ok_date ON photos(coalesce(taken_at, mtime_ns / 1e9), id, path) WHERE status = 'ok';
    CREATE INDEX photos_ok_path ON photos(path, taken_at, mtime_ns) WHERE status = 'ok';
    CREATE INDEX photos_ok_folder ON photos(folder) WHERE status = 'ok';
    CREATE INDEX photos_pending ON photos(id) WHERE status = 'pending';
    CREATE INDEX photos_failed ON photos(path) WHERE status = 'failed';
    DROP INDEX photos_status;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
