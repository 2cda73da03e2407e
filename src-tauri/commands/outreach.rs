use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, State};

use super::{blocking, AppState, CmdResult};
use crate::model::{
    ExportFormat, HandleRef, NewOutreach, NewTemplate, Outreach, OutreachChange, OutreachCheck,
    OutreachDraft, OutreachList, OutreachQuery, OutreachRevision, OutreachTemplate, PersonTimeline,
    Platform,
};

/// Tells the window the outreach log changed (the Outreach screen, the
/// mention's outreach panel, the person's timeline).
const OUTREACH_CHANGED: &str = "outreach-changed";
/// Follow-ups became due; the payload is how many are due now.
const FOLLOW_UP_DUE: &str = "follow-up-due";

fn announce(app: &AppHandle, o: &Outreach) {
    let _ = app.emit(OUTREACH_CHANGED, ());
    // The mention's status may have moved along with it.
    if o.mention_id.is_some() {
        let _ = app.emit("inbox-changed", ());
    }
}

#[tauri::command]
pub async fn outreach_check(
    state: State<'_, AppState>,
    draft: NewOutreach,
) -> CmdResult<OutreachCheck> {
    let ws = state.workspace()?;
    blocking(move || ws.check_outreach(&draft)).await
}

#[tauri::command]
pub async fn outreach_draft(
    state: State<'_, AppState>,
    mention_id: Option<i64>,
    platform: Option<Platform>,
    handle: Option<String>,
    template_id: Option<i64>,
) -> CmdResult<OutreachDraft> {
    let ws = state.workspace()?;
    blocking(move || ws.draft_outreach(mention_id, platform, handle, template_id)).await
}

#[tauri::command]
pub async fn outreach_log(
    app: AppHandle,
    state: State<'_, AppState>,
    draft: NewOutreach,
) -> CmdResult<Outreach> {
    let ws = state.workspace()?;
    let logged = blocking(move || ws.log_outreach(&draft)).await?;
    announce(&app, &logged);
    Ok(logged)
}

#[tauri::command]
pub async fn outreach_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    change: OutreachChange,
) -> CmdResult<Outreach> {
    let ws = state.workspace()?;
    let changed = blocking(move || ws.update_outreach(id, &change)).await?;
    announce(&app, &changed);
    Ok(changed)
}

#[tauri::command]
pub async fn outreach_history(
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<Vec<OutreachRevision>> {
    let ws = state.workspace()?;
    blocking(move || ws.outreach_history(id)).await
}

#[tauri::command]
pub async fn outreach_query(
    state: State<'_, AppState>,
    query: OutreachQuery,
) -> CmdResult<OutreachList> {
    let ws = state.workspace()?;
    blocking(move || ws.query_outreach(&query)).await
}

/// Writes the log as CSV or JSON (into the Downloads folder unless `dir`
/// is given); returns the file's path.
#[tauri::command]
pub async fn outreach_export(
    state: State<'_, AppState>,
    format: ExportFormat,
    dir: Option<String>,
) -> CmdResult<String> {
    let ws = state.workspace()?;
    let dir = dir
        .filter(|d| !d.trim().is_empty())
        .map(std::path::PathBuf::from);
    blocking(move || {
        ws.export_outreach(format, dir)
            .map(|p| p.display().to_string())
    })
    .await
}

#[tauri::command]
pub async fn templates_list(state: State<'_, AppState>) -> CmdResult<Vec<OutreachTemplate>> {
    let ws = state.workspace()?;
    blocking(move || ws.templates()).await
}

#[tauri::command]
pub async fn template_save(
    state: State<'_, AppState>,
    t: NewTemplate,
) -> CmdResult<OutreachTemplate> {
    let ws = state.workspace()?;
    blocking(move || ws.save_template(&t)).await
}

#[tauri::command]
pub async fn template_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || ws.delete_template(id)).await
}

#[tauri::command]
pub async fn person_timeline(
    state: State<'_, AppState>,
    platform: Platform,
    handle: String,
) -> CmdResult<PersonTimeline> {
    let ws = state.workspace()?;
    blocking(move || ws.person_timeline(&HandleRef { platform, handle })).await
}

#[tauri::command]
pub async fn person_link(
    app: AppHandle,
    state: State<'_, AppState>,
    a: HandleRef,
    b: HandleRef,
) -> CmdResult<PersonTimeline> {
    let ws = state.workspace()?;
    let timeline = blocking(move || ws.link_handles(&a, &b)).await?;
    // First contacts are counted per person, so records may show differently.
    let _ = app.emit(OUTREACH_CHANGED, ());
    Ok(timeline)
}

#[tauri::command]
pub async fn person_unlink(
    app: AppHandle,
    state: State<'_, AppState>,
    h: HandleRef,
) -> CmdResult<PersonTimeline> {
    let ws = state.workspace()?;
    let timeline = blocking(move || ws.unlink_handle(&h)).await?;
    let _ = app.emit(OUTREACH_CHANGED, ());
    Ok(timeline)
}

/// Every `tick`, one desktop notification for the follow-ups that became
/// due since the last look (never one per follow-up; none when the owner
/// turned them off), and a `follow-up-due` event with how many are due now.
pub async fn remind_follow_ups_every(app: AppHandle, tick: Duration) {
    let mut interval = tokio::time::interval(tick);
    loop {
        interval.tick().await;
        let Some(ws) = app.try_state::<AppState>().and_then(|s| s.ready()) else {
            continue;
        };
        // The settings are read only when a follow-up became due, not every tick.
        let (found, settings) = match tauri::async_runtime::spawn_blocking(move || {
            let found = ws.remind_follow_ups()?;
            if found.newly_due <= 0 {
                return Ok(None);
            }
            let settings = ws.store.read(crate::store::settings::load)?;
            Ok::<_, crate::error::Error>(Some((found, settings)))
        })
        .await
        {
            Ok(Ok(Some(found))) => found,
            Ok(Ok(None)) => continue,
            Ok(Err(e)) => {
                tracing::warn!("couldn't check for due follow-ups: {e}");
                continue;
            }
            Err(e) => {
                tracing::warn!("couldn't check for due follow-ups: {e}");
                continue;
            }
        };
        // The desktop notification as the owner's settings say; the
        // Outreach screen hears of it either way.
        if let Some((title, body)) =
            crate::notify::follow_up_message(&settings, found.newly_due, found.due)
        {
            use tauri_plugin_notification::NotificationExt;
            if let Err(e) = app.notification().builder().title(title).body(body).show() {
                tracing::warn!("couldn't show a desktop notification: {e}");
            }
        }
        let _ = app.emit(FOLLOW_UP_DUE, found.due);
    }
}
