//! Retention: mentions nobody acted on and closed outreach go after the
//! owner's periods, deleted or anonymised.
//!
//! The rules, exactly:
//! - A mention is **un-actioned** when it was posted (`created_at`) more
//!   than `mention_days` ago, no outreach refers to it (an anonymised
//!   outreach record no longer counts), and its status is
//!   not "needs reply" (the owner said it still needs an answer). Its other
//!   statuses do not keep it: "contacted" or "resolved" without an outreach
//!   record carries nothing worth keeping.
//! - Outreach is **closed** when its status is resolved, no response or
//!   declined, and it last changed (`updated_at`, else `occurred_at`) more
//!   than `outreach_days` ago.
//!
//! **Delete** removes them with everything hanging off them: a mention's
//! label corrections and watch links (foreign-key cascades), its full-text
//! entry (trigger), and an outreach record's revisions (cascade). The
//! Dashboard's tallies follow what is stored (migration 7's triggers
//! subtract a deleted mention), so deleted mentions leave its charts, and
//! a deleted outreach record leaves the response time.
//!
//! **Anonymise** keeps the rows for the Dashboard (time, platform, label,
//! scores, status, watches; an outreach record's channel, status and
//! times) and removes everything that says who or what: a mention's text,
//! triage's quoted reasons, author id, handle and name, link and the
//! platform's post id (replaced by `anonymised:<id>`, which also marks it
//! done); an outreach record's handle (emptied, which marks it done),
//! message, outcome, notes and revisions.

use rusqlite::{params, Connection, Transaction};
use time::{Duration, OffsetDateTime};

use crate::clock;
use crate::error::Result;
use crate::model::{Mention, PrivacySettings, PurgeMode, PurgePlan, PurgeReport};
use crate::store::mentions::{from_row, COLUMNS};
use crate::store::settings::{get_value, set_value};
use crate::store::{audit, SqlResult};

/// How an anonymised mention's `external_id` starts.
pub const ANONYMISED_PREFIX: &str = "anonymised:";
/// The last purge's report, as JSON.
pub const LAST_PURGE: &str = "last_purge";
/// Mentions shown in the preview.
const SAMPLE: i64 = 5;

/// Mentions due (?1: the cutoff, ?2: the mode). An anonymised mention is
/// due again only for deletion.
const DUE_MENTIONS: &str = "FROM mentions m
    WHERE m.created_at < ?1 AND m.status <> 'needs_reply'
      AND NOT EXISTS (SELECT 1 FROM outreach o WHERE o.mention_id = m.id AND o.author_handle <> '')
      AND (?2 = 'delete' OR substr(m.external_id, 1, 11) <> 'anonymised:')";

/// Outreach due (?1: the cutoff, ?2: the mode).
const DUE_OUTREACH: &str = "FROM outreach o
    WHERE o.status IN ('resolved', 'no_response', 'declined')
      AND coalesce(o.updated_at, o.occurred_at) < ?1
      AND (?2 = 'delete' OR o.author_handle <> '')";

fn mode_str(mode: PurgeMode) -> &'static str {
    match mode {
        PurgeMode::Delete => "delete",
        PurgeMode::Anonymise => "anonymise",
    }
}

/// The times before which mentions and closed outreach are due.
pub fn cutoffs(s: &PrivacySettings, now: OffsetDateTime) -> (String, String) {
    (
        clock::format(now - Duration::days(s.mention_days.into())),
        clock::format(now - Duration::days(s.outreach_days.into())),
    )
}

fn count(conn: &Connection, due: &str, cutoff: &str, mode: PurgeMode) -> Result<i64> {
    conn.prepare_cached(&format!("SELECT count(*) {due}"))
        .db()?
        .query_row(params![cutoff, mode_str(mode)], |r| r.get(0))
        .db()
}

/// What a purge would do now.
pub fn plan(conn: &Connection, s: &PrivacySettings, now: OffsetDateTime) -> Result<PurgePlan> {
    let (mentions_before, outreach_before) = cutoffs(s, now);
    let mode = mode_str(s.mode);
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM mentions WHERE id IN
                 (SELECT m.id {DUE_MENTIONS} ORDER BY m.created_at DESC, m.id DESC LIMIT {SAMPLE})
             ORDER BY created_at DESC, id DESC"
        ))
        .db()?;
    let sample = stmt
        .query_map(params![mentions_before, mode], from_row)
        .db()?
        .collect::<rusqlite::Result<Vec<Mention>>>()
        .db()?;
    Ok(PurgePlan {
        mode: s.mode,
        mentions: count(conn, DUE_MENTIONS, &mentions_before, s.mode)?,
        outreach: count(conn, DUE_OUTREACH, &outreach_before, s.mode)?,
        mentions_before,
        outreach_before,
        sample,
    })
}

/// Purges what is due, in the caller's transaction, with its audit entry
/// and the record of the last purge; nothing due still records a purge of
/// nothing.
pub fn run(
    tx: &Transaction<'_>,
    s: &PrivacySettings,
    now: OffsetDateTime,
    actor: &str,
) -> Result<PurgeReport> {
    let (mentions_before, outreach_before) = cutoffs(s, now);
    let mode = mode_str(s.mode);
    let p = params![mentions_before, mode];
    // Mentions first: removing outreach must not make more mentions due
    // than the preview showed.
    let mentions = match s.mode {
        PurgeMode::Delete => tx
            .execute(
                &format!("DELETE FROM mentions WHERE id IN (SELECT m.id {DUE_MENTIONS})"),
                p,
            )
            .db()?,
        PurgeMode::Anonymise => tx
            .execute(
                &format!(
                    "UPDATE mentions SET text = '', author_id = NULL, author_handle = NULL,
                         author_name = NULL, url = NULL, reasons = '[]', edited_at = NULL,
                         external_id = '{ANONYMISED_PREFIX}' || id
                     WHERE id IN (SELECT m.id {DUE_MENTIONS})"
                ),
                p,
            )
            .db()?,
    } as i64;
    let p = params![outreach_before, mode];
    let outreach = match s.mode {
        PurgeMode::Delete => tx
            .execute(
                &format!("DELETE FROM outreach WHERE id IN (SELECT o.id {DUE_OUTREACH})"),
                p,
            )
            .db()?,
        PurgeMode::Anonymise => {
            tx.execute(
                &format!(
                    "DELETE FROM outreach_revisions WHERE outreach_id IN (SELECT o.id {DUE_OUTREACH})"
                ),
                p,
            )
            .db()?;
            tx.execute(
                &format!(
                    "UPDATE outreach SET author_handle = '', message = '', outcome = NULL, notes = NULL
                     WHERE id IN (SELECT o.id {DUE_OUTREACH})"
                ),
                p,
            )
            .db()?
        }
    } as i64;
    let report = PurgeReport {
        mode: s.mode,
        mentions,
        outreach,
        ran_at: clock::format(now),
    };
    let verb = match s.mode {
        PurgeMode::Delete => "deleted",
        PurgeMode::Anonymise => "anonymised",
    };
    audit::append(
        tx,
        actor,
        "purge",
        None,
        Some(&format!(
            "{verb} {mentions} mentions posted before {mentions_before} and {outreach} outreach records closed before {outreach_before}"
        )),
        &report.ran_at,
    )?;
    let json = serde_json::to_string(&report).map_err(crate::error::Error::internal)?;
    set_value(tx, LAST_PURGE, &json)?;
    Ok(report)
}

/// The last purge, if one has run.
pub fn last(conn: &Connection) -> Result<Option<PurgeReport>> {
    Ok(get_value(conn, LAST_PURGE)?.and_then(|j| serde_json::from_str(&j).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    const NOW: &str = "2026-11-30T12:00:00Z";

    fn now() -> OffsetDateTime {
        clock::parse(NOW).unwrap()
    }

    fn settings(mode: PurgeMode) -> PrivacySettings {
        PrivacySettings {
            mention_days: 90,
            outreach_days: 730,
            mode,
            notice_template: crate::store::privacy::default_notice_template(),
        }
    }

    /// Old and recent mentions in every situation, with outreach.
    fn seed(store: &Store) {
        store
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO watches (id, name, purpose, created_at) VALUES (1, 'Shop', 'care', 't');
                     INSERT INTO mentions (id, platform, external_id, url, author_id, author_handle, author_name,
                         text, created_at, fetched_at, label, reasons, status) VALUES
                       (1, 'x', 'old-new', 'https://x.example/1', 'u1', 'amy', 'Amy', 'zebracorn broke',
                        '2026-08-01T00:00:00Z', 't', 'complaint', '[{\"kind\":\"cue\",\"text\":\"zebracorn broke\",\"weight\":1}]', 'new'),
                       (2, 'x', 'old-needs-reply', NULL, NULL, 'ben', 'Ben', 'still waiting',
                        '2026-08-01T00:00:00Z', 't', 'complaint', NULL, 'needs_reply'),
                       (3, 'x', 'old-contacted', NULL, NULL, 'cat', 'Cat', 'thanks for the call',
                        '2026-08-01T00:00:00Z', 't', 'positive', NULL, 'contacted'),
                       (4, 'x', 'recent', NULL, NULL, 'dan', 'Dan', 'lovely',
                        '2026-11-01T00:00:00Z', 't', 'positive', NULL, 'new'),
                       (5, 'x', 'old-resolved', NULL, NULL, 'eve', 'Eve', 'sorted now',
                        '2026-08-02T00:00:00Z', 't', 'positive', NULL, 'resolved');
                     INSERT INTO mentions_fts (rowid, text, author_name, author_handle)
                       SELECT id, text, author_name, author_handle FROM mentions;
                     INSERT INTO mention_watches VALUES (1, 1), (5, 1);
                     INSERT INTO label_corrections (mention_id, from_label, to_label, corrected_at)
                       VALUES (1, 'negative', 'complaint', 't');
                     INSERT INTO outreach (id, mention_id, platform, author_handle, channel, message, status,
                         occurred_at, outcome, notes, created_at, updated_at) VALUES
                       (1, 3, 'x', 'cat', 'phone', 'called Cat about the order', 'resolved',
                        '2024-01-01T00:00:00Z', 'happy', 'lives nearby', 't', NULL),
                       (2, NULL, 'x', 'fay', 'email', 'wrote to Fay', 'sent',
                        '2024-01-01T00:00:00Z', NULL, NULL, 't', NULL),
                       (3, NULL, 'x', 'gus', 'email', 'wrote to Gus', 'declined',
                        '2024-01-01T00:00:00Z', NULL, NULL, 't', '2026-06-01T00:00:00Z');
                     INSERT INTO outreach_revisions (outreach_id, changed_at, field, old_value, new_value)
                       VALUES (1, 't', 'message', 'called Cat', 'called Cat about the order');",
                )
                .db()
            })
            .unwrap();
    }

    fn ids(store: &Store, sql: &str) -> Vec<i64> {
        store
            .read(|c| {
                let mut stmt = c.prepare(sql).db()?;
                let rows = stmt.query_map([], |r| r.get(0)).db()?;
                rows.collect::<rusqlite::Result<Vec<i64>>>().db()
            })
            .unwrap()
    }

    #[test]
    fn the_preview_names_exactly_what_the_rules_make_due() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        seed(&store);
        let due = store
            .read(|c| plan(c, &settings(PurgeMode::Delete), now()))
            .unwrap();
        let plan = due;
        // 1 (new) and 5 (resolved, no outreach); not 2 (needs reply), 3
        // (has outreach) or 4 (recent).
        assert_eq!(plan.sample.iter().map(|m| m.id).collect::<Vec<_>>(), [5, 1]);
        assert_eq!(plan.mentions, 2);
        // Outreach 1 (resolved in 2024); not 2 (sent: not closed) or 3
        // (closed, but changed in June 2026).
        assert_eq!(plan.outreach, 1);
        assert_eq!(plan.mentions_before, "2026-09-01T12:00:00Z");
        assert_eq!(plan.outreach_before, "2024-11-30T12:00:00Z");
    }

    #[test]
    fn delete_takes_corrections_links_revisions_and_index_entries_with_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        seed(&store);
        let report = store
            .write(|tx| run(tx, &settings(PurgeMode::Delete), now(), audit::HEARKEN))
            .unwrap();
        assert_eq!((report.mentions, report.outreach), (2, 1));
        assert_eq!(
            ids(&store, "SELECT id FROM mentions ORDER BY id"),
            [2, 3, 4]
        );
        assert_eq!(ids(&store, "SELECT id FROM outreach ORDER BY id"), [2, 3]);
        assert!(ids(&store, "SELECT mention_id FROM label_corrections").is_empty());
        assert!(ids(&store, "SELECT mention_id FROM mention_watches").is_empty());
        assert!(ids(&store, "SELECT id FROM outreach_revisions").is_empty());
        assert!(ids(
            &store,
            "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH 'zebracorn'"
        )
        .is_empty());
        // Its outreach gone, mention 3 is un-actioned by the next purge.
        let next = store
            .write(|tx| run(tx, &settings(PurgeMode::Delete), now(), audit::HEARKEN))
            .unwrap();
        assert_eq!((next.mentions, next.outreach), (1, 0));
        assert_eq!(ids(&store, "SELECT id FROM mentions ORDER BY id"), [2, 4]);
        // Done: the next run finds nothing and says so in its numbers.
        let again = store
            .write(|tx| run(tx, &settings(PurgeMode::Delete), now(), audit::HEARKEN))
            .unwrap();
        assert_eq!((again.mentions, again.outreach), (0, 0));
        let recorded = store.read(last).unwrap().unwrap();
        assert_eq!((recorded.mentions, recorded.ran_at.as_str()), (0, NOW));
        let trail = store.read(|c| audit::list(c, None, 10)).unwrap();
        assert_eq!(trail.len(), 3);
        assert_eq!(trail[0].actor, "hearken");
        assert!(trail[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("deleted 0 mentions"));
        assert!(
            trail[2]
                .detail
                .as_deref()
                .unwrap()
                .starts_with("deleted 2 mentions"),
            "{:?}",
            trail[2].detail
        );
    }

    /// Label tallies per day, as the Dashboard sums them.
    fn tallies(store: &Store) -> Vec<(String, i64, i64)> {
        store
            .read(|c| {
                let mut stmt = c
                    .prepare("SELECT day, complaint, positive FROM mention_days ORDER BY day")
                    .db()?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .db()?;
                rows.collect::<rusqlite::Result<Vec<_>>>().db()
            })
            .unwrap()
    }

    #[test]
    fn anonymise_keeps_the_counts_and_removes_who_and_what() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        seed(&store);
        store.write(crate::store::dashboard::catch_up).unwrap();
        let before = tallies(&store);
        let report = store
            .write(|tx| run(tx, &settings(PurgeMode::Anonymise), now(), audit::OWNER))
            .unwrap();
        assert_eq!((report.mentions, report.outreach), (2, 1));
        assert_eq!(tallies(&store), before, "the Dashboard counts the same");
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = store
            .read(|c| {
                let mut stmt = c
                    .prepare(
                        "SELECT text, author_id, author_handle, author_name, url, external_id, reasons, label
                         FROM mentions WHERE id IN (1, 5) ORDER BY id",
                    )
                    .db()?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                    })
                    .db()?;
                rows.collect::<rusqlite::Result<Vec<_>>>().db()
            })
            .unwrap();
        assert_eq!(
            rows[0],
            (
                "".into(),
                None,
                None,
                None,
                None,
                "anonymised:1".into(),
                Some("[]".into()),
                "complaint".into()
            )
        );
        assert_eq!(rows[1].5, "anonymised:5");
        // Still linked to its watch and its correction, for the counts.
        assert_eq!(
            ids(&store, "SELECT mention_id FROM mention_watches ORDER BY 1"),
            [1, 5]
        );
        assert_eq!(ids(&store, "SELECT mention_id FROM label_corrections"), [1]);
        assert!(ids(
            &store,
            "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH 'zebracorn OR amy'"
        )
        .is_empty());
        let outreach: (String, String, Option<String>, Option<String>, String) = store
            .read(|c| {
                c.query_row(
                    "SELECT author_handle, message, outcome, notes, status FROM outreach WHERE id = 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .db()
            })
            .unwrap();
        assert_eq!(
            outreach,
            ("".into(), "".into(), None, None, "resolved".into())
        );
        assert!(ids(&store, "SELECT id FROM outreach_revisions").is_empty());
        // Anonymised rows are not due again, unless the owner switches to
        // delete; the mention whose only outreach was anonymised is due now.
        let next = store
            .read(|c| plan(c, &settings(PurgeMode::Anonymise), now()))
            .unwrap();
        assert_eq!((next.mentions, next.outreach), (1, 0));
        assert_eq!(next.sample[0].id, 3);
        let switched = store
            .read(|c| plan(c, &settings(PurgeMode::Delete), now()))
            .unwrap();
        assert_eq!((switched.mentions, switched.outreach), (3, 1));
        // A new triage model scores everything again, but an empty text
        // would read as neutral: an anonymised mention keeps its label.
        store
            .write(|tx| {
                tx.execute("UPDATE mentions SET scored_with = 'older-model'", [])
                    .db()
            })
            .unwrap();
        while store
            .write(|tx| crate::store::mentions::rescore_stale(tx, 100))
            .unwrap()
            > 0
        {}
        assert_eq!(tallies(&store), before);
        assert_eq!(
            ids(
                &store,
                "SELECT id FROM mentions WHERE label = 'complaint' ORDER BY id"
            ),
            [1, 2]
        );
    }
}
