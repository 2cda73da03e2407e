//! The `sources` table: where Hearken listens, and each source's cursor and health.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::SqlResult;
use crate::error::{Error, Result};
use crate::model::{CredentialState, Platform, Source};

/// A source as stored, including the polling state the UI never needs.
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub id: i64,
    pub platform: Platform,
    pub label: String,
    pub base_url: Option<String>,
    pub settings: BTreeMap<String, String>,
    pub secret_ref: Option<String>,
    pub credential_rejected: bool,
    pub enabled: bool,
    pub sample: bool,
    pub interval_secs: i64,
    pub state: PollState,
    pub next_check_at: Option<String>,
    pub error_count: i64,
    pub last_error: Option<String>,
    pub last_ok_at: Option<String>,
    pub last_checked_at: Option<String>,
    pub rate_limited_until: Option<String>,
}

/// Where the last successful poll left off: committed together with the mentions it found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollState {
    pub cursor: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl PollState {
    /// A connector's own position, stored as JSON (read back with
    /// `FetchContext::stored_cursor`). No ETag or Last-Modified.
    pub fn with_cursor<T: serde::Serialize>(cursor: &T) -> PollState {
        PollState {
            cursor: serde_json::to_string(cursor).ok(),
            etag: None,
            last_modified: None,
        }
    }
}

/// A source about to be stored.
#[derive(Debug, Clone)]
pub struct SourceInsert {
    pub platform: Platform,
    pub label: String,
    pub base_url: Option<String>,
    pub settings: BTreeMap<String, String>,
    pub needs_secret: bool,
    pub enabled: bool,
    pub sample: bool,
    pub interval_secs: i64,
}

const COLUMNS: &str = "id, platform, label, base_url, settings, secret_ref, credential_rejected, \
    enabled, sample, interval_secs, cursor, etag, last_modified, next_check_at, error_count, \
    last_error, last_ok_at, last_checked_at, rate_limited_until";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SourceRow> {
    let platform: String = r.get(1)?;
    let settings: String = r.get(4)?;
    Ok(SourceRow {
        id: r.get(0)?,
        platform: Platform::parse(&platform).unwrap_or(Platform::Rss),
        label: r.get(2)?,
        base_url: r.get(3)?,
        settings: serde_json::from_str(&settings).unwrap_or_default(),
        secret_ref: r.get(5)?,
        credential_rejected: r.get(6)?,
        enabled: r.get(7)?,
        sample: r.get(8)?,
        interval_secs: r.get(9)?,
        state: PollState {
            cursor: r.get(10)?,
            etag: r.get(11)?,
            last_modified: r.get(12)?,
        },
        next_check_at: r.get(13)?,
        error_count: r.get(14)?,
        last_error: r.get(15)?,
        last_ok_at: r.get(16)?,
        last_checked_at: r.get(17)?,
        rate_limited_until: r.get(18)?,
    })
}

impl SourceRow {
    pub fn credential_state(&self, needs_secret: bool) -> CredentialState {
        if self.sample {
            return CredentialState::NotNeeded;
        }
        match (&self.secret_ref, self.credential_rejected) {
            (Some(_), true) => CredentialState::Rejected,
            (Some(_), false) => CredentialState::Configured,
            (None, _) if needs_secret => CredentialState::Missing,
            (None, _) => CredentialState::NotNeeded,
        }
    }

    pub fn to_view(
        &self,
        needs_secret: bool,
        mention_count: i64,
        usage: Option<crate::model::SourceUsage>,
    ) -> Source {
        Source {
            id: self.id,
            platform: self.platform,
            label: self.label.clone(),
            base_url: self.base_url.clone(),
            settings: self.settings.clone(),
            credential: self.credential_state(needs_secret),
            enabled: self.enabled,
            sample: self.sample,
            interval_secs: self.interval_secs,
            last_ok_at: self.last_ok_at.clone(),
            last_checked_at: self.last_checked_at.clone(),
            last_error: self.last_error.clone(),
            error_count: self.error_count,
            next_check_at: self.next_check_at.clone(),
            mention_count,
            usage,
            rate_limited_until: self
                .rate_limited_until
                .clone()
                .filter(|t| *t > crate::clock::now_string()),
        }
    }
}

/// The keyring entry name for a source's secret.
pub fn secret_ref_for(id: i64) -> String {
    format!("source-{id}")
}

/// The keyring entry name for a source's further secret `key` (see `SettingField::secret`).
pub fn extra_secret_ref(id: i64, key: &str) -> String {
    format!("source-{id}-{key}")
}

pub fn insert(tx: &Transaction<'_>, s: &SourceInsert, now: &str) -> Result<i64> {
    let settings = serde_json::to_string(&s.settings).map_err(Error::internal)?;
    let result = tx.execute(
        "INSERT INTO sources (platform, label, base_url, settings, enabled, sample, interval_secs, next_check_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            s.platform.as_str(),
            s.label,
            s.base_url,
            settings,
            s.enabled,
            s.sample,
            s.interval_secs,
            now
        ],
    );
    match result {
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            return Err(Error::DuplicateLabel(s.label.clone()))
        }
        other => {
            other.db()?;
        }
    }
    let id = tx.last_insert_rowid();
    if s.needs_secret {
        tx.execute(
            "UPDATE sources SET secret_ref = ?1 WHERE id = ?2",
            params![secret_ref_for(id), id],
        )
        .db()?;
    }
    Ok(id)
}

pub fn get(conn: &Connection, id: i64) -> Result<SourceRow> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM sources WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound(format!("Source {id}")))
}

pub fn list(conn: &Connection) -> Result<Vec<SourceRow>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM sources ORDER BY sample, label COLLATE NOCASE"
        ))
        .db()?;
    let rows = stmt.query_map([], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0))
        .db()
}

/// Mentions stored per source id.
pub fn mention_counts(conn: &Connection) -> Result<BTreeMap<i64, i64>> {
    let mut stmt = conn
        .prepare("SELECT source_id, count(*) FROM mentions WHERE source_id IS NOT NULL GROUP BY source_id")
        .db()?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .db()?;
    rows.collect::<rusqlite::Result<BTreeMap<_, _>>>().db()
}

/// Enabled, real (not sample) sources whose next check is due.
pub fn due(conn: &Connection, now: &str) -> Result<Vec<SourceRow>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM sources
             WHERE enabled = 1 AND sample = 0 AND (next_check_at IS NULL OR next_check_at <= ?1)
             ORDER BY next_check_at"
        ))
        .db()?;
    let rows = stmt.query_map([now], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<()> {
    let n = tx.execute("DELETE FROM sources WHERE id = ?1", [id]).db()?;
    if n == 0 {
        return Err(Error::NotFound(format!("Source {id}")));
    }
    Ok(())
}

/// Records a successful poll: new state, health reset, next check
/// scheduled; `rate_limited_until` when the platform said no calls remain.
/// `partial` is what the check couldn't read although it worked: shown as
/// the source's last problem, not counted as an error.
pub fn record_success(
    tx: &Transaction<'_>,
    id: i64,
    state: &PollState,
    now: &str,
    next_check_at: &str,
    rate_limited_until: Option<&str>,
    partial: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE sources SET cursor = ?2, etag = ?3, last_modified = ?4, error_count = 0,
             last_error = ?8, credential_rejected = 0, last_ok_at = ?5, last_checked_at = ?5,
             next_check_at = ?6, rate_limited_until = ?7
         WHERE id = ?1",
        params![
            id,
            state.cursor,
            state.etag,
            state.last_modified,
            now,
            next_check_at,
            rate_limited_until,
            partial
        ],
    )
    .db()?;
    Ok(())
}

/// Records a check that couldn't happen because the computer is offline:
/// no error is counted or shown on the source; it is due again as soon as
/// the scheduler finds the network back (while offline it only probes).
pub fn record_offline(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute(
        "UPDATE sources SET next_check_at = NULL WHERE id = ?1",
        params![id],
    )
    .db()?;
    Ok(())
}

/// Records a wait the platform imposed (a rate limit or a spending cap):
/// shown on the source, but not counted as an error.
pub fn record_wait(
    tx: &Transaction<'_>,
    id: i64,
    message: &str,
    now: &str,
    until: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE sources SET last_error = ?2, last_checked_at = ?3, next_check_at = ?4,
             rate_limited_until = ?4
         WHERE id = ?1",
        params![id, message, now, until],
    )
    .db()?;
    Ok(())
}

/// Replaces the credential flag after the owner saved a new key, and checks soon.
pub fn credential_replaced(tx: &Transaction<'_>, id: i64, now: &str) -> Result<()> {
    let n = tx
        .execute(
            "UPDATE sources SET credential_rejected = 0, error_count = 0, last_error = NULL,
                 next_check_at = ?2, rate_limited_until = NULL
             WHERE id = ?1",
            params![id, now],
        )
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(format!("Source {id}")));
    }
    Ok(())
}

/// Sets a source's settings (connector options such as a spending cap).
pub fn set_settings(
    tx: &Transaction<'_>,
    id: i64,
    settings: &BTreeMap<String, String>,
) -> Result<()> {
    let json = serde_json::to_string(settings).map_err(Error::internal)?;
    tx.execute(
        "UPDATE sources SET settings = ?2 WHERE id = ?1",
        params![id, json],
    )
    .db()?;
    Ok(())
}

/// Sets where a source points (used when the owner corrects an address).
pub fn set_base_url(tx: &Transaction<'_>, id: i64, base_url: Option<&str>) -> Result<()> {
    tx.execute(
        "UPDATE sources SET base_url = ?2, cursor = NULL, etag = NULL, last_modified = NULL
         WHERE id = ?1",
        params![id, base_url],
    )
    .db()?;
    Ok(())
}

/// Records a failed poll; the cursor is left where it was.
/// A source that may not poll yet (no watch may listen): said on the
/// source, looked at again after its interval, not counted as a failure.
pub fn record_paused(
    tx: &Transaction<'_>,
    id: i64,
    message: &str,
    now: &str,
    next_check_at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE sources SET last_error = ?2, last_checked_at = ?3, next_check_at = ?4 WHERE id = ?1",
        params![id, message, now, next_check_at],
    )
    .db()?;
    Ok(())
}

pub fn record_failure(
    tx: &Transaction<'_>,
    id: i64,
    message: &str,
    credential_rejected: bool,
    now: &str,
    next_check_at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE sources SET error_count = error_count + 1, last_error = ?2,
             credential_rejected = (credential_rejected OR ?3), last_checked_at = ?4,
             next_check_at = ?5
         WHERE id = ?1",
        params![id, message, credential_rejected, now, next_check_at],
    )
    .db()?;
    Ok(())
}
