//! The Inbox: a page of mentions for any mix of filters and search, in
//! either order, paged by keyset (as fast on page 1,000 as on page 1); the
//! detail pane; and the owner's triage: status, label corrections, seen.
//!
//! SQLite's own plans for "search + filters, newest first, 50 rows" were
//! 0.3–1.3 s on a million mentions (it drives from one filter's index and
//! sorts everything), so a page is found by one of the plans chosen here
//! (benches/search.rs measures them on a million mentions):
//!
//! - **Collect**: when few mentions can match (a rare search word, a small
//!   watch, narrow filters), read every candidate's sort key from the
//!   smallest source, keep those passing every filter, sort, and cut the
//!   page. The total is exact.
//! - **Walk**: otherwise many match, so walking the order's own index
//!   (which carries status, platform, label and the date, so those filters
//!   cost no table reads) finds a page within a few thousand rows. The
//!   search and the watch are sets of ids read from their own indexes
//!   (the full-text index, `mention_watches`) over the id range the walk
//!   has reached: newest first, ids follow time, so only the top of each is
//!   read; most unhappy first, each is read once. A walk counts on past the
//!   page only so far ("at least N"). If a walk meets too few matches for
//!   too long, it gives way to collecting from the search's matches.
//! - **Packed facets** (`store::facets`): a search matching more than a few
//!   is answered from each mention's status, label, platform, unhappiness
//!   and time packed seven bytes an id. Newest first, blocks of 256 ids are
//!   visited newest first and rows read only for the page; most unhappy
//!   first, the matches are bucketed by unhappiness and rows read from the
//!   unhappiest bucket down.
//!
//! Looking up one id in the full-text index costs as much as reading
//! thousands of its ids in a range (FTS5 opens every segment for each
//! lookup: 80 µs measured), so the search is never checked row by row.

use std::cmp::Ordering;
use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};

use super::facets;
use super::mentions::{from_row, COLUMNS, MAX_PAGE};
use super::search::Search;
use super::SqlResult;
use crate::clock;
use crate::error::{Error, Result};
use crate::model::{
    InboxCounts, InboxQuery, InboxSort, Label, LabelCorrection, MentionCursor, MentionDetail,
    MentionPage, MentionStatus, Platform, WatchRef,
};

/// `total` stops counting here (shown as "10,000+"), so a broad search or
/// a large Inbox answers as fast as a narrow one.
pub const COUNT_CAP: i64 = 10_000;

/// A walk (a broad search, a big watch) stops counting here ("1,000+"):
/// counting on would read ten times the rows of its page or more.
pub const WALK_COUNT_CAP: i64 = 1_000;

/// Where one plan gives way to another (tests move them to try every plan
/// on a few rows).
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// `total` stops here; filters that leave at most this many mentions
    /// are collected.
    count_cap: i64,
    /// A search matching at most this many mentions is collected (about
    /// 1.5 µs a match, a table read each).
    few_search: i64,
    /// The same for a watch's mentions.
    few_watch: i64,
    /// A walk that has not filled its page gives up when walking on would
    /// cost this many times more than collecting instead (from the search's
    /// matches, if at most `fallback`, or from the filters' index).
    give_up_ratio: f64,
    fallback: i64,
    /// A watch with more mentions than this is big: looked up mention by
    /// mention when collecting (or walking most unhappy first), rather than
    /// read by id range.
    watch_set: i64,
    /// A walk stops counting past this many matches, or after reading this
    /// many rows of the index: the total is then "at least"
    /// (`total_capped`), never a wait.
    walk_count: i64,
    walk_budget: usize,
    /// Newest first from the packed blocks, the blocks read only to count
    /// once the page is known.
    block_budget: usize,
    /// The walk's first chunk (it doubles, up to 8,192 rows).
    first_chunk: usize,
}

const LIMITS: Limits = Limits {
    count_cap: COUNT_CAP,
    few_search: 4_000,
    few_watch: 4_000,
    give_up_ratio: 1.5,
    fallback: 150_000,
    watch_set: 50_000,
    walk_count: WALK_COUNT_CAP,
    walk_budget: 8_000,
    block_budget: 64,
    first_chunk: 256,
};

/// The "most unhappy first" key: unscored mentions (no concern yet) last.
/// Must read exactly as in the `mentions_unhappiest` index (migration 6)
/// for SQLite to use it.
const UNHAPPY_KEY: &str = "coalesce(m.concern, -1.0)";

const ALL_STATUSES: [&str; 5] = ["new", "needs_reply", "contacted", "resolved", "ignored"];

/// Every mention a search matches.
const SEARCH_MATCHES: &str = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?1";
/// Those with ids in a range.
const SEARCH_IN_RANGE: &str =
    "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3";
/// A watch's mentions.
const WATCH_MEMBERS: &str = "SELECT mention_id FROM mention_watches WHERE watch_id = ?1";
/// Those with ids in a range.
const WATCH_IN_RANGE: &str =
    "SELECT mention_id FROM mention_watches WHERE watch_id = ?1 AND mention_id BETWEEN ?2 AND ?3";
/// One mention in a watch or not.
const IN_WATCH: &str = "SELECT 1 FROM mention_watches WHERE mention_id = ?1 AND watch_id = ?2";

/// Where a mention sits in the Inbox's order.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    unhappy: f64,
    created_at: String,
    id: i64,
}

impl Key {
    fn from_cursor(c: &MentionCursor) -> Key {
        Key {
            unhappy: c.concern.unwrap_or(-1.0),
            created_at: c.created_at.clone(),
            id: c.id,
        }
    }

    /// Earlier in the Inbox (shown first) sorts first.
    fn cmp(&self, other: &Key, sort: InboxSort) -> Ordering {
        let by_time = (&other.created_at, other.id).cmp(&(&self.created_at, self.id));
        match sort {
            InboxSort::Newest => by_time,
            InboxSort::MostUnhappy => other.unhappy.total_cmp(&self.unhappy).then(by_time),
        }
    }

    fn cursor(&self, sort: InboxSort) -> MentionCursor {
        MentionCursor {
            created_at: self.created_at.clone(),
            id: self.id,
            concern: match sort {
                InboxSort::MostUnhappy if self.unhappy >= 0.0 => Some(self.unhappy),
                _ => None,
            },
        }
    }
}

fn key_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Key> {
    Ok(Key {
        id: r.get(0)?,
        created_at: r.get(1)?,
        unhappy: r.get(2)?,
    })
}

/// Selects a `Key` from `mentions m`.
const KEY_COLUMNS: &str = "m.id, m.created_at, coalesce(m.concern, -1.0)";

thread_local! {
    /// How this thread's last `query` found its page (see `last_plan`).
    static PLAN: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    static PLAN_START: std::cell::Cell<Option<std::time::Instant>> = const { std::cell::Cell::new(None) };
}

/// Adds a step to the plan of the query running on this thread.
fn note(step: impl AsRef<str>) {
    PLAN.with(|p| {
        let mut p = p.borrow_mut();
        if !p.is_empty() {
            p.push_str(", ");
        }
        p.push_str(step.as_ref());
        if let Some(t) = PLAN_START.with(std::cell::Cell::get) {
            p.push_str(&format!(" @{:.1} ms", t.elapsed().as_secs_f64() * 1000.0));
        }
    });
}

/// How the last `query` on this thread found its page ("walk newest: 1024
/// rows, search set 3,000 ids", "collect search: 812"): for benches/search.rs,
/// which lists its slowest queries with their plans.
#[doc(hidden)]
pub fn last_plan() -> String {
    PLAN.with(|p| p.borrow().clone())
}

/// One page of the Inbox: `limit` mentions after `before` (the `next` of
/// the previous page), matching every filter in `q`.
pub fn query(
    conn: &Connection,
    q: &InboxQuery,
    before: Option<&MentionCursor>,
    limit: i64,
) -> Result<MentionPage> {
    query_with(conn, q, before, limit, &LIMITS)
}

fn query_with(
    conn: &Connection,
    q: &InboxQuery,
    before: Option<&MentionCursor>,
    limit: i64,
    limits: &Limits,
) -> Result<MentionPage> {
    PLAN.with(|p| p.borrow_mut().clear());
    PLAN_START.with(|t| t.set(Some(std::time::Instant::now())));
    let limit = limit.clamp(1, MAX_PAGE) as usize;
    let filter = Filter::new(conn, q)?;
    let search = Search::parse(&q.search);
    let after = before.map(Key::from_cursor);
    let found = find(
        conn,
        &filter,
        search.as_ref(),
        q.sort,
        after.as_ref(),
        limit,
        limits,
    )?;

    // Rows and highlights for the page's mentions only.
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM mentions WHERE id = ?1"))
        .db()?;
    let mut mentions = Vec::with_capacity(found.page.len());
    for key in found.page.iter().take(limit) {
        if let Some(mut m) = stmt.query_row([key.id], from_row).optional().db()? {
            if let Some(s) = &search {
                m.highlights = s.highlights(&m.text);
            }
            mentions.push(m);
        }
    }
    note("rows read");
    let next = (found.page.len() > limit).then(|| found.page[limit - 1].cursor(q.sort));
    Ok(MentionPage {
        mentions,
        next,
        total: found.total.min(limits.count_cap),
        total_capped: found.capped || found.total > limits.count_cap,
    })
}

/// What a plan found: up to `limit + 1` keys in order (one more than the
/// page says whether there is a next page), and how many match in all.
struct Found {
    page: Vec<Key>,
    total: i64,
    /// `total` is a lower bound.
    capped: bool,
}

fn find(
    conn: &Connection,
    filter: &Filter,
    search: Option<&Search>,
    sort: InboxSort,
    after: Option<&Key>,
    limit: usize,
    limits: &Limits,
) -> Result<Found> {
    let (fts, prefix) = match search {
        Some(s) => {
            let (q, prefix) = fts_of(conn, s)?;
            (Some(q), prefix)
        }
        None => (None, false),
    };
    // A prefix ("refu" while typing) makes FTS5 merge the lists of every
    // word it starts before giving a single match, whatever the id range
    // or limit (50 ms for a common one on a million mentions), so its
    // matches are read once, here, and never asked of the index again.
    let mut prefix_set = match (&fts, prefix) {
        (Some(q), true) => {
            let set = IdSet::search_whole(conn, q)?;
            note(format!("prefix read: {} ids", set.read));
            Some(set)
        }
        _ => None,
    };
    // How many the search matches, counted as far as it decides anything.
    let matches = match (&fts, &prefix_set) {
        (_, Some(set)) => Some(set.read as i64),
        (Some(q), None) => Some(capped_count(
            conn,
            SEARCH_MATCHES,
            &[Value::Text(q.clone())],
            limits.few_search,
        )?),
        (None, None) => None,
    };
    if let (Some(q), Some(n)) = (&fts, matches) {
        if n <= limits.few_search {
            note(format!("collect search: {n}"));
            let keys = match &prefix_set {
                Some(set) => collect_ids(conn, filter, set.ids())?,
                None => collect_search(conn, filter, q)?,
            };
            return Ok(cut(keys, sort, after, limit));
        }
    }
    note("search counted");
    if let (Some(q), InboxSort::MostUnhappy) = (&fts, sort) {
        if let Some(found) = unhappiest_matches(conn, filter, q, &mut prefix_set, after, limit)? {
            return Ok(found);
        }
    }
    let members = match filter.watch {
        Some(w) => Some(capped_count(
            conn,
            WATCH_MEMBERS,
            &[Value::Integer(w)],
            limits.watch_set.max(limits.few_watch),
        )?),
        None => None,
    };
    let plain = filter.without_watch();
    let mut sets = Sets {
        search: prefix_set.take().or_else(|| {
            // Ids don't follow unhappiness: read every match at once.
            fts.as_ref().map(|q| {
                IdSet::new(
                    SEARCH_IN_RANGE,
                    Value::Text(q.clone()),
                    sort == InboxSort::MostUnhappy,
                )
            })
        }),
        watch: None,
        big_watch: None,
    };
    if let (Some(w), Some(n)) = (filter.watch, members) {
        if n <= limits.few_watch {
            note(format!("collect watch: {n}"));
            let sql = plain.sql(false);
            let keys = collect(
                conn,
                &format!(
                    "SELECT {KEY_COLUMNS} FROM mention_watches mw CROSS JOIN mentions m ON m.id = mw.mention_id
                     WHERE mw.watch_id = ? {}",
                    and_all(&sql.clauses)
                ),
                &[vec![Value::Integer(w)], sql.params].concat(),
            )?;
            let keys = sets.keep(conn, keys, false)?;
            return Ok(cut(keys, sort, after, limit));
        }
        if n > limits.watch_set {
            sets.big_watch = Some(w);
        } else {
            sets.watch = Some(IdSet::new(
                WATCH_IN_RANGE,
                Value::Integer(w),
                sort == InboxSort::MostUnhappy,
            ));
        }
    }
    // Newest first, a search matching more than a few: from the packed
    // blocks, newest first.
    if sort == InboxSort::Newest && sets.search.is_some() {
        if let Some(counted) =
            newest_matches(conn, filter, &mut sets, None, limit + 1, true, limits)?
        {
            if after.is_none() {
                return Ok(counted);
            }
            let page = newest_matches(conn, filter, &mut sets, after, limit + 1, false, limits)?
                .map(|f| f.page)
                .unwrap_or_default();
            return Ok(Found {
                page,
                total: counted.total,
                capped: counted.capped,
            });
        }
    }
    // Few pass the other filters: read them all, keep the matches.
    if sets.is_empty() || plain.has_clauses() {
        let source = plain.counting_source(conn, limits.count_cap)?;
        let sql = source.select(&plain);
        let total = capped_count(conn, &sql.text, &sql.params, limits.count_cap)?;
        if total <= limits.count_cap {
            note(format!("collect filtered: {total}"));
            let keys = collect(conn, &sql.text, &sql.params)?;
            let keys = sets.keep(conn, keys, false)?;
            return Ok(cut(keys, sort, after, limit));
        }
        if sets.is_empty() {
            note("walk filters");
            // Many match: the page is near the top of the order's index.
            let page = walk_page(conn, &plain, sort, after, limit + 1)?;
            return Ok(Found {
                page,
                total,
                capped: true,
            });
        }
    }
    // Many pass them: walk, unless the walk turns out sparse and reading
    // every match of the search, or every mention passing the other
    // filters, costs less than walking on.
    let mentions: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM mentions")
        .db()?
        .query_row([], |r| r.get(0))
        .db()?;
    let costs = Costs {
        mentions,
        fts: fts.clone(),
        matches: std::cell::Cell::new(None),
        filtered: plain.has_clauses().then(|| plain.clone()),
        filtered_sql: std::cell::RefCell::new(None),
        filtered_count: std::cell::Cell::new(None),
        limits: *limits,
    };
    // The first page counts as it walks; a later one is counted by the
    // same walk from the top, so that every page says the same total.
    let counted = match walk(
        conn,
        &plain,
        &mut sets,
        sort,
        None,
        limit + 1,
        true,
        Some(&costs),
        limits,
    )? {
        Walked::Found(found) => found,
        Walked::GaveUp(instead) => {
            note(match instead {
                Instead::Search => "gave up: collect search",
                Instead::Filtered => "gave up: collect filtered",
            });
            let keys = match instead {
                Instead::Search => {
                    let q = fts.as_deref().unwrap_or_default();
                    match sets.search.take() {
                        Some(set) if set.whole && set.lo <= set.hi => {
                            collect_ids(conn, filter, set.ids())?
                        }
                        _ => collect_search(conn, filter, q)?,
                    }
                }
                Instead::Filtered => {
                    let sql = match costs.filtered_sql.take() {
                        Some(sql) => sql,
                        None => plain
                            .counting_source(conn, limits.count_cap)?
                            .select(&plain),
                    };
                    let keys = collect(conn, &sql.text, &sql.params)?;
                    sets.keep(conn, keys, false)?
                }
            };
            return Ok(cut(keys, sort, after, limit));
        }
    };
    if after.is_none() {
        return Ok(counted);
    }
    let page = match walk(
        conn,
        &plain,
        &mut sets,
        sort,
        after,
        limit + 1,
        false,
        None,
        limits,
    )? {
        Walked::Found(found) => found.page,
        Walked::GaveUp(_) => Vec::new(),
    };
    Ok(Found {
        page,
        total: counted.total,
        capped: counted.capped,
    })
}

/// Most unhappy first, a search matching more than a few: its matches are
/// read whole, filtered and bucketed by unhappiness from the packed facets
/// (see `facets`), and their rows read bucket by bucket from the unhappiest
/// until the page is full. Match ids don't follow unhappiness, so a walk
/// would meet a search for praise ("great advice") only near the end of
/// the order, and reading every match's row costs 1.5 µs each.
///
/// Dates and a watch are checked on the rows read: with either, the total
/// is "more than" what the first page's rows hold, unless every bucket was
/// read (reading on to count would read most matches' rows when the dates
/// are narrow). None when a filter's value has no code.
fn unhappiest_matches(
    conn: &Connection,
    filter: &Filter,
    fts: &str,
    prefix_set: &mut Option<IdSet>,
    after: Option<&Key>,
    limit: usize,
) -> Result<Option<Found>> {
    let Some(wanted) =
        facets::Wanted::new(conn, &filter.statuses, &filter.labels, &filter.platforms)?
    else {
        return Ok(None);
    };
    let set = match prefix_set.take() {
        Some(set) => set,
        None => IdSet::search_whole(conn, fts)?,
    };
    let ids: Vec<i64> = set.ids().collect();
    let (Some(&lo), Some(&hi)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Some(Found {
            page: Vec::new(),
            total: 0,
            capped: false,
        }));
    };
    let packed = facets::Packed::read(conn, lo, hi)?;
    let mut buckets: Vec<Vec<i64>> = vec![Vec::new(); 256];
    let mut unknown = Vec::new();
    for id in ids {
        match packed.facet(id, &wanted) {
            facets::Facet::Unknown => unknown.push(id),
            facets::Facet::Out => {}
            facets::Facet::In(b) => buckets[b as usize].push(id),
        }
    }
    unknown.sort_unstable();
    let packed_in: usize = buckets.iter().map(Vec::len).sum();
    note(format!(
        "facets: {} matches, {packed_in} wanted, {} not packed",
        set.read,
        unknown.len()
    ));
    let residual = filter.from.is_some() || filter.to.is_some() || filter.watch.is_some();
    // The rows of the unpacked matches, then bucket by bucket from the top,
    // until more than `limit` come after `after` or every bucket is read.
    let descend = |after: Option<&Key>| -> Result<(Vec<Key>, bool)> {
        let is_past =
            |k: &Key| after.is_none_or(|a| k.cmp(a, InboxSort::MostUnhappy) == Ordering::Greater);
        let mut keys = collect_ids(conn, filter, unknown.iter().copied())?;
        // The unpacked rows past `after`, by bucket: those above the next
        // bucket to read come before all of it.
        let mut unknown_past = [0usize; 256];
        for k in keys.iter().filter(|k| is_past(k)) {
            unknown_past[facets::bucket(k.unhappy) as usize] += 1;
        }
        let mut past = 0;
        let mut counted_down_to = 256;
        // Buckets above `after`'s (one more, to be safe) come before it.
        let top = after.map_or(255, |a| {
            facets::bucket(a.unhappy).saturating_add(1) as usize
        });
        for (b, ids) in buckets.iter().enumerate().rev() {
            if ids.is_empty() || b > top {
                continue;
            }
            past += unknown_past[b + 1..counted_down_to].iter().sum::<usize>();
            counted_down_to = b + 1;
            if past > limit {
                return Ok((keys, false));
            }
            let got = collect_ids(conn, filter, ids.iter().copied())?;
            past += got.iter().filter(|k| is_past(k)).count();
            keys.extend(got);
        }
        Ok((keys, true))
    };
    let (total, capped, keys) = if residual {
        // The total is what the first page's descent finds, whichever page:
        // all of them, or more than one less than it found.
        let (first, whole) = descend(None)?;
        let total = first.len() as i64;
        let keys = match after {
            None => first,
            Some(a) => descend(Some(a))?.0,
        };
        if whole {
            (total, false, keys)
        } else {
            (total - 1, true, keys)
        }
    } else {
        let (keys, _) = descend(after)?;
        let unknown_in = keys
            .iter()
            .filter(|k| unknown.binary_search(&k.id).is_ok())
            .count();
        ((packed_in + unknown_in) as i64, false, keys)
    };
    note(format!("facets: {} rows read", keys.len()));
    let mut found = cut(keys, InboxSort::MostUnhappy, after, limit);
    found.total = total;
    found.capped = capped;
    Ok(Some(found))
}

/// Newest first, a search matching more than a few: the packed blocks are
/// visited newest first by their bounds. In each, the ids the filters'
/// statuses, labels and platforms let through, in the search's (and the
/// watch's) sets, within the dates and past `after` are candidates, ranked
/// by their packed times; the visit stops at the first block too old to
/// hold one of the best `want`. Rows are read only for the page, and for
/// mentions whose time or facets are not packed. A walk of the newest
/// index reads every row the filters leave out, 100,000 of them for a
/// common word on a narrow platform (90 ms on a million); this reads
/// 7 bytes an id and the search's ids over the same range.
///
/// With `count`, it counts on past the page until more than `walk_count`
/// are found (the total is then "at least"), every block is read (exact),
/// or `block_budget` blocks have been read for counting alone. None when a
/// filter's value has no code.
fn newest_matches(
    conn: &Connection,
    filter: &Filter,
    sets: &mut Sets,
    after: Option<&Key>,
    want: usize,
    count: bool,
    limits: &Limits,
) -> Result<Option<Found>> {
    let Some(wanted) =
        facets::Wanted::new(conn, &filter.statuses, &filter.labels, &filter.platforms)?
    else {
        return Ok(None);
    };
    // The watch is read by id range, even a big one: blocks come mostly in
    // id order.
    if let (Some(w), None) = (filter.watch, &sets.watch) {
        sets.watch = Some(IdSet::new(WATCH_IN_RANGE, Value::Integer(w), false));
    }
    let from = filter.from.as_deref().map_or(0, facets::time_of);
    let before = filter.to.as_deref().map(facets::time_of);
    let after_at = after.map(|a| (seconds(&a.created_at), a.id));
    let through = facets::through(conn)?;
    // Newest first: (time, id), the best `want` found so far.
    let mut best: Vec<(i64, i64)> = Vec::new();
    let mut total: i64 = 0;
    // Mentions whose rows must say: those not packed yet, and those whose
    // time is not packed.
    let from_rows = |ids: Vec<i64>, best: &mut Vec<(i64, i64)>, total: &mut i64| {
        if ids.is_empty() {
            return Ok::<(), Error>(());
        }
        for k in collect_ids(conn, filter, ids.into_iter())? {
            *total += 1;
            if after.is_none_or(|a| k.cmp(a, InboxSort::Newest) == Ordering::Greater) {
                best.push((seconds(&k.created_at), k.id));
            }
        }
        Ok(())
    };
    let mut ahead: i64 = 4 * 1024;
    sets.cover_down(conn, through.saturating_add(1), i64::MAX, 0)?;
    let unpacked = sets.ids_between(through.saturating_add(1), i64::MAX);
    from_rows(unpacked, &mut best, &mut total)?;
    let rank = |best: &mut Vec<(i64, i64)>| {
        best.sort_unstable_by(|a, b| b.cmp(a));
        best.truncate(want);
    };
    rank(&mut best);
    // Blocks that may hold a time in the dates and not after `after`.
    let newest_wanted = match (before, after_at) {
        (Some(b), Some((a, _))) => (b.saturating_sub(1) as i64).min(a),
        (Some(b), None) => b.saturating_sub(1) as i64,
        (None, Some((a, _))) => a,
        (None, None) => facets::UNKNOWN_TIME as i64,
    }
    .clamp(0, facets::UNKNOWN_TIME as i64) as u32;
    let mut stmt = conn.prepare_cached(facets::BLOCKS_NEWEST_FIRST).db()?;
    let mut blocks = stmt.query(params![from, newest_wanted]).db()?;
    let (mut visited, mut counting_only, mut capped) = (0usize, 0usize, false);
    let mut unknown = Vec::new();
    while let Some(row) = blocks.next().db()? {
        let b: i64 = row.get(0).db()?;
        let newest: u32 = row.get(1).db()?;
        let lo = b * facets::BLOCK;
        if lo > through || lo < 0 {
            continue;
        }
        if best.len() >= want {
            rank(&mut best);
        }
        let page_final = best.len() >= want && i64::from(newest) < best[want - 1].0;
        if page_final {
            if !count || total > limits.walk_count || counting_only >= limits.block_budget {
                capped = true;
                break;
            }
            counting_only += 1;
        }
        visited += 1;
        if sets.cover_down(conn, lo, lo + facets::BLOCK - 1, ahead)? {
            ahead = (ahead * 2).min(64 * 1024);
        }
        let keys = row
            .get_ref(2)
            .db()?
            .as_blob()
            .map_err(|e| Error::Database(e.to_string()))?;
        // The ids in every set, 64 at a time, then their entries.
        for w in 0..(facets::BLOCK / 64) {
            let word = lo / 64 + w;
            let mut bits = sets.word(word as usize);
            while bits != 0 {
                let bit = bits.trailing_zeros() as i64;
                bits &= bits - 1;
                let id = word * 64 + bit;
                if id > through {
                    continue;
                }
                let Some(t) = facets::wanted_time(keys, (id - lo) as usize, &wanted) else {
                    continue;
                };
                if t == facets::UNKNOWN_TIME {
                    unknown.push(id);
                    continue;
                }
                if t < from || before.is_some_and(|b| t >= b) {
                    continue;
                }
                total += 1;
                let at = (i64::from(t), id);
                if !page_final && after_at.is_none_or(|a| at < a) {
                    best.push(at);
                }
            }
        }
        from_rows(std::mem::take(&mut unknown), &mut best, &mut total)?;
    }
    rank(&mut best);
    let read = |s: &Option<IdSet>| s.as_ref().map_or(0, |s| s.read);
    note(format!(
        "blocks newest: {visited} read, {total} found (search ids read {}, watch ids read {})",
        read(&sets.search),
        read(&sets.watch)
    ));
    // The page's rows, each checked again against every filter.
    let mut page = collect_ids(conn, filter, best.iter().map(|&(_, id)| id))?;
    page.retain(|k| after.is_none_or(|a| k.cmp(a, InboxSort::Newest) == Ordering::Greater));
    page.sort_by(|a, b| a.cmp(b, InboxSort::Newest));
    // As a walk does, it says "more than `walk_count`" past it, even when
    // it read on (every block that could hold a page's mention).
    let capped = capped || total > limits.walk_count;
    Ok(Some(Found {
        page,
        total: if capped {
            total.min(limits.walk_count)
        } else {
            total
        },
        capped,
    }))
}

/// Seconds since 1970 of a stored time (RFC 3339, whole seconds, so this
/// orders as the text does).
fn seconds(created_at: &str) -> i64 {
    clock::parse(created_at).map_or(i64::MIN, |t| t.unix_timestamp())
}

/// A word being typed is spelled out as at most this many words.
const MAX_SPELLED: usize = 64;
/// The index's words from ?1 up to (not including) ?2.
const WORDS_BETWEEN: &str =
    "SELECT term FROM mentions_words WHERE term >= ?1 AND term < ?2 LIMIT ?3";

/// The search as an FTS5 query, and whether it still has a prefix.
///
/// A word being typed ("pedal" of "pedals") is spelled out as the index's
/// words it starts ("pedal" OR "pedals"), which FTS5 reads lazily, an id
/// range at a time: listing them costs about what reading their matches
/// once does (15 ms for two words in a third of a million mentions, where
/// the prefix read takes 70 ms and is needed whole for every id range).
/// Only for words of three or more ASCII letters and digits, which the
/// index folds to lower case and nothing else (a shorter one starts too
/// many words to list), starting at most `MAX_SPELLED` words.
fn fts_of(conn: &Connection, search: &Search) -> Result<(String, bool)> {
    let Some(typed) = search.typing_ascii().filter(|t| t.len() >= 3) else {
        return Ok((search.fts_query(), search.has_prefix()));
    };
    // Every word starting with `typed` sorts before `typed` with its last
    // letter raised by one (still an ASCII character).
    let mut upper = typed.as_bytes().to_vec();
    if let Some(last) = upper.last_mut() {
        *last += 1;
    }
    let upper = String::from_utf8(upper).map_err(|e| Error::Database(e.to_string()))?;
    let mut stmt = conn.prepare_cached(WORDS_BETWEEN).db()?;
    let words = stmt
        .query_map(params![typed, upper, MAX_SPELLED as i64 + 1], |r| {
            r.get::<_, String>(0)
        })
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    note(format!("spelled out: {} words", words.len()));
    if words.len() > MAX_SPELLED {
        return Ok((search.fts_query(), true));
    }
    Ok((search.fts_query_spelled(&words), false))
}

/// What reading costs, in microseconds, measured on a million mentions
/// (benches/search.rs): a walk's row of the order's index; a search's
/// match collected (a table read); a mention collected from the filters'
/// index; an id read into a set.
const WALK_ROW_US: f64 = 0.35;
const SEARCH_ROW_US: f64 = 1.7;
const FILTERED_ROW_US: f64 = 0.35;
const SET_ID_US: f64 = 0.15;

/// What a walk weighs against walking on.
struct Costs {
    /// About how many mentions there are (the highest id).
    mentions: i64,
    /// The search, if any.
    fts: Option<String>,
    /// How many it matches, once counted (None if more than `fallback`).
    matches: std::cell::Cell<Option<Option<i64>>>,
    /// The mentions passing the filters (a status, platform, label or
    /// dates), if there are any; and how many, once counted (None if more
    /// than `fallback`).
    filtered: Option<Filter>,
    /// What counted them (and collects them): a date range of the newest
    /// index when it holds at most `fallback` mentions, since the facets'
    /// index can't seek a date range under a status and platform.
    filtered_sql: std::cell::RefCell<Option<Statement>>,
    filtered_count: std::cell::Cell<Option<Option<i64>>>,
    limits: Limits,
}

/// What to collect instead of walking on.
enum Instead {
    Search,
    Filtered,
}

impl Costs {
    /// After `walked` rows of the order's index, `passed` of them passing
    /// the filters and `found` matching everything, with `want` to find:
    /// what to collect instead, if that is cheaper than walking on.
    fn instead(
        &self,
        conn: &Connection,
        sets: &Sets,
        walked: usize,
        passed: usize,
        found: usize,
        want: usize,
    ) -> Result<Option<Instead>> {
        if walked < self.limits.first_chunk.max(1) * 8 {
            return Ok(None);
        }
        // How many the search matches: known once its set is read whole,
        // else counted (once, as far as `fallback`).
        let matches = match (self.matches.get(), &self.fts, &sets.search) {
            (Some(known), _, _) => known,
            (None, None, _) => None,
            (None, Some(_), Some(set)) if set.whole && set.lo <= set.hi => {
                Some(set.read as i64).filter(|&n| n <= self.limits.fallback)
            }
            (None, Some(q), _) => {
                let n = capped_count(
                    conn,
                    SEARCH_MATCHES,
                    &[Value::Text(q.clone())],
                    self.limits.fallback,
                )?;
                Some(n).filter(|&n| n <= self.limits.fallback)
            }
        };
        self.matches.set(Some(matches));
        let left = (self.mentions as f64 - walked as f64).max(0.0);
        let walk_on = if found == 0 {
            left
        } else {
            ((want - found) as f64 * walked as f64 / found as f64).min(left)
        } * WALK_ROW_US;
        let search = matches
            .map(|n| n as f64 * SEARCH_ROW_US)
            .unwrap_or(f64::INFINITY);
        let set_cost = matches.unwrap_or(self.mentions) as f64 * SET_ID_US;
        let mut filtered = match (&self.filtered, self.filtered_count.get()) {
            (None, _) | (_, Some(None)) => f64::INFINITY,
            (Some(_), Some(Some(n))) => n as f64 * FILTERED_ROW_US + set_cost,
            // Estimated from the walk so far (which may be far from typical:
            // the top of "most unhappy first" is mostly complaints).
            (Some(_), None) => {
                let pass = passed as f64 / walked as f64;
                self.mentions as f64 * pass * FILTERED_ROW_US + set_cost
            }
        };
        // Worth collecting from the filters by the estimate: count them
        // (once, as far as `fallback`) before believing it.
        if filtered < search && walk_on > filtered * self.limits.give_up_ratio {
            if let (Some(plain), None) = (&self.filtered, self.filtered_count.get()) {
                let sql = plain
                    .counting_source(conn, self.limits.fallback)?
                    .select(plain);
                let n = capped_count(conn, &sql.text, &sql.params, self.limits.fallback)?;
                *self.filtered_sql.borrow_mut() = Some(sql);
                let n = Some(n).filter(|&n| n <= self.limits.fallback);
                self.filtered_count.set(Some(n));
                filtered = n.map_or(f64::INFINITY, |n| n as f64 * FILTERED_ROW_US + set_cost);
            }
        }
        let (cost, instead) = if search <= filtered {
            (search, Instead::Search)
        } else {
            (filtered, Instead::Filtered)
        };
        Ok((walk_on > cost * self.limits.give_up_ratio).then_some(instead))
    }
}

/// Every mention the search matches that passes the filters.
fn collect_search(conn: &Connection, filter: &Filter, fts: &str) -> Result<Vec<Key>> {
    let residual = filter.sql(false);
    let mut params = vec![Value::Text(fts.to_string())];
    params.extend(residual.params);
    collect(
        conn,
        &format!(
            "SELECT {KEY_COLUMNS} FROM mentions_fts f CROSS JOIN mentions m ON m.id = f.rowid
             WHERE f.mentions_fts MATCH ? {}",
            and_all(&residual.clauses)
        ),
        &params,
    )
}

/// Every mention of `ids` that passes the filters (a table read each).
/// The ids go to SQLite as one JSON array, so the reads are one statement's
/// (1.6 µs a mention on a million) rather than a statement run per id
/// (measured at 5-6 µs each, binding and stepping included).
fn collect_ids(
    conn: &Connection,
    filter: &Filter,
    ids: impl Iterator<Item = i64>,
) -> Result<Vec<Key>> {
    use std::fmt::Write;
    let residual = filter.sql(false);
    let mut json = String::from("[");
    for (i, id) in ids.enumerate() {
        if i > 0 {
            json.push(',');
        }
        let _ = write!(json, "{id}");
    }
    json.push(']');
    let mut params = vec![Value::Text(json)];
    params.extend(residual.params);
    collect(
        conn,
        &format!(
            "SELECT {KEY_COLUMNS} FROM json_each(?) e CROSS JOIN mentions m ON m.id = e.value
             WHERE 1 {}",
            and_all(&residual.clauses)
        ),
        &params,
    )
}

/// Sorts collected keys and cuts the page after `after`.
fn cut(mut keys: Vec<Key>, sort: InboxSort, after: Option<&Key>, limit: usize) -> Found {
    let total = keys.len() as i64;
    keys.sort_by(|a, b| a.cmp(b, sort));
    let start = match after {
        Some(a) => keys.partition_point(|k| k.cmp(a, sort) != Ordering::Greater),
        None => 0,
    };
    let page = keys.drain(start..).take(limit + 1).collect();
    Found {
        page,
        total,
        capped: false,
    }
}

fn collect(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Key>> {
    let mut stmt = conn.prepare_cached(sql).db()?;
    let rows = stmt
        .query_map(params_from_iter(params.iter()), key_of)
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// How many rows `select` returns, counting no further than `cap + 1`.
fn capped_count(conn: &Connection, select: &str, params: &[Value], cap: i64) -> Result<i64> {
    conn.prepare_cached(&format!(
        "SELECT count(*) FROM ({select} LIMIT {})",
        cap + 1
    ))
    .db()?
    .query_row(params_from_iter(params.iter()), |r| r.get(0))
    .db()
}

/// The ids matching one condition (the search, or a watch), read from its
/// own index an id range at a time as a walk reaches them, or all at once.
struct IdSet {
    /// Selects the ids matching `param` (?1) between ?2 and ?3.
    select: &'static str,
    param: Value,
    /// Read everything on first use.
    whole: bool,
    /// The id range read so far (empty when `lo > hi`).
    lo: i64,
    hi: i64,
    /// Ids from 0, a bit each; any others (never made by SQLite's
    /// rowids, but possible) in `other`.
    bits: Vec<u64>,
    other: HashSet<i64>,
    /// How many ids have been read.
    read: usize,
}

impl IdSet {
    /// Every match of the search `fts`, read now.
    fn search_whole(conn: &Connection, fts: &str) -> Result<IdSet> {
        let mut set = IdSet::new(SEARCH_IN_RANGE, Value::Text(fts.to_string()), true);
        set.cover(conn, i64::MIN, i64::MAX)?;
        Ok(set)
    }

    fn new(select: &'static str, param: Value, whole: bool) -> IdSet {
        IdSet {
            select,
            param,
            whole,
            lo: 1,
            hi: 0,
            bits: Vec::new(),
            other: HashSet::new(),
            read: 0,
        }
    }

    /// Makes sure every id from `lo` to `hi` has been read.
    fn cover(&mut self, conn: &Connection, lo: i64, hi: i64) -> Result<()> {
        let (lo, hi) = if self.whole {
            (i64::MIN, i64::MAX)
        } else {
            (lo, hi)
        };
        if self.lo > self.hi {
            self.read(conn, lo, hi)?;
            (self.lo, self.hi) = (lo, hi);
            return Ok(());
        }
        if lo < self.lo {
            self.read(conn, lo, self.lo - 1)?;
            self.lo = lo;
        }
        if hi > self.hi {
            self.read(conn, self.hi + 1, hi)?;
            self.hi = hi;
        }
        Ok(())
    }

    fn read(&mut self, conn: &Connection, lo: i64, hi: i64) -> Result<()> {
        let mut stmt = conn.prepare_cached(self.select).db()?;
        let mut rows = stmt.query(params![self.param, lo, hi]).db()?;
        while let Some(r) = rows.next().db()? {
            let id: i64 = r.get(0).db()?;
            self.read += 1;
            match usize::try_from(id) {
                Ok(i) if i < (1 << 40) => {
                    let word = i / 64;
                    if word >= self.bits.len() {
                        self.bits.resize(word + 1, 0);
                    }
                    self.bits[word] |= 1 << (i % 64);
                }
                _ => {
                    self.other.insert(id);
                }
            }
        }
        Ok(())
    }

    /// Every id read, in order.
    fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        let mut other: Vec<i64> = self.other.iter().copied().collect();
        other.sort_unstable();
        self.bits
            .iter()
            .enumerate()
            .flat_map(|(w, &bits)| {
                (0..64)
                    .filter(move |b| bits & (1u64 << b) != 0)
                    .map(move |b| (w * 64 + b) as i64)
            })
            .chain(other)
    }

    /// The ids read from `lo` to `hi`, in order.
    fn ids_between(&self, lo: i64, hi: i64) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .other
            .iter()
            .copied()
            .filter(|id| (lo..=hi).contains(id))
            .collect();
        let first = usize::try_from(lo.max(0) / 64).unwrap_or(usize::MAX);
        for (w, &bits) in self.bits.iter().enumerate().skip(first) {
            for b in 0..64 {
                let id = (w * 64 + b) as i64;
                if bits & (1u64 << b) != 0 && (lo..=hi).contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable();
        ids
    }

    /// Whether `id` (in a range covered) matches.
    fn contains(&self, id: i64) -> bool {
        match usize::try_from(id) {
            Ok(i) if i < (1 << 40) => self
                .bits
                .get(i / 64)
                .is_some_and(|w| w & (1 << (i % 64)) != 0),
            _ => self.other.contains(&id),
        }
    }
}

/// The conditions a walk or a collect checks beyond the order's index:
/// the search and the watch.
struct Sets {
    search: Option<IdSet>,
    watch: Option<IdSet>,
    /// The watch's id, when it is big: a collect (or a walk most unhappy
    /// first, which meets its mentions soon) looks each mention up rather
    /// than read the watch's ids over a wide range.
    big_watch: Option<i64>,
}

impl Sets {
    fn is_empty(&self) -> bool {
        self.search.is_none() && self.watch.is_none() && self.big_watch.is_none()
    }

    /// Makes sure every set has read `lo..=hi`, reading `ahead` more ids
    /// below it when it reads at all (a visit newest first goes down).
    /// Whether it read.
    fn cover_down(&mut self, conn: &Connection, lo: i64, hi: i64, ahead: i64) -> Result<bool> {
        let mut did = false;
        for set in [self.search.as_mut(), self.watch.as_mut()]
            .into_iter()
            .flatten()
        {
            if set.whole && set.lo <= set.hi || set.lo <= lo && hi <= set.hi {
                continue;
            }
            set.cover(conn, lo.saturating_sub(ahead), hi)?;
            did = true;
        }
        Ok(did)
    }

    /// Bits of ids `64 × w` to `64 × w + 63` in every set (in a range
    /// every set has read).
    fn word(&self, w: usize) -> u64 {
        [self.search.as_ref(), self.watch.as_ref()]
            .into_iter()
            .flatten()
            .fold(u64::MAX, |bits, s| {
                bits & s.bits.get(w).copied().unwrap_or(0)
            })
    }

    /// Whether `id` (in a range every set has read) is in every set.
    fn has(&self, id: i64) -> bool {
        [self.search.as_ref(), self.watch.as_ref()]
            .into_iter()
            .flatten()
            .all(|s| s.contains(id))
    }

    /// The ids from `lo` to `hi` in every set (read over that range), in
    /// order.
    fn ids_between(&self, lo: i64, hi: i64) -> Vec<i64> {
        let Some(first) = self.search.as_ref().or(self.watch.as_ref()) else {
            return Vec::new();
        };
        first
            .ids_between(lo, hi)
            .into_iter()
            .filter(|&id| self.has(id))
            .collect()
    }

    /// Whether `id` is surely in none of the keys `keep` would keep: it is
    /// missing from a set already read whole.
    fn surely_out(&self, id: i64) -> bool {
        [self.search.as_ref(), self.watch.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| s.whole && s.lo <= s.hi && !s.contains(id))
    }

    /// The keys in every set, in the same order. When the keys' ids are
    /// `close` together (a walk newest first), even a big watch is read by
    /// id range.
    fn keep(&mut self, conn: &Connection, keys: Vec<Key>, close: bool) -> Result<Vec<Key>> {
        if self.is_empty() || keys.is_empty() {
            return Ok(keys);
        }
        let lo = keys.iter().map(|k| k.id).min().unwrap_or(0);
        let hi = keys.iter().map(|k| k.id).max().unwrap_or(0);
        // A big watch is looked up mention by mention unless the ids are close.
        let lookups = self.big_watch.filter(|_| !close);
        if let (Some(w), true) = (self.big_watch, close) {
            self.watch
                .get_or_insert_with(|| IdSet::new(WATCH_IN_RANGE, Value::Integer(w), false));
        }
        let watch_set = if lookups.is_some() {
            None
        } else {
            self.watch.as_mut()
        };
        if let Some(set) = self.search.as_mut() {
            set.cover(conn, lo, hi)?;
        }
        let watch_set = match watch_set {
            Some(set) => {
                set.cover(conn, lo, hi)?;
                Some(&*set)
            }
            None => None,
        };
        let mut in_watch = match lookups {
            Some(_) => Some(conn.prepare_cached(IN_WATCH).db()?),
            None => None,
        };
        let mut kept = Vec::with_capacity(keys.len());
        for key in keys {
            let found = [self.search.as_ref(), watch_set]
                .into_iter()
                .flatten()
                .all(|s| s.contains(key.id));
            if !found {
                continue;
            }
            if let (Some(stmt), Some(w)) = (in_watch.as_mut(), lookups) {
                if !stmt.exists(params![key.id, w]).db()? {
                    continue;
                }
            }
            kept.push(key);
        }
        Ok(kept)
    }
}

/// The order's index, its ORDER BY, and the keyset after `after`.
struct Order {
    index: &'static str,
    by: String,
    after: Sql,
}

fn order_sql(sort: InboxSort, after: Option<&Key>) -> Order {
    let mut keyset = Sql {
        clauses: Vec::new(),
        params: Vec::new(),
    };
    match sort {
        InboxSort::Newest => {
            if let Some(a) = after {
                keyset.clauses.push("(m.created_at, m.id) < (?, ?)".into());
                keyset.params.push(Value::Text(a.created_at.clone()));
                keyset.params.push(Value::Integer(a.id));
            }
            Order {
                index: "mentions_newest",
                by: "m.created_at DESC, m.id DESC".into(),
                after: keyset,
            }
        }
        InboxSort::MostUnhappy => {
            if let Some(a) = after {
                // Spelled out rather than as a row value, which SQLite
                // can't match to the expression index (it would scan).
                keyset.clauses.push(format!(
                    "{UNHAPPY_KEY} <= ? AND ({UNHAPPY_KEY} < ? OR ({UNHAPPY_KEY} = ? AND (m.created_at, m.id) < (?, ?)))"
                ));
                let k = Value::Real(a.unhappy);
                keyset.params.extend([k.clone(), k.clone(), k]);
                keyset.params.push(Value::Text(a.created_at.clone()));
                keyset.params.push(Value::Integer(a.id));
            }
            Order {
                index: "mentions_unhappiest",
                by: format!("{UNHAPPY_KEY} DESC, m.created_at DESC, m.id DESC"),
                after: keyset,
            }
        }
    }
}

/// Walks the order's index from `after`, returning up to `n` keys
/// passing `filter` (which has no watch: the index can't check one).
fn walk_page(
    conn: &Connection,
    filter: &Filter,
    sort: InboxSort,
    after: Option<&Key>,
    n: usize,
) -> Result<Vec<Key>> {
    let order = order_sql(sort, after);
    let residual = filter.sql(false);
    let mut clauses = order.after.clauses;
    let mut params = order.after.params;
    clauses.extend(residual.clauses);
    params.extend(residual.params);
    collect(
        conn,
        &format!(
            "SELECT {KEY_COLUMNS} FROM mentions m INDEXED BY {} {} ORDER BY {} LIMIT {n}",
            order.index,
            where_sql(&clauses),
            order.by
        ),
        &params,
    )
}

/// How a walk ended.
enum Walked {
    Found(Found),
    /// Collecting is cheaper than walking on.
    GaveUp(Instead),
}

/// Walks the order's index from `after` a chunk of rows at a time,
/// keeping the rows that pass the filters and are in every set, until it
/// has `want` of them and, if `count`, has counted past the cap or spent
/// its budget of rows. With `costs`, it gives up when collecting is
/// cheaper than walking on.
#[allow(clippy::too_many_arguments)]
fn walk(
    conn: &Connection,
    filter: &Filter,
    sets: &mut Sets,
    sort: InboxSort,
    after: Option<&Key>,
    want: usize,
    count: bool,
    costs: Option<&Costs>,
    limits: &Limits,
) -> Result<Walked> {
    let mut page = Vec::with_capacity(want);
    let mut total: i64 = 0;
    let (mut walked, mut passed, mut spent) = (0usize, 0usize, 0usize);
    let mut chunk_size = limits.first_chunk.max(1);
    let mut pos = after.cloned();
    let said = |walked: usize, passed: usize, total: i64, sets: &Sets| {
        let read = |s: &Option<IdSet>| s.as_ref().map_or(0, |s| s.read);
        note(format!(
            "walk {sort:?}: {walked} rows, {passed} passed, {total} found (search ids read {}, watch ids read {})",
            read(&sets.search),
            read(&sets.watch)
        ));
    };
    loop {
        let chunk = walk_chunk(conn, filter, sets, sort, pos.as_ref(), chunk_size)?;
        let Some(last) = chunk.last else {
            break;
        };
        walked += chunk.rows;
        passed += chunk.filtered;
        let looked_up = if sets.big_watch.is_some() && sort == InboxSort::MostUnhappy {
            chunk.passed.len()
        } else {
            0
        };
        // A lookup costs about what reading eight rows of the index does.
        spent += chunk.rows + looked_up * 8;
        for key in sets.keep(conn, chunk.passed, sort == InboxSort::Newest)? {
            total += 1;
            if page.len() < want {
                page.push(key);
            }
        }
        if chunk.rows < chunk_size {
            break;
        }
        if page.len() >= want {
            if !count || total > limits.walk_count || spent >= limits.walk_budget {
                said(walked, passed, total, sets);
                return Ok(Walked::Found(Found {
                    page,
                    total: total.min(limits.walk_count),
                    capped: count,
                }));
            }
        } else if let Some(costs) = costs {
            if let Some(instead) = costs.instead(conn, sets, walked, passed, page.len(), want)? {
                said(walked, passed, total, sets);
                return Ok(Walked::GaveUp(instead));
            }
        }
        pos = Some(last);
        chunk_size = (chunk_size * 2).min(8_192);
        if page.len() >= want {
            // Only counting now: no further than the budget.
            chunk_size = chunk_size.min(limits.walk_budget.saturating_sub(spent).max(1));
        }
    }
    said(walked, passed, total, sets);
    Ok(Walked::Found(Found {
        page,
        total,
        capped: false,
    }))
}

/// `rows` rows of the order's index after `after`: how many pass `filter`
/// (a watch aside), the keys of those that may be in the sets, and the last
/// row's key.
struct Chunk {
    rows: usize,
    filtered: usize,
    passed: Vec<Key>,
    last: Option<Key>,
}

/// Reads exactly `n` rows of the order's index (fewer at its end), so a
/// walk's cost is what it reads, however few pass: the filters are a
/// column of the result rather than a condition SQLite would skip rows for.
/// Newest first, dates bound the walk instead. A row that fails the
/// filters, or is missing from a set already read whole, costs no more
/// than reading it (its key is not copied out: most rows of a sparse walk).
fn walk_chunk(
    conn: &Connection,
    filter: &Filter,
    sets: &Sets,
    sort: InboxSort,
    after: Option<&Key>,
    n: usize,
) -> Result<Chunk> {
    let order = order_sql(sort, after);
    let (bounds, rest) = match sort {
        InboxSort::Newest => filter.split_dates(),
        InboxSort::MostUnhappy => (Filter::none(), filter.clone()),
    };
    let bounds = bounds.sql(false);
    let rest = rest.sql(false);
    let mut clauses = order.after.clauses;
    let mut params = rest.params;
    params.extend(order.after.params);
    clauses.extend(bounds.clauses);
    params.extend(bounds.params);
    let pass = if rest.clauses.is_empty() {
        "1".to_string()
    } else {
        format!("({})", rest.clauses.join(" AND "))
    };
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS}, {pass} FROM mentions m INDEXED BY {} {} ORDER BY {} LIMIT {n}",
            order.index,
            where_sql(&clauses),
            order.by
        ))
        .db()?;
    let mut rows = stmt.query(params_from_iter(params.iter())).db()?;
    let mut chunk = Chunk {
        rows: 0,
        filtered: 0,
        passed: Vec::new(),
        last: None,
    };
    // The last row's key, kept without allocating for every row.
    let (mut last_id, mut last_unhappy, mut last_at) = (0i64, 0f64, String::new());
    while let Some(r) = rows.next().db()? {
        chunk.rows += 1;
        let id: i64 = r.get(0).db()?;
        let unhappy: f64 = r.get(2).db()?;
        let at = r
            .get_ref(1)
            .db()?
            .as_str()
            .map_err(|e| Error::Database(e.to_string()))?;
        last_id = id;
        last_unhappy = unhappy;
        last_at.clear();
        last_at.push_str(at);
        // NULL (an unscored mention's label against a label filter) fails.
        if r.get::<_, Option<bool>>(3).db()? != Some(true) {
            continue;
        }
        chunk.filtered += 1;
        if !sets.surely_out(id) {
            chunk.passed.push(Key {
                unhappy,
                created_at: at.to_string(),
                id,
            });
        }
    }
    if chunk.rows > 0 {
        chunk.last = Some(Key {
            unhappy: last_unhappy,
            created_at: last_at,
            id: last_id,
        });
    }
    Ok(chunk)
}

/// The query's filters, other than search.
#[derive(Clone)]
struct Filter {
    statuses: Vec<&'static str>,
    platforms: Vec<&'static str>,
    labels: Vec<&'static str>,
    /// `created_at` bounds: from (inclusive), to (exclusive).
    from: Option<String>,
    to: Option<String>,
    watch: Option<i64>,
}

/// SQL clauses over `mentions m`, with their parameters in order.
struct Sql {
    clauses: Vec<String>,
    params: Vec<Value>,
}

/// A whole statement and its parameters.
struct Statement {
    text: String,
    params: Vec<Value>,
}

/// The index a count (and a collect) reads.
enum Source {
    /// A date range of `mentions_newest` small enough to read whole.
    Dates,
    /// `mentions_facets`: status, platform and label ranges.
    Facets,
    /// The newest index from the top (nothing narrower).
    Newest,
}

impl Source {
    fn select(&self, filter: &Filter) -> Statement {
        let (index, sql) = match self {
            Source::Dates | Source::Newest => ("mentions_newest", filter.sql(false)),
            Source::Facets => ("mentions_facets", filter.sql(true)),
        };
        Statement {
            text: format!(
                "SELECT {KEY_COLUMNS} FROM mentions m INDEXED BY {index} {}",
                where_sql(&sql.clauses)
            ),
            params: sql.params,
        }
    }
}

impl Filter {
    fn new(conn: &Connection, q: &InboxQuery) -> Result<Filter> {
        let (from, to) = day_range(
            q.from.as_deref(),
            q.to.as_deref(),
            clock::utc_offset(q.utc_offset_minutes),
        )?;
        if let Some(w) = q.watch_id {
            let exists = conn
                .prepare_cached("SELECT 1 FROM watches WHERE id = ?1")
                .db()?
                .exists([w])
                .db()?;
            if !exists {
                return Err(Error::NotFound(format!("Watch {w}")));
            }
        }
        fn set<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
            let mut v: Vec<&'static str> = values.iter().map(|x| name(*x)).collect();
            v.sort_unstable();
            v.dedup();
            v
        }
        Ok(Filter {
            statuses: set(&q.statuses, MentionStatus::as_str),
            platforms: set(&q.platforms, Platform::as_str),
            labels: set(&q.labels, Label::as_str),
            from,
            to,
            watch: q.watch_id,
        })
    }

    fn has_facets(&self) -> bool {
        !(self.statuses.is_empty() && self.platforms.is_empty() && self.labels.is_empty())
    }

    /// Any filter the order's indexes can check (all but the watch).
    fn has_clauses(&self) -> bool {
        self.has_facets() || self.from.is_some() || self.to.is_some()
    }

    /// The dates alone, and the rest.
    fn split_dates(&self) -> (Filter, Filter) {
        (
            Filter {
                from: self.from.clone(),
                to: self.to.clone(),
                ..Filter::none()
            },
            Filter {
                from: None,
                to: None,
                ..self.clone()
            },
        )
    }

    fn none() -> Filter {
        Filter {
            statuses: Vec::new(),
            platforms: Vec::new(),
            labels: Vec::new(),
            from: None,
            to: None,
            watch: None,
        }
    }

    /// The same filters without the watch.
    fn without_watch(&self) -> Filter {
        Filter {
            watch: None,
            ..self.clone()
        }
    }

    /// The index that answers "how many" reading fewest rows (for
    /// filters without a watch).
    fn counting_source(&self, conn: &Connection, cap: i64) -> Result<Source> {
        if self.from.is_some() || self.to.is_some() {
            let dates = Filter {
                statuses: Vec::new(),
                platforms: Vec::new(),
                labels: Vec::new(),
                watch: None,
                from: self.from.clone(),
                to: self.to.clone(),
            }
            .sql(false);
            let rows = capped_count(
                conn,
                &format!(
                    "SELECT m.id FROM mentions m INDEXED BY mentions_newest {}",
                    where_sql(&dates.clauses)
                ),
                &dates.params,
                cap,
            )?;
            if rows <= cap {
                return Ok(Source::Dates);
            }
        }
        Ok(if self.has_facets() {
            Source::Facets
        } else {
            Source::Newest
        })
    }

    /// The filters as SQL. With `seek`, empty status and platform filters
    /// are spelled out as every value, so that SQLite can seek
    /// `mentions_facets` (status, platform, label, …) range by range
    /// instead of reading it all. (Statuses are a closed set, checked by
    /// the table; platforms are only ever written from `Platform`.)
    fn sql(&self, seek: bool) -> Sql {
        let mut s = Sql {
            clauses: Vec::new(),
            params: Vec::new(),
        };
        let all_platforms: Vec<&'static str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
        let statuses: &[&str] = if seek && self.statuses.is_empty() {
            &ALL_STATUSES
        } else {
            &self.statuses
        };
        let platforms: &[&str] = if seek && self.platforms.is_empty() {
            &all_platforms
        } else {
            &self.platforms
        };
        s.any_of("m.status", statuses);
        s.any_of("m.platform", platforms);
        s.any_of("m.label", &self.labels);
        if let Some(from) = &self.from {
            s.clauses.push("m.created_at >= ?".into());
            s.params.push(Value::Text(from.clone()));
        }
        if let Some(to) = &self.to {
            s.clauses.push("m.created_at < ?".into());
            s.params.push(Value::Text(to.clone()));
        }
        if let Some(w) = self.watch {
            s.clauses.push(
                "EXISTS (SELECT 1 FROM mention_watches mw WHERE mw.mention_id = m.id AND mw.watch_id = ?)"
                    .into(),
            );
            s.params.push(Value::Integer(w));
        }
        s
    }
}

impl Sql {
    /// `column IN (…)`, or nothing when `values` is empty (any value).
    fn any_of(&mut self, column: &str, values: &[&str]) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.clauses.push(format!("{column} IN ({marks})"));
        self.params
            .extend(values.iter().map(|v| Value::Text(v.to_string())));
    }
}

fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}

fn and_all(clauses: &[String]) -> String {
    clauses.iter().map(|c| format!("AND {c} ")).collect()
}

/// `from` and `to` (`YYYY-MM-DD`, inclusive, the owner's days at `offset`)
/// as bounds on `created_at` (UTC): from the owner's midnight starting
/// `from` to before the midnight ending `to`. One offset serves both ends,
/// as on the Dashboard: a daylight-saving change inside the range moves the
/// older end by the hour of the change.
fn day_range(
    from: Option<&str>,
    to: Option<&str>,
    offset: time::UtcOffset,
) -> Result<(Option<String>, Option<String>)> {
    let from = from.map(str::trim).filter(|s| !s.is_empty());
    let to = to.map(str::trim).filter(|s| !s.is_empty());
    let parse = |s: &str, which: &str| -> Result<time::Date> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(s, format).map_err(|_| {
            Error::invalid(format!(
                "The {which} date \"{}\" isn't a date Hearken understands. Write it as year-month-day, for example 2026-11-30.",
                s.chars().take(40).collect::<String>()
            ))
        })
    };
    let from_day = from.map(|s| parse(s, "\"from\"")).transpose()?;
    let to_day = to.map(|s| parse(s, "\"to\"")).transpose()?;
    if let (Some(f), Some(t)) = (from_day, to_day) {
        if f > t {
            return Err(Error::invalid(format!(
                "The \"from\" date ({f}) is after the \"to\" date ({t}), so nothing could match. Swap them, or clear one."
            )));
        }
    }
    let start = |d: time::Date| clock::format(d.midnight().assume_offset(offset));
    Ok((
        from_day.map(start),
        to_day.map(|t| {
            t.next_day()
                .map(start)
                .unwrap_or_else(|| "9999-12-31T23:59:60Z".into())
        }),
    ))
}

/// Everything the detail pane shows about one mention.
pub fn detail(conn: &Connection, id: i64) -> Result<MentionDetail> {
    let mention = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM mentions WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()
        .db()?
        .ok_or_else(|| not_found(id))?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT w.id, w.name FROM mention_watches mw JOIN watches w ON w.id = mw.watch_id
             WHERE mw.mention_id = ?1 ORDER BY w.name COLLATE NOCASE",
        )
        .db()?;
    let watches = stmt
        .query_map([id], |r| {
            Ok(WatchRef {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    let corrections = corrections_of(conn, id)?;
    let source_label = match mention.source_id {
        Some(s) => conn
            .query_row("SELECT label FROM sources WHERE id = ?1", [s], |r| r.get(0))
            .optional()
            .db()?,
        None => None,
    };
    Ok(MentionDetail {
        mention,
        watches,
        corrections,
        source_label,
        outreach: super::outreach::views(
            conn,
            super::outreach::for_mention(conn, id)?,
            &crate::clock::now_string(),
        )?,
        do_not_contact: None,
    })
}

/// A mention's label corrections, oldest first.
pub(crate) fn corrections_of(conn: &Connection, id: i64) -> Result<Vec<LabelCorrection>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT from_label, to_label, corrected_at FROM label_corrections
             WHERE mention_id = ?1 ORDER BY corrected_at, id",
        )
        .db()?;
    let rows = stmt
        .query_map([id], |r| {
            let from: Option<String> = r.get(0)?;
            let to: String = r.get(1)?;
            Ok((from, to, r.get::<_, String>(2)?))
        })
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(rows
        .into_iter()
        .filter_map(|(from, to, at)| {
            Some(LabelCorrection {
                from: from.as_deref().and_then(Label::parse),
                to: Label::parse(&to)?,
                at,
            })
        })
        .collect())
}

/// A label correction as exported: which post (by platform and the
/// platform's id, which outlive Hearken's row ids), from what, to what, when.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportedCorrection {
    pub platform: String,
    pub external_id: String,
    pub from: Option<Label>,
    pub to: Label,
    pub at: String,
}

/// Every label correction, oldest first, for exports.
pub fn all_corrections(conn: &Connection) -> Result<Vec<ExportedCorrection>> {
    let mut stmt = conn
        .prepare(
            "SELECT m.platform, m.external_id, c.from_label, c.to_label, c.corrected_at
             FROM label_corrections c JOIN mentions m ON m.id = c.mention_id
             ORDER BY c.corrected_at, c.id",
        )
        .db()?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(rows
        .into_iter()
        .filter_map(|(platform, external_id, from, to, at)| {
            Some(ExportedCorrection {
                platform,
                external_id,
                from: from.as_deref().and_then(Label::parse),
                to: Label::parse(&to)?,
                at,
            })
        })
        .collect())
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("Mention {id}"))
}

/// Fails, changing nothing, if any of `ids` is not stored.
fn check_all_exist(tx: &Transaction<'_>, ids: &[i64]) -> Result<()> {
    let mut stmt = tx
        .prepare_cached("SELECT 1 FROM mentions WHERE id = ?1")
        .db()?;
    for &id in ids {
        if !stmt.exists([id]).db()? {
            return Err(not_found(id));
        }
    }
    Ok(())
}

fn unique(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Moves mentions to `status`; returns how many changed (those already
/// there are left as they were). Any unknown id fails the whole change.
pub fn set_status(
    tx: &Transaction<'_>,
    ids: &[i64],
    status: MentionStatus,
    now: &str,
) -> Result<i64> {
    let ids = unique(ids);
    check_all_exist(tx, &ids)?;
    let mut stmt = tx
        .prepare_cached(
            "UPDATE mentions SET status = ?2, status_changed_at = ?3
             WHERE id = ?1 AND status IS NOT ?2",
        )
        .db()?;
    let mut changed = 0;
    for id in ids {
        changed += stmt.execute(params![id, status.as_str(), now]).db()? as i64;
    }
    Ok(changed)
}

/// The owner's label for a mention. The label shown before is recorded as
/// a correction; what triage said (`model_label`) is kept, and re-scoring
/// never overwrites the owner's label.
pub fn correct_label(
    tx: &Transaction<'_>,
    id: i64,
    label: Label,
    now: &str,
) -> Result<MentionDetail> {
    let shown: Option<String> = tx
        .query_row("SELECT label FROM mentions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .db()?
        .ok_or_else(|| not_found(id))?;
    if shown.as_deref() != Some(label.as_str()) {
        tx.execute(
            "INSERT INTO label_corrections (mention_id, from_label, to_label, corrected_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, shown, label.as_str(), now],
        )
        .db()?;
        tx.execute(
            "UPDATE mentions SET label = ?2, corrected_at = ?3 WHERE id = ?1",
            params![id, label.as_str(), now],
        )
        .db()?;
    }
    detail(tx, id)
}

/// Marks mentions as opened; returns how many were unread. Ids no longer
/// stored are skipped (the owner may have had a removed one on screen).
pub fn mark_seen(tx: &Transaction<'_>, ids: &[i64], now: &str) -> Result<i64> {
    let mut stmt = tx
        .prepare_cached("UPDATE mentions SET seen_at = ?2 WHERE id = ?1 AND seen_at IS NULL")
        .db()?;
    let mut changed = 0;
    for id in unique(ids) {
        changed += stmt.execute(params![id, now]).db()? as i64;
    }
    Ok(changed)
}

/// The sidebar's, tray's and Inbox header's counts.
pub fn counts(conn: &Connection) -> Result<InboxCounts> {
    let count = |sql: &str| -> Result<i64> {
        conn.prepare_cached(sql)
            .db()?
            .query_row([], |r| r.get(0))
            .db()
    };
    Ok(InboxCounts {
        unread: count("SELECT count(*) FROM mentions WHERE seen_at IS NULL")?,
        unread_unhappy: count(
            "SELECT count(*) FROM mentions
             WHERE seen_at IS NULL AND label IN ('complaint', 'negative')",
        )?,
        needs_reply: count("SELECT count(*) FROM mentions WHERE status = 'needs_reply'")?,
        // Every platform spelled out, so SQLite seeks mentions_facets
        // (status, platform, label) rather than reading every new mention.
        open_complaints: count(&format!(
            "SELECT count(*) FROM mentions
             WHERE status IN ('new', 'needs_reply') AND platform IN ({}) AND label = 'complaint'",
            Platform::ALL
                .iter()
                .map(|p| format!("'{}'", p.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mention;
    use crate::store::mentions::{store_batch, NewMention};
    use crate::store::Store;

    /// One stored mention of the fixture, as the test expects to find it.
    #[derive(Debug, Clone)]
    struct Row {
        id: i64,
        external_id: String,
        platform: Platform,
        created_at: String,
        label: Option<Label>,
        concern: Option<f64>,
        status: MentionStatus,
        watches: Vec<i64>,
        text: String,
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        store
            .write(|tx| {
                for (id, name) in [(1, "Shop name"), (2, "Market")] {
                    tx.execute(
                        "INSERT INTO watches (id, name, purpose, created_at) VALUES (?1, ?2, 'care', 't')",
                        params![id, name],
                    )
                    .db()?;
                }
                Ok(())
            })
            .unwrap();
        (dir, store)
    }

    fn new_mention(i: usize, platform: Platform, at: &str, text: &str) -> NewMention {
        NewMention {
            platform,
            external_id: format!("e{i}"),
            url: None,
            author_id: None,
            author_handle: Some(format!("handle{i}")),
            author_name: Some(format!("Author {i}")),
            text: text.into(),
            language: None,
            created_at: at.into(),
            from_search: false,
        }
    }

    /// Stores `ms` in one batch, none of them caught by a watch.
    fn store_unwatched(store: &Store, ms: &[NewMention]) {
        store
            .write(|tx| {
                let batch: Vec<_> = ms.iter().map(|m| (m, &[][..])).collect();
                store_batch(tx, None, &batch, "t")
            })
            .unwrap();
    }

    /// Stores `n` mentions with every field varied and ties in both sort
    /// keys (three share each timestamp, concern repeats, some unscored).
    fn fixture(store: &Store, n: usize) -> Vec<Row> {
        let platforms = [Platform::X, Platform::Reddit, Platform::Facebook];
        let statuses = [
            MentionStatus::New,
            MentionStatus::NeedsReply,
            MentionStatus::Contacted,
            MentionStatus::Resolved,
            MentionStatus::Ignored,
        ];
        let texts = [
            "Still no refund from Pedal & Pine",
            "Lovely café, great bikes",
            "Rude staff, never again",
            "Does anyone know the opening hours?",
        ];
        let mut rows = Vec::new();
        for i in 0..n {
            let t = i / 3;
            let at = format!("2026-{:02}-{:02}T10:00:00Z", 1 + t % 3, 1 + (t / 3) % 28);
            let platform = platforms[i % 3];
            let text = format!("{} #{i}", texts[i % 4]);
            let label = [
                None,
                Some(Label::Complaint),
                Some(Label::Negative),
                Some(Label::Neutral),
                Some(Label::Positive),
            ][i % 5];
            let concern = label.map(|_| ((i * 7) % 4) as f64 / 4.0);
            let status = statuses[(i / 2) % 5];
            let watches: Vec<i64> = match i % 4 {
                0 => vec![1],
                1 => vec![1, 2],
                2 => vec![2],
                _ => vec![],
            };
            let m = new_mention(i, platform, &at, &text);
            let id = store
                .write(|tx| {
                    store_batch(tx, None, &[(&m, watches.as_slice())], "2026-04-01T00:00:00Z")?;
                    let id = crate::store::mentions::id_of(tx, platform.as_str(), &m.external_id)?
                        .expect("stored");
                    tx.execute(
                        "UPDATE mentions SET label = ?2, model_label = ?2, concern = ?3, status = ?4 WHERE id = ?1",
                        params![id, label.map(|l| l.as_str()), concern, status.as_str()],
                    )
                    .db()?;
                    Ok(id)
                })
                .unwrap();
            rows.push(Row {
                id,
                external_id: m.external_id.clone(),
                platform,
                created_at: at,
                label,
                concern,
                status,
                watches,
                text,
            });
        }
        rows
    }

    /// The defaults, and limits that force each plan on a few rows: walks
    /// with tiny chunks, a tiny cap and budget, every watch big (looked up
    /// most unhappy first); walks that count everything, with every watch
    /// read as a set; and walks that give up at once and collect the
    /// search's matches or the filtered mentions instead.
    const PLANS: [Limits; 5] = [
        LIMITS,
        Limits {
            count_cap: 5,
            few_search: 0,
            few_watch: 0,
            give_up_ratio: f64::INFINITY,
            fallback: 0,
            watch_set: 0,
            walk_count: 5,
            walk_budget: 7,
            block_budget: 1,
            first_chunk: 2,
        },
        Limits {
            count_cap: 1_000_000,
            few_search: 0,
            few_watch: 0,
            give_up_ratio: f64::INFINITY,
            fallback: 1_000_000,
            watch_set: 1_000_000,
            walk_count: 1_000_000,
            walk_budget: 1_000_000,
            block_budget: 1_000_000,
            first_chunk: 3,
        },
        Limits {
            count_cap: 3,
            few_search: 0,
            few_watch: 0,
            give_up_ratio: 0.0,
            fallback: 1_000_000,
            watch_set: 0,
            walk_count: 5,
            walk_budget: 7,
            block_budget: 1,
            first_chunk: 1,
        },
        Limits {
            count_cap: 3,
            few_search: 0,
            few_watch: 0,
            give_up_ratio: 0.0,
            fallback: 0,
            watch_set: 1_000_000,
            walk_count: 3,
            walk_budget: 7,
            block_budget: 1,
            first_chunk: 1,
        },
    ];

    /// Every page of `q`, `limit` at a time; checks `total` on each.
    fn all_pages(store: &Store, q: &InboxQuery, limit: i64, limits: &Limits) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut cursor: Option<MentionCursor> = None;
        let mut first = None;
        loop {
            let page = store
                .read(|c| query_with(c, q, cursor.as_ref(), limit, limits))
                .unwrap();
            assert!(page.mentions.len() as i64 <= limit);
            let (total, capped) = *first.get_or_insert((page.total, page.total_capped));
            assert_eq!(
                (page.total, page.total_capped),
                (total, capped),
                "every page says the same total"
            );
            out.extend(page.mentions);
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        let (total, capped) = first.unwrap();
        if capped {
            assert!(
                out.len() as i64 > total,
                "capped at {total}, found {}",
                out.len()
            );
        } else {
            assert_eq!(out.len() as i64, total);
        }
        out
    }

    fn newest_first(rows: &mut [Row]) {
        rows.sort_by(|a, b| (&b.created_at, b.id).cmp(&(&a.created_at, a.id)));
    }

    fn unhappiest_first(rows: &mut [Row]) {
        let key = |r: &Row| r.concern.unwrap_or(-1.0);
        rows.sort_by(|a, b| {
            key(b)
                .partial_cmp(&key(a))
                .unwrap()
                .then_with(|| (&b.created_at, b.id).cmp(&(&a.created_at, a.id)))
        });
    }

    fn ids(ms: &[Mention]) -> Vec<i64> {
        ms.iter().map(|m| m.id).collect()
    }

    #[test]
    fn both_orders_page_through_everything_without_gaps_or_repeats() {
        let (_d, store) = store();
        let mut rows = fixture(&store, 90);
        for limits in &PLANS {
            for limit in [1, 7, 50, 500] {
                newest_first(&mut rows);
                let q = InboxQuery::default();
                let got = all_pages(&store, &q, limit, limits);
                let want: Vec<i64> = rows.iter().map(|r| r.id).collect();
                assert_eq!(ids(&got), want, "newest, {limit} a page, {limits:?}");

                unhappiest_first(&mut rows);
                let q = InboxQuery {
                    sort: InboxSort::MostUnhappy,
                    ..Default::default()
                };
                let got = all_pages(&store, &q, limit, limits);
                let want: Vec<i64> = rows.iter().map(|r| r.id).collect();
                assert_eq!(ids(&got), want, "unhappiest, {limit} a page, {limits:?}");
                // Unscored mentions come last.
                let first_unscored = got.iter().position(|m| m.concern.is_none()).unwrap();
                assert!(got[first_unscored..].iter().all(|m| m.concern.is_none()));
            }
        }
    }

    #[test]
    fn every_filter_narrows_and_they_combine() {
        let (_d, store) = store();
        let rows = fixture(&store, 120);
        let cases: Vec<(InboxQuery, Check)> = vec![
            (
                InboxQuery {
                    platforms: vec![Platform::X, Platform::Facebook],
                    ..Default::default()
                },
                Box::new(|r| matches!(r.platform, Platform::X | Platform::Facebook)),
            ),
            (
                InboxQuery {
                    labels: vec![Label::Complaint],
                    ..Default::default()
                },
                Box::new(|r| r.label == Some(Label::Complaint)),
            ),
            (
                InboxQuery {
                    statuses: vec![MentionStatus::New, MentionStatus::NeedsReply],
                    ..Default::default()
                },
                Box::new(|r| matches!(r.status, MentionStatus::New | MentionStatus::NeedsReply)),
            ),
            (
                InboxQuery {
                    watch_id: Some(2),
                    ..Default::default()
                },
                Box::new(|r| r.watches.contains(&2)),
            ),
            (
                InboxQuery {
                    from: Some("2026-02-10".into()),
                    to: Some("2026-02-20".into()),
                    ..Default::default()
                },
                Box::new(|r| {
                    r.created_at.as_str() >= "2026-02-10" && r.created_at.as_str() < "2026-02-21"
                }),
            ),
            (
                InboxQuery {
                    from: Some("2026-03-05".into()),
                    ..Default::default()
                },
                Box::new(|r| r.created_at.as_str() >= "2026-03-05"),
            ),
            (
                InboxQuery {
                    search: "refund".into(),
                    ..Default::default()
                },
                Box::new(|r| r.text.contains("refund")),
            ),
            (
                // A finished word (read by id range, not as a prefix).
                InboxQuery {
                    search: "refund ".into(),
                    statuses: vec![MentionStatus::New, MentionStatus::Resolved],
                    watch_id: Some(1),
                    ..Default::default()
                },
                Box::new(|r| {
                    r.text.contains("refund")
                        && matches!(r.status, MentionStatus::New | MentionStatus::Resolved)
                        && r.watches.contains(&1)
                }),
            ),
            (
                InboxQuery {
                    search: "refund".into(),
                    labels: vec![Label::Complaint, Label::Positive],
                    ..Default::default()
                },
                Box::new(|r| {
                    r.text.contains("refund")
                        && matches!(r.label, Some(Label::Complaint | Label::Positive))
                }),
            ),
            (
                InboxQuery {
                    search: "rude".into(),
                    platforms: vec![Platform::Reddit],
                    labels: vec![Label::Negative, Label::Complaint, Label::Positive],
                    statuses: vec![
                        MentionStatus::NeedsReply,
                        MentionStatus::Resolved,
                        MentionStatus::Ignored,
                    ],
                    watch_id: Some(2),
                    from: Some("2026-01-01".into()),
                    to: Some("2026-02-28".into()),
                    sort: InboxSort::MostUnhappy,
                    utc_offset_minutes: 0,
                },
                Box::new(|r| {
                    r.text.contains("Rude")
                        && r.platform == Platform::Reddit
                        && matches!(
                            r.label,
                            Some(Label::Negative | Label::Complaint | Label::Positive)
                        )
                        && matches!(
                            r.status,
                            MentionStatus::NeedsReply
                                | MentionStatus::Resolved
                                | MentionStatus::Ignored
                        )
                        && r.watches.contains(&2)
                        && r.created_at.as_str() < "2026-03"
                }),
            ),
        ];
        for (mut q, check) in cases {
            for sort in [InboxSort::Newest, InboxSort::MostUnhappy] {
                q.sort = sort;
                let mut want: Vec<Row> = rows.iter().filter(|r| check(r)).cloned().collect();
                match sort {
                    InboxSort::Newest => newest_first(&mut want),
                    InboxSort::MostUnhappy => unhappiest_first(&mut want),
                }
                assert!(
                    !want.is_empty() && want.len() < rows.len(),
                    "the case narrows: {q:?}"
                );
                let want: Vec<i64> = want.iter().map(|r| r.id).collect();
                for limits in &PLANS {
                    let got = all_pages(&store, &q, 4, limits);
                    assert_eq!(ids(&got), want, "{q:?} {limits:?}");
                }
            }
        }
    }

    type Check = Box<dyn Fn(&Row) -> bool>;

    /// A common word alone, and a word with statuses, labels and platforms,
    /// with what they should find in the fixture.
    fn search_cases() -> Vec<(InboxQuery, Check)> {
        vec![
            (
                InboxQuery {
                    search: "refund".into(),
                    ..Default::default()
                },
                Box::new(|r| r.text.contains("refund")),
            ),
            (
                InboxQuery {
                    search: "pedal".into(),
                    statuses: vec![MentionStatus::New, MentionStatus::Resolved],
                    labels: vec![Label::Complaint, Label::Neutral],
                    platforms: vec![Platform::X, Platform::Facebook],
                    ..Default::default()
                },
                Box::new(|r| {
                    r.text.contains("Pedal")
                        && matches!(r.status, MentionStatus::New | MentionStatus::Resolved)
                        && matches!(r.label, Some(Label::Complaint | Label::Neutral))
                        && matches!(r.platform, Platform::X | Platform::Facebook)
                }),
            ),
        ]
    }

    #[test]
    fn most_unhappy_matches_are_ranked_from_the_packed_facets_packed_or_not() {
        let (_d, store) = store();
        let rows = fixture(&store, 90);
        // Mentions stored without a catch-up (ids above `through`) are read
        // from their rows; changes to packed ones reach the entries.
        store
            .write(|tx| {
                tx.execute_batch(
                    "UPDATE mentions SET concern = 0.9, label = 'complaint' WHERE id = 5;
                     UPDATE facet_blocks_through SET through = 60;",
                )
                .db()
            })
            .unwrap();
        let mut rows = rows;
        rows[4].concern = Some(0.9);
        rows[4].label = Some(Label::Complaint);
        let mut cases = search_cases();
        cases.extend::<[(InboxQuery, Check); _]>([(
            // Dates and a watch are checked on the rows read.
            InboxQuery {
                search: "refund ".into(),
                watch_id: Some(1),
                from: Some("2026-02-01".into()),
                ..Default::default()
            },
            Box::new(|r| {
                r.text.contains("refund")
                    && r.watches.contains(&1)
                    && r.created_at.as_str() >= "2026-02-01"
            }),
        )]);
        for (mut q, check) in cases {
            q.sort = InboxSort::MostUnhappy;
            let mut want: Vec<Row> = rows.iter().filter(|r| check(r)).cloned().collect();
            unhappiest_first(&mut want);
            assert!(!want.is_empty(), "{q:?}");
            let want: Vec<i64> = want.iter().map(|r| r.id).collect();
            for limits in &PLANS {
                let got = all_pages(&store, &q, 4, limits);
                assert_eq!(ids(&got), want, "{q:?} {limits:?}");
            }
            // With few_search 0, the facets rank every search.
            store
                .read(|c| query_with(c, &q, None, 4, &PLANS[2]))
                .unwrap();
            let plan = last_plan();
            assert!(
                plan.contains("facets: ") && !plan.contains(" 0 not packed"),
                "{plan}"
            );
        }
    }

    #[test]
    fn newest_first_matches_come_from_the_packed_blocks_in_time_order() {
        let (_d, store) = store();
        // Three blocks of ids whose times go back and forth (three share
        // each time), and then: times packed as unknown (before 1970, after
        // 2106), a time changed to the newest of all (the bounds widen),
        // deletes, and the newest ids not packed yet.
        let mut rows = fixture(&store, 700);
        let moved = [
            (10, "1969-07-20T20:17:00Z"),
            (301, "2200-01-01T00:00:00Z"),
            (41, "2026-12-25T10:00:00Z"),
        ];
        store
            .write(|tx| {
                for (id, at) in moved {
                    tx.execute(
                        "UPDATE mentions SET created_at = ?2 WHERE id = ?1",
                        params![id, at],
                    )
                    .db()?;
                }
                tx.execute_batch(
                    "DELETE FROM mentions WHERE id % 23 = 0;
                     UPDATE facet_blocks_through SET through = 520;",
                )
                .db()
            })
            .unwrap();
        for (id, at) in moved {
            rows.iter_mut().find(|r| r.id == id).unwrap().created_at = at.into();
        }
        rows.retain(|r| r.id % 23 != 0);
        let mut cases = search_cases();
        cases.extend::<[(InboxQuery, Check); _]>([
            (
                InboxQuery {
                    search: "refund ".into(),
                    watch_id: Some(1),
                    from: Some("2026-02-01".into()),
                    to: Some("2026-02-20".into()),
                    ..Default::default()
                },
                Box::new(|r| {
                    r.text.contains("refund")
                        && r.watches.contains(&1)
                        && r.created_at.as_str() >= "2026-02-01"
                        && r.created_at.as_str() < "2026-02-21"
                }),
            ),
            (
                // A prefix read whole, a watch read by range.
                InboxQuery {
                    search: "gr".into(),
                    watch_id: Some(2),
                    ..Default::default()
                },
                Box::new(|r| r.text.contains("great") && r.watches.contains(&2)),
            ),
        ]);
        for (q, check) in cases {
            let mut want: Vec<Row> = rows.iter().filter(|r| check(r)).cloned().collect();
            newest_first(&mut want);
            assert!(want.len() > 8, "{q:?}");
            let want: Vec<i64> = want.iter().map(|r| r.id).collect();
            for limits in &PLANS {
                for limit in [1, 4, 50] {
                    let got = all_pages(&store, &q, limit, limits);
                    assert_eq!(ids(&got), want, "{q:?} {limit} {limits:?}");
                }
            }
            // With few_search 0 and no caps, the blocks find every page and
            // count exactly.
            let page = store
                .read(|c| query_with(c, &q, None, 4, &PLANS[2]))
                .unwrap();
            assert!(last_plan().contains("blocks newest"), "{}", last_plan());
            assert_eq!((page.total, page.total_capped), (want.len() as i64, false));
            // Counting stops after a block read for counting alone.
            let page = store
                .read(|c| query_with(c, &q, None, 1, &PLANS[1]))
                .unwrap();
            assert!(page.total_capped || page.total == want.len() as i64);
            assert_eq!(ids(&page.mentions), want[..1]);
        }
    }

    /// The first page of 4 for "refund", newest first, with `limits` but
    /// never collecting the matches first (so the blocks are read).
    fn newest_refunds(store: &Store, limits: &Limits) -> MentionPage {
        let limits = Limits {
            few_search: 0,
            ..*limits
        };
        let q = InboxQuery {
            search: "refund".into(),
            ..Default::default()
        };
        store.read(|c| query_with(c, &q, None, 4, &limits)).unwrap()
    }

    #[test]
    fn newest_first_reads_no_block_too_old_for_the_page() {
        let (_d, store) = store();
        // Ids 1-255 from June, 256-511 from March, 512-767 from January but
        // one from December: blocks in id order are not in time order.
        let ms: Vec<NewMention> = (0..767)
            .map(|i| {
                let id = i + 1;
                let month = match id {
                    600 => 12,
                    1..=255 => 6,
                    256..=511 => 3,
                    _ => 1,
                };
                let at = format!("2026-{month:02}-{:02}T10:00:00Z", 1 + i % 28);
                new_mention(i, Platform::X, &at, &format!("refund #{id}"))
            })
            .collect();
        store_unwatched(&store, &ms);
        let page = newest_refunds(
            &store,
            &Limits {
                walk_count: 5,
                ..LIMITS
            },
        );
        // December, then the newest of June (the 28th: ids 252, 224, 196).
        assert_eq!(ids(&page.mentions), vec![600, 252, 224, 196]);
        assert_eq!((page.total, page.total_capped), (5, true));
        // January's block (for December), June's; March's is older than
        // the page's last and never read.
        assert!(
            last_plan().contains("blocks newest: 2 read"),
            "{}",
            last_plan()
        );
    }

    #[test]
    fn newest_first_ranks_what_it_found_before_judging_a_block_too_old() {
        let (_d, store) = store();
        // Block 0 holds seven matches, the fifth from December, the others
        // from January; block 1 ten from June. Unranked, the fifth found
        // (December) would look like the page's last and June's block too
        // old to read.
        let ms: Vec<NewMention> = (0..300)
            .map(|i| {
                let id = i + 1;
                let (at, text) = match id {
                    1..=7 if id == 5 => ("2026-12-01T10:00:00Z".to_string(), "refund"),
                    1..=7 => (format!("2026-01-0{id}T10:00:00Z"), "refund"),
                    280..=289 => (format!("2026-06-{:02}T10:00:00Z", id - 279), "refund"),
                    _ => ("2026-01-01T09:00:00Z".to_string(), "lovely"),
                };
                new_mention(i, Platform::X, &at, &format!("{text} #{id}"))
            })
            .collect();
        store_unwatched(&store, &ms);
        let page = newest_refunds(&store, &LIMITS);
        assert!(last_plan().contains("blocks newest"), "{}", last_plan());
        assert_eq!(ids(&page.mentions), vec![5, 289, 288, 287]);
        assert_eq!((page.total, page.total_capped), (17, false));
    }

    #[test]
    fn dates_are_the_owners_whole_days_and_bad_ones_are_refused_in_plain_words() {
        let (_d, store) = store();
        let ms = [
            new_mention(1, Platform::X, "2026-03-09T23:59:59Z", "before"),
            new_mention(2, Platform::X, "2026-03-10T00:00:00Z", "first second"),
            new_mention(3, Platform::X, "2026-03-11T23:59:59Z", "last second"),
            new_mention(4, Platform::X, "2026-03-12T00:00:00Z", "after"),
        ];
        store_unwatched(&store, &ms);
        let run = |from: Option<&str>, to: Option<&str>| {
            let q = InboxQuery {
                from: from.map(Into::into),
                to: to.map(Into::into),
                ..Default::default()
            };
            store.read(|c| query(c, &q, None, 50))
        };
        let texts = |p: MentionPage| p.mentions.into_iter().map(|m| m.text).collect::<Vec<_>>();
        assert_eq!(
            texts(run(Some("2026-03-10"), Some("2026-03-11")).unwrap()),
            ["last second", "first second"]
        );
        assert_eq!(
            texts(run(Some("2026-03-11"), Some("2026-03-11")).unwrap()),
            ["last second"]
        );
        assert_eq!(texts(run(None, Some("2026-03-09")).unwrap()), ["before"]);
        assert_eq!(
            texts(run(Some(" "), Some("")).unwrap()).len(),
            4,
            "blank means any"
        );
        for bad in [
            "2026-13-01",
            "yesterday",
            "2026-3-1",
            "2026-02-30",
            "'; DROP TABLE mentions; --",
        ] {
            let err = run(Some(bad), None).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains("year-month-day"), "{err}");
        }
        let err = run(Some("2026-03-12"), Some("2026-03-10")).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("is after"), "{err}");

        // The owner's days, not UTC's: in Paris (UTC+1) 23:59:59Z on the 9th
        // is already the 10th, and 23:59:59Z on the 11th the 12th; in New
        // York (UTC-5) the 10th starts at 05:00Z.
        let local = |from: &str, to: &str, minutes: i32| {
            let q = InboxQuery {
                from: Some(from.into()),
                to: Some(to.into()),
                utc_offset_minutes: minutes,
                ..Default::default()
            };
            texts(store.read(|c| query(c, &q, None, 50)).unwrap())
        };
        assert_eq!(
            local("2026-03-10", "2026-03-11", 60),
            ["first second", "before"]
        );
        assert_eq!(
            local("2026-03-10", "2026-03-11", -300),
            ["after", "last second"]
        );
        assert_eq!(
            local("2026-03-09", "2026-03-09", -300),
            ["first second", "before"]
        );
        // A nonsense offset is held to the ±14 hours real zones span.
        assert_eq!(
            local("2026-03-10", "2026-03-10", 100_000),
            local("2026-03-10", "2026-03-10", 14 * 60)
        );
    }

    #[test]
    fn an_unknown_watch_is_not_found() {
        let (_d, store) = store();
        let q = InboxQuery {
            watch_id: Some(99),
            ..Default::default()
        };
        let err = store.read(|c| query(c, &q, None, 50)).unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(err.to_string().starts_with("Watch 99 not found"), "{err}");
    }

    fn store_texts(store: &Store, items: &[(&str, &str, &str)]) {
        let ms: Vec<NewMention> = items
            .iter()
            .enumerate()
            .map(|(i, (text, name, handle))| {
                let mut m = new_mention(
                    i,
                    Platform::Mastodon,
                    &format!("2026-01-01T00:00:{i:02}Z"),
                    text,
                );
                m.author_name = Some(name.to_string());
                m.author_handle = Some(handle.to_string());
                m
            })
            .collect();
        store_unwatched(store, &ms);
    }

    fn search(store: &Store, words: &str) -> MentionPage {
        let q = InboxQuery {
            search: words.into(),
            ..Default::default()
        };
        store.read(|c| query(c, &q, None, 50)).unwrap()
    }

    #[test]
    fn search_finds_text_author_names_and_handles_and_highlights_only_the_text() {
        let (_d, store) = store();
        store_texts(
            &store,
            &[
                ("Still waiting for a refund", "Zoë Brontë", "zoe"),
                ("Refunded at last, thanks!", "Sam", "refund_watcher"),
                ("Lovely shop", "Refund Rita", "rita"),
                ("Nothing to see", "Tom", "tom"),
            ],
        );
        let page = search(&store, "refund");
        assert_eq!(page.total, 3);
        let texts: Vec<(&str, Vec<(u32, u32)>)> = page
            .mentions
            .iter()
            .map(|m| {
                (
                    m.text.as_str(),
                    m.highlights.iter().map(|s| (s.start, s.end)).collect(),
                )
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("Lovely shop", vec![]),
                ("Refunded at last, thanks!", vec![(0, 8)]),
                ("Still waiting for a refund", vec![(20, 26)]),
            ]
        );
        // Accents fold both ways, in names too.
        assert_eq!(search(&store, "bronte").total, 1);
        assert_eq!(search(&store, "ZOË").total, 1);
        // Without search there are no highlights.
        let all = store
            .read(|c| query(c, &InboxQuery::default(), None, 50))
            .unwrap();
        assert!(all.mentions.iter().all(|m| m.highlights.is_empty()));
    }

    #[test]
    fn a_word_being_typed_finds_every_word_it_starts_spelled_out_or_not() {
        let (_d, store) = store();
        // 70 words starting "pfx" (more than are ever spelled out), 11 of
        // them starting "pfx1"; the shorter word and other words besides.
        let mut texts: Vec<(String, &str, &str)> = (0..70)
            .map(|i| (format!("about pfx{i} today"), "A", "a"))
            .collect();
        texts.push(("pf alone".into(), "B", "b"));
        texts.push(("Pfx1 café".into(), "C", "c"));
        texts.push(("nothing here".into(), "D", "d"));
        let refs: Vec<(&str, &str, &str)> =
            texts.iter().map(|(t, a, h)| (t.as_str(), *a, *h)).collect();
        store_texts(&store, &refs);
        let read = |words: &str, sort: InboxSort| {
            let q = InboxQuery {
                search: words.into(),
                sort,
                ..Default::default()
            };
            store.read(|c| query(c, &q, None, 100)).unwrap()
        };
        for sort in [InboxSort::Newest, InboxSort::MostUnhappy] {
            // Too many words to spell out: read as a prefix.
            assert_eq!(read("pfx", sort).total, 71, "{sort:?}");
            assert!(
                last_plan().contains("spelled out: 65 words"),
                "{}",
                last_plan()
            );
            assert!(
                last_plan().contains("prefix read: 71 ids"),
                "{}",
                last_plan()
            );
            // Spelled out: pfx1, pfx10 … pfx19.
            let page = read("PFX1", sort);
            assert_eq!(page.total, 12, "{sort:?}");
            assert!(
                last_plan().contains("spelled out: 11 words"),
                "{}",
                last_plan()
            );
            assert!(!last_plan().contains("prefix read"), "{}", last_plan());
            assert!(page.mentions.iter().all(|m| !m.highlights.is_empty()));
            // Spelled out inside a phrase, ANDed with a finished word.
            assert_eq!(read("about pfx6", sort).total, 11, "{sort:?}");
            assert_eq!(read("pfx1 caf", sort).total, 1, "{sort:?}");
            // No word starts with it: nothing, spelled out as nothing.
            assert_eq!(read("pfxz", sort).total, 0, "{sort:?}");
            assert!(
                last_plan().contains("spelled out: 0 words"),
                "{}",
                last_plan()
            );
            // Too short, or not ASCII: read as a prefix, as before.
            assert_eq!(read("pf", sort).total, 72, "{sort:?}");
            assert!(!last_plan().contains("spelled out"), "{}", last_plan());
            assert_eq!(read("pfx1 cafÉ", sort).total, 1, "{sort:?}");
            assert!(!last_plan().contains("spelled out"), "{}", last_plan());
        }
    }

    #[test]
    fn highlights_are_utf16_ranges_through_accents_and_emoji() {
        let (_d, store) = store();
        let text = "😡😡 Crème brûlée at Café Noir was cold 🥶 — café owner, fix it";
        store_texts(&store, &[(text, "A", "a")]);
        let page = search(&store, "cafe creme");
        let m = &page.mentions[0];
        let units: Vec<u16> = m.text.encode_utf16().collect();
        let marked: Vec<String> = m
            .highlights
            .iter()
            .map(|s| String::from_utf16(&units[s.start as usize..s.end as usize]).unwrap())
            .collect();
        assert_eq!(marked, ["Crème", "Café", "café"]);
        assert_eq!((m.highlights[0].start, m.highlights[0].end), (5, 10));
    }

    #[test]
    fn hostile_search_input_never_errors() {
        let (_d, store) = store();
        store_texts(
            &store,
            &[
                (
                    "NEAR the shop, \"quoted\" * stars - dashes OR ors",
                    "A",
                    "a",
                ),
                ("plain words", "B", "b"),
            ],
        );
        let long = "a".repeat(10 * 1024);
        let words = "refund ".repeat(1_500);
        let hostile = [
            "\"",
            "\"\"",
            "NEAR(",
            "NEAR(a b, 2)",
            "*",
            "a OR",
            "OR",
            "-",
            "-plain",
            "AND",
            "NOT plain",
            "(",
            ")",
            "^",
            "text:plain",
            "{a b}:plain",
            "🚲",
            "😡 plain",
            "\u{0}",
            "'",
            "\\",
            "%",
            "_",
            long.as_str(),
            words.as_str(),
            "Ⓐ",
            "ः",
            "e\u{301}",
            "\u{202e}plain",
        ];
        for h in hostile {
            let q = InboxQuery {
                search: h.to_string(),
                ..Default::default()
            };
            let page = store
                .read(|c| query(c, &q, None, 50))
                .unwrap_or_else(|e| panic!("{h:?}: {e}"));
            assert!(page.total <= 2, "{h:?}");
        }
        // Operators are words: "NEAR" and "OR" are found as words.
        assert_eq!(search(&store, "NEAR(").total, 1);
        assert_eq!(search(&store, "dashes OR").total, 1);
        assert_eq!(search(&store, "-plain").total, 1);
        // Punctuation alone searches for nothing, so shows everything.
        assert_eq!(search(&store, "\"*").total, 2);
    }

    #[test]
    fn a_broad_search_stops_counting_at_the_cap() {
        let (_d, store) = store();
        let ms: Vec<NewMention> = (0..(COUNT_CAP as usize + 5))
            .map(|i| new_mention(i, Platform::X, "2026-01-01T00:00:00Z", "same words"))
            .collect();
        store_unwatched(&store, &ms);
        let page = search(&store, "same");
        assert_eq!((page.total, page.total_capped), (WALK_COUNT_CAP, true));
        assert_eq!(page.mentions.len(), 50);
        store
            .write(|tx| tx.execute("DELETE FROM mentions WHERE id > 100", []).db())
            .unwrap();
        let page = search(&store, "same");
        assert_eq!((page.total, page.total_capped), (100, false));
    }

    #[test]
    fn status_changes_count_only_real_changes_and_unknown_ids_change_nothing() {
        let (_d, store) = store();
        let rows = fixture(&store, 10);
        let new: Vec<i64> = rows
            .iter()
            .filter(|r| r.status == MentionStatus::New)
            .map(|r| r.id)
            .collect();
        let other = rows
            .iter()
            .find(|r| r.status == MentionStatus::Resolved)
            .unwrap()
            .id;
        let mut ids = new.clone();
        ids.push(other);
        ids.push(other); // twice in the selection
        let changed = store
            .write(|tx| set_status(tx, &ids, MentionStatus::Resolved, "2026-05-01T10:00:00Z"))
            .unwrap();
        assert_eq!(changed, new.len() as i64);
        let stamped: Vec<(i64, Option<String>)> = store
            .read(|c| {
                let mut s = c.prepare("SELECT id, status_changed_at FROM mentions WHERE status = 'resolved' ORDER BY id").db()?;
                let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).db()?;
                rows.collect::<rusqlite::Result<Vec<_>>>().db()
            })
            .unwrap();
        for (id, at) in stamped {
            let want = new
                .contains(&id)
                .then(|| "2026-05-01T10:00:00Z".to_string());
            assert_eq!(at, want, "mention {id}");
        }
        let err = store
            .write(|tx| set_status(tx, &[new[0], 4242], MentionStatus::Ignored, "t"))
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(
            err.to_string().starts_with("Mention 4242 not found"),
            "{err}"
        );
        let d = store.read(|c| detail(c, new[0])).unwrap();
        assert_eq!(d.mention.status, MentionStatus::Resolved, "nothing changed");
    }

    #[test]
    fn a_correction_is_kept_shown_and_survives_a_rescore() {
        let (_d, store) = store();
        let rows = fixture(&store, 5);
        let m = rows
            .iter()
            .find(|r| r.label == Some(Label::Negative))
            .unwrap();
        let d = store
            .write(|tx| correct_label(tx, m.id, Label::Complaint, "2026-05-01T10:00:00Z"))
            .unwrap();
        assert_eq!(d.mention.label, Some(Label::Complaint));
        assert_eq!(d.mention.model_label, Some(Label::Negative));
        assert!(d.mention.corrected);
        assert_eq!(
            d.corrections,
            [LabelCorrection {
                from: Some(Label::Negative),
                to: Label::Complaint,
                at: "2026-05-01T10:00:00Z".into()
            }]
        );
        // The same label again records nothing new.
        let d = store
            .write(|tx| correct_label(tx, m.id, Label::Complaint, "t2"))
            .unwrap();
        assert_eq!(d.corrections.len(), 1);
        // A re-score (a newer model) writes its own label and scores, and
        // leaves the owner's label where there is one.
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE mentions SET model_label = 'neutral', concern = 0.1, sentiment = 0.2,
                         complaint = 0.05, scored_with = 'v2',
                         label = CASE WHEN corrected_at IS NULL THEN 'neutral' ELSE label END",
                    [],
                )
                .db()
            })
            .unwrap();
        let d = store.read(|c| detail(c, m.id)).unwrap();
        assert_eq!(
            (d.mention.label, d.mention.model_label),
            (Some(Label::Complaint), Some(Label::Neutral))
        );
        assert_eq!(d.corrections.len(), 1);
        // Filtering by label finds the owner's label.
        let q = InboxQuery {
            labels: vec![Label::Complaint],
            ..Default::default()
        };
        let found = store.read(|c| query(c, &q, None, 50)).unwrap();
        assert_eq!(ids(&found.mentions), [m.id]);
        // Correcting again records from the owner's earlier label.
        let d = store
            .write(|tx| correct_label(tx, m.id, Label::Positive, "2026-05-02T00:00:00Z"))
            .unwrap();
        assert_eq!(d.corrections[1].from, Some(Label::Complaint));
        let err = store
            .write(|tx| correct_label(tx, 999, Label::Positive, "t"))
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
        let exported = store.read(all_corrections).unwrap();
        assert_eq!(exported.len(), 2);
        assert_eq!(
            (
                exported[0].platform.as_str(),
                exported[0].external_id.as_str()
            ),
            (m.platform.as_str(), m.external_id.as_str())
        );
    }

    #[test]
    fn detail_names_the_watches_and_source_and_unknown_ids_are_not_found() {
        let (_d, store) = store();
        let source = store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO sources (platform, label, created_at) VALUES ('x', 'X search', 't')",
                    [],
                )
                .db()?;
                let source = tx.last_insert_rowid();
                let m = new_mention(1, Platform::X, "2026-01-01T00:00:00Z", "Hello");
                store_batch(tx, Some(source), &[(&m, &[2, 1][..])], "t")?;
                Ok(source)
            })
            .unwrap();
        let d = store.read(|c| detail(c, 1)).unwrap();
        assert_eq!(d.mention.source_id, Some(source));
        assert_eq!(d.source_label.as_deref(), Some("X search"));
        let names: Vec<&str> = d.watches.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["Market", "Shop name"]);
        assert!(d.corrections.is_empty());
        let err = store.read(|c| detail(c, 2)).unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(err.to_string().starts_with("Mention 2 not found"), "{err}");
    }

    #[test]
    fn counts_follow_seen_marks_statuses_and_labels() {
        let (_d, store) = store();
        let rows = fixture(&store, 40);
        let expect = |rows: &[Row], seen: &[i64]| InboxCounts {
            unread: rows.iter().filter(|r| !seen.contains(&r.id)).count() as i64,
            unread_unhappy: rows
                .iter()
                .filter(|r| !seen.contains(&r.id) && r.label.is_some_and(|l| l.is_unhappy()))
                .count() as i64,
            needs_reply: rows
                .iter()
                .filter(|r| r.status == MentionStatus::NeedsReply)
                .count() as i64,
            open_complaints: rows
                .iter()
                .filter(|r| {
                    r.label == Some(Label::Complaint)
                        && matches!(r.status, MentionStatus::New | MentionStatus::NeedsReply)
                })
                .count() as i64,
        };
        assert_eq!(store.read(counts).unwrap(), expect(&rows, &[]));
        let opened: Vec<i64> = rows
            .iter()
            .filter(|r| r.label == Some(Label::Complaint))
            .map(|r| r.id)
            .collect();
        let mut twice = opened.clone();
        twice.extend(&opened);
        twice.push(12345); // no longer stored: skipped
        let marked = store
            .write(|tx| mark_seen(tx, &twice, "2026-05-01T00:00:00Z"))
            .unwrap();
        assert_eq!(marked, opened.len() as i64);
        assert_eq!(
            store.write(|tx| mark_seen(tx, &opened, "later")).unwrap(),
            0
        );
        let c = store.read(counts).unwrap();
        assert_eq!(c, expect(&rows, &opened));
        assert!(
            c.unread < 40 && c.unread_unhappy > 0 && c.needs_reply > 0 && c.open_complaints > 0,
            "{c:?}"
        );
        let page = store
            .read(|c| query(c, &InboxQuery::default(), None, 50))
            .unwrap();
        for m in page.mentions {
            assert_eq!(m.seen, opened.contains(&m.id), "mention {}", m.id);
        }
    }
}
