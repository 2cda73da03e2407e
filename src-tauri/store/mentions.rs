//! The `mentions` table: stored posts, de-duplicated by (platform, external id).

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::SqlResult;
use crate::error::Result;
use crate::model::{Label, Mention, MentionCursor, MentionPage, MentionStatus, Platform};

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
    /// Found by searching for the watches' terms (rather than addressed to
    /// the business: a mention notification, a review, a comment on its
    /// page). A search result that no watch catches, for example because of
    /// an exclude term, is not kept.
    pub from_search: bool,
}

/// What storing one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// Mentions not seen before.
    pub added: i64,
    /// Mentions already stored whose text changed (the post was edited).
    pub edited: i64,
    /// Of the new mentions, how many each watch caught (by watch id).
    pub new_by_watch: std::collections::BTreeMap<i64, i64>,
}

/// Inserts the mentions not stored yet; returns how many were new.
pub fn insert_new(
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    mentions: &[NewMention],
    fetched_at: &str,
) -> Result<i64> {
    let batch: Vec<(&NewMention, &[i64])> = mentions.iter().map(|m| (m, &[][..])).collect();
    Ok(store_batch(tx, source_id, &batch, fetched_at)?.added)
}

/// Stores a batch: new mentions are inserted with the watches that caught
/// them; a mention already stored (same platform and id) is never
/// duplicated, but if its text changed it is updated and marked edited,
/// and any further watches that now catch it are recorded.
pub fn store_batch(
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    batch: &[(&NewMention, &[i64])],
    fetched_at: &str,
) -> Result<Stored> {
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO mentions (source_id, platform, external_id, url, author_id, author_handle,
                 author_name, text, language, created_at, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (platform, external_id) DO NOTHING",
        )
        .db()?;
    let mut edit = tx
        .prepare_cached(
            "UPDATE mentions SET text = ?3, edited_at = ?4
             WHERE platform = ?1 AND external_id = ?2 AND text IS NOT ?3
             RETURNING id",
        )
        .db()?;
    // Migration 5: the index is written here, not by a trigger (see there).
    let mut index = tx
        .prepare_cached(
            "INSERT INTO mentions_fts (rowid, text, author_name, author_handle)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?;
    let mut find = tx
        .prepare_cached("SELECT id FROM mentions WHERE platform = ?1 AND external_id = ?2")
        .db()?;
    let mut link = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO mention_watches (mention_id, watch_id) VALUES (?1, ?2)",
        )
        .db()?;
    let mut stored = Stored::default();
    // Indexed after the whole batch: any statement with a trigger (the
    // Dashboard's tallies keep one on watch links, migration 7) makes FTS5
    // flush what it holds, so indexing between them would write an index
    // segment per mention (the cost migration 5 removed).
    let mut to_index: Vec<(i64, &NewMention)> = Vec::new();
    for (m, watches) in batch {
        let inserted = insert
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
            .db()?;
        let id = if inserted == 1 {
            stored.added += 1;
            let id = tx.last_insert_rowid();
            to_index.push((id, *m));
            for w in watches.iter() {
                *stored.new_by_watch.entry(*w).or_insert(0) += 1;
            }
            Some(id)
        } else {
            // An edit re-indexes the old text through a trigger: the mention
            // (possibly stored earlier in this batch) must be indexed first.
            for (id, m) in to_index.drain(..) {
                index
                    .execute(params![id, m.text, m.author_name, m.author_handle])
                    .db()?;
            }
            let edited: Option<i64> = edit
                .query_row(
                    params![m.platform.as_str(), m.external_id, m.text, fetched_at],
                    |r| r.get(0),
                )
                .optional()
                .db()?;
            if edited.is_some() {
                stored.edited += 1;
            }
            match (edited, watches.is_empty()) {
                (Some(id), _) => Some(id),
                (None, true) => None,
                (None, false) => find
                    .query_row(params![m.platform.as_str(), m.external_id], |r| r.get(0))
                    .optional()
                    .db()?,
            }
        };
        if let Some(id) = id {
            for w in watches.iter() {
                link.execute(params![id, w]).db()?;
            }
        }
    }
    for (id, m) in to_index.drain(..) {
        index
            .execute(params![id, m.text, m.author_name, m.author_handle])
            .db()?;
    }
    Ok(stored)
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

pub(crate) const COLUMNS: &str = "id, source_id, platform, external_id, url, author_handle, \
    author_name, text, language, created_at, fetched_at, sentiment, complaint, label, status, \
    model_label, corrected_at, concern, reasons, seen_at";

/// A mention from a row selected with [`COLUMNS`] (highlights left empty).
pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Mention> {
    let platform: String = r.get(2)?;
    let status: String = r.get(14)?;
    let label: Option<String> = r.get(13)?;
    let model_label: Option<String> = r.get(15)?;
    let corrected_at: Option<String> = r.get(16)?;
    let reasons: Option<String> = r.get(18)?;
    let seen_at: Option<String> = r.get(19)?;
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
        label: label.as_deref().and_then(Label::parse),
        model_label: model_label.as_deref().and_then(Label::parse),
        corrected: corrected_at.is_some(),
        concern: r.get(17)?,
        // Written by the store as JSON; a damaged value shows no reasons.
        reasons: reasons
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default(),
        status: MentionStatus::parse(&status).unwrap_or(MentionStatus::New),
        seen: seen_at.is_some(),
        highlights: Vec::new(),
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
            concern: None,
        })
    } else {
        None
    };
    Ok(MentionPage {
        mentions,
        next,
        total: count(conn)?,
        total_capped: false,
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
            from_search: false,
        }
    }

    #[test]
    fn an_edited_post_updates_its_text_and_search_without_a_second_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let first = vec![mention("a", "2026-01-01T10:00:00Z", "Lovely shop")];
        store
            .write(|tx| insert_new(tx, None, &first, "2026-01-02T00:00:00Z"))
            .unwrap();
        let edited = mention("a", "2026-01-01T10:00:00Z", "Rude staff, never again");
        let same = mention("a", "2026-01-01T10:00:00Z", "Rude staff, never again");
        let stored = store
            .write(|tx| {
                store_batch(
                    tx,
                    None,
                    &[(&edited, &[][..]), (&same, &[][..])],
                    "2026-01-03T00:00:00Z",
                )
            })
            .unwrap();
        assert_eq!((stored.added, stored.edited), (0, 1));
        assert_eq!(store.read(count).unwrap(), 1);
        let (text, edited_at): (String, Option<String>) = store
            .read(|c| {
                c.query_row("SELECT text, edited_at FROM mentions", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .db()
            })
            .unwrap();
        assert_eq!(text, "Rude staff, never again");
        assert_eq!(edited_at.as_deref(), Some("2026-01-03T00:00:00Z"));
        let hits = |q: &str| -> i64 {
            store
                .read(|c| {
                    c.query_row(
                        "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?1",
                        [q],
                        |r| r.get(0),
                    )
                    .db()
                })
                .unwrap()
        };
        assert_eq!(hits("rude"), 1);
        assert_eq!(hits("lovely"), 0);
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
