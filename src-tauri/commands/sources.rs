use tauri::{AppHandle, Emitter, Manager, State};

use super::{blocking, AppState, CmdResult};
use crate::error::CommandError;
use crate::model::{
    MentionsAdded, NewSource, PlatformInfo, PollReport, PollingStatus, Source, SourceTestReport,
};
use crate::poller::{CycleSummary, Poller};

#[tauri::command]
pub fn platforms() -> Vec<PlatformInfo> {
    crate::sources::catalog::all()
}

#[tauri::command]
pub async fn sources_list(state: State<'_, AppState>) -> CmdResult<Vec<Source>> {
    let ws = state.workspace()?;
    blocking(move || ws.list_sources()).await
}

#[tauri::command]
pub async fn source_add(
    app: AppHandle,
    state: State<'_, AppState>,
    input: NewSource,
) -> CmdResult<Source> {
    let ws = state.workspace()?;
    let source = blocking(move || ws.add_source(input)).await?;
    let _ = app.emit("sources-changed", ());
    Ok(source)
}

#[tauri::command]
pub async fn source_test(state: State<'_, AppState>, id: i64) -> CmdResult<SourceTestReport> {
    let ws = state.workspace()?;
    ws.poller.test_source(id).await.map_err(CommandError::from)
}

#[tauri::command]
pub async fn source_poll(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<PollReport> {
    let ws = state.workspace()?;
    let report = ws
        .poller
        .poll_source(id)
        .await
        .map_err(CommandError::from)?;
    announce(&app, std::slice::from_ref(&report));
    Ok(report)
}

#[tauri::command]
pub async fn poll_all(app: AppHandle, state: State<'_, AppState>) -> CmdResult<Vec<PollReport>> {
    let ws = state.workspace()?;
    let summary = ws
        .poller
        .poll_all_summary()
        .await
        .map_err(CommandError::from)?;
    announce_cycle(&app, &summary, &ws.poller);
    Ok(summary.reports)
}

#[tauri::command]
pub async fn source_remove(app: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || ws.remove_source(id)).await?;
    let _ = app.emit("sources-changed", ());
    Ok(())
}

#[tauri::command]
pub async fn source_replace_key(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    secret: Option<String>,
    extra_secrets: Option<std::collections::BTreeMap<String, String>>,
) -> CmdResult<Source> {
    let ws = state.workspace()?;
    let source =
        blocking(move || ws.replace_secret(id, secret, extra_secrets.unwrap_or_default())).await?;
    let _ = app.emit("sources-changed", ());
    Ok(source)
}

#[tauri::command]
pub async fn source_update_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    settings: std::collections::BTreeMap<String, String>,
) -> CmdResult<Source> {
    let ws = state.workspace()?;
    let source = blocking(move || ws.update_source_settings(id, settings)).await?;
    let _ = app.emit("sources-changed", ());
    Ok(source)
}

#[tauri::command]
pub async fn polling_status(state: State<'_, AppState>) -> CmdResult<PollingStatus> {
    Ok(state.workspace()?.poller.status())
}

/// Tells the window what a polling cycle found, and the desktop too when it
/// found complaints or negative mentions (one notification per cycle, as
/// the owner's settings ask).
pub fn announce_cycle(app: &AppHandle, summary: &CycleSummary, poller: &Poller) {
    announce(app, &summary.reports);
    if summary.online_changed {
        let _ = app.emit("polling-status", poller.status());
    }
    let settings = app
        .try_state::<AppState>()
        .and_then(|s| s.ready())
        .and_then(|ws| ws.store.read(crate::store::settings::load).ok());
    let Some(settings) = settings else { return };
    let message =
        crate::notify::cycle_message(&settings, &summary.new_by_label, &summary.new_by_watch);
    if let Some((title, body)) = message {
        use tauri_plugin_notification::NotificationExt;
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::warn!("couldn't show a desktop notification: {e}");
        }
    }
}

fn announce(app: &AppHandle, reports: &[PollReport]) {
    let count: i64 = reports.iter().map(|r| r.new_mentions).sum();
    if count > 0 {
        let _ = app.emit("mentions-added", MentionsAdded { count });
    }
    // A quiet minute (nothing was due) changes nothing on screen.
    if !reports.is_empty() {
        let _ = app.emit("sources-changed", ());
    }
}
