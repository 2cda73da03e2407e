//! Thin `#[tauri::command]` adapters: parse input, call the workspace on a
//! blocking thread, map the error. No SQL, HTTP or business rules here.

pub mod app;
pub mod dashboard;
pub mod guide;
pub mod inbox;
pub mod outreach;
pub mod privacy;
pub mod sources;
pub mod watches;

use crate::error::{CommandError, Error};
use crate::workspace::Workspace;

/// What to start once a workspace is open (the scheduler, the daily purge).
type OnOpen = Box<dyn Fn(&Workspace) + Send + Sync>;

/// The managed state: either a working workspace, or the reason there isn't one
/// (shown by the UI instead of a blank window, with "Try again").
pub struct AppState {
    data_dir: std::path::PathBuf,
    workspace: std::sync::Mutex<Result<Workspace, CommandError>>,
    on_open: std::sync::OnceLock<OnOpen>,
    ui_font: std::sync::OnceLock<Option<String>>,
}

impl AppState {
    pub fn new(data_dir: std::path::PathBuf, workspace: Result<Workspace, CommandError>) -> Self {
        AppState {
            data_dir,
            workspace: std::sync::Mutex::new(workspace),
            on_open: std::sync::OnceLock::new(),
            ui_font: std::sync::OnceLock::new(),
        }
    }

    /// The desktop's interface font family (read once, at start-up).
    pub fn set_ui_font(&self, family: Option<String>) {
        let _ = self.ui_font.set(family);
    }

    pub fn ui_font(&self) -> Option<String> {
        self.ui_font.get().cloned().flatten()
    }

    /// Runs `start` for the workspace now if it is open, or else as soon as
    /// "Try again" opens it: polling and the daily purge begin either way,
    /// without restarting the app. Only the first call counts.
    pub fn when_open(&self, start: impl Fn(&Workspace) + Send + Sync + 'static) {
        if self.on_open.set(Box::new(start)).is_err() {
            return;
        }
        if let Some(ws) = self.ready() {
            if let Some(start) = self.on_open.get() {
                start(&ws);
            }
        }
    }

    /// The workspace; if it couldn't be opened, tries again (the owner may
    /// have moved a damaged file aside or freed disk space meanwhile).
    pub fn workspace(&self) -> Result<Workspace, CommandError> {
        let mut slot = self
            .workspace
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.is_err() {
            *slot = Workspace::open(&self.data_dir).map_err(CommandError::from);
            if let (Ok(ws), Some(start)) = (slot.as_ref(), self.on_open.get()) {
                start(ws);
            }
        }
        slot.clone()
    }

    /// The workspace if it is open, without retrying (for the scheduler).
    pub fn ready(&self) -> Option<Workspace> {
        self.workspace
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .ok()
            .cloned()
    }
}

pub type CmdResult<T> = Result<T, CommandError>;

/// Runs blocking workspace code off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> crate::error::Result<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::from(Error::internal(e)))?
        .map_err(CommandError::from)
}

/// The commands the app exposes, as declared in build.rs for the capability file.
#[macro_export]
macro_rules! app_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::app::app_info,
            $crate::commands::app::settings_save,
            $crate::commands::app::demo_load,
            $crate::commands::app::ui_painted,
            $crate::commands::inbox::mentions_list,
            $crate::commands::inbox::mentions_query,
            $crate::commands::inbox::mention_detail,
            $crate::commands::inbox::mentions_set_status,
            $crate::commands::inbox::mention_correct_label,
            $crate::commands::inbox::mentions_mark_seen,
            $crate::commands::inbox::inbox_counts,
            $crate::commands::dashboard::dashboard,
            $crate::commands::sources::platforms,
            $crate::commands::sources::sources_list,
            $crate::commands::sources::source_add,
            $crate::commands::sources::source_test,
            $crate::commands::sources::source_poll,
            $crate::commands::sources::poll_all,
            $crate::commands::sources::source_remove,
            $crate::commands::sources::source_replace_key,
            $crate::commands::sources::source_update_settings,
            $crate::commands::sources::polling_status,
            $crate::commands::watches::watches_list,
            $crate::commands::watches::watch_add,
            $crate::commands::watches::watch_update,
            $crate::commands::watches::watch_remove,
            $crate::commands::guide::guide_list,
            $crate::commands::guide::guide_start,
            $crate::commands::guide::guide_resume,
            $crate::commands::guide::guide_answer,
            $crate::commands::guide::guide_go,
            $crate::commands::guide::guide_handout,
            $crate::commands::guide::guide_save_handout,
            $crate::commands::guide::guide_step_add,
            $crate::commands::guide::guide_step_delete,
            $crate::commands::guide::guide_step_hide,
            $crate::commands::outreach::outreach_check,
            $crate::commands::outreach::outreach_draft,
            $crate::commands::outreach::outreach_log,
            $crate::commands::outreach::outreach_update,
            $crate::commands::outreach::outreach_history,
            $crate::commands::outreach::outreach_query,
            $crate::commands::outreach::outreach_export,
            $crate::commands::outreach::templates_list,
            $crate::commands::outreach::template_save,
            $crate::commands::outreach::template_delete,
            $crate::commands::outreach::person_timeline,
            $crate::commands::outreach::person_link,
            $crate::commands::outreach::person_unlink,
            $crate::commands::privacy::dnc_add,
            $crate::commands::privacy::dnc_list,
            $crate::commands::privacy::dnc_remove,
            $crate::commands::privacy::privacy_overview,
            $crate::commands::privacy::privacy_settings_save,
            $crate::commands::privacy::purge_preview,
            $crate::commands::privacy::purge_run,
            $crate::commands::privacy::requests_list,
            $crate::commands::privacy::request_add,
            $crate::commands::privacy::privacy_export,
            $crate::commands::privacy::privacy_erase,
            $crate::commands::privacy::audit_list,
            $crate::commands::privacy::audit_verify,
            $crate::commands::privacy::privacy_notes_export,
        ]
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn what_waits_for_the_workspace_starts_once_when_try_again_opens_it() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the data folder should be: it can't be created.
        let data_dir = dir.path().join("data");
        std::fs::write(&data_dir, b"not a folder").unwrap();
        let state = AppState::new(
            data_dir.clone(),
            Workspace::open(&data_dir).map_err(CommandError::from),
        );
        let started = Arc::new(AtomicUsize::new(0));
        let seen = started.clone();
        state.when_open(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(started.load(Ordering::SeqCst), 0);
        assert!(state.workspace().is_err());
        assert_eq!(started.load(Ordering::SeqCst), 0);
        // The owner moves the file aside and presses "Try again".
        std::fs::remove_file(&data_dir).unwrap();
        assert!(state.workspace().is_ok());
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert!(state.workspace().is_ok());
        assert_eq!(started.load(Ordering::SeqCst), 1, "started once only");
    }

    #[test]
    fn an_open_workspace_starts_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(
            dir.path().to_path_buf(),
            Workspace::open(dir.path()).map_err(CommandError::from),
        );
        let started = Arc::new(AtomicUsize::new(0));
        let seen = started.clone();
        state.when_open(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(started.load(Ordering::SeqCst), 1);
        state.workspace().unwrap();
        assert_eq!(started.load(Ordering::SeqCst), 1);
    }
}
