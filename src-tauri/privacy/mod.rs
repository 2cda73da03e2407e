//! Privacy by design, as the window and the CLI use it: the do-not-contact
//! list, retention and the daily purge, access and erasure requests, the
//! audit trail and the watches' legitimate-interests notes. Each change is
//! audited in the same transaction as the change itself; audit entries name
//! people only by keyed fingerprint.

pub mod pages;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::clock;
use crate::error::{Error, Result};
use crate::model::{
    AccessExport, AuditEntry, AuditVerification, DncEntry, ErasureReport, HandleRef, Mention,
    NewDnc, NewPrivacyRequest, Platform, PrivacyOverview, PrivacyRequest, PrivacySettings,
    PurgePlan, PurgeReport, RequestKind, WatchRef,
};
use crate::store::privacy::{self, person, requests, retention};
use crate::store::{self, audit, dnc};
use crate::workspace::Workspace;

/// The newest audit entries the Privacy screen opens with.
pub const AUDIT_PAGE: i64 = 100;

/// The owner's folder for files Hearken writes: the one chosen, else the
/// Downloads folder, else the data folder.
fn save_dir(ws: &Workspace, dir: Option<PathBuf>) -> PathBuf {
    dir.or_else(|| {
        directories::UserDirs::new().and_then(|u| u.download_dir().map(Path::to_path_buf))
    })
    .unwrap_or_else(|| ws.data_dir().to_path_buf())
}

fn cannot_write(dir: &Path, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "Couldn't save in {} ({e}). Nothing was saved. Choose a folder you can write to, and check the disk isn't full.",
        dir.display()
    ))
}

/// Fails, writing nothing that stays, unless files can be made in `dir`.
fn check_writable(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(cannot_write(dir, "there is no such folder"));
    }
    let probe = dir.join(format!(".hearken-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| cannot_write(dir, e))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Writes every file or none: each goes to a temporary name first and is
/// renamed into place only when all are written.
fn write_all_or_nothing(dir: &Path, files: &[(String, &[u8])]) -> Result<Vec<PathBuf>> {
    use std::io::Write;
    check_writable(dir)?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in temps {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.partial"));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()));
        temps.push((tmp, dir.join(name)));
        if let Err(e) = written {
            cleanup(&temps);
            return Err(cannot_write(dir, e));
        }
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    for (tmp, path) in &temps {
        if let Err(e) = std::fs::rename(tmp, path) {
            for p in &placed {
                let _ = std::fs::remove_file(p);
            }
            cleanup(&temps);
            return Err(cannot_write(dir, e));
        }
        placed.push(path.clone());
    }
    Ok(placed)
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How long things are kept, as the access answer states it.
#[derive(Serialize)]
struct Retention {
    mention_days: u32,
    outreach_days: u32,
    mode: crate::model::PurgeMode,
}

/// The access request's answer, as JSON.
#[derive(Serialize)]
struct AccessJson<'a> {
    format: &'static str,
    business_name: &'a str,
    business_contact: &'a str,
    person: HandleRef,
    request_id: i64,
    received_on: &'a str,
    /// One calendar month after `received_on`.
    due_on: &'a str,
    exported_at: &'a str,
    summary: &'a str,
    retention: Retention,
    #[serde(flatten)]
    held: &'a person::Held,
}

impl Workspace {
    /// Marks the mentions whose authors asked not to be contacted.
    pub fn mark_do_not_contact(
        &self,
        conn: &rusqlite::Connection,
        mentions: &mut [Mention],
    ) -> Result<()> {
        dnc::mark(conn, || self.privacy_key(), mentions)
    }

    /// The entry that stops contact with this person, if there is one.
    pub fn dnc_find(&self, platform: Platform, handle: &str) -> Result<Option<DncEntry>> {
        self.store.read(|c| {
            if !dnc::any(c)? {
                return Ok(None);
            }
            dnc::find(c, &self.privacy_key()?, platform, handle)
        })
    }

    pub fn dnc_list(&self) -> Result<Vec<DncEntry>> {
        self.store.read(dnc::list)
    }

    /// Adds a person to the do-not-contact list (already there: their entry).
    pub fn dnc_add(&self, entry: NewDnc) -> Result<DncEntry> {
        let key = self.privacy_key()?;
        let now = clock::now_string();
        self.store.write(|tx| {
            let (e, new) = dnc::add(
                tx,
                &key,
                entry.platform,
                &entry.handle,
                entry.reason.as_deref(),
                &now,
            )?;
            if new {
                audit::append(
                    tx,
                    audit::OWNER,
                    "dnc_added",
                    Some(&dnc::fingerprint(&key, entry.platform, &entry.handle)),
                    Some(&format!("on {}", entry.platform.as_str())),
                    &now,
                )?;
            }
            Ok(e)
        })
    }

    /// Takes an entry off the list (the person asked to hear from the business again).
    pub fn dnc_remove(&self, id: i64) -> Result<DncEntry> {
        let now = clock::now_string();
        self.store.write(|tx| {
            let hash = dnc::hash_of(tx, id)?;
            let removed = dnc::remove(tx, id)?;
            audit::append(
                tx,
                audit::OWNER,
                "dnc_removed",
                Some(&hash),
                removed
                    .platform
                    .map(|p| format!("on {}", p.as_str()))
                    .as_deref(),
                &now,
            )?;
            Ok(removed)
        })
    }

    pub fn privacy_settings(&self) -> Result<PrivacySettings> {
        self.store.read(privacy::load)
    }

    pub fn privacy_settings_save(&self, p: PrivacySettings) -> Result<PrivacySettings> {
        let p = privacy::check(p)?;
        let now = clock::now_string();
        self.store.write(|tx| privacy::save(tx, &p, &now))
    }

    pub fn purge_preview(&self) -> Result<PurgePlan> {
        let now = clock::now();
        self.store.read(|c| {
            let s = privacy::load(c)?;
            retention::plan(c, &s, now)
        })
    }

    /// Purges what is past its retention period now (the owner asked).
    pub fn purge_run(&self) -> Result<PurgeReport> {
        self.purge_as(audit::OWNER)
    }

    /// The daily purge, by Hearken itself.
    pub fn purge_daily(&self) -> Result<PurgeReport> {
        self.purge_as(audit::HEARKEN)
    }

    /// The daily purge, when it is due: always when `at_start`, else once a
    /// day has passed since the last purge (by the clock, so a computer
    /// that slept through the day still purges when it wakes).
    pub fn purge_if_due(&self, at_start: bool) -> Result<Option<PurgeReport>> {
        let last = self.store.read(retention::last)?;
        let due = at_start
            || last
                .as_ref()
                .and_then(|r| clock::parse(&r.ran_at))
                .is_none_or(|t| clock::now() - t >= time::Duration::hours(24));
        if !due {
            return Ok(None);
        }
        self.purge_daily().map(Some)
    }

    fn purge_as(&self, actor: &str) -> Result<PurgeReport> {
        let now = clock::now();
        let report = self.store.write(|tx| {
            let s = privacy::load(tx)?;
            retention::run(tx, &s, now, actor)
        })?;
        tracing::info!(
            mentions = report.mentions,
            outreach = report.outreach,
            "retention purge"
        );
        Ok(report)
    }

    pub fn requests_list(&self) -> Result<Vec<PrivacyRequest>> {
        let today = clock::now().date();
        self.store.read(|c| requests::list(c, today))
    }

    pub fn request_add(&self, r: NewPrivacyRequest) -> Result<PrivacyRequest> {
        let key = self.privacy_key()?;
        let now = clock::now();
        self.store
            .write(|tx| requests::add(tx, &key, &r, now.date(), &clock::format(now)))
    }

    /// Writes everything held about the request's person into `dir` as JSON
    /// and as a readable page (both or neither), then closes the request.
    pub fn privacy_export(&self, request_id: i64, dir: Option<PathBuf>) -> Result<AccessExport> {
        let key = self.privacy_key()?;
        let now = clock::now();
        let today = now.date();
        let request = self.store.read(|c| requests::get(c, request_id, today))?;
        if request.kind != RequestKind::Access {
            return Err(Error::invalid(format!(
                "Request {request_id} asks for erasure, not a copy. Erase the person's data instead."
            )));
        }
        let handle = request.handle.clone().ok_or_else(|| {
            Error::invalid(format!(
                "The person's data for request {request_id} was erased, so there is nothing left to export."
            ))
        })?;
        let (held, settings, retention) = self.store.read(|c| {
            Ok((
                person::collect(c, &key, request.platform, &handle)?,
                store::settings::load(c)?,
                privacy::load(c)?,
            ))
        })?;
        let summary = if held.is_empty() {
            "Nothing is held about this person; the copy says so.".to_string()
        } else {
            format!(
                "Exported {}, {} and {}.",
                plural(held.mentions.len() as i64, "mention", "mentions"),
                plural(
                    held.corrections() as i64,
                    "label correction",
                    "label corrections"
                ),
                plural(
                    held.outreach.len() as i64,
                    "outreach record",
                    "outreach records"
                )
            )
        };
        let exported_at = clock::format(now);
        let json = serde_json::to_string_pretty(&AccessJson {
            format: "hearken-access-export/1",
            business_name: &settings.business_name,
            business_contact: &settings.business_contact,
            person: HandleRef {
                platform: request.platform,
                handle: handle.clone(),
            },
            request_id,
            received_on: &request.received_on,
            due_on: &request.due_on,
            exported_at: &exported_at,
            summary: &summary,
            retention: Retention {
                mention_days: retention.mention_days,
                outreach_days: retention.outreach_days,
                mode: retention.mode,
            },
            held: &held,
        })
        .map_err(Error::internal)?;
        let html = pages::access_page(
            &pages::AccessContext {
                business_name: &settings.business_name,
                business_contact: &settings.business_contact,
                platform: request.platform,
                handle: &handle,
                request: &request,
                exported_on: &today.to_string(),
                retention: &retention,
            },
            &held,
        );
        let dir = save_dir(self, dir);
        let base = format!("hearken-access-request-{request_id}-{today}");
        let paths = write_all_or_nothing(
            &dir,
            &[
                (format!("{base}.json"), json.as_bytes()),
                (format!("{base}.html"), html.as_bytes()),
            ],
        )?;
        let hash = dnc::fingerprint(&key, request.platform, &handle);
        let request = self.store.write(|tx| {
            requests::complete(tx, request_id, &summary, &exported_at)?;
            audit::append(
                tx,
                audit::OWNER,
                "access_export",
                Some(&hash),
                Some(&format!(
                    "request {request_id}: {} mentions, {} label corrections, {} outreach records",
                    held.mentions.len(),
                    held.corrections(),
                    held.outreach.len()
                )),
                &exported_at,
            )?;
            requests::get(tx, request_id, today)
        })?;
        Ok(AccessExport {
            json_path: paths[0].display().to_string(),
            html_path: paths[1].display().to_string(),
            request,
        })
    }

    /// Erases everything about the request's person, so that it can't be
    /// recovered from the database file either; a do-not-contact entry
    /// stays as a fingerprint. Erasing again (an erasure already done)
    /// only clears the file again.
    pub fn privacy_erase(&self, request_id: i64) -> Result<ErasureReport> {
        let key = self.privacy_key()?;
        let now = clock::now();
        let today = now.date();
        let at = clock::format(now);
        let request = self.store.read(|c| requests::get(c, request_id, today))?;
        if request.kind != RequestKind::Erasure {
            return Err(Error::invalid(format!(
                "Request {request_id} asks for a copy, not erasure. Export the person's data instead, or add an erasure request."
            )));
        }
        let Some(handle) = request.handle.clone() else {
            // Already erased: clear the file again, and close the request if open.
            self.store.write_scrubbed(|tx| {
                if request.state == crate::model::RequestState::Open {
                    requests::complete(tx, request_id, "Already erased.", &at)?;
                }
                person::scrub(tx)
            })?;
            let request = self.store.read(|c| requests::get(c, request_id, today))?;
            return Ok(ErasureReport {
                mentions: 0,
                outreach: 0,
                corrections: 0,
                do_not_contact_kept: self.store.read(|c| {
                    let hash = requests::fingerprint_of(c, request_id)?;
                    Ok(dnc::find_by_hash(c, &hash)?.is_some())
                })?,
                request,
            });
        };
        let platform = request.platform;
        let hash = dnc::fingerprint(&key, platform, &handle);
        let started = std::time::Instant::now();
        let erased = self.store.write_scrubbed(|tx| {
            let erased = person::erase(tx, &key, platform, &handle)?;
            let result = if erased.is_empty() {
                if erased.do_not_contact_kept {
                    "Nothing is held about this person; their do-not-contact entry is kept as a fingerprint.".to_string()
                } else {
                    "Nothing is held about this person; the request is closed.".to_string()
                }
            } else {
                format!(
                    "Erased {}, {} and {}{}.",
                    plural(erased.mentions, "mention", "mentions"),
                    plural(erased.corrections, "label correction", "label corrections"),
                    plural(erased.outreach, "outreach record", "outreach records"),
                    if erased.do_not_contact_kept {
                        "; the do-not-contact entry is kept as a fingerprint"
                    } else {
                        ""
                    }
                )
            };
            requests::complete(tx, request_id, &result, &at)?;
            requests::close_others(tx, &hash, request_id, &at)?;
            audit::append(
                tx,
                audit::OWNER,
                "erasure",
                Some(&hash),
                Some(&format!(
                    "request {request_id}: {} mentions, {} label corrections, {} outreach records ({} revisions), {} linked handles; do-not-contact {}",
                    erased.mentions,
                    erased.corrections,
                    erased.outreach,
                    erased.revisions,
                    erased.linked_handles,
                    if erased.do_not_contact_kept { "kept as a fingerprint" } else { "none" }
                )),
                &at,
            )?;
            person::scrub(tx)?;
            Ok(erased)
        })?;
        tracing::info!(
            mentions = erased.mentions,
            outreach = erased.outreach,
            ms = started.elapsed().as_millis() as u64,
            "erasure done"
        );
        Ok(ErasureReport {
            mentions: erased.mentions,
            outreach: erased.outreach,
            corrections: erased.corrections,
            do_not_contact_kept: erased.do_not_contact_kept,
            request: self.store.read(|c| requests::get(c, request_id, today))?,
        })
    }

    pub fn audit_list(&self, before: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
        self.store.read(|c| audit::list(c, before, limit))
    }

    pub fn audit_verify(&self) -> Result<AuditVerification> {
        self.store.read(audit::verify)
    }

    /// Writes every watch's purpose and legitimate-interests note as a web
    /// page into `dir` (the Downloads folder by default); returns its path.
    pub fn privacy_notes_export(&self, dir: Option<PathBuf>) -> Result<PathBuf> {
        let (watches, settings) = self
            .store
            .read(|c| Ok((store::watches::list(c)?, store::settings::load(c)?)))?;
        let today = clock::now().date().to_string();
        let html = pages::notes_page(&watches, &settings.business_name, &today);
        let dir = save_dir(self, dir);
        let mut paths = write_all_or_nothing(
            &dir,
            &[(
                format!("hearken-legitimate-interests-{today}.html"),
                html.as_bytes(),
            )],
        )?;
        Ok(paths.remove(0))
    }

    pub fn privacy_overview(&self) -> Result<PrivacyOverview> {
        let now = clock::now();
        self.store.read(|c| {
            let settings = privacy::load(c)?;
            Ok(PrivacyOverview {
                do_not_contact: dnc::list(c)?,
                requests: requests::list(c, now.date())?,
                plan: retention::plan(c, &settings, now)?,
                last_purge: retention::last(c)?,
                watches_missing_notes: store::watches::list(c)?
                    .into_iter()
                    .filter(|w| !w.notes_complete)
                    .map(|w| WatchRef {
                        id: w.id,
                        name: w.name,
                    })
                    .collect(),
                audit_entries: audit::count(c)?,
                settings,
            })
        })
    }

    /// The CLI's `privacy export`: records an access request for the handle
    /// and answers it at once. The folder is checked first, so an unwritable
    /// one leaves no open request behind.
    pub fn export_for_handle(
        &self,
        platform: Platform,
        handle: &str,
        received_on: Option<String>,
        dir: Option<PathBuf>,
    ) -> Result<AccessExport> {
        let dir = save_dir(self, dir);
        check_writable(&dir)?;
        let request = self.request_add(NewPrivacyRequest {
            kind: RequestKind::Access,
            platform,
            handle: handle.to_string(),
            received_on,
        })?;
        self.privacy_export(request.id, Some(dir))
    }

    /// The CLI's `privacy erase`: records an erasure request and carries it out.
    pub fn erase_for_handle(
        &self,
        platform: Platform,
        handle: &str,
        received_on: Option<String>,
    ) -> Result<ErasureReport> {
        let request = self.request_add(NewPrivacyRequest {
            kind: RequestKind::Erasure,
            platform,
            handle: handle.to_string(),
            received_on,
        })?;
        self.privacy_erase(request.id)
    }
}
