use tauri::{AppHandle, Emitter, State};

use super::{blocking, AppState, CmdResult};
use crate::error::CommandError;
use crate::model::{MentionsAdded, NewSource, PlatformInfo, PollReport, Source, SourceTestReport};

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
    let reports = ws.poller.poll_all().await.map_err(CommandError::from)?;
    announce(&app, &reports);
    Ok(reports)
}

#[tauri::command]
pub async fn source_remove(app: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || ws.remove_source(id)).await?;
    let _ = app.emit("sources-changed", ());
    Ok(())
}

fn announce(app: &AppHandle, reports: &[PollReport]) {
    let count: i64 = reports.iter().map(|r| r.new_mentions).sum();
    if count > 0 {
        let _ = app.emit("mentions-added", MentionsAdded { count });
    }
    let _ = app.emit("sources-changed", ());
}
