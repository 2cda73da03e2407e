//! The outreach log and its guardrails: what the owner may record, and what
//! Hearken says first. The window's commands and the CLI both call these.
//!
//! - Do-not-contact always wins: new outreach to a person on the list (by
//!   the handle, or any handle linked to it) is refused on every channel;
//!   if the privacy key that finds entries can't be read, nothing is
//!   recorded either.
//! - A first contact is one with no earlier outreach to the person (or a
//!   linked handle) that happened; planned outreach has not happened, so it
//!   doesn't count. A first contact without the transparency notice, and a
//!   DM or email that reads as promotion, are warnings the owner must
//!   acknowledge; the record keeps showing them.
//! - Logging from a mention moves the mention along: a contact made (sent,
//!   replied, no response, declined) makes a new, needs-reply or ignored
//!   mention "contacted"; a resolved outreach makes it "resolved"; a
//!   planned one leaves it as it is (nothing has happened yet).
//! - Changes never rewrite the past silently: each changed field is a
//!   revision (old and new value) and the change is in the audit trail,
//!   which names the record and the fields, never a handle or a message.

pub mod export;
pub mod rules;
pub mod text;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use time::OffsetDateTime;

use crate::clock;
use crate::error::{Error, Result};
use crate::model::{
    DncEntry, ExportFormat, HandleRef, MentionStatus, NewOutreach, NewTemplate, Outreach,
    OutreachChange, OutreachCheck, OutreachDraft, OutreachList, OutreachQuery, OutreachRevision,
    OutreachStatus, OutreachTemplate, OutreachWarning, PersonTimeline, Platform, TimelineEntry,
};
use crate::store::outreach::{self as rows, FieldChange, FirstContacts, OutreachRecord};
use crate::store::{self, audit, people, templates, SqlResult};
use crate::workspace::Workspace;

/// What a follow-up check found: follow-ups that became due since the last
/// reminder, and all those due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUps {
    pub newly_due: i64,
    pub due: i64,
}

/// The mention an outreach is logged from.
#[derive(Debug, Clone)]
struct MentionRef {
    id: i64,
    platform: Platform,
    status: MentionStatus,
    author_name: Option<String>,
    url: Option<String>,
}

fn nonblank(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !people::key(s).is_empty())
        .map(str::to_string)
}

fn load_mention(conn: &Connection, id: i64) -> Result<Option<(MentionRef, Option<String>)>> {
    conn.query_row(
        "SELECT platform, author_handle, author_name, url, status FROM mentions WHERE id = ?1",
        [id],
        |r| {
            let platform: String = r.get(0)?;
            let handle: Option<String> = r.get(1)?;
            let name: Option<String> = r.get(2)?;
            let status: String = r.get(4)?;
            // Reviews without a handle are recorded by the name they show.
            let who = nonblank(&handle).or_else(|| nonblank(&name));
            Ok((
                MentionRef {
                    id,
                    platform: Platform::parse(&platform).unwrap_or(Platform::Rss),
                    status: MentionStatus::parse(&status).unwrap_or(MentionStatus::New),
                    author_name: nonblank(&name),
                    url: r.get(3)?,
                },
                who,
            ))
        },
    )
    .optional()
    .db()
}

/// Who an outreach is to: the mention's author, or the platform and handle given.
struct Person {
    person: Option<HandleRef>,
    mention: Option<MentionRef>,
    problems: Vec<String>,
}

fn resolve_person(
    conn: &Connection,
    mention_id: Option<i64>,
    platform: Option<Platform>,
    handle: &Option<String>,
) -> Result<Person> {
    let mut problems = Vec::new();
    let given = match (platform, nonblank(handle)) {
        (Some(p), Some(h)) => Ok(HandleRef {
            platform: p,
            handle: h,
        }),
        (None, _) => Err("Choose the platform the person is on."),
        (Some(_), None) => Err(
            "Type the person's handle as it appears on the platform, or log this from one of their mentions.",
        ),
    };
    let (person, mention) = match mention_id {
        None => match given {
            Ok(h) => (Some(h), None),
            Err(p) => {
                problems.push(p.to_string());
                (None, None)
            }
        },
        Some(id) => match load_mention(conn, id)? {
            None => {
                problems.push(format!(
                    "There is no mention {id} any more: it may have been erased or purged. Refresh the list, then log this from another mention or from the person's handle."
                ));
                // Still checked against the do-not-contact list when given.
                (given.ok(), None)
            }
            Some((m, who)) => {
                let person = match who.or_else(|| nonblank(handle)) {
                    Some(h) => Some(HandleRef {
                        platform: m.platform,
                        handle: h,
                    }),
                    None => {
                        problems.push(format!(
                            "This post doesn't say who wrote it, so type the person's handle as it appears on {}.",
                            m.platform.display_name()
                        ));
                        None
                    }
                };
                (person, Some(m))
            }
        },
    };
    if let Some(p) = &person {
        if p.handle.chars().count() > rules::MAX_HANDLE {
            problems.push(format!(
                "That handle is longer than {} characters; check it was copied correctly.",
                rules::MAX_HANDLE
            ));
        }
    }
    Ok(Person {
        person,
        mention,
        problems,
    })
}

/// The entry that stops contact with any of these handles, if there is one.
fn find_dnc(conn: &Connection, key: &[u8], handles: &[HandleRef]) -> Result<Option<DncEntry>> {
    for h in handles {
        if let Some(e) = store::dnc::find(conn, key, h.platform, &h.handle)? {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

/// The refusal for new outreach to someone on the list. It names no handle
/// (theirs may be a linked one) and quotes no reason the owner wrote.
fn dnc_refusal(entry: &DncEntry) -> Error {
    let since = entry.since.get(..10).unwrap_or(&entry.since);
    Error::DoNotContact(format!(
        "This person asked not to be contacted (on your do-not-contact list since {since}), so Hearken won't record new outreach to them, on any channel. If they have since asked to hear from you again, remove them from the list on the Privacy screen first."
    ))
}

fn warning_text(w: OutreachWarning, words: &[String]) -> String {
    match w {
        OutreachWarning::NoticeMissing => "This is your first contact with this person and the privacy notice isn't included (where you saw their post, what you keep, and how to opt out).".into(),
        OutreachWarning::Promotional => format!(
            "A direct message or email must be a service message, and this one reads as promotion ({}).",
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn needs_confirmation(unacked: &[OutreachWarning], words: &[String]) -> Error {
    let mut text: Vec<String> = unacked.iter().map(|w| warning_text(*w, words)).collect();
    text.push(
        "Nothing was recorded. Check the message; if it is right as it is, confirm to record it anyway."
            .into(),
    );
    Error::NeedsConfirmation(text.join(" "))
}

/// Where a mention goes when an outreach with this status is logged from it.
pub fn mention_status_after(
    current: MentionStatus,
    outreach: OutreachStatus,
) -> Option<MentionStatus> {
    match outreach {
        OutreachStatus::Planned => None,
        OutreachStatus::Resolved => {
            (current != MentionStatus::Resolved).then_some(MentionStatus::Resolved)
        }
        OutreachStatus::Sent
        | OutreachStatus::Replied
        | OutreachStatus::NoResponse
        | OutreachStatus::Declined => matches!(
            current,
            MentionStatus::New | MentionStatus::NeedsReply | MentionStatus::Ignored
        )
        .then_some(MentionStatus::Contacted),
    }
}

/// A draft checked against every rule, with its dates in stored form.
struct Assessment {
    check: OutreachCheck,
    person: Option<HandleRef>,
    mention: Option<MentionRef>,
    occurred_at: String,
    follow_up_at: Option<String>,
}

fn assess(
    conn: &Connection,
    key: &[u8],
    draft: &NewOutreach,
    now: OffsetDateTime,
) -> Result<Assessment> {
    let who = resolve_person(conn, draft.mention_id, draft.platform, &draft.handle)?;
    let mut problems = who.problems;
    let planned = draft.status == OutreachStatus::Planned;
    let occurred_at = match draft.occurred_at.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => rules::occurred_at(raw, planned, now).unwrap_or_else(|p| {
            problems.push(p);
            clock::format(now)
        }),
        _ => clock::format(now),
    };
    let follow_up_at = match draft.follow_up_at.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => match rules::follow_up_at(raw, now) {
            Ok(f) => Some(f),
            Err(p) => {
                problems.push(p);
                None
            }
        },
        _ => None,
    };
    problems.extend(rules::text_problem("message", &draft.message, true));
    problems.extend(rules::text_problem(
        "outcome",
        draft.outcome.as_deref().unwrap_or(""),
        false,
    ));
    problems.extend(rules::text_problem(
        "note",
        draft.notes.as_deref().unwrap_or(""),
        false,
    ));
    let (first_contact, do_not_contact) = match &who.person {
        Some(p) => {
            let handles = people::handles_of(conn, p.platform, &p.handle)?;
            let first =
                FirstContacts::load(conn)?.is_first(p.platform, &p.handle, &occurred_at, None);
            (first, find_dnc(conn, key, &handles)?)
        }
        None => (true, None),
    };
    let promotional_words = if draft.channel.is_private_message() {
        rules::promotional_words(&draft.message)
    } else {
        Vec::new()
    };
    let mut warnings = Vec::new();
    if who.person.is_some() && first_contact && !draft.notice_given {
        warnings.push(OutreachWarning::NoticeMissing);
    }
    if !promotional_words.is_empty() {
        warnings.push(OutreachWarning::Promotional);
    }
    let shown = who.person.clone().unwrap_or_else(|| HandleRef {
        platform: who
            .mention
            .as_ref()
            .map(|m| m.platform)
            .or(draft.platform)
            .unwrap_or(Platform::Rss),
        handle: String::new(),
    });
    Ok(Assessment {
        check: OutreachCheck {
            person: shown,
            first_contact,
            do_not_contact,
            warnings,
            promotional_words,
            problems,
        },
        person: who.person,
        mention: who.mention,
        occurred_at,
        follow_up_at,
    })
}

fn tidy(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn check_handle(h: &HandleRef) -> Result<HandleRef> {
    let handle = h.handle.trim();
    if people::key(handle).is_empty() {
        return Err(Error::invalid(format!(
            "Type the person's handle as it appears on {}.",
            h.platform.display_name()
        )));
    }
    if handle.chars().count() > rules::MAX_HANDLE {
        return Err(Error::invalid(format!(
            "That handle is longer than {} characters; check it was copied correctly.",
            rules::MAX_HANDLE
        )));
    }
    Ok(HandleRef {
        platform: h.platform,
        handle: handle.to_string(),
    })
}

/// Every mention and outreach for the person, oldest first.
fn timeline(conn: &Connection, key: &[u8], h: &HandleRef, now: &str) -> Result<PersonTimeline> {
    let handles = people::handles_of(conn, h.platform, &h.handle)?;
    let dnc = find_dnc(conn, key, &handles)?;
    let mut entries = Vec::new();
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {} FROM mentions WHERE id = ?1",
            store::mentions::COLUMNS
        ))
        .db()?;
    for handle in &handles {
        for id in people::mention_ids(conn, handle.platform, &handle.handle)? {
            let Some(mut m) = stmt
                .query_row([id], store::mentions::from_row)
                .optional()
                .db()?
            else {
                continue;
            };
            m.do_not_contact = dnc.is_some();
            entries.push(TimelineEntry::Mention {
                at: m.created_at.clone(),
                mention: m,
            });
        }
    }
    for o in rows::views(conn, rows::for_handles(conn, &handles)?, now)? {
        entries.push(TimelineEntry::Outreach {
            at: o.occurred_at.clone(),
            outreach: o,
        });
    }
    entries.sort_by(|a, b| {
        let key = |e: &TimelineEntry| match e {
            TimelineEntry::Mention { at, mention } => (at.clone(), 0, mention.id),
            TimelineEntry::Outreach { at, outreach } => (at.clone(), 1, outreach.id),
        };
        key(a).cmp(&key(b))
    });
    Ok(PersonTimeline {
        handles,
        do_not_contact: dnc,
        entries,
    })
}

/// Hearken holds something about this handle: a mention, outreach, or a
/// do-not-contact entry.
fn known(conn: &Connection, key: &[u8], h: &HandleRef) -> Result<bool> {
    if store::dnc::find(conn, key, h.platform, &h.handle)?.is_some() {
        return Ok(true);
    }
    if !rows::for_handles(conn, std::slice::from_ref(h))?.is_empty() {
        return Ok(true);
    }
    Ok(!people::mention_ids(conn, h.platform, &h.handle)?.is_empty())
}

fn template_view(t: templates::TemplateRow) -> OutreachTemplate {
    OutreachTemplate {
        promotional_words: rules::promotional_words(&t.body),
        id: t.id,
        name: t.name,
        body: t.body,
        builtin: t.builtin,
    }
}

impl Workspace {
    /// What Hearken says about a draft: who it is to, whether it is a first
    /// contact, a do-not-contact entry, warnings and problems.
    pub fn check_outreach(&self, draft: &NewOutreach) -> Result<OutreachCheck> {
        let key = self.privacy_key()?;
        let now = clock::now();
        self.store
            .read(|c| assess(c, &key, draft, now).map(|a| a.check))
    }

    /// Records an outreach, if every rule allows it; see the module's notes.
    pub fn log_outreach(&self, draft: &NewOutreach) -> Result<Outreach> {
        // Read before anything is written: without the key, the
        // do-not-contact list can't be checked, so nothing is recorded.
        let key = self.privacy_key()?;
        let now = clock::now();
        let now_s = clock::format(now);
        let id = self.store.write(|tx| {
            let a = assess(tx, &key, draft, now)?;
            if let Some(entry) = &a.check.do_not_contact {
                return Err(dnc_refusal(entry));
            }
            if !a.check.problems.is_empty() {
                return Err(Error::invalid(a.check.problems.join(" ")));
            }
            let unacked: Vec<OutreachWarning> = a
                .check
                .warnings
                .iter()
                .copied()
                .filter(|w| !draft.acknowledged.contains(w))
                .collect();
            if !unacked.is_empty() {
                return Err(needs_confirmation(&unacked, &a.check.promotional_words));
            }
            let person = a
                .person
                .ok_or_else(|| Error::internal("an outreach without a person passed the checks"))?;
            let id = rows::insert(
                tx,
                &OutreachRecord {
                    mention_id: a.mention.as_ref().map(|m| m.id),
                    platform: person.platform.as_str().to_string(),
                    author_handle: person.handle,
                    channel: draft.channel.as_str().to_string(),
                    message: draft.message.trim().to_string(),
                    status: draft.status.as_str().to_string(),
                    occurred_at: a.occurred_at,
                    follow_up_at: a.follow_up_at,
                    outcome: tidy(&draft.outcome),
                    notice_given: draft.notice_given,
                    notes: tidy(&draft.notes),
                },
                &now_s,
            )?;
            if let Some(m) = &a.mention {
                if let Some(next) = mention_status_after(m.status, draft.status) {
                    store::inbox::set_status(tx, &[m.id], next, &now_s)?;
                }
            }
            let mut detail = format!(
                "channel={}, status={}, notice={}",
                draft.channel.as_str(),
                draft.status.as_str(),
                if draft.notice_given { "yes" } else { "no" }
            );
            if !a.check.warnings.is_empty() {
                let confirmed: Vec<&str> = a
                    .check
                    .warnings
                    .iter()
                    .map(|w| match w {
                        OutreachWarning::NoticeMissing => "notice_missing",
                        OutreachWarning::Promotional => "promotional",
                    })
                    .collect();
                detail.push_str(&format!(", confirmed={}", confirmed.join("+")));
            }
            audit::append(
                tx,
                audit::OWNER,
                "outreach_logged",
                Some(&format!("outreach:{id}")),
                Some(&detail),
                &now_s,
            )?;
            Ok(id)
        })?;
        tracing::info!(
            outreach = id,
            channel = draft.channel.as_str(),
            "outreach logged"
        );
        self.outreach(id)
    }

    /// One record as the log shows it.
    pub fn outreach(&self, id: i64) -> Result<Outreach> {
        let now = clock::now_string();
        self.store.read(|c| {
            let row = rows::get(c, id)?;
            let first = FirstContacts::load(c)?;
            Ok(rows::view(row, &first, &now))
        })
    }

    /// Changes a record: one revision per changed field and an audit entry
    /// naming the fields. Do-not-contact never stops closing a record or
    /// adding notes, but does stop making it "sent" or "planned" again.
    pub fn update_outreach(&self, id: i64, change: &OutreachChange) -> Result<Outreach> {
        let reopens = matches!(
            change.status,
            Some(OutreachStatus::Sent | OutreachStatus::Planned)
        );
        let key = if reopens {
            Some(self.privacy_key()?)
        } else {
            None
        };
        let now = clock::now();
        let now_s = clock::format(now);
        let changed = self.store.write(|tx| {
            let cur = rows::get(tx, id)?;
            let mut changes: Vec<FieldChange> = Vec::new();
            let mut problems: Vec<String> = Vec::new();
            let mut push = |field: &'static str, old: Option<String>, new: Option<String>| {
                if old != new {
                    changes.push(FieldChange { field, old, new });
                }
            };
            let status = change.status.unwrap_or(cur.status);
            push(
                "status",
                Some(cur.status.as_str().into()),
                Some(status.as_str().into()),
            );
            // A planned contact dated ahead happens now when it is made.
            if cur.status == OutreachStatus::Planned
                && status != OutreachStatus::Planned
                && cur.occurred_at > now_s
            {
                push(
                    "occurred_at",
                    Some(cur.occurred_at.clone()),
                    Some(now_s.clone()),
                );
            }
            let channel = change.channel.unwrap_or(cur.channel);
            push(
                "channel",
                Some(cur.channel.as_str().into()),
                Some(channel.as_str().into()),
            );
            let message = match &change.message {
                Some(m) => {
                    problems.extend(rules::text_problem("message", m, true));
                    m.trim().to_string()
                }
                None => cur.message.clone(),
            };
            push("message", Some(cur.message.clone()), Some(message.clone()));
            if let Some(raw) = &change.follow_up_at {
                let raw = raw.trim();
                let new = if raw.is_empty() {
                    None
                } else if rules::stored_follow_up(raw) == cur.follow_up_at {
                    // Unchanged, even if that date has passed since.
                    cur.follow_up_at.clone()
                } else {
                    match rules::follow_up_at(raw, now) {
                        Ok(f) => Some(f),
                        Err(p) => {
                            problems.push(p);
                            cur.follow_up_at.clone()
                        }
                    }
                };
                push("follow_up_at", cur.follow_up_at.clone(), new);
            }
            for (field, given, old) in [
                ("outcome", &change.outcome, &cur.outcome),
                ("notes", &change.notes, &cur.notes),
            ] {
                if let Some(text) = given {
                    let what = if field == "notes" { "note" } else { field };
                    problems.extend(rules::text_problem(what, text, false));
                    push(field, old.clone(), tidy(&Some(text.clone())));
                }
            }
            let notice_given = change.notice_given.unwrap_or(cur.notice_given);
            let yes_no = |b: bool| Some(if b { "yes" } else { "no" }.to_string());
            push("notice_given", yes_no(cur.notice_given), yes_no(notice_given));
            if !problems.is_empty() {
                return Err(Error::invalid(problems.join(" ")));
            }
            if changes.is_empty() {
                return Ok(false);
            }
            let status_changed = status != cur.status;
            if let (true, Some(key)) = (status_changed, &key) {
                let handles = people::handles_of(tx, cur.platform, &cur.handle)?;
                if find_dnc(tx, key, &handles)?.is_some() {
                    return Err(Error::DoNotContact(
                        "This person asked not to be contacted, so this record can't be made \"sent\" or \"planned\" again. You can still close it, or change its outcome and notes.".into(),
                    ));
                }
            }
            let mut unacked = Vec::new();
            let words = if channel.is_private_message() {
                rules::promotional_words(&message)
            } else {
                Vec::new()
            };
            let rewritten = message != cur.message || channel != cur.channel;
            if rewritten
                && !words.is_empty()
                && !change.acknowledged.contains(&OutreachWarning::Promotional)
            {
                unacked.push(OutreachWarning::Promotional);
            }
            let loses_notice = (cur.notice_given && !notice_given)
                || (cur.status == OutreachStatus::Planned && status != OutreachStatus::Planned);
            if loses_notice
                && !notice_given
                && !change.acknowledged.contains(&OutreachWarning::NoticeMissing)
                && FirstContacts::load(tx)?.is_first(
                    cur.platform,
                    &cur.handle,
                    &cur.occurred_at,
                    Some(id),
                )
            {
                unacked.insert(0, OutreachWarning::NoticeMissing);
            }
            if !unacked.is_empty() {
                return Err(needs_confirmation(&unacked, &words));
            }
            rows::apply_changes(tx, id, &changes, &now_s)?;
            if status_changed {
                if let Some(mention_id) = cur.mention_id {
                    let current: Option<String> = tx
                        .query_row("SELECT status FROM mentions WHERE id = ?1", [mention_id], |r| {
                            r.get(0)
                        })
                        .optional()
                        .db()?;
                    let next = current
                        .as_deref()
                        .and_then(MentionStatus::parse)
                        .and_then(|m| mention_status_after(m, status));
                    if let Some(next) = next {
                        store::inbox::set_status(tx, &[mention_id], next, &now_s)?;
                    }
                }
            }
            let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
            audit::append(
                tx,
                audit::OWNER,
                "outreach_changed",
                Some(&format!("outreach:{id}")),
                Some(&fields.join(", ")),
                &now_s,
            )?;
            Ok(true)
        })?;
        if changed {
            tracing::info!(outreach = id, "outreach changed");
        }
        self.outreach(id)
    }

    /// A record's changes, oldest first.
    pub fn outreach_history(&self, id: i64) -> Result<Vec<OutreachRevision>> {
        self.store.read(|c| rows::revisions(c, id))
    }

    /// The Outreach screen: filtered, newest first, with how many match and
    /// how many follow-ups are due.
    pub fn query_outreach(&self, q: &OutreachQuery) -> Result<OutreachList> {
        let person = q.person.as_ref().map(check_handle).transpose()?;
        let now = clock::now_string();
        self.store.read(|c| {
            let handles = match &person {
                Some(h) => Some(people::handles_of(c, h.platform, &h.handle)?),
                None => None,
            };
            let (found, total, due) = rows::query(c, q, handles.as_deref(), &now)?;
            Ok(OutreachList {
                items: rows::views(c, found, &now)?,
                total,
                due,
            })
        })
    }

    /// Writes the whole log as `outreach-YYYY-MM-DD.csv` or `.json` into
    /// `dir` (the Downloads folder by default) and returns the file's path.
    pub fn export_outreach(&self, format: ExportFormat, dir: Option<PathBuf>) -> Result<PathBuf> {
        let now = clock::now();
        let now_s = clock::format(now);
        let items = self
            .store
            .read(|c| rows::views(c, rows::all_rows(c)?, &now_s))?;
        let body = match format {
            ExportFormat::Csv => export::to_csv(&items),
            ExportFormat::Json => export::to_json(&items, &now_s)?,
        };
        let dir = dir.unwrap_or_else(|| self.default_export_dir());
        let path = export::free_name(
            &dir,
            &format!("outreach-{}", now.date()),
            format.extension(),
        );
        export::write_whole(&path, body.as_bytes())?;
        let detail = format!(
            "outreach log, format={}, records={}",
            format.extension(),
            items.len()
        );
        let audited = self
            .store
            .write(|tx| audit::append(tx, audit::OWNER, "export", None, Some(&detail), &now_s));
        if let Err(e) = audited {
            // Every export is in the audit trail, or there is no export.
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        tracing::info!(records = items.len(), "outreach exported");
        Ok(path)
    }

    /// The Downloads folder, or the data folder where there is none.
    fn default_export_dir(&self) -> PathBuf {
        directories::UserDirs::new()
            .and_then(|u| u.download_dir().map(Path::to_path_buf))
            .filter(|d| d.is_dir())
            .unwrap_or_else(|| self.data_dir().to_path_buf())
    }

    fn ensure_templates(&self) -> Result<()> {
        if !self.store.read(templates::seeded)? {
            let now = clock::now_string();
            self.store.write(|tx| templates::seed_builtins(tx, &now))?;
        }
        Ok(())
    }

    /// Hearken's service templates (added the first time) and the owner's.
    pub fn templates(&self) -> Result<Vec<OutreachTemplate>> {
        self.ensure_templates()?;
        self.store
            .read(|c| Ok(templates::list(c)?.into_iter().map(template_view).collect()))
    }

    pub fn save_template(&self, t: &NewTemplate) -> Result<OutreachTemplate> {
        let name = t.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::invalid(
                "Give the template a short name (up to 80 characters), like \"Sorry, can we help?\".",
            ));
        }
        if let Some(p) = rules::text_problem("template", &t.body, true) {
            return Err(Error::invalid(p));
        }
        let unknown = text::unknown_placeholders(&t.body, &text::MESSAGE_PLACEHOLDERS);
        if !unknown.is_empty() {
            return Err(Error::invalid(format!(
                "Hearken can't fill in {}. Use {{name}}, {{handle}}, {{platform}}, {{business}} or {{link}}.",
                unknown
                    .iter()
                    .map(|u| format!("{{{u}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        self.ensure_templates()?;
        let now = clock::now_string();
        let body = t.body.trim().to_string();
        let id = self
            .store
            .write(|tx| templates::save(tx, t.id, &name, &body, &now))?;
        self.store
            .read(|c| templates::get(c, id).map(template_view))
    }

    pub fn delete_template(&self, id: i64) -> Result<()> {
        self.store.write(|tx| templates::delete(tx, id))
    }

    /// A message from a template (empty without one) and the transparency
    /// notice, filled in for the person and post, with whether this would
    /// be the first contact and any do-not-contact entry.
    pub fn draft_outreach(
        &self,
        mention_id: Option<i64>,
        platform: Option<Platform>,
        handle: Option<String>,
        template_id: Option<i64>,
    ) -> Result<OutreachDraft> {
        let key = self.privacy_key()?;
        let now = clock::now_string();
        self.store.read(|c| {
            let who = resolve_person(c, mention_id, platform, &handle)?;
            if let (Some(id), None) = (mention_id, &who.mention) {
                return Err(Error::NotFound(format!("Mention {id}")));
            }
            if let Some(p) = who.problems.first() {
                return Err(Error::invalid(p.clone()));
            }
            let person = who
                .person
                .ok_or_else(|| Error::internal("a draft without a person passed the checks"))?;
            let handles = people::handles_of(c, person.platform, &person.handle)?;
            let do_not_contact = find_dnc(c, &key, &handles)?;
            let first_contact =
                FirstContacts::load(c)?.is_first(person.platform, &person.handle, &now, None);
            let settings = store::settings::load(c)?;
            let business = match settings.business_name.trim() {
                "" => "our business".to_string(),
                b => b.to_string(),
            };
            let platform_name = person.platform.display_name();
            let bare = person.handle.trim_start_matches('@').to_string();
            let name = who
                .mention
                .as_ref()
                .and_then(|m| m.author_name.clone())
                .unwrap_or_else(|| bare.clone());
            let link = who
                .mention
                .as_ref()
                .and_then(|m| m.url.clone())
                .unwrap_or_default();
            let message = match template_id {
                Some(id) => text::fill(
                    &templates::get(c, id)?.body,
                    &[
                        ("name", &name),
                        ("handle", &person.handle),
                        ("platform", platform_name),
                        ("business", &business),
                        ("link", &link),
                    ],
                ),
                None => String::new(),
            };
            let contact = match settings.business_contact.trim() {
                "" => "us here".to_string(),
                c => c.to_string(),
            };
            let notice = text::fill(
                &rows::notice_template(c)?,
                &[
                    ("platform", platform_name),
                    ("business", &business),
                    ("days", &rows::mention_days(c)?.to_string()),
                    ("contact", &contact),
                ],
            );
            Ok(OutreachDraft {
                message,
                notice,
                first_contact,
                do_not_contact,
            })
        })
    }

    /// Every mention and outreach for one person (the handle and the
    /// handles linked to it), oldest first.
    pub fn person_timeline(&self, h: &HandleRef) -> Result<PersonTimeline> {
        let h = check_handle(h)?;
        let key = self.privacy_key()?;
        let now = clock::now_string();
        let t = self.store.read(|c| timeline(c, &key, &h, &now))?;
        if t.entries.is_empty() && t.handles.len() == 1 && t.do_not_contact.is_none() {
            return Err(Error::invalid(format!(
                "Hearken holds no mentions or outreach for \"{}\" on {}. Check the spelling, or open the person from one of their mentions.",
                h.handle,
                h.platform.display_name()
            )));
        }
        Ok(t)
    }

    /// Says two handles are one person (merging two people if both were
    /// linked already); returns the first handle's timeline.
    pub fn link_handles(&self, a: &HandleRef, b: &HandleRef) -> Result<PersonTimeline> {
        let (a, b) = (check_handle(a)?, check_handle(b)?);
        let key = self.privacy_key()?;
        let now = clock::now_string();
        self.store.write(|tx| {
            for h in [&a, &b] {
                if !known(tx, &key, h)? {
                    return Err(Error::invalid(format!(
                        "Hearken holds nothing for \"{}\" on {}, so there is nothing to link. Check the spelling.",
                        h.handle,
                        h.platform.display_name()
                    )));
                }
            }
            people::link(tx, &a, &b)?;
            timeline(tx, &key, &a, &now)
        })
    }

    /// Takes a handle out of the person it was linked to.
    pub fn unlink_handle(&self, h: &HandleRef) -> Result<PersonTimeline> {
        let h = check_handle(h)?;
        let key = self.privacy_key()?;
        let now = clock::now_string();
        self.store.write(|tx| {
            people::unlink(tx, &h)?;
            timeline(tx, &key, &h, &now)
        })
    }

    /// Marks the follow-ups that became due since the last check as
    /// reminded, and counts them and all those due.
    pub fn remind_follow_ups(&self) -> Result<FollowUps> {
        let now = clock::now_string();
        let due = self.store.read(|c| rows::due_count(c, &now))?;
        if due == 0 {
            return Ok(FollowUps {
                newly_due: 0,
                due: 0,
            });
        }
        let newly_due = self.store.write(|tx| rows::take_due_reminders(tx, &now))?;
        Ok(FollowUps { newly_due, due })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_moves_forward_only_and_a_plan_leaves_it_alone() {
        use MentionStatus as M;
        use OutreachStatus as O;
        assert_eq!(mention_status_after(M::New, O::Planned), None);
        assert_eq!(
            mention_status_after(M::NeedsReply, O::Sent),
            Some(M::Contacted)
        );
        assert_eq!(
            mention_status_after(M::Ignored, O::Replied),
            Some(M::Contacted)
        );
        assert_eq!(
            mention_status_after(M::New, O::Declined),
            Some(M::Contacted)
        );
        assert_eq!(mention_status_after(M::Contacted, O::Sent), None);
        // A follow-up on a resolved mention doesn't reopen it.
        assert_eq!(mention_status_after(M::Resolved, O::Sent), None);
        assert_eq!(
            mention_status_after(M::Contacted, O::Resolved),
            Some(M::Resolved)
        );
        assert_eq!(mention_status_after(M::Resolved, O::Resolved), None);
    }

    #[test]
    fn the_refusal_names_nobody() {
        let entry = DncEntry {
            id: 1,
            platform: Some(Platform::X),
            handle: Some("linked_other_handle".into()),
            reason: "Private reason the owner wrote".into(),
            since: "2026-11-02T10:00:00Z".into(),
            erased: false,
        };
        let e = dnc_refusal(&entry);
        assert_eq!(e.code(), "do_not_contact");
        let text = e.to_string();
        assert!(text.contains("since 2026-11-02"), "{text}");
        assert!(!text.contains("linked_other_handle") && !text.contains("Private reason"));
    }
}
