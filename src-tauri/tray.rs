//! The tray icon with the unread count, where the desktop has a tray. On
//! Linux the count is the indicator's label beside the icon (tooltips are
//! not shown there); elsewhere it is the tooltip. The owner can turn it off
//! in Settings; it then disappears at once.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Listener, Manager};

use crate::commands::AppState;
use crate::model::InboxCounts;

const TRAY_ID: &str = "unread";

/// The label beside the icon (None when nothing is unread) and the tooltip.
pub fn texts(counts: &InboxCounts) -> (Option<String>, String) {
    let label = (counts.unread > 0).then(|| counts.unread.to_string());
    let tooltip = match (counts.unread, counts.unread_unhappy) {
        (0, _) => "Hearken: nothing unread".to_string(),
        (n, 0) => format!("Hearken: {n} unread"),
        (n, u) => format!("Hearken: {n} unread, {u} of them unhappy",),
    };
    (label, tooltip)
}

fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Makes the tray icon (hidden until `refresh` decides) and keeps it
/// current as mentions arrive and are read.
pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Hearken", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Hearken", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip("Hearken")
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_window(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let tray = builder.build(app)?;
    let _ = tray.set_visible(false);
    for event in ["mentions-added", "inbox-changed", "settings-changed"] {
        let handle = app.clone();
        app.listen_any(event, move |_| refresh(&handle));
    }
    refresh(app);
    Ok(())
}

/// Shows the current unread count, or hides the icon when the owner turned it off.
pub fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let Some(ws) = app.try_state::<AppState>().and_then(|s| s.ready()) else {
        return;
    };
    // Off the event thread: reading the counts touches the database.
    tauri::async_runtime::spawn_blocking(move || {
        let wanted = ws
            .store
            .read(crate::store::settings::load)
            .map(|s| s.tray_unread)
            .unwrap_or(true);
        if !wanted {
            let _ = tray.set_visible(false);
            return;
        }
        match ws.inbox_counts() {
            Ok(counts) => {
                let (label, tooltip) = texts(&counts);
                let _ = tray.set_title(label.as_deref());
                let _ = tray.set_tooltip(Some(&tooltip));
                let _ = tray.set_visible(true);
                tracing::info!(unread = counts.unread, "tray updated");
            }
            Err(e) => tracing::warn!("couldn't count unread mentions for the tray: {e}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_unread_count_and_the_tooltip_says_how_many_are_unhappy() {
        let mut c = InboxCounts::default();
        assert_eq!(texts(&c), (None, "Hearken: nothing unread".to_string()));
        c.unread = 12;
        assert_eq!(
            texts(&c),
            (Some("12".to_string()), "Hearken: 12 unread".to_string())
        );
        c.unread_unhappy = 3;
        assert_eq!(texts(&c).1, "Hearken: 12 unread, 3 of them unhappy");
    }
}
