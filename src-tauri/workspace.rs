//! The owner's workspace: the store, the poller and the operations both the
//! window and the CLI call. Blocking: async callers use `spawn_blocking`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::clock;
use crate::error::{Error, Result};
use crate::guide;
use crate::model::{
    AppInfo, Dashboard, DashboardQuery, InboxCounts, InboxQuery, Label, MentionCursor,
    MentionDetail, MentionPage, MentionStatus, NewSource, NewWatch, Settings, Source, SourceUsage,
    Watch,
};
use crate::poller::Poller;
use crate::secrets;
use crate::sources::{catalog, connector_for, feed};
use crate::store::{self, Store};

#[derive(Clone)]
pub struct Workspace {
    pub store: Store,
    pub poller: Poller,
    data_dir: PathBuf,
    /// The do-not-contact key, read once (see `privacy_key`).
    privacy_key: std::sync::Arc<std::sync::Mutex<Option<Vec<u8>>>>,
}

/// Mentions scored per transaction when catching up: about 10 ms of holding
/// the writer each.
const RESCORE_BATCH: i64 = 500;
const RESCORE_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// Setting names that would put a secret into the database.
const SECRET_LIKE: [&str; 6] = ["token", "secret", "password", "apikey", "api_key", "key"];

impl Workspace {
    pub fn open(data_dir: &Path) -> Result<Workspace> {
        let store = Store::open_in(data_dir)?;
        let poller = Poller::new(store.clone(), crate::sources::http::HttpConfig::from_env())?;
        Ok(Workspace {
            store,
            poller,
            data_dir: data_dir.to_path_buf(),
            privacy_key: Default::default(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The key for do-not-contact fingerprints (see `store::dnc`), read
    /// from its file once per workspace. It is made on first use; but if
    /// the file is gone while fingerprints made with it are stored, a new
    /// key would silently stop every objection from matching, so that is
    /// refused instead.
    pub fn privacy_key(&self) -> Result<Vec<u8>> {
        let mut cached = self
            .privacy_key
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(key) = cached.as_ref() {
            return Ok(key.clone());
        }
        let path = self.data_dir.join(store::dnc::KEY_FILE);
        if !path.exists() {
            let in_use = self.store.read(|c| {
                c.query_row(
                    "SELECT EXISTS (SELECT 1 FROM suppression) OR EXISTS (SELECT 1 FROM privacy_requests)",
                    [],
                    |r| r.get::<_, bool>(0),
                )
                .map_err(|e| Error::Database(e.to_string()))
            })?;
            if in_use {
                return Err(Error::invalid(format!(
                    "Hearken's privacy key is missing from {}, so it can't recognise the people on the do-not-contact list or in privacy requests. Nothing was changed. Restore the file privacy.key from a backup of the data folder.",
                    self.data_dir.display()
                )));
            }
        }
        let key = store::dnc::load_or_create_key(&self.data_dir)?;
        *cached = Some(key.clone());
        Ok(key)
    }

    pub fn app_info(&self) -> Result<AppInfo> {
        let keyring_problem = secrets::status();
        self.store.read(|c| {
            Ok(AppInfo {
                version: env!("CARGO_PKG_VERSION").to_string(),
                data_dir: self.data_dir.display().to_string(),
                database_path: self.store.path().display().to_string(),
                keyring_available: keyring_problem.is_none(),
                keyring_message: keyring_problem.clone(),
                mention_count: store::mentions::count(c)?,
                source_count: store::sources::count(c)?,
                outreach_count: store::outreach::count(c)?,
                sample_loaded: store::settings::get_value(c, store::settings::SAMPLE_LOADED)?
                    .is_some(),
                settings: store::settings::load(c)?,
                ui_font: None,
            })
        })
    }

    pub fn list_sources(&self) -> Result<Vec<Source>> {
        self.store.read(|c| {
            let counts = store::sources::mention_counts(c)?;
            store::sources::list(c)?
                .into_iter()
                .map(|row| {
                    let info = catalog::info(row.platform);
                    let needs = info.needs_secret && !info.secret_optional;
                    let n = counts.get(&row.id).copied().unwrap_or(0);
                    let usage = usage_view(c, &row)?;
                    Ok(row.to_view(needs, n, usage))
                })
                .collect::<Result<Vec<_>>>()
        })
    }

    pub fn source(&self, id: i64) -> Result<Source> {
        self.list_sources()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NotFound(format!("Source {id}")))
    }

    /// Checks and stores a new source; its secret goes to the keyring only.
    /// If the keyring refuses, nothing is stored at all.
    pub fn add_source(&self, input: NewSource) -> Result<Source> {
        let platform = input
            .platform
            .ok_or_else(|| Error::invalid("Choose which platform this source is on."))?;
        let info = catalog::info(platform);
        if connector_for(platform).is_none() {
            return Err(Error::NotAvailable(info.name));
        }
        let label = input.label.trim().to_string();
        if label.is_empty() {
            return Err(Error::invalid(
                "Give the source a name you'll recognise, like \"Shop blog\" or \"Google Alert: shop name\".",
            ));
        }
        if label.chars().count() > 80 {
            return Err(Error::invalid(
                "That name is too long: keep it under 80 characters.",
            ));
        }
        let base_url = if info.needs_url {
            let raw = input.url.as_deref().map(str::trim).unwrap_or_default();
            if raw.is_empty() {
                return Err(Error::invalid(format!(
                    "Fill in the {}.",
                    info.url_label
                        .as_deref()
                        .unwrap_or("address")
                        .to_lowercase()
                )));
            }
            let url = feed::parse_feed_address(raw).map_err(|e| {
                Error::invalid(format!(
                    "The {} isn't right: {}",
                    info.url_label
                        .as_deref()
                        .unwrap_or("address")
                        .to_lowercase(),
                    e.to_string()
                        .trim_start_matches("That address can't be used: ")
                ))
            })?;
            Some(url.to_string())
        } else {
            // Platforms with a fixed API address may still be pointed
            // elsewhere (a self-hosted instance, a test server).
            match input
                .url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
            {
                Some(raw) => Some(
                    feed::parse_feed_address(raw)
                        .map_err(|e| {
                            Error::invalid(format!(
                                "The API address isn't right: {}",
                                e.to_string()
                                    .trim_start_matches("That address can't be used: ")
                            ))
                        })?
                        .to_string(),
                ),
                None => None,
            }
        };
        for field in info.fields.iter().filter(|f| f.required && !f.secret) {
            let filled = input
                .settings
                .get(&field.key)
                .is_some_and(|v| !v.trim().is_empty());
            if !filled {
                return Err(Error::invalid(format!(
                    "Fill in \"{}\". {}",
                    field.label, field.help
                )));
            }
        }
        check_platform_settings(platform, &input.settings)?;
        for (k, v) in &input.settings {
            let key = k.trim().to_ascii_lowercase();
            if key.is_empty() || k.len() > 64 || v.len() > 500 {
                return Err(Error::invalid(format!(
                    "The setting \"{}\" isn't valid: names are 1–64 characters and values at most 500.",
                    k.chars().take(64).collect::<String>()
                )));
            }
            let declared_plain = info.fields.iter().any(|f| f.key == key && !f.secret);
            if !declared_plain && SECRET_LIKE.iter().any(|s| key.contains(s)) {
                return Err(Error::invalid(
                    "Keys, tokens and passwords don't go in settings, which are stored in the database. Use the secret field instead: it saves them to your keyring.",
                ));
            }
        }
        let secret = match (info.needs_secret, input.secret.as_deref()) {
            (true, Some(raw)) if !raw.trim().is_empty() => {
                let secret = secrets::validate_secret(raw)?;
                if platform == crate::model::Platform::GoogleAlerts {
                    feed::parse_feed_address(&secret).map_err(|_| {
                        Error::invalid(
                            "The alert feed address should be a web address starting with https://www.google.com/alerts/feeds/. Copy the feed link from Google Alerts again.",
                        )
                    })?;
                }
                Some(secret)
            }
            (true, _) if info.secret_optional => None,
            (true, _) => {
                return Err(Error::invalid(format!(
                    "{} needs its {}. {}",
                    info.name,
                    info.secret_label.as_deref().unwrap_or("key").to_lowercase(),
                    info.how_to
                )))
            }
            (false, Some(raw)) if !raw.trim().is_empty() => {
                return Err(Error::invalid(format!(
                    "{} doesn't need a key, so none was saved. Leave the key empty.",
                    info.name
                )))
            }
            (false, _) => None,
        };
        let mut extra_secrets = Vec::new();
        for field in info.fields.iter().filter(|f| f.secret) {
            match input.extra_secrets.get(&field.key).map(|v| v.trim()) {
                Some(v) if !v.is_empty() => {
                    extra_secrets.push((field.key.clone(), secrets::validate_secret(v)?))
                }
                _ if field.required => {
                    return Err(Error::invalid(format!(
                        "Fill in \"{}\". {}",
                        field.label, field.help
                    )))
                }
                _ => {}
            }
        }
        if let Some(k) = input
            .extra_secrets
            .keys()
            .find(|k| !info.fields.iter().any(|f| f.secret && &f.key == *k))
        {
            return Err(Error::invalid(format!(
                "{} has no key called \"{}\", so it wasn't saved.",
                info.name,
                k.chars().take(64).collect::<String>()
            )));
        }
        if secret.is_some() || !extra_secrets.is_empty() {
            if let Some(problem) = secrets::status() {
                return Err(Error::KeyringUnavailable(problem));
            }
        }
        let now = clock::now_string();
        let insert = store::sources::SourceInsert {
            platform,
            label,
            base_url,
            settings: input.settings.clone(),
            needs_secret: secret.is_some() || !extra_secrets.is_empty(),
            enabled: true,
            sample: false,
            interval_secs: 900,
        };
        let id = self
            .store
            .write(|tx| store::sources::insert(tx, &insert, &now))?;
        let mut saves: Vec<(String, String)> = Vec::new();
        if let Some(secret) = secret {
            saves.push((store::sources::secret_ref_for(id), secret));
        }
        for (key, value) in extra_secrets {
            saves.push((store::sources::extra_secret_ref(id, &key), value));
        }
        for (i, (name, value)) in saves.iter().enumerate() {
            if let Err(e) = secrets::save(name, value) {
                // Undo: a source without its keys would only fail later.
                for (done, _) in &saves[..i] {
                    let _ = secrets::delete(done);
                }
                let _ = self.store.write(|tx| store::sources::delete(tx, id));
                return Err(e);
            }
        }
        tracing::info!(source = id, platform = platform.as_str(), "source added");
        self.source(id)
    }

    /// Removes a source and its keyring entries. Its mentions stay.
    pub fn remove_source(&self, id: i64) -> Result<()> {
        let row = self.store.read(|c| store::sources::get(c, id))?;
        if let Some(secret_ref) = &row.secret_ref {
            secrets::delete(secret_ref)?;
            for field in catalog::info(row.platform)
                .fields
                .iter()
                .filter(|f| f.secret)
            {
                secrets::delete(&store::sources::extra_secret_ref(id, &field.key))?;
            }
        }
        self.poller.forget_session(id);
        self.store.write(|tx| store::sources::delete(tx, id))?;
        tracing::info!(source = id, "source removed");
        Ok(())
    }

    /// Saves a new key for a source (after the platform refused the old one,
    /// or it was revoked) and checks it again soon.
    pub fn replace_secret(
        &self,
        id: i64,
        secret: Option<String>,
        extra: std::collections::BTreeMap<String, String>,
    ) -> Result<Source> {
        let row = self.store.read(|c| store::sources::get(c, id))?;
        if row.sample {
            return Err(Error::invalid(
                "Sample sources aren't connected to anything, so they have no key.",
            ));
        }
        let info = catalog::info(row.platform);
        let mut saves = Vec::new();
        if let Some(raw) = secret.as_deref().filter(|s| !s.trim().is_empty()) {
            if !info.needs_secret {
                return Err(Error::invalid(format!("{} doesn't need a key.", info.name)));
            }
            saves.push((
                store::sources::secret_ref_for(id),
                secrets::validate_secret(raw)?,
            ));
        }
        for (key, value) in &extra {
            if !info.fields.iter().any(|f| f.secret && &f.key == key) {
                return Err(Error::invalid(format!(
                    "{} has no key called \"{}\".",
                    info.name,
                    key.chars().take(64).collect::<String>()
                )));
            }
            if !value.trim().is_empty() {
                saves.push((
                    store::sources::extra_secret_ref(id, key),
                    secrets::validate_secret(value)?,
                ));
            }
        }
        if saves.is_empty() {
            return Err(Error::invalid("Paste the new key first."));
        }
        if let Some(problem) = secrets::status() {
            return Err(Error::KeyringUnavailable(problem));
        }
        for (name, value) in &saves {
            secrets::save(name, value)?;
        }
        let now = clock::now_string();
        self.store.write(|tx| {
            if row.secret_ref.is_none() {
                tx.execute(
                    "UPDATE sources SET secret_ref = ?1 WHERE id = ?2",
                    rusqlite::params![store::sources::secret_ref_for(id), id],
                )
                .map_err(|e| Error::Database(e.to_string()))?;
            }
            store::sources::credential_replaced(tx, id, &now)
        })?;
        self.poller.forget_session(id);
        tracing::info!(source = id, "key replaced");
        self.source(id)
    }

    /// Changes a source's settings (for example X's monthly cap).
    pub fn update_source_settings(
        &self,
        id: i64,
        settings: std::collections::BTreeMap<String, String>,
    ) -> Result<Source> {
        let row = self.store.read(|c| store::sources::get(c, id))?;
        let info = catalog::info(row.platform);
        for (k, v) in &settings {
            if !info.fields.iter().any(|f| &f.key == k && !f.secret) {
                return Err(Error::invalid(format!(
                    "{} has no setting called \"{}\".",
                    info.name,
                    k.chars().take(64).collect::<String>()
                )));
            }
            if v.len() > 500 {
                return Err(Error::invalid("Settings are at most 500 characters."));
            }
        }
        for field in info.fields.iter().filter(|f| f.required && !f.secret) {
            if settings.get(&field.key).is_none_or(|v| v.trim().is_empty()) {
                return Err(Error::invalid(format!(
                    "Fill in \"{}\". {}",
                    field.label, field.help
                )));
            }
        }
        check_platform_settings(row.platform, &settings)?;
        self.store
            .write(|tx| store::sources::set_settings(tx, id, &settings))?;
        self.source(id)
    }

    pub fn list_watches(&self) -> Result<Vec<Watch>> {
        self.store.read(store::watches::list)
    }

    pub fn add_watch(&self, input: NewWatch) -> Result<Watch> {
        let w = check_watch(input)?;
        let now = clock::now_string();
        let id = self
            .store
            .write(|tx| store::watches::insert(tx, &w, &now))?;
        tracing::info!(watch = id, "watch added");
        self.store.read(|c| store::watches::get(c, id))
    }

    pub fn update_watch(&self, id: i64, input: NewWatch) -> Result<Watch> {
        let w = check_watch(input)?;
        self.store.write(|tx| store::watches::update(tx, id, &w))?;
        self.store.read(|c| store::watches::get(c, id))
    }

    pub fn remove_watch(&self, id: i64) -> Result<()> {
        self.store.write(|tx| store::watches::delete(tx, id))
    }

    pub fn mentions_page(&self, before: Option<&MentionCursor>, limit: i64) -> Result<MentionPage> {
        self.store.read(|c| {
            let mut page = store::mentions::page(c, before, limit)?;
            self.mark_do_not_contact(c, &mut page.mentions)?;
            Ok(page)
        })
    }

    /// Scores the mentions stored before triage existed, or by an older
    /// model, in short transactions so the poller and the window can write
    /// in between. Returns how many were scored.
    pub fn rescore_stale(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self
                .store
                .write(|tx| store::mentions::rescore_stale(tx, RESCORE_BATCH))?;
            total += n;
            if n == 0 {
                return Ok(total);
            }
            std::thread::sleep(RESCORE_PAUSE);
        }
    }

    /// [`Workspace::rescore_stale`] on a thread of its own, for start-up;
    /// `scored` is told how many were scored when some were (so the window
    /// can show their new labels).
    pub fn rescore_stale_in_background(
        &self,
        scored: impl FnOnce(usize) + Send + 'static,
    ) -> Option<std::thread::JoinHandle<()>> {
        let ws = self.clone();
        let spawned = std::thread::Builder::new()
            .name("rescore".into())
            .spawn(move || match ws.rescore_stale() {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!("scored {n} mentions with the current triage model");
                    scored(n);
                }
                Err(e) => tracing::warn!("couldn't finish scoring older mentions: {e}"),
            });
        spawned
            .map_err(|e| tracing::warn!("couldn't start scoring older mentions: {e}"))
            .ok()
    }

    /// A page of the Inbox: filters, search and order in `query`.
    pub fn inbox_page(
        &self,
        query: &InboxQuery,
        before: Option<&MentionCursor>,
        limit: i64,
    ) -> Result<MentionPage> {
        self.store.read(|c| {
            let mut page = store::inbox::query(c, query, before, limit)?;
            self.mark_do_not_contact(c, &mut page.mentions)?;
            Ok(page)
        })
    }

    pub fn mention_detail(&self, id: i64) -> Result<MentionDetail> {
        self.store.read(|c| {
            let detail = store::inbox::detail(c, id)?;
            self.with_do_not_contact(c, detail)
        })
    }

    /// Fills in whether the mention's author asked not to be contacted.
    fn with_do_not_contact(
        &self,
        c: &rusqlite::Connection,
        mut detail: MentionDetail,
    ) -> Result<MentionDetail> {
        let m = &detail.mention;
        detail.do_not_contact = match m.author_handle.as_deref() {
            Some(h) if !h.trim().is_empty() && store::dnc::any(c)? => {
                store::dnc::find(c, &self.privacy_key()?, m.platform, h)?
            }
            _ => None,
        };
        detail.mention.do_not_contact = detail.do_not_contact.is_some();
        Ok(detail)
    }

    /// Moves mentions along the workflow; returns how many changed.
    pub fn set_mentions_status(&self, ids: &[i64], status: MentionStatus) -> Result<i64> {
        let now = clock::now_string();
        let changed = self
            .store
            .write(|tx| store::inbox::set_status(tx, ids, status, &now))?;
        tracing::info!(changed, status = status.as_str(), "mention status set");
        Ok(changed)
    }

    /// The owner's label for a mention, kept over what triage said.
    pub fn correct_label(&self, id: i64, label: Label) -> Result<MentionDetail> {
        let now = clock::now_string();
        let detail = self
            .store
            .write(|tx| store::inbox::correct_label(tx, id, label, &now))?;
        self.store.read(|c| self.with_do_not_contact(c, detail))
    }

    /// Marks mentions as opened; returns how many were unread.
    pub fn mark_seen(&self, ids: &[i64]) -> Result<i64> {
        let now = clock::now_string();
        self.store
            .write(|tx| store::inbox::mark_seen(tx, ids, &now))
    }

    pub fn inbox_counts(&self) -> Result<InboxCounts> {
        self.store.read(store::inbox::counts)
    }

    /// The Dashboard's figures, with "today" as it is now in the owner's
    /// time zone. Mentions stored since the last look are tallied first.
    pub fn dashboard(&self, query: &DashboardQuery) -> Result<Dashboard> {
        let added = self.store.write(store::dashboard::catch_up)?;
        if added > 0 {
            tracing::debug!(added, "dashboard tallies caught up");
        }
        let now = clock::now();
        self.store
            .read(|c| store::dashboard::dashboard(c, query, now))
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<Settings> {
        if settings.business_name.chars().count() > 120 {
            return Err(Error::invalid(
                "The business name is too long: keep it under 120 characters.",
            ));
        }
        if settings.business_contact.chars().count() > 200 {
            return Err(Error::invalid(
                "The contact details are too long: keep them under 200 characters.",
            ));
        }
        let now = clock::now_string();
        self.store.write(|tx| {
            let before = store::settings::load(tx)?;
            store::settings::save(tx, settings)?;
            let after = store::settings::load(tx)?;
            let changed = store::settings::changed_names(&before, &after);
            if !changed.is_empty() {
                // Which settings, never their values.
                store::audit::append(
                    tx,
                    store::audit::OWNER,
                    "setting_changed",
                    Some("settings"),
                    Some(&changed.join(", ")),
                    &now,
                )?;
            }
            Ok(())
        })?;
        self.store.read(store::settings::load)
    }

    /// The handout for a guide walk, with the business's name and contact.
    pub fn guide_handout(&self, code: &str) -> Result<guide::handout::Handout> {
        let session = guide::load(&self.store, code)?;
        let settings = self.store.read(store::settings::load)?;
        let names = self.guide_names()?;
        Ok(guide::handout::for_session(
            &session,
            &settings.business_name,
            &settings.business_contact,
            clock::now().date(),
            &|p| names.get(p).cloned().unwrap_or_else(|| p.to_string()),
        ))
    }

    /// A blank handout for the chosen platforms and goal (the CLI's `guide handout`).
    pub fn guide_blank_handout(
        &self,
        platforms: &[String],
        goal: Option<guide::Goal>,
    ) -> Result<guide::handout::Handout> {
        let (_, steps) = guide::choose_steps(&self.store, platforms, goal)?;
        let settings = self.store.read(store::settings::load)?;
        let names = self.guide_names()?;
        Ok(guide::handout::for_steps(
            &steps,
            &settings.business_name,
            &settings.business_contact,
            clock::now().date(),
            &|p| names.get(p).cloned().unwrap_or_else(|| p.to_string()),
        ))
    }

    fn guide_names(&self) -> Result<std::collections::BTreeMap<String, String>> {
        Ok(guide::guides(&self.store, clock::now().date())?
            .into_iter()
            .map(|g| (g.guide.platform, g.guide.name))
            .collect())
    }

    /// Writes the handout as a web page into `dir` (the Downloads folder by
    /// default) and returns the file's path.
    pub fn save_guide_handout(&self, code: &str, dir: Option<PathBuf>) -> Result<PathBuf> {
        let handout = self.guide_handout(code)?;
        let dir = dir
            .or_else(|| {
                directories::UserDirs::new().and_then(|u| u.download_dir().map(Path::to_path_buf))
            })
            .unwrap_or_else(|| self.data_dir.clone());
        let path = dir.join(format!("privacy-checklist-{}.html", clock::now().date()));
        write_new_file(&path, guide::handout::render_html(&handout).as_bytes())?;
        Ok(path)
    }

    /// Everything Hearken holds except credentials, as JSON. Audited: the
    /// whole workspace leaving the app is worth a line in the trail.
    pub fn export(&self) -> Result<Export> {
        let sources = self.list_sources()?;
        let export = self.store.read(|c| {
            Ok(Export {
                format: "hearken-export/1",
                exported_at: clock::now_string(),
                settings: store::settings::load(c)?,
                sources,
                watches: store::watches::list(c)?,
                mentions: store::mentions::all(c)?,
                label_corrections: store::inbox::all_corrections(c)?,
                outreach: store::outreach::all(c)?,
            })
        })?;
        self.store.write(|tx| {
            store::audit::append(
                tx,
                store::audit::OWNER,
                "export",
                None,
                Some(&format!(
                    "whole workspace: {} mentions, {} label corrections, {} outreach records, {} watches",
                    export.mentions.len(),
                    export.label_corrections.len(),
                    export.outreach.len(),
                    export.watches.len()
                )),
                &export.exported_at,
            )
        })?;
        Ok(export)
    }
}

/// Writes a whole file, saying in plain words where it could not.
/// Settings a platform must have in a particular form (X's cap is money).
fn check_platform_settings(
    platform: crate::model::Platform,
    settings: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    if platform == crate::model::Platform::X {
        crate::sources::x::cap_units(settings).map_err(Error::invalid)?;
    }
    Ok(())
}

/// What a rationed source has spent this period, in words.
fn usage_view(
    c: &rusqlite::Connection,
    row: &store::sources::SourceRow,
) -> Result<Option<SourceUsage>> {
    let Some(policy) = crate::sources::usage_policy(row.platform, &row.settings) else {
        return Ok(None);
    };
    let period = crate::poller::period_key(policy.period);
    let used = store::usage::spent(c, row.id, &period)?;
    Ok(Some(SourceUsage {
        period: match policy.period {
            crate::sources::UsagePeriod::Month => "this month".into(),
            crate::sources::UsagePeriod::DayPacific => "today".into(),
        },
        used,
        limit: policy.limit,
        unit: policy.unit.to_string(),
        summary: (policy.describe)(used, policy.limit),
    }))
}

/// Checks and tidies a watch the owner filled in.
fn check_watch(input: NewWatch) -> Result<NewWatch> {
    fn tidy(list: Vec<String>, what: &str) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for t in list {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.is_empty() {
                continue;
            }
            if t.chars().count() > 100 {
                return Err(Error::invalid(format!(
                    "Each {what} is at most 100 characters; \"{}…\" is longer.",
                    t.chars().take(30).collect::<String>()
                )));
            }
            if crate::watch::normalise(&t)
                .iter()
                .all(|c| !c.is_alphanumeric())
            {
                return Err(Error::invalid(format!(
                    "The {what} \"{t}\" has no letters or digits, so it would never match."
                )));
            }
            if !out.iter().any(|o| o.to_lowercase() == t.to_lowercase()) {
                out.push(t);
            }
        }
        if out.len() > 25 {
            return Err(Error::invalid(
                "A watch can have at most 25 of each kind of term; split it into two watches.",
            ));
        }
        Ok(out)
    }
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::invalid(
            "Give the watch a short name (up to 80 characters), like \"Shop name\" or \"Our handle\".",
        ));
    }
    let terms = tidy(input.terms, "term")?;
    if terms.is_empty() {
        return Err(Error::invalid(
            "Add at least one word to listen for: your shop's name, a product, your @handle or a #hashtag.",
        ));
    }
    let purpose = input.purpose.trim().to_string();
    if purpose.chars().count() < 10 {
        return Err(Error::invalid(
            "Say in a sentence why you listen for this, for example \"To answer customers' questions and complaints about the shop\". It is kept for your privacy records.",
        ));
    }
    Ok(NewWatch {
        name,
        terms,
        include_terms: tidy(input.include_terms, "include term")?,
        exclude_terms: tidy(input.exclude_terms, "exclude term")?,
        purpose,
        legitimate_interests: tidy_note(
            input.legitimate_interests,
            "the business's interest in listening (legitimate interest)",
        )?,
        necessity: tidy_note(input.necessity, "why listening is needed (necessity)")?,
        balance: tidy_note(
            input.balance,
            "why it doesn't override people's own interests (balance)",
        )?,
        enabled: input.enabled,
    })
}

/// A part of the legitimate-interests note: empty is "not written yet"
/// (the watch stays paused); written, it must say something.
fn tidy_note(note: Option<String>, what: &str) -> Result<Option<String>> {
    let Some(note) = note.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let n = note.chars().count();
    if n < 10 {
        return Err(Error::invalid(format!(
            "Say in a sentence {what}; \"{note}\" is too short to explain it. It is kept for your privacy records."
        )));
    }
    if n > 2000 {
        return Err(Error::invalid(format!(
            "Keep the note on {what} under 2,000 characters; it is {n}."
        )));
    }
    Ok(Some(note))
}

pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let fail = |e: std::io::Error| {
        Error::invalid(format!(
            "Couldn't save {}: {e}. Choose a folder you can write to, and check the disk isn't full.",
            path.display()
        ))
    };
    let mut f = std::fs::File::create(path).map_err(fail)?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(fail)
}

#[derive(Debug, Serialize)]
pub struct Export {
    pub format: &'static str,
    pub exported_at: String,
    pub settings: Settings,
    pub sources: Vec<Source>,
    /// What is listened for and why (purpose and legitimate-interests notes).
    pub watches: Vec<Watch>,
    /// With their triage: scores, label, what triage said, reasons, status.
    pub mentions: Vec<crate::model::Mention>,
    /// Every label the owner corrected, oldest first.
    pub label_corrections: Vec<store::inbox::ExportedCorrection>,
    pub outreach: Vec<store::outreach::OutreachRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Platform;

    fn workspace() -> (tempfile::TempDir, Workspace) {
        secrets::use_mock_store();
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        (dir, ws)
    }

    #[test]
    fn older_mentions_are_all_scored_in_the_background_batch_by_batch() {
        let (_dir, ws) = workspace();
        let n = RESCORE_BATCH as usize * 2 + 37;
        ws.store
            .write(|tx| {
                for i in 0..n {
                    // As a database from before triage holds them: unscored.
                    tx.execute(
                        "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at)
                         VALUES ('rss', ?1, ?2, 't', 't')",
                        rusqlite::params![
                            format!("m{i}"),
                            format!("Still no reply about order {i}")
                        ],
                    )
                    .map_err(|e| Error::Database(e.to_string()))?;
                }
                Ok(())
            })
            .unwrap();
        let told = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tell = told.clone();
        let handle = ws
            .rescore_stale_in_background(move |n| {
                tell.store(n, std::sync::atomic::Ordering::SeqCst);
            })
            .unwrap();
        handle.join().unwrap();
        let (unscored, complaints): (i64, i64) = ws
            .store
            .read(|c| {
                c.query_row(
                    "SELECT count(*) FILTER (WHERE scored_with IS NOT ?1),
                            count(*) FILTER (WHERE label = 'complaint')
                     FROM mentions",
                    [crate::triage::model_version()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|e| Error::Database(e.to_string()))
            })
            .unwrap();
        assert_eq!((unscored, complaints), (0, n as i64));
        assert_eq!(
            told.load(std::sync::atomic::Ordering::SeqCst),
            n,
            "told how many"
        );
        assert_eq!(ws.rescore_stale().unwrap(), 0);
    }

    fn rss(label: &str, url: &str) -> NewSource {
        NewSource {
            platform: Some(Platform::Rss),
            label: label.into(),
            url: Some(url.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_duplicate_label_is_refused_and_the_first_source_kept() {
        let (_d, ws) = workspace();
        ws.add_source(rss("Shop blog", "https://a.example/feed"))
            .unwrap();
        let err = ws
            .add_source(rss("shop BLOG", "https://b.example/feed"))
            .unwrap_err();
        assert_eq!(err.code(), "duplicate_label");
        let sources = ws.list_sources().unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(
            sources[0].base_url.as_deref(),
            Some("https://a.example/feed")
        );
    }

    #[test]
    fn a_feed_address_that_is_not_a_web_address_is_refused_with_advice() {
        let (_d, ws) = workspace();
        let err = ws
            .add_source(rss("Blog", "ashby.example/feed"))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("https://"), "{err}");
        assert!(ws.list_sources().unwrap().is_empty());
    }

    fn watch(name: &str, terms: &[&str], purpose: &str) -> NewWatch {
        NewWatch {
            name: name.into(),
            terms: terms.iter().map(|t| t.to_string()).collect(),
            purpose: purpose.into(),
            enabled: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_watch_needs_a_name_a_real_term_and_a_purpose() {
        let (_d, ws) = workspace();
        let why = "To answer customers who talk about the shop.";
        let cases = [
            (watch("", &["Pine"], why), "short name"),
            (watch("Shop", &[" ", ""], why), "at least one word"),
            (watch("Shop", &["#!?"], why), "no letters or digits"),
            (watch("Shop", &["Pine"], "care"), "why you listen"),
        ];
        for (w, words) in cases {
            let err = ws.add_watch(w).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains(words), "{err}");
        }
        assert!(ws.list_watches().unwrap().is_empty());
        let w = ws
            .add_watch(watch(
                " Shop ",
                &["Pine", "pine", "  Pedal   &  Pine "],
                why,
            ))
            .unwrap();
        // Tidied: trimmed, spaces collapsed, duplicates (ignoring case) dropped.
        assert_eq!(w.name, "Shop");
        assert_eq!(w.terms, vec!["Pine", "Pedal & Pine"]);
        let err = ws.add_watch(watch("SHOP", &["x1"], why)).unwrap_err();
        assert!(err.to_string().contains("already a watch"), "{err}");
        let mut changed = watch("Shop", &["Pine"], why);
        changed.exclude_terms = vec!["pine tree".into()];
        changed.enabled = false;
        let w = ws.update_watch(w.id, changed).unwrap();
        assert_eq!((w.exclude_terms.len(), w.enabled), (1, false));
        ws.remove_watch(w.id).unwrap();
        assert_eq!(ws.remove_watch(w.id).unwrap_err().code(), "not_found");
    }

    #[test]
    fn a_watch_listens_only_with_its_whole_note_and_a_written_note_must_say_something() {
        let (_d, ws) = workspace();
        let why = "To answer customers who talk about the shop.";
        let mut w = watch("Shop", &["Pine"], why);
        let paused = ws.add_watch(w.clone()).unwrap();
        assert!(!paused.notes_complete);
        w.legitimate_interests = Some("Looking after our customers.".into());
        w.necessity = Some("  ok ".into());
        let err = ws.update_watch(paused.id, w.clone()).unwrap_err();
        assert!(err.to_string().contains("necessity"), "{err}");
        w.necessity = Some("They post instead of writing to us.".into());
        w.balance = Some("x".repeat(2001));
        assert!(ws.update_watch(paused.id, w.clone()).is_err());
        w.balance = Some("  Public posts, service only.  ".into());
        let done = ws.update_watch(paused.id, w).unwrap();
        assert!(done.notes_complete);
        assert_eq!(done.balance.as_deref(), Some("Public posts, service only."));
    }

    #[test]
    fn an_x_source_needs_a_sensible_cap_and_unknown_keys_are_refused() {
        let (_d, ws) = workspace();
        let x = |cap: &str| {
            let mut s = NewSource {
                platform: Some(Platform::X),
                label: format!("X {cap}"),
                secret: Some("token".into()),
                ..Default::default()
            };
            s.settings.insert("monthly_cap_usd".into(), cap.into());
            s
        };
        for bad in ["", "five", "-3"] {
            let err = ws.add_source(x(bad)).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}: {err}");
        }
        let mut unknown = x("5");
        unknown.extra_secrets.insert("other_key".into(), "v".into());
        assert!(ws
            .add_source(unknown)
            .unwrap_err()
            .to_string()
            .contains("no key called"));
        assert!(ws.list_sources().unwrap().is_empty(), "nothing half-saved");
        let source = ws.add_source(x("5")).unwrap();
        let usage = source.usage.expect("X shows its spending");
        assert_eq!((usage.used, usage.limit), (0, Some(1000)));
        assert!(usage.summary.contains("$5.00"), "{}", usage.summary);
        let mut settings = source.settings.clone();
        settings.insert("monthly_cap_usd".into(), "nonsense".into());
        assert!(ws.update_source_settings(source.id, settings).is_err());
        let mut settings = source.settings.clone();
        settings.insert("monthly_cap_usd".into(), "10".into());
        let source = ws.update_source_settings(source.id, settings).unwrap();
        assert_eq!(source.usage.unwrap().limit, Some(2000));
    }

    #[test]
    fn a_replaced_key_clears_the_refusal_and_goes_to_the_keyring() {
        let (_d, ws) = workspace();
        let mut s = NewSource {
            platform: Some(Platform::X),
            label: "X".into(),
            secret: Some("old-token".into()),
            ..Default::default()
        };
        s.settings.insert("monthly_cap_usd".into(), "5".into());
        let id = ws.add_source(s).unwrap().id;
        ws.store
            .write(|tx| store::sources::record_failure(tx, id, "refused", true, "t", "t"))
            .unwrap();
        assert_eq!(
            ws.source(id).unwrap().credential,
            crate::model::CredentialState::Rejected
        );
        assert!(ws
            .replace_secret(id, Some("  ".into()), Default::default())
            .is_err());
        let source = ws
            .replace_secret(id, Some("new-token\n".into()), Default::default())
            .unwrap();
        assert_eq!(source.credential, crate::model::CredentialState::Configured);
        assert_eq!(source.error_count, 0);
        assert_eq!(
            secrets::load(&store::sources::secret_ref_for(id))
                .unwrap()
                .as_deref(),
            Some("new-token")
        );
    }

    #[test]
    fn secrets_in_settings_are_refused() {
        let (_d, ws) = workspace();
        let mut input = rss("Blog", "https://a.example/feed");
        input.settings.insert("api_token".into(), "abc".into());
        let err = ws.add_source(input).unwrap_err();
        assert!(err.to_string().contains("keyring"));
    }

    #[test]
    fn google_alerts_keeps_its_feed_link_in_the_keyring_not_the_database() {
        let (_d, ws) = workspace();
        let link = "https://www.google.com/alerts/feeds/0123/unit-canary-777";
        let s = ws
            .add_source(NewSource {
                platform: Some(Platform::GoogleAlerts),
                label: "Alert: Pedal & Pine".into(),
                secret: Some(format!("{link}\n")),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.credential, crate::model::CredentialState::Configured);
        assert_eq!(s.base_url, None);
        let stored = secrets::load(&store::sources::secret_ref_for(s.id)).unwrap();
        assert_eq!(stored.as_deref(), Some(link));
        let json = serde_json::to_string(&ws.export().unwrap()).unwrap();
        assert!(!json.contains("unit-canary-777"));
        ws.remove_source(s.id).unwrap();
        assert_eq!(
            secrets::load(&store::sources::secret_ref_for(s.id)).unwrap(),
            None
        );
    }

    #[test]
    fn the_export_carries_triage_and_the_owners_label_corrections() {
        let (_d, ws) = workspace();
        crate::demo::load(&ws).unwrap();
        // Triage's view of mention 1, as a scorer writes it.
        ws.store
            .write(|tx| {
                tx.execute(
                    "UPDATE mentions SET label = 'negative', model_label = 'negative',
                         sentiment = -0.4, complaint = 0.3, concern = 0.5, scored_with = 'test',
                         reasons = '[{\"kind\":\"cue\",\"text\":\"no reply\",\"weight\":1.5}]'
                     WHERE id = 1",
                    [],
                )
                .map_err(|e| Error::Database(e.to_string()))
            })
            .unwrap();
        ws.correct_label(1, Label::Complaint).unwrap();
        assert_eq!(
            ws.set_mentions_status(&[1], MentionStatus::NeedsReply)
                .unwrap(),
            1
        );
        let export = serde_json::to_value(ws.export().unwrap()).unwrap();
        let m = export["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == 1)
            .unwrap();
        assert_eq!(m["label"], "complaint");
        assert_eq!(m["model_label"], "negative");
        assert_eq!(m["corrected"], true);
        assert_eq!(m["status"], "needs_reply");
        assert_eq!(
            (m["sentiment"].as_f64(), m["complaint"].as_f64()),
            (Some(-0.4), Some(0.3))
        );
        assert_eq!(m["concern"].as_f64(), Some(0.5));
        assert_eq!(m["reasons"][0]["text"], "no reply");
        let corrections = export["label_corrections"].as_array().unwrap();
        assert_eq!(corrections.len(), 1);
        let c = &corrections[0];
        assert_eq!(
            (&c["platform"], &c["external_id"]),
            (&m["platform"], &m["external_id"])
        );
        assert_eq!(
            (c["from"].as_str(), c["to"].as_str()),
            (Some("negative"), Some("complaint"))
        );
        assert!(clock::parse(c["at"].as_str().unwrap()).is_some());
    }

    #[test]
    fn every_platform_has_a_connector_and_says_what_it_needs() {
        let (_d, ws) = workspace();
        for info in catalog::all() {
            assert!(info.available, "{} has no connector", info.name);
        }
        // A required setting left empty is named in the refusal.
        let err = ws
            .add_source(NewSource {
                platform: Some(Platform::Facebook),
                label: "Page".into(),
                secret: Some("t".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("Fill in"), "{err}");
    }
}
