//! Hello-world Tauri 2 app used as the baseline of the start-up benchmark.
//! The page calls `painted` once it has been painted; the command prints
//! `HEARKEN_PAINTED_MS=<ms since main() started>` on stdout, like Hearken does
//! with HEARKEN_BENCH=1.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();
static REPORTED: AtomicBool = AtomicBool::new(false);

#[tauri::command]
fn painted() {
    if REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let ms = START.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "HEARKEN_PAINTED_MS={ms:.1}");
    let _ = out.flush();
}

fn main() {
    START.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("error while running the hello app");
}
