use tauri::{AppHandle, Emitter, State};

use super::{blocking, AppState, CmdResult};
use crate::model::{
    InboxCounts, InboxQuery, Label, MentionCursor, MentionDetail, MentionPage, MentionStatus,
};

/// Tells the window, tray and badges that statuses, labels or unread marks changed.
const INBOX_CHANGED: &str = "inbox-changed";

#[tauri::command]
pub async fn mentions_list(
    state: State<'_, AppState>,
    before: Option<MentionCursor>,
    limit: Option<i64>,
) -> CmdResult<MentionPage> {
    let ws = state.workspace()?;
    blocking(move || ws.mentions_page(before.as_ref(), limit.unwrap_or(50))).await
}

#[tauri::command]
pub async fn mentions_query(
    state: State<'_, AppState>,
    query: InboxQuery,
    before: Option<MentionCursor>,
    limit: Option<i64>,
) -> CmdResult<MentionPage> {
    crate::startup::stage("Inbox page asked");
    let ws = state.workspace()?;
    let page = blocking(move || ws.inbox_page(&query, before.as_ref(), limit.unwrap_or(50))).await;
    crate::startup::stage("Inbox page answered");
    page
}

#[tauri::command]
pub async fn mention_detail(state: State<'_, AppState>, id: i64) -> CmdResult<MentionDetail> {
    let ws = state.workspace()?;
    blocking(move || ws.mention_detail(id)).await
}

#[tauri::command]
pub async fn mentions_set_status(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<i64>,
    status: MentionStatus,
) -> CmdResult<i64> {
    let ws = state.workspace()?;
    let changed = blocking(move || ws.set_mentions_status(&ids, status)).await?;
    if changed > 0 {
        let _ = app.emit(INBOX_CHANGED, ());
    }
    Ok(changed)
}

#[tauri::command]
pub async fn mention_correct_label(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    label: Label,
) -> CmdResult<MentionDetail> {
    let ws = state.workspace()?;
    let detail = blocking(move || ws.correct_label(id, label)).await?;
    let _ = app.emit(INBOX_CHANGED, ());
    Ok(detail)
}

#[tauri::command]
pub async fn mentions_mark_seen(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<i64>,
) -> CmdResult<i64> {
    let ws = state.workspace()?;
    let changed = blocking(move || ws.mark_seen(&ids)).await?;
    if changed > 0 {
        let _ = app.emit(INBOX_CHANGED, ());
    }
    Ok(changed)
}

#[tauri::command]
pub async fn inbox_counts(state: State<'_, AppState>) -> CmdResult<InboxCounts> {
    let ws = state.workspace()?;
    blocking(move || ws.inbox_counts()).await
}
