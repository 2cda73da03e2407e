//! Inbox search and paging on a database of 1,000,000 realistic mentions
//! (a year of a busy shop's listening on every platform, with labels,
//! concern, reasons, statuses, seen marks and watches): percentiles of
//!
//! - a full-text search plus filters, first page of 50 (target: p95 < 30 ms);
//! - a search alone, and filters alone, first page;
//! - the unfiltered first page, newest first and most unhappy first;
//! - a deep keyset page (half a million rows in);
//! - the sidebar's counts;
//! - and what the window asks for when it starts (app info, the Inbox's
//!   first page with the default filters, then the counts), each start in
//!   a fresh process with fresh connections (the OS's file cache is warm).
//!   The paint itself is not measured here (see benches/startup/).
//!
//! Every query figure is the whole `store::inbox::query` call on a reader
//! connection, as the app's `mentions_query` command makes it: rows,
//! highlights and the (capped) total. Every page is also checked: its rows
//! match the filters and the search words, come in the order asked for,
//! and (for the first queries of each shape, or all of them on the small
//! database) are exactly the page and total that a plain SQL query finds.
//!
//! Run: `cargo bench --bench search` (release). Results are printed and
//! written to bench-results/search.txt. Building the database takes a few
//! minutes; set HEARKEN_SEARCH_DB=/some/dir to keep it there and reuse it
//! (HEARKEN_SEARCH_RUNS=100 times fewer queries of each shape than 300).
//! Under `cargo test --all-targets` this runs as a quick smoke test on a
//! small database (every check, all of them against plain SQL) and writes
//! nothing.

use std::path::Path;
use std::time::Instant;

use hearken_lib::model::{
    InboxQuery, InboxSort, Label, MentionCursor, MentionPage, MentionStatus, Platform,
};
use hearken_lib::store::search::Search;
use hearken_lib::store::{inbox, Store};
use hearken_lib::workspace::Workspace;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

const N: usize = 1_000_000;
const PAGE: i64 = 50;
const WATCHES: i64 = 5;

/// splitmix64: a small, fast, reproducible generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// An index into `weights`, in proportion to them.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

const PLATFORMS: [(Platform, u32); 13] = [
    (Platform::X, 22),
    (Platform::Facebook, 14),
    (Platform::Instagram, 12),
    (Platform::GoogleReviews, 9),
    (Platform::Reddit, 9),
    (Platform::Youtube, 8),
    (Platform::Mastodon, 6),
    (Platform::Bluesky, 6),
    (Platform::Trustpilot, 5),
    (Platform::Yelp, 4),
    (Platform::Rss, 3),
    (Platform::GoogleAlerts, 1),
    (Platform::HackerNews, 1),
];

// What people say, by how they feel. `{p}` is a product, `{s}` the shop.
const COMPLAINTS: &[&str] = &[
    "Still waiting for my refund from {s}, three weeks and no reply to my emails.",
    "Ordered a {p} from {s}, never received it. Never again.",
    "The {p} I bought at {s} broke after two rides and they won't replace it.",
    "Why does nobody at {s} answer the phone? My {p} repair is a week late.",
    "Charged twice for a {p} service at {s}, still no refund. Disappointed.",
    "{s} sold me a faulty {p}, the staff were rude when I brought it back.",
    "Delivery of my {p} from {s} is late again, tracking hasn't moved in days.",
    "No reply, no refund, no {p}. Avoid {s}.",
];
const NEGATIVES: &[&str] = &[
    "Bit disappointed with the {p} from {s}, expected better for the price.",
    "Queue at {s} was ridiculous this morning, gave up waiting.",
    "The {p} squeaks already, not great {s}.",
    "{s} prices have gone up a lot, the {p} costs twice what it did.",
    "Meh, the café next to {s} was closed and the {p} wasn't in stock.",
];
const NEUTRALS: &[&str] = &[
    "Does {s} do {p} fitting on Saturdays?",
    "Anyone tried the new {p} at {s}? Thinking of getting one.",
    "Passing {s} on the way to the market, they have a {p} sale on.",
    "What time does {s} open on bank holidays? Need a {p}.",
    "Comparing a {p} from {s} with one online, any advice?",
    "{s} posted their winter opening hours.",
];
const POSITIVES: &[&str] = &[
    "Just picked up my {p} from {s}, rides like new! 🚲",
    "Huge thanks to the team at {s} for fixing my {p} the same day.",
    "Best bike shop in town, {s} sorted my {p} in ten minutes. Brilliant service.",
    "Lovely staff at {s}, great advice on a {p}. Highly recommend ☕",
    "Crème de la crème: {s} rebuilt my {p} and it's perfect. Merci José!",
    "Five stars for {s}, friendly and honest about what my {p} needed.",
];
const FIRST_NAMES: &[&str] = &["Sam", "Alex", "Zoë", "José", "Priya", "Tom", "Aoife", "Li"];
const SHOPS: &[&str] = &[
    "Pedal & Pine",
    "Pedal and Pine",
    "@pedalpine",
    "#pedalandpine",
    "the bike shop",
    "P&P Cycles",
];
const PRODUCTS: &[&str] = &[
    "wheel",
    "chain",
    "brake pads",
    "saddle",
    "derailleur",
    "e-bike battery",
    "helmet",
    "puncture repair",
    "inner tube",
    "cargo bike",
    "gear cable",
    "tyre",
    "kids' bike",
    "bell",
    "lights",
    "pannier",
];
const COMMON: &[&str] = &[
    "the", "and", "was", "it", "my", "to", "a", "so", "for", "on", "today", "just", "really",
    "with", "this", "that", "again", "ride", "town", "weekend", "morning", "rain", "work",
    "friend", "kids", "park", "road", "hill", "coffee", "market",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "tor", "sil", "bra", "ne", "qua", "dor", "fi", "gel", "hu",
    "jor", "mab", "nix", "pel", "rus", "sto", "tiv", "ul", "wen", "yar", "zel", "bro", "cha",
    "dri", "esk", "fon",
];

/// A word of the long tail: rank `r` of a Zipf-like vocabulary.
fn tail_word(r: usize) -> String {
    let n = SYLLABLES.len();
    let mut w = String::new();
    let mut x = r + n; // at least two syllables
    while x > 0 {
        w.push_str(SYLLABLES[x % n]);
        x /= n;
    }
    w
}

/// Zipf(1) ranks over `n` words, by inverse CDF.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut sum = 0.0;
        for r in 1..=n {
            sum += 1.0 / r as f64;
            cdf.push(sum);
        }
        for c in &mut cdf {
            *c /= sum;
        }
        Zipf { cdf }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cdf.partition_point(|c| *c < u)
    }
}

/// Builds the database in `dir`: plain SQL, one transaction per 2,000
/// rows, the full-text index written alongside (as the store does) and left
/// as its automatic merging leaves it (the app never optimises it on its
/// own, so neither does this).
fn build(dir: &Path, n: usize) -> Store {
    let store = Store::open_in(dir).unwrap();
    let start = Instant::now();
    let zipf = Zipf::new(20_000);
    let mut rng = Rng(42);
    // A year, ending 2026-11-30; ids mostly follow time, with backfills
    // (a new source brings older posts) up to a fortnight out of order.
    let end = 1_796_083_200i64; // 2026-11-30T00:00:00Z
    let year = 365 * 86_400i64;
    store
        .write(|tx| {
            for w in 1..=WATCHES {
                tx.execute(
                    "INSERT INTO watches (id, name, terms, purpose, created_at) VALUES (?1, ?2, '[]', 'care', 't')",
                    rusqlite::params![w, format!("Watch {w}")],
                )
                .unwrap();
            }
            Ok(())
        })
        .unwrap();
    let platform_weights: Vec<u32> = PLATFORMS.iter().map(|p| p.1).collect();
    let model_version = hearken_lib::triage::model_version();
    let mut i = 0usize;
    while i < n {
        let chunk = (n - i).min(2_000);
        store
            .write(|tx| {
                let mut insert = tx
                    .prepare_cached(
                        "INSERT INTO mentions (id, platform, external_id, url, author_handle, author_name,
                             text, created_at, fetched_at, sentiment, complaint, label, model_label,
                             concern, status, seen_at, reasons, scored_with)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14, ?15, ?16)",
                    )
                    .unwrap();
                let mut fts = tx
                    .prepare_cached(
                        "INSERT INTO mentions_fts (rowid, text, author_name, author_handle) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .unwrap();
                let mut link = tx
                    .prepare_cached("INSERT INTO mention_watches (mention_id, watch_id) VALUES (?1, ?2)")
                    .unwrap();
                for k in i..i + chunk {
                    let id = k as i64 + 1;
                    let platform = PLATFORMS[rng.weighted(&platform_weights)].0;
                    let jitter = if rng.below(20) == 0 { rng.below(14 * 86_400) as i64 } else { rng.below(3_600) as i64 };
                    let t = end - year + (k as i64 * year) / n as i64 - jitter;
                    let created = hearken_lib::clock::format(
                        hearken_lib::clock::from_unix(t).unwrap(),
                    );
                    let (label, templates, concern_lo, concern_hi) = match rng.weighted(&[8, 15, 50, 27]) {
                        0 => (Label::Complaint, COMPLAINTS, 0.6, 1.0),
                        1 => (Label::Negative, NEGATIVES, 0.4, 0.8),
                        2 => (Label::Neutral, NEUTRALS, 0.1, 0.4),
                        _ => (Label::Positive, POSITIVES, 0.0, 0.2),
                    };
                    let scored = rng.below(50) != 0;
                    let template = *rng.pick(templates);
                    let shop = *rng.pick(SHOPS);
                    let product = *rng.pick(PRODUCTS);
                    let mut text = template.replace("{s}", shop).replace("{p}", product);
                    for _ in 0..3 + rng.below(12) {
                        text.push(' ');
                        let r = zipf.sample(&mut rng);
                        if r < COMMON.len() {
                            text.push_str(COMMON[r]);
                        } else {
                            text.push_str(&tail_word(r));
                        }
                    }
                    let author = rng.below(50_000);
                    let age_days = (end - t) / 86_400;
                    let status = match (label, rng.below(100)) {
                        (Label::Complaint, x) if age_days < 7 => if x < 60 { MentionStatus::New } else { MentionStatus::NeedsReply },
                        (Label::Complaint, x) => match x { 0..=49 => MentionStatus::Resolved, 50..=69 => MentionStatus::Contacted, 70..=79 => MentionStatus::NeedsReply, 80..=94 => MentionStatus::New, _ => MentionStatus::Ignored },
                        (Label::Negative, x) => match x { 0..=19 => MentionStatus::Resolved, 20..=29 => MentionStatus::Contacted, 30..=39 => MentionStatus::NeedsReply, 40..=79 => MentionStatus::New, _ => MentionStatus::Ignored },
                        (_, x) => match x { 0..=59 => MentionStatus::New, 60..=94 => MentionStatus::Ignored, _ => MentionStatus::Resolved },
                    };
                    let seen = if age_days > 14 { rng.below(100) < 97 } else { rng.below(100) < 30 };
                    let concern = concern_lo + (concern_hi - concern_lo) * rng.unit();
                    let sentiment = 1.0 - 2.0 * concern;
                    let handle = format!("user{author}");
                    let name = format!(
                        "{} {}",
                        FIRST_NAMES[author % FIRST_NAMES.len()],
                        tail_word(author % 3_000)
                    );
                    // Reasons as triage writes them (JSON), for a realistic row size.
                    let reasons = format!(
                        r#"[{{"kind":"cue","text":"{product}","weight":{:.3}}},{{"kind":"sentiment","text":"overall tone","weight":{:.3}}}]"#,
                        concern / 2.0,
                        -sentiment / 3.0
                    );
                    insert
                        .execute(rusqlite::params![
                            id,
                            platform.as_str(),
                            format!("{k:012}"),
                            format!("https://social.example/@{handle}/{k}"),
                            handle,
                            name,
                            text,
                            created,
                            scored.then_some(sentiment),
                            scored.then_some(concern),
                            scored.then_some(label.as_str()),
                            scored.then_some(concern),
                            status.as_str(),
                            seen.then_some(created.as_str()),
                            scored.then_some(reasons),
                            scored.then_some(model_version),
                        ])
                        .unwrap();
                    // The full-text index holds what the table holds (it is
                    // external-content: deletes and edits rely on that).
                    fts.execute(rusqlite::params![id, text, name, handle])
                        .unwrap();
                    let first = rng.weighted(&[700, 200, 80, 15, 5]) as i64 + 1;
                    link.execute(rusqlite::params![id, first]).unwrap();
                    if rng.below(10) == 0 {
                        let second = rng.below(WATCHES as usize) as i64 + 1;
                        if second != first {
                            link.execute(rusqlite::params![id, second]).unwrap();
                        }
                    }
                }
                // Packed as the store packs each batch it stores (without
                // it, searches fall back to the slower plans for unpacked ids).
                hearken_lib::store::facets::catch_up(tx)
            })
            .unwrap();
        i += chunk;
    }
    eprintln!(
        "built {n} mentions in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    store
}

/// What the owner searches for: complaint words, products, the shop,
/// half-typed words, two-word phrases, people and handles, rare words.
fn search_words(rng: &mut Rng) -> String {
    const COMPLAINT: &[&str] = &[
        "refund",
        "late",
        "reply",
        "rude",
        "broke",
        "waiting",
        "charged",
        "faulty",
        "tracking",
        "disappointed",
        "replace",
        "avoid",
    ];
    const PRODUCT: &[&str] = &[
        "wheel",
        "chain",
        "saddle",
        "derailleur",
        "helmet",
        "tyre",
        "lights",
        "pannier",
        "battery",
        "brake pads",
        "inner tube",
        "cargo bike",
        "gear cable",
        "bell",
    ];
    const GENERAL: &[&str] = &[
        "staff",
        "service",
        "price",
        "queue",
        "café",
        "bike shop",
        "pedal",
        "pine",
        "market",
        "thanks",
        "opening hours",
        "recommend",
    ];
    const TYPING: &[&str] = &[
        "ref", "refu", "del", "deli", "wai", "brok", "sadd", "helm", "pann", "rud",
    ];
    const PHRASES: &[&str] = &[
        "no reply",
        "never received",
        "still waiting",
        "same day",
        "great advice",
        "won't replace",
    ];
    match rng.weighted(&[25, 20, 12, 10, 10, 13, 10]) {
        0 => rng.pick(COMPLAINT).to_string(),
        1 => rng.pick(PRODUCT).to_string(),
        2 => rng.pick(GENERAL).to_string(),
        3 => rng.pick(TYPING).to_string(),
        4 => rng.pick(PHRASES).to_string(),
        5 => match rng.below(3) {
            0 => rng.pick(&["José", "Zoë", "Priya", "Aoife"]).to_string(),
            1 => tail_word(rng.below(3_000)),
            _ => format!("user{}", rng.below(50_000)),
        },
        _ => tail_word(100 + rng.below(5_000)),
    }
}

/// Some of the Inbox's filters (at least one), as the owner sets them.
fn filters(rng: &mut Rng, q: &mut InboxQuery) {
    loop {
        if rng.below(100) < 30 {
            for _ in 0..1 + rng.below(3) {
                q.platforms.push(PLATFORMS[rng.below(PLATFORMS.len())].0);
            }
        }
        if rng.below(100) < 35 {
            q.labels.push(
                [
                    Label::Complaint,
                    Label::Negative,
                    Label::Neutral,
                    Label::Positive,
                ][rng.weighted(&[4, 3, 1, 1])],
            );
            if rng.below(2) == 0 {
                q.labels
                    .push([Label::Complaint, Label::Negative][rng.below(2)]);
            }
        }
        if rng.below(100) < 35 {
            let s = [
                MentionStatus::New,
                MentionStatus::NeedsReply,
                MentionStatus::Contacted,
                MentionStatus::Resolved,
                MentionStatus::Ignored,
            ];
            q.statuses.push(s[rng.weighted(&[5, 4, 1, 1, 1])]);
            if rng.below(2) == 0 {
                q.statuses.push(s[rng.weighted(&[5, 4, 1, 1, 1])]);
            }
        }
        if rng.below(100) < 10 {
            q.watch_id = Some(1 + rng.below(WATCHES as usize) as i64);
        }
        if rng.below(100) < 20 {
            let days = [7, 30, 90][rng.below(3)];
            let end = time::macros::date!(2026 - 11 - 30);
            if rng.below(3) == 0 {
                let month = 1 + rng.below(11) as u8;
                q.from = Some(format!("2026-{month:02}-01"));
                q.to = Some(format!("2026-{month:02}-28"));
            } else {
                q.from = Some((end - time::Duration::days(days)).to_string());
            }
        }
        let any = !(q.platforms.is_empty() && q.labels.is_empty() && q.statuses.is_empty())
            || q.watch_id.is_some()
            || q.from.is_some();
        if any {
            return;
        }
    }
}

fn sort(rng: &mut Rng) -> InboxSort {
    if rng.below(4) == 0 {
        InboxSort::MostUnhappy
    } else {
        InboxSort::Newest
    }
}

/// Milliseconds of `f`, the median of `rounds` runs (the machine is shared:
/// one run may wait for a core), and what the last run returned.
fn timed<T>(rounds: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut ms = Vec::with_capacity(rounds);
    let mut out = None;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        out = Some(f());
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    (median(&mut ms), out.unwrap())
}

/// p50 / p95 / p99 / max of `samples` (ms), as one line.
fn percentiles(samples: &[f64]) -> String {
    let mut ms = samples.to_vec();
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1];
    format!(
        "p50 {:>6.2}  p95 {:>6.2}  p99 {:>6.2}  max {:>7.2} ms ({} samples)",
        at(0.50),
        at(0.95),
        at(0.99),
        ms[ms.len() - 1],
        ms.len()
    )
}

/// Lower case without accents, to check highlights independently of the
/// store's own folding.
fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The words a search is made of (letters and digits), folded.
fn words_of(search: &str) -> Vec<String> {
    fold(search)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The `created_at` bounds of a query's days: from (inclusive), to (exclusive).
fn day_bounds(q: &InboxQuery) -> (Option<String>, Option<String>) {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = |s: &str| time::Date::parse(s, format).unwrap();
    (
        q.from.as_deref().map(|f| format!("{}T00:00:00Z", day(f))),
        q.to.as_deref()
            .map(|t| format!("{}T00:00:00Z", day(t).next_day().unwrap())),
    )
}

/// The order's SQL, spelled plainly (no index named).
fn order_by(sort: InboxSort) -> &'static str {
    match sort {
        InboxSort::Newest => "m.created_at DESC, m.id DESC",
        InboxSort::MostUnhappy => "coalesce(m.concern, -1.0) DESC, m.created_at DESC, m.id DESC",
    }
}

/// What a plain SQL query (SQLite's own plan, none of the store's) finds
/// for `q` after `before`: the page's ids and one more (if there is one),
/// and how many match in all.
fn plain_sql(conn: &Connection, q: &InboxQuery, before: Option<&MentionCursor>) -> (Vec<i64>, i64) {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut any_of = |column: &str, values: Vec<&str>, clauses: &mut Vec<String>| {
        if !values.is_empty() {
            clauses.push(format!(
                "{column} IN ({})",
                vec!["?"; values.len()].join(", ")
            ));
            params.extend(values.into_iter().map(|v| Value::Text(v.into())));
        }
    };
    any_of(
        "m.platform",
        q.platforms.iter().map(|p| p.as_str()).collect(),
        &mut clauses,
    );
    any_of(
        "m.label",
        q.labels.iter().map(|l| l.as_str()).collect(),
        &mut clauses,
    );
    any_of(
        "m.status",
        q.statuses.iter().map(|s| s.as_str()).collect(),
        &mut clauses,
    );
    let (from, to) = day_bounds(q);
    if let Some(f) = from {
        clauses.push("m.created_at >= ?".into());
        params.push(Value::Text(f));
    }
    if let Some(t) = to {
        clauses.push("m.created_at < ?".into());
        params.push(Value::Text(t));
    }
    if let Some(w) = q.watch_id {
        clauses.push("m.id IN (SELECT mention_id FROM mention_watches WHERE watch_id = ?)".into());
        params.push(Value::Integer(w));
    }
    if let Some(s) = Search::parse(&q.search) {
        clauses.push("m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)".into());
        params.push(Value::Text(s.fts_query()));
    }
    let count_params = params.clone();
    let count_where = clauses.clone();
    if let Some(b) = before {
        let key = match q.sort {
            InboxSort::Newest => "(m.created_at, m.id) < (?, ?)",
            InboxSort::MostUnhappy => "(coalesce(m.concern, -1.0), m.created_at, m.id) < (?, ?, ?)",
        };
        clauses.push(key.into());
        if q.sort == InboxSort::MostUnhappy {
            params.push(Value::Real(b.concern.unwrap_or(-1.0)));
        }
        params.push(Value::Text(b.created_at.clone()));
        params.push(Value::Integer(b.id));
    }
    let where_sql = |c: &[String]| {
        if c.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", c.join(" AND "))
        }
    };
    let mut stmt = conn
        .prepare(&format!(
            "SELECT m.id FROM mentions m {} ORDER BY {} LIMIT {}",
            where_sql(&clauses),
            order_by(q.sort),
            PAGE + 1
        ))
        .unwrap();
    let ids = stmt
        .query_map(params_from_iter(params.iter()), |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<i64>>>()
        .unwrap();
    let total = conn
        .query_row(
            &format!(
                "SELECT count(*) FROM mentions m {}",
                where_sql(&count_where)
            ),
            params_from_iter(count_params.iter()),
            |r| r.get(0),
        )
        .unwrap();
    (ids, total)
}

/// Checks a page `store::inbox::query` returned for `q`: every row matches
/// the filters and the search, in order, highlighted where the text holds
/// the words; the total agrees with the page; and, with `plain`, the page
/// and the total are exactly what plain SQL finds.
fn check(
    conn: &Connection,
    q: &InboxQuery,
    before: Option<&MentionCursor>,
    page: &MentionPage,
    plain: bool,
) {
    let what = || format!("{q:?} after {before:?}");
    assert!(page.mentions.len() as i64 <= PAGE, "{}", what());
    let search = Search::parse(&q.search);
    let words = words_of(&q.search);
    let (from, to) = day_bounds(q);
    let mut in_watch = conn
        .prepare_cached("SELECT 1 FROM mention_watches WHERE mention_id = ?1 AND watch_id = ?2")
        .unwrap();
    let mut matches = conn
        .prepare_cached("SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ?1 AND rowid = ?2")
        .unwrap();
    for m in &page.mentions {
        let row = || format!("mention {} for {}", m.id, what());
        assert!(
            q.platforms.is_empty() || q.platforms.contains(&m.platform),
            "{}",
            row()
        );
        assert!(
            q.labels.is_empty() || m.label.is_some_and(|l| q.labels.contains(&l)),
            "{}",
            row()
        );
        assert!(
            q.statuses.is_empty() || q.statuses.contains(&m.status),
            "{}",
            row()
        );
        assert!(
            from.as_ref().is_none_or(|f| m.created_at >= *f),
            "{}",
            row()
        );
        assert!(to.as_ref().is_none_or(|t| m.created_at < *t), "{}", row());
        if let Some(w) = q.watch_id {
            assert!(
                in_watch.exists(rusqlite::params![m.id, w]).unwrap(),
                "{}",
                row()
            );
        }
        match &search {
            None => assert!(m.highlights.is_empty(), "{}", row()),
            Some(s) => {
                assert!(
                    matches
                        .exists(rusqlite::params![s.fts_query(), m.id])
                        .unwrap(),
                    "{}",
                    row()
                );
                // A word that is not in the author's name or handle must be
                // in the text, so the text shows a highlight.
                let author = fold(&format!(
                    "{} {}",
                    m.author_name.as_deref().unwrap_or(""),
                    m.author_handle.as_deref().unwrap_or("")
                ));
                if words.iter().any(|w| !author.contains(w.as_str())) {
                    assert!(!m.highlights.is_empty(), "no highlight: {}", row());
                }
                let units: Vec<u16> = m.text.encode_utf16().collect();
                for h in &m.highlights {
                    assert!(
                        h.start < h.end && h.end as usize <= units.len(),
                        "{}",
                        row()
                    );
                    let marked = fold(
                        &String::from_utf16(&units[h.start as usize..h.end as usize]).unwrap(),
                    );
                    assert!(
                        words.iter().any(|w| marked.starts_with(w.as_str())),
                        "{marked:?} highlighted: {}",
                        row()
                    );
                }
            }
        }
    }
    let key = |m: &hearken_lib::model::Mention| match q.sort {
        InboxSort::Newest => (0.0, m.created_at.clone(), m.id),
        InboxSort::MostUnhappy => (m.concern.unwrap_or(-1.0), m.created_at.clone(), m.id),
    };
    for pair in page.mentions.windows(2) {
        assert!(
            key(&pair[0]).partial_cmp(&key(&pair[1])) == Some(std::cmp::Ordering::Greater),
            "out of order: {} then {} for {}",
            pair[0].id,
            pair[1].id,
            what()
        );
    }
    let shown = page.mentions.len() as i64;
    if !page.total_capped {
        assert!(page.total >= shown, "{}", what());
    }
    if page.next.is_some() {
        assert_eq!(shown, PAGE, "{}", what());
    }
    if before.is_none() && (page.total_capped || page.total > shown) {
        assert!(page.next.is_some(), "{}", what());
    }
    if plain {
        let (mut ids, total) = plain_sql(conn, q, before);
        let more = ids.len() as i64 > PAGE;
        ids.truncate(PAGE as usize);
        let got: Vec<i64> = page.mentions.iter().map(|m| m.id).collect();
        assert_eq!(got, ids, "the page differs from plain SQL's for {}", what());
        assert_eq!(page.next.is_some(), more, "{}", what());
        if page.total_capped {
            assert!(
                total >= page.total,
                "{total} found, {} said for {}",
                page.total,
                what()
            );
        } else {
            assert_eq!(page.total, total, "{}", what());
        }
    }
}

/// One start of the window, in this process: open the workspace, then what
/// the window asks for before its first paint (app info and the Inbox's
/// first page, which it asks for together) and right after (the counts).
/// Prints the milliseconds of each on one line.
fn startup_child(dir: &Path) {
    let t = Instant::now();
    let ws = Workspace::open(dir).unwrap();
    let open = t.elapsed().as_secs_f64() * 1000.0;
    let (info, info_ms) = {
        let t = Instant::now();
        let info = ws.app_info().unwrap();
        (info, t.elapsed().as_secs_f64() * 1000.0)
    };
    let (page, page_ms) = {
        let t = Instant::now();
        let page = ws.inbox_page(&InboxQuery::default(), None, PAGE).unwrap();
        (page, t.elapsed().as_secs_f64() * 1000.0)
    };
    let t = Instant::now();
    let counts = ws.inbox_counts().unwrap();
    let counts_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(page.mentions.len() as i64, PAGE.min(info.mention_count));
    assert!(counts.unread <= info.mention_count);
    println!("{open:.3} {info_ms:.3} {page_ms:.3} {counts_ms:.3}");
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--startup-child") {
        startup_child(Path::new(&args[i + 1]));
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as
    // a quick smoke test on a small database and leaves bench-results/ alone.
    let bench = args.iter().any(|a| a == "--bench");
    let n = if bench { N } else { 12_000 };
    // HEARKEN_SEARCH_RUNS=100 makes a quicker run (fewer queries of each shape).
    let runs = match std::env::var("HEARKEN_SEARCH_RUNS") {
        Ok(r) if bench => r.parse().expect("HEARKEN_SEARCH_RUNS is a number"),
        _ if bench => 300,
        _ => 40,
    };
    let rounds = if bench { 3 } else { 1 };
    // Pages compared with plain SQL (slow on a million: the first few).
    let plain_checks = if bench { 25 } else { runs };
    let keep = std::env::var_os("HEARKEN_SEARCH_DB").filter(|_| bench);
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep
        .as_ref()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let store = if dir.join(hearken_lib::store::DB_FILE).exists() {
        let store = Store::open_in(&dir).unwrap();
        // A database kept from a build that did not pack (before the build
        // above packed each chunk) is packed now, once.
        let start = Instant::now();
        store.write(hearken_lib::store::facets::catch_up).unwrap();
        eprintln!(
            "packed up to date in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        store
    } else {
        build(&dir, n)
    };
    // Every mention packed, as in the app: the figures are the app's plans.
    let (through, last): (i64, i64) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT through FROM facet_blocks_through),
                            (SELECT coalesce(max(id), 0) FROM mentions)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap())
        })
        .unwrap();
    assert!(
        through >= last,
        "mentions up to id {last}, packed only up to {through}"
    );
    let mut out = String::new();
    let mut say = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };
    let rows: i64 = store
        .read(|c| {
            Ok(
                c.query_row("SELECT count(*) FROM mentions", [], |r| r.get(0))
                    .unwrap(),
            )
        })
        .unwrap();
    let bytes = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0);
    say(format!(
        "Inbox on {rows} mentions ({} MB database), store::inbox::query on a reader, page of {PAGE}",
        bytes / 1_000_000
    ));
    say(format!(
        "  each query's time is the median of {rounds} runs; percentiles over the queries"
    ));
    let page = |q: &InboxQuery, before: Option<&MentionCursor>| {
        store.read(|c| inbox::query(c, q, before, PAGE)).unwrap()
    };

    // Each shape: its queries, made by a seeded generator.
    let make = |seed: u64, search: bool, filtered: bool| -> Vec<InboxQuery> {
        let mut rng = Rng(seed);
        (0..runs)
            .map(|_| {
                let mut q = InboxQuery {
                    search: if search {
                        search_words(&mut rng)
                    } else {
                        String::new()
                    },
                    sort: sort(&mut rng),
                    ..Default::default()
                };
                if filtered {
                    filters(&mut rng, &mut q);
                }
                q
            })
            .collect()
    };
    let shapes = [
        ("search + filters, first page", make(7, true, true)),
        ("search alone, first page    ", make(13, true, false)),
        ("filters alone, first page   ", make(11, false, true)),
    ];
    for (name, queries) in &shapes {
        // Check every page (against plain SQL for the first ones), which
        // also warms the caches once, as an open app would be.
        for (i, q) in queries.iter().enumerate() {
            let p = page(q, None);
            store
                .read(|c| {
                    check(c, q, None, &p, i < plain_checks);
                    Ok(())
                })
                .unwrap();
        }
        let mut timings: Vec<(f64, &InboxQuery, i64, bool, String)> = queries
            .iter()
            .map(|q| {
                let (t, p) = timed(rounds, || page(q, None));
                (t, q, p.total, p.total_capped, inbox::last_plan())
            })
            .collect();
        let samples: Vec<f64> = timings.iter().map(|t| t.0).collect();
        if std::env::var_os("HEARKEN_SEARCH_PLANS").is_some() {
            for (t, q, total, _, plan) in &timings {
                eprintln!(
                    "plan {t:6.1} ms {:?} {:?}; {total}; {plan}",
                    q.search, q.sort
                );
            }
        }
        say(format!("  {name}: {}", percentiles(&samples)));
        say(format!(
            "    ({} of {} queries found something; {} totals capped)",
            timings.iter().filter(|t| t.2 > 0).count(),
            timings.len(),
            timings.iter().filter(|t| t.3).count()
        ));
        // The slowest queries and how the store answered them (the top 5%
        // of searches with filters decide its p95).
        timings.sort_by(|a, b| b.0.total_cmp(&a.0));
        let slowest = if name.starts_with("search + filters") {
            15
        } else {
            5
        };
        for (t, q, total, capped, plan) in timings.iter().take(slowest) {
            let mut filters = Vec::new();
            if !q.platforms.is_empty() {
                filters.push(format!("platforms {:?}", q.platforms));
            }
            if !q.labels.is_empty() {
                filters.push(format!("labels {:?}", q.labels));
            }
            if !q.statuses.is_empty() {
                filters.push(format!("statuses {:?}", q.statuses));
            }
            if let Some(w) = q.watch_id {
                filters.push(format!("watch {w}"));
            }
            if q.from.is_some() || q.to.is_some() {
                filters.push(format!(
                    "{}..{}",
                    q.from.as_deref().unwrap_or(""),
                    q.to.as_deref().unwrap_or("")
                ));
            }
            say(format!(
                "      slow: {t:6.1} ms {:?} {:?} {}; {total}{} found; {plan}",
                q.search,
                q.sort,
                filters.join(" "),
                if *capped { "+" } else { "" },
            ));
        }
    }

    // The whole Inbox, first page, in each order; then half-way down.
    for (name, sort) in [
        ("newest", InboxSort::Newest),
        ("unhappy", InboxSort::MostUnhappy),
    ] {
        let q = InboxQuery {
            sort,
            ..Default::default()
        };
        let first = page(&q, None);
        store
            .read(|c| {
                check(c, &q, None, &first, true);
                Ok(())
            })
            .unwrap();
        let samples: Vec<f64> = (0..runs).map(|_| timed(1, || page(&q, None)).0).collect();
        say(format!(
            "  no filter, first page, {name:<7}: {}",
            percentiles(&samples)
        ));
        let deep: MentionCursor = store
            .read(|c| {
                Ok(c.query_row(
                    &format!(
                        "SELECT created_at, id, concern FROM mentions m ORDER BY {} LIMIT 1 OFFSET ?1",
                        order_by(sort)
                    ),
                    [rows / 2],
                    |r| {
                        Ok(MentionCursor {
                            created_at: r.get(0)?,
                            id: r.get(1)?,
                            concern: match sort {
                                InboxSort::Newest => None,
                                InboxSort::MostUnhappy => r.get(2)?,
                            },
                        })
                    },
                )
                .unwrap())
            })
            .unwrap();
        let deep_page = page(&q, Some(&deep));
        assert_eq!(deep_page.mentions.len() as i64, PAGE);
        store
            .read(|c| {
                check(c, &q, Some(&deep), &deep_page, true);
                Ok(())
            })
            .unwrap();
        let samples: Vec<f64> = (0..runs)
            .map(|_| timed(1, || page(&q, Some(&deep))).0)
            .collect();
        say(format!(
            "  page {:>5} (keyset), {name:<7}: {}",
            rows / 2 / PAGE,
            percentiles(&samples)
        ));
    }

    // The sidebar's counts.
    let counts = store.read(inbox::counts).unwrap();
    let expect: (i64, i64, i64, i64) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT sum(seen_at IS NULL),
                        sum(seen_at IS NULL AND label IN ('complaint', 'negative')),
                        sum(status = 'needs_reply'),
                        sum(label = 'complaint' AND status IN ('new', 'needs_reply'))
                 FROM mentions NOT INDEXED",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap())
        })
        .unwrap();
    assert_eq!(
        (
            counts.unread,
            counts.unread_unhappy,
            counts.needs_reply,
            counts.open_complaints
        ),
        expect
    );
    let samples: Vec<f64> = (0..runs)
        .map(|_| timed(1, || store.read(inbox::counts).unwrap()).0)
        .collect();
    say(format!(
        "  counts()                    : {}",
        percentiles(&samples)
    ));
    say(format!("    ({counts:?})"));

    // The window's start, each in a fresh process.
    drop(store);
    let me = std::env::current_exe().unwrap();
    let starts = if bench { 7 } else { 1 };
    let mut cols: [Vec<f64>; 4] = Default::default();
    for _ in 0..starts {
        let o = std::process::Command::new(&me)
            .args(["--startup-child", dir.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout);
        let nums: Vec<f64> = text
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        assert_eq!(nums.len(), 4, "{text}");
        for (c, v) in cols.iter_mut().zip(nums) {
            c.push(v);
        }
    }
    let [open, info, first, counts] = cols.map(|mut c| median(&mut c));
    say(format!(
        "  window start, fresh process (median of {starts}): open {open:.1}, app_info {info:.1}, \
         first Inbox page (default filters) {first:.1}, then counts {counts:.1}"
    ));
    say(format!(
        "    data ready for the first paint: {:.1} ms after the workspace is open (app info + first page, \
         one after the other; the window asks for both at once); the paint itself is not measured here",
        info + first
    ));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    say(format!(
        "  load average at the end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    ));
    if bench {
        std::fs::create_dir_all("bench-results").ok();
        std::fs::write("bench-results/search.txt", out).ok();
    }
}
