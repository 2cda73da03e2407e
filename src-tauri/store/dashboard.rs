//! The Dashboard's figures: mentions per day or week by label, mean
//! sentiment, by platform and by watch, open complaints and the median time
//! to a first contact.
//!
//! Fast on a year of mentions because no mention is read one by one for the
//! counts: a range is summed from tallies (migration 7) per UTC day and per
//! UTC hour, by platform (`mention_days`, `mention_hours`) and by watch
//! (`watch_days`, `watch_hours`): whole UTC days from the daily tallies, the
//! hours where the owner's local days begin and end from the hourly ones.
//! Mentions stored since the last [`catch_up`] (ids above
//! `tallied.through`) are read one by one and added, so the figures are
//! exact even before it runs.
//!
//! Days are the owner's local days: each bucket's edge (local midnight) is a
//! stored-timestamp string (UTC, whole seconds, so text order is time
//! order). Where the owner's offset is not whole hours (India, Nepal,
//! Newfoundland…), the mentions between an edge's hour and the edge itself
//! (under 45 minutes a day) are read one by one and moved to the right
//! bucket, so every count is exact in every time zone.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Row};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use super::SqlResult;
use crate::clock;
use crate::error::Result;
use crate::model::{
    BucketSize, Dashboard, DashboardBucket, DashboardQuery, DashboardRange, LabelCounts, Platform,
    PlatformCount, WatchCount,
};

/// The tally tables: daily and hourly, with their period column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Day,
    Hour,
}

impl Period {
    fn column(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Hour => "hour",
        }
    }
    fn table(self, watches: bool) -> &'static str {
        match (self, watches) {
            (Period::Day, false) => "mention_days",
            (Period::Hour, false) => "mention_hours",
            (Period::Day, true) => "watch_days",
            (Period::Hour, true) => "watch_hours",
        }
    }
}

/// A span's tallies summed per platform: from ?1 to ?2 (periods), platform
/// ?3 or NULL, and, from a watch's tallies, watch ?4.
fn span_sql(period: Period, watch: bool) -> String {
    let (table, col) = (period.table(watch), period.column());
    let only = if watch { "watch_id = ?4 AND " } else { "" };
    format!(
        "SELECT platform, sum(complaint), sum(negative), sum(neutral), sum(positive), sum(unscored),
             total(sentiment_sum), sum(sentiment_n)
         FROM {table}
         WHERE {only}{col} >= ?1 AND {col} < ?2 AND (?3 IS NULL OR platform = ?3)
         GROUP BY platform"
    )
}

/// Each watch's totals over a span of periods (?1 to ?2, platform ?3 or NULL).
fn by_watch_sql(period: Period) -> String {
    let (table, col) = (period.table(true), period.column());
    format!(
        "SELECT w.id, total(t.complaint + t.negative + t.neutral + t.positive + t.unscored),
             total(t.complaint + t.negative)
         FROM watches w JOIN {table} t ON t.watch_id = w.id
         WHERE t.{col} >= ?1 AND t.{col} < ?2 AND (?3 IS NULL OR t.platform = ?3)
         GROUP BY w.id"
    )
}

/// Counted mentions (id up to ?5) one by one between two instants: the
/// edges' odd minutes.
const BETWEEN: &str = "SELECT m.id, m.platform, m.label, m.sentiment FROM mentions m
    WHERE m.created_at >= ?1 AND m.created_at < ?2 AND (?3 IS NULL OR m.platform = ?3)
      AND (?4 IS NULL OR EXISTS (
          SELECT 1 FROM mention_watches mw WHERE mw.mention_id = m.id AND mw.watch_id = ?4))
      AND m.id <= ?5";

/// Mentions not counted yet (id above ?5) in the range, one by one, found by id.
const TAIL: &str = "SELECT m.id, m.platform, m.label, m.sentiment, m.created_at
    FROM mentions m NOT INDEXED
    WHERE m.id > ?5 AND m.created_at >= ?1 AND m.created_at < ?2
      AND (?3 IS NULL OR m.platform = ?3)
      AND (?4 IS NULL OR EXISTS (
          SELECT 1 FROM mention_watches mw WHERE mw.mention_id = m.id AND mw.watch_id = ?4))";

/// The waits for a first contact of the mentions posted in a range.
const WAITS: &str = "SELECT f.wait_secs FROM first_contacts f
    WHERE f.created_at >= ?1 AND f.created_at < ?2 AND (?3 IS NULL OR f.platform = ?3)
      AND (?4 IS NULL OR EXISTS (
          SELECT 1 FROM mention_watches mw WHERE mw.mention_id = f.mention_id AND mw.watch_id = ?4))";

const SUM_LABELS: &str = "sum(m.label IS 'complaint'), sum(m.label IS 'negative'),
    sum(m.label IS 'neutral'), sum(m.label IS 'positive'),
    sum(m.label IS NULL OR m.label NOT IN ('complaint', 'negative', 'neutral', 'positive')),
    total(m.sentiment), count(m.sentiment)";

const ADD_EXCLUDED: &str = "complaint = complaint + excluded.complaint,
    negative = negative + excluded.negative, neutral = neutral + excluded.neutral,
    positive = positive + excluded.positive, unscored = unscored + excluded.unscored,
    sentiment_sum = sentiment_sum + excluded.sentiment_sum,
    sentiment_n = sentiment_n + excluded.sentiment_n";

/// Adds the mentions stored since the last catch-up to the tallies; returns
/// how many. Cheap when nothing is new. Run it in a write before reading
/// the Dashboard: the read is exact without it, but slower the more there is
/// to add.
pub fn catch_up(tx: &rusqlite::Transaction<'_>) -> Result<i64> {
    let (through, newest): (i64, i64) = tx
        .query_row(
            "SELECT through, (SELECT coalesce(max(id), 0) FROM mentions) FROM tallied",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .db()?;
    if newest <= through {
        return Ok(0);
    }
    for period in [Period::Day, Period::Hour] {
        let col = period.column();
        let len = if period == Period::Day { 10 } else { 13 };
        tx.execute(
            &format!(
                "INSERT INTO {table}
                 SELECT substr(m.created_at, 1, {len}), m.platform, {SUM_LABELS}
                 FROM mentions m WHERE m.id > ?1 AND m.id <= ?2 GROUP BY 1, 2
                 ON CONFLICT ({col}, platform) DO UPDATE SET {ADD_EXCLUDED}",
                table = period.table(false)
            ),
            [through, newest],
        )
        .db()?;
        tx.execute(
            &format!(
                "INSERT INTO {table}
                 SELECT mw.watch_id, substr(m.created_at, 1, {len}), m.platform, {SUM_LABELS}
                 FROM mentions m JOIN mention_watches mw ON mw.mention_id = m.id
                 WHERE m.id > ?1 AND m.id <= ?2 GROUP BY 1, 2, 3
                 ON CONFLICT (watch_id, {col}, platform) DO UPDATE SET {ADD_EXCLUDED}",
                table = period.table(true)
            ),
            [through, newest],
        )
        .db()?;
    }
    tx.execute("UPDATE tallied SET through = ?1", [newest])
        .db()?;
    Ok(newest - through)
}

/// The periods of tallies that make up a stretch of whole hours: the whole
/// UTC days in it from the daily tallies, the hours on either side from the
/// hourly ones. Each is a half-open range of period keys.
#[derive(Debug, Default, PartialEq)]
struct Span {
    days: Option<(String, String)>,
    hours: Vec<(String, String)>,
}

fn span(from: OffsetDateTime, to: OffsetDateTime) -> Span {
    let first = if from.time() == Time::MIDNIGHT {
        from.date()
    } else {
        from.date().next_day().unwrap_or(from.date())
    };
    let last = to.date();
    let at = |d: Date| d.midnight().assume_utc();
    if first < last {
        let hours = [(from, at(first)), (at(last), to)]
            .into_iter()
            .filter(|(a, b)| a < b)
            .map(|(a, b)| (hour_key(a), hour_key(b)))
            .collect();
        Span {
            days: Some((ymd(first), ymd(last))),
            hours,
        }
    } else if from < to {
        Span {
            days: None,
            hours: vec![(hour_key(from), hour_key(to))],
        }
    } else {
        Span::default()
    }
}

/// '2026-03-01T10': an hourly tally's key.
fn hour_key(t: OffsetDateTime) -> String {
    format!("{}T{:02}", ymd(t.date()), t.hour())
}

/// The tallies of a span, per platform.
fn sum_span(
    conn: &Connection,
    s: &Span,
    platform: Option<&str>,
    watch: Option<i64>,
    mut each: impl FnMut(&[u8], &Tally),
) -> Result<()> {
    let parts = s
        .days
        .iter()
        .map(|d| (Period::Day, d))
        .chain(s.hours.iter().map(|h| (Period::Hour, h)));
    for (period, (from, to)) in parts {
        let mut stmt = conn
            .prepare_cached(&span_sql(period, watch.is_some()))
            .db()?;
        let mut rows = match watch {
            Some(w) => stmt.query(params![from, to, platform, w]),
            None => stmt.query(params![from, to, platform]),
        }
        .db()?;
        while let Some(r) = rows.next().db()? {
            let t = Tally::from_sums(r)?;
            if let ValueRef::Text(p) = r.get_ref(0).db()? {
                each(p, &t);
            }
        }
    }
    Ok(())
}

/// The Dashboard for `q`, with "today" taken from `now` in the owner's time zone.
pub fn dashboard(conn: &Connection, q: &DashboardQuery, now: OffsetDateTime) -> Result<Dashboard> {
    let offset = clock::utc_offset(q.utc_offset_minutes);
    let today = now.to_offset(offset).date();
    let first: Option<String> = conn
        .query_row("SELECT min(created_at) FROM mentions", [], |r| r.get(0))
        .db()?;
    let any_mentions = first.is_some();
    let through: i64 = conn
        .query_row("SELECT through FROM tallied", [], |r| r.get(0))
        .db()?;
    let first_day = first
        .as_deref()
        .and_then(clock::parse)
        .map(|t| t.to_offset(offset).date());
    let (bucket, starts) = plan(q.range, today, first_day);
    let n = starts.len();
    // Edges: each bucket's start, then the end of today (later posts, from
    // a platform's clock running fast, are left out), as instants, as
    // stored timestamps, and the whole hour each falls in.
    let mut instants: Vec<OffsetDateTime> = starts
        .iter()
        .map(|d| d.midnight().assume_offset(offset).to_offset(UtcOffset::UTC))
        .collect();
    instants.push(
        today
            .next_day()
            .unwrap_or(today)
            .midnight()
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    );
    let edges: Vec<String> = instants.iter().map(|t| clock::format(*t)).collect();
    let hours: Vec<OffsetDateTime> = instants
        .iter()
        .map(|t| t.replace_time(Time::from_hms(t.hour(), 0, 0).unwrap_or(Time::MIDNIGHT)))
        .collect();
    let platform = q.platform.map(Platform::as_str);

    let mut buckets: Vec<Tally> = vec![Tally::default(); n];
    let mut platforms = PlatformTallies::default();
    for b in 0..n {
        sum_span(
            conn,
            &span(hours[b], hours[b + 1]),
            platform,
            q.watch_id,
            |p, t| {
                buckets[b].merge(t, 1);
                platforms.add(p, &t.labels, 1);
            },
        )?;
    }

    // The odd minutes between an edge's hour and the edge itself (none when
    // the offset is whole hours): those mentions were tallied in the bucket
    // after the edge; they belong to the one before it, or outside the range.
    let mut watch_fix: HashMap<i64, (i64, i64)> = HashMap::new();
    for (i, e) in edges.iter().enumerate() {
        if hours[i] == instants[i] {
            continue;
        }
        let mut stmt = conn.prepare_cached(BETWEEN).db()?;
        let mut rows = stmt
            .query(params![
                clock::format(hours[i]),
                e,
                platform,
                q.watch_id,
                through
            ])
            .db()?;
        while let Some(r) = rows.next().db()? {
            let (id, label, one) = one_mention(r)?;
            if i < n {
                buckets[i].merge(&one, -1);
            }
            if i > 0 {
                buckets[i - 1].merge(&one, 1);
            }
            // Only the range's two ends change what is in the range at all.
            let sign = match i {
                0 => -1,
                _ if i == n => 1,
                _ => continue,
            };
            if let ValueRef::Text(p) = r.get_ref(1).db()? {
                platforms.add(p, &one.labels, sign);
            }
            add_watches(conn, &mut watch_fix, id, label, sign)?;
        }
    }

    // Mentions stored since the last catch-up, not in the tallies yet.
    {
        let mut stmt = conn.prepare_cached(TAIL).db()?;
        let mut rows = stmt
            .query(params![edges[0], edges[n], platform, q.watch_id, through])
            .db()?;
        while let Some(r) = rows.next().db()? {
            let (id, label, one) = one_mention(r)?;
            let ValueRef::Text(at) = r.get_ref(4).db()? else {
                continue;
            };
            let b = edges[1..n]
                .partition_point(|e| e.as_bytes() <= at)
                .min(n - 1);
            buckets[b].merge(&one, 1);
            if let ValueRef::Text(p) = r.get_ref(1).db()? {
                platforms.add(p, &one.labels, 1);
            }
            add_watches(conn, &mut watch_fix, id, label, 1)?;
        }
    }

    let mut whole = Tally::default();
    for t in &buckets {
        whole.merge(t, 1);
    }
    let (median_first_contact_secs, contacted) =
        first_contact(conn, &edges[0], &edges[n], platform, q.watch_id)?;
    Ok(Dashboard {
        range: q.range,
        bucket,
        from: ymd(starts[0]),
        to: ymd(today),
        buckets: starts
            .iter()
            .zip(&buckets)
            .map(|(d, t)| DashboardBucket {
                start: ymd(*d),
                start_unix: d.midnight().assume_offset(offset).unix_timestamp(),
                total: t.labels.total(),
                labels: t.labels,
                mean_sentiment: t.mean(),
            })
            .collect(),
        total: whole.labels.total(),
        labels: whole.labels,
        mean_sentiment: whole.mean(),
        by_platform: platforms.counts(),
        by_watch: by_watch(conn, &span(hours[0], hours[n]), platform, &watch_fix)?,
        open_complaints: open_complaints(conn, platform, q.watch_id)?,
        median_first_contact_secs,
        contacted,
        any_mentions,
    })
}

/// A mention read one by one (id, platform, label, sentiment, …).
fn one_mention(r: &Row<'_>) -> Result<(i64, Slot, Tally)> {
    let id: i64 = r.get(0).db()?;
    let label = label_slot(r.get_ref(2).db()?);
    let sentiment = r.get_ref(3).db()?.as_f64_or_null().ok().flatten();
    let mut one = Tally::default();
    one.add(label, sentiment);
    Ok((id, label, one))
}

/// Counts a mention read one by one for (or against) each watch that caught it.
fn add_watches(
    conn: &Connection,
    fix: &mut HashMap<i64, (i64, i64)>,
    mention: i64,
    label: Slot,
    sign: i64,
) -> Result<()> {
    let mut links = conn
        .prepare_cached("SELECT watch_id FROM mention_watches WHERE mention_id = ?1")
        .db()?;
    let watches = links.query_map([mention], |r| r.get::<_, i64>(0)).db()?;
    for w in watches {
        let c = fix.entry(w.db()?).or_insert((0, 0));
        c.0 += sign;
        c.1 += sign * label.unhappy() as i64;
    }
    Ok(())
}

/// The size of the buckets and each one's first day, oldest first.
fn plan(
    range: DashboardRange,
    today: Date,
    first_mention: Option<Date>,
) -> (BucketSize, Vec<Date>) {
    let days = |n: i64| -> Vec<Date> { (0..n).rev().map(|i| today - Duration::days(i)).collect() };
    let this_week = monday_of(today);
    let weeks_from = |first: Date| -> Vec<Date> {
        let n = ((this_week - first).whole_days() / 7).max(0);
        (0..=n)
            .rev()
            .map(|i| this_week - Duration::weeks(i))
            .collect()
    };
    match range {
        DashboardRange::Days30 => (BucketSize::Day, days(30)),
        DashboardRange::Days90 => (BucketSize::Day, days(90)),
        DashboardRange::Year => (
            BucketSize::Week,
            weeks_from(this_week - Duration::weeks(51)),
        ),
        DashboardRange::All => (
            BucketSize::Week,
            weeks_from(monday_of(first_mention.unwrap_or(today).min(today))),
        ),
    }
}

fn monday_of(d: Date) -> Date {
    d - Duration::days(d.weekday().number_days_from_monday() as i64)
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Complaint,
    Negative,
    Neutral,
    Positive,
    Unscored,
}

impl Slot {
    fn unhappy(self) -> bool {
        matches!(self, Slot::Complaint | Slot::Negative)
    }
}

fn label_slot(v: ValueRef<'_>) -> Slot {
    match v {
        ValueRef::Text(b"complaint") => Slot::Complaint,
        ValueRef::Text(b"negative") => Slot::Negative,
        ValueRef::Text(b"neutral") => Slot::Neutral,
        ValueRef::Text(b"positive") => Slot::Positive,
        _ => Slot::Unscored,
    }
}

fn add_counts(a: &mut LabelCounts, b: &LabelCounts, sign: i64) {
    a.complaint += sign * b.complaint;
    a.negative += sign * b.negative;
    a.neutral += sign * b.neutral;
    a.positive += sign * b.positive;
    a.unscored += sign * b.unscored;
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    labels: LabelCounts,
    sentiment_sum: f64,
    scored: i64,
}

impl Tally {
    fn add(&mut self, slot: Slot, sentiment: Option<f64>) {
        let c = &mut self.labels;
        match slot {
            Slot::Complaint => c.complaint += 1,
            Slot::Negative => c.negative += 1,
            Slot::Neutral => c.neutral += 1,
            Slot::Positive => c.positive += 1,
            Slot::Unscored => c.unscored += 1,
        }
        if let Some(s) = sentiment {
            self.sentiment_sum += s;
            self.scored += 1;
        }
    }

    /// A row of summed tallies, from its second column on (see [`span_sql`]).
    fn from_sums(r: &Row<'_>) -> Result<Tally> {
        Ok(Tally {
            labels: LabelCounts {
                complaint: r.get(1).db()?,
                negative: r.get(2).db()?,
                neutral: r.get(3).db()?,
                positive: r.get(4).db()?,
                unscored: r.get(5).db()?,
            },
            sentiment_sum: r.get(6).db()?,
            scored: r.get(7).db()?,
        })
    }

    fn merge(&mut self, o: &Tally, sign: i64) {
        add_counts(&mut self.labels, &o.labels, sign);
        self.sentiment_sum += sign as f64 * o.sentiment_sum;
        self.scored += sign * o.scored;
    }

    fn mean(&self) -> Option<f64> {
        (self.scored > 0).then(|| (self.sentiment_sum / self.scored as f64).clamp(-1.0, 1.0))
    }
}

/// Label counts per platform, in the order first seen.
#[derive(Default)]
struct PlatformTallies(Vec<(Platform, LabelCounts)>);

impl PlatformTallies {
    fn add(&mut self, name: &[u8], c: &LabelCounts, sign: i64) {
        let name = std::str::from_utf8(name).unwrap_or_default();
        let i = match self.0.iter().position(|(p, _)| p.as_str() == name) {
            Some(i) => i,
            None => match Platform::parse(name) {
                Some(p) => {
                    self.0.push((p, LabelCounts::default()));
                    self.0.len() - 1
                }
                None => return,
            },
        };
        add_counts(&mut self.0[i].1, c, sign);
    }

    /// Most mentions first; platforms left with none are left out.
    fn counts(self) -> Vec<PlatformCount> {
        let mut out: Vec<PlatformCount> = self
            .0
            .into_iter()
            .filter(|(_, c)| c.total() > 0)
            .map(|(platform, c)| PlatformCount {
                platform,
                total: c.total(),
                unhappy: c.unhappy(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then(a.platform.as_str().cmp(b.platform.as_str()))
        });
        out
    }
}

/// What each watch caught in the range (never narrowed to one watch: this
/// compares them), plus the mentions read one by one (`fix`).
fn by_watch(
    conn: &Connection,
    s: &Span,
    platform: Option<&str>,
    fix: &HashMap<i64, (i64, i64)>,
) -> Result<Vec<WatchCount>> {
    let mut counts: HashMap<i64, (i64, i64)> = fix.clone();
    let parts = s
        .days
        .iter()
        .map(|d| (Period::Day, d))
        .chain(s.hours.iter().map(|h| (Period::Hour, h)));
    for (period, (from, to)) in parts {
        let mut stmt = conn.prepare_cached(&by_watch_sql(period)).db()?;
        let rows = stmt
            .query_map(params![from, to, platform], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, f64>(1)? as i64,
                    r.get::<_, f64>(2)? as i64,
                ))
            })
            .db()?;
        for row in rows {
            let (id, total, unhappy) = row.db()?;
            let c = counts.entry(id).or_insert((0, 0));
            c.0 += total;
            c.1 += unhappy;
        }
    }
    let mut names = conn
        .prepare_cached("SELECT name FROM watches WHERE id = ?1")
        .db()?;
    let mut out = Vec::new();
    for (id, (total, unhappy)) in counts {
        if total <= 0 {
            continue;
        }
        let name: Option<String> = names.query_row([id], |r| r.get(0)).optional().db()?;
        if let Some(name) = name {
            out.push(WatchCount {
                watch_id: id,
                name,
                total,
                unhappy,
            });
        }
    }
    out.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(out)
}

/// The median wait for a first contact over the mentions posted in the
/// range that were contacted, and how many those are (see
/// `first_contacts`, migration 7: outbound outreach that happened, not
/// merely planned; outreach logged as happening before the post itself, a
/// wrong date or a wrong mention, is left out rather than counted as a
/// negative wait).
fn first_contact(
    conn: &Connection,
    from: &str,
    to: &str,
    platform: Option<&str>,
    watch: Option<i64>,
) -> Result<(Option<i64>, i64)> {
    let mut stmt = conn.prepare_cached(WAITS).db()?;
    let rows = stmt
        .query_map(params![from, to, platform, watch], |r| r.get::<_, i64>(0))
        .db()?;
    let mut waits = rows.collect::<rusqlite::Result<Vec<i64>>>().db()?;
    let contacted = waits.len() as i64;
    Ok((median(&mut waits), contacted))
}

/// Complaints still new or needing a reply, however old, with the filters.
fn open_complaints(conn: &Connection, platform: Option<&str>, watch: Option<i64>) -> Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM mentions m INDEXED BY mentions_open_complaints
         WHERE m.label = 'complaint' AND m.status IN ('new', 'needs_reply')
           AND (?1 IS NULL OR m.platform = ?1)
           AND (?2 IS NULL OR EXISTS (
               SELECT 1 FROM mention_watches mw WHERE mw.mention_id = m.id AND mw.watch_id = ?2))",
    )
    .db()?
    .query_row(params![platform, watch], |r| r.get(0))
    .db()
}

/// The middle value; the mean of the two middle ones for an even count.
fn median(v: &mut [i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use rusqlite::params;

    struct Db {
        _dir: tempfile::TempDir,
        store: Store,
    }

    fn db() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        Db { _dir: dir, store }
    }

    /// Sunday 15 March 2026, noon UTC.
    fn now() -> OffsetDateTime {
        clock::parse("2026-03-15T12:00:00Z").unwrap()
    }

    impl Db {
        fn mention(
            &self,
            platform: &str,
            at: &str,
            label: Option<&str>,
            sentiment: Option<f64>,
        ) -> i64 {
            self.mention_with_status(platform, at, label, sentiment, "new")
        }

        fn mention_with_status(
            &self,
            platform: &str,
            at: &str,
            label: Option<&str>,
            sentiment: Option<f64>,
            status: &str,
        ) -> i64 {
            self.store
                .write(|tx| {
                    tx.execute(
                        "INSERT INTO mentions (platform, external_id, text, created_at, fetched_at,
                             label, sentiment, status)
                         VALUES (?1, ?2, 'text', ?3, ?3, ?4, ?5, ?6)",
                        params![
                            platform,
                            format!("{platform}-{at}-{}", rand::random::<u64>()),
                            at,
                            label,
                            sentiment,
                            status
                        ],
                    )
                    .db()?;
                    let id = tx.last_insert_rowid();
                    // As the store does (migration 5), so that deleting works.
                    tx.execute(
                        "INSERT INTO mentions_fts (rowid, text) VALUES (?1, 'text')",
                        [id],
                    )
                    .db()?;
                    Ok(id)
                })
                .unwrap()
        }

        fn watch(&self, name: &str, mentions: &[i64]) -> i64 {
            self.store
                .write(|tx| {
                    tx.execute(
                        "INSERT INTO watches (name, purpose, created_at) VALUES (?1, 'care', 't')",
                        [name],
                    )
                    .db()?;
                    let id = tx.last_insert_rowid();
                    for m in mentions {
                        tx.execute(
                            "INSERT INTO mention_watches (mention_id, watch_id) VALUES (?1, ?2)",
                            [m, &id],
                        )
                        .db()?;
                    }
                    Ok(id)
                })
                .unwrap()
        }

        fn outreach(&self, mention: i64, at: &str, direction: &str, status: &str) {
            self.store
                .write(|tx| {
                    tx.execute(
                        "INSERT INTO outreach (mention_id, platform, author_handle, channel, direction,
                             message, status, occurred_at, created_at)
                         VALUES (?1, 'x', 'sam', 'direct_message', ?2, 'Hello', ?3, ?4, ?4)",
                        params![mention, direction, status, at],
                    )
                    .db()?;
                    Ok(())
                })
                .unwrap();
        }

        /// The figures read before the tallies catch up (new mentions read
        /// one by one) and after: both must agree.
        fn get(&self, q: DashboardQuery) -> Dashboard {
            let before = self.store.read(|c| dashboard(c, &q, now())).unwrap();
            self.store.write(catch_up).unwrap();
            let after = self.store.read(|c| dashboard(c, &q, now())).unwrap();
            assert_eq!(
                rounded(&before),
                rounded(&after),
                "catching up changed the figures"
            );
            after
        }
    }

    /// Means summed in another order differ in the last bits.
    fn rounded(d: &Dashboard) -> Dashboard {
        let r = |m: Option<f64>| m.map(|v| (v * 1e9).round() / 1e9);
        let mut d = d.clone();
        d.mean_sentiment = r(d.mean_sentiment);
        for b in &mut d.buckets {
            b.mean_sentiment = r(b.mean_sentiment);
        }
        d
    }

    fn query(range: DashboardRange) -> DashboardQuery {
        DashboardQuery {
            range,
            ..Default::default()
        }
    }

    fn bucket<'a>(d: &'a Dashboard, start: &str) -> &'a DashboardBucket {
        d.buckets
            .iter()
            .find(|b| b.start == start)
            .unwrap_or_else(|| panic!("no bucket {start}"))
    }

    #[test]
    fn an_empty_database_has_every_bucket_and_nothing_in_them() {
        let db = db();
        for (range, n, size) in [
            (DashboardRange::Days30, 30, BucketSize::Day),
            (DashboardRange::Days90, 90, BucketSize::Day),
            (DashboardRange::Year, 52, BucketSize::Week),
            (DashboardRange::All, 1, BucketSize::Week),
        ] {
            let d = db.get(query(range));
            assert_eq!((d.buckets.len(), d.bucket), (n, size), "{range:?}");
            assert!(d
                .buckets
                .iter()
                .all(|b| b.total == 0 && b.mean_sentiment.is_none()));
            assert_eq!(d.to, "2026-03-15");
            assert!(!d.any_mentions);
            assert_eq!((d.total, d.open_complaints, d.contacted), (0, 0, 0));
            assert_eq!(d.median_first_contact_secs, None);
            assert!(d.by_platform.is_empty() && d.by_watch.is_empty());
        }
        let d = db.get(query(DashboardRange::Days30));
        assert_eq!(d.from, "2026-02-14");
        assert_eq!(d.buckets[29].start, "2026-03-15");
    }

    #[test]
    fn mentions_fall_into_the_owners_local_days() {
        let db = db();
        db.mention("x", "2026-03-14T22:59:59Z", None, None);
        db.mention("x", "2026-03-14T23:00:00Z", None, None);
        // The first local day of the range starts at 23:00 UTC the day before in Paris.
        db.mention("x", "2026-02-13T23:30:00Z", None, None);
        // A post dated after today (a fast clock somewhere) is not counted.
        db.mention("x", "2026-03-16T00:30:00Z", None, None);

        let utc = db.get(query(DashboardRange::Days30));
        assert_eq!(bucket(&utc, "2026-03-14").total, 2);
        assert_eq!(bucket(&utc, "2026-03-15").total, 0);
        assert_eq!(
            utc.total, 2,
            "the 13 February post is outside the range in UTC"
        );
        assert_eq!(utc.buckets[0].start_unix, 1_771_027_200); // 2026-02-14T00:00:00Z

        let paris = db.get(DashboardQuery {
            utc_offset_minutes: 60,
            ..query(DashboardRange::Days30)
        });
        assert_eq!(bucket(&paris, "2026-03-14").total, 1);
        assert_eq!(bucket(&paris, "2026-03-15").total, 1);
        assert_eq!(bucket(&paris, "2026-02-14").total, 1);
        assert_eq!(paris.total, 3);
        assert_eq!(paris.buckets[0].start_unix, 1_771_027_200 - 3600);

        // Far west it is 01:00 on the 15th, a day that runs to 11:00 UTC on the 16th.
        let samoa = db.get(DashboardQuery {
            utc_offset_minutes: -11 * 60,
            ..query(DashboardRange::Days30)
        });
        assert_eq!(samoa.to, "2026-03-15");
        assert_eq!(bucket(&samoa, "2026-03-14").total, 2);
        assert_eq!(bucket(&samoa, "2026-03-15").total, 1, "00:30Z on the 16th");
        // An impossible offset is clamped to 14 hours, not refused.
        let far = db.get(DashboardQuery {
            utc_offset_minutes: 10_000,
            ..query(DashboardRange::Days30)
        });
        assert_eq!(far.to, "2026-03-16");
    }

    #[test]
    fn each_bucket_counts_its_labels_and_averages_its_sentiment() {
        let db = db();
        db.mention("x", "2026-03-10T08:00:00Z", Some("complaint"), Some(-0.5));
        db.mention("x", "2026-03-10T09:00:00Z", Some("negative"), Some(-0.3));
        db.mention("x", "2026-03-10T10:00:00Z", Some("positive"), Some(0.9));
        db.mention("x", "2026-03-10T11:00:00Z", None, None);
        db.mention("x", "2026-03-12T11:00:00Z", Some("neutral"), Some(0.1));
        let d = db.get(query(DashboardRange::Days30));
        let b = bucket(&d, "2026-03-10");
        assert_eq!(b.total, 4);
        assert_eq!(
            b.labels,
            LabelCounts {
                complaint: 1,
                negative: 1,
                neutral: 0,
                positive: 1,
                unscored: 1
            }
        );
        // The unscored mention does not drag the mean to zero.
        assert!((b.mean_sentiment.unwrap() - 0.1 / 3.0).abs() < 1e-9);
        assert!((bucket(&d, "2026-03-12").mean_sentiment.unwrap() - 0.1).abs() < 1e-9);
        assert_eq!(bucket(&d, "2026-03-11").mean_sentiment, None);
        assert_eq!(d.total, 5);
        assert_eq!(
            (d.labels.complaint, d.labels.neutral, d.labels.unscored),
            (1, 1, 1)
        );
        assert!((d.mean_sentiment.unwrap() - 0.2 / 4.0).abs() < 1e-9);
        assert!(d.any_mentions);
    }

    #[test]
    fn a_year_is_fifty_two_weeks_starting_on_mondays() {
        let db = db();
        // Monday 9 March is the current week's first day (15 March is a Sunday).
        db.mention("x", "2026-03-09T00:00:00Z", Some("positive"), Some(0.5));
        db.mention("x", "2026-03-15T11:59:00Z", Some("positive"), Some(0.5));
        db.mention("x", "2026-03-08T23:59:59Z", Some("negative"), Some(-0.5));
        // The week of Monday 17 March 2025 is the oldest; the one before is out.
        db.mention("x", "2025-03-17T00:00:00Z", None, None);
        db.mention("x", "2025-03-16T23:59:59Z", None, None);
        let d = db.get(query(DashboardRange::Year));
        assert_eq!(d.buckets.len(), 52);
        assert_eq!(d.from, "2025-03-17");
        assert_eq!(d.buckets[51].start, "2026-03-09");
        assert_eq!(d.buckets[51].total, 2);
        assert_eq!(d.buckets[50].start, "2026-03-02");
        assert_eq!(d.buckets[50].labels.negative, 1);
        assert_eq!(d.buckets[0].total, 1);
        assert_eq!(d.total, 4);
        let starts: Vec<Date> = d
            .buckets
            .iter()
            .map(|b| {
                Date::parse(
                    &b.start,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .unwrap()
            })
            .collect();
        assert!(starts.iter().all(|s| s.weekday() == time::Weekday::Monday));
    }

    #[test]
    fn all_runs_from_the_week_of_the_first_mention() {
        let db = db();
        db.mention("x", "2024-01-03T12:00:00Z", Some("complaint"), None);
        db.mention("reddit", "2026-03-01T12:00:00Z", Some("positive"), None);
        let d = db.get(query(DashboardRange::All));
        assert_eq!(d.from, "2024-01-01");
        assert_eq!(d.buckets[0].total, 1);
        assert_eq!(d.buckets.last().unwrap().start, "2026-03-09");
        assert_eq!(d.total, 2);
        // With a filter, the axis still starts at the first mention of all.
        let d = db.get(DashboardQuery {
            platform: Some(Platform::Reddit),
            ..query(DashboardRange::All)
        });
        assert_eq!((d.from.as_str(), d.total), ("2024-01-01", 1));
    }

    #[test]
    fn mentions_are_counted_by_platform_and_by_watch_and_can_be_narrowed_to_either() {
        let db = db();
        let a = db.mention("x", "2026-03-01T10:00:00Z", Some("complaint"), Some(-0.6));
        let b = db.mention("x", "2026-03-02T10:00:00Z", Some("positive"), Some(0.6));
        let c = db.mention(
            "reddit",
            "2026-03-03T10:00:00Z",
            Some("negative"),
            Some(-0.2),
        );
        let e = db.mention("x", "2026-03-04T10:00:00Z", None, None);
        let old = db.mention("reddit", "2025-01-01T10:00:00Z", Some("negative"), None);
        let shop = db.watch("Shop name", &[a, b, c, old]);
        let handle = db.watch("Handle", &[a]);
        db.watch("Nothing", &[]);
        let _ = e;

        let d = db.get(query(DashboardRange::Days30));
        assert_eq!(
            d.by_platform,
            vec![
                PlatformCount {
                    platform: Platform::X,
                    total: 3,
                    unhappy: 1
                },
                PlatformCount {
                    platform: Platform::Reddit,
                    total: 1,
                    unhappy: 1
                },
            ]
        );
        assert_eq!(
            d.by_watch,
            vec![
                WatchCount {
                    watch_id: shop,
                    name: "Shop name".into(),
                    total: 3,
                    unhappy: 2
                },
                WatchCount {
                    watch_id: handle,
                    name: "Handle".into(),
                    total: 1,
                    unhappy: 1
                },
            ]
        );

        let x = db.get(DashboardQuery {
            platform: Some(Platform::X),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(x.total, 3);
        assert_eq!(x.by_platform.len(), 1);
        assert_eq!(x.by_watch[0].total, 2, "Shop name caught two X posts");

        let w = db.get(DashboardQuery {
            watch_id: Some(shop),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(w.total, 3);
        assert_eq!(
            (w.labels.complaint, w.labels.positive, w.labels.negative),
            (1, 1, 1)
        );
        assert_eq!(w.labels.unscored, 0, "the post no watch caught is left out");
        // The watches are compared, not narrowed to the one chosen.
        assert_eq!(w.by_watch, d.by_watch);
        let both = db.get(DashboardQuery {
            watch_id: Some(handle),
            platform: Some(Platform::Reddit),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(both.total, 0);
    }

    #[test]
    fn open_complaints_are_new_or_awaiting_a_reply_whenever_they_were_posted() {
        let db = db();
        let old =
            db.mention_with_status("x", "2024-06-01T10:00:00Z", Some("complaint"), None, "new");
        db.mention_with_status(
            "x",
            "2026-03-01T10:00:00Z",
            Some("complaint"),
            None,
            "needs_reply",
        );
        db.mention_with_status(
            "reddit",
            "2026-03-01T10:00:00Z",
            Some("complaint"),
            None,
            "new",
        );
        for status in ["contacted", "resolved", "ignored"] {
            db.mention_with_status("x", "2026-03-02T10:00:00Z", Some("complaint"), None, status);
        }
        db.mention_with_status("x", "2026-03-02T10:00:00Z", Some("negative"), None, "new");
        db.mention_with_status("x", "2026-03-02T10:00:00Z", None, None, "needs_reply");
        assert_eq!(db.get(query(DashboardRange::Days30)).open_complaints, 3);
        let x = db.get(DashboardQuery {
            platform: Some(Platform::X),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(x.open_complaints, 2);
        let w = db.watch("Shop", &[old]);
        let watched = db.get(DashboardQuery {
            watch_id: Some(w),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(watched.open_complaints, 1);
    }

    #[test]
    fn the_median_first_contact_takes_each_mentions_earliest_real_outbound_contact() {
        let db = db();
        let at = "2026-03-01T10:00:00Z";
        // First contact after 1 h; the later contact is not the first.
        let a = db.mention("x", at, Some("complaint"), None);
        db.outreach(a, "2026-03-01T11:00:00Z", "outbound", "sent");
        db.outreach(a, "2026-03-01T15:00:00Z", "outbound", "replied");
        // A planned message and the customer's own message are not contacts: first after 3 h.
        let b = db.mention("x", at, Some("complaint"), None);
        db.outreach(b, "2026-03-01T10:30:00Z", "outbound", "planned");
        db.outreach(b, "2026-03-01T10:45:00Z", "inbound", "replied");
        db.outreach(b, "2026-03-01T13:00:00Z", "outbound", "sent");
        // Logged before the post: left out; the real contact after 5 h counts.
        let c = db.mention("x", at, Some("complaint"), None);
        db.outreach(c, "2026-02-28T10:00:00Z", "outbound", "sent");
        db.outreach(c, "2026-03-01T15:00:00Z", "outbound", "sent");
        // Never contacted; and one only ever contacted "before" it was posted.
        db.mention("x", at, Some("complaint"), None);
        let e = db.mention("x", at, Some("negative"), None);
        db.outreach(e, "2026-03-01T09:00:00Z", "outbound", "sent");

        let d = db.get(query(DashboardRange::Days30));
        assert_eq!(d.contacted, 3);
        assert_eq!(
            d.median_first_contact_secs,
            Some(3 * 3600),
            "odd: the middle one"
        );

        // Even: the mean of the two middle waits (1 h, 3 h, 5 h, 8 h → 4 h).
        let f = db.mention("reddit", at, None, None);
        db.outreach(f, "2026-03-01T18:00:00Z", "outbound", "no_response");
        let d = db.get(query(DashboardRange::Days30));
        assert_eq!(d.contacted, 4);
        assert_eq!(d.median_first_contact_secs, Some(4 * 3600));

        // Filters apply: Reddit alone has the one 8 h wait.
        let r = db.get(DashboardQuery {
            platform: Some(Platform::Reddit),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(
            (r.median_first_contact_secs, r.contacted),
            (Some(8 * 3600), 1)
        );

        // Only mentions posted in the range count.
        let old = db.mention("x", "2025-01-01T10:00:00Z", None, None);
        db.outreach(old, "2025-01-11T10:00:00Z", "outbound", "sent");
        assert_eq!(db.get(query(DashboardRange::Days30)).contacted, 4);
        assert_eq!(db.get(query(DashboardRange::All)).contacted, 5);
    }

    fn plan_of(db: &Db, sql: &str) -> Vec<String> {
        db.store
            .read(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).db()?;
                let n = stmt.parameter_count();
                let nulls: Vec<Option<i64>> = vec![None; n];
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(nulls), |r| r.get(3))
                    .db()?;
                rows.collect::<rusqlite::Result<Vec<String>>>().db()
            })
            .unwrap()
    }

    #[test]
    fn a_range_is_summed_from_the_tallies_not_the_mentions() {
        let db = db();
        for period in [Period::Day, Period::Hour] {
            let col = period.column();
            assert_eq!(
                plan_of(&db, &span_sql(period, false))[0],
                format!(
                    "SEARCH {} USING PRIMARY KEY ({col}>? AND {col}<?)",
                    period.table(false)
                )
            );
            assert_eq!(
                plan_of(&db, &span_sql(period, true))[0],
                format!(
                    "SEARCH {} USING PRIMARY KEY (watch_id=? AND {col}>? AND {col}<?)",
                    period.table(true)
                )
            );
            let by_watch = plan_of(&db, &by_watch_sql(period));
            let wanted = format!("SEARCH t USING PRIMARY KEY (watch_id=? AND {col}>? AND {col}<?)");
            assert!(by_watch.contains(&wanted), "{by_watch:?}");
        }
        assert_eq!(
            plan_of(&db, TAIL)[0],
            "SEARCH m USING INTEGER PRIMARY KEY (rowid>?)"
        );
        assert_eq!(
            plan_of(&db, WAITS)[0],
            "SEARCH f USING INDEX first_contacts_time (created_at>? AND created_at<?)"
        );
    }

    #[test]
    fn a_stretch_of_hours_is_whole_days_and_the_hours_either_side() {
        let t = |s: &str| clock::parse(s).unwrap();
        let key = |a: &str, b: &str| (a.to_string(), b.to_string());
        // A Paris week: Sunday 23:00 UTC to the next Sunday 23:00.
        assert_eq!(
            span(t("2026-03-01T23:00:00Z"), t("2026-03-08T23:00:00Z")),
            Span {
                days: Some(key("2026-03-02", "2026-03-08")),
                hours: vec![
                    key("2026-03-01T23", "2026-03-02T00"),
                    key("2026-03-08T00", "2026-03-08T23")
                ],
            }
        );
        // A UTC day is one daily tally.
        assert_eq!(
            span(t("2026-03-01T00:00:00Z"), t("2026-03-02T00:00:00Z")),
            Span {
                days: Some(key("2026-03-01", "2026-03-02")),
                hours: vec![],
            }
        );
        // A local day across two UTC days is all hours.
        assert_eq!(
            span(t("2026-03-01T05:00:00Z"), t("2026-03-02T05:00:00Z")),
            Span {
                days: None,
                hours: vec![key("2026-03-01T05", "2026-03-02T05")],
            }
        );
    }

    /// The tallies (caught up) recounted from the mentions themselves.
    fn recount(db: &Db) -> (Vec<String>, Vec<String>) {
        db.store.write(catch_up).unwrap();
        let rows = |c: &Connection, sql: &str| -> Result<Vec<String>> {
            let mut stmt = c.prepare(sql).db()?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        };
        let fields = "complaint || ',' || negative || ',' || neutral || ',' || positive || ',' \
            || unscored || ',' || round(sentiment_sum, 6) || ',' || sentiment_n";
        let kept = |period: Period| {
            let (col, mt, wt) = (period.column(), period.table(false), period.table(true));
            db.store
                .read(|c| {
                    let m = rows(
                        c,
                        &format!(
                            "SELECT {col} || ',' || platform || ',' || {fields} FROM {mt}
                             WHERE complaint + negative + neutral + positive + unscored > 0
                             ORDER BY {col}, platform"
                        ),
                    )?;
                    let w = rows(
                        c,
                        &format!(
                            "SELECT watch_id || ',' || {col} || ',' || platform || ',' || {fields}
                             FROM {wt}
                             WHERE complaint + negative + neutral + positive + unscored > 0
                             ORDER BY watch_id, {col}, platform"
                        ),
                    )?;
                    Ok((m, w))
                })
                .unwrap()
        };
        let counted = "sum(m.label IS 'complaint') || ',' || sum(m.label IS 'negative') || ',' \
            || sum(m.label IS 'neutral') || ',' || sum(m.label IS 'positive') || ',' \
            || sum(m.label IS NULL OR m.label NOT IN ('complaint', 'negative', 'neutral', 'positive')) \
            || ',' || round(total(m.sentiment), 6) || ',' || count(m.sentiment)";
        let fresh = |len: usize| {
            let key = format!("substr(m.created_at, 1, {len})");
            db.store
                .read(|c| {
                    let m = rows(
                        c,
                        &format!(
                            "SELECT {key} || ',' || m.platform || ',' || {counted}
                             FROM mentions m GROUP BY {key}, m.platform ORDER BY {key}, m.platform"
                        ),
                    )?;
                    let w = rows(
                        c,
                        &format!(
                            "SELECT mw.watch_id || ',' || {key} || ',' || m.platform || ',' || {counted}
                             FROM mention_watches mw JOIN mentions m ON m.id = mw.mention_id
                             GROUP BY mw.watch_id, {key}, m.platform
                             ORDER BY mw.watch_id, {key}, m.platform"
                        ),
                    )?;
                    Ok((m, w))
                })
                .unwrap()
        };
        assert_eq!(
            kept(Period::Day),
            fresh(10),
            "daily tallies differ from a recount"
        );
        assert_eq!(
            kept(Period::Hour),
            fresh(13),
            "hourly tallies differ from a recount"
        );
        let contacts = |sql: &str| db.store.read(|c| rows(c, sql)).unwrap();
        assert_eq!(
            contacts(
                "SELECT mention_id || ',' || created_at || ',' || platform || ',' || wait_secs
                 FROM first_contacts ORDER BY mention_id"
            ),
            contacts(
                "SELECT mention_id || ',' || created_at || ',' || platform || ',' || wait_secs
                 FROM first_contact_of ORDER BY mention_id"
            ),
            "first contacts differ from a recount"
        );
        kept(Period::Hour)
    }

    #[test]
    fn the_tallies_stay_equal_to_a_recount_whatever_changes() {
        let db = db();
        let a = db.mention("x", "2026-03-01T10:15:00Z", Some("complaint"), Some(-0.6));
        let b = db.mention("x", "2026-03-01T10:45:00Z", None, None);
        let c = db.mention(
            "reddit",
            "2026-03-02T08:00:00Z",
            Some("positive"),
            Some(0.7),
        );
        let shop = db.watch("Shop name", &[a, b]);
        let handle = db.watch("Handle", &[a, c]);
        let (m, w) = recount(&db);
        assert_eq!(m.len(), 2);
        assert_eq!(w.len(), 3);
        let exec = |sql: &str| {
            db.store
                .write(|tx| {
                    tx.execute_batch(sql).db()?;
                    Ok(())
                })
                .unwrap();
            recount(&db);
        };
        // Contacts logged: one sent, one planned then sent, one inbound.
        let contact = |m: i64, at: &str, direction: &str, status: &str| {
            format!(
                "INSERT INTO outreach (mention_id, platform, author_handle, channel, direction,
                     message, status, occurred_at, created_at)
                 VALUES ({m}, 'x', 'sam', 'email', '{direction}', 'Hello', '{status}', '{at}', '{at}')"
            )
        };
        exec(&contact(b, "2026-03-01T12:00:00Z", "outbound", "sent"));
        exec(&contact(c, "2026-03-02T09:00:00Z", "outbound", "planned"));
        exec(&contact(c, "2026-03-02T08:30:00Z", "inbound", "replied"));
        exec("UPDATE outreach SET status = 'sent' WHERE status = 'planned'");
        let waits = db
            .store
            .read(|conn| {
                let mut stmt = conn
                    .prepare("SELECT wait_secs FROM first_contacts ORDER BY mention_id")
                    .db()?;
                let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).db()?;
                rows.collect::<rusqlite::Result<Vec<_>>>().db()
            })
            .unwrap();
        assert_eq!(waits, vec![3600 + 15 * 60, 3600]);
        // Triage scores a mention, then the owner corrects the label.
        exec(&format!(
            "UPDATE mentions SET label = 'negative', sentiment = -0.2 WHERE id = {b}"
        ));
        exec(&format!(
            "UPDATE mentions SET label = 'complaint' WHERE id = {b}"
        ));
        // The status alone changes nothing counted.
        exec(&format!(
            "UPDATE mentions SET status = 'resolved' WHERE id = {a}"
        ));
        // A post's time (edited) and a watch added and removed later.
        exec(&format!(
            "UPDATE mentions SET created_at = '2026-03-05T23:59:00Z' WHERE id = {c}"
        ));
        exec(&format!(
            "INSERT INTO mention_watches (mention_id, watch_id) VALUES ({c}, {shop})"
        ));
        exec(&format!(
            "DELETE FROM mention_watches WHERE mention_id = {a} AND watch_id = {handle}"
        ));
        // Erasure deletes mentions (their links go with them), and a watch.
        exec(&format!("DELETE FROM mentions WHERE id = {a}"));
        exec(&format!("DELETE FROM watches WHERE id = {handle}"));
        let (m, w) = recount(&db);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(w.len(), 2, "{w:?}");
        // The newest mention erased: its id comes back for the next one
        // stored, which must still be counted (once).
        exec(&format!("DELETE FROM mentions WHERE id = {c}"));
        let again = db.mention("x", "2026-03-07T09:00:00Z", Some("neutral"), Some(0.0));
        assert_eq!(again, c);
        exec(&format!(
            "INSERT INTO mention_watches (mention_id, watch_id) VALUES ({again}, {shop})"
        ));
        let (m, w) = recount(&db);
        assert_eq!((m.len(), w.len()), (2, 2), "{m:?} {w:?}");
        let gone = db
            .store
            .read(|c| {
                c.query_row(
                    "SELECT count(*) FROM watch_hours WHERE watch_id = ?1",
                    [handle],
                    |r| r.get::<_, i64>(0),
                )
                .db()
            })
            .unwrap();
        assert_eq!(gone, 0);
    }

    #[test]
    fn mentions_stored_by_polling_are_counted_and_a_watch_added_later_too() {
        use crate::store::mentions::{store_batch, NewMention};
        let db = db();
        let shop = db.watch("Shop name", &[]);
        let market = db.watch("Market", &[]);
        let post = |id: &str, at: &str| NewMention {
            platform: Platform::Mastodon,
            external_id: id.into(),
            url: None,
            author_id: None,
            author_handle: Some("sam".into()),
            author_name: None,
            text: format!("Post {id} about Pedal & Pine at the market"),
            language: None,
            created_at: at.into(),
            from_search: true,
        };
        let (a, b) = (
            post("1", "2026-03-10T09:00:00Z"),
            post("2", "2026-03-11T09:00:00Z"),
        );
        let store = |batch: &[(&NewMention, &[i64])]| {
            db.store
                .write(|tx| store_batch(tx, None, batch, "2026-03-12T00:00:00Z"))
                .unwrap()
        };
        store(&[(&a, &[shop][..]), (&b, &[shop][..])]);
        let d = db.get(query(DashboardRange::Days30));
        assert_eq!((d.total, d.by_platform[0].total), (2, 2));
        assert_eq!(d.by_watch.len(), 1);
        // Seen again by a search for the new watch: linked, not stored twice.
        store(&[(&a, &[shop, market][..])]);
        let d = db.get(query(DashboardRange::Days30));
        assert_eq!(d.total, 2);
        let names: Vec<(&str, i64)> = d
            .by_watch
            .iter()
            .map(|w| (w.name.as_str(), w.total))
            .collect();
        assert_eq!(names, vec![("Shop name", 2), ("Market", 1)]);
        let only_market = db.get(DashboardQuery {
            watch_id: Some(market),
            ..query(DashboardRange::Days30)
        });
        assert_eq!(bucket(&only_market, "2026-03-10").total, 1);
        recount(&db);
    }

    #[test]
    fn half_hour_time_zones_get_exact_days_too() {
        let db = db();
        // India is UTC+5:30: local midnight of 14 March is 18:30 UTC on the 13th.
        db.mention("x", "2026-03-13T18:29:59Z", Some("complaint"), Some(-0.5));
        db.mention("x", "2026-03-13T18:30:00Z", Some("positive"), Some(0.5));
        db.mention("x", "2026-03-13T18:10:00Z", Some("neutral"), None);
        // The first day (13 February) starts at 18:30 UTC on the 12th.
        let first_in = db.mention("reddit", "2026-02-12T18:45:00Z", Some("negative"), None);
        db.mention("reddit", "2026-02-12T18:15:00Z", Some("negative"), None);
        // Today (15 March) ends at 18:30 UTC on the 15th; noon UTC is 17:30 there.
        db.mention("x", "2026-03-15T18:20:00Z", None, None);
        db.mention("x", "2026-03-15T18:40:00Z", None, None);
        let w = db.watch("Shop", &[first_in]);
        let india = db.get(DashboardQuery {
            utc_offset_minutes: 330,
            ..query(DashboardRange::Days30)
        });
        // The 30 days start on 14 February, at 18:30 UTC on the 13th: both
        // February posts (local 12 and 13 February) are outside.
        assert_eq!(india.from, "2026-02-14");
        assert_eq!(bucket(&india, "2026-02-14").total, 0);
        assert_eq!(bucket(&india, "2026-03-13").labels.complaint, 1);
        assert_eq!(bucket(&india, "2026-03-13").labels.neutral, 1);
        assert_eq!(bucket(&india, "2026-03-14").labels.positive, 1);
        assert_eq!(bucket(&india, "2026-03-15").labels.unscored, 1);
        assert_eq!(india.total, 4);
        assert_eq!(
            india.by_platform,
            vec![PlatformCount {
                platform: Platform::X,
                total: 4,
                unhappy: 1
            }]
        );
        assert!(india.by_watch.is_empty());
        // Ninety days reach back to 16 December: both February posts are in,
        // and the first edge's odd minutes leave nothing out.
        let india = db.get(DashboardQuery {
            utc_offset_minutes: 330,
            ..query(DashboardRange::Days90)
        });
        assert_eq!(bucket(&india, "2026-02-12").labels.negative, 1);
        assert_eq!(bucket(&india, "2026-02-13").labels.negative, 1);
        assert_eq!(
            india.total,
            7 - 1,
            "the 18:40 post on the 15th is tomorrow there"
        );
        assert_eq!(india.by_watch.len(), 1);
        assert_eq!(
            (india.by_watch[0].watch_id, india.by_watch[0].total),
            (w, 1)
        );
        // A 30-day window in Newfoundland (UTC-3:30) cuts at 03:30 UTC.
        db.mention("x", "2026-02-14T03:29:00Z", Some("positive"), None);
        db.mention("x", "2026-02-14T03:31:00Z", Some("positive"), None);
        let nl = db.get(DashboardQuery {
            utc_offset_minutes: -210,
            ..query(DashboardRange::Days30)
        });
        assert_eq!(bucket(&nl, "2026-02-14").labels.positive, 1);
    }

    #[test]
    fn the_median_of_a_few_waits() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [10, 1, 4, 2]), Some(3));
    }
}
