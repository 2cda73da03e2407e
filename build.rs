// Declares the app's own commands so that each gets an `allow-…` permission,
// and only those granted in capabilities/ can be called from the window.
const COMMANDS: &[&str] = &[
    "app_info",
    "settings_save",
    "demo_load",
    "ui_painted",
    "mentions_list",
    "mentions_query",
    "mention_detail",
    "mentions_set_status",
    "mention_correct_label",
    "mentions_mark_seen",
    "inbox_counts",
    "dashboard",
    "platforms",
    "sources_list",
    "source_add",
    "source_test",
    "source_poll",
    "poll_all",
    "source_remove",
    "source_replace_key",
    "source_update_settings",
    "polling_status",
    "watches_list",
    "watch_add",
    "watch_update",
    "watch_remove",
    "guide_list",
    "guide_start",
    "guide_resume",
    "guide_answer",
    "guide_go",
    "guide_handout",
    "guide_save_handout",
    "guide_step_add",
    "guide_step_delete",
    "guide_step_hide",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
