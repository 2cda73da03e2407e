//! The `outreach` table: every contact the business makes with a customer.
//! (The outreach log and its guardrails grow here; for now the sample
//! workspace stores its history through `insert`.)

use rusqlite::{params, Connection, Transaction};
use serde::Serialize;

use super::SqlResult;
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct OutreachRecord {
    pub mention_id: Option<i64>,
    pub platform: String,
    pub author_handle: String,
    pub channel: String,
    pub message: String,
    pub status: String,
    pub occurred_at: String,
    pub follow_up_at: Option<String>,
    pub outcome: Option<String>,
    pub notice_given: bool,
    pub notes: Option<String>,
}

pub fn insert(tx: &Transaction<'_>, o: &OutreachRecord, now: &str) -> Result<i64> {
    tx.execute(
        "INSERT INTO outreach (mention_id, platform, author_handle, channel, message, status,
             occurred_at, follow_up_at, outcome, notice_given, notes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            o.mention_id,
            o.platform,
            o.author_handle,
            o.channel,
            o.message,
            o.status,
            o.occurred_at,
            o.follow_up_at,
            o.outcome,
            o.notice_given,
            o.notes,
            now
        ],
    )
    .db()?;
    Ok(tx.last_insert_rowid())
}

pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM outreach", [], |r| r.get(0))
        .db()
}

pub fn all(conn: &Connection) -> Result<Vec<OutreachRecord>> {
    let mut stmt = conn
        .prepare(
            "SELECT mention_id, platform, author_handle, channel, message, status, occurred_at,
                 follow_up_at, outcome, notice_given, notes
             FROM outreach ORDER BY occurred_at, id",
        )
        .db()?;
    let rows = stmt
        .query_map([], |r| {
            Ok(OutreachRecord {
                mention_id: r.get(0)?,
                platform: r.get(1)?,
                author_handle: r.get(2)?,
                channel: r.get(3)?,
                message: r.get(4)?,
                status: r.get(5)?,
                occurred_at: r.get(6)?,
                follow_up_at: r.get(7)?,
                outcome: r.get(8)?,
                notice_given: r.get(9)?,
                notes: r.get(10)?,
            })
        })
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}
