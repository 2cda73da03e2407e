//! The audit trail: append-only and tamper-evident. Each entry carries the
//! hash of the one before it, and its own hash covers its id, its fields and
//! that link, so an edited, deleted or inserted row breaks the chain where it
//! happened. The newest entry's id and hash are also kept in `settings`, so
//! cutting entries off the end is noticed too. Triggers refuse UPDATE and
//! DELETE through SQLite; the hashes catch changes made around SQLite.
//!
//! Entries never carry a handle or a message: subjects are ids or keyed
//! hashes, so erasing a person leaves nothing about them here.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::SqlResult;
use crate::error::Result;
use crate::model::{AuditEntry, AuditVerification};

const HEAD_KEY: &str = "audit_head";

/// Who acted: the owner through the app or the CLI, or Hearken itself (the daily purge).
pub const OWNER: &str = "owner";
pub const HEARKEN: &str = "hearken";

fn entry_hash(
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    detail: Option<&str>,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields, so no two different entries hash the same text.
    for part in [
        id.to_string().as_str(),
        at,
        actor,
        action,
        subject.unwrap_or("\u{0}none"),
        detail.unwrap_or("\u{0}none"),
        prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one entry in the caller's transaction, so the entry and the change
/// it records are saved together or not at all.
pub fn append(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    detail: Option<&str>,
    at: &str,
) -> Result<AuditEntry> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .db()?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, String::new()),
    };
    let hash = entry_hash(id, at, actor, action, subject, detail, &prev_hash);
    tx.execute(
        "INSERT INTO audit (id, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, at, actor, action, subject, detail, prev_hash, hash],
    )
    .db()?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![HEAD_KEY, format!("{id}:{hash}")],
    )
    .db()?;
    Ok(AuditEntry {
        id,
        at: at.to_string(),
        actor: actor.to_string(),
        action: action.to_string(),
        subject: subject.map(str::to_string),
        detail: detail.map(str::to_string),
    })
}

/// Newest first, `limit` entries older than `before` (or the newest).
pub fn list(conn: &Connection, before: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, at, actor, action, subject, detail FROM audit
             WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
        )
        .db()?;
    let rows = stmt
        .query_map(
            params![before.unwrap_or(i64::MAX), limit.clamp(1, 1000)],
            |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    detail: r.get(5)?,
                })
            },
        )
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .db()
}

/// Walks the whole chain and reports the first broken link.
pub fn verify(conn: &Connection) -> Result<AuditVerification> {
    type Row = (
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let mut stmt = conn
        .prepare(
            "SELECT id, at, actor, action, subject, detail, prev_hash, hash
             FROM audit ORDER BY id",
        )
        .db()?;
    let mut rows = stmt.query([]).db()?;
    let mut expected_id = 1i64;
    let mut prev = String::new();
    let mut entries = 0i64;
    let broken = |id: i64, entries: i64, why: &str| {
        AuditVerification {
        ok: false,
        entries,
        first_broken: Some(id),
        message: format!(
            "The audit trail has been tampered with: entry {id} {why}. Entries before it are intact. Keep a copy of the data folder as it is, and restore a backup if you have one."
        ),
    }
    };
    while let Some(r) = rows.next().db()? {
        let row: Row = (
            r.get(0).db()?,
            r.get(1).db()?,
            r.get(2).db()?,
            r.get(3).db()?,
            r.get(4).db()?,
            r.get(5).db()?,
            r.get(6).db()?,
            r.get(7).db()?,
        );
        let (id, at, actor, action, subject, detail, prev_hash, hash) = row;
        if id != expected_id {
            return Ok(broken(expected_id, entries, "is missing (it was deleted)"));
        }
        if prev_hash.as_deref().unwrap_or("") != prev {
            return Ok(broken(id, entries, "does not follow the entry before it"));
        }
        let again = entry_hash(
            id,
            &at,
            &actor,
            &action,
            subject.as_deref(),
            detail.as_deref(),
            &prev,
        );
        if again != hash {
            return Ok(broken(id, entries, "was changed after it was written"));
        }
        prev = hash;
        expected_id = id + 1;
        entries += 1;
    }
    let head: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [HEAD_KEY],
            |r| r.get(0),
        )
        .optional()
        .db()?;
    let last_id = expected_id - 1;
    let head_ok = match head {
        None => entries == 0,
        Some(h) => h == format!("{last_id}:{prev}"),
    };
    if !head_ok {
        return Ok(broken(
            expected_id,
            entries,
            "and any after it are missing (the newest entries were removed)",
        ));
    }
    Ok(AuditVerification {
        ok: true,
        entries,
        first_broken: None,
        message: if entries == 0 {
            "The audit trail is empty: nothing has been recorded yet.".into()
        } else {
            format!(
                "The audit trail is intact: all {entries} entries link up, from the first to the newest."
            )
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn store_with(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        store
            .write(|tx| {
                for i in 0..n {
                    append(
                        tx,
                        OWNER,
                        "outreach_logged",
                        Some(&format!("outreach:{i}")),
                        Some("channel=email"),
                        &format!("2026-11-30T10:00:{i:02}Z"),
                    )?;
                }
                Ok(())
            })
            .unwrap();
        (dir, store)
    }

    /// Tampers the way someone with the file would: around the triggers.
    fn tamper(store: &Store, sql: &str) {
        store
            .write(|tx| {
                tx.execute_batch(&format!(
                    "DROP TRIGGER audit_is_append_only_update;
                     DROP TRIGGER audit_is_append_only_delete;
                     {sql}"
                ))
                .db()
            })
            .unwrap();
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (_d, store) = store_with(5);
        let v = store.read(verify).unwrap();
        assert!(v.ok, "{}", v.message);
        assert_eq!(v.entries, 5);
        assert_eq!(v.first_broken, None);
        let (_d, empty) = store_with(0);
        assert!(empty.read(verify).unwrap().ok);
    }

    #[test]
    fn an_edited_entry_is_the_first_broken_link() {
        let (_d, store) = store_with(5);
        tamper(
            &store,
            "UPDATE audit SET detail = 'channel=phone' WHERE id = 3",
        );
        let v = store.read(verify).unwrap();
        assert!(!v.ok);
        assert_eq!(v.first_broken, Some(3));
        assert!(v.message.contains("entry 3"), "{}", v.message);
    }

    #[test]
    fn an_edit_that_also_rewrites_the_hash_breaks_the_next_link() {
        let (_d, store) = store_with(5);
        let h = entry_hash(
            2,
            "2026-11-30T10:00:01Z",
            OWNER,
            "outreach_logged",
            Some("outreach:1"),
            Some("channel=phone"),
            &store
                .read(|c| {
                    c.query_row("SELECT hash FROM audit WHERE id = 1", [], |r| {
                        r.get::<_, String>(0)
                    })
                    .db()
                })
                .unwrap(),
        );
        tamper(
            &store,
            &format!("UPDATE audit SET detail = 'channel=phone', hash = '{h}' WHERE id = 2"),
        );
        let v = store.read(verify).unwrap();
        assert_eq!(v.first_broken, Some(3), "{}", v.message);
    }

    #[test]
    fn a_deleted_entry_in_the_middle_or_at_the_end_is_noticed() {
        let (_d, store) = store_with(5);
        tamper(&store, "DELETE FROM audit WHERE id = 2");
        assert_eq!(store.read(verify).unwrap().first_broken, Some(2));

        let (_d, store) = store_with(5);
        tamper(&store, "DELETE FROM audit WHERE id = 5");
        let v = store.read(verify).unwrap();
        assert!(!v.ok);
        assert_eq!(v.first_broken, Some(5), "{}", v.message);
    }

    #[test]
    fn sqlite_itself_refuses_edits_and_new_entries_keep_linking() {
        let (_d, store) = store_with(2);
        let err = store.write(|tx| {
            tx.execute("UPDATE audit SET actor = 'x'", []).db()?;
            Ok(())
        });
        assert!(err.is_err());
        store
            .write(|tx| append(tx, HEARKEN, "purge", None, None, "2026-11-30T11:00:00Z"))
            .unwrap();
        let v = store.read(verify).unwrap();
        assert!(v.ok);
        assert_eq!(v.entries, 3);
        let newest = store.read(|c| list(c, None, 10)).unwrap();
        assert_eq!(
            newest.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![3, 2, 1]
        );
        assert_eq!(store.read(|c| list(c, Some(3), 1)).unwrap()[0].id, 2);
    }
}
