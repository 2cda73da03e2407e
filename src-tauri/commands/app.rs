use tauri::{AppHandle, Emitter, State};

use super::{blocking, AppState, CmdResult};
use crate::model::{AppInfo, DemoSummary, MentionsAdded, Settings};

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    crate::startup::stage("app_info asked");
    let ws = state.workspace()?;
    let info = blocking(move || ws.app_info()).await.map(|info| AppInfo {
        ui_font: state.ui_font(),
        ..info
    });
    crate::startup::stage("app_info answered");
    info
}

#[tauri::command]
pub async fn settings_save(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> CmdResult<Settings> {
    let ws = state.workspace()?;
    let saved = blocking(move || ws.save_settings(&settings)).await?;
    let _ = app.emit("settings-changed", ());
    Ok(saved)
}

#[tauri::command]
pub async fn demo_load(app: AppHandle, state: State<'_, AppState>) -> CmdResult<DemoSummary> {
    let ws = state.workspace()?;
    let summary = blocking(move || crate::demo::load(&ws)).await?;
    if summary.mentions > 0 {
        let _ = app.emit(
            "mentions-added",
            MentionsAdded {
                count: summary.mentions,
            },
        );
    }
    let _ = app.emit("sources-changed", ());
    Ok(summary)
}

/// The UI calls this once its first Inbox page is on screen, with how long
/// that took from asking for it and when it reached each of its own steps
/// (for the start-up benchmark).
#[tauri::command(rename_all = "snake_case")]
pub fn ui_painted(first_page_ms: u64, stages: Option<String>) {
    crate::startup::painted(first_page_ms, stages.as_deref().unwrap_or(""));
}
