//! The SQLite store: one file, WAL, versioned migrations, one writer and a
//! small pool of readers. WAL lets readers go on while the writer commits.
//! Calls block: async callers run them in `spawn_blocking`.

pub mod audit;
mod checkpoint;
pub mod dashboard;
pub mod dnc;
pub mod facets;
pub mod inbox;
pub mod mentions;
pub mod migrations;
pub mod outreach;
pub mod people;
pub mod privacy;
pub mod search;
pub mod settings;
pub mod sources;
pub mod templates;
pub mod usage;
pub mod watches;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction};

use crate::error::{Error, Result};

pub const DB_FILE: &str = "hearken.sqlite3";

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Checkpoints the WAL on a thread of its own (None: the writer does,
    /// as SQLite does by default).
    checkpointer: Option<checkpoint::Checkpointer>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(c) = self.checkpointer.take() {
            c.stop(&lock(&self.writer));
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::DataDir {
            path: data_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        Store::open(&data_dir.join(DB_FILE))
    }

    pub fn open(path: &Path) -> Result<Store> {
        let mut writer = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(e, path))?;
        // The writer's page cache is 4 MB: a long poll's one transaction
        // fills it and then spills to the WAL, so memory for a poll stops
        // growing there (issue #3). Measured on the ingest bench: the same
        // speed as 16 or 128 MB for ordinary polls and scattered times,
        // about 6% slower for 20,000 rows in one transaction.
        // SQLite reuses the WAL file from its start once a checkpoint has
        // copied it all, but keeps the file at its peak (19 MB through the
        // ingest bench, more after one long poll's transaction); with the
        // limit the first commit after that cuts it back to 4 MB.
        writer
            .execute_batch(
                "PRAGMA busy_timeout = 5000;
                 PRAGMA journal_mode = WAL;
                 PRAGMA journal_size_limit = 4194304;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA cache_size = -4096;",
            )
            .map_err(|e| db_error(e, path))?;
        // Reading the schema is the first thing that notices a damaged file.
        let found = migrations::version(&writer).map_err(|e| db_error(e, path))?;
        let read_only = |e| match e {
            Error::Database(msg) if msg.contains("readonly") || msg.contains("read-only") => {
                Error::DatabaseReadOnly {
                    path: path.to_path_buf(),
                }
            }
            other => other,
        };
        migrations::migrate_to(&mut writer, migrations::LATEST).map_err(read_only)?;
        // Upgraded past 10 or 11: pack the mentions already stored (a row
        // read each), here rather than in the first poll's write.
        if (1..11).contains(&found) {
            let tx = writer.transaction().map_err(|e| db_error(e, path))?;
            facets::catch_up(&tx)
                .and_then(|()| tx.commit().map_err(|e| db_error(e, path)))
                .map_err(read_only)?;
        }
        let checkpointer = checkpoint::Checkpointer::start(&writer, path);
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                checkpointer,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// How many checkpoints the checkpoint thread has made (None: it isn't
    /// running, and the writer checkpoints as SQLite does by default).
    pub fn background_checkpoints(&self) -> Option<u64> {
        self.inner.checkpointer.as_ref().map(|c| c.done())
    }

    /// Runs `f` in one write transaction: all of it commits, or none of it.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.inner.writer);
        let tx = conn
            .transaction()
            .map_err(|e| db_error(e, &self.inner.path))?;
        let value = f(&tx).map_err(|e| self.with_path(e))?;
        tx.commit().map_err(|e| db_error(e, &self.inner.path))?;
        Ok(value)
    }

    /// Runs `f` in one write transaction with SQLite's `secure_delete` on,
    /// so whatever it deletes is overwritten with zeros in the file rather
    /// than left in free space; then checkpoints the WAL into the database
    /// and truncates it, so no copy of the old pages stays in the -wal file
    /// either. For erasure: the person's data must not be recoverable.
    pub fn write_scrubbed<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.inner.writer);
        let path = &self.inner.path;
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(|e| db_error(e, path))?;
        let result = (|| {
            let tx = conn.transaction().map_err(|e| db_error(e, path))?;
            let value = f(&tx).map_err(|e| self.with_path(e))?;
            tx.commit().map_err(|e| db_error(e, path))?;
            if !checkpoint_truncate(&conn).map_err(|e| db_error(e, path))? {
                return Err(Error::invalid(
                    "The change was saved, but another part of Hearken kept reading the database, so the old copies in its log file (the -wal file) couldn't be cleared yet. Do the same again in a moment to finish.",
                ));
            }
            Ok(value)
        })();
        if let Err(e) = conn.pragma_update(None, "secure_delete", "OFF") {
            tracing::warn!("couldn't turn secure delete off again: {e}");
        }
        result
    }

    /// Runs `f` on a read-only connection; never waits for the writer.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = match lock(&self.inner.readers).pop() {
            Some(c) => c,
            None => self.open_reader()?,
        };
        let result = f(&conn).map_err(|e| self.with_path(e));
        let mut pool = lock(&self.inner.readers);
        if pool.len() < 4 {
            pool.push(conn);
        }
        result
    }

    fn open_reader(&self) -> Result<Connection> {
        let path = &self.inner.path;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(e, path))?;
        // Readers map the file rather than copy each page through a small
        // cache: the Inbox's walks and lookups touch pages all over a large
        // database (benches/search.rs, a million mentions: several times
        // faster). Mapped pages are the OS's file cache, shared, not heap;
        // SQLite maps at most 2 GB and reads any further as before.
        conn.execute_batch(
            "PRAGMA busy_timeout = 5000; PRAGMA query_only = ON; PRAGMA mmap_size = 2147418112;",
        )
        .map_err(|e| db_error(e, path))?;
        Ok(conn)
    }

    /// Errors made inside closures don't know the file's path; name it.
    fn with_path(&self, e: Error) -> Error {
        let path = self.inner.path.clone();
        match e {
            Error::DatabaseDamaged { .. } => Error::DatabaseDamaged { path },
            Error::DatabaseReadOnly { .. } => Error::DatabaseReadOnly { path },
            other => other,
        }
    }

    /// Maps a SQLite error from this store into advice.
    pub fn err(&self, e: rusqlite::Error) -> Error {
        db_error(e, &self.inner.path)
    }
}

/// Copies every page in the WAL into the database and empties the WAL.
/// A reader in the middle of a read keeps its pages in use; wait for it
/// (reads are short) rather than leave old pages behind. False if readers
/// kept it busy for five seconds.
fn checkpoint_truncate(conn: &Connection) -> rusqlite::Result<bool> {
    for _ in 0..100 {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy == 0 {
            return Ok(true);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    tracing::warn!("readers kept the database busy; the WAL wasn't emptied");
    Ok(false)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves SQLite consistent (the
    // transaction rolls back on drop), so the connection is still usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Turns a SQLite error into advice for the owner.
pub fn db_error(e: rusqlite::Error, path: &Path) -> Error {
    if let Some(code) = e.sqlite_error_code() {
        match code {
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                return Error::DatabaseDamaged {
                    path: path.to_path_buf(),
                }
            }
            ErrorCode::ReadOnly => {
                return Error::DatabaseReadOnly {
                    path: path.to_path_buf(),
                }
            }
            ErrorCode::DiskFull => return Error::DiskFull,
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                return Error::DataDir {
                    path: path.parent().unwrap_or(path).to_path_buf(),
                    reason: "the database file can't be opened".into(),
                }
            }
            _ => {}
        }
    }
    Error::Database(e.to_string())
}

/// `?`-friendly mapping for code inside `read`/`write` closures, where the
/// path is not at hand; `Store::write` re-maps commit errors with the path.
pub(crate) trait SqlResult<T> {
    fn db(self) -> Result<T>;
}

impl<T> SqlResult<T> for rusqlite::Result<T> {
    fn db(self) -> Result<T> {
        self.map_err(|e| db_error(e, Path::new("the database")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_twice_keeps_the_data_and_uses_wal() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        store
            .write(|tx| {
                tx.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')", [])
                    .db()?;
                Ok(())
            })
            .unwrap();
        drop(store);
        let store = Store::open_in(dir.path()).unwrap();
        let (mode, value): (String, String) = store
            .read(|c| {
                let mode = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).db()?;
                let value = c
                    .query_row("SELECT value FROM settings WHERE key = 'k'", [], |r| {
                        r.get(0)
                    })
                    .db()?;
                Ok((mode, value))
            })
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(value, "v");
    }

    /// A setting of `bytes` bytes, in a commit of its own.
    fn put(store: &Store, key: &str, bytes: usize) {
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    rusqlite::params![key, "x".repeat(bytes)],
                )
                .db()?;
                Ok(())
            })
            .unwrap()
    }

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    #[test]
    fn the_checkpoint_thread_copies_a_full_wal_into_the_database_and_small_commits_leave_it_idle() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let db = dir.path().join(DB_FILE);
        put(&store, "small", 100);
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(store.background_checkpoints(), Some(0));
        let before = file_len(&db);
        // About 1,500 pages: past the wake-up, far below the backstop.
        put(&store, "big", 6_000_000);
        let waited = std::time::Instant::now();
        while store.background_checkpoints() == Some(0) && waited.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(store.background_checkpoints(), Some(1));
        assert!(
            file_len(&db) > before + 6_000_000,
            "{} bytes, {before} before",
            file_len(&db)
        );
        // Closing ends the thread and its connection: the last one to close
        // removes the WAL, as before.
        drop(store);
        assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
        let store = Store::open_in(dir.path()).unwrap();
        let n: i64 = store
            .read(|c| {
                c.query_row(
                    "SELECT length(value) FROM settings WHERE key = 'big'",
                    [],
                    |r| r.get(0),
                )
                .db()
            })
            .unwrap();
        assert_eq!(n, 6_000_000);
    }

    #[test]
    fn once_a_big_commit_is_checkpointed_the_next_commit_shrinks_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let wal = dir.path().join(format!("{DB_FILE}-wal"));
        // About 3,000 pages in one commit: the checkpointer copies them all.
        put(&store, "big", 12_000_000);
        let waited = std::time::Instant::now();
        while store.background_checkpoints() == Some(0) && waited.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(store.background_checkpoints(), Some(1));
        let peak = file_len(&wal);
        assert!(peak > 12_000_000, "{peak} bytes");
        // The next commit starts the WAL afresh and cuts the file back.
        put(&store, "small", 100);
        let after = file_len(&wal);
        assert!(after <= 4_194_304, "{after} bytes, {peak} at the peak");
        assert!(after > 0, "the WAL is still in use");
    }

    #[test]
    fn while_the_checkpointer_is_busy_the_writer_keeps_the_wal_to_the_backstop_and_a_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        // 64 MB in 1 MB commits while the checkpointer can't run (in a
        // burst of polls it is copying beside them and rarely catches up
        // with the last).
        let checkpointer = store.inner.checkpointer.as_ref().unwrap();
        let held = checkpointer.held.lock().unwrap();
        for i in 0..64 {
            put(&store, &format!("k{i}"), 1 << 20);
        }
        // SQLite reuses the WAL file from the start: its size is its peak.
        let wal = file_len(&dir.path().join(format!("{DB_FILE}-wal")));
        let bound = (checkpoint::BACKSTOP_AT as u64 + 300) * 4_200;
        assert!(wal <= bound, "{wal} bytes, at most {bound}");
        drop(held);
    }

    #[test]
    fn a_failed_write_rolls_back_everything_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let result: Result<()> = store.write(|tx| {
            tx.execute("INSERT INTO settings (key, value) VALUES ('a', '1')", [])
                .db()?;
            Err(Error::invalid("stop"))
        });
        assert!(result.is_err());
        let n: i64 = store
            .read(|c| {
                c.query_row("SELECT count(*) FROM settings", [], |r| r.get(0))
                    .db()
            })
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn readers_are_not_blocked_by_an_open_write_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let reader_store = store.clone();
        store
            .write(|tx| {
                tx.execute("INSERT INTO settings (key, value) VALUES ('a', '1')", [])
                    .db()?;
                // While this transaction is open, a reader on another thread
                // sees the last committed state at once.
                let seen = std::thread::spawn(move || {
                    reader_store.read(|c| {
                        c.query_row("SELECT count(*) FROM settings", [], |r| r.get::<_, i64>(0))
                            .db()
                    })
                })
                .join()
                .unwrap()?;
                assert_eq!(seen, 0);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_database_is_reported_as_damaged_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let junk = b"this is not sqlite, it is a shopping list: tubes, chain oil".repeat(100);
        std::fs::write(&path, &junk).unwrap();
        let err = Store::open(&path).err().expect("must fail");
        assert_eq!(err.code(), "database_damaged");
        assert!(err.to_string().contains("left it untouched"));
        assert_eq!(std::fs::read(&path).unwrap(), junk);
    }

    #[test]
    fn a_data_dir_that_cannot_be_created_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a-file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = Store::open_in(&blocker.join("sub"))
            .err()
            .expect("must fail");
        assert_eq!(err.code(), "data_dir");
        assert!(err.to_string().contains("--data-dir"));
    }
}
