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
    blocking(move || ws.mentions_page(before.as_ref(), limit.unwrap_or(50))).await
}
