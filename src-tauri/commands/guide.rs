use tauri::State;

use super::{blocking, AppState, CmdResult};
use crate::clock;
use crate::guide::{
    self, handout::Handout, Goal, GuideSession, GuideStep, GuideWithHidden, NewGuideStep,
    StepStatus,
};

#[tauri::command]
pub async fn guide_list(state: State<'_, AppState>) -> CmdResult<Vec<GuideWithHidden>> {
    let ws = state.workspace()?;
    blocking(move || guide::guides(&ws.store, clock::now().date())).await
}

#[tauri::command]
pub async fn guide_start(
    state: State<'_, AppState>,
    platforms: Vec<String>,
    goal: Option<Goal>,
) -> CmdResult<GuideSession> {
    let ws = state.workspace()?;
    blocking(move || guide::start(&ws.store, &platforms, goal)).await
}

#[tauri::command]
pub async fn guide_resume(state: State<'_, AppState>, code: String) -> CmdResult<GuideSession> {
    let ws = state.workspace()?;
    blocking(move || guide::load(&ws.store, &code)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn guide_answer(
    state: State<'_, AppState>,
    code: String,
    step_id: String,
    status: StepStatus,
) -> CmdResult<GuideSession> {
    let ws = state.workspace()?;
    blocking(move || guide::answer(&ws.store, &code, &step_id, status)).await
}

#[tauri::command]
pub async fn guide_go(
    state: State<'_, AppState>,
    code: String,
    position: i64,
) -> CmdResult<GuideSession> {
    let ws = state.workspace()?;
    blocking(move || guide::go_to(&ws.store, &code, position)).await
}

#[tauri::command]
pub async fn guide_handout(state: State<'_, AppState>, code: String) -> CmdResult<Handout> {
    let ws = state.workspace()?;
    blocking(move || ws.guide_handout(&code)).await
}

/// Saves the handout as a web page in the Downloads folder; returns its path.
#[tauri::command]
pub async fn guide_save_handout(state: State<'_, AppState>, code: String) -> CmdResult<String> {
    let ws = state.workspace()?;
    blocking(move || {
        ws.save_guide_handout(&code, None)
            .map(|p| p.display().to_string())
    })
    .await
}

#[tauri::command]
pub async fn guide_step_add(
    state: State<'_, AppState>,
    input: NewGuideStep,
) -> CmdResult<GuideStep> {
    let ws = state.workspace()?;
    blocking(move || guide::add_custom_step(&ws.store, input)).await
}

#[tauri::command]
pub async fn guide_step_delete(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || guide::delete_custom_step(&ws.store, &id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn guide_step_hide(
    state: State<'_, AppState>,
    step_id: String,
    hidden: bool,
) -> CmdResult<()> {
    let ws = state.workspace()?;
    blocking(move || guide::set_hidden(&ws.store, &step_id, hidden)).await
}
