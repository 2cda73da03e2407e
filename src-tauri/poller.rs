//! Polling, modelled on a feed reader: pick the due sources, fetch them with a
//! bounded pool, store what is new together with the source's new cursor in
//! one transaction, and record health — errors in plain words, a growing
//! back-off on failure, reset on success.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock;
use crate::error::{Error, Result};
use crate::model::{PollReport, SourceTestReport};
use crate::secrets;
use crate::sources::http::{FetchError, HttpClient, HttpConfig};
use crate::sources::{catalog, connector_for, FetchContext, FetchOutcome};
use crate::store::sources::SourceRow;
use crate::store::{self, Store};

/// At most this many sources are fetched at once.
const POOL_SIZE: usize = 4;
/// Back-off never waits longer than this between checks.
const MAX_BACKOFF_SECS: i64 = 6 * 3600;

#[derive(Clone)]
pub struct Poller {
    store: Store,
    http: HttpClient,
}

impl Poller {
    pub fn new(store: Store, config: HttpConfig) -> Result<Poller> {
        Ok(Poller {
            store,
            http: HttpClient::new(config)?,
        })
    }

    /// Polls every enabled source whose next check is due.
    pub async fn poll_due(&self) -> Result<Vec<PollReport>> {
        let store = self.store.clone();
        let now = clock::now_string();
        let due = tokio::task::spawn_blocking(move || store.read(|c| store::sources::due(c, &now)))
            .await??;
        Ok(self.poll_rows(due).await)
    }

    /// Polls every enabled source now, due or not ("Check now").
    pub async fn poll_all(&self) -> Result<Vec<PollReport>> {
        let store = self.store.clone();
        let rows = tokio::task::spawn_blocking(move || store.read(store::sources::list)).await??;
        let rows = rows
            .into_iter()
            .filter(|r| r.enabled && !r.sample)
            .collect();
        Ok(self.poll_rows(rows).await)
    }

    pub async fn poll_source(&self, id: i64) -> Result<PollReport> {
        let store = self.store.clone();
        let row = tokio::task::spawn_blocking(move || store.read(|c| store::sources::get(c, id)))
            .await??;
        Ok(self.poll_row(row).await)
    }

    async fn poll_rows(&self, rows: Vec<SourceRow>) -> Vec<PollReport> {
        let permits = Arc::new(Semaphore::new(POOL_SIZE));
        let mut set = JoinSet::new();
        for (i, row) in rows.into_iter().enumerate() {
            let poller = self.clone();
            let permits = permits.clone();
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (i, poller.poll_row(row).await)
            });
        }
        let mut reports = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(r) => reports.push(r),
                Err(e) => tracing::error!("a poll task failed: {e}"),
            }
        }
        reports.sort_by_key(|(i, _)| *i);
        reports.into_iter().map(|(_, r)| r).collect()
    }

    /// Fetches one source and stores the result. Never fails: a failure is
    /// recorded on the source and described in the report.
    async fn poll_row(&self, row: SourceRow) -> PollReport {
        let mut report = PollReport {
            source_id: row.id,
            label: row.label.clone(),
            platform: row.platform,
            ok: false,
            fetched: 0,
            new_mentions: 0,
            not_modified: false,
            error: None,
        };
        if row.sample {
            report.error = Some(
                "This source is part of the sample workspace; it isn't connected to anything."
                    .into(),
            );
            return report;
        }
        match self.fetch(&row).await {
            Ok(outcome) => {
                report.fetched = outcome.mentions.len() as i64;
                report.not_modified = outcome.not_modified;
                match self.store_outcome(&row, outcome).await {
                    Ok(added) => {
                        report.ok = true;
                        report.new_mentions = added;
                        tracing::info!(
                            source = row.id,
                            fetched = report.fetched,
                            new = added,
                            not_modified = report.not_modified,
                            "polled"
                        );
                    }
                    Err(e) => report.error = Some(e.to_string()),
                }
            }
            Err(e) => {
                let message = e.to_string();
                tracing::warn!(source = row.id, code = e.code(), "poll failed: {message}");
                if let Err(db) = self.store_failure(&row, &e).await {
                    tracing::error!(source = row.id, "couldn't record the failure: {db}");
                }
                report.error = Some(message);
            }
        }
        report
    }

    async fn fetch(&self, row: &SourceRow) -> Result<FetchOutcome> {
        let connector = connector_for(row.platform)
            .ok_or(Error::NotAvailable(row.platform.display_name().into()))?;
        let secret = match &row.secret_ref {
            Some(r) => {
                let r = r.clone();
                let secret = tokio::task::spawn_blocking(move || secrets::load(&r)).await??;
                if secret.is_none() {
                    return Err(Error::invalid(format!(
                        "The key for \"{}\" is missing from your keyring. Remove this source and add it again with its key.",
                        row.label
                    )));
                }
                secret
            }
            None if catalog::info(row.platform).needs_secret => {
                return Err(Error::invalid(format!(
                    "\"{}\" needs a key and has none. Remove it and add it again with its key.",
                    row.label
                )))
            }
            None => None,
        };
        let ctx = FetchContext {
            source: row,
            secret,
            http: &self.http,
        };
        Ok(connector.fetch(&ctx).await?)
    }

    async fn store_outcome(&self, row: &SourceRow, outcome: FetchOutcome) -> Result<i64> {
        let store = self.store.clone();
        let id = row.id;
        let next = clock::in_secs(row.interval_secs.max(60));
        tokio::task::spawn_blocking(move || {
            let now = clock::now_string();
            // The mentions and the cursor they came with commit together:
            // a crash leaves either both or neither.
            store.write(|tx| {
                let added = store::mentions::insert_new(tx, Some(id), &outcome.mentions, &now)?;
                store::sources::record_success(tx, id, &outcome.state, &now, &next)?;
                Ok(added)
            })
        })
        .await?
    }

    async fn store_failure(&self, row: &SourceRow, e: &Error) -> Result<()> {
        let store = self.store.clone();
        let id = row.id;
        let message = e.to_string();
        let rejected = matches!(e, Error::Fetch(FetchError::Unauthorized { .. }));
        let wait = backoff_secs(row.interval_secs, row.error_count + 1, fetch_retry_after(e));
        let next = clock::in_secs(wait);
        tokio::task::spawn_blocking(move || {
            let now = clock::now_string();
            store
                .write(|tx| store::sources::record_failure(tx, id, &message, rejected, &now, &next))
        })
        .await?
    }

    /// Fetches without conditions and stores nothing: what would a poll see?
    pub async fn test_source(&self, id: i64) -> Result<SourceTestReport> {
        let store = self.store.clone();
        let mut row =
            tokio::task::spawn_blocking(move || store.read(|c| store::sources::get(c, id)))
                .await??;
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
        Ok(match self.fetch(&row).await {
            Ok(outcome) => {
                let n = outcome.mentions.len() as i64;
                let name = outcome
                    .title
                    .clone()
                    .filter(|t| !t.is_empty())
                    .map(|t| format!("\"{t}\""))
                    .unwrap_or_else(|| "The source".into());
                SourceTestReport {
                    source_id: id,
                    ok: true,
                    message: format!(
                        "It works. {name} answered with {n} item{}.",
                        if n == 1 { "" } else { "s" }
                    ),
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

    /// Runs `poll_due` every `tick` until the app exits.
    pub async fn run(self, tick: Duration, on_new: impl Fn(i64) + Send + 'static) {
        let mut interval = tokio::time::interval(tick);
        loop {
            interval.tick().await;
            match self.poll_due().await {
                Ok(reports) => {
                    let added: i64 = reports.iter().map(|r| r.new_mentions).sum();
                    if added > 0 {
                        on_new(added);
                    }
                }
                Err(e) => tracing::warn!("scheduled poll skipped: {e}"),
            }
        }
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
    fn backoff_waits_at_least_as_long_as_retry_after() {
        assert!(backoff_secs(60, 1, Some(7200)) >= 7200);
    }
}
