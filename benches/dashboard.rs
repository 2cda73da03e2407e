//! Dashboard speed on a year of mentions: builds a database of 300,000
//! mentions spread over the last 365 days (with labels, sentiment, three
//! watches and some outreach), then times the dashboard query for each
//! range, unfiltered and narrowed to a platform and to a watch.
//!
//! Also measures what keeping the Dashboard's hourly tallies (triggers,
//! migration 7) costs when mentions are stored: the store's own batch
//! insert (with the full-text index and watch links) with and without them.
//!
//! Run: `cargo bench --bench dashboard` (release). Results are printed and
//! written to bench-results/dashboard.txt. Under `cargo test --all-targets`
//! it runs as a quick smoke test on a small database and writes nothing.

use std::time::{Duration, Instant};

use hearken_lib::clock;
use hearken_lib::model::{DashboardQuery, DashboardRange, Platform};
use hearken_lib::store::dashboard::{catch_up, dashboard};
use hearken_lib::store::Store;

const N: usize = 300_000;
const RUNS: usize = 25;
const PLATFORMS: [&str; 6] = [
    "x",
    "reddit",
    "mastodon",
    "bluesky",
    "youtube",
    "google_reviews",
];

/// xorshift64*: the same database every run, no dependency on a seed API.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Fills `store` with `n` mentions over the year before `now`, oldest first
/// (as polling stores them), and returns the id of the busiest watch.
fn fill(store: &Store, n: usize, now: time::OffsetDateTime) -> i64 {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let year = 365 * 24 * 3600;
    let mut offsets: Vec<i64> = (0..n).map(|_| rng.below(year) as i64).collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    store
        .write(|tx| {
            for (i, name) in ["Shop name", "Handle", "Market"].iter().enumerate() {
                tx.execute(
                    "INSERT INTO watches (id, name, purpose, created_at) VALUES (?1, ?2, 'care', 't')",
                    rusqlite::params![i as i64 + 1, name],
                )
                .unwrap();
            }
            let mut mention = tx
                .prepare(
                    "INSERT INTO mentions (platform, external_id, author_handle, text, created_at,
                         fetched_at, sentiment, complaint, label, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)",
                )
                .unwrap();
            let mut link = tx
                .prepare("INSERT INTO mention_watches (mention_id, watch_id) VALUES (?1, ?2)")
                .unwrap();
            let mut outreach = tx
                .prepare(
                    "INSERT INTO outreach (mention_id, platform, author_handle, channel, direction,
                         message, status, occurred_at, created_at)
                     VALUES (?1, ?2, ?3, 'public_reply', 'outbound', 'Sorry to hear that', 'sent', ?4, ?4)",
                )
                .unwrap();
            for (i, back) in offsets.iter().enumerate() {
                let at = now - time::Duration::seconds(*back);
                let platform = PLATFORMS[rng.below(PLATFORMS.len() as u64) as usize];
                let roll = rng.below(100);
                let (label, sentiment) = match roll {
                    0..=7 => (Some("complaint"), Some(-0.2 - 0.6 * rng.unit())),
                    8..=22 => (Some("negative"), Some(-0.05 - 0.9 * rng.unit())),
                    23..=67 => (Some("neutral"), Some(0.1 * rng.unit() - 0.05)),
                    68..=94 => (Some("positive"), Some(0.05 + 0.9 * rng.unit())),
                    _ => (None, None),
                };
                let status = match (*back < 14 * 24 * 3600, rng.below(4)) {
                    (true, 0 | 1) => "new",
                    (true, _) => "needs_reply",
                    (false, 0) => "contacted",
                    (false, 1) => "ignored",
                    _ => "resolved",
                };
                let handle = format!("person{}", rng.below(40_000));
                let text = format!(
                    "Post {i} about the shop: the new range, the service at the counter and the delivery that {} (and a little more context to make it a realistic length)",
                    if label == Some("complaint") { "never arrived" } else { "came on time" }
                );
                mention
                    .execute(rusqlite::params![
                        platform,
                        format!("{platform}-{i}"),
                        handle,
                        text,
                        clock::format(at),
                        sentiment,
                        sentiment.map(|s: f64| (0.5 - s).clamp(0.0, 1.0)),
                        label,
                        status
                    ])
                    .unwrap();
                let id = tx.last_insert_rowid();
                link.execute([id, 1]).unwrap();
                if rng.below(4) == 0 {
                    link.execute([id, 2]).unwrap();
                }
                if rng.below(10) == 0 {
                    link.execute([id, 3]).unwrap();
                }
                // The owner answers a third of the complaints and a few
                // negative posts: about 12,000 contacts in the year.
                let answered = match label {
                    Some("complaint") => rng.below(3) == 0,
                    Some("negative") => rng.below(10) == 0,
                    _ => false,
                };
                if answered {
                    let wait = 600 + rng.below(72 * 3600) as i64;
                    let contacted = at + time::Duration::seconds(wait);
                    if contacted < now {
                        outreach
                            .execute(rusqlite::params![id, platform, handle, clock::format(contacted)])
                            .unwrap();
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    1
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (n, runs) = if bench { (N, RUNS) } else { (5_000, 3) };
    let mut out = String::new();
    let mut say = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let now = clock::now();
    let started = Instant::now();
    let watch = fill(&store, n, now);
    // As an app that has been running a while finds it: the log folded in.
    // The first look at the Dashboard tallies the whole year (once).
    let t = Instant::now();
    let tallied = store.write(catch_up).unwrap();
    let first_catch_up = t.elapsed();
    assert_eq!(tallied, n as i64);
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let size = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(store.path().with_extension("sqlite3-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    say(format!(
        "dashboard query on {n} mentions over 365 days (built in {:.1} s, {} MB), {runs} runs each after one warm-up",
        started.elapsed().as_secs_f64(),
        size / 1_000_000
    ));
    say(format!(
        "  first catch-up (tallying all {n} mentions, once): {:.0} ms",
        first_catch_up.as_secs_f64() * 1000.0
    ));
    say(format!(
        "  {:<8} {:<10} {:>9} {:>9} {:>9}   figures",
        "range", "filter", "median", "p95", "max"
    ));
    let filters: [(&str, Option<Platform>, Option<i64>); 3] = [
        ("none", None, None),
        ("platform", Some(Platform::Reddit), None),
        ("watch", None, Some(watch)),
    ];
    for range in [
        DashboardRange::Days30,
        DashboardRange::Days90,
        DashboardRange::Year,
        DashboardRange::All,
    ] {
        for (filter, platform, watch_id) in filters {
            let q = DashboardQuery {
                range,
                platform,
                watch_id,
                utc_offset_minutes: 60,
            };
            let d = store.read(|c| dashboard(c, &q, now)).unwrap();
            assert!(d.total > 0 && d.any_mentions);
            assert_eq!(d.buckets.iter().map(|b| b.total).sum::<i64>(), d.total);
            let mut times: Vec<Duration> = (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    let d = store.read(|c| dashboard(c, &q, now)).unwrap();
                    let e = t.elapsed();
                    std::hint::black_box(d);
                    e
                })
                .collect();
            times.sort();
            let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
            say(format!(
                "  {:<8} {:<10} {:>9} {:>9} {:>9}   {} mentions, {} buckets, {} contacted",
                serde_json::to_value(range).unwrap().as_str().unwrap(),
                filter,
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.95)),
                ms(*times.last().unwrap()),
                d.total,
                d.buckets.len(),
                d.contacted
            ));
        }
    }

    // Catching up after a busy poll: 1,000 new mentions, then the Dashboard.
    let mut catch = Vec::new();
    for round in 0..3 {
        add_recent(&store, 1_000, now, round);
        let t = Instant::now();
        assert_eq!(store.write(catch_up).unwrap(), 1_000);
        catch.push(t.elapsed());
    }
    catch.sort();
    say(format!(
        "  catch-up after 1,000 new mentions: {:.1} ms (median of 3)",
        catch[1].as_secs_f64() * 1000.0
    ));

    // What the tallies cost when storing: the same mentions stored with the
    // store's own batch insert, with the one trigger that fires on it (a
    // watch linked to an already counted mention) and without it,
    // alternated three times (the machine is shared: the ratio is what counts).
    let m = if bench { 30_000 } else { 1_000 };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for round in 0..3 {
        for keep in [true, false] {
            let secs = store_timed(m, keep, round);
            if keep {
                with.push(secs)
            } else {
                without.push(secs)
            }
        }
    }
    with.sort_by(|a, b| a.partial_cmp(b).unwrap());
    without.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (a, b) = (with[1], without[1]);
    say(format!(
        "  storing {m} mentions (batches of 1,000, FTS, 1-2 watches each), median of 3: \
         {:.0}/s with the link trigger, {:.0}/s without ({:+.0}% time)",
        m as f64 / a,
        m as f64 / b,
        100.0 * (a - b) / b
    ));
    if bench {
        std::fs::create_dir_all("bench-results").ok();
        std::fs::write("bench-results/dashboard.txt", out).ok();
    }
}

/// Seconds to store `n` new mentions through `store_batch`, with or
/// without the tally triggers.
fn store_timed(n: usize, triggers: bool, round: usize) -> f64 {
    use hearken_lib::store::mentions::{store_batch, NewMention};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    store
        .write(|tx| {
            for id in 1..=3 {
                tx.execute(
                    "INSERT INTO watches (id, name, purpose, created_at) VALUES (?1, ?2, 'care', 't')",
                    rusqlite::params![id, format!("Watch {id}")],
                )
                .unwrap();
            }
            if !triggers {
                tx.execute_batch("DROP TRIGGER watch_tallies_link;").unwrap();
            }
            Ok(())
        })
        .unwrap();
    let now = clock::now();
    let mentions: Vec<(NewMention, Vec<i64>)> = (0..n)
        .map(|i| {
            let platform = [Platform::X, Platform::Reddit, Platform::Mastodon][i % 3];
            let m = NewMention {
                platform,
                external_id: format!("{round}-{i}"),
                url: Some(format!("https://social.example/{i}")),
                author_id: None,
                author_handle: Some(format!("person{}", i % 997)),
                author_name: Some(format!("Person {}", i % 997)),
                text: format!("Post {i}: still waiting for the refund from the shop, and no reply to my emails"),
                language: None,
                created_at: clock::format(now - time::Duration::seconds((n - i) as i64 * 97)),
                from_search: true,
            };
            let watches = if i % 4 == 0 { vec![1, 2] } else { vec![1] };
            (m, watches)
        })
        .collect();
    let started = Instant::now();
    for chunk in mentions.chunks(1_000) {
        let batch: Vec<(&NewMention, &[i64])> =
            chunk.iter().map(|(m, w)| (m, w.as_slice())).collect();
        let fetched = clock::now_string();
        store
            .write(|tx| store_batch(tx, None, &batch, &fetched))
            .unwrap();
    }
    started.elapsed().as_secs_f64()
}

/// Stores `n` more mentions dated in the last hour, as a poll would.
fn add_recent(store: &Store, n: usize, now: time::OffsetDateTime, round: usize) {
    store
        .write(|tx| {
            for i in 0..n {
                tx.execute(
                    "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at, label, sentiment)
                     VALUES ('x', ?1, 'Fresh post', ?2, ?2, 'neutral', 0.0)",
                    rusqlite::params![
                        format!("fresh-{round}-{i}"),
                        clock::format(now - time::Duration::seconds(i as i64 * 3))
                    ],
                )
                .unwrap();
                tx.execute(
                    "INSERT INTO mention_watches (mention_id, watch_id) VALUES (last_insert_rowid(), 1)",
                    [],
                )
                .unwrap();
            }
            Ok(())
        })
        .unwrap();
}
