use std::path::PathBuf;

use tauri::{AppHandle, Emitter, State};

use super::{blocking, AppState, CmdResult};
use crate::model::{
    AccessExport, AuditEntry, AuditVerification, DncEntry, ErasureReport, NewDnc,
    NewPrivacyRequest, PrivacyOverview, PrivacyRequest, PrivacySettings, PurgePlan, PurgeReport,
};

/// Tells the Privacy screen (and badges) that its lists changed.
const PRIVACY_CHANGED: &str = "privacy-changed";
/// Mentions were removed or changed (erasure, purge): the Inbox reloads.
const INBOX_CHANGED: &str = "inbox-changed";

fn dir_of(dir: Option<String>) -> Option<PathBuf> {
    dir.filter(|d| !d.trim().is_empty()).map(PathBuf::from)
}

#[tauri::command]
pub async fn dnc_add(
    app: AppHandle,
    state: State<'_, AppState>,
    entry: NewDnc,
) -> CmdResult<DncEntry> {
    let ws = state.workspace()?;
    let added = blocking(move || ws.dnc_add(entry)).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    let _ = app.emit(INBOX_CHANGED, ());
    Ok(added)
}

#[tauri::command]
pub async fn dnc_list(state: State<'_, AppState>) -> CmdResult<Vec<DncEntry>> {
    let ws = state.workspace()?;
    blocking(move || ws.dnc_list()).await
}

#[tauri::command]
pub async fn dnc_remove(app: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || ws.dnc_remove(id)).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    let _ = app.emit(INBOX_CHANGED, ());
    Ok(())
}

#[tauri::command]
pub async fn privacy_overview(state: State<'_, AppState>) -> CmdResult<PrivacyOverview> {
    let ws = state.workspace()?;
    blocking(move || ws.privacy_overview()).await
}

#[tauri::command]
pub async fn privacy_settings_save(
    app: AppHandle,
    state: State<'_, AppState>,
    p: PrivacySettings,
) -> CmdResult<PrivacySettings> {
    let ws = state.workspace()?;
    let saved = blocking(move || ws.privacy_settings_save(p)).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    Ok(saved)
}

#[tauri::command]
pub async fn purge_preview(state: State<'_, AppState>) -> CmdResult<PurgePlan> {
    let ws = state.workspace()?;
    blocking(move || ws.purge_preview()).await
}

#[tauri::command]
pub async fn purge_run(app: AppHandle, state: State<'_, AppState>) -> CmdResult<PurgeReport> {
    let ws = state.workspace()?;
    let report = blocking(move || ws.purge_run()).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    if report.mentions > 0 || report.outreach > 0 {
        let _ = app.emit(INBOX_CHANGED, ());
    }
    Ok(report)
}

#[tauri::command]
pub async fn requests_list(state: State<'_, AppState>) -> CmdResult<Vec<PrivacyRequest>> {
    let ws = state.workspace()?;
    blocking(move || ws.requests_list()).await
}

#[tauri::command]
pub async fn request_add(
    app: AppHandle,
    state: State<'_, AppState>,
    r: NewPrivacyRequest,
) -> CmdResult<PrivacyRequest> {
    let ws = state.workspace()?;
    let request = blocking(move || ws.request_add(r)).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    Ok(request)
}

#[tauri::command]
pub async fn privacy_export(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: i64,
    dir: Option<String>,
) -> CmdResult<AccessExport> {
    let ws = state.workspace()?;
    let export = blocking(move || ws.privacy_export(request_id, dir_of(dir))).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    Ok(export)
}

#[tauri::command]
pub async fn privacy_erase(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: i64,
) -> CmdResult<ErasureReport> {
    let ws = state.workspace()?;
    let report = blocking(move || ws.privacy_erase(request_id)).await?;
    let _ = app.emit(PRIVACY_CHANGED, ());
    let _ = app.emit(INBOX_CHANGED, ());
    Ok(report)
}

#[tauri::command]
pub async fn audit_list(
    state: State<'_, AppState>,
    before: Option<i64>,
    limit: Option<i64>,
) -> CmdResult<Vec<AuditEntry>> {
    let ws = state.workspace()?;
    blocking(move || ws.audit_list(before, limit.unwrap_or(crate::privacy::AUDIT_PAGE))).await
}

#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> CmdResult<AuditVerification> {
    let ws = state.workspace()?;
    blocking(move || ws.audit_verify()).await
}

/// Saves the watches' notes as a web page (Downloads by default); returns its path.
#[tauri::command]
pub async fn privacy_notes_export(
    state: State<'_, AppState>,
    dir: Option<String>,
) -> CmdResult<String> {
    let ws = state.workspace()?;
    blocking(move || {
        ws.privacy_notes_export(dir_of(dir))
            .map(|p| p.display().to_string())
    })
    .await
}
