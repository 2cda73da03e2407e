//! The `outreach` table: every contact the business makes with a customer,
//! with its revisions (every change, old and new value) and follow-up
//! reminders. The rules for what may be recorded live in `crate::outreach`;
//! this file reads and writes rows and works out what a record shows
//! (first contact without the notice, promotional words, a follow-up due).

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;

use super::people::{self, Links, PersonKey};
use super::SqlResult;
use crate::error::{Error, Result};
use crate::model::{
    Channel, HandleRef, Outreach, OutreachQuery, OutreachRevision, OutreachStatus, Platform,
};

/// The transparency notice Hearken suggests until the owner writes their own
/// (the Privacy settings keep it under `notice_template`). Placeholders:
/// {platform}, {business}, {days}, {contact}.
pub fn default_notice_template() -> &'static str {
    "We saw your post on {platform} because {business} reads public posts that mention us, so we can help when something has gone wrong. We keep your post and our messages only as long as we need them to help you; posts we don't act on are deleted after {days} days. If you'd rather we didn't contact you, just say so or contact {contact}, and we won't get in touch again."
}

/// Settings keys the notice is filled from.
pub const NOTICE_TEMPLATE_KEY: &str = "notice_template";
pub const MENTION_DAYS_KEY: &str = "retention_mention_days";
pub const DEFAULT_MENTION_DAYS: u32 = 90;

/// The owner's notice template, or Hearken's.
pub fn notice_template(conn: &Connection) -> Result<String> {
    Ok(super::settings::get_value(conn, NOTICE_TEMPLATE_KEY)?
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| default_notice_template().to_string()))
}

/// How long un-actioned mentions are kept, in days.
pub fn mention_days(conn: &Connection) -> Result<u32> {
    Ok(super::settings::get_value(conn, MENTION_DAYS_KEY)?
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_MENTION_DAYS))
}

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

/// Every record as stored, oldest first (the workspace export).
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

/// A record as stored, before what it shows is worked out.
#[derive(Debug, Clone, PartialEq)]
pub struct OutreachRow {
    pub id: i64,
    pub mention_id: Option<i64>,
    pub platform: Platform,
    pub handle: String,
    pub channel: Channel,
    pub message: String,
    pub status: OutreachStatus,
    pub occurred_at: String,
    pub follow_up_at: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub notice_given: bool,
    pub created_at: String,
    pub updated_at: Option<String>,
    pub revisions: i64,
}

const COLUMNS: &str = "o.id, o.mention_id, o.platform, o.author_handle, o.channel, o.message, \
    o.status, o.occurred_at, o.follow_up_at, o.outcome, o.notes, o.notice_given, o.created_at, \
    o.updated_at, (SELECT count(*) FROM outreach_revisions r WHERE r.outreach_id = o.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutreachRow> {
    let platform: String = r.get(2)?;
    let channel: String = r.get(4)?;
    let status: String = r.get(6)?;
    Ok(OutreachRow {
        id: r.get(0)?,
        mention_id: r.get(1)?,
        platform: Platform::parse(&platform).unwrap_or(Platform::Rss),
        handle: r.get(3)?,
        // The table's CHECK constraints allow only these names.
        channel: Channel::parse(&channel).unwrap_or(Channel::PublicReply),
        message: r.get(5)?,
        status: OutreachStatus::parse(&status).unwrap_or(OutreachStatus::Sent),
        occurred_at: r.get(7)?,
        follow_up_at: r.get(8)?,
        outcome: r.get(9)?,
        notes: r.get(10)?,
        notice_given: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        revisions: r.get(14)?,
    })
}

fn rows_where(conn: &Connection, clause: &str, args: Vec<Value>) -> Result<Vec<OutreachRow>> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM outreach o {clause}"))
        .db()?;
    let rows = stmt.query_map(params_from_iter(args), from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

pub fn get(conn: &Connection, id: i64) -> Result<OutreachRow> {
    rows_where(conn, "WHERE o.id = ?1", vec![Value::Integer(id)])?
        .pop()
        .ok_or_else(|| Error::NotFound(format!("Outreach record {id}")))
}

/// The records logged from one mention, oldest first.
pub fn for_mention(conn: &Connection, mention_id: i64) -> Result<Vec<OutreachRow>> {
    rows_where(
        conn,
        "WHERE o.mention_id = ?1 ORDER BY o.occurred_at, o.id",
        vec![Value::Integer(mention_id)],
    )
}

/// The ids of the records to any of these handles, compared in
/// `people::key` form (the log is small enough to read whole).
fn ids_for(conn: &Connection, handles: &[HandleRef]) -> Result<Vec<i64>> {
    let wanted: Vec<(Platform, String)> = handles
        .iter()
        .map(|h| (h.platform, people::key(&h.handle)))
        .collect();
    let mut stmt = conn
        .prepare_cached("SELECT id, platform, author_handle FROM outreach")
        .db()?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .db()?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, platform, handle) = row.db()?;
        let Some(platform) = Platform::parse(&platform) else {
            continue;
        };
        if wanted.contains(&(platform, people::key(&handle))) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// `o.id IN (…)` for the records to these handles.
fn person_clause(conn: &Connection, handles: &[HandleRef]) -> Result<String> {
    let ids = ids_for(conn, handles)?;
    Ok(if ids.is_empty() {
        "0".into()
    } else {
        format!(
            "o.id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        )
    })
}

/// The records to any of these handles, oldest first.
pub fn for_handles(conn: &Connection, handles: &[HandleRef]) -> Result<Vec<OutreachRow>> {
    let clause = person_clause(conn, handles)?;
    rows_where(
        conn,
        &format!("WHERE {clause} ORDER BY o.occurred_at, o.id"),
        Vec::new(),
    )
}

/// Every record, newest first (the outreach export).
pub fn all_rows(conn: &Connection) -> Result<Vec<OutreachRow>> {
    rows_where(conn, "ORDER BY o.occurred_at DESC, o.id DESC", Vec::new())
}

const CLOSED: &str = "('resolved', 'no_response', 'declined')";

fn due_clause(now_arg: usize) -> String {
    format!(
        "o.follow_up_at IS NOT NULL AND o.follow_up_at <= ?{now_arg} AND o.status NOT IN {CLOSED}"
    )
}

/// A page of records for the filters, newest first; the number matching;
/// and the number of follow-ups due now whatever the filters. `person` is
/// the person's handles (the one asked for and those linked to it).
pub fn query(
    conn: &Connection,
    q: &OutreachQuery,
    person: Option<&[HandleRef]>,
    now: &str,
) -> Result<(Vec<OutreachRow>, i64, i64)> {
    let mut args: Vec<Value> = vec![Value::Text(now.to_string())];
    let mut conds: Vec<String> = Vec::new();
    if !q.statuses.is_empty() {
        let marks: Vec<String> = q
            .statuses
            .iter()
            .map(|s| {
                args.push(Value::Text(s.as_str().into()));
                format!("?{}", args.len())
            })
            .collect();
        conds.push(format!("o.status IN ({})", marks.join(", ")));
    }
    if !q.channels.is_empty() {
        let marks: Vec<String> = q
            .channels
            .iter()
            .map(|c| {
                args.push(Value::Text(c.as_str().into()));
                format!("?{}", args.len())
            })
            .collect();
        conds.push(format!("o.channel IN ({})", marks.join(", ")));
    }
    if q.due_only {
        conds.push(due_clause(1));
    }
    if let Some(handles) = person {
        conds.push(person_clause(conn, handles)?);
    }
    let filter = if conds.is_empty() {
        // ?1 (now) must appear in every statement that binds it.
        "WHERE ?1 IS NOT NULL".to_string()
    } else {
        format!("WHERE ?1 IS NOT NULL AND {}", conds.join(" AND "))
    };
    let total: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM outreach o {filter}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )
        .db()?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let offset = q.offset.unwrap_or(0).max(0);
    let rows = rows_where(
        conn,
        &format!("{filter} ORDER BY o.occurred_at DESC, o.id DESC LIMIT {limit} OFFSET {offset}"),
        args,
    )?;
    Ok((rows, total, due_count(conn, now)?))
}

/// Follow-ups due now: the date has passed and the outreach is not closed.
pub fn due_count(conn: &Connection, now: &str) -> Result<i64> {
    conn.query_row(
        &format!("SELECT count(*) FROM outreach o WHERE {}", due_clause(1)),
        [now],
        |r| r.get(0),
    )
    .db()
}

/// Marks the follow-ups that became due since the last reminder as
/// reminded; returns how many there were.
pub fn take_due_reminders(tx: &Transaction<'_>, now: &str) -> Result<i64> {
    let n = tx
        .execute(
            &format!(
                "UPDATE outreach AS o SET reminded_at = ?1
                 WHERE o.reminded_at IS NULL AND {}",
                due_clause(1)
            ),
            [now],
        )
        .db()?;
    Ok(n as i64)
}

/// For each person, their first contact that happened (not merely planned):
/// (occurred_at, id).
#[derive(Debug, Default)]
pub struct FirstContacts {
    links: Links,
    first: HashMap<PersonKey, (String, i64)>,
}

impl FirstContacts {
    pub fn load(conn: &Connection) -> Result<FirstContacts> {
        let links = Links::load(conn)?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, platform, author_handle, occurred_at FROM outreach
                 WHERE status <> 'planned'",
            )
            .db()?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .db()?;
        let mut first: HashMap<PersonKey, (String, i64)> = HashMap::new();
        for row in rows {
            let (id, platform, handle, at) = row.db()?;
            let Some(platform) = Platform::parse(&platform) else {
                continue;
            };
            let person = links.person(platform, &handle);
            let candidate = (at, id);
            match first.get(&person) {
                Some(best) if *best <= candidate => {}
                _ => {
                    first.insert(person, candidate);
                }
            }
        }
        Ok(FirstContacts { links, first })
    }

    /// No contact with this person happened before `at` (a record of their
    /// own, `id`, is compared by time, then by id).
    pub fn is_first(&self, platform: Platform, handle: &str, at: &str, id: Option<i64>) -> bool {
        match self.first.get(&self.links.person(platform, handle)) {
            None => true,
            Some((first_at, first_id)) => match id {
                Some(id) => (at, id) <= (first_at.as_str(), *first_id),
                None => at < first_at.as_str(),
            },
        }
    }
}

/// What a record shows: the stored fields, plus whether it was a first
/// contact without the notice, its promotional words (DMs and email only),
/// and whether its follow-up is due.
pub fn view(row: OutreachRow, first: &FirstContacts, now: &str) -> Outreach {
    let notice_missing = !row.notice_given
        && first.is_first(row.platform, &row.handle, &row.occurred_at, Some(row.id));
    let promotional_words = if row.channel.is_private_message() {
        crate::outreach::rules::promotional_words(&row.message)
    } else {
        Vec::new()
    };
    let follow_up_due =
        !row.status.is_closed() && row.follow_up_at.as_deref().is_some_and(|f| f <= now);
    Outreach {
        id: row.id,
        mention_id: row.mention_id,
        platform: row.platform,
        handle: row.handle,
        channel: row.channel,
        message: row.message,
        status: row.status,
        occurred_at: row.occurred_at,
        follow_up_at: row.follow_up_at,
        outcome: row.outcome,
        notes: row.notes,
        notice_given: row.notice_given,
        notice_missing,
        promotional_words,
        follow_up_due,
        revisions: row.revisions,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// `view` for many rows at once.
pub fn views(conn: &Connection, rows: Vec<OutreachRow>, now: &str) -> Result<Vec<Outreach>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let first = FirstContacts::load(conn)?;
    Ok(rows.into_iter().map(|r| view(r, &first, now)).collect())
}

/// One field's new value, as a change to a record writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The column (and the revision's field name).
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Applies changes to one record: each field's new value, one revision row
/// per field with the value before and after, and `updated_at`. A new
/// follow-up date is reminded of afresh.
pub fn apply_changes(
    tx: &Transaction<'_>,
    id: i64,
    changes: &[FieldChange],
    now: &str,
) -> Result<()> {
    for c in changes {
        // Field names come from a fixed list in the caller, never from input.
        let column = match c.field {
            "status" | "channel" | "message" | "occurred_at" | "follow_up_at" | "outcome"
            | "notes" => c.field,
            "notice_given" => "notice_given",
            other => return Err(Error::internal(format!("unknown outreach field {other}"))),
        };
        if column == "notice_given" {
            tx.execute(
                "UPDATE outreach SET notice_given = ?2 WHERE id = ?1",
                params![id, c.new.as_deref() == Some("yes")],
            )
            .db()?;
        } else {
            tx.execute(
                &format!("UPDATE outreach SET {column} = ?2 WHERE id = ?1"),
                params![id, c.new],
            )
            .db()?;
        }
        if column == "follow_up_at" {
            tx.execute("UPDATE outreach SET reminded_at = NULL WHERE id = ?1", [id])
                .db()?;
        }
        tx.execute(
            "INSERT INTO outreach_revisions (outreach_id, changed_at, field, old_value, new_value)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, now, c.field, c.old, c.new],
        )
        .db()?;
    }
    if !changes.is_empty() {
        tx.execute(
            "UPDATE outreach SET updated_at = ?2 WHERE id = ?1",
            params![id, now],
        )
        .db()?;
    }
    Ok(())
}

/// A record's changes, oldest first.
pub fn revisions(conn: &Connection, id: i64) -> Result<Vec<OutreachRevision>> {
    let exists: Option<i64> = conn
        .query_row("SELECT id FROM outreach WHERE id = ?1", [id], |r| r.get(0))
        .optional()
        .db()?;
    if exists.is_none() {
        return Err(Error::NotFound(format!("Outreach record {id}")));
    }
    revisions_of(conn, id)
}

/// A record's changes, oldest first, without checking the record exists.
pub(crate) fn revisions_of(conn: &Connection, id: i64) -> Result<Vec<OutreachRevision>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT changed_at, field, old_value, new_value FROM outreach_revisions
             WHERE outreach_id = ?1 ORDER BY id",
        )
        .db()?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(OutreachRevision {
                changed_at: r.get(0)?,
                field: r.get(1)?,
                old_value: r.get(2)?,
                new_value: r.get(3)?,
            })
        })
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn record(
        platform: &str,
        handle: &str,
        status: &str,
        at: &str,
        notice: bool,
    ) -> OutreachRecord {
        OutreachRecord {
            mention_id: None,
            platform: platform.into(),
            author_handle: handle.into(),
            channel: "email".into(),
            message: "Hello".into(),
            status: status.into(),
            occurred_at: at.into(),
            follow_up_at: None,
            outcome: None,
            notice_given: notice,
            notes: None,
        }
    }

    #[test]
    fn the_first_contact_that_happened_is_the_one_that_needed_the_notice() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let ids = store
            .write(|tx| {
                Ok(vec![
                    // Planned first, but nothing was sent: not a contact.
                    insert(
                        tx,
                        &record("x", "@Jo", "planned", "2026-11-01T09:00:00Z", false),
                        "t",
                    )?,
                    insert(
                        tx,
                        &record("x", "jo", "sent", "2026-11-02T09:00:00Z", false),
                        "t",
                    )?,
                    insert(
                        tx,
                        &record("x", "JO", "replied", "2026-11-03T09:00:00Z", false),
                        "t",
                    )?,
                    // Someone else, with the notice.
                    insert(
                        tx,
                        &record("x", "al", "sent", "2026-11-02T09:00:00Z", true),
                        "t",
                    )?,
                ])
            })
            .unwrap();
        let shown = store
            .read(|c| views(c, all_rows(c)?, "2026-11-30T00:00:00Z"))
            .unwrap();
        let missing = |id: i64| shown.iter().find(|o| o.id == id).unwrap().notice_missing;
        assert!(
            missing(ids[0]),
            "a planned first message still lacks the notice"
        );
        assert!(missing(ids[1]));
        assert!(!missing(ids[2]), "not the first contact any more");
        assert!(!missing(ids[3]), "the notice was given");
        let first = store.read(FirstContacts::load).unwrap();
        assert!(!first.is_first(Platform::X, "@jo", "2026-11-05T00:00:00Z", None));
        assert!(first.is_first(Platform::X, "@jo", "2026-11-01T00:00:00Z", None));
        assert!(first.is_first(Platform::Reddit, "jo", "2026-11-05T00:00:00Z", None));
    }

    #[test]
    fn changes_keep_the_old_values_and_a_new_follow_up_is_reminded_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let id = store
            .write(|tx| {
                let mut r = record("x", "jo", "sent", "2026-11-02T09:00:00Z", true);
                r.follow_up_at = Some("2026-11-03T09:00:00Z".into());
                insert(tx, &r, "t")
            })
            .unwrap();
        let now = "2026-11-04T00:00:00Z";
        assert_eq!(store.write(|tx| take_due_reminders(tx, now)).unwrap(), 1);
        assert_eq!(store.write(|tx| take_due_reminders(tx, now)).unwrap(), 0);
        assert_eq!(store.read(|c| due_count(c, now)).unwrap(), 1);
        let changes = vec![
            FieldChange {
                field: "follow_up_at",
                old: Some("2026-11-03T09:00:00Z".into()),
                new: Some("2026-11-05T09:00:00Z".into()),
            },
            FieldChange {
                field: "notice_given",
                old: Some("yes".into()),
                new: Some("no".into()),
            },
        ];
        store
            .write(|tx| apply_changes(tx, id, &changes, "2026-11-04T01:00:00Z"))
            .unwrap();
        let row = store.read(|c| get(c, id)).unwrap();
        assert_eq!(row.follow_up_at.as_deref(), Some("2026-11-05T09:00:00Z"));
        assert!(!row.notice_given);
        assert_eq!(row.revisions, 2);
        assert_eq!(row.updated_at.as_deref(), Some("2026-11-04T01:00:00Z"));
        let history = store.read(|c| revisions(c, id)).unwrap();
        assert_eq!(history[0].field, "follow_up_at");
        assert_eq!(
            history[0].old_value.as_deref(),
            Some("2026-11-03T09:00:00Z")
        );
        assert_eq!(history[1].new_value.as_deref(), Some("no"));
        assert_eq!(
            store
                .write(|tx| take_due_reminders(tx, "2026-11-06T00:00:00Z"))
                .unwrap(),
            1,
            "the new date is reminded of"
        );
        assert_eq!(
            store.read(|c| revisions(c, 999)).unwrap_err().code(),
            "not_found"
        );
    }
}
