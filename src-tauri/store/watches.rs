//! The `watches` table: what Hearken listens for, and why.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::SqlResult;
use crate::error::{Error, Result};
use crate::model::{NewWatch, Watch};

const COLUMNS: &str = "w.id, w.name, w.terms, w.include_terms, w.exclude_terms, w.purpose, \
    w.legitimate_interests, w.enabled, \
    (SELECT count(*) FROM mention_watches mw WHERE mw.watch_id = w.id), w.necessity, w.balance";

fn list_of(json: String) -> Vec<String> {
    serde_json::from_str(&json).unwrap_or_default()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Watch> {
    let purpose: String = r.get::<_, Option<String>>(5)?.unwrap_or_default();
    let legitimate_interests: Option<String> = r.get(6)?;
    let necessity: Option<String> = r.get(9)?;
    let balance: Option<String> = r.get(10)?;
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    let notes_complete = !purpose.trim().is_empty()
        && filled(&legitimate_interests)
        && filled(&necessity)
        && filled(&balance);
    Ok(Watch {
        id: r.get(0)?,
        name: r.get(1)?,
        terms: list_of(r.get(2)?),
        include_terms: list_of(r.get(3)?),
        exclude_terms: list_of(r.get(4)?),
        purpose,
        legitimate_interests,
        necessity,
        balance,
        notes_complete,
        enabled: r.get(7)?,
        mention_count: r.get(8)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<Watch>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM watches w ORDER BY w.name COLLATE NOCASE"
        ))
        .db()?;
    let rows = stmt.query_map([], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// Enabled watches, without counting their mentions (for the poller).
pub fn enabled(conn: &Connection) -> Result<Vec<Watch>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT w.id, w.name, w.terms, w.include_terms, w.exclude_terms, w.purpose,
                    w.legitimate_interests, w.enabled, 0, w.necessity, w.balance
             FROM watches w WHERE w.enabled = 1 ORDER BY w.id",
        )
        .db()?;
    let rows = stmt.query_map([], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// The watches that may listen (the poller's): enabled, with their purpose
/// and whole legitimate-interests note. The others catch nothing.
pub fn listening(conn: &Connection) -> Result<Vec<Watch>> {
    Ok(enabled(conn)?
        .into_iter()
        .filter(|w| w.notes_complete)
        .collect())
}

pub fn get(conn: &Connection, id: i64) -> Result<Watch> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM watches w WHERE w.id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound(format!("Watch {id}")))
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

fn duplicate(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// Stores a checked watch; the name must be new.
pub fn insert(tx: &Transaction<'_>, w: &NewWatch, now: &str) -> Result<i64> {
    let result = tx.execute(
        "INSERT INTO watches (name, terms, include_terms, exclude_terms, purpose,
             legitimate_interests, enabled, created_at, necessity, balance)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            w.name,
            json(&w.terms),
            json(&w.include_terms),
            json(&w.exclude_terms),
            w.purpose,
            w.legitimate_interests,
            w.enabled,
            now,
            w.necessity,
            w.balance
        ],
    );
    match result {
        Err(e) if duplicate(&e) => Err(Error::invalid(format!(
            "There is already a watch called \"{}\". Choose another name.",
            w.name
        ))),
        other => {
            other.db()?;
            Ok(tx.last_insert_rowid())
        }
    }
}

pub fn update(tx: &Transaction<'_>, id: i64, w: &NewWatch) -> Result<()> {
    let result = tx.execute(
        "UPDATE watches SET name = ?2, terms = ?3, include_terms = ?4, exclude_terms = ?5,
             purpose = ?6, legitimate_interests = ?7, enabled = ?8, necessity = ?9, balance = ?10
         WHERE id = ?1",
        params![
            id,
            w.name,
            json(&w.terms),
            json(&w.include_terms),
            json(&w.exclude_terms),
            w.purpose,
            w.legitimate_interests,
            w.enabled,
            w.necessity,
            w.balance
        ],
    );
    match result {
        Err(e) if duplicate(&e) => Err(Error::invalid(format!(
            "There is already a watch called \"{}\". Choose another name.",
            w.name
        ))),
        Ok(0) => Err(Error::NotFound(format!("Watch {id}"))),
        other => {
            other.db()?;
            Ok(())
        }
    }
}

/// Deletes a watch; its mentions stay, only the link to it goes.
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<()> {
    let n = tx.execute("DELETE FROM watches WHERE id = ?1", [id]).db()?;
    if n == 0 {
        return Err(Error::NotFound(format!("Watch {id}")));
    }
    Ok(())
}

/// The names of the watches that caught a mention.
pub fn names_for_mention(conn: &Connection, mention_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT w.name FROM mention_watches mw JOIN watches w ON w.id = mw.watch_id
             WHERE mw.mention_id = ?1 ORDER BY w.name COLLATE NOCASE",
        )
        .db()?;
    let rows = stmt.query_map([mention_id], |r| r.get(0)).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}
