//! WAL checkpoints on a thread of their own.
//!
//! SQLite's default copies the WAL back into the database file inside the
//! commit that takes the WAL past 1,000 pages: the writer stops to copy the
//! pages and wait for two `fsync`s. On the ingest bench that was 0.45 s of
//! each 100,000 mentions' 3.3 s of storing (issue #3). Here a commit that
//! leaves 1,000 pages or more in the WAL only wakes the checkpointer, which
//! copies them on its own connection (a `PASSIVE` checkpoint: it never
//! blocks the writer or the readers) while the writer goes on.
//!
//! When the checkpointer can't finish (a burst of commits, each adding
//! pages while it copies, or a very slow disk), the writer checkpoints
//! itself once the WAL holds [`BACKSTOP_AT`] pages, as SQLite would have,
//! copying only what the checkpointer hasn't; the WAL then starts afresh,
//! so it can't grow without bound.

use std::ffi::{c_char, c_int, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use rusqlite::{ffi, Connection, OpenFlags};

/// Pages in the WAL after a commit from which the checkpointer is woken:
/// SQLite's own threshold for checkpointing.
pub const WAKE_AT: c_int = 1_000;
/// Pages from which the writer checkpoints itself (16 MB of 4 kB pages).
/// A PASSIVE checkpoint beside a stream of commits rarely catches up with
/// the last one, so through a burst of polls the WAL isn't started afresh
/// until this: on the ingest bench the WAL file grew to 69 MB with 16,000
/// here, 19 MB with 4,000 and 11 MB with 2,000, for 26,200, 25,300 and
/// 24,500 mentions/s (medians of six runs each, noisy).
pub const BACKSTOP_AT: c_int = 4_000;

pub(super) struct Checkpointer {
    /// Boxed so the address given to SQLite stays put while the hook is
    /// set; dropping it ends the thread.
    wake: Box<SyncSender<()>>,
    thread: JoinHandle<()>,
    done: Arc<AtomicU64>,
    /// Tests hold this to keep the thread from checkpointing.
    #[cfg(test)]
    pub(super) held: Arc<std::sync::Mutex<()>>,
}

impl Checkpointer {
    /// Starts the checkpointer for the database at `path` and hooks it to
    /// `writer`'s commits. None (and SQLite's default checkpoints go on) if
    /// its connection or thread can't be had.
    pub(super) fn start(writer: &Connection, path: &Path) -> Option<Checkpointer> {
        let conn = match Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("checkpoints stay with the writer: {e}");
                return None;
            }
        };
        // One wake-up waiting is enough: the checkpoint it starts copies
        // every page committed by then.
        let (wake, woken) = sync_channel::<()>(1);
        let done = Arc::new(AtomicU64::new(0));
        let counted = done.clone();
        #[cfg(test)]
        let held = Arc::new(std::sync::Mutex::new(()));
        #[cfg(test)]
        let holder = held.clone();
        let thread = std::thread::Builder::new()
            .name("hearken-checkpoint".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    #[cfg(test)]
                    let _held = holder.lock();
                    match conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0))
                    {
                        Ok(_) => {
                            counted.fetch_add(1, Ordering::Relaxed);
                        }
                        // The pages stay safe in the WAL; the next wake-up
                        // (or the writer's backstop) tries again.
                        Err(e) => tracing::warn!("background checkpoint failed: {e}"),
                    }
                }
            });
        let thread = match thread {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("checkpoints stay with the writer: {e}");
                return None;
            }
        };
        let wake = Box::new(wake);
        // SAFETY: the hook's context is the boxed sender, which outlives the
        // hook: `stop` unsets the hook before it drops the box. The handle
        // is the writer's own and is only used while `writer` is borrowed.
        unsafe {
            ffi::sqlite3_wal_hook(
                writer.handle(),
                Some(on_commit),
                &*wake as *const SyncSender<()> as *mut c_void,
            );
        }
        Some(Checkpointer {
            wake,
            thread,
            done,
            #[cfg(test)]
            held,
        })
    }

    /// How many checkpoints the thread has finished.
    pub(super) fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Unhooks `writer`, lets a checkpoint already woken finish, and ends
    /// the thread (closing its connection).
    pub(super) fn stop(self, writer: &Connection) {
        // SAFETY: as in `start`; after this SQLite holds no pointer to
        // `self.wake`.
        unsafe {
            ffi::sqlite3_wal_hook(writer.handle(), None, std::ptr::null_mut());
        }
        drop(self.wake);
        if self.thread.join().is_err() {
            tracing::warn!("the checkpoint thread panicked");
        }
    }
}

/// SQLite calls this after each commit on the writer, with the pages now
/// in the WAL.
unsafe extern "C" fn on_commit(
    wake: *mut c_void,
    db: *mut ffi::sqlite3,
    name: *const c_char,
    pages: c_int,
) -> c_int {
    if pages >= BACKSTOP_AT {
        // What SQLite's default hook does at 1,000 pages. The commit has
        // happened whatever this returns.
        // SAFETY: `db` and `name` are the ones SQLite passed in.
        unsafe { ffi::sqlite3_wal_checkpoint(db, name) };
    } else if pages >= WAKE_AT {
        // SAFETY: `wake` is the boxed sender set in `start`, alive while
        // the hook is set.
        let wake = unsafe { &*(wake as *const SyncSender<()>) };
        // Full: a wake-up is already waiting. Disconnected: stopping.
        let _ = wake.try_send(());
    }
    ffi::SQLITE_OK
}
