//! Erasure and purge on a large workspace: builds a database of 100,000
//! mentions (stored the way polling stores them, in batches, scored and
//! indexed), 20 of them by one person spread through the years, with a
//! label correction, an outreach record and a do-not-contact entry; then
//!
//! - times `Workspace::privacy_erase` as the app runs it (delete in one
//!   transaction with `secure_delete`, merge the full-text index, rebuild
//!   the indexes keyed by handle, checkpoint and truncate the WAL), and each
//!   of those steps on a copy of the same database;
//! - scans every byte of the database and its WAL afterwards for the
//!   person's handle and a word only they used, and says where any is left;
//! - times a whole-file VACUUM on another copy, for comparison;
//! - times the retention purge's preview and a purge (delete) of every
//!   mention older than 90 days: nearly all of them.
//!
//! Run: `cargo bench --bench privacy` (release). Results are printed and
//! written to bench-results/privacy.txt. Under `cargo test --all-targets`
//! it runs as a quick smoke test on a small database and writes nothing.

use std::path::Path;
use std::time::Instant;

use hearken_lib::model::{NewDnc, NewPrivacyRequest, Platform, RequestKind};
use hearken_lib::store::mentions::{store_batch, NewMention};
use hearken_lib::store::privacy::person;
use hearken_lib::store::{Store, DB_FILE};
use hearken_lib::workspace::Workspace;

const N: usize = 100_000;
const HANDLE: &str = "Erasable_Person_7";
const WORD: &str = "plonkwizzle";
const WORDS: [&str; 16] = [
    "wheel", "refund", "still", "waiting", "great", "service", "puncture", "saddle", "order",
    "never", "again", "thanks", "quick", "repair", "chain", "brakes",
];

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// `n` mentions over three years, oldest first, in batches of 500.
fn fill(store: &Store, n: usize) {
    let start = time::OffsetDateTime::now_utc() - time::Duration::days(3 * 365);
    let step = (3 * 365 * 24 * 3600) as i64 / n as i64;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut rand = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let every = (n / 20).max(1);
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let batch: Vec<NewMention> = chunk
            .iter()
            .map(|&i| {
                let words: Vec<&str> = (0..12)
                    .map(|_| WORDS[(rand() % WORDS.len() as u64) as usize])
                    .collect();
                let theirs = i % every == every / 2;
                let (handle, text) = if theirs {
                    (
                        HANDLE.to_string(),
                        format!("{} {WORD} {}", words.join(" "), i),
                    )
                } else {
                    (
                        format!("user{}", rand() % 20_000),
                        format!("{} {}", words.join(" "), i),
                    )
                };
                NewMention {
                    platform: Platform::Reddit,
                    external_id: format!("t1_{i:07}"),
                    url: Some(format!("https://www.reddit.com/r/ashby/comments/{i}")),
                    author_id: None,
                    author_name: Some(handle.clone()),
                    author_handle: Some(handle),
                    text,
                    language: Some("en".into()),
                    created_at: hearken_lib::clock::format(
                        start + time::Duration::seconds(step * i as i64),
                    ),
                    from_search: false,
                }
            })
            .collect();
        let pairs: Vec<(&NewMention, &[i64])> = batch.iter().map(|m| (m, &[][..])).collect();
        store
            .write(|tx| store_batch(tx, None, &pairs, "2026-01-01T00:00:00Z"))
            .unwrap();
    }
}

/// Where the handle or the word still appears in the file, if anywhere.
fn residue(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
    let mut found = Vec::new();
    for needle in [HANDLE.to_ascii_lowercase(), WORD.to_string()] {
        if let Some(at) = lower
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
        {
            found.push(format!("\"{needle}\" at byte {at}"));
        }
    }
    found
}

fn copy_workspace(from: &Path, to: &Path) {
    for name in [
        DB_FILE.to_string(),
        format!("{DB_FILE}-wal"),
        "privacy.key".into(),
    ] {
        if from.join(&name).exists() {
            std::fs::copy(from.join(&name), to.join(&name)).unwrap();
        }
    }
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n = if bench { N } else { 2_000 };
    let mut out = String::new();
    let mut say = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };

    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let built = Instant::now();
    fill(&ws.store, n);
    ws.store
        .write(|tx| {
            tx.execute_batch(&format!(
                "INSERT INTO label_corrections (mention_id, from_label, to_label, corrected_at)
                   SELECT id, label, 'complaint', 't' FROM mentions WHERE author_handle = '{HANDLE}' LIMIT 1;
                 INSERT INTO outreach (mention_id, platform, author_handle, channel, message, status, occurred_at, created_at)
                   SELECT id, 'reddit', '{HANDLE}', 'public_reply', 'Sorry about the {WORD}', 'sent', created_at, created_at
                   FROM mentions WHERE author_handle = '{HANDLE}' LIMIT 1;"
            ))
            .map_err(|e| hearken_lib::error::Error::Database(e.to_string()))
        })
        .unwrap();
    ws.dnc_add(NewDnc {
        platform: Platform::Reddit,
        handle: HANDLE.into(),
        reason: None,
    })
    .unwrap();
    let request = ws
        .request_add(NewPrivacyRequest {
            kind: RequestKind::Erasure,
            platform: Platform::Reddit,
            handle: HANDLE.to_lowercase(),
            received_on: None,
        })
        .unwrap();
    let db = dir.path().join(DB_FILE);
    let wal = dir.path().join(format!("{DB_FILE}-wal"));
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    say(format!(
        "erasure of one person (20 mentions, 1 correction, 1 outreach) from {n} mentions ({} MB, built in {:.1} s)",
        size / 1_000_000,
        built.elapsed().as_secs_f64()
    ));
    say(format!(
        "  before: handle or word found in the database: {}, in the WAL: {}",
        !residue(&db).is_empty(),
        !residue(&wal).is_empty()
    ));

    // The same database twice more, for the steps one by one and for VACUUM.
    let steps_dir = tempfile::tempdir().unwrap();
    let vacuum_dir = tempfile::tempdir().unwrap();
    copy_workspace(dir.path(), steps_dir.path());
    copy_workspace(dir.path(), vacuum_dir.path());

    let t = Instant::now();
    let report = ws.privacy_erase(request.id).unwrap();
    let total = ms(t);
    assert_eq!(report.mentions, 20.min(n as i64));
    say(format!(
        "  Workspace::privacy_erase, all of it: {total:.0} ms ({} mentions, {} outreach, {} corrections erased; do-not-contact kept: {})",
        report.mentions, report.outreach, report.corrections, report.do_not_contact_kept
    ));
    let left_db = residue(&db);
    let left_wal = residue(&wal);
    say(format!(
        "  after: in the database: {}; in the WAL ({} bytes): {}",
        if left_db.is_empty() {
            "nothing".into()
        } else {
            left_db.join(", ")
        },
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
        if left_wal.is_empty() {
            "nothing".into()
        } else {
            left_wal.join(", ")
        },
    ));

    let store = Store::open_in(steps_dir.path()).unwrap();
    let key = hearken_lib::store::dnc::load_or_create_key(steps_dir.path()).unwrap();
    let mut times = (0.0, 0.0, 0.0);
    let t = Instant::now();
    store
        .write_scrubbed(|tx| {
            let s = Instant::now();
            person::erase(tx, &key, Platform::Reddit, HANDLE)?;
            times.0 = ms(s);
            let s = Instant::now();
            tx.execute_batch("INSERT INTO mentions_fts (mentions_fts) VALUES ('optimize');")
                .map_err(|e| hearken_lib::error::Error::Database(e.to_string()))?;
            times.1 = ms(s);
            let s = Instant::now();
            tx.execute_batch(
                "REINDEX mentions_author; REINDEX sqlite_autoindex_mentions_1;
                 REINDEX outreach_person; REINDEX person_handles;",
            )
            .map_err(|e| hearken_lib::error::Error::Database(e.to_string()))?;
            times.2 = ms(s);
            Ok(())
        })
        .unwrap();
    let all = ms(t);
    say(format!(
        "  steps: delete rows {:.0} ms, merge the full-text index ('optimize') {:.0} ms, rebuild handle indexes {:.0} ms, commit + checkpoint + truncate the WAL {:.0} ms",
        times.0,
        times.1,
        times.2,
        all - times.0 - times.1 - times.2
    ));

    let vacuum = Store::open_in(vacuum_dir.path()).unwrap();
    let t = Instant::now();
    vacuum
        .write_scrubbed(|tx| {
            person::erase(tx, &key, Platform::Reddit, HANDLE)?;
            Ok(())
        })
        .unwrap();
    let conn = rusqlite::Connection::open(vacuum.path()).unwrap();
    conn.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    say(format!(
        "  for comparison, delete + VACUUM of the whole file: {:.0} ms",
        ms(t)
    ));

    // Retention on the same workspace: all but the last 90 days of three years are due.
    let t = Instant::now();
    let plan = ws.purge_preview().unwrap();
    say(format!(
        "retention: preview {:.0} ms ({} mentions and {} outreach due)",
        ms(t),
        plan.mentions,
        plan.outreach
    ));
    let t = Instant::now();
    let purged = ws.purge_run().unwrap();
    say(format!(
        "  purge (delete) of {} mentions: {:.0} ms",
        purged.mentions,
        ms(t)
    ));

    if bench {
        std::fs::create_dir_all("bench-results").ok();
        std::fs::write("bench-results/privacy.txt", out).ok();
    }
}
