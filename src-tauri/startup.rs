//! Start-up timing for the benchmark in benches/startup: with HEARKEN_BENCH=1
//! the app prints how long it took from launch until the Inbox was painted.

use std::io::Write;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

static START: OnceLock<Instant> = OnceLock::new();
static PAINTED: OnceLock<u128> = OnceLock::new();
/// Wakes those waiting for `PAINTED` (taken around setting it, so no wake-up is missed).
static SHOWN: (Mutex<()>, Condvar) = (Mutex::new(()), Condvar::new());

/// How long background work waits for the window's first paint at most
/// (a window that never paints, or no window at all, must not stop it).
pub const PAINT_WAIT: Duration = Duration::from_secs(5);

/// Blocks until the Inbox has been painted, or `at_most` has passed;
/// whether it was painted. Background work that would compete with the
/// window for the cores (scoring older mentions, the first poll) waits here.
pub fn wait_painted(at_most: Duration) -> bool {
    let (lock, shown) = &SHOWN;
    let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    let _unlocked = shown
        .wait_timeout_while(guard, at_most, |_| PAINTED.get().is_none())
        .unwrap_or_else(|e| e.into_inner());
    PAINTED.get().is_some()
}

/// Call first thing in `main`.
pub fn mark_launch() {
    START.get_or_init(Instant::now);
}

/// Milliseconds since `mark_launch`, for start-up log lines.
pub fn since_launch_ms() -> u128 {
    START.get().map(|s| s.elapsed().as_millis()).unwrap_or(0)
}

fn bench() -> bool {
    std::env::var_os("HEARKEN_BENCH").is_some()
}

/// A step of start-up reached (`what`, for example "workspace open"). Until
/// the Inbox is painted it is logged and, with HEARKEN_BENCH=1, printed as
/// `HEARKEN_STAGE_MS=<ms> <what>`, so the benchmark can show where the time went.
pub fn stage(what: &str) {
    if PAINTED.get().is_some() {
        return;
    }
    let ms = since_launch_ms();
    tracing::info!("{what} {ms} ms after launch");
    if bench() {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "HEARKEN_STAGE_MS={ms} {what}");
        let _ = out.flush();
    }
}

/// The Inbox's first page is on screen, `first_page_ms` after the window
/// asked for it; `ui_stages` says when (ms since the page began loading) the
/// window reached each of its own steps. Only the first call counts.
pub fn painted(first_page_ms: u64, ui_stages: &str) {
    let Some(start) = START.get() else { return };
    if PAINTED.get().is_some() {
        return;
    }
    let ms = {
        let (lock, shown) = &SHOWN;
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let ms = *PAINTED.get_or_init(|| start.elapsed().as_millis());
        shown.notify_all();
        ms
    };
    tracing::info!(
        "inbox painted {ms} ms after launch, {first_page_ms} ms after the window asked for its first page"
    );
    // Only names and numbers are printed from what the window sent.
    let ui_stages: String = ui_stages
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '=' | '.' | '_'))
        .take(600)
        .collect();
    tracing::info!("the window's steps (ms since its page began loading): {ui_stages}");
    if bench() {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "HEARKEN_UI_STAGES={ui_stages}");
        let _ = writeln!(out, "HEARKEN_FIRST_PAGE_MS={first_page_ms}");
        let _ = writeln!(out, "HEARKEN_PAINTED_MS={ms}");
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_work_waits_for_the_first_paint_or_gives_up() {
        mark_launch();
        // Not painted yet: the wait gives up after its time.
        let t = Instant::now();
        assert!(!wait_painted(Duration::from_millis(60)));
        assert!(t.elapsed() >= Duration::from_millis(60));
        // A waiter is woken by the paint.
        let waiter = std::thread::spawn(|| wait_painted(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(20));
        painted(12, "asked=1 painted=13");
        assert!(waiter.join().unwrap());
        // Afterwards nothing waits.
        let t = Instant::now();
        assert!(wait_painted(Duration::from_secs(30)));
        assert!(t.elapsed() < Duration::from_secs(30));
    }
}
