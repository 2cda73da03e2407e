//! Every platform connector against a fake server on 127.0.0.1 that speaks
//! the platform's documented wire format: paging, cursors, rate-limit
//! headers, error bodies and each platform's quirks. One test binary, one
//! module per platform.

#[path = "../support/mod.rs"]
mod support;

mod bluesky;
mod google_reviews;
mod hacker_news;
mod mastodon;
mod meta;
mod reddit;
mod trustpilot;
mod x;
mod yelp;
mod youtube;

use std::collections::BTreeMap;
use std::time::Duration;

use hearken_lib::model::Platform;
use hearken_lib::sources::api::{Meter, Sessions};
use hearken_lib::sources::http::{FetchError, HttpClient, HttpConfig};
use hearken_lib::sources::{connector_for, FetchContext, FetchOutcome};
use hearken_lib::store::mentions::NewMention;
use hearken_lib::store::sources::{PollState, SourceRow};
use hearken_lib::store::{self, Store};

/// A source row as the poller would pass it.
pub fn source(platform: Platform, base_url: &str, settings: &[(&str, &str)]) -> SourceRow {
    SourceRow {
        id: 1,
        platform,
        label: format!("{} test", platform.display_name()),
        base_url: Some(base_url.to_string()),
        settings: settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        secret_ref: Some("source-1".into()),
        credential_rejected: false,
        enabled: true,
        sample: false,
        interval_secs: 900,
        state: PollState::default(),
        next_check_at: None,
        error_count: 0,
        last_error: None,
        last_ok_at: None,
        last_checked_at: None,
        rate_limited_until: None,
    }
}

/// The same source after a fetch: the state it stored carried into the next one.
pub fn with_cursor(row: &SourceRow, outcome: &FetchOutcome) -> SourceRow {
    let mut next = row.clone();
    next.state = outcome.state.clone();
    next
}

/// The external ids of what a fetch found, sorted, to compare as a set.
pub fn sorted_ids(outcome: &FetchOutcome) -> Vec<String> {
    let mut v: Vec<String> = outcome
        .mentions
        .iter()
        .map(|m| m.external_id.clone())
        .collect();
    v.sort();
    v
}

/// Asserts that each answer, given by a fake server, makes the fetch fail
/// with the error code given and the words given in its message. `fail`
/// runs the fetch against a server that gives the answer and returns its error.
pub fn assert_answers_fail<'a>(
    cases: impl IntoIterator<Item = (support::Reply, &'a str, &'a str)>,
    mut fail: impl FnMut(support::Reply) -> FetchError,
) {
    for (reply, code, words) in cases {
        let err = fail(reply);
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(words), "{err}");
    }
}

/// Asserts that each body, sent with status 200 as JSON, is a "malformed"
/// answer named in the words given: the web page, the cut-off JSON and the
/// bytes that aren't text that every JSON connector must name plainly.
pub fn assert_bodies_are_malformed<'a>(
    bodies: impl IntoIterator<Item = (&'a [u8], &'a str)>,
    fail: impl FnMut(support::Reply) -> FetchError,
) {
    let answers = bodies.into_iter().map(|(body, words)| {
        let reply = support::Reply::status(200, "application/json", body);
        (reply, "malformed", words)
    });
    assert_answers_fail(answers, fail);
}

/// An HTTP client with short limits so fault tests finish quickly.
pub fn client() -> HttpClient {
    HttpClient::new(HttpConfig {
        connect_timeout: Duration::from_millis(1500),
        timeout: Duration::from_millis(1500),
        max_body_bytes: 2 * 1024 * 1024,
        max_redirects: 3,
    })
    .unwrap()
}

/// One fetch through the platform's real connector.
pub struct Fetch<'a> {
    pub row: &'a SourceRow,
    pub secret: Option<&'a str>,
    pub extra_secrets: BTreeMap<String, String>,
    pub terms: Vec<String>,
    pub sessions: &'a Sessions,
    pub meter: &'a Meter,
    pub http: &'a HttpClient,
}

impl<'a> Fetch<'a> {
    pub fn new(
        row: &'a SourceRow,
        sessions: &'a Sessions,
        meter: &'a Meter,
        http: &'a HttpClient,
    ) -> Self {
        Fetch {
            row,
            secret: None,
            extra_secrets: BTreeMap::new(),
            terms: Vec::new(),
            sessions,
            meter,
            http,
        }
    }

    pub fn run(&self) -> Result<FetchOutcome, FetchError> {
        let connector = connector_for(self.row.platform).expect("connector available");
        let ctx = FetchContext {
            source: self.row,
            secret: self.secret.map(str::to_string),
            extra_secrets: self.extra_secrets.clone(),
            http: self.http,
            terms: &self.terms,
            sessions: self.sessions,
            meter: self.meter,
        };
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(connector.fetch(&ctx))
    }
}

/// A real store in a temporary directory, to keep what fetches found as the
/// poller does: a post seen again is not stored twice, and one whose text
/// changed is recorded as edited.
pub struct Stash {
    _dir: tempfile::TempDir,
    store: Store,
}

impl Default for Stash {
    fn default() -> Stash {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        Stash { _dir: dir, store }
    }
}

impl Stash {
    pub fn new() -> Stash {
        Stash::default()
    }

    /// Stores a fetch's mentions; returns (new, edited).
    pub fn keep(&self, outcome: &FetchOutcome) -> (i64, i64) {
        let batch: Vec<(&NewMention, &[i64])> =
            outcome.mentions.iter().map(|m| (m, &[][..])).collect();
        let now = hearken_lib::clock::now_string();
        let stored = self
            .store
            .write(|tx| store::mentions::store_batch(tx, None, &batch, &now))
            .unwrap();
        (stored.added, stored.edited)
    }

    /// How many mentions are stored.
    pub fn count(&self) -> i64 {
        self.store.read(store::mentions::count).unwrap()
    }

    /// The stored text of the mention with this external id.
    pub fn text_of(&self, external_id: &str) -> Option<String> {
        self.store
            .read(store::mentions::all)
            .unwrap()
            .into_iter()
            .find(|m| m.external_id == external_id)
            .map(|m| m.text)
    }
}
