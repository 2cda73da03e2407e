//! The `mentions` table: stored posts, de-duplicated by (platform, external id).

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::SqlResult;
use crate::error::Result;
use crate::model::{Mention, MentionCursor, MentionPage, MentionStatus, Platform};

/// A mention as a connector produced it, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMention {
    pub platform: Platform,
    pub external_id: String,
    pub url: Option<String>,
    pub author_id: Option<String>,
    pub author_handle: Option<String>,
    pub author_name: Option<String>,
    pub text: String,
    pub language: Option<String>,
    /// RFC 3339 UTC, as `clock::format` writes it.
    pub created_at: String,
}

/// Inserts the mentions not stored yet; returns how many were new.
pub fn insert_new(
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    mentions: &[NewMention],
    fetched_at: &str,
) -> Result<i64> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO mentions (source_id, platform, external_id, url, author_id, author_handle,
                 author_name, text, language, created_at, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (platform, external_id) DO NOTHING",
        )
        .db()?;
    let mut added = 0;
    for m in mentions {
        added += stmt
            .execute(params![
                source_id,
                m.platform.as_str(),
                m.external_id,
                m.url,
                m.author_id,
                m.author_handle,
                m.author_name,
                m.text,
                m.language,
                m.created_at,
                fetched_at
            ])
            .db()? as i64;
    }
    Ok(added)
}

/// The stored id of a platform's post, if it is stored.
pub fn id_of(conn: &Connection, platform: &str, external_id: &str) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM mentions WHERE platform = ?1 AND external_id = ?2",
        params![platform, external_id],
        |r| r.get(0),
    )
    .optional()
    .db()
}

const COLUMNS: &str = "id, source_id, platform, external_id, url, author_handle, author_name, \
    text, language, created_at, fetched_at, sentiment, complaint, label, status";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Mention> {
    let platform: String = r.get(2)?;
    let status: String = r.get(14)?;
    Ok(Mention {
        id: r.get(0)?,
        source_id: r.get(1)?,
        platform: Platform::parse(&platform).unwrap_or(Platform::Rss),
        external_id: r.get(3)?,
        url: r.get(4)?,
        author_handle: r.get(5)?,
        author_name: r.get(6)?,
        text: r.get(7)?,
        language: r.get(8)?,
        created_at: r.get(9)?,
        fetched_at: r.get(10)?,
        sentiment: r.get(11)?,
        complaint: r.get(12)?,
        label: r.get(13)?,
        status: MentionStatus::parse(&status).unwrap_or(MentionStatus::New),
    })
}

pub const MAX_PAGE: i64 = 500;

/// One page, newest first, continuing after `before` (keyset paging: fast at any depth).
pub fn page(conn: &Connection, before: Option<&MentionCursor>, limit: i64) -> Result<MentionPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut mentions = match before {
        Some(c) => {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM mentions WHERE (created_at, id) < (?1, ?2)
                     ORDER BY created_at DESC, id DESC LIMIT ?3"
                ))
                .db()?;
            let rows = stmt
                .query_map(params![c.created_at, c.id, limit + 1], from_row)
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()?
        }
        None => {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM mentions ORDER BY created_at DESC, id DESC LIMIT ?1"
                ))
                .db()?;
            let rows = stmt.query_map(params![limit + 1], from_row).db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()?
        }
    };
    let next = if mentions.len() as i64 > limit {
        mentions.truncate(limit as usize);
        mentions.last().map(|m| MentionCursor {
            created_at: m.created_at.clone(),
            id: m.id,
        })
    } else {
        None
    };
    Ok(MentionPage {
        mentions,
        next,
        total: count(conn)?,
    })
}

pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM mentions", [], |r| r.get(0))
        .db()
}

/// Every mention, oldest first, for exports.
pub fn all(conn: &Connection) -> Result<Vec<Mention>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM mentions ORDER BY created_at, id"
        ))
        .db()?;
    let rows = stmt.query_map([], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn mention(id: &str, at: &str, text: &str) -> NewMention {
        NewMention {
            platform: Platform::Rss,
            external_id: id.into(),
            url: None,
            author_id: None,
            author_handle: Some("jo".into()),
            author_name: Some("Jo".into()),
            text: text.into(),
            language: None,
            created_at: at.into(),
        }
    }

    #[test]
    fn the_same_item_twice_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let batch = vec![
            mention("a", "2026-01-01T10:00:00Z", "first"),
            mention("a", "2026-01-01T10:00:00Z", "first again"),
            mention("b", "2026-01-01T11:00:00Z", "second"),
        ];
        let added = store
            .write(|tx| insert_new(tx, None, &batch, "2026-01-02T00:00:00Z"))
            .unwrap();
        assert_eq!(added, 2);
        let again = store
            .write(|tx| insert_new(tx, None, &batch, "2026-01-02T00:00:00Z"))
            .unwrap();
        assert_eq!(again, 0);
        assert_eq!(store.read(count).unwrap(), 2);
    }

    #[test]
    fn pages_run_newest_first_without_gaps_or_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        // Several mentions share a timestamp: the id breaks the tie.
        let batch: Vec<_> = (0..25)
            .map(|i| {
                mention(
                    &format!("m{i}"),
                    &format!("2026-01-01T10:{:02}:00Z", i / 3),
                    &format!("text {i}"),
                )
            })
            .collect();
        store
            .write(|tx| insert_new(tx, None, &batch, "2026-01-02T00:00:00Z"))
            .unwrap();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.read(|c| page(c, cursor.as_ref(), 7)).unwrap();
            assert_eq!(page.total, 25);
            seen.extend(page.mentions.iter().map(|m| (m.created_at.clone(), m.id)));
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!(seen.len(), 25);
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(seen, sorted);
    }
}
