use tauri::{AppHandle, Emitter, State};

use super::{blocking, AppState, CmdResult};
use crate::model::{NewWatch, Watch};

#[tauri::command]
pub async fn watches_list(state: State<'_, AppState>) -> CmdResult<Vec<Watch>> {
    let ws = state.workspace()?;
    blocking(move || ws.list_watches()).await
}

#[tauri::command]
pub async fn watch_add(
    app: AppHandle,
    state: State<'_, AppState>,
    input: NewWatch,
) -> CmdResult<Watch> {
    let ws = state.workspace()?;
    let watch = blocking(move || ws.add_watch(input)).await?;
    let _ = app.emit("watches-changed", ());
    Ok(watch)
}

#[tauri::command]
pub async fn watch_update(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    input: NewWatch,
) -> CmdResult<Watch> {
    let ws = state.workspace()?;
    let watch = blocking(move || ws.update_watch(id, input)).await?;
    let _ = app.emit("watches-changed", ());
    Ok(watch)
}

#[tauri::command]
pub async fn watch_remove(app: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || ws.remove_watch(id)).await?;
    let _ = app.emit("watches-changed", ());
    Ok(())
}
