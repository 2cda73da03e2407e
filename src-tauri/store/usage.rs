//! `source_usage`: what each rationed source has spent per period.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::SqlResult;
use crate::error::Result;

/// Units spent by a source in a period ('2026-11' or '2026-11-30').
pub fn spent(conn: &Connection, source_id: i64, period: &str) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT units FROM source_usage WHERE source_id = ?1 AND period = ?2",
            params![source_id, period],
            |r| r.get(0),
        )
        .optional()
        .db()?
        .unwrap_or(0))
}

/// Adds units to a source's period.
pub fn add(tx: &Transaction<'_>, source_id: i64, period: &str, units: i64) -> Result<()> {
    if units <= 0 {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO source_usage (source_id, period, units) VALUES (?1, ?2, ?3)
         ON CONFLICT (source_id, period) DO UPDATE SET units = units + excluded.units",
        params![source_id, period, units],
    )
    .db()?;
    Ok(())
}
