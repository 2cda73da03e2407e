//! Polling, modelled on a feed reader: pick the due sources, fetch them with a
//! bounded pool, store what is new together with the source's new cursor in
//! one transaction, and record health — errors in plain words, a growing
//! back-off on failure, reset on success.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock;
use crate::error::{Error, Result};
use crate::model::{PollReport, PollingStatus, SourceTestReport, Watch};
use crate::secrets;
use crate::sources::api::{Meter, Sessions};
use crate::sources::http::{FetchError, HttpClient, HttpConfig};
use crate::sources::{
    catalog, connector_for, feed, usage_policy, FetchContext, FetchOutcome, UsagePeriod,
    UsagePolicy,
};
use crate::store::mentions::NewMention;
use crate::store::sources::SourceRow;
use crate::store::{self, Store};
use crate::watch::Matcher;

/// At most this many sources are fetched at once.
const POOL_SIZE: usize = 4;
/// What a "Test" may spend on a rationed platform: ten X posts, each with
/// an author's profile (at most 15 cents), or 30 YouTube quota units (no
/// keyword search, which costs 100).
const TEST_ALLOWANCE: i64 = 30;
/// Back-off never waits longer than this between checks.
const MAX_BACKOFF_SECS: i64 = 6 * 3600;

#[derive(Clone)]
pub struct Poller {
    store: Store,
    http: HttpClient,
    sessions: Sessions,
    online: Arc<AtomicBool>,
    last_cycle_at: Arc<Mutex<Option<String>>>,
}

/// What one scheduled cycle found, for live updates and notifications.
#[derive(Debug, Clone, Default)]
pub struct CycleSummary {
    pub reports: Vec<PollReport>,
    /// New mentions per watch name (a mention caught by two watches counts for both).
    pub new_by_watch: BTreeMap<String, i64>,
    /// New mentions per label triage gave them.
    pub new_by_label: BTreeMap<crate::model::Label, i64>,
    /// The online state changed during this cycle.
    pub online_changed: bool,
}

/// What one source's new mentions were: per watch name, and per label.
type NewCounts = (BTreeMap<String, i64>, BTreeMap<crate::model::Label, i64>);

impl CycleSummary {
    pub fn added(&self) -> i64 {
        self.reports.iter().map(|r| r.new_mentions).sum()
    }

    fn absorb(&mut self, (by_watch, by_label): NewCounts) {
        for (k, v) in by_watch {
            *self.new_by_watch.entry(k).or_default() += v;
        }
        for (k, v) in by_label {
            *self.new_by_label.entry(k).or_default() += v;
        }
    }
}

/// The part of a fetch that is stored: the outcome plus what was spent.
struct Fetched {
    result: Result<FetchOutcome>,
    units_used: i64,
    policy: Option<UsagePolicy>,
}

impl Poller {
    pub fn new(store: Store, config: HttpConfig) -> Result<Poller> {
        Ok(Poller {
            store,
            http: HttpClient::new(config)?,
            sessions: Sessions::default(),
            online: Arc::new(AtomicBool::new(true)),
            last_cycle_at: Arc::new(Mutex::new(None)),
        })
    }

    /// Whether polling is running or paused for want of a network.
    pub fn status(&self) -> PollingStatus {
        let online = self.online.load(Ordering::SeqCst);
        PollingStatus {
            online,
            last_cycle_at: self.last_cycle_at.lock().ok().and_then(|g| g.clone()),
            message: (!online).then(|| {
                "This computer seems to be offline. Hearken has paused checking and will carry on by itself when the connection is back.".to_string()
            }),
        }
    }

    /// Forgets a source's session tokens (after its key was replaced).
    pub fn forget_session(&self, source_id: i64) {
        self.sessions.forget(source_id);
    }

    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.read(f)).await?
    }

    /// Polls every enabled source whose next check is due. While offline,
    /// only one source is tried (a probe); when it gets through, the rest follow.
    pub async fn poll_due(&self) -> Result<Vec<PollReport>> {
        Ok(self.cycle().await?.reports)
    }

    /// One scheduled cycle.
    pub async fn cycle(&self) -> Result<CycleSummary> {
        let now = clock::now_string();
        if !self.online.load(Ordering::SeqCst) {
            let probe = self
                .read(|c| {
                    Ok(store::sources::list(c)?
                        .into_iter()
                        .filter(|r| r.enabled && !r.sample)
                        .min_by(|a, b| a.next_check_at.cmp(&b.next_check_at)))
                })
                .await?;
            let Some(probe) = probe else {
                self.online.store(true, Ordering::SeqCst);
                return Ok(CycleSummary::default());
            };
            let mut summary = self.poll_rows(vec![probe]).await?;
            if self.online.load(Ordering::SeqCst) {
                let now = clock::now_string();
                let due = self.read(move |c| store::sources::due(c, &now)).await?;
                let rest = self.poll_rows(due).await?;
                summary.reports.extend(rest.reports);
                summary.absorb((rest.new_by_watch, rest.new_by_label));
                summary.online_changed = true;
            }
            return Ok(summary);
        }
        let due = self.read(move |c| store::sources::due(c, &now)).await?;
        self.poll_rows(due).await
    }

    /// Polls every enabled source now, due or not ("Check now").
    pub async fn poll_all(&self) -> Result<Vec<PollReport>> {
        Ok(self.poll_all_summary().await?.reports)
    }

    pub async fn poll_all_summary(&self) -> Result<CycleSummary> {
        let rows = self.read(store::sources::list).await?;
        let rows = rows
            .into_iter()
            .filter(|r| r.enabled && !r.sample)
            .collect();
        self.poll_rows(rows).await
    }

    pub async fn poll_source(&self, id: i64) -> Result<PollReport> {
        let row = self.read(move |c| store::sources::get(c, id)).await?;
        let watches = self.read(store::watches::listening).await?;
        let (fetched, row) = self.fetch_row(row, &watches).await;
        let (report, _) = self.settle(row, fetched, &watches, false).await;
        Ok(report)
    }

    async fn poll_rows(&self, rows: Vec<SourceRow>) -> Result<CycleSummary> {
        let watches = Arc::new(self.read(store::watches::listening).await?);
        let permits = Arc::new(Semaphore::new(POOL_SIZE));
        let mut set = JoinSet::new();
        for (i, row) in rows.into_iter().enumerate() {
            let poller = self.clone();
            let permits = permits.clone();
            let watches = watches.clone();
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let (fetched, row) = poller.fetch_row(row, &watches).await;
                let network = matches!(&fetched.result, Err(Error::Fetch(e)) if e.is_network());
                if network {
                    // Whether this is the network or the source is only
                    // known once every source has answered.
                    (i, Err((row, fetched)))
                } else {
                    // Stored as soon as it arrives: the Inbox fills in
                    // while slower sources are still answering.
                    (i, Ok(poller.settle(row, fetched, &watches, false).await))
                }
            });
        }
        let mut done = Vec::new();
        let mut deferred = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((i, Ok(settled))) => done.push((i, settled)),
                Ok((i, Err(pending))) => deferred.push((i, pending)),
                Err(e) => tracing::error!("a poll task failed: {e}"),
            }
        }
        // Offline when every attempt failed for want of a network: either
        // the network itself is unreachable, or names failed to resolve for
        // more than one host (one unknown host is more likely a typo).
        let attempted = done.len() + deferred.len();
        let unreachable = deferred
            .iter()
            .any(|(_, (_, f))| matches!(&f.result, Err(Error::Fetch(FetchError::Offline { .. }))));
        let offline = attempted > 0
            && done.is_empty()
            && (unreachable || deferred.len() > 1 || !self.online.load(Ordering::SeqCst));
        let was_online = self.online.swap(!offline, Ordering::SeqCst);
        if was_online && offline {
            tracing::warn!("offline: polling paused until the network is back");
        } else if !was_online && !offline && attempted > 0 {
            tracing::info!("back online: polling resumed");
        }
        for (i, (row, f)) in deferred {
            done.push((i, self.settle(row, f, &watches, offline).await));
        }
        done.sort_by_key(|(i, _)| *i);
        let mut summary = CycleSummary {
            online_changed: was_online == offline && attempted > 0,
            ..CycleSummary::default()
        };
        for (_, (report, counts)) in done {
            summary.reports.push(report);
            summary.absorb(counts);
        }
        if let Ok(mut at) = self.last_cycle_at.lock() {
            *at = Some(clock::now_string());
        }
        Ok(summary)
    }

    /// Fetches one source; nothing is stored yet.
    async fn fetch_row(&self, row: SourceRow, watches: &[Watch]) -> (Fetched, SourceRow) {
        self.fetch_row_with(row, watches, None).await
    }

    /// `allowance` caps what this one fetch may spend on a rationed
    /// platform (a "Test" should cost pennies, not a poll's worth).
    async fn fetch_row_with(
        &self,
        row: SourceRow,
        watches: &[Watch],
        allowance: Option<i64>,
    ) -> (Fetched, SourceRow) {
        let policy = usage_policy(row.platform, &row.settings);
        let meter = match &policy {
            Some(p) => {
                let (id, period) = (row.id, period_key(p.period));
                let used = self
                    .read(move |c| store::usage::spent(c, id, &period))
                    .await
                    .unwrap_or(0);
                let limit = match (p.limit, allowance) {
                    (Some(l), Some(a)) => Some(l.min(used + a)),
                    (None, Some(a)) => Some(used + a),
                    (l, None) => l,
                };
                Meter::new(limit, used)
            }
            None => Meter::unlimited(),
        };
        let result = if row.sample {
            Err(Error::invalid(
                "This source is part of the sample workspace; it isn't connected to anything.",
            ))
        } else {
            self.fetch(&row, watches, &meter).await
        };
        (
            Fetched {
                result,
                units_used: meter.used_now(),
                policy,
            },
            row,
        )
    }

    /// Stores what a fetch found (or how it failed) and reports it. Never
    /// fails: a failure is recorded on the source and described in the report.
    async fn settle(
        &self,
        row: SourceRow,
        fetched: Fetched,
        watches: &[Watch],
        offline: bool,
    ) -> (PollReport, NewCounts) {
        let mut report = PollReport {
            source_id: row.id,
            label: row.label.clone(),
            platform: row.platform,
            ok: false,
            fetched: 0,
            new_mentions: 0,
            not_modified: false,
            edited: 0,
            offline: false,
            error: None,
            partial: None,
        };
        let mut counts = NewCounts::default();
        if row.sample {
            report.error = fetched.result.err().map(|e| e.to_string());
            return (report, counts);
        }
        let usage = fetched
            .policy
            .as_ref()
            .map(|p| (period_key(p.period), fetched.units_used));
        match fetched.result {
            Ok(outcome) => {
                report.not_modified = outcome.not_modified;
                report.partial = outcome.partial.clone();
                match self
                    .store_outcome(&row, outcome, watches, usage.clone())
                    .await
                {
                    Ok((stored, by_watch, fetched)) => {
                        report.fetched = fetched;
                        report.ok = true;
                        report.new_mentions = stored.added;
                        report.edited = stored.edited;
                        counts = (by_watch, stored.new_by_label.clone());
                        tracing::info!(
                            source = row.id,
                            fetched = report.fetched,
                            new = stored.added,
                            edited = stored.edited,
                            not_modified = report.not_modified,
                            "polled"
                        );
                    }
                    // A long feed found unreadable part-way through: the
                    // transaction was rolled back, so it failed like any fetch.
                    Err(e @ Error::Fetch(_)) => {
                        report.error = Some(self.fail(&row, e, false, usage).await);
                    }
                    Err(e) => report.error = Some(e.to_string()),
                }
            }
            Err(e) => {
                report.offline = offline;
                report.error = Some(self.fail(&row, e, offline, usage).await);
            }
        }
        (report, counts)
    }

    /// Logs and records a failed poll; the message for the report.
    async fn fail(
        &self,
        row: &SourceRow,
        e: Error,
        offline: bool,
        usage: Option<(String, i64)>,
    ) -> String {
        let message = e.to_string();
        if offline {
            tracing::debug!(source = row.id, "offline; will look again");
        } else if matches!(e, Error::Paused(_)) {
            tracing::debug!(source = row.id, "paused: no watch may listen");
        } else {
            let code = match &e {
                Error::Fetch(f) => f.code(),
                other => other.code(),
            };
            tracing::warn!(source = row.id, code, "poll failed: {message}");
        }
        if let Err(db) = self.store_failure(row, &e, offline, usage).await {
            tracing::error!(source = row.id, "couldn't record the failure: {db}");
        }
        message
    }

    async fn fetch(
        &self,
        row: &SourceRow,
        watches: &[Watch],
        meter: &Meter,
    ) -> Result<FetchOutcome> {
        let connector = connector_for(row.platform)
            .ok_or(Error::NotAvailable(row.platform.display_name().into()))?;
        let info = catalog::info(row.platform);
        let secret = match &row.secret_ref {
            Some(r) => {
                let r = r.clone();
                let secret = tokio::task::spawn_blocking(move || secrets::load(&r)).await??;
                if secret.is_none() {
                    return Err(Error::invalid(format!(
                        "The key for \"{}\" is missing from your keyring. Use \"Replace key\" to save it again.",
                        row.label
                    )));
                }
                secret
            }
            None if info.needs_secret && !info.secret_optional => {
                return Err(Error::invalid(format!(
                    "\"{}\" needs a key and has none. Use \"Replace key\" to save one.",
                    row.label
                )))
            }
            None => None,
        };
        let mut extra_secrets = BTreeMap::new();
        for field in info.fields.iter().filter(|f| f.secret) {
            let name = store::sources::extra_secret_ref(row.id, &field.key);
            let value = tokio::task::spawn_blocking(move || secrets::load(&name)).await??;
            if let Some(v) = value {
                extra_secrets.insert(field.key.clone(), v);
            }
        }
        if watches.is_empty()
            && !crate::sources::keeps_direct_mentions(
                row.platform,
                &row.settings,
                secret.is_some(),
                &extra_secrets,
            )
        {
            return Err(Error::Paused(format!(
                "Paused: \"{}\" only finds posts by searching for what your watches listen for, and no watch may listen yet. A watch listens once its purpose and its whole legitimate-interests note (interest, necessity, balance) are written: complete one in Sources → Watches and checking resumes by itself.",
                row.label
            )));
        }
        let terms: Vec<String> = {
            let mut t: Vec<String> = watches.iter().flat_map(|w| w.terms.clone()).collect();
            t.sort_by_key(|s| s.to_lowercase());
            t.dedup_by_key(|s| s.to_lowercase());
            t
        };
        let ctx = FetchContext {
            source: row,
            secret,
            extra_secrets,
            http: &self.http,
            terms: &terms,
            sessions: &self.sessions,
            meter,
        };
        let result = connector.fetch(&ctx).await;
        if matches!(result, Err(FetchError::Unauthorized { .. })) {
            self.sessions.forget(row.id);
        }
        Ok(result?)
    }

    /// Stores what a fetch found with the source's new state, in one
    /// transaction; also how many mentions the fetch brought.
    async fn store_outcome(
        &self,
        row: &SourceRow,
        outcome: FetchOutcome,
        watches: &[Watch],
        usage: Option<(String, i64)>,
    ) -> Result<(store::mentions::Stored, BTreeMap<String, i64>, i64)> {
        let store = self.store.clone();
        let id = row.id;
        let interval = row.interval_secs.max(60);
        let wait = outcome.wait_secs.map(|w| w.min(i64::MAX as u64) as i64);
        let next = clock::in_secs(interval.max(wait.unwrap_or(0)));
        let limited_until = wait.map(clock::in_secs);
        let watches = watches.to_vec();
        tokio::task::spawn_blocking(move || {
            let now = clock::now_string();
            let matcher = Matcher::new(&watches);
            let FetchOutcome {
                mentions,
                state,
                rest,
                partial,
                ..
            } = outcome;
            let mut fetched = mentions.len() as i64;
            let record = |tx: &rusqlite::Transaction<'_>| -> Result<()> {
                store::sources::record_success(
                    tx,
                    id,
                    &state,
                    &now,
                    &next,
                    limited_until.as_deref(),
                    partial.as_deref(),
                )?;
                if let Some((period, units)) = &usage {
                    store::usage::add(tx, id, period, *units)?;
                }
                Ok(())
            };
            // The mentions and the cursor they came with commit together:
            // a crash leaves either both or neither.
            let stored = match rest {
                // An ordinary answer: scored on readers, so the single
                // writer is held only for the inserts.
                None => {
                    let matched = match_with(&matcher, mentions);
                    let batch: Vec<(&NewMention, &[i64])> =
                        matched.iter().map(|(m, w)| (m, w.as_slice())).collect();
                    store::mentions::score_and_store(&store, Some(id), &batch, &now, record)?.0
                }
                // A long feed (issue #3): read, scored and stored a chunk at
                // a time inside the one transaction, so memory stays bounded
                // by the chunk; a chunk that can't be read rolls back all.
                // Each chunk but its first few mentions is scored on a
                // reader beside the writer, as an ordinary answer is.
                Some(mut rest) => store.write(|tx| {
                    let mut total = store::mentions::Stored::default();
                    let mut chunk = mentions;
                    loop {
                        let matched = match_with(&matcher, chunk);
                        let batch: Vec<(&NewMention, &[i64])> =
                            matched.iter().map(|(m, w)| (m, w.as_slice())).collect();
                        let first = &batch[..batch.len().min(store::mentions::FIRST_SCORED)];
                        let scores = store::mentions::score_unseen(tx, first)?;
                        let stored = store::mentions::store_scoring_beside(
                            &store,
                            tx,
                            Some(id),
                            &batch,
                            scores,
                            &now,
                        )?;
                        add_stored(&mut total, stored);
                        if rest.is_done() {
                            break;
                        }
                        chunk = rest.next_chunk(feed::CHUNK)?;
                        fetched += chunk.len() as i64;
                    }
                    record(tx)?;
                    Ok(total)
                })?,
            };
            let names: BTreeMap<i64, &str> =
                watches.iter().map(|w| (w.id, w.name.as_str())).collect();
            let by_watch = stored
                .new_by_watch
                .iter()
                .filter_map(|(id, n)| names.get(id).map(|name| (name.to_string(), *n)))
                .collect();
            Ok((stored, by_watch, fetched))
        })
        .await?
    }

    async fn store_failure(
        &self,
        row: &SourceRow,
        e: &Error,
        offline: bool,
        usage: Option<(String, i64)>,
    ) -> Result<()> {
        let store = self.store.clone();
        let id = row.id;
        let message = e.to_string();
        let rejected = matches!(e, Error::Fetch(FetchError::Unauthorized { .. }));
        let retry_after = fetch_retry_after(e);
        let budget = matches!(e, Error::Fetch(FetchError::Budget(_)));
        let period = usage.as_ref().map(|(p, _)| p.clone());
        let wait = backoff_secs(row.interval_secs, row.error_count + 1, retry_after);
        let next = clock::in_secs(wait);
        let paused = matches!(e, Error::Paused(_));
        let regular = clock::in_secs(row.interval_secs.max(60));
        tokio::task::spawn_blocking(move || {
            let now = clock::now_string();
            store.write(|tx| {
                if let Some((period, units)) = &usage {
                    store::usage::add(tx, id, period, *units)?;
                }
                if paused {
                    // Not a failure: no back-off, so it resumes within an
                    // interval of a watch being completed.
                    return store::sources::record_paused(tx, id, &message, &now, &regular);
                }
                if offline {
                    return store::sources::record_offline(tx, id);
                }
                if budget {
                    let until = period
                        .as_deref()
                        .and_then(next_period_start)
                        .unwrap_or_else(|| clock::in_secs(24 * 3600));
                    return store::sources::record_wait(tx, id, &message, &now, &until);
                }
                store::sources::record_failure(tx, id, &message, rejected, &now, &next)?;
                if let Some(secs) = retry_after {
                    tx.execute(
                        "UPDATE sources SET rate_limited_until = ?2 WHERE id = ?1",
                        rusqlite::params![id, clock::in_secs(secs.min(i64::MAX as u64) as i64)],
                    )
                    .map_err(|e| Error::Database(e.to_string()))?;
                }
                Ok(())
            })
        })
        .await?
    }

    /// Fetches without conditions and stores nothing: what would a poll see?
    pub async fn test_source(&self, id: i64) -> Result<SourceTestReport> {
        let mut row = self.read(move |c| store::sources::get(c, id)).await?;
        if row.sample {
            return Ok(SourceTestReport {
                source_id: id,
                ok: false,
                message: "This is a sample source; it isn't connected to anything.".into(),
                title: None,
                items: 0,
            });
        }
        row.state = Default::default();
        let watches = self.read(store::watches::listening).await?;
        let (fetched, row) = self
            .fetch_row_with(row, &watches, Some(TEST_ALLOWANCE))
            .await;
        // A test spends allowance like a poll does; record it.
        if let (Some(p), units) = (&fetched.policy, fetched.units_used) {
            let (store, period) = (self.store.clone(), period_key(p.period));
            let rid = row.id;
            let _ = tokio::task::spawn_blocking(move || {
                store.write(|tx| store::usage::add(tx, rid, &period, units))
            })
            .await;
        }
        // A long feed's rest is read to the end, to count it (and to find
        // out whether it is readable all the way, as a poll would).
        let result = match fetched.result {
            Ok(mut outcome) => match outcome.rest.take() {
                Some(mut rest) => {
                    let first = outcome.mentions.len();
                    match tokio::task::spawn_blocking(move || rest.count_rest()).await? {
                        Ok(n) => Ok((outcome, first + n)),
                        Err(e) => Err(Error::Fetch(e)),
                    }
                }
                None => {
                    let n = outcome.mentions.len();
                    Ok((outcome, n))
                }
            },
            Err(e) => Err(e),
        };
        Ok(match result {
            Ok((outcome, n)) => {
                let n = n as i64;
                let name = outcome
                    .title
                    .clone()
                    .filter(|t| !t.is_empty())
                    .map(|t| format!("\"{t}\""))
                    .unwrap_or_else(|| "The source".into());
                let items = format!("{n} item{}", if n == 1 { "" } else { "s" });
                SourceTestReport {
                    source_id: id,
                    ok: true,
                    message: match &outcome.partial {
                        None => format!("It works. {name} answered with {items}."),
                        Some(p) => format!("It partly works. {name} answered with {items}. {p}"),
                    },
                    title: outcome.title,
                    items: n,
                }
            }
            Err(e) => SourceTestReport {
                source_id: id,
                ok: false,
                message: e.to_string(),
                title: None,
                items: 0,
            },
        })
    }

    /// Runs a cycle every `tick` until the app exits.
    pub async fn run(self, tick: Duration, on_cycle: impl Fn(&CycleSummary) + Send + 'static) {
        let mut interval = tokio::time::interval(tick);
        loop {
            interval.tick().await;
            match self.cycle().await {
                Ok(summary) => on_cycle(&summary),
                Err(e) => tracing::warn!("scheduled poll skipped: {e}"),
            }
        }
    }
}

/// Which watches catch each mention. A search result (a search for the
/// watches' terms, a hashtag, a subreddit) is kept only when a watch that
/// may listen catches it: an exclude term may rule it out, the platform's
/// search may be looser, or no watch has its legitimate-interests note.
/// Mentions addressed to the business are kept either way.
pub fn match_mentions(watches: &[Watch], mentions: Vec<NewMention>) -> Vec<(NewMention, Vec<i64>)> {
    match_with(&Matcher::new(watches), mentions)
}

/// `match_mentions` with the watches' matcher built once (a long feed is
/// matched a chunk at a time).
fn match_with(matcher: &Matcher, mentions: Vec<NewMention>) -> Vec<(NewMention, Vec<i64>)> {
    mentions
        .into_iter()
        .filter_map(|m| {
            let ids = matcher.matches(&m.text);
            if m.from_search && ids.is_empty() {
                None
            } else {
                Some((m, ids))
            }
        })
        .collect()
}

/// Adds one chunk's counts to a poll's.
fn add_stored(total: &mut store::mentions::Stored, chunk: store::mentions::Stored) {
    total.added += chunk.added;
    total.edited += chunk.edited;
    for (k, v) in chunk.new_by_watch {
        *total.new_by_watch.entry(k).or_default() += v;
    }
    for (k, v) in chunk.new_by_label {
        *total.new_by_label.entry(k).or_default() += v;
    }
}

/// The usage period key for now: '2026-11' or '2026-11-30'.
pub fn period_key(period: UsagePeriod) -> String {
    let now = clock::now();
    match period {
        UsagePeriod::Month => format!("{:04}-{:02}", now.year(), now.month() as u8),
        UsagePeriod::DayPacific => {
            let t = now - time::Duration::hours(8);
            format!("{:04}-{:02}-{:02}", t.year(), t.month() as u8, t.day())
        }
    }
}

/// When the period after `key` starts, as a stored timestamp.
pub fn next_period_start(key: &str) -> Option<String> {
    let parts: Vec<i32> = key.split('-').filter_map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [y, m] => {
            let (y, m) = if *m == 12 { (y + 1, 1) } else { (*y, m + 1) };
            let month = time::Month::try_from(m as u8).ok()?;
            let d = time::Date::from_calendar_date(y, month, 1).ok()?;
            Some(clock::format(d.midnight().assume_utc()))
        }
        [y, m, d] => {
            let month = time::Month::try_from(*m as u8).ok()?;
            let day = time::Date::from_calendar_date(*y, month, *d as u8).ok()?;
            let next = day.next_day()?.midnight().assume_utc() + time::Duration::hours(8);
            Some(clock::format(next))
        }
        _ => None,
    }
}

fn fetch_retry_after(e: &Error) -> Option<u64> {
    match e {
        Error::Fetch(f) => f.retry_after_secs(),
        _ => None,
    }
}

/// The wait before the next check after `failures` failures in a row:
/// doubling from the source's interval, capped, with ±10% jitter so that
/// sources don't retry in lock-step; never shorter than `Retry-After`.
pub fn backoff_secs(interval_secs: i64, failures: i64, retry_after: Option<u64>) -> i64 {
    let base = interval_secs.max(60);
    let exp = failures.clamp(0, 16) as u32;
    let raw = base
        .saturating_mul(1i64 << exp.saturating_sub(1))
        .min(MAX_BACKOFF_SECS);
    let jitter = rand::rng().random_range(-(raw / 10)..=(raw / 10));
    let wait = (raw + jitter).max(60);
    wait.max(retry_after.unwrap_or(0).min(i64::MAX as u64) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_stops_at_six_hours() {
        let first = backoff_secs(900, 1, None);
        assert!((810..=990).contains(&first), "{first}");
        let third = backoff_secs(900, 3, None);
        assert!((3240..=3960).contains(&third), "{third}");
        let many = backoff_secs(900, 30, None);
        assert!(many <= MAX_BACKOFF_SECS + MAX_BACKOFF_SECS / 10, "{many}");
    }

    #[test]
    fn periods_roll_over_at_the_month_and_at_pacific_midnight() {
        assert_eq!(
            next_period_start("2026-11").as_deref(),
            Some("2026-12-01T00:00:00Z")
        );
        assert_eq!(
            next_period_start("2026-12").as_deref(),
            Some("2027-01-01T00:00:00Z")
        );
        assert_eq!(
            next_period_start("2026-11-30").as_deref(),
            Some("2026-12-01T08:00:00Z")
        );
        assert_eq!(next_period_start("nonsense"), None);
        assert_eq!(period_key(UsagePeriod::Month).len(), 7);
        assert_eq!(period_key(UsagePeriod::DayPacific).len(), 10);
    }

    #[test]
    fn search_results_no_watch_catches_are_dropped_but_direct_mentions_kept() {
        let watch = Watch {
            id: 7,
            name: "Shop".into(),
            terms: vec!["Pine".into()],
            include_terms: vec![],
            exclude_terms: vec!["pine tree".into()],
            purpose: "care".into(),
            legitimate_interests: Some("interest".into()),
            necessity: Some("necessity".into()),
            balance: Some("balance".into()),
            notes_complete: true,
            enabled: true,
            mention_count: 0,
        };
        let m = |id: &str, text: &str, from_search: bool| NewMention {
            platform: crate::model::Platform::X,
            external_id: id.into(),
            url: None,
            author_id: None,
            author_handle: None,
            author_name: None,
            text: text.into(),
            language: None,
            created_at: "2026-11-01T00:00:00Z".into(),
            from_search,
        };
        let batch = || {
            vec![
                m("1", "Pine fixed my bike", true),
                m("2", "the pine tree by the shop", true),
                m("3", "@shop your hours?", false),
            ]
        };
        let kept = |watches: &[Watch]| -> Vec<(String, Vec<i64>)> {
            match_mentions(watches, batch())
                .into_iter()
                .map(|(m, w)| (m.external_id, w))
                .collect()
        };
        assert_eq!(
            kept(std::slice::from_ref(&watch)),
            vec![("1".into(), vec![7]), ("3".into(), vec![])]
        );
        // Without a watch that may listen, no search result is kept at all.
        let mut paused = watch.clone();
        paused.necessity = None;
        paused.notes_complete = false;
        assert_eq!(kept(&[paused]), vec![("3".into(), vec![])]);
        assert_eq!(kept(&[]), vec![("3".into(), vec![])]);
    }

    #[test]
    fn backoff_waits_at_least_as_long_as_retry_after() {
        assert!(backoff_secs(60, 1, Some(7200)) >= 7200);
    }
}
