//! The `mentions` table: stored posts, de-duplicated by (platform, external id).

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::SqlResult;
use crate::error::Result;
use crate::model::{Label, Mention, MentionCursor, MentionPage, MentionStatus, Platform};
use crate::triage::{self, Triage};

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
    /// Of the new mentions, how many triage gave each label.
    pub new_by_label: std::collections::BTreeMap<Label, i64>,
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

/// Triage's verdicts for the mentions of `batch` that are not stored yet,
/// in batch order (`None` for those already stored, whose scores stand
/// unless their text changed). Runs on a reader, before the write
/// transaction: scoring is most of the CPU an ingest costs, and done here it
/// never holds the single writer, which the owner's own changes wait for.
/// Big batches are scored on every core.
pub fn score_unseen(
    conn: &Connection,
    batch: &[(&NewMention, &[i64])],
) -> Result<Vec<Option<Triage>>> {
    let mut find = conn
        .prepare_cached("SELECT 1 FROM mentions WHERE platform = ?1 AND external_id = ?2")
        .db()?;
    let mut unseen = Vec::with_capacity(batch.len());
    for (m, _) in batch {
        unseen.push(
            !find
                .exists(params![m.platform.as_str(), m.external_id])
                .db()?,
        );
    }
    Ok(score_where(batch, &unseen))
}

/// Scores the texts of `batch` where `wanted` says so, split over the
/// machine's cores when there are enough of them to be worth a thread.
fn score_where(batch: &[(&NewMention, &[i64])], wanted: &[bool]) -> Vec<Option<Triage>> {
    const PER_THREAD: usize = 256;
    let score = |items: &[(&NewMention, &[i64])], wanted: &[bool]| -> Vec<Option<Triage>> {
        items
            .iter()
            .zip(wanted)
            .map(|((m, _), w)| w.then(|| triage::score(&m.text)))
            .collect()
    };
    let todo = wanted.iter().filter(|w| **w).count();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(todo / PER_THREAD)
        .max(1);
    if threads == 1 {
        return score(batch, wanted);
    }
    let chunk = batch.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = batch
            .chunks(chunk)
            .zip(wanted.chunks(chunk))
            .map(|(items, wanted)| s.spawn(move || score(items, wanted)))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Stores a batch, scoring it inside the write transaction: for callers
/// with a handful of mentions. The poller scores beside the writer
/// instead ([`score_and_store`], [`store_scoring_beside`]).
pub fn store_batch(
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    batch: &[(&NewMention, &[i64])],
    fetched_at: &str,
) -> Result<Stored> {
    store_scored(tx, source_id, batch, &[], fetched_at)
}

/// Stores a batch: new mentions are inserted with their triage scores
/// (`scores[i]` from [`score_unseen`]; a new mention without one, because
/// the list is short or it was stored and removed since, is scored here),
/// with the watches that caught them; a mention already stored (same
/// platform and id) is never duplicated, but if its text changed it is
/// updated, scored again and marked edited, and any further watches that
/// now catch it are recorded. Only new and edited texts are scored.
fn store_scored(
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    batch: &[(&NewMention, &[i64])],
    scores: &[Option<Triage>],
    fetched_at: &str,
) -> Result<Stored> {
    store_scored_with(
        tx,
        source_id,
        batch,
        |i| Ok(scores.get(i).cloned().flatten().map(Verdict::from)),
        fetched_at,
    )
}

/// Triage's verdict as a mention row stores it, with the reasons already
/// serialised. The scorer's thread makes these, so the writer neither
/// serialises the reasons nor frees what scoring allocated (issue #3: both
/// showed in the writer's profile).
struct Verdict {
    compound: f64,
    complaint: f64,
    label: crate::model::Label,
    concern: f64,
    reasons: String,
}

impl From<Triage> for Verdict {
    fn from(t: Triage) -> Verdict {
        Verdict {
            reasons: reasons_json(&t),
            compound: t.compound,
            complaint: t.complaint,
            label: t.label,
            concern: t.concern,
        }
    }
}

/// [`score_unseen`] on a reader, as verdicts.
fn verdicts_unseen(
    store: &super::Store,
    batch: &[(&NewMention, &[i64])],
) -> Result<Vec<Option<Verdict>>> {
    let scores = store.read(|c| score_unseen(c, batch))?;
    Ok(scores.into_iter().map(|t| t.map(Verdict::from)).collect())
}

/// [`score_and_store`] scores this many before the write, and then chunks
/// twice as big each time up to [`SCORE_CHUNK`], so the writer starts
/// early. Scoring a mention costs about five sixths of the CPU storing it
/// does (callgrind over the ingest bench's `--profile`: 991 against 1,182
/// million instructions for 10,000 mentions), so the writer still waits
/// for the scorer at times: 12–16% of the storing time in `--quick`.
/// Chunks of a fixed 32 or 64 measured no different.
pub const FIRST_SCORED: usize = 32;
const SCORE_CHUNK: usize = 256;

/// Scores and stores a batch in one write transaction, then runs `then` in
/// it (the source's cursor goes with its mentions). The first few are
/// scored on a reader before the write; the rest are scored on another
/// thread (also on a reader) while the writer stores the chunks before,
/// so a second core does the scoring (issue #3: scoring was a quarter of
/// ingesting). Same result as [`score_unseen`] then [`store_scored`].
pub fn score_and_store<T>(
    store: &super::Store,
    source_id: Option<i64>,
    batch: &[(&NewMention, &[i64])],
    fetched_at: &str,
    then: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<(Stored, T)> {
    let first = &batch[..batch.len().min(FIRST_SCORED)];
    let scores = store.read(|c| score_unseen(c, first))?;
    store.write(|tx| {
        let stored = store_scoring_beside(store, tx, source_id, batch, scores, fetched_at)?;
        let value = then(tx)?;
        Ok((stored, value))
    })
}

/// Stores a batch in the write transaction `tx`, as [`score_and_store`]
/// does: `scores` are the verdicts of the batch's first mentions, known
/// already (as [`score_unseen`] gives them; empty is fine), and the rest
/// are scored on a reader thread while the writer stores the ones before.
/// A reader doesn't see what `tx` has written yet: a post stored earlier
/// in the same transaction is scored for nothing, but stored once.
pub fn store_scoring_beside(
    store: &super::Store,
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    batch: &[(&NewMention, &[i64])],
    scores: Vec<Option<Triage>>,
    fetched_at: &str,
) -> Result<Stored> {
    let mut scores: Vec<Option<Verdict>> =
        scores.into_iter().map(|t| t.map(Verdict::from)).collect();
    let mut rest = &batch[scores.len().min(batch.len())..];
    let mut chunks = Vec::new();
    let mut size = scores.len().max(FIRST_SCORED);
    while !rest.is_empty() {
        size = (size * 2).min(SCORE_CHUNK);
        let (chunk, after) = rest.split_at(rest.len().min(size));
        chunks.push(chunk);
        rest = after;
    }
    std::thread::scope(|s| {
        // At most two chunks scored ahead of the writer.
        let (send, scored) = std::sync::mpsc::sync_channel(2);
        let reader = store.clone();
        s.spawn(move || {
            for chunk in chunks {
                // The writer has stopped (an error) once this fails.
                if send.send(verdicts_unseen(&reader, chunk)).is_err() {
                    break;
                }
            }
        });
        store_scored_with(
            tx,
            source_id,
            batch,
            |i| {
                while scores.len() <= i {
                    match scored.recv() {
                        Ok(chunk) => scores.extend(chunk?),
                        Err(_) => {
                            return Err(crate::error::Error::internal(
                                "scoring stopped before the batch was scored",
                            ))
                        }
                    }
                }
                Ok(scores[i].take())
            },
            fetched_at,
        )
        // `scored` is dropped here, before the scorer is joined: a
        // scorer still sending stops.
    })
}

/// [`store_scored`] with `score_of(i)`: the verdict on `batch[i]` if it was
/// scored before the write (a reader found it not stored), asked for each
/// mention in batch order.
fn store_scored_with(
    tx: &Transaction<'_>,
    source_id: Option<i64>,
    batch: &[(&NewMention, &[i64])],
    mut score_of: impl FnMut(usize) -> Result<Option<Verdict>>,
    fetched_at: &str,
) -> Result<Stored> {
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO mentions (source_id, platform, external_id, url, author_id, author_handle,
                 author_name, text, language, created_at, fetched_at,
                 sentiment, complaint, label, model_label, concern, reasons, scored_with)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16, ?17)
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
    // The batch's watch links go in together (see `link_all`).
    let mut links: Vec<(i64, i64)> = Vec::new();
    let version = triage::model_version();
    let mut stored = Stored::default();
    // Indexed after the whole batch: any statement with a trigger (the
    // Dashboard's tallies keep one on watch links, migration 7) makes FTS5
    // flush what it holds, so indexing between them would write an index
    // segment per mention (the cost migration 5 removed).
    let mut to_index: Vec<(i64, &NewMention)> = Vec::new();
    for (i, (m, watches)) in batch.iter().enumerate() {
        let scored = score_of(i)?;
        // A mention scored before the write was not stored when a reader
        // looked, so it is inserted straight away; the insert finds it if
        // this transaction stored it since (the same post twice in one
        // poll). Any other is looked for first, which spares scoring the
        // posts a poll has already seen.
        let mut existing: Option<i64> = match scored {
            Some(_) => None,
            None => find
                .query_row(params![m.platform.as_str(), m.external_id], |r| r.get(0))
                .optional()
                .db()?,
        };
        let mut id = None;
        if existing.is_none() {
            let t = &scored.unwrap_or_else(|| triage::score(&m.text).into());
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
                    fetched_at,
                    t.compound,
                    t.complaint,
                    t.label.as_str(),
                    t.concern,
                    t.reasons,
                    version,
                ])
                .db()?;
            if inserted == 1 {
                stored.added += 1;
                *stored.new_by_label.entry(t.label).or_insert(0) += 1;
                let new_id = tx.last_insert_rowid();
                to_index.push((new_id, *m));
                for w in watches.iter() {
                    *stored.new_by_watch.entry(*w).or_insert(0) += 1;
                }
                id = Some(new_id);
            } else {
                existing = Some(
                    find.query_row(params![m.platform.as_str(), m.external_id], |r| r.get(0))
                        .db()?,
                );
            }
        }
        if let Some(old) = existing {
            // An edit re-indexes the old text through a trigger: the
            // mention (possibly stored earlier in this batch) must be
            // indexed first.
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
                write_scores(tx, old, &triage::score(&m.text), version)?;
            }
            id = (edited.is_some() || !watches.is_empty()).then_some(old);
        }
        if let Some(id) = id {
            links.extend(watches.iter().map(|w| (id, *w)));
        }
    }
    link_all(tx, &links)?;
    for (id, m) in to_index.drain(..) {
        index
            .execute(params![id, m.text, m.author_name, m.author_handle])
            .db()?;
    }
    if stored.added > 0 {
        super::facets::catch_up(tx)?;
    }
    Ok(stored)
}

/// Links mentions to the watches that caught them, a few hundred links a
/// statement. A statement per link cost the writer 5% of its instructions
/// (issue #3, callgrind over the ingest bench): because of the Dashboard's
/// trigger on links (migration 7), each opened a statement savepoint, and
/// SQLite allocated and zeroed the trigger's frame once per statement,
/// even when its `WHEN` is false, as it is for a new mention. Links
/// already there are kept as they are.
fn link_all(tx: &Transaction<'_>, links: &[(i64, i64)]) -> Result<()> {
    use std::fmt::Write;
    let mut insert = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO mention_watches (mention_id, watch_id)
             SELECT value ->> 0, value ->> 1 FROM json_each(?1)",
        )
        .db()?;
    let mut json = String::new();
    for chunk in links.chunks(LINKS_A_STATEMENT) {
        json.clear();
        json.push('[');
        for (i, (mention, watch)) in chunk.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            // Writing to a String cannot fail.
            let _ = write!(json, "{comma}[{mention},{watch}]");
        }
        json.push(']');
        insert.execute([&json]).db()?;
    }
    Ok(())
}

/// How many watch links [`link_all`] writes in one statement.
const LINKS_A_STATEMENT: usize = 512;

fn reasons_json(t: &Triage) -> String {
    // A Vec of plain structs always serialises.
    serde_json::to_string(&t.reasons).unwrap_or_else(|_| "[]".into())
}

/// Writes triage's scores for one mention. The label shown follows the
/// model only while the owner has not corrected it; `model_label` always
/// records what triage said.
fn write_scores(tx: &Transaction<'_>, id: i64, t: &Triage, version: &str) -> Result<()> {
    let mut update = tx
        .prepare_cached(
            "UPDATE mentions SET sentiment = ?2, complaint = ?3, model_label = ?4,
                 label = CASE WHEN corrected_at IS NULL THEN ?4 ELSE label END,
                 concern = ?5, reasons = ?6, scored_with = ?7
             WHERE id = ?1",
        )
        .db()?;
    update
        .execute(params![
            id,
            t.compound,
            t.complaint,
            t.label.as_str(),
            t.concern,
            reasons_json(t),
            version
        ])
        .db()?;
    Ok(())
}

/// Mentions not scored by the current model (?1), at most ?2. Written as
/// ranges so the `mentions_unscored` index answers it without a scan.
const STALE: &str = "SELECT id, text, external_id FROM mentions
     WHERE scored_with IS NULL OR scored_with < ?1 OR scored_with > ?1
     LIMIT ?2";

/// Scores up to `limit` mentions that were stored before triage, or by an
/// older model (`scored_with` is not the current [`triage::model_version`]),
/// respecting the owner's corrections; an anonymised mention (its text
/// removed by the retention purge) keeps its label. Returns how many it
/// scored: call again until 0, one short transaction at a time.
pub fn rescore_stale(tx: &Transaction<'_>, limit: i64) -> Result<usize> {
    let version = triage::model_version();
    let mut stale = tx.prepare_cached(STALE).db()?;
    let rows: Vec<(i64, String, String)> = stale
        .query_map(params![version, limit.max(0)], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .db()?
        .collect::<rusqlite::Result<_>>()
        .db()?;
    let mut keep = tx
        .prepare_cached("UPDATE mentions SET scored_with = ?2 WHERE id = ?1")
        .db()?;
    for (id, text, external_id) in &rows {
        if external_id.starts_with(super::privacy::retention::ANONYMISED_PREFIX) {
            // Its text is gone; the label it had is what the Dashboard counts.
            keep.execute(params![id, version]).db()?;
        } else {
            write_scores(tx, *id, &triage::score(text), version)?;
        }
    }
    Ok(rows.len())
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
        do_not_contact: false,
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
        assert_eq!(hits(&store, "rude"), 1);
        assert_eq!(hits(&store, "lovely"), 0);
    }

    /// How many mentions the full-text index finds for `q`.
    fn hits(store: &Store, q: &str) -> i64 {
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
    }

    /// label, model_label, complaint, reasons, scored_with
    type Scores = (
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<String>,
        Option<String>,
    );

    fn scores_of(store: &Store, external_id: &str) -> Scores {
        store
            .read(|c| {
                c.query_row(
                    "SELECT label, model_label, complaint, reasons, scored_with FROM mentions WHERE external_id = ?1",
                    [external_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .db()
            })
            .unwrap()
    }

    #[test]
    fn new_mentions_are_stored_scored_and_counted_by_label() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let batch = [
            mention(
                "a",
                "2026-01-01T10:00:00Z",
                "no refund, no reply, never again",
            ),
            mention(
                "b",
                "2026-01-01T11:00:00Z",
                "What a lovely shop, thank you!",
            ),
            mention(
                "c",
                "2026-01-01T12:00:00Z",
                "Still waiting for my order, 3 weeks now",
            ),
        ];
        let pairs: Vec<(&NewMention, &[i64])> = batch.iter().map(|m| (m, &[][..])).collect();
        let stored = store
            .write(|tx| store_batch(tx, None, &pairs, "2026-01-02T00:00:00Z"))
            .unwrap();
        assert_eq!(stored.added, 3);
        assert_eq!(stored.new_by_label.get(&Label::Complaint), Some(&2));
        assert_eq!(stored.new_by_label.get(&Label::Positive), Some(&1));
        let (label, model_label, complaint, reasons, version) = scores_of(&store, "a");
        assert_eq!(label.as_deref(), Some("complaint"));
        assert_eq!(model_label.as_deref(), Some("complaint"));
        assert!(complaint.unwrap() >= triage::complaint_threshold());
        assert_eq!(version.as_deref(), Some(triage::model_version()));
        let reasons: Vec<crate::model::Reason> = serde_json::from_str(&reasons.unwrap()).unwrap();
        assert!(!reasons.is_empty());
        // Read back through the Mention the Inbox gets.
        let page = store.read(|c| page(c, None, 10)).unwrap();
        let m = page.mentions.iter().find(|m| m.external_id == "a").unwrap();
        assert_eq!(m.label, Some(Label::Complaint));
        assert_eq!(m.reasons, reasons);
        assert!(m.concern.unwrap() > 0.5 && !m.corrected);
        let praise = page.mentions.iter().find(|m| m.external_id == "b").unwrap();
        assert!(praise.concern.unwrap() < m.concern.unwrap());
        // Seen again unchanged: not counted, not scored again.
        let again = store
            .write(|tx| store_batch(tx, None, &pairs, "2026-01-03T00:00:00Z"))
            .unwrap();
        assert_eq!((again.added, again.edited), (0, 0));
        assert!(again.new_by_label.is_empty());
    }

    #[test]
    fn scoring_before_the_write_gives_the_same_scores_and_skips_stored_posts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let texts = [
            "no refund, no reply, never again",
            "What a lovely shop, thank you!",
            "Still waiting for my order, 3 weeks now",
            "Do you open on Sundays?",
        ];
        // Enough for several scoring threads.
        let batch: Vec<NewMention> = (0..2_000)
            .map(|i| {
                mention(
                    &format!("m{i}"),
                    "2026-01-01T10:00:00Z",
                    &format!("{} #{i}", texts[i % texts.len()]),
                )
            })
            .collect();
        let pairs: Vec<(&NewMention, &[i64])> = batch.iter().map(|m| (m, &[][..])).collect();
        // Two are stored already; one more is stored and then removed
        // between scoring and storing, so it arrives without a score.
        store
            .write(|tx| insert_new(tx, None, &batch[..3], "2026-01-02T00:00:00Z"))
            .unwrap();
        let scores = store.read(|c| score_unseen(c, &pairs)).unwrap();
        assert_eq!(scores.len(), batch.len());
        assert!(scores[..3].iter().all(Option::is_none));
        for (i, s) in scores.iter().enumerate().skip(3) {
            let expected = triage::score(&batch[i].text);
            let s = s.as_ref().unwrap_or_else(|| panic!("m{i} unscored"));
            assert_eq!(
                (s.label, s.complaint),
                (expected.label, expected.complaint),
                "m{i}"
            );
        }
        store
            .write(|tx| {
                tx.execute("DELETE FROM mentions WHERE external_id = 'm2'", [])
                    .db()?;
                Ok(())
            })
            .unwrap();
        let stored = store
            .write(|tx| store_scored(tx, None, &pairs, &scores, "2026-01-03T00:00:00Z"))
            .unwrap();
        assert_eq!(stored.added, 1_998);
        assert_eq!(store.read(count).unwrap(), 2_000);
        for id in ["m2", "m5", "m1999"] {
            let i: usize = id[1..].parse().unwrap();
            let (label, _, complaint, _, version) = scores_of(&store, id);
            let expected = triage::score(&batch[i].text);
            assert_eq!(label.as_deref(), Some(expected.label.as_str()), "{id}");
            assert_eq!(complaint, Some(expected.complaint), "{id}");
            assert_eq!(version.as_deref(), Some(triage::model_version()));
        }
    }

    /// Every stored mention's text, scores and watches, by external id.
    fn everything(store: &Store) -> Vec<(String, String, Scores, Option<String>, String)> {
        store
            .read(|c| {
                let mut stmt = c
                    .prepare(
                        "SELECT external_id, text, label, model_label, complaint, reasons,
                             scored_with, edited_at,
                             (SELECT group_concat(watch_id) FROM mention_watches WHERE mention_id = id)
                         FROM mentions ORDER BY external_id",
                    )
                    .db()?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
                            r.get(7)?,
                            r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                        ))
                    })
                    .db()?;
                rows.collect::<rusqlite::Result<Vec<_>>>().db()
            })
            .unwrap()
    }

    #[test]
    fn scoring_beside_the_writer_stores_what_scoring_first_does() {
        let texts = [
            "no refund, no reply, never again",
            "What a lovely shop, thank you!",
            "Still waiting for my order, 3 weeks now",
            "Do you open on Sundays?",
        ];
        // Several chunks; one post comes twice in different chunks (the
        // second time edited, and caught by a watch), and two were stored
        // by an earlier poll.
        let mut batch: Vec<NewMention> = (0..1_000)
            .map(|i| {
                mention(
                    &format!("m{i:04}"),
                    "2026-01-01T10:00:00Z",
                    &format!("{} #{i}", texts[i % texts.len()]),
                )
            })
            .collect();
        batch[702] = mention("m0010", "2026-01-01T10:00:00Z", "no refund yet, edited");
        let watches: Vec<Vec<i64>> = (0..batch.len())
            .map(|i| if i % 3 == 0 { vec![1] } else { vec![] })
            .collect();
        let pairs: Vec<(&NewMention, &[i64])> = batch
            .iter()
            .zip(&watches)
            .map(|(m, w)| (m, w.as_slice()))
            .collect();
        let open = || {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_in(dir.path()).unwrap();
            store
                .write(|tx| {
                    tx.execute(
                        "INSERT INTO watches (id, name, terms, purpose, created_at)
                         VALUES (1, 'Shop', '[]', 'care', 't')",
                        [],
                    )
                    .db()?;
                    insert_new(tx, None, &[batch[5].clone(), batch[600].clone()], "t0")
                })
                .unwrap();
            (dir, store)
        };
        let (_a, first) = open();
        let scores = first.read(|c| score_unseen(c, &pairs)).unwrap();
        let expected = first
            .write(|tx| store_scored(tx, None, &pairs, &scores, "t1"))
            .unwrap();
        let (_b, beside) = open();
        let (stored, then) = score_and_store(&beside, None, &pairs, "t1", |tx| {
            // Runs in the same transaction, after the mentions.
            tx.query_row("SELECT count(*) FROM mentions", [], |r| r.get::<_, i64>(0))
                .db()
        })
        .unwrap();
        assert_eq!(stored, expected);
        assert_eq!((stored.added, stored.edited), (997, 1));
        assert_eq!(then, 999);
        let rows = everything(&beside);
        assert_eq!(rows.len(), 999);
        assert_eq!(rows, everything(&first));
        // Each new post was scored once, by the current model, from its text.
        for (id, text, (label, _, complaint, _, version), _, _) in &rows {
            let t = triage::score(text);
            assert_eq!(label.as_deref(), Some(t.label.as_str()), "{id}");
            assert_eq!(*complaint, Some(t.complaint), "{id}");
            assert_eq!(version.as_deref(), Some(triage::model_version()), "{id}");
        }
        assert_eq!(hits(&beside, "edited"), 1);
        // Both times it was scored before the write; the second insert
        // found the first and stored the edit and the watch instead.
        let twice = rows.iter().find(|r| r.0 == "m0010").unwrap();
        assert_eq!(twice.1, "no refund yet, edited");
        assert_eq!(twice.3.as_deref(), Some("t1"));
        assert_eq!(twice.4, "1");
    }

    #[test]
    fn when_the_rest_of_the_write_fails_no_mention_of_the_batch_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let batch: Vec<NewMention> = (0..700)
            .map(|i| mention(&format!("m{i}"), "2026-01-01T10:00:00Z", "no refund"))
            .collect();
        let pairs: Vec<(&NewMention, &[i64])> = batch.iter().map(|m| (m, &[][..])).collect();
        let err = score_and_store(&store, None, &pairs, "t", |_| -> Result<()> {
            Err(crate::error::Error::invalid("the cursor couldn't be saved"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("cursor"), "{err}");
        assert_eq!(store.read(count).unwrap(), 0);
    }

    #[test]
    fn a_write_failing_mid_batch_stops_the_scorer_and_keeps_nothing_of_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let kept = mention("kept", "2026-01-01T09:00:00Z", "stored by an earlier poll");
        store
            .write(|tx| store_batch(tx, None, &[(&kept, &[][..])], "t"))
            .unwrap();
        // The writer fails at the 600th mention, while the scorer is still
        // scoring (and blocked sending) the chunks after it.
        store
            .write(|tx| {
                tx.execute_batch(
                    "CREATE TRIGGER fail_mid_batch BEFORE INSERT ON mentions
                     WHEN new.external_id = 'x600'
                     BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;",
                )
                .db()
            })
            .unwrap();
        let batch: Vec<NewMention> = (0..1_000)
            .map(|i| {
                mention(
                    &format!("x{i}"),
                    "2026-01-01T10:00:00Z",
                    "no refund, no reply",
                )
            })
            .collect();
        let pairs: Vec<(&NewMention, &[i64])> = batch.iter().map(|m| (m, &[][..])).collect();
        let err = score_and_store(&store, None, &pairs, "t", |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("disk is full"), "{err}");
        assert_eq!(store.read(count).unwrap(), 1, "only the earlier poll's");
        assert_eq!(hits(&store, "refund"), 0);
        // The store goes on: with the fault gone the same batch goes in.
        store
            .write(|tx| tx.execute_batch("DROP TRIGGER fail_mid_batch").db())
            .unwrap();
        let (stored, ()) = score_and_store(&store, None, &pairs, "t", |_| Ok(())).unwrap();
        assert_eq!(stored.added, 1_000);
        assert_eq!(store.read(count).unwrap(), 1_001);
    }

    #[test]
    fn an_edit_is_scored_again_but_the_owners_correction_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let first = vec![
            mention("a", "2026-01-01T10:00:00Z", "Lovely shop, great coffee"),
            mention("b", "2026-01-01T10:00:00Z", "Lovely bakery, great bread"),
        ];
        store
            .write(|tx| insert_new(tx, None, &first, "2026-01-02T00:00:00Z"))
            .unwrap();
        assert_eq!(scores_of(&store, "a").0.as_deref(), Some("positive"));
        // The owner says "b" is a complaint.
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE mentions SET label = 'complaint', corrected_at = 't' WHERE external_id = 'b'",
                    [],
                )
                .db()
            })
            .unwrap();
        let edited = [
            mention(
                "a",
                "2026-01-01T10:00:00Z",
                "Still no refund, no reply. Never again.",
            ),
            mention(
                "b",
                "2026-01-01T10:00:00Z",
                "Lovely bakery, great bread, thank you so much!",
            ),
        ];
        let stored = store
            .write(|tx| {
                let pairs: Vec<(&NewMention, &[i64])> =
                    edited.iter().map(|m| (m, &[][..])).collect();
                store_batch(tx, None, &pairs, "2026-01-03T00:00:00Z")
            })
            .unwrap();
        assert_eq!((stored.added, stored.edited), (0, 2));
        let (label, model_label, ..) = scores_of(&store, "a");
        assert_eq!(
            (label.as_deref(), model_label.as_deref()),
            (Some("complaint"), Some("complaint"))
        );
        let (label, model_label, ..) = scores_of(&store, "b");
        assert_eq!(label.as_deref(), Some("complaint"), "the correction stays");
        assert_eq!(
            model_label.as_deref(),
            Some("positive"),
            "what triage said is updated"
        );
    }

    #[test]
    fn stale_scores_are_redone_in_batches_respecting_corrections() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let batch: Vec<_> = (0..7)
            .map(|i| {
                mention(
                    &format!("m{i}"),
                    "2026-01-01T10:00:00Z",
                    "Why has nobody replied about my refund?",
                )
            })
            .collect();
        store
            .write(|tx| insert_new(tx, None, &batch, "2026-01-02T00:00:00Z"))
            .unwrap();
        assert_eq!(
            store.write(|tx| rescore_stale(tx, 100)).unwrap(),
            0,
            "all current"
        );
        // As stored before triage (m0..m3), by an older model (m4, m5), and
        // m0 corrected by the owner.
        store
            .write(|tx| {
                tx.execute_batch(
                    "UPDATE mentions SET sentiment = NULL, complaint = NULL, label = NULL,
                         model_label = NULL, concern = NULL, reasons = NULL, scored_with = NULL
                     WHERE external_id IN ('m0', 'm1', 'm2', 'm3');
                     UPDATE mentions SET scored_with = 'vader-3.3.2+complaint-000000000000', label = 'neutral', model_label = 'neutral'
                     WHERE external_id IN ('m4', 'm5');
                     UPDATE mentions SET label = 'positive', corrected_at = 't' WHERE external_id = 'm0';",
                )
                .db()
            })
            .unwrap();
        let mut rounds = Vec::new();
        loop {
            let n = store.write(|tx| rescore_stale(tx, 4)).unwrap();
            rounds.push(n);
            if n == 0 {
                break;
            }
        }
        assert_eq!(rounds, [4, 2, 0]);
        for i in 1..6 {
            let (label, model_label, complaint, _, version) = scores_of(&store, &format!("m{i}"));
            assert_eq!(label.as_deref(), Some("complaint"), "m{i}");
            assert_eq!(model_label.as_deref(), Some("complaint"));
            assert!(complaint.is_some());
            assert_eq!(version.as_deref(), Some(triage::model_version()));
        }
        let (label, model_label, ..) = scores_of(&store, "m0");
        assert_eq!(
            (label.as_deref(), model_label.as_deref()),
            (Some("positive"), Some("complaint"))
        );
    }

    #[test]
    fn finding_stale_mentions_uses_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let plan: Vec<String> = store
            .read(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {STALE}")).db()?;
                let rows = stmt
                    .query_map(params!["v", 10], |r| r.get::<_, String>(3))
                    .db()?;
                rows.collect::<rusqlite::Result<Vec<_>>>().db()
            })
            .unwrap();
        assert!(
            plan.iter().all(|step| !step.starts_with("SCAN mentions")),
            "{plan:?}"
        );
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
    fn every_watch_link_of_a_long_batch_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        store
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO watches (id, name, terms, purpose, created_at) VALUES
                         (1, 'Shop', '[]', 'care', 't'), (2, 'Cafe', '[]', 'care', 't'),
                         (3, 'Market', '[]', 'care', 't');",
                )
                .db()
            })
            .unwrap();
        // More links than one statement writes (LINKS_A_STATEMENT).
        let n = LINKS_A_STATEMENT * 2 + 100;
        let batch: Vec<NewMention> = (0..n)
            .map(|i| mention(&format!("m{i}"), "2026-01-01T10:00:00Z", "Nice shop"))
            .collect();
        let links = |with_market: bool| -> Vec<Vec<i64>> {
            (0..n)
                .map(|i| match (i % 2, with_market && i % 5 == 0) {
                    (0, false) => vec![1],
                    (0, true) => vec![1, 3],
                    (_, false) => vec![1, 2],
                    (_, true) => vec![1, 2, 3],
                })
                .collect()
        };
        let stored_links = || -> Vec<(String, String)> {
            store
                .read(|c| {
                    let mut stmt = c
                        .prepare(
                            "SELECT m.external_id, group_concat(l.watch_id, ',' ORDER BY l.watch_id)
                             FROM mentions m JOIN mention_watches l ON l.mention_id = m.id
                             GROUP BY m.id ORDER BY m.id",
                        )
                        .db()?;
                    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).db()?;
                    rows.collect::<rusqlite::Result<Vec<_>>>().db()
                })
                .unwrap()
        };
        let expected = |w: &[Vec<i64>]| -> Vec<(String, String)> {
            w.iter()
                .enumerate()
                .map(|(i, w)| {
                    let w: Vec<String> = w.iter().map(|w| w.to_string()).collect();
                    (format!("m{i}"), w.join(","))
                })
                .collect()
        };
        let store_with = |w: &[Vec<i64>]| {
            let pairs: Vec<(&NewMention, &[i64])> = batch
                .iter()
                .zip(w)
                .map(|(m, w)| (m, w.as_slice()))
                .collect();
            store
                .write(|tx| store_batch(tx, None, &pairs, "2026-01-02T00:00:00Z"))
                .unwrap()
        };
        let first = links(false);
        let stored = store_with(&first);
        assert_eq!(stored.added, n as i64);
        assert_eq!(stored.new_by_watch.get(&2), Some(&(n as i64 / 2)));
        assert_eq!(stored_links(), expected(&first));
        // Polled again, now also caught by a third watch: the new links are
        // added, the old ones not written twice, no mention stored again.
        let second = links(true);
        let stored = store_with(&second);
        assert_eq!((stored.added, stored.edited), (0, 0));
        assert_eq!(stored_links(), expected(&second));
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
