//! Hearken: a local-first desktop app for proactive, privacy-respecting
//! customer care. The core (store, sources, poller, workspace) is plain Rust
//! that the CLI and tests call directly; `commands` adapts it for the window.

pub mod cli;
pub mod clock;
pub mod commands;
pub mod demo;
pub mod desktop_font;
pub mod error;
pub mod guide;
pub mod logging;
pub mod model;
pub mod notify;
pub mod outreach;
pub mod paths;
pub mod poller;
pub mod privacy;
pub mod secrets;
pub mod sources;
pub mod startup;
pub mod store;
pub mod tray;
pub mod triage;
pub mod watch;
pub mod workspace;

use std::path::PathBuf;
use std::time::Duration;

use std::sync::atomic::{AtomicU64, Ordering};

use tauri::{Manager, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use commands::AppState;
use error::CommandError;
use workspace::Workspace;

/// How often the window's scheduler looks for due sources.
const SCHEDULER_TICK: Duration = Duration::from_secs(60);
/// How often the window looks for follow-ups that became due.
const FOLLOW_UP_TICK: Duration = Duration::from_secs(60);
/// The retention purge waits this long after start-up (the window first),
/// then looks this often whether a day has passed since the last one.
const PURGE_START_DELAY: Duration = Duration::from_secs(15);
const PURGE_CHECK: Duration = Duration::from_secs(3600);

/// The daily retention purge, on a thread of its own: at start-up, then
/// every 24 hours. Each run is audited and recorded, even with nothing to do.
fn start_daily_purge(ws: Workspace, app: tauri::AppHandle) {
    use tauri::Emitter;
    let spawned = std::thread::Builder::new()
        .name("purge".into())
        .spawn(move || {
            std::thread::sleep(PURGE_START_DELAY);
            let mut at_start = true;
            loop {
                match ws.purge_if_due(at_start) {
                    Ok(Some(report)) => {
                        let _ = app.emit("privacy-changed", ());
                        if report.mentions > 0 || report.outreach > 0 {
                            let _ = app.emit("inbox-changed", ());
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!("the retention purge couldn't run: {e}"),
                }
                at_start = false;
                std::thread::sleep(PURGE_CHECK);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("couldn't start the daily retention purge: {e}");
    }
}

/// The work that runs while the window is open: the scheduler, the daily
/// purge, and scoring again the mentions stored before triage or by an
/// older model. The first poll and the scoring wait for the Inbox to be
/// painted (at most `startup::PAINT_WAIT`), so they don't slow it.
fn start_background(ws: &Workspace, app: &tauri::AppHandle) {
    let poller = ws.poller.clone();
    let handle = app.clone();
    let status_poller = poller.clone();
    tauri::async_runtime::spawn(async move {
        let _ = tokio::task::spawn_blocking(|| startup::wait_painted(startup::PAINT_WAIT)).await;
        poller
            .run(SCHEDULER_TICK, move |summary| {
                commands::sources::announce_cycle(&handle, summary, &status_poller);
            })
            .await
    });
    start_daily_purge(ws.clone(), app.clone());
    let handle = app.clone();
    let ws = ws.clone();
    let spawned = std::thread::Builder::new()
        .name("rescore-wait".into())
        .spawn(move || {
            startup::wait_painted(startup::PAINT_WAIT);
            ws.rescore_stale_in_background(move |_| {
                use tauri::Emitter;
                // The sidebar counts and the loaded rows follow the new labels.
                let _ = handle.emit("inbox-changed", ());
            });
        });
    if let Err(e) = spawned {
        tracing::warn!("couldn't start scoring older mentions: {e}");
    }
}

/// WebKitGTK's accelerated compositing keeps a layer store per scrolling
/// area; for a calm list-and-form app it costs about 120 MB (measured by
/// benches/startup) for no visible gain, so Hearken paints without it unless
/// the user has chosen otherwise (set WEBKIT_DISABLE_COMPOSITING_MODE=0).
fn use_software_compositing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: called on the main thread before the window, the runtime or
        // any other thread that could read the environment has started.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
}

/// Saves the window's size and place shortly after it stops moving, so it
/// is kept even if the app is ended without a clean exit (logout, kill).
fn remember_window_soon(app: tauri::AppHandle) {
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    let mine = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(600)).await;
        if GENERATION.load(Ordering::SeqCst) == mine {
            if let Err(e) = app.save_window_state(StateFlags::all()) {
                tracing::warn!("couldn't save the window's size and place: {e}");
            }
        }
    });
}

/// Opens the window. `data_dir` comes from `--data-dir` (or `HEARKEN_DATA_DIR`).
pub fn run_gui(data_dir: Option<PathBuf>) {
    use_software_compositing();
    let data_dir = paths::data_dir(data_dir);
    let _log = logging::init(&data_dir);
    secrets::init_os_keyring_in_background();
    let workspace = Workspace::open(&data_dir).map_err(|e| {
        tracing::error!("couldn't open the workspace: {e}");
        CommandError::from(e)
    });
    let state = AppState::new(data_dir.clone(), workspace);
    startup::stage("workspace open");
    let result = tauri::Builder::default()
        // First, so a second launch hands over before doing anything else.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            // Runs on the plugin's D-Bus thread, and the second launch
            // waits for it to return: the window is raised on the main
            // thread without waiting there (a window call from this thread
            // would block until the main thread is free).
            let handle = app.clone();
            let raised = app.run_on_main_thread(move || {
                if let Some(window) = handle.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            });
            if let Err(e) = raised {
                tracing::warn!("couldn't raise the window for a second launch: {e}");
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .setup(move |app| {
            startup::stage("window set up");
            // GTK has started: read its font setting for the window's text.
            app.state::<AppState>()
                .set_ui_font(desktop_font::desktop_family());
            // Where the desktop has no tray the icon simply isn't seen.
            if let Err(e) = tray::install(app.handle()) {
                tracing::warn!("no tray icon: {e}");
            }
            tauri::async_runtime::spawn(commands::outreach::remind_follow_ups_every(
                app.handle().clone(),
                FOLLOW_UP_TICK,
            ));
            // Now, or when "Try again" opens the workspace.
            let handle = app.handle().clone();
            app.state::<AppState>()
                .when_open(move |ws| start_background(ws, &handle));
            Ok(())
        })
        .on_window_event(|window, event| {
            if matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
                remember_window_soon(window.app_handle().clone());
            }
        })
        .invoke_handler(app_commands!())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("hearken: the window couldn't start: {e}");
        std::process::exit(1);
    }
}
