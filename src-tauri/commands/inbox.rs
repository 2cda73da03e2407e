use tauri::State;

use super::{blocking, AppState, CmdResult};
use crate::model::{MentionCursor, MentionPage};

#[tauri::command]
pub async fn mentions_list(
    state: State<'_, AppState>,
    before: Option<MentionCursor>,
    limit: Option<i64>,
) -> CmdResult<MentionPage> {
    let ws = state.workspace()?;
    let page = blocking(move || ws.mentions_page(before.as_ref(), limit.unwrap_or(50))).await;
    tracing::debug!(
        "mentions page ready {} ms after launch",
        crate::startup::since_launch_ms()
    );
    page
}
