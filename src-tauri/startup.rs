//! Start-up timing for the benchmark in benches/startup: with HEARKEN_BENCH=1
//! the app prints how long it took from launch until the Inbox was painted.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();
static PAINTED: OnceLock<u128> = OnceLock::new();

/// Call first thing in `main`.
pub fn mark_launch() {
    START.get_or_init(Instant::now);
}

/// Milliseconds since `mark_launch`, for start-up log lines.
pub fn since_launch_ms() -> u128 {
    START.get().map(|s| s.elapsed().as_millis()).unwrap_or(0)
}

/// The Inbox's first page is on screen, `first_page_ms` after the window
/// asked for it. Only the first call counts.
pub fn painted(first_page_ms: u64) {
    let Some(start) = START.get() else { return };
    if PAINTED.get().is_some() {
        return;
    }
    let ms = *PAINTED.get_or_init(|| start.elapsed().as_millis());
    tracing::info!(
        "inbox painted {ms} ms after launch, {first_page_ms} ms after the window asked for its first page"
    );
    if std::env::var_os("HEARKEN_BENCH").is_some() {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "HEARKEN_FIRST_PAGE_MS={first_page_ms}");
        let _ = writeln!(out, "HEARKEN_PAINTED_MS={ms}");
        let _ = out.flush();
    }
}
