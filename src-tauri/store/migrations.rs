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
    // 7 — the Dashboard: mentions tallied per UTC day and per UTC hour and
    // platform, and the same per watch, so a year is summed from a few
    // thousand tallies instead of every mention (whole days from the daily
    // tallies, the hours at the edges of the owner's local days from the
    // hourly ones). A tally's day is `substr(created_at, 1, 10)`, its hour
    // `substr(created_at, 1, 13)`. `tallied.through` is the last mention id
    // counted: newer mentions are added by `store::dashboard::catch_up` (no
    // trigger on inserting mentions: one makes every insert keep a statement
    // journal over the table's many indexes, measured at 2-3 times the cost
    // of storing), while changes to counted mentions (triage, the owner's
    // corrections, erasure) and their watches are kept by triggers. Ids at or
    // below `through` must never be reused for new mentions, so deleting the
    // newest mentions lowers it.
    // `first_contacts`: each contacted mention's wait for its first contact
    // (outbound outreach that happened, not merely planned, at or after the
    // post), kept by triggers on outreach, which the owner writes by hand.
    // Open complaints are counted from an index that holds only them.
    r#"

    CREATE TABLE mention_hours (
        hour TEXT NOT NULL,
        platform TEXT NOT NULL,
        complaint INTEGER NOT NULL DEFAULT 0,
        negative INTEGER NOT NULL DEFAULT 0,
        neutral INTEGER NOT NULL DEFAULT 0,
        positive INTEGER NOT NULL DEFAULT 0,
        unscored INTEGER NOT NULL DEFAULT 0,
        sentiment_sum REAL NOT NULL DEFAULT 0,
        sentiment_n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, platform)
    ) WITHOUT ROWID;

    CREATE TABLE watch_hours (
        watch_id INTEGER NOT NULL,
        hour TEXT NOT NULL,
        platform TEXT NOT NULL,
        complaint INTEGER NOT NULL DEFAULT 0,
        negative INTEGER NOT NULL DEFAULT 0,
        neutral INTEGER NOT NULL DEFAULT 0,
        positive INTEGER NOT NULL DEFAULT 0,
        unscored INTEGER NOT NULL DEFAULT 0,
        sentiment_sum REAL NOT NULL DEFAULT 0,
        sentiment_n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (watch_id, hour, platform)
    ) WITHOUT ROWID;

    CREATE TABLE mention_days (
        day TEXT NOT NULL,
        platform TEXT NOT NULL,
        complaint INTEGER NOT NULL DEFAULT 0,
        negative INTEGER NOT NULL DEFAULT 0,
        neutral INTEGER NOT NULL DEFAULT 0,
        positive INTEGER NOT NULL DEFAULT 0,
        unscored INTEGER NOT NULL DEFAULT 0,
        sentiment_sum REAL NOT NULL DEFAULT 0,
        sentiment_n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, platform)
    ) WITHOUT ROWID;

    CREATE TABLE watch_days (
        watch_id INTEGER NOT NULL,
        day TEXT NOT NULL,
        platform TEXT NOT NULL,
        complaint INTEGER NOT NULL DEFAULT 0,
        negative INTEGER NOT NULL DEFAULT 0,
        neutral INTEGER NOT NULL DEFAULT 0,
        positive INTEGER NOT NULL DEFAULT 0,
        unscored INTEGER NOT NULL DEFAULT 0,
        sentiment_sum REAL NOT NULL DEFAULT 0,
        sentiment_n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (watch_id, day, platform)
    ) WITHOUT ROWID;

    CREATE TABLE tallied (through INTEGER NOT NULL);
    INSERT INTO tallied VALUES (0);

    CREATE TRIGGER mention_tallies_update
    AFTER UPDATE OF created_at, platform, label, sentiment ON mentions
    WHEN old.id <= (SELECT through FROM tallied) BEGIN
        UPDATE mention_hours SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE hour = substr(old.created_at, 1, 13) AND platform = old.platform;
        INSERT INTO mention_hours VALUES (
            substr(new.created_at, 1, 13), new.platform,
            new.label IS 'complaint', new.label IS 'negative', new.label IS 'neutral',
            new.label IS 'positive',
            new.label IS NULL OR new.label NOT IN ('complaint', 'negative', 'neutral', 'positive'),
            coalesce(new.sentiment, 0), new.sentiment IS NOT NULL)
        ON CONFLICT (hour, platform) DO UPDATE SET
            complaint = complaint + excluded.complaint, negative = negative + excluded.negative,
            neutral = neutral + excluded.neutral, positive = positive + excluded.positive,
            unscored = unscored + excluded.unscored,
            sentiment_sum = sentiment_sum + excluded.sentiment_sum,
            sentiment_n = sentiment_n + excluded.sentiment_n;
        UPDATE watch_hours SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE hour = substr(old.created_at, 1, 13) AND platform = old.platform
          AND watch_id IN (SELECT watch_id FROM mention_watches WHERE mention_id = old.id);
        INSERT INTO watch_hours
        SELECT watch_id, substr(new.created_at, 1, 13), new.platform,
            new.label IS 'complaint', new.label IS 'negative', new.label IS 'neutral',
            new.label IS 'positive',
            new.label IS NULL OR new.label NOT IN ('complaint', 'negative', 'neutral', 'positive'),
            coalesce(new.sentiment, 0), new.sentiment IS NOT NULL
        FROM mention_watches WHERE mention_id = new.id
        ON CONFLICT (watch_id, hour, platform) DO UPDATE SET
            complaint = complaint + excluded.complaint, negative = negative + excluded.negative,
            neutral = neutral + excluded.neutral, positive = positive + excluded.positive,
            unscored = unscored + excluded.unscored,
            sentiment_sum = sentiment_sum + excluded.sentiment_sum,
            sentiment_n = sentiment_n + excluded.sentiment_n;
        UPDATE mention_days SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE day = substr(old.created_at, 1, 10) AND platform = old.platform;
        INSERT INTO mention_days VALUES (
            substr(new.created_at, 1, 10), new.platform,
            new.label IS 'complaint', new.label IS 'negative', new.label IS 'neutral',
            new.label IS 'positive',
            new.label IS NULL OR new.label NOT IN ('complaint', 'negative', 'neutral', 'positive'),
            coalesce(new.sentiment, 0), new.sentiment IS NOT NULL)
        ON CONFLICT (day, platform) DO UPDATE SET
            complaint = complaint + excluded.complaint, negative = negative + excluded.negative,
            neutral = neutral + excluded.neutral, positive = positive + excluded.positive,
            unscored = unscored + excluded.unscored,
            sentiment_sum = sentiment_sum + excluded.sentiment_sum,
            sentiment_n = sentiment_n + excluded.sentiment_n;
        UPDATE watch_days SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE day = substr(old.created_at, 1, 10) AND platform = old.platform
          AND watch_id IN (SELECT watch_id FROM mention_watches WHERE mention_id = old.id);
        INSERT INTO watch_days
        SELECT watch_id, substr(new.created_at, 1, 10), new.platform,
            new.label IS 'complaint', new.label IS 'negative', new.label IS 'neutral',
            new.label IS 'positive',
            new.label IS NULL OR new.label NOT IN ('complaint', 'negative', 'neutral', 'positive'),
            coalesce(new.sentiment, 0), new.sentiment IS NOT NULL
        FROM mention_watches WHERE mention_id = new.id
        ON CONFLICT (watch_id, day, platform) DO UPDATE SET
            complaint = complaint + excluded.complaint, negative = negative + excluded.negative,
            neutral = neutral + excluded.neutral, positive = positive + excluded.positive,
            unscored = unscored + excluded.unscored,
            sentiment_sum = sentiment_sum + excluded.sentiment_sum,
            sentiment_n = sentiment_n + excluded.sentiment_n;
    END;

    -- Before the delete, while the mention's watches are still linked; the
    -- links' own delete trigger then finds no mention and subtracts nothing.
    CREATE TRIGGER mention_tallies_delete BEFORE DELETE ON mentions
    WHEN old.id <= (SELECT through FROM tallied) BEGIN
        UPDATE mention_hours SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE hour = substr(old.created_at, 1, 13) AND platform = old.platform;
        UPDATE watch_hours SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE hour = substr(old.created_at, 1, 13) AND platform = old.platform
          AND watch_id IN (SELECT watch_id FROM mention_watches WHERE mention_id = old.id);
        UPDATE mention_days SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE day = substr(old.created_at, 1, 10) AND platform = old.platform;
        UPDATE watch_days SET
            complaint = complaint - (old.label IS 'complaint'),
            negative = negative - (old.label IS 'negative'),
            neutral = neutral - (old.label IS 'neutral'),
            positive = positive - (old.label IS 'positive'),
            unscored = unscored - (old.label IS NULL OR old.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(old.sentiment, 0),
            sentiment_n = sentiment_n - (old.sentiment IS NOT NULL)
        WHERE day = substr(old.created_at, 1, 10) AND platform = old.platform
          AND watch_id IN (SELECT watch_id FROM mention_watches WHERE mention_id = old.id);
    END;

    CREATE TRIGGER tallied_below_new_ids AFTER DELETE ON mentions
    WHEN old.id <= (SELECT through FROM tallied) BEGIN
        UPDATE tallied SET through = min(through, (SELECT coalesce(max(id), 0) FROM mentions));
    END;

    CREATE TRIGGER watch_tallies_link AFTER INSERT ON mention_watches
    WHEN new.mention_id <= (SELECT through FROM tallied) BEGIN
        INSERT INTO watch_hours
        SELECT new.watch_id, substr(m.created_at, 1, 13), m.platform,
            m.label IS 'complaint', m.label IS 'negative', m.label IS 'neutral',
            m.label IS 'positive',
            m.label IS NULL OR m.label NOT IN ('complaint', 'negative', 'neutral', 'positive'),
            coalesce(m.sentiment, 0), m.sentiment IS NOT NULL
        FROM mentions m WHERE m.id = new.mention_id
        ON CONFLICT (watch_id, hour, platform) DO UPDATE SET
            complaint = complaint + excluded.complaint, negative = negative + excluded.negative,
            neutral = neutral + excluded.neutral, positive = positive + excluded.positive,
            unscored = unscored + excluded.unscored,
            sentiment_sum = sentiment_sum + excluded.sentiment_sum,
            sentiment_n = sentiment_n + excluded.sentiment_n;
        INSERT INTO watch_days
        SELECT new.watch_id, substr(m.created_at, 1, 10), m.platform,
            m.label IS 'complaint', m.label IS 'negative', m.label IS 'neutral',
            m.label IS 'positive',
            m.label IS NULL OR m.label NOT IN ('complaint', 'negative', 'neutral', 'positive'),
            coalesce(m.sentiment, 0), m.sentiment IS NOT NULL
        FROM mentions m WHERE m.id = new.mention_id
        ON CONFLICT (watch_id, day, platform) DO UPDATE SET
            complaint = complaint + excluded.complaint, negative = negative + excluded.negative,
            neutral = neutral + excluded.neutral, positive = positive + excluded.positive,
            unscored = unscored + excluded.unscored,
            sentiment_sum = sentiment_sum + excluded.sentiment_sum,
            sentiment_n = sentiment_n + excluded.sentiment_n;
    END;

    CREATE TRIGGER watch_tallies_unlink AFTER DELETE ON mention_watches
    WHEN old.mention_id <= (SELECT through FROM tallied) BEGIN
        UPDATE watch_hours SET
            complaint = complaint - (m.label IS 'complaint'),
            negative = negative - (m.label IS 'negative'),
            neutral = neutral - (m.label IS 'neutral'),
            positive = positive - (m.label IS 'positive'),
            unscored = unscored - (m.label IS NULL OR m.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(m.sentiment, 0),
            sentiment_n = sentiment_n - (m.sentiment IS NOT NULL)
        FROM (SELECT created_at, platform, label, sentiment FROM mentions WHERE id = old.mention_id) AS m
        WHERE watch_hours.watch_id = old.watch_id
          AND watch_hours.hour = substr(m.created_at, 1, 13)
          AND watch_hours.platform = m.platform;
        UPDATE watch_days SET
            complaint = complaint - (m.label IS 'complaint'),
            negative = negative - (m.label IS 'negative'),
            neutral = neutral - (m.label IS 'neutral'),
            positive = positive - (m.label IS 'positive'),
            unscored = unscored - (m.label IS NULL OR m.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
            sentiment_sum = sentiment_sum - coalesce(m.sentiment, 0),
            sentiment_n = sentiment_n - (m.sentiment IS NOT NULL)
        FROM (SELECT created_at, platform, label, sentiment FROM mentions WHERE id = old.mention_id) AS m
        WHERE watch_days.watch_id = old.watch_id
          AND watch_days.day = substr(m.created_at, 1, 10)
          AND watch_days.platform = m.platform;
    END;

    CREATE TRIGGER watch_tallies_forget AFTER DELETE ON watches BEGIN
        DELETE FROM watch_hours WHERE watch_id = old.id;
        DELETE FROM watch_days WHERE watch_id = old.id;
    END;

    CREATE TABLE first_contacts (
        mention_id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        platform TEXT NOT NULL,
        wait_secs INTEGER NOT NULL
    );
    CREATE INDEX first_contacts_time ON first_contacts (created_at);

    -- Whenever a mention's outreach or its time changes: its first contact again.
    CREATE VIEW first_contact_of AS
    SELECT m.id AS mention_id, m.created_at, m.platform,
        min(unixepoch(o.occurred_at) - unixepoch(m.created_at)) AS wait_secs
    FROM mentions m JOIN outreach o ON o.mention_id = m.id
    WHERE o.direction = 'outbound' AND o.status <> 'planned'
      AND unixepoch(o.occurred_at) >= unixepoch(m.created_at)
    GROUP BY m.id;

    INSERT INTO first_contacts SELECT * FROM first_contact_of;

    CREATE TRIGGER first_contacts_insert AFTER INSERT ON outreach
    WHEN new.mention_id IS NOT NULL BEGIN
        DELETE FROM first_contacts WHERE mention_id = new.mention_id;
        INSERT INTO first_contacts SELECT * FROM first_contact_of WHERE mention_id = new.mention_id;
    END;

    CREATE TRIGGER first_contacts_delete AFTER DELETE ON outreach
    WHEN old.mention_id IS NOT NULL BEGIN
        DELETE FROM first_contacts WHERE mention_id = old.mention_id;
        INSERT INTO first_contacts SELECT * FROM first_contact_of WHERE mention_id = old.mention_id;
    END;

    CREATE TRIGGER first_contacts_update AFTER UPDATE ON outreach BEGIN
        DELETE FROM first_contacts WHERE mention_id IN (old.mention_id, new.mention_id);
        INSERT INTO first_contacts SELECT * FROM first_contact_of
        WHERE mention_id IN (old.mention_id, new.mention_id);
    END;

    CREATE TRIGGER first_contacts_moved AFTER UPDATE OF created_at, platform ON mentions
    WHEN EXISTS (SELECT 1 FROM first_contacts WHERE mention_id = new.id) BEGIN
        DELETE FROM first_contacts WHERE mention_id = new.id;
        INSERT INTO first_contacts SELECT * FROM first_contact_of WHERE mention_id = new.id;
    END;

    CREATE TRIGGER first_contacts_gone AFTER DELETE ON mentions BEGIN
        DELETE FROM first_contacts WHERE mention_id = old.id;
    END;

    CREATE INDEX mentions_open_complaints ON mentions (platform)
        WHERE label = 'complaint' AND status IN ('new', 'needs_reply');
    "#,
    // 8 — the outreach log's guardrails (#5): edits kept as revisions, templates,
    // linked handles (one person across platforms), access and erasure
    // requests, follow-up reminders, and the rest of the legitimate-interests
    // note (necessity, balance) beside each watch's purpose.
    r#"
    ALTER TABLE outreach ADD COLUMN updated_at TEXT;
    ALTER TABLE outreach ADD COLUMN reminded_at TEXT;
    CREATE INDEX outreach_follow_up ON outreach (follow_up_at) WHERE follow_up_at IS NOT NULL;
    CREATE INDEX outreach_mention ON outreach (mention_id) WHERE mention_id IS NOT NULL;

    -- Every change to an outreach record: the values before the change.
    CREATE TABLE outreach_revisions (
        id INTEGER PRIMARY KEY,
        outreach_id INTEGER NOT NULL REFERENCES outreach(id) ON DELETE CASCADE,
        changed_at TEXT NOT NULL,
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT
    );
    CREATE INDEX outreach_revisions_of ON outreach_revisions (outreach_id, id);

    CREATE TABLE outreach_templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        builtin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    -- Handles the owner says belong to one person (links, not profiles).
    CREATE TABLE person_handles (
        platform TEXT NOT NULL,
        handle TEXT NOT NULL,
        person_id INTEGER NOT NULL,
        PRIMARY KEY (platform, handle)
    ) WITHOUT ROWID;
    CREATE INDEX person_handles_person ON person_handles (person_id);

    CREATE TABLE privacy_requests (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('access', 'erasure')),
        platform TEXT NOT NULL,
        -- NULL once the person's data is erased; the hash stays.
        handle TEXT,
        handle_hash TEXT NOT NULL,
        received_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
        completed_at TEXT,
        result TEXT
    );

    ALTER TABLE watches ADD COLUMN necessity TEXT;
    ALTER TABLE watches ADD COLUMN balance TEXT;
    "#,
    // 9 — faster search while typing: the full-text index's own list of
    // words (no storage of its own), so a word being typed is spelled out
    // as the words it starts, which FTS5 reads lazily where a prefix query
    // reads every match at once.
    r#"
    CREATE VIRTUAL TABLE mentions_words USING fts5vocab(mentions_fts, row);
    "#,
    // 10 — "most unhappy first" for a common word: each mention's unhappiness,
    // status, label and platform packed three bytes an id in blocks of 256
    // ids (see store::facets). `through` is the last id packed: newer ones
    // are packed by `store::facets::catch_up` where mentions are stored (no
    // trigger on inserting, as in 7), changes to packed ones by the triggers
    // here (whose entry must match facets::REBUILD's). Ids at or below
    // `through` are never reused, so deleting the newest lowers it. A
    // database with mentions is packed when it is opened after upgrading.
    r#"
    CREATE TABLE facet_codes (
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        code INTEGER NOT NULL,
        PRIMARY KEY (kind, value)
    ) WITHOUT ROWID;
    INSERT INTO facet_codes (kind, value, code) VALUES
        ('status', 'new', 0), ('status', 'needs_reply', 1), ('status', 'contacted', 2),
        ('status', 'resolved', 3), ('status', 'ignored', 4),
        ('label', 'complaint', 1), ('label', 'negative', 2), ('label', 'neutral', 3),
        ('label', 'positive', 4),
        ('platform', 'rss', 1), ('platform', 'google_alerts', 2), ('platform', 'x', 3),
        ('platform', 'facebook', 4), ('platform', 'instagram', 5), ('platform', 'youtube', 6),
        ('platform', 'reddit', 7), ('platform', 'mastodon', 8), ('platform', 'bluesky', 9),
        ('platform', 'hacker_news', 10), ('platform', 'google_reviews', 11),
        ('platform', 'trustpilot', 12), ('platform', 'yelp', 13);

    CREATE TABLE facet_blocks (block INTEGER PRIMARY KEY, keys BLOB NOT NULL);
    CREATE TABLE facet_blocks_through (through INTEGER NOT NULL);
    INSERT INTO facet_blocks_through (through) VALUES (0);

    CREATE TRIGGER facet_blocks_update AFTER UPDATE OF concern, status, label, platform ON mentions
    WHEN new.id <= (SELECT through FROM facet_blocks_through) BEGIN
        INSERT OR IGNORE INTO facet_blocks (block, keys) VALUES (new.id >> 8, zeroblob(768));
        UPDATE facet_blocks SET keys = CAST(substr(keys, 1, 3 * (new.id & 255)) || unhex(printf('%02x%02x%02x',
            CASE WHEN new.concern IS NULL THEN 0
                 ELSE 1 + CAST(max(0.0, min(1.0, new.concern)) * 254 AS INTEGER) END,
            128 | coalesce((SELECT code FROM facet_codes WHERE kind = 'status' AND value = new.status), 7)
                | (CASE WHEN new.label IS NULL THEN 0
                        ELSE coalesce((SELECT code FROM facet_codes WHERE kind = 'label' AND value = new.label), 7)
                   END << 3),
            coalesce((SELECT code FROM facet_codes WHERE kind = 'platform' AND value = new.platform), 0)
        )) || substr(keys, 3 * (new.id & 255) + 4) AS BLOB)
        WHERE block = new.id >> 8;
    END;

    CREATE TRIGGER facet_blocks_delete AFTER DELETE ON mentions
    WHEN old.id <= (SELECT through FROM facet_blocks_through) BEGIN
        UPDATE facet_blocks SET keys = CAST(substr(keys, 1, 3 * (old.id & 255)) || x'000000'
            || substr(keys, 3 * (old.id & 255) + 4) AS BLOB)
        WHERE block = old.id >> 8;
        UPDATE facet_blocks_through SET through = min(through, (SELECT coalesce(max(id), 0) FROM mentions));
    END;
    "#,
    // 11 — "newest first" for a common word: each packed entry also holds
    // the mention's time (seconds since 1970, four bytes; 4294967295 when
    // out of that range), so entries are seven bytes, and each block keeps
    // the newest and oldest time of its mentions, so the blocks can be
    // visited newest first and a block too old for the page (or outside the
    // dates asked for) is never read. A change of time widens the bounds
    // (they need only hold every mention, not be tight); a delete leaves
    // them. The blocks are packed again when the database is next opened.
    r#"
    ALTER TABLE facet_blocks ADD COLUMN newest INTEGER;
    ALTER TABLE facet_blocks ADD COLUMN oldest INTEGER;
    CREATE INDEX facet_blocks_newest ON facet_blocks (newest, oldest);

    DROP TRIGGER facet_blocks_update;
    CREATE TRIGGER facet_blocks_update
    AFTER UPDATE OF concern, status, label, platform, created_at ON mentions
    WHEN new.id <= (SELECT through FROM facet_blocks_through) BEGIN
        INSERT OR IGNORE INTO facet_blocks (block, keys) VALUES (new.id >> 8, zeroblob(1792));
        UPDATE facet_blocks SET keys = CAST(substr(keys, 1, 7 * (new.id & 255)) || unhex(printf('%02x%02x%02x%08x',
            CASE WHEN new.concern IS NULL THEN 0
                 ELSE 1 + CAST(max(0.0, min(1.0, new.concern)) * 254 AS INTEGER) END,
            128 | coalesce((SELECT code FROM facet_codes WHERE kind = 'status' AND value = new.status), 7)
                | (CASE WHEN new.label IS NULL THEN 0
                        ELSE coalesce((SELECT code FROM facet_codes WHERE kind = 'label' AND value = new.label), 7)
                   END << 3),
            coalesce((SELECT code FROM facet_codes WHERE kind = 'platform' AND value = new.platform), 0),
            coalesce(CASE WHEN unixepoch(new.created_at) BETWEEN 0 AND 4294967294
                          THEN unixepoch(new.created_at) END, 4294967295)
        )) || substr(keys, 7 * (new.id & 255) + 8) AS BLOB)
        WHERE block = new.id >> 8;
        UPDATE facet_blocks SET
            newest = max(coalesce(newest, 0), coalesce(CASE WHEN unixepoch(new.created_at) BETWEEN 0 AND 4294967294
                                                           THEN unixepoch(new.created_at) END, 4294967295)),
            oldest = min(coalesce(oldest, 4294967295), coalesce(CASE WHEN unixepoch(new.created_at) BETWEEN 0 AND 4294967294
                                                                   THEN unixepoch(new.created_at) END, 4294967295))
        WHERE block = new.id >> 8;
    END;

    DROP TRIGGER facet_blocks_delete;
    CREATE TRIGGER facet_blocks_delete AFTER DELETE ON mentions
    WHEN old.id <= (SELECT through FROM facet_blocks_through) BEGIN
        UPDATE facet_blocks SET keys = CAST(substr(keys, 1, 7 * (old.id & 255)) || x'00000000000000'
            || substr(keys, 7 * (old.id & 255) + 8) AS BLOB)
        WHERE block = old.id >> 8;
        UPDATE facet_blocks_through SET through = min(through, (SELECT coalesce(max(id), 0) FROM mentions));
    END;

    DELETE FROM facet_blocks;
    UPDATE facet_blocks_through SET through = 0;
    "#,
    // 12 — faster ingest (#3): the CHECK on `mentions.status` as `=`
    // comparisons. Written `status IN (five values)`, it made SQLite build a
    // temporary table of the five for every row inserted or updated: about
    // a sixth of the ingest writer's instructions (callgrind over the ingest
    // bench), and a fifth of a plain insert's time. The rule is the same, so
    // no row changes; only the table's definition is rewritten, in
    // [`STEPS_IN_CODE`], by SQLite's documented procedure for changing a
    // constraint ("Making Other Kinds Of Table Schema Changes").
    "",
];

/// Migrations, or parts of one, that SQL alone can't write: run after the
/// SQL of the same number, in its transaction.
const STEPS_IN_CODE: &[(i64, StepInCode)] = &[(12, status_check_without_in)];

type StepInCode = fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>;

const STATUS_IN: &str =
    "CHECK (status IN ('new', 'needs_reply', 'contacted', 'resolved', 'ignored'))";
const STATUS_EQUALS: &str = "CHECK (status = 'new' OR status = 'needs_reply' \
     OR status = 'contacted' OR status = 'resolved' OR status = 'ignored')";

/// Migration 12: `STATUS_IN` becomes `STATUS_EQUALS` in the stored
/// definition of `mentions`. A definition without `STATUS_IN` exactly once
/// (not made by these migrations) is left as it is: the change only saves
/// time. As SQLite's documentation lays out: the schema made writable, the
/// one row's `sql` updated, the schema version raised by one so every
/// connection reads the definition again, the schema made read-only.
fn status_check_without_in(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'mentions'",
        [],
        |r| r.get(0),
    )?;
    if sql.matches(STATUS_IN).count() != 1 {
        return Ok(());
    }
    let schema_version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    let rewritten = tx
        .execute(
            "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'mentions'",
            [sql.replacen(STATUS_IN, STATUS_EQUALS, 1)],
        )
        .and_then(|_| tx.pragma_update(None, "schema_version", schema_version + 1));
    // Read-only again whatever happened (the setting outlives the
    // transaction); on an error the transaction is rolled back.
    tx.pragma_update(None, "writable_schema", false)?;
    rewritten
}

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
            .and_then(|_| {
                STEPS_IN_CODE
                    .iter()
                    .filter(|(at, _)| *at == v)
                    .try_for_each(|(_, step)| step(&tx))
            })
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
    fn migration_7_counts_the_open_complaints_and_first_contacts_made_by_version_6() {
        let mut conn = db_at(6);
        conn.execute_batch(
            "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at, label, status)
             VALUES ('x', '1', 'No refund yet', '2026-03-01T10:00:00Z', 't', 'complaint', 'new');
             INSERT INTO outreach (mention_id, platform, author_handle, channel, message, status, occurred_at, created_at)
             VALUES (1, 'x', 'sam', 'public_reply', 'Sorry', 'sent', '2026-03-01T11:00:00Z', 't');",
        )
        .unwrap();
        migrate_to(&mut conn, 7).unwrap();
        let open: i64 = conn
            .query_row(
                "SELECT count(*) FROM mentions INDEXED BY mentions_open_complaints
                 WHERE label = 'complaint' AND status IN ('new', 'needs_reply')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // The contact already logged is its first contact, an hour after the post.
        let wait: i64 = conn
            .query_row(
                "SELECT wait_secs FROM first_contacts WHERE mention_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!((open, wait), (1, 3600));
        // The existing mention is not tallied yet: the Dashboard's first catch-up counts it.
        let through: i64 = conn
            .query_row("SELECT through FROM tallied", [], |r| r.get(0))
            .unwrap();
        assert_eq!(through, 0);
    }

    #[test]
    fn migration_11_packs_times_when_a_database_made_by_version_10_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::store::DB_FILE);
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 10).unwrap();
            for (i, at) in ["2026-03-01T10:00:00Z", "2026-05-02T08:00:00Z"]
                .iter()
                .enumerate()
            {
                conn.execute(
                    "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at, status)
                     VALUES ('x', ?1, 'No refund yet', ?2, 't', 'new')",
                    rusqlite::params![i.to_string(), at],
                )
                .unwrap();
            }
            // Version 10 packed three bytes an id, without times.
            conn.execute_batch(
                "INSERT INTO facet_blocks (block, keys) VALUES (0, zeroblob(768));
                 UPDATE facet_blocks_through SET through = 2;",
            )
            .unwrap();
        }
        let store = crate::store::Store::open_in(dir.path()).unwrap();
        let (keys, newest, oldest, through): (Vec<u8>, i64, i64, i64) = store
            .read(|c| {
                c.query_row(
                    "SELECT keys, newest, oldest, (SELECT through FROM facet_blocks_through)
                     FROM facet_blocks WHERE block = 0",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .map_err(|e| Error::Database(e.to_string()))
            })
            .unwrap();
        assert_eq!((keys.len(), through), (256 * 7, 2));
        // 2026-03-01T10:00:00Z and 2026-05-02T08:00:00Z.
        assert_eq!((oldest, newest), (1_772_359_200, 1_777_708_800));
        assert_eq!(&keys[7..14], &[0, 128, 3, 0x69, 0xa4, 0x0e, 0x20]);
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

    /// The stored definition of `mentions`.
    fn mentions_sql(conn: &Connection) -> String {
        conn.query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'mentions'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    }

    /// The opcodes SQLite runs for `sql`.
    fn opcodes(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
        let ops = stmt.query_map([], |r| r.get::<_, String>(1)).unwrap();
        ops.map(|op| op.unwrap()).collect()
    }

    #[test]
    fn migration_12_keeps_the_status_rule_without_a_temporary_table_per_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearken.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrate_to(&mut conn, 11).unwrap();
        conn.execute_batch(
            "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at, status)
             VALUES ('rss', 'a', 'kept', 't', 't', 'resolved');",
        )
        .unwrap();
        // Another connection, open across the change, as the app's readers are.
        let reader = Connection::open(&path).unwrap();
        let count = |c: &Connection| {
            c.query_row("SELECT count(*) FROM mentions", [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        assert_eq!(count(&reader), 1);
        let insert = "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at)
                      VALUES ('rss', 'b', 'x', 't', 't')";
        let set_status = "UPDATE mentions SET status = 'ignored' WHERE id = 1";
        // What the change is for: before it, each row built a temporary table.
        assert!(opcodes(&conn, insert).contains(&"OpenEphemeral".to_string()));
        migrate_to(&mut conn, 12).unwrap();
        // EXPLAIN doesn't check the schema version; a statement run does,
        // and reads the definition again when it has changed.
        for c in [&conn, &reader] {
            assert_eq!(count(c), 1);
            for sql in [insert, set_status] {
                assert!(
                    !opcodes(c, sql).contains(&"OpenEphemeral".to_string()),
                    "{sql}"
                );
            }
        }
        // The stored definition has the new rule; the schema is read-only again.
        let stored = mentions_sql(&conn);
        assert!(stored.contains(STATUS_EQUALS) && !stored.contains("IN ("));
        assert!(!conn
            .query_row::<bool, _, _>("PRAGMA writable_schema", [], |r| r.get(0))
            .unwrap());
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        // The rule still holds, for inserts and updates, and the row is kept.
        conn.execute(insert, []).unwrap();
        conn.execute(set_status, []).unwrap();
        let refused = |sql: &str| {
            let err = conn.execute(sql, []).unwrap_err().to_string();
            assert!(err.contains("CHECK constraint failed"), "{err}");
        };
        refused(
            "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at, status)
             VALUES ('rss', 'c', 'x', 't', 't', 'archived')",
        );
        refused("UPDATE mentions SET status = 'NEW' WHERE id = 2");
        let rows: Vec<(String, String)> = conn
            .prepare("SELECT text, status FROM mentions ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            rows,
            [
                ("kept".to_string(), "ignored".to_string()),
                ("x".to_string(), "new".to_string())
            ]
        );
    }

    #[test]
    fn migration_12_failing_leaves_version_11_whole_and_the_schema_read_only() {
        let mut conn = db_at(11);
        let before = mentions_sql(&conn);
        // SQLite's defensive mode refuses edits to the schema table.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
            .unwrap();
        let err = migrate_to(&mut conn, 12).unwrap_err().to_string();
        assert!(
            err.contains("upgrading the database to version 12")
                && err.contains("may not be modified"),
            "{err}"
        );
        assert_eq!(version(&conn).unwrap(), 11);
        assert!(!conn
            .query_row::<bool, _, _>("PRAGMA writable_schema", [], |r| r.get(0))
            .unwrap());
        let after = mentions_sql(&conn);
        assert_eq!(after, before);
        // Once SQLite allows it, the upgrade goes through.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, false)
            .unwrap();
        migrate_to(&mut conn, 12).unwrap();
        assert_eq!(version(&conn).unwrap(), 12);
    }

    #[test]
    fn migration_12_leaves_a_definition_it_does_not_recognise() {
        let mut conn = db_at(11);
        let before = mentions_sql(&conn);
        // As if the CHECK had been changed by hand: written out twice.
        let tx = conn.transaction().unwrap();
        let doubled = before.replacen(STATUS_IN, &format!("{STATUS_IN} {STATUS_IN}"), 1);
        let v: i64 = tx
            .pragma_query_value(None, "schema_version", |r| r.get(0))
            .unwrap();
        tx.pragma_update(None, "writable_schema", true).unwrap();
        tx.execute(
            "UPDATE sqlite_schema SET sql = ?1 WHERE name = 'mentions'",
            [&doubled],
        )
        .unwrap();
        tx.pragma_update(None, "schema_version", v + 1).unwrap();
        tx.pragma_update(None, "writable_schema", false).unwrap();
        tx.commit().unwrap();
        migrate_to(&mut conn, 12).unwrap();
        assert_eq!(version(&conn).unwrap(), 12);
        let after = mentions_sql(&conn);
        assert_eq!(after, doubled);
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
