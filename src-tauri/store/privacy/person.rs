//! Everything held about one person (a handle on a platform): found for an
//! access request, removed for an erasure. Handles compare as the
//! do-not-contact list compares them (`dnc::normalise_handle`: no "@", any
//! case, compatibility forms folded), so "@Jo_Bakes" finds "jo_bakes".

use std::collections::BTreeSet;

use rusqlite::{params, Connection, Transaction};
use serde::Serialize;

use crate::error::Result;
use crate::model::{DncEntry, HandleRef, LabelCorrection, Mention, OutreachRevision, Platform};
use crate::store::inbox::corrections_of;
use crate::store::mentions::{from_row, COLUMNS};
use crate::store::outreach::revisions_of;
use crate::store::{dnc, SqlResult};

/// A mention by the person, with the owner's corrections of its label.
#[derive(Debug, Clone, Serialize)]
pub struct HeldMention {
    pub mention: Mention,
    /// Names of the watches that caught it.
    pub watches: Vec<String>,
    pub label_corrections: Vec<LabelCorrection>,
}

/// An outreach record to the person, as stored, with its earlier versions.
#[derive(Debug, Clone, Serialize)]
pub struct HeldOutreach {
    pub id: i64,
    pub mention_id: Option<i64>,
    pub platform: String,
    pub handle: String,
    pub channel: String,
    pub direction: String,
    pub message: String,
    pub status: String,
    pub occurred_at: String,
    pub follow_up_at: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub notice_given: bool,
    pub created_at: String,
    pub updated_at: Option<String>,
    /// Every change, oldest first: the values before and after.
    pub revisions: Vec<OutreachRevision>,
}

/// Everything held about one person.
#[derive(Debug, Clone, Serialize)]
pub struct Held {
    pub mentions: Vec<HeldMention>,
    pub outreach: Vec<HeldOutreach>,
    /// Other handles the owner linked to this person (the person's own included).
    pub linked_handles: Vec<HandleRef>,
    pub do_not_contact: Option<DncEntry>,
}

impl Held {
    pub fn corrections(&self) -> usize {
        self.mentions
            .iter()
            .map(|m| m.label_corrections.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.mentions.is_empty()
            && self.outreach.is_empty()
            && self.linked_handles.is_empty()
            && self.do_not_contact.is_none()
    }
}

/// Ids from `sql` (selecting id and a handle for platform ?1) whose handle
/// is this person's. The queries read only the (platform, handle) indexes.
fn ids_with_handle(
    conn: &Connection,
    sql: &str,
    platform: Platform,
    handle: &str,
) -> Result<Vec<i64>> {
    let wanted = dnc::normalise_handle(handle);
    let mut stmt = conn.prepare_cached(sql).db()?;
    let rows = stmt
        .query_map([platform.as_str()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .db()?;
    let mut out = Vec::new();
    for row in rows {
        let (id, h) = row.db()?;
        if dnc::normalise_handle(&h) == wanted {
            out.push(id);
        }
    }
    Ok(out)
}

/// The person's mentions.
pub fn mention_ids(conn: &Connection, platform: Platform, handle: &str) -> Result<Vec<i64>> {
    ids_with_handle(
        conn,
        "SELECT id, author_handle FROM mentions WHERE platform = ?1 AND author_handle IS NOT NULL",
        platform,
        handle,
    )
}

/// Outreach to the person: by handle, or about one of their mentions.
pub fn outreach_ids(
    conn: &Connection,
    platform: Platform,
    handle: &str,
    mentions: &[i64],
) -> Result<Vec<i64>> {
    let mut ids: BTreeSet<i64> = ids_with_handle(
        conn,
        "SELECT id, author_handle FROM outreach WHERE platform = ?1",
        platform,
        handle,
    )?
    .into_iter()
    .collect();
    let mut about = conn
        .prepare_cached("SELECT id FROM outreach WHERE mention_id = ?1")
        .db()?;
    for m in mentions {
        let rows = about.query_map([m], |r| r.get::<_, i64>(0)).db()?;
        for id in rows {
            ids.insert(id.db()?);
        }
    }
    Ok(ids.into_iter().collect())
}

/// The person ids the owner gave this handle when linking it.
fn person_ids(conn: &Connection, platform: Platform, handle: &str) -> Result<Vec<i64>> {
    ids_with_handle(
        conn,
        "SELECT person_id, handle FROM person_handles WHERE platform = ?1",
        platform,
        handle,
    )
}

fn linked_handles(conn: &Connection, persons: &[i64]) -> Result<Vec<HandleRef>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT platform, handle FROM person_handles WHERE person_id = ?1 ORDER BY platform, handle",
        )
        .db()?;
    let mut out = Vec::new();
    for p in persons {
        let rows = stmt
            .query_map([p], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .db()?;
        for row in rows {
            let (platform, handle) = row.db()?;
            if let Some(platform) = Platform::parse(&platform) {
                out.push(HandleRef { platform, handle });
            }
        }
    }
    Ok(out)
}

/// Everything held about the person, oldest first.
pub fn collect(conn: &Connection, key: &[u8], platform: Platform, handle: &str) -> Result<Held> {
    let ids = mention_ids(conn, platform, handle)?;
    let mut mention = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM mentions WHERE id = ?1"))
        .db()?;
    let mut mentions = Vec::with_capacity(ids.len());
    for &id in &ids {
        let m = mention.query_row([id], from_row).db()?;
        mentions.push(HeldMention {
            watches: crate::store::watches::names_for_mention(conn, id)?,
            label_corrections: corrections_of(conn, id)?,
            mention: m,
        });
    }
    mentions.sort_by(|a, b| {
        (&a.mention.created_at, a.mention.id).cmp(&(&b.mention.created_at, b.mention.id))
    });
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, mention_id, platform, author_handle, channel, direction, message, status,
                 occurred_at, follow_up_at, outcome, notes, notice_given, created_at, updated_at
             FROM outreach WHERE id = ?1",
        )
        .db()?;
    let mut outreach = Vec::new();
    for id in outreach_ids(conn, platform, handle, &ids)? {
        let mut o = stmt
            .query_row([id], |r| {
                Ok(HeldOutreach {
                    id: r.get(0)?,
                    mention_id: r.get(1)?,
                    platform: r.get(2)?,
                    handle: r.get(3)?,
                    channel: r.get(4)?,
                    direction: r.get(5)?,
                    message: r.get(6)?,
                    status: r.get(7)?,
                    occurred_at: r.get(8)?,
                    follow_up_at: r.get(9)?,
                    outcome: r.get(10)?,
                    notes: r.get(11)?,
                    notice_given: r.get(12)?,
                    created_at: r.get(13)?,
                    updated_at: r.get(14)?,
                    revisions: Vec::new(),
                })
            })
            .db()?;
        o.revisions = revisions_of(conn, id)?;
        outreach.push(o);
    }
    outreach.sort_by(|a, b| (&a.occurred_at, a.id).cmp(&(&b.occurred_at, b.id)));
    let do_not_contact = dnc::find(conn, key, platform, handle)?;
    for m in &mut mentions {
        m.mention.do_not_contact = do_not_contact.is_some();
    }
    Ok(Held {
        mentions,
        outreach,
        linked_handles: linked_handles(conn, &person_ids(conn, platform, handle)?)?,
        do_not_contact,
    })
}

/// What an erasure removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub mentions: i64,
    pub corrections: i64,
    pub outreach: i64,
    pub revisions: i64,
    pub linked_handles: i64,
    /// A do-not-contact entry was reduced to its fingerprint (and stays).
    pub do_not_contact_kept: bool,
}

impl Erased {
    pub fn is_empty(&self) -> bool {
        self.mentions == 0
            && self.corrections == 0
            && self.outreach == 0
            && self.revisions == 0
            && self.linked_handles == 0
    }
}

/// Removes everything about the person in the caller's transaction: their
/// mentions (with corrections, watch links and full-text entries), outreach
/// to them (with revisions), the links to their other handles, and the
/// handle on their requests; a do-not-contact entry keeps only its
/// fingerprint, so the objection is still honoured.
pub fn erase(tx: &Transaction<'_>, key: &[u8], platform: Platform, handle: &str) -> Result<Erased> {
    let mut erased = Erased::default();
    let mentions = mention_ids(tx, platform, handle)?;
    let outreach = outreach_ids(tx, platform, handle, &mentions)?;
    let persons = person_ids(tx, platform, handle)?;

    let count = |sql: &str, id: i64| -> Result<i64> {
        tx.prepare_cached(sql)
            .db()?
            .query_row([id], |r| r.get(0))
            .db()
    };
    for &id in &outreach {
        erased.revisions += count(
            "SELECT count(*) FROM outreach_revisions WHERE outreach_id = ?1",
            id,
        )?;
        erased.outreach += tx
            .prepare_cached("DELETE FROM outreach WHERE id = ?1")
            .db()?
            .execute([id])
            .db()? as i64;
    }
    for &id in &mentions {
        erased.corrections += tx
            .prepare_cached("DELETE FROM label_corrections WHERE mention_id = ?1")
            .db()?
            .execute([id])
            .db()? as i64;
        erased.mentions += tx
            .prepare_cached("DELETE FROM mentions WHERE id = ?1")
            .db()?
            .execute([id])
            .db()? as i64;
    }
    for &p in &persons {
        erased.linked_handles += tx
            .execute(
                "DELETE FROM person_handles WHERE person_id = ?1",
                params![p],
            )
            .db()? as i64;
    }
    super::requests::forget_handle(tx, &dnc::fingerprint(key, platform, handle))?;
    erased.do_not_contact_kept = dnc::reduce_to_fingerprint(tx, key, platform, handle)?;
    Ok(erased)
}

/// Rewrites what could still hold erased text inside the file: the
/// full-text index, merged into one segment so the old segments (and the
/// words in them) are freed, and the indexes keyed by handle (and by the
/// platform's post id, which for Mastodon is a link naming the author),
/// rebuilt so none survives as a divider key in an interior page. With
/// `secure_delete` on, freed pages are overwritten with zeros.
pub fn scrub(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "INSERT INTO mentions_fts (mentions_fts) VALUES ('optimize');
         REINDEX mentions_author;
         REINDEX sqlite_autoindex_mentions_1;
         REINDEX outreach_person;
         REINDEX person_handles;",
    )
    .db()
}
