//! Versioned schema migrations, tracked in `PRAGMA user_version`. Each entry
//! takes a database made by the version before it; never edit a released
//! migration, add a new one.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`.
pub const MIGRATIONS: &[&str] = &[
    // 1 — listening: where mentions come from, what to listen for, the mentions.
    r#"
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        label TEXT NOT NULL COLLATE NOCASE UNIQUE,
        base_url TEXT,
        settings TEXT NOT NULL DEFAULT '{}',
        -- the keyring entry's user name; never the secret itself
        secret_ref TEXT,
        credential_rejected INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        sample INTEGER NOT NULL DEFAULT 0,
        interval_secs INTEGER NOT NULL DEFAULT 900,
        cursor TEXT,
        etag TEXT,
        last_modified TEXT,
        next_check_at TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_ok_at TEXT,
        last_checked_at TEXT,
        created_at TEXT NOT NULL
    );

    CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        terms TEXT NOT NULL DEFAULT '[]',
        include_terms TEXT NOT NULL DEFAULT '[]',
        exclude_terms TEXT NOT NULL DEFAULT '[]',
        purpose TEXT,
        legitimate_interests TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );

    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
        platform TEXT NOT NULL,
        external_id TEXT NOT NULL,
        url TEXT,
        author_id TEXT,
        author_handle TEXT,
        author_name TEXT,
        text TEXT NOT NULL,
        language TEXT,
        created_at TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        sentiment REAL,
        complaint REAL,
        label TEXT,
        status TEXT NOT NULL DEFAULT 'new'
            CHECK (status IN ('new', 'needs_reply', 'contacted', 'resolved', 'ignored')),
        UNIQUE (platform, external_id)
    );
    CREATE INDEX mentions_newest ON mentions (created_at DESC, id DESC);
    CREATE INDEX mentions_source ON mentions (source_id);
    CREATE INDEX mentions_author ON mentions (platform, author_handle);

    CREATE TABLE mention_watches (
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        PRIMARY KEY (mention_id, watch_id)
    ) WITHOUT ROWID;

    CREATE VIRTUAL TABLE mentions_fts USING fts5(
        text, author_name, author_handle,
        content = 'mentions', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts (rowid, text, author_name, author_handle)
        VALUES (new.id, new.text, new.author_name, new.author_handle);
    END;
    CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts (mentions_fts, rowid, text, author_name, author_handle)
        VALUES ('delete', old.id, old.text, old.author_name, old.author_handle);
    END;
    CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text, author_name, author_handle ON mentions BEGIN
        INSERT INTO mentions_fts (mentions_fts, rowid, text, author_name, author_handle)
        VALUES ('delete', old.id, old.text, old.author_name, old.author_handle);
        INSERT INTO mentions_fts (rowid, text, author_name, author_handle)
        VALUES (new.id, new.text, new.author_name, new.author_handle);
    END;
    "#,
    // 2 — care: outreach, do-not-contact, audit, the customer guide, settings.
    r#"
    CREATE TABLE outreach (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,
        platform TEXT NOT NULL,
        author_handle TEXT NOT NULL,
        channel TEXT NOT NULL
            CHECK (channel IN ('public_reply', 'direct_message', 'email', 'phone', 'in_person')),
        direction TEXT NOT NULL DEFAULT 'outbound' CHECK (direction IN ('outbound', 'inbound')),
        message TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('planned', 'sent', 'replied', 'resolved', 'no_response', 'declined')),
        occurred_at TEXT NOT NULL,
        follow_up_at TEXT,
        outcome TEXT,
        notice_given INTEGER NOT NULL DEFAULT 0,
        notes TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX outreach_person ON outreach (platform, author_handle);

    CREATE TABLE suppression (
        id INTEGER PRIMARY KEY,
        platform TEXT,
        handle TEXT,
        -- keyed hash of platform + handle: what survives erasure
        handle_hash TEXT NOT NULL UNIQUE,
        reason TEXT,
        since TEXT NOT NULL
    );

    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT,
        prev_hash TEXT,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END;
    CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END;

    CREATE TABLE guide_sessions (
        code TEXT PRIMARY KEY,
        platforms TEXT NOT NULL DEFAULT '[]',
        progress TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 3 — the customer guide: frozen step lists, a position, and the owner's own
    // steps and hidden steps, kept apart from the shipped guides so they
    // survive guide updates.
    r#"
    ALTER TABLE guide_sessions ADD COLUMN goal TEXT;
    ALTER TABLE guide_sessions ADD COLUMN step_ids TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE guide_sessions ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE guide_custom_steps (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        title TEXT NOT NULL,
        where_app TEXT NOT NULL,
        where_web TEXT NOT NULL,
        why TEXT NOT NULL,
        what_changes TEXT NOT NULL,
        strength TEXT NOT NULL CHECK (strength IN ('basic', 'strong')),
        goals TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE guide_hidden_steps (
        step_id TEXT PRIMARY KEY,
        hidden_at TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 4 — listening on every platform: edited posts, rationed platforms'
    // spending per period, rate-limit waits, and finding a watch's mentions.
    r#"
    ALTER TABLE mentions ADD COLUMN edited_at TEXT;
    ALTER TABLE sources ADD COLUMN rate_limited_until TEXT;

    CREATE TABLE source_usage (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        -- '2026-11' for a month, '2026-11-30' for a day
        period TEXT NOT NULL,
        units INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source_id, period)
    ) WITHOUT ROWID;

    CREATE INDEX mention_watches_watch ON mention_watches (watch_id, mention_id);
    CREATE UNIQUE INDEX watches_name ON watches (name COLLATE NOCASE);
    "#,
    // 5 — faster ingest: new mentions are added to the full-text index by
    // the code that stores them, in the same transaction. From a trigger,
    // FTS5 flushes its pending terms at every statement's savepoint, writing
    // a segment per row (measured: half the ingest rate). Deletes and edits
    // are rare and keep their triggers.
    r#"
    DROP TRIGGER mentions_fts_insert;
    "#,
    // 6 — triage: scores, the reasons a mention was flagged, the owner's
    // corrections (kept, never overwritten by re-scoring), seen/unread, and
    // indexes for the Inbox's filters and "most unhappy first" order.
    // `label` is the label shown (the owner's if corrected); `model_label`
    // what triage said; `scored_with` the model version, so mentions stored
    // before (or by an older model) are scored again in the background.
    r#"
    ALTER TABLE mentions ADD COLUMN model_label TEXT;
    ALTER TABLE mentions ADD COLUMN corrected_at TEXT;
    ALTER TABLE mentions ADD COLUMN concern REAL;
    ALTER TABLE mentions ADD COLUMN reasons TEXT;
    ALTER TABLE mentions ADD COLUMN scored_with TEXT;
    ALTER TABLE mentions ADD COLUMN seen_at TEXT;
    ALTER TABLE mentions ADD COLUMN status_changed_at TEXT;

    CREATE TABLE label_corrections (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        from_label TEXT,
        to_label TEXT NOT NULL
            CHECK (to_label IN ('complaint', 'negative', 'neutral', 'positive')),
        corrected_at TEXT NOT NULL
    );
    CREATE INDEX label_corrections_mention ON label_corrections (mention_id);

    -- The Inbox's indexes, measured on a million mentions (benches/search.rs).
    -- Each order's index carries status, platform, label and concern, so a
    -- filtered walk down it reads no table rows (4x faster than the bare
    -- index). mentions_facets answers "how many" for any mix of status,
    -- platform and label range by range: an index per column left SQLite
    -- reading a table row per candidate (0.3-0.8 s for one count).
    -- Unscored mentions (no concern yet) sort last: the unhappy key is an
    -- expression so one index range serves every keyset page, where
    -- "concern DESC ... OR concern IS NULL" would make SQLite scan from the top.
    DROP INDEX mentions_newest;
    CREATE INDEX mentions_newest
        ON mentions (created_at DESC, id DESC, status, platform, label, concern);
    CREATE INDEX mentions_unhappiest
        ON mentions (coalesce(concern, -1.0) DESC, created_at DESC, id DESC, status, platform, label);
    CREATE INDEX mentions_facets
        ON mentions (status, platform, label, created_at DESC, id DESC, concern);
    CREATE INDEX mentions_unread ON mentions (label) WHERE seen_at IS NULL;
    CREATE INDEX mentions_unscored ON mentions (scored_with);
    "#,
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the database up to `target`, one migration per transaction.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current = version(conn).map_err(|e| Error::Database(e.to_string()))?;
    if current > LATEST {
        return Err(Error::DatabaseTooNew {
            found: current,
            supported: LATEST,
        });
    }
    for v in (current + 1)..=target.min(LATEST) {
        let tx = conn
            .transaction()
            .map_err(|e| Error::Database(e.to_string()))?;
        tx.execute_batch(MIGRATIONS[(v - 1) as usize])
            .and_then(|_| tx.pragma_update(None, "user_version", v))
            .and_then(|_| tx.commit())
            .map_err(|e| Error::Database(format!("upgrading the database to version {v}: {e}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_at(version: i64) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, version).unwrap();
        conn
    }

    #[test]
    fn a_new_database_reaches_the_latest_version() {
        let conn = db_at(LATEST);
        assert_eq!(version(&conn).unwrap(), LATEST);
    }

    #[test]
    fn migration_2_keeps_what_version_1_stored() {
        let mut conn = db_at(1);
        conn.execute_batch(
            "INSERT INTO sources (platform, label, created_at) VALUES ('rss', 'Blog', '2026-01-01T00:00:00Z');
             INSERT INTO mentions (source_id, platform, external_id, text, created_at, fetched_at)
             VALUES (1, 'rss', 'a', 'Lovely shop', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        migrate_to(&mut conn, 2).unwrap();
        assert_eq!(version(&conn).unwrap(), 2);
        let text: String = conn
            .query_row(
                "SELECT text FROM mentions WHERE external_id = 'a'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(text, "Lovely shop");
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'lovely'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 1);
        conn.execute(
            "INSERT INTO outreach (mention_id, platform, author_handle, channel, message, status, occurred_at, created_at)
             VALUES (1, 'rss', 'someone', 'email', 'Thanks!', 'sent', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')",
            [],
        )
        .unwrap();
    }

    #[test]
    fn migration_3_keeps_guide_sessions_made_by_version_2() {
        let mut conn = db_at(2);
        conn.execute(
            "INSERT INTO guide_sessions (code, platforms, progress, created_at, updated_at)
             VALUES ('ABCD2345', '[\"x\"]', '{}', 't', 't')",
            [],
        )
        .unwrap();
        migrate_to(&mut conn, 3).unwrap();
        let (platforms, position, step_ids): (String, i64, String) = conn
            .query_row(
                "SELECT platforms, position, step_ids FROM guide_sessions WHERE code = 'ABCD2345'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (platforms.as_str(), position, step_ids.as_str()),
            ("[\"x\"]", 0, "[]")
        );
        conn.execute(
            "INSERT INTO guide_hidden_steps (step_id, hidden_at) VALUES ('x-protect-posts', 't')",
            [],
        )
        .unwrap();
    }

    #[test]
    fn migration_4_keeps_mentions_and_watches_made_by_version_3() {
        let mut conn = db_at(3);
        conn.execute_batch(
            "INSERT INTO sources (platform, label, created_at) VALUES ('x', 'X search', 't');
             INSERT INTO mentions (source_id, platform, external_id, text, created_at, fetched_at)
             VALUES (1, 'x', '1850', 'Still no refund', 't', 't');
             INSERT INTO watches (name, terms, purpose, created_at) VALUES ('Shop', '[\"pedal\"]', 'care', 't');
             INSERT INTO mention_watches VALUES (1, 1);",
        )
        .unwrap();
        migrate_to(&mut conn, 4).unwrap();
        let (text, edited): (String, Option<String>) = conn
            .query_row("SELECT text, edited_at FROM mentions", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((text.as_str(), edited), ("Still no refund", None));
        conn.execute(
            "INSERT INTO source_usage (source_id, period, units) VALUES (1, '2026-11', 40)",
            [],
        )
        .unwrap();
        // Removing the source takes its usage rows with it.
        conn.execute_batch("PRAGMA foreign_keys = ON; DELETE FROM sources WHERE id = 1;")
            .unwrap();
        let usage: i64 = conn
            .query_row("SELECT count(*) FROM source_usage", [], |r| r.get(0))
            .unwrap();
        assert_eq!(usage, 0);
    }

    #[test]
    fn migration_5_leaves_the_index_of_existing_mentions_whole() {
        let mut conn = db_at(4);
        conn.execute(
            "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at)
             VALUES ('x', '1', 'Rude staff at the counter', 't', 't')",
            [],
        )
        .unwrap();
        migrate_to(&mut conn, 5).unwrap();
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'rude'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 1);
        // Deleting still takes the mention out of the index.
        conn.execute("DELETE FROM mentions", []).unwrap();
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'rude'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 0);
    }

    #[test]
    fn every_migration_applies_to_the_database_made_by_the_one_before() {
        for v in 1..=LATEST {
            let mut conn = db_at(v - 1);
            migrate_to(&mut conn, v).unwrap();
            assert_eq!(version(&conn).unwrap(), v);
        }
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_untouched() {
        let mut conn = db_at(LATEST);
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        let err = migrate_to(&mut conn, LATEST).unwrap_err();
        assert_eq!(err.code(), "database_too_new");
        assert_eq!(version(&conn).unwrap(), LATEST + 1);
    }

    #[test]
    fn the_audit_trail_refuses_edits_and_deletes() {
        let conn = db_at(LATEST);
        conn.execute(
            "INSERT INTO audit (at, actor, action, hash) VALUES ('t', 'owner', 'export', 'h')",
            [],
        )
        .unwrap();
        assert!(conn.execute("UPDATE audit SET action = 'x'", []).is_err());
        assert!(conn.execute("DELETE FROM audit", []).is_err());
    }
}
