//! The Dashboard's figures: mentions per day or week by label, mean
//! sentiment, by platform and by watch, open complaints and the median time
//! to a first contact.
//!
//! Days are the owner's local days at a fixed offset from UTC. Their edges
//! are turned into stored-timestamp strings (`clock::format`: UTC, whole
//! seconds, so text order is time order), and the range is read in one
//! pass in time order; each row falls into the bucket whose edge it has
//! passed, so no per-row date arithmetic is done in SQL or in Rust.

use rusqlite::types::ValueRef;
use rusqlite::{named_params, Connection};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use super::SqlResult;
use crate::clock;
use crate::error::Result;
use crate::model::{
    BucketSize, Dashboard, DashboardBucket, DashboardQuery, DashboardRange, LabelCounts, Platform,
    PlatformCount, WatchCount,
};

/// Offsets beyond ±14 h exist nowhere; a bad value from the UI is clamped.
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// The filters every query shares; `m` is the mentions table.
const FILTERS: &str = "(:platform IS NULL OR m.platform = :platform)
    AND (:watch IS NULL OR m.id IN (SELECT mention_id FROM mention_watches WHERE watch_id = :watch))";

/// The Dashboard for `q`, with "today" taken from `now` in the owner's time zone.
pub fn dashboard(conn: &Connection, q: &DashboardQuery, now: OffsetDateTime) -> Result<Dashboard> {
    let offset = UtcOffset::from_whole_seconds(
        q.utc_offset_minutes
            .clamp(-MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES)
            * 60,
    )
    .unwrap_or(UtcOffset::UTC);
    let today = now.to_offset(offset).date();
    let first: Option<String> = conn
        .query_row("SELECT min(created_at) FROM mentions", [], |r| r.get(0))
        .db()?;
    let any_mentions = first.is_some();
    let first_day = first
        .as_deref()
        .and_then(clock::parse)
        .map(|t| t.to_offset(offset).date());
    let (bucket, starts) = plan(q.range, today, first_day);
    // Edges: each bucket's start, then the end of today (later posts, from
    // a platform's clock running fast, are left out).
    let mut edges: Vec<String> = starts.iter().map(|d| edge(*d, offset)).collect();
    edges.push(edge(today.next_day().unwrap_or(today), offset));
    let platform = q.platform.map(Platform::as_str);

    let mut buckets: Vec<Tally> = vec![Tally::default(); starts.len()];
    let mut platforms: Vec<(Platform, LabelCounts)> = Vec::new();
    {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT m.created_at, m.platform, m.label, m.sentiment FROM mentions m
                 WHERE m.created_at >= :from AND m.created_at < :to AND {FILTERS}
                 ORDER BY m.created_at"
            ))
            .db()?;
        let mut rows = stmt
            .query(named_params! {
                ":from": edges[0],
                ":to": edges[edges.len() - 1],
                ":platform": platform,
                ":watch": q.watch_id,
            })
            .db()?;
        let mut b = 0;
        while let Some(r) = rows.next().db()? {
            let ValueRef::Text(at) = r.get_ref(0).db()? else {
                continue;
            };
            while b + 1 < starts.len() && at >= edges[b + 1].as_bytes() {
                b += 1;
            }
            let label = label_slot(r.get_ref(2).db()?);
            let sentiment = r.get_ref(3).db()?.as_f64_or_null().ok().flatten();
            buckets[b].add(label, sentiment);
            if let ValueRef::Text(p) = r.get_ref(1).db()? {
                let p = std::str::from_utf8(p).unwrap_or_default();
                let i = match platforms.iter().position(|(x, _)| x.as_str() == p) {
                    Some(i) => i,
                    None => match Platform::parse(p) {
                        Some(x) => {
                            platforms.push((x, LabelCounts::default()));
                            platforms.len() - 1
                        }
                        None => continue,
                    },
                };
                bump(&mut platforms[i].1, label);
            }
        }
    }

    let mut whole = Tally::default();
    for t in &buckets {
        whole.merge(t);
    }
    let mut by_platform: Vec<PlatformCount> = platforms
        .into_iter()
        .map(|(platform, c)| PlatformCount {
            platform,
            total: c.total(),
            unhappy: c.unhappy(),
        })
        .collect();
    by_platform.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.platform.as_str().cmp(b.platform.as_str()))
    });

    let range = named_params! {
        ":from": edges[0],
        ":to": edges[edges.len() - 1],
        ":platform": platform,
        ":watch": q.watch_id,
    };
    let by_watch = by_watch(conn, range)?;
    let (median_first_contact_secs, contacted) = first_contact(conn, range)?;
    let open_complaints: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM mentions m
             WHERE m.label = 'complaint' AND m.status IN ('new', 'needs_reply') AND {FILTERS}"
        ))
        .db()?
        .query_row(
            named_params! { ":platform": platform, ":watch": q.watch_id },
            |r| r.get(0),
        )
        .db()?;

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
        by_platform,
        by_watch,
        open_complaints,
        median_first_contact_secs,
        contacted,
        any_mentions,
    })
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

/// Local midnight of `d` as a stored timestamp.
fn edge(d: Date, offset: UtcOffset) -> String {
    clock::format(d.midnight().assume_offset(offset))
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Complaint,
    Negative,
    Neutral,
    Positive,
    Unscored,
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

fn bump(c: &mut LabelCounts, slot: Slot) {
    match slot {
        Slot::Complaint => c.complaint += 1,
        Slot::Negative => c.negative += 1,
        Slot::Neutral => c.neutral += 1,
        Slot::Positive => c.positive += 1,
        Slot::Unscored => c.unscored += 1,
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    labels: LabelCounts,
    sentiment_sum: f64,
    scored: i64,
}

impl Tally {
    fn add(&mut self, slot: Slot, sentiment: Option<f64>) {
        bump(&mut self.labels, slot);
        if let Some(s) = sentiment {
            self.sentiment_sum += s;
            self.scored += 1;
        }
    }
    fn merge(&mut self, o: &Tally) {
        let (a, b) = (&mut self.labels, &o.labels);
        a.complaint += b.complaint;
        a.negative += b.negative;
        a.neutral += b.neutral;
        a.positive += b.positive;
        a.unscored += b.unscored;
        self.sentiment_sum += o.sentiment_sum;
        self.scored += o.scored;
    }
    fn mean(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.sentiment_sum / self.scored as f64)
    }
}

fn by_watch(conn: &Connection, range: &[(&str, &dyn rusqlite::ToSql)]) -> Result<Vec<WatchCount>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT w.id, w.name, count(*), sum(m.label IN ('complaint', 'negative'))
             FROM mentions m
             JOIN mention_watches mw ON mw.mention_id = m.id
             JOIN watches w ON w.id = mw.watch_id
             WHERE m.created_at >= :from AND m.created_at < :to AND {FILTERS}
             GROUP BY w.id
             ORDER BY count(*) DESC, w.name COLLATE NOCASE"
        ))
        .db()?;
    let rows = stmt
        .query_map(range, |r| {
            Ok(WatchCount {
                watch_id: r.get(0)?,
                name: r.get(1)?,
                total: r.get(2)?,
                unhappy: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
            })
        })
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// The median time from a mention to the business's first contact about
/// it, and over how many mentions. A contact is outbound outreach that
/// happened (not merely planned); outreach logged as happening before the
/// post itself (a wrong date or a wrong mention) is left out rather than
/// counted as a negative wait.
fn first_contact(
    conn: &Connection,
    range: &[(&str, &dyn rusqlite::ToSql)],
) -> Result<(Option<i64>, i64)> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT m.id, m.created_at, o.occurred_at FROM outreach o
             JOIN mentions m ON m.id = o.mention_id
             WHERE o.direction = 'outbound' AND o.status <> 'planned'
               AND m.created_at >= :from AND m.created_at < :to AND {FILTERS}
             ORDER BY m.id"
        ))
        .db()?;
    let rows = stmt
        .query_map(range, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .db()?;
    let mut waits: Vec<i64> = Vec::new();
    let mut current: Option<(i64, Option<i64>)> = None;
    for row in rows {
        let (id, posted, contacted) = row.db()?;
        let wait = match (
            clock::parse_lenient(&posted),
            clock::parse_lenient(&contacted),
        ) {
            (Some(p), Some(c)) if c >= p => Some((c - p).whole_seconds()),
            _ => None,
        };
        match &mut current {
            Some((cid, best)) if *cid == id => {
                *best = match (*best, wait) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            _ => {
                if let Some((_, Some(w))) = current {
                    waits.push(w);
                }
                current = Some((id, wait));
            }
        }
    }
    if let Some((_, Some(w))) = current {
        waits.push(w);
    }
    Ok((median(&mut waits), waits.len() as i64))
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
                    Ok(tx.last_insert_rowid())
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

        fn get(&self, q: DashboardQuery) -> Dashboard {
            self.store.read(|c| dashboard(c, &q, now())).unwrap()
        }
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
        // Narrowed to one watch, another watch's count is of the mentions both caught.
        assert_eq!(
            w.by_watch
                .iter()
                .map(|c| (c.name.as_str(), c.total))
                .collect::<Vec<_>>(),
            vec![("Shop name", 3), ("Handle", 1)]
        );
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

    #[test]
    fn the_median_of_a_few_waits() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [10, 1, 4, 2]), Some(3));
    }
}
