//! Ingest throughput: normalise → match → store + full-text index for
//! 100,000 realistic mentions, measured against a plain batched SQLite
//! insert of the same rows into the same schema in the same run (the
//! machines are shared and noisy: the ratio is what to compare).
//!
//! Also measures how memory grows while one poll stores 1,000, 10,000 and
//! 20,000 items (a child process polls each feed, which this one serves;
//! `--memory-only` measures just that).
//!
//! Run: `cargo bench --bench ingest` (release). Results are printed and
//! written to bench-results/ingest.txt. `-- --quick`: one source against
//! the plain insert, three runs, with the CPU time of the whole process and
//! of the writer's thread (what the writer waited for shows as the gap
//! between its CPU time and the storing time). `-- --profile N`: the
//! pipeline once over N items, for a profiler (callgrind counts the same
//! instructions each run: compare changes by those).

use std::time::Instant;

use hearken_lib::clock;
use hearken_lib::model::{Platform, Watch};
use hearken_lib::sources::text::html_to_text;
use hearken_lib::store::mentions::{score_and_store, NewMention};
use hearken_lib::store::Store;
use hearken_lib::watch::Matcher;

const N: usize = 100_000;
/// Rows per transaction: about what one busy poll of one source stores.
const BATCH: usize = 1_000;

/// A raw item as a platform sends it: HTML or entity-escaped text, the
/// platform's own timestamp form.
struct Raw {
    platform: Platform,
    id: String,
    html: String,
    handle: String,
    name: String,
    created: String,
    url: String,
}

const OPENINGS: [&str; 8] = [
    "<p>Just picked up my bike from <a href=\"https://ex.example/@pedalpine\" class=\"u-url mention\">@<span>pedalpine</span></a> &amp; it rides like new! 🚲</p>",
    "<p>Still waiting for a refund from Pedal &amp; Pine, three weeks now, no reply to my emails. Never again.</p>",
    "Anyone know if Pedal and Pine do wheel truing on Saturdays? &#39;Asking for a friend&#39;",
    "<p>The pine tree outside the market finally came down <br>#AshbyMarket</p>",
    "Great coffee at the market today, then a new chain from the bike shop &lt;3",
    "<p>Why is it so hard to get a straight answer about my broken derailleur?! <span class=\"h-card\">@pedalpine</span></p>",
    "Ride report: 60 km, two punctures, one happy rider. Thanks #pedalandpine for the spare tube.",
    "Café Noir &amp; Pédal &amp; Pine: best Saturday morning combo in Ashby ☕",
];

/// How the items' times run. Polls bring each source's newest posts, so a
/// stream of mentions arrives nearly in time order (a few hours out of step
/// between sources); a first poll's backfill walks back through the pages.
/// `Scattered` puts every item in a random month, day and hour: the worst
/// case for the Inbox's time-ordered indexes.
#[derive(Clone, Copy, PartialEq)]
enum Times {
    Stream,
    Scattered,
}

fn raw_items(n: usize, seed: usize, times: Times) -> Vec<Raw> {
    let platforms = [
        Platform::Mastodon,
        Platform::X,
        Platform::Reddit,
        Platform::Bluesky,
        Platform::Youtube,
        Platform::Facebook,
    ];
    (0..n)
        .map(|i| {
            let k = i + seed;
            let platform = platforms[k % platforms.len()];
            // A year of mentions, about one every five minutes, each source
            // up to three hours out of step with the others.
            let t = time::OffsetDateTime::from_unix_timestamp(
                1_767_225_600 + (k as i64) * 300 - ((k * 7_919) % 10_800) as i64,
            )
            .unwrap();
            let (year, month, day, hour, minute, second) = match times {
                Times::Stream => (
                    t.year() as usize,
                    t.month() as usize,
                    t.day() as usize,
                    t.hour() as usize,
                    t.minute() as usize,
                    t.second() as usize,
                ),
                Times::Scattered => (2026, 1 + k % 12, 1 + k % 28, k % 24, k % 60, (k / 7) % 60),
            };
            let created = match k % 4 {
                0 => format!(
                    "{year}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z",
                    k % 1000
                ),
                1 => format!("{year}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}+0000"),
                2 => match times {
                    Times::Stream => format!("{}.0", t.unix_timestamp()),
                    Times::Scattered => format!("{}.0", 1_767_225_600 + (k as i64) * 37),
                },
                _ => format!("{year}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"),
            };
            Raw {
                platform,
                id: format!("{k:016}"),
                html: format!(
                    "{} (post {k}, {} words of context about the day and the ride home)",
                    OPENINGS[k % OPENINGS.len()],
                    k % 50
                ),
                handle: format!("rider{}", k % 5_000),
                name: format!("Rider {}", k % 5_000),
                created,
                url: format!("https://social.example/@rider{}/{k}", k % 5_000),
            }
        })
        .collect()
}

fn normalise(r: &Raw) -> NewMention {
    NewMention {
        platform: r.platform,
        external_id: r.id.clone(),
        url: Some(r.url.clone()),
        author_id: None,
        author_handle: Some(r.handle.clone()),
        author_name: Some(r.name.clone()),
        text: html_to_text(&r.html),
        language: None,
        created_at: clock::normalise(&r.created).unwrap_or_else(clock::now_string),
        from_search: true,
    }
}

fn watches() -> Vec<Watch> {
    let w = |id: i64, name: &str, terms: &[&str], exclude: &[&str]| Watch {
        id,
        name: name.into(),
        terms: terms.iter().map(|s| s.to_string()).collect(),
        include_terms: vec![],
        exclude_terms: exclude.iter().map(|s| s.to_string()).collect(),
        purpose: "care".into(),
        legitimate_interests: Some("care".into()),
        necessity: Some("needed".into()),
        balance: Some("fair".into()),
        notes_complete: true,
        enabled: true,
        mention_count: 0,
    };
    vec![
        w(
            1,
            "Shop name",
            &["Pedal & Pine", "Pedal and Pine", "pedalandpine"],
            &[],
        ),
        w(2, "Handle", &["@pedalpine"], &[]),
        w(
            3,
            "Market",
            &["#AshbyMarket", "Ashby Market"],
            &["pine tree"],
        ),
    ]
}

fn insert_watch_rows(store: &Store) {
    store
        .write(|tx| {
            for w in watches() {
                tx.execute(
                    "INSERT INTO watches (id, name, terms, purpose, created_at) VALUES (?1, ?2, '[]', 'care', 't')",
                    rusqlite::params![w.id, w.name],
                )
                .unwrap();
            }
            Ok(())
        })
        .unwrap();
}

/// Where a pipeline run spent its time, in seconds.
#[derive(Default, Clone, Copy)]
struct Stages {
    normalise: f64,
    matching: f64,
    /// Scoring, on a thread beside the writer, and storing.
    storing: f64,
    /// The WAL file's largest size, read after each batch's commit (the
    /// file only grows within a commit; the first commit after a full
    /// checkpoint cuts it back to the store's `journal_size_limit`).
    wal_bytes: u64,
}

impl Stages {
    fn total(&self) -> f64 {
        self.normalise + self.matching + self.storing
    }
}

/// The whole pipeline, as the poller runs it for each poll: normalise,
/// match the watches, then score the mentions not stored yet (on readers,
/// a chunk at a time beside the writer) and store + index them in one
/// transaction. Returns the time per stage and how many were stored.
fn pipeline(items: &[Raw]) -> (Stages, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    insert_watch_rows(&store);
    let mut st = Stages::default();
    let start = Instant::now();
    let matcher = Matcher::new(&watches());
    st.matching += start.elapsed().as_secs_f64();
    let mut stored = 0;
    for chunk in items.chunks(BATCH) {
        let t = Instant::now();
        let mentions: Vec<NewMention> = chunk.iter().map(normalise).collect();
        st.normalise += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let matched: Vec<(NewMention, Vec<i64>)> = mentions
            .into_iter()
            .map(|m| {
                let ids = matcher.matches(&m.text);
                (m, ids)
            })
            .collect();
        st.matching += t.elapsed().as_secs_f64();
        let batch: Vec<(&NewMention, &[i64])> =
            matched.iter().map(|(m, w)| (m, w.as_slice())).collect();
        let t = Instant::now();
        let now = clock::now_string();
        stored += score_and_store(&store, None, &batch, &now, |_| Ok(()))
            .unwrap()
            .0
            .added;
        st.storing += t.elapsed().as_secs_f64();
        let wal = std::fs::metadata(dir.path().join("hearken.sqlite3-wal"));
        st.wal_bytes = st.wal_bytes.max(wal.map(|m| m.len()).unwrap_or(0));
    }
    (st, stored)
}

/// The same pipeline with `sources` sources polled at once, as the poller's
/// bounded pool polls them: batch k is source k % `sources`'s poll, each on
/// a thread of its own that normalises, matches and scores (on a reader)
/// while another holds the single writer. Returns the wall time and how
/// many were stored.
fn pipeline_sources(items: &[Raw], sources: usize) -> (f64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    insert_watch_rows(&store);
    let batches: Vec<&[Raw]> = items.chunks(BATCH).collect();
    let start = Instant::now();
    let stored: i64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..sources)
            .map(|k| {
                let store = store.clone();
                let mine: Vec<&[Raw]> = batches.iter().skip(k).step_by(sources).copied().collect();
                scope.spawn(move || {
                    let matcher = Matcher::new(&watches());
                    let mut stored = 0;
                    for chunk in mine {
                        let matched: Vec<(NewMention, Vec<i64>)> = chunk
                            .iter()
                            .map(normalise)
                            .map(|m| {
                                let ids = matcher.matches(&m.text);
                                (m, ids)
                            })
                            .collect();
                        let batch: Vec<(&NewMention, &[i64])> =
                            matched.iter().map(|(m, w)| (m, w.as_slice())).collect();
                        let now = clock::now_string();
                        stored += score_and_store(&store, None, &batch, &now, |_| Ok(()))
                            .unwrap()
                            .0
                            .added;
                    }
                    stored
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    (start.elapsed().as_secs_f64(), stored)
}

/// A plain batched insert of the already-normalised rows into the same
/// schema (same indexes, and the full-text index written alongside, as the
/// store does): SQLite's own cost.
fn plain_insert(rows: &[NewMention]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let start = Instant::now();
    for chunk in rows.chunks(BATCH) {
        store
            .write(|tx| {
                let mut stmt = tx
                    .prepare_cached(
                        "INSERT INTO mentions (platform, external_id, url, author_handle, author_name,
                             text, created_at, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                    )
                    .unwrap();
                let first: i64 = tx
                    .query_row("SELECT coalesce(max(id), 0) FROM mentions", [], |r| r.get(0))
                    .unwrap();
                for m in chunk {
                    stmt.execute(rusqlite::params![
                        m.platform.as_str(),
                        m.external_id,
                        m.url,
                        m.author_handle,
                        m.author_name,
                        m.text,
                        m.created_at
                    ])
                    .unwrap();
                }
                // The batch's rows indexed in one statement: a statement on
                // the table between index writes would make FTS5 flush a
                // segment per row (see migration 5).
                tx.execute(
                    "INSERT INTO mentions_fts (rowid, text, author_name, author_handle)
                     SELECT id, text, author_name, author_handle FROM mentions WHERE id > ?1",
                    [first],
                )
                .unwrap();
                Ok(())
            })
            .unwrap();
    }
    start.elapsed().as_secs_f64()
}

/// The same rows into a bare table: no indexes, no full-text index.
fn bare_insert(rows: &[NewMention]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("bare.sqlite3")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE m (platform TEXT, external_id TEXT, url TEXT, author_handle TEXT,
             author_name TEXT, text TEXT, created_at TEXT);",
    )
    .unwrap();
    let start = Instant::now();
    for chunk in rows.chunks(BATCH) {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO m VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .unwrap();
            for m in chunk {
                stmt.execute(rusqlite::params![
                    m.platform.as_str(),
                    m.external_id,
                    m.url,
                    m.author_handle,
                    m.author_name,
                    m.text,
                    m.created_at
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    start.elapsed().as_secs_f64()
}

/// A field of /proc/self/status, in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Serves `body` as an Atom feed on 127.0.0.1 until the process ends; the port.
fn serve_feed(body: Vec<u8>) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            // Read the whole request head before answering: closing a
            // socket with unread input resets the connection mid-answer.
            let mut head_in = Vec::new();
            let mut buf = [0u8; 1024];
            while !head_in.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head_in.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
            let _ = s.shutdown(std::net::Shutdown::Write);
            let _ = s.read(&mut buf);
        }
    });
    port
}

/// An Atom feed of `n` realistic entries.
fn feed_body(n: usize) -> Vec<u8> {
    let mut body = String::from("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><id>f</id><title>Big</title><updated>2026-11-01T00:00:00Z</updated>");
    for (i, r) in raw_items(n, 0, Times::Stream).iter().enumerate() {
        body.push_str(&format!(
            "<entry><id>urn:{i}</id><title>{}</title><link href=\"{}\"/><published>2026-11-01T00:00:00Z</published></entry>",
            html_escape::encode_text(&html_to_text(&r.html)),
            r.url
        ));
    }
    body.push_str("</feed>");
    body.into_bytes()
}

/// What one poll's process held: before the poll and at its peak, the
/// heap and other private memory (RssAnon, sampled every millisecond) and
/// all resident memory (VmHWM, which also counts the database file's pages
/// mapped by the readers: the OS's cache, dropped when memory is short).
struct PollMemory {
    anon_before: u64,
    anon_peak: u64,
    rss_before: u64,
    rss_peak: u64,
    /// How far SQLite's own allocations (mostly the writer's page cache)
    /// rose above what they were before the poll.
    sqlite_growth: u64,
}

/// Child mode: poll the feed of `n` entries the parent serves on `port`
/// (so the feed's own bytes are not counted here), print memory in kB.
fn poll_feed_child(n: usize, port: u16) {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let ws = hearken_lib::workspace::Workspace::open(dir.path()).unwrap();
    let id = ws
        .add_source(hearken_lib::model::NewSource {
            platform: Some(Platform::Rss),
            label: "Big".into(),
            url: Some(format!("http://127.0.0.1:{port}/feed")),
            ..Default::default()
        })
        .unwrap()
        .id;
    let rt = tokio::runtime::Runtime::new().unwrap();
    // SAFETY: SQLite's memory statistics take and return plain integers.
    let sqlite_before = unsafe {
        rusqlite::ffi::sqlite3_memory_highwater(1);
        rusqlite::ffi::sqlite3_memory_used()
    };
    let anon_before = status_kb("RssAnon:");
    let rss_before = status_kb("VmHWM:");
    let peak = Arc::new(AtomicU64::new(anon_before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(status_kb("RssAnon:"), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    let report = rt.block_on(ws.poller.poll_source(id)).unwrap();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    assert!(report.ok && report.new_mentions == n as i64, "{report:?}");
    let m = PollMemory {
        anon_before,
        anon_peak: peak.load(Ordering::Relaxed),
        rss_before,
        rss_peak: status_kb("VmHWM:"),
        // SAFETY: as above.
        sqlite_growth: unsafe { rusqlite::ffi::sqlite3_memory_highwater(0) - sqlite_before }.max(0)
            as u64
            / 1024,
    };
    println!(
        "{} {} {} {} {}",
        m.anon_before, m.anon_peak, m.rss_before, m.rss_peak, m.sqlite_growth
    );
}

/// CPU seconds (user + system) used so far, from a /proc stat file: the
/// whole process (`/proc/self/stat`) or the calling thread
/// (`/proc/thread-self/stat`). Clock ticks of 10 ms.
fn cpu_seconds(stat: &str) -> f64 {
    let s = std::fs::read_to_string(stat).unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let after = s.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn quick() {
    let items = raw_items(N, 0, Times::Stream);
    let rows: Vec<NewMention> = items.iter().map(normalise).collect();
    let _ = pipeline(&raw_items(5_000, 7, Times::Stream));
    for _ in 0..3 {
        let (all, mine) = (
            cpu_seconds("/proc/self/stat"),
            cpu_seconds("/proc/thread-self/stat"),
        );
        let (stages, stored) = pipeline(&items);
        let all = cpu_seconds("/proc/self/stat") - all;
        let mine = cpu_seconds("/proc/thread-self/stat") - mine;
        assert_eq!(stored, N as i64);
        let plain_cpu = cpu_seconds("/proc/thread-self/stat");
        let plain = plain_insert(&rows);
        let plain_cpu = cpu_seconds("/proc/thread-self/stat") - plain_cpu;
        println!(
            "pipeline {:>6.0}/s (store {:.2} s, WAL {:.1} MB; CPU {all:.2} s, writer's thread {mine:.2} s)  plain {:>6.0}/s (CPU {plain_cpu:.2} s)  ratio {:.0}%",
            N as f64 / stages.total(),
            stages.storing,
            stages.wal_bytes as f64 / 1e6,
            N as f64 / plain,
            100.0 * plain / stages.total()
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--poll-child") {
        poll_feed_child(args[i + 1].parse().unwrap(), args[i + 2].parse().unwrap());
        return;
    }
    let mut out = String::new();
    let mut say = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a
    // quick smoke test instead, and leaves bench-results/ alone.
    let bench = args.iter().any(|a| a == "--bench");
    // `cargo bench --bench ingest -- --quick`: one source against the plain
    // insert, three times, each run printed; for trying a change to the
    // write path. Leaves bench-results/ alone.
    // `--profile N`: the pipeline once over N items, nothing printed: a
    // run to look at under a profiler (callgrind counts the same each time).
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        let n = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(20_000);
        let (_, stored) = pipeline(&raw_items(n, 0, Times::Stream));
        assert_eq!(stored, n as i64);
        return;
    }
    if bench && args.iter().any(|a| a == "--quick") {
        quick();
        return;
    }
    let n = if bench { N } else { 2_000 };
    if !args.iter().any(|a| a == "--memory-only") {
        let items = raw_items(n, 0, Times::Stream);
        let rows: Vec<NewMention> = items.iter().map(normalise).collect();
        // Warm-up, then alternate the measurements three times and take medians.
        let _ = pipeline(&raw_items(5_000, 7, Times::Stream));
        let (mut p, mut q, mut b, mut two) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..3 {
            let (stages, stored) = pipeline(&items);
            assert_eq!(stored, n as i64);
            p.push(stages);
            q.push(plain_insert(&rows));
            b.push(bare_insert(&rows));
            let (secs, stored) = pipeline_sources(&items, 2);
            assert_eq!(stored, n as i64);
            two.push(secs);
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            v[v.len() / 2]
        };
        p.sort_by(|a, b| a.total().partial_cmp(&b.total()).unwrap());
        let stages = p[p.len() / 2];
        let (p, q, b, two) = (
            stages.total(),
            median(&mut q),
            median(&mut b),
            median(&mut two),
        );
        let rate = |s: f64| n as f64 / s;
        say(format!(
            "ingest of {n} mentions in batches of {BATCH} (median of 3), {} cores",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        ));
        say(format!(
            "  normalise + match + score + store + FTS : {:>9.0} mentions/s ({p:.2} s)",
            rate(p)
        ));
        say(format!(
            "    of which normalise {:.2} s, match {:.2} s, score + store + FTS {:.2} s (scored beside the writer); WAL file at its largest {:.1} MB",
            stages.normalise,
            stages.matching,
            stages.storing,
            stages.wal_bytes as f64 / 1e6
        ));
        say(format!(
            "  the same, two sources polled at once    : {:>9.0} mentions/s ({two:.2} s; one thread each, one writer)",
            rate(two)
        ));
        say(format!(
            "  plain insert, same schema               : {:>9.0} mentions/s ({q:.2} s)",
            rate(q)
        ));
        say(format!(
            "  plain insert, bare table                : {:>9.0} mentions/s ({b:.2} s)",
            rate(b)
        ));
        say(format!(
            "  pipeline / plain (same schema)          : {:.0}%   pipeline / bare table: {:.0}%   two sources / plain: {:.0}%",
            100.0 * q / p,
            100.0 * b / p,
            100.0 * q / two
        ));
        // The worst case for the Inbox's time-ordered indexes: the same items
        // with their times scattered over the year (one run).
        let scattered = raw_items(n, 0, Times::Scattered);
        let scattered_rows: Vec<NewMention> = scattered.iter().map(normalise).collect();
        let (stages, stored) = pipeline(&scattered);
        assert_eq!(stored, n as i64);
        let plain = plain_insert(&scattered_rows);
        say(format!(
            "  times scattered over the year (one run): pipeline {:>7.0} mentions/s (score + store + FTS {:.2} s), plain insert {:>7.0} mentions/s, ratio {:.0}%",
            rate(stages.total()),
            stages.storing,
            rate(plain),
            100.0 * plain / stages.total()
        ));
    }

    // Memory: one poll of a 1,000-, 10,000- and 20,000-item feed, each
    // polled by a process of its own from a feed this one serves.
    let me = std::env::current_exe().unwrap();
    let mut polls = Vec::new();
    for n in [1_000usize, 10_000, 20_000] {
        let body = feed_body(n);
        let size = body.len();
        let port = serve_feed(body);
        let o = std::process::Command::new(&me)
            .args(["--poll-child", &n.to_string(), &port.to_string()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout);
        let k: Vec<u64> = text
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        let m = PollMemory {
            anon_before: k[0],
            anon_peak: k[1],
            rss_before: k[2],
            rss_peak: k[3],
            sqlite_growth: k[4],
        };
        polls.push((n, size, m));
    }
    let mb = |kb: u64| kb as f64 / 1024.0;
    for (n, size, m) in &polls {
        say(format!(
            "  poll of {n:>6} items ({:.1} MB feed): heap and private memory {:.0} MB before, {:.0} MB at the peak (+{:.1} MB, of which SQLite's own allocations +{:.1} MB); all resident memory {:.0} MB -> {:.0} MB",
            *size as f64 / 1e6,
            mb(m.anon_before),
            mb(m.anon_peak),
            mb(m.anon_peak.saturating_sub(m.anon_before)),
            mb(m.sqlite_growth),
            mb(m.rss_before),
            mb(m.rss_peak),
        ));
    }
    let growth = |i: usize| {
        polls[i]
            .2
            .anon_peak
            .saturating_sub(polls[i].2.anon_before)
            .max(1) as f64
    };
    say(format!(
        "  heap growth during the poll: 10,000 vs 1,000 items {:.1}x for 10x the items; 20,000 vs 10,000 {:.1}x for 2x",
        growth(1) / growth(0),
        growth(2) / growth(1)
    ));
    if bench {
        std::fs::create_dir_all("bench-results").ok();
        std::fs::write("bench-results/ingest.txt", out).ok();
    }
}
