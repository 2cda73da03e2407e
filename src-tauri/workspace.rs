//! The owner's workspace: the store, the poller and the operations both the
//! window and the CLI call. Blocking: async callers use `spawn_blocking`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::clock;
use crate::error::{Error, Result};
use crate::guide;
use crate::model::{AppInfo, MentionCursor, MentionPage, NewSource, Settings, Source};
use crate::poller::Poller;
use crate::secrets;
use crate::sources::{catalog, connector_for, feed};
use crate::store::{self, Store};

#[derive(Clone)]
pub struct Workspace {
    pub store: Store,
    pub poller: Poller,
    data_dir: PathBuf,
}

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
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
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
            })
        })
    }

    pub fn list_sources(&self) -> Result<Vec<Source>> {
        self.store.read(|c| {
            let counts = store::sources::mention_counts(c)?;
            Ok(store::sources::list(c)?
                .into_iter()
                .map(|row| {
                    let needs = catalog::info(row.platform).needs_secret;
                    let n = counts.get(&row.id).copied().unwrap_or(0);
                    row.to_view(needs, n)
                })
                .collect())
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
            None
        };
        for (k, v) in &input.settings {
            let key = k.trim().to_ascii_lowercase();
            if key.is_empty() || k.len() > 64 || v.len() > 500 {
                return Err(Error::invalid(format!(
                    "The setting \"{}\" isn't valid: names are 1–64 characters and values at most 500.",
                    k.chars().take(64).collect::<String>()
                )));
            }
            if SECRET_LIKE.iter().any(|s| key.contains(s)) {
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
        if secret.is_some() {
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
            needs_secret: secret.is_some(),
            enabled: true,
            sample: false,
            interval_secs: 900,
        };
        let id = self
            .store
            .write(|tx| store::sources::insert(tx, &insert, &now))?;
        if let Some(secret) = secret {
            if let Err(e) = secrets::save(&store::sources::secret_ref_for(id), &secret) {
                // Undo: a source without its key would only fail later.
                let _ = self.store.write(|tx| store::sources::delete(tx, id));
                return Err(e);
            }
        }
        tracing::info!(source = id, platform = platform.as_str(), "source added");
        self.source(id)
    }

    /// Removes a source and its keyring entry. Its mentions stay.
    pub fn remove_source(&self, id: i64) -> Result<()> {
        let row = self.store.read(|c| store::sources::get(c, id))?;
        if let Some(secret_ref) = &row.secret_ref {
            secrets::delete(secret_ref)?;
        }
        self.store.write(|tx| store::sources::delete(tx, id))?;
        tracing::info!(source = id, "source removed");
        Ok(())
    }

    pub fn mentions_page(&self, before: Option<&MentionCursor>, limit: i64) -> Result<MentionPage> {
        self.store.read(|c| store::mentions::page(c, before, limit))
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
        self.store.write(|tx| store::settings::save(tx, settings))?;
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

    /// Everything Hearken holds except credentials, as JSON.
    pub fn export(&self) -> Result<Export> {
        let sources = self.list_sources()?;
        self.store.read(|c| {
            Ok(Export {
                format: "hearken-export/1",
                exported_at: clock::now_string(),
                settings: store::settings::load(c)?,
                sources,
                mentions: store::mentions::all(c)?,
                outreach: store::outreach::all(c)?,
            })
        })
    }
}

/// Writes a whole file, saying in plain words where it could not.
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
    pub mentions: Vec<crate::model::Mention>,
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
    fn platforms_without_a_connector_yet_say_so() {
        let (_d, ws) = workspace();
        let err = ws
            .add_source(NewSource {
                platform: Some(Platform::X),
                label: "X".into(),
                secret: Some("t".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "not_available");
    }
}
