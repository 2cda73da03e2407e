//! `outreach_templates`: messages the owner starts from. Hearken's own
//! service templates are added once, the first time templates are asked
//! for (so a database made before templates existed gets them too); after
//! that they are the owner's to change or delete, and are not brought back.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::SqlResult;
use crate::error::{Error, Result};

/// Set once the built-in templates have been added.
const SEEDED: &str = "templates_seeded";

/// Hearken's own templates: service messages, never promotion.
/// Placeholders: {name}, {handle}, {platform}, {business}, {link}.
pub const BUILTIN: [(&str, &str); 4] = [
    (
        "Sorry, can we help?",
        "Hi {name}, I'm sorry to read this. That isn't how it should have gone, and I'd like to put it right. Could you tell me a little more about what happened, so I can look into it today? – {business}",
    ),
    (
        "Ask them to send details privately",
        "Hi {name}, thank you for telling us, and I'm sorry for the trouble. So you don't have to share your details in public, could you send us a direct message or an email with your order or job number? I'll look into it as soon as I have it. – {business}",
    ),
    (
        "Follow-up check-in",
        "Hi {name}, just checking in after we spoke: is everything sorted now? If anything still isn't right, reply here and I'll pick it up straight away. – {business}",
    ),
    (
        "Thank you",
        "Thank you, {name}! It means a lot to everyone at {business} that you took the time to say so.",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub builtin: bool,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<TemplateRow> {
    Ok(TemplateRow {
        id: r.get(0)?,
        name: r.get(1)?,
        body: r.get(2)?,
        builtin: r.get(3)?,
    })
}

pub fn seeded(conn: &Connection) -> Result<bool> {
    Ok(super::settings::get_value(conn, SEEDED)?.is_some())
}

/// Adds Hearken's templates once; a name the owner already uses is skipped.
pub fn seed_builtins(tx: &Transaction<'_>, now: &str) -> Result<()> {
    if seeded(tx)? {
        return Ok(());
    }
    for (name, body) in BUILTIN {
        tx.execute(
            "INSERT INTO outreach_templates (name, body, builtin, created_at, updated_at)
             VALUES (?1, ?2, 1, ?3, ?3) ON CONFLICT (name) DO NOTHING",
            params![name, body, now],
        )
        .db()?;
    }
    super::settings::set_value(tx, SEEDED, now)
}

/// Hearken's templates first, then the owner's, by name.
pub fn list(conn: &Connection) -> Result<Vec<TemplateRow>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, name, body, builtin FROM outreach_templates
             ORDER BY builtin DESC, name COLLATE NOCASE, id",
        )
        .db()?;
    let rows = stmt.query_map([], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

pub fn get(conn: &Connection, id: i64) -> Result<TemplateRow> {
    conn.query_row(
        "SELECT id, name, body, builtin FROM outreach_templates WHERE id = ?1",
        [id],
        from_row,
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound("That template".into()))
}

/// Adds a template, or changes one when `id` is given. Names are unique,
/// ignoring case. Returns the template's id.
pub fn save(
    tx: &Transaction<'_>,
    id: Option<i64>,
    name: &str,
    body: &str,
    now: &str,
) -> Result<i64> {
    let clash: Option<i64> = tx
        .query_row(
            "SELECT id FROM outreach_templates WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
            params![name, id],
            |r| r.get(0),
        )
        .optional()
        .db()?;
    if clash.is_some() {
        return Err(Error::invalid(format!(
            "You already have a template called \"{name}\". Give this one a different name."
        )));
    }
    match id {
        Some(id) => {
            get(tx, id)?;
            tx.execute(
                "UPDATE outreach_templates SET name = ?2, body = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, name, body, now],
            )
            .db()?;
            Ok(id)
        }
        None => {
            tx.execute(
                "INSERT INTO outreach_templates (name, body, builtin, created_at, updated_at)
                 VALUES (?1, ?2, 0, ?3, ?3)",
                params![name, body, now],
            )
            .db()?;
            Ok(tx.last_insert_rowid())
        }
    }
}

pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<()> {
    let n = tx
        .execute("DELETE FROM outreach_templates WHERE id = ?1", [id])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound("That template".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn built_in_templates_are_added_once_and_stay_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        assert!(store.read(list).unwrap().is_empty());
        store.write(|tx| seed_builtins(tx, "t1")).unwrap();
        let first = store.read(list).unwrap();
        assert_eq!(first.len(), BUILTIN.len());
        assert!(first.iter().all(|t| t.builtin));
        store.write(|tx| delete(tx, first[0].id)).unwrap();
        store.write(|tx| seed_builtins(tx, "t2")).unwrap();
        assert_eq!(store.read(list).unwrap().len(), BUILTIN.len() - 1);
        assert_eq!(
            store
                .write(|tx| delete(tx, first[0].id))
                .unwrap_err()
                .code(),
            "not_found"
        );
    }

    #[test]
    fn names_are_unique_ignoring_case_and_edits_keep_the_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let id = store
            .write(|tx| save(tx, None, "Check-in", "Hi {name}", "t"))
            .unwrap();
        let err = store
            .write(|tx| save(tx, None, "CHECK-IN", "x", "t"))
            .unwrap_err();
        assert!(err.to_string().contains("already have"), "{err}");
        // Renaming a template to its own name (in other case) is fine.
        let again = store
            .write(|tx| save(tx, Some(id), "check-in", "Hello {name}", "t2"))
            .unwrap();
        assert_eq!(again, id);
        let t = store.read(|c| get(c, id)).unwrap();
        assert_eq!(
            (t.name.as_str(), t.body.as_str()),
            ("check-in", "Hello {name}")
        );
        assert!(!t.builtin);
        assert_eq!(
            store
                .write(|tx| save(tx, Some(999), "Other", "x", "t"))
                .unwrap_err()
                .code(),
            "not_found"
        );
    }
}
