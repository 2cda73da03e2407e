use tauri::State;

use super::{blocking, AppState, CmdResult};
use crate::model::{Dashboard, DashboardQuery};

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>, query: DashboardQuery) -> CmdResult<Dashboard> {
    let ws = state.workspace()?;
    blocking(move || ws.dashboard(&query)).await
}
