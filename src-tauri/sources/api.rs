//! What the JSON connectors share: reading a platform's answer safely,
//! reading rate-limit headers into "wait this long", budgets for platforms
//! that bill or ration requests, and in-memory sessions.
//!
//! Everything here treats the platform's answer as untrusted: any status,
//! any body (HTML error pages, truncated or invalid JSON, invalid UTF-8).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use super::http::{retry_after, status_error, FetchError, Fetched};
use super::FetchContext;
use crate::clock;
use crate::store::mentions::NewMention;

/// Parses a successful answer's body as JSON of type `T`.
///
/// Non-2xx statuses become the matching `FetchError` first (so a 429 with an
/// HTML body is "slow down", not "malformed"). A body that is a web page,
/// not valid UTF-8, cut off or otherwise not the expected JSON is
/// `Malformed`, in words that never quote the body.
pub fn json<T: DeserializeOwned>(fetched: &Fetched, host: &str) -> Result<T, FetchError> {
    if let Some(err) = status_error(fetched, host) {
        return Err(err);
    }
    parse_json(&fetched.body, host)
}

/// The body-parsing half of [`json`], for answers whose status the caller
/// has already judged (error bodies, for example).
pub fn parse_json<T: DeserializeOwned>(body: &[u8], host: &str) -> Result<T, FetchError> {
    let malformed = |detail: &str| FetchError::Malformed {
        host: host.to_string(),
        detail: detail.to_string(),
    };
    let text = std::str::from_utf8(body).map_err(|_| malformed("it wasn't valid text"))?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(malformed("the answer was empty"));
    }
    if trimmed.starts_with('<') {
        return Err(malformed("it sent a web page where data was expected"));
    }
    serde_json::from_str(trimmed).map_err(|e| {
        if e.is_eof() {
            malformed("the answer was cut off")
        } else if e.is_data() {
            malformed("the data wasn't in the expected shape")
        } else {
            malformed("it wasn't valid JSON")
        }
    })
}

/// The error for a failed answer the connector has no reading of its own
/// for: the generic one for its status (see [`status_error`]).
pub fn failed_status(fetched: &Fetched, host: &str) -> FetchError {
    status_error(fetched, host).unwrap_or(FetchError::Status {
        host: host.to_string(),
        status: fetched.status,
        status_text: String::new(),
    })
}

/// A platform's own message, fit to show to the owner: trimmed and at most
/// 200 characters, with "…" where it was cut.
pub fn short_message(message: &str) -> String {
    let message = message.trim();
    if message.chars().count() > 200 {
        format!("{}…", message.chars().take(200).collect::<String>())
    } else {
        message.to_string()
    }
}

/// The platform's API address without a trailing slash: the source's own
/// (tests, a proxy) or `default`. Anything but an http(s) address with a
/// host is refused, naming the `platform`.
pub fn api_base(
    ctx: &FetchContext<'_>,
    default: &str,
    platform: &str,
) -> Result<String, FetchError> {
    let raw = ctx.source.base_url.as_deref().unwrap_or(default).trim();
    match Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.host_str().is_some() => {
            Ok(raw.trim_end_matches('/').to_string())
        }
        _ => Err(FetchError::BadAddress(format!(
            "the {platform} API address isn't a web address."
        ))),
    }
}

/// Seconds until an epoch-seconds reset time (X `x-rate-limit-reset`,
/// Bluesky `RateLimit-Reset`). Never negative.
pub fn secs_until_epoch(value: &str, now_unix: i64) -> Option<u64> {
    let at: f64 = value.trim().parse().ok()?;
    if !at.is_finite() {
        return None;
    }
    Some((at as i64 - now_unix).max(0) as u64)
}

/// Seconds until an ISO-8601 reset time (Mastodon `X-RateLimit-Reset`,
/// Yelp `RateLimit-ResetTime`). Never negative.
pub fn secs_until_iso(value: &str, now_unix: i64) -> Option<u64> {
    let at = clock::parse_lenient(value)?;
    Some((at.unix_timestamp() - now_unix).max(0) as u64)
}

/// A plain number of seconds (Reddit `x-ratelimit-reset`; may be a float).
pub fn secs_value(value: &str) -> Option<u64> {
    let v: f64 = value.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| v.ceil() as u64)
}

/// How a platform reports its rate limit in headers.
#[derive(Debug, Clone, Copy)]
pub enum ResetForm {
    /// Reset is an epoch time in seconds.
    Epoch,
    /// Reset is an ISO-8601 instant.
    Iso,
    /// Reset is a number of seconds from now.
    Seconds,
}

/// Reads `remaining` / `reset` headers: when the platform says no calls
/// remain, returns how long to wait before the next one (at least a minute).
pub fn wait_when_exhausted(
    fetched: &Fetched,
    remaining_header: &str,
    reset_header: &str,
    form: ResetForm,
) -> Option<u64> {
    let remaining: f64 = fetched.header(remaining_header)?.trim().parse().ok()?;
    if remaining >= 1.0 {
        return None;
    }
    Some(
        reset_secs(fetched, reset_header, form)
            .unwrap_or(60)
            .max(60),
    )
}

/// The reset header as seconds from now.
pub fn reset_secs(fetched: &Fetched, reset_header: &str, form: ResetForm) -> Option<u64> {
    let value = fetched.header(reset_header)?;
    let now = clock::now().unix_timestamp();
    match form {
        ResetForm::Epoch => secs_until_epoch(value, now),
        ResetForm::Iso => secs_until_iso(value, now),
        ResetForm::Seconds => secs_value(value),
    }
}

/// For a 429 (or other rate-limit answer): the wait from `Retry-After`,
/// else from the platform's reset header.
pub fn rate_limited(
    fetched: &Fetched,
    host: &str,
    reset_header: &str,
    form: ResetForm,
) -> FetchError {
    FetchError::RateLimited {
        host: host.to_string(),
        status: fetched.status,
        retry_after_secs: retry_after(fetched).or_else(|| reset_secs(fetched, reset_header, form)),
    }
}

/// Units a source may spend in the current period (X: $0.005 units, a post
/// read or half an author profile; YouTube: quota units). The connector asks
/// before each request and records what it spent; the poller stores the
/// total even when the fetch fails.
#[derive(Debug)]
pub struct Meter {
    limit: Option<i64>,
    used_before: i64,
    used_now: AtomicI64,
}

impl Meter {
    /// `limit` is the period's allowance (None: no limit); `used_before`
    /// what earlier polls in this period spent.
    pub fn new(limit: Option<i64>, used_before: i64) -> Meter {
        Meter {
            limit,
            used_before,
            used_now: AtomicI64::new(0),
        }
    }

    pub fn unlimited() -> Meter {
        Meter::new(None, 0)
    }

    /// Units left in this period, or None when there is no limit.
    pub fn remaining(&self) -> Option<i64> {
        self.limit
            .map(|l| (l - self.used_before - self.used_now.load(Ordering::SeqCst)).max(0))
    }

    /// Takes `units` if that many remain; false (and nothing taken) otherwise.
    pub fn try_spend(&self, units: i64) -> bool {
        match self.remaining() {
            Some(left) if left < units => false,
            _ => {
                self.used_now.fetch_add(units, Ordering::SeqCst);
                true
            }
        }
    }

    /// Records units already spent (e.g. posts the platform billed).
    pub fn record(&self, units: i64) {
        self.used_now.fetch_add(units.max(0), Ordering::SeqCst);
    }

    /// Spent by this fetch.
    pub fn used_now(&self) -> i64 {
        self.used_now.load(Ordering::SeqCst)
    }
}

/// Session tokens obtained with a source's secret (Bluesky JWTs, OAuth
/// access tokens). Kept in this process's memory only: never in SQLite,
/// never logged. Keyed by source id.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    inner: Arc<Mutex<HashMap<i64, Session>>>,
}

/// One source's session: an access token, an optional refresh token and
/// when the access token stops working (unix seconds).
#[derive(Clone, Default)]
pub struct Session {
    pub access: String,
    pub refresh: Option<String>,
    pub expires_at: Option<i64>,
    /// Anything else the platform returned that later calls need (a DID,
    /// an account id, a PDS address). Not secret.
    pub extra: HashMap<String, String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("access", &"<redacted>")
            .field("refresh", &self.refresh.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .field("extra", &self.extra)
            .finish()
    }
}

impl Session {
    /// True when the access token is known to expire within a minute.
    pub fn expiring(&self) -> bool {
        self.expires_at
            .is_some_and(|at| at - 60 <= clock::now().unix_timestamp())
    }
}

impl Sessions {
    pub fn get(&self, source_id: i64) -> Option<Session> {
        self.inner.lock().ok()?.get(&source_id).cloned()
    }

    pub fn put(&self, source_id: i64, session: Session) {
        if let Ok(mut map) = self.inner.lock() {
            map.insert(source_id, session);
        }
    }

    pub fn forget(&self, source_id: i64) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(&source_id);
        }
    }
}

/// The mentions one fetch found, each once: the same post can come back on
/// two pages, or from two feeds of one source (a search and the inbox).
/// The first one found is kept.
#[derive(Debug, Default)]
pub struct FoundMentions {
    mentions: Vec<NewMention>,
    ids: HashSet<String>,
}

impl FoundMentions {
    /// Keeps `mention` unless one with the same external id was kept already.
    pub fn keep(&mut self, mention: NewMention) {
        if self.ids.insert(mention.external_id.clone()) {
            self.mentions.push(mention);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.mentions.is_empty()
    }

    /// The mentions in the order they were found.
    pub fn into_vec(self) -> Vec<NewMention> {
        self.mentions
    }
}

/// A short fingerprint of some texts (FNV-1a, 64 bits, in hex): stable
/// across versions and platforms, unlike the standard library's hasher, so
/// it can be kept in a cursor to notice that a text changed.
pub fn fingerprint<'t>(parts: impl IntoIterator<Item = &'t str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// How far a newest-first list has been read: the newest time seen and the
/// ids seen at exactly that time. Platforms count whole seconds, so two
/// items can share one; the ids let the next poll skip what it already read
/// without skipping an item that arrived later in the same second.
///
/// `At` is the time as the connector's cursor keeps it: a stored UTC string
/// (`clock::format`, which compares as text) or unix seconds (Meta).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watermark<At = String> {
    pub at: At,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
}

impl<At: PartialOrd + Clone> Watermark<At> {
    /// True when an item at `at` with this id was not read before: it is
    /// later than the watermark, or at the same time with an unseen id.
    pub fn is_new(&self, at: &At, id: &str) -> bool {
        *at > self.at || (*at == self.at && !self.ids.iter().any(|i| i == id))
    }

    /// Moves `mark` up to include an item read at `at`; an older item
    /// leaves it where it is.
    pub fn advance(mark: &mut Option<Self>, at: &At, id: &str) {
        match mark {
            Some(m) if *at < m.at => {}
            Some(m) if *at == m.at => {
                if !m.ids.iter().any(|i| i == id) {
                    m.ids.push(id.to_string());
                }
            }
            _ => {
                *mark = Some(Watermark {
                    at: at.clone(),
                    ids: vec![id.to_string()],
                })
            }
        }
    }

    /// The later of two watermarks (with the ids of both when they share a time).
    pub fn later(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) if a.at == b.at => {
                let mut m = a;
                for id in b.ids {
                    if !m.ids.contains(&id) {
                        m.ids.push(id);
                    }
                }
                Some(m)
            }
            (Some(a), Some(b)) => Some(if a.at > b.at { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fixed_and_tell_texts_and_their_split_apart() {
        // FNV-1a 64's published test value for the one byte 0x00 (the separator).
        assert_eq!(fingerprint([""]), "af63bd4c8601b7df");
        assert_eq!(fingerprint(["abc"]), fingerprint(["abc"]));
        assert_ne!(fingerprint(["abc"]), fingerprint(["abd"]));
        assert_ne!(fingerprint(["ab", "c"]), fingerprint(["a", "bc"]));
    }
    use reqwest::header::{HeaderMap, HeaderValue};

    fn fetched(status: u16, headers: &[(&'static str, &str)], body: &[u8]) -> Fetched {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Fetched {
            status,
            headers: map,
            body: body.to_vec(),
        }
    }

    #[derive(serde::Deserialize, Debug)]
    struct Shape {
        #[allow(dead_code)]
        data: Vec<i64>,
    }

    #[test]
    fn bad_bodies_are_malformed_in_plain_words() {
        let cases: [(&[u8], &str); 5] = [
            (b"<html><body>Oops</body></html>", "web page"),
            (b"{\"data\": [1, 2", "cut off"),
            (b"\xff\xfe{}", "valid text"),
            (b"{\"data\": \"x\"}", "expected shape"),
            (b"   ", "empty"),
        ];
        for (body, words) in cases {
            let err = json::<Shape>(&fetched(200, &[], body), "api.example").unwrap_err();
            assert_eq!(err.code(), "malformed");
            assert!(err.to_string().contains(words), "{err}");
        }
        assert!(json::<Shape>(&fetched(200, &[], b"{\"data\":[1]}"), "h").is_ok());
    }

    #[test]
    fn an_error_status_wins_over_the_body() {
        let err = json::<Shape>(&fetched(429, &[], b"<html>slow down</html>"), "h").unwrap_err();
        assert_eq!(err.code(), "rate_limited");
        let err = json::<Shape>(&fetched(401, &[], b"{}"), "h").unwrap_err();
        assert_eq!(err.code(), "credential_rejected");
    }

    #[test]
    fn reset_headers_in_each_form_become_a_wait() {
        let now = 1_700_000_000;
        assert_eq!(secs_until_epoch("1700000900", now), Some(900));
        assert_eq!(secs_until_epoch("1600000000", now), Some(0));
        // 1_700_000_000 is 2023-11-14T22:13:20Z; Mastodon sends microseconds.
        assert_eq!(
            secs_until_iso("2023-11-14T22:28:20.070144Z", now),
            Some(900)
        );
        assert_eq!(
            secs_until_iso("2024-03-28T00:00:00+00:00", 1_711_584_000),
            Some(0)
        );
        assert_eq!(secs_value("12.4"), Some(13));
        assert_eq!(secs_value("-1"), None);
    }

    #[test]
    fn no_calls_remaining_means_wait_until_the_reset() {
        let f = fetched(
            200,
            &[
                ("x-ratelimit-remaining", "0.0"),
                ("x-ratelimit-reset", "300"),
            ],
            b"",
        );
        assert_eq!(
            wait_when_exhausted(
                &f,
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                ResetForm::Seconds
            ),
            Some(300)
        );
        let f = fetched(
            200,
            &[
                ("x-ratelimit-remaining", "57"),
                ("x-ratelimit-reset", "300"),
            ],
            b"",
        );
        assert_eq!(
            wait_when_exhausted(
                &f,
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                ResetForm::Seconds
            ),
            None
        );
    }

    #[test]
    fn a_meter_never_lets_spending_pass_its_limit() {
        let m = Meter::new(Some(100), 90);
        assert_eq!(m.remaining(), Some(10));
        assert!(!m.try_spend(11));
        assert!(m.try_spend(10));
        assert_eq!(m.remaining(), Some(0));
        assert!(!m.try_spend(1));
        assert_eq!(m.used_now(), 10);
        let free = Meter::unlimited();
        assert!(free.try_spend(1_000_000));
        assert_eq!(free.remaining(), None);
    }

    #[test]
    fn a_session_never_prints_its_tokens() {
        let s = Session {
            access: "eyJ-secret-access".into(),
            refresh: Some("eyJ-secret-refresh".into()),
            ..Session::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_watermark_admits_later_times_and_unseen_ids_at_the_same_second() {
        let mut mark = None;
        Watermark::advance(&mut mark, &"2026-01-01T00:00:05Z".to_string(), "a");
        Watermark::advance(&mut mark, &"2026-01-01T00:00:05Z".to_string(), "b");
        Watermark::advance(&mut mark, &"2026-01-01T00:00:01Z".to_string(), "old");
        let m = mark.unwrap();
        assert_eq!(m.ids, ["a", "b"]);
        assert!(!m.is_new(&"2026-01-01T00:00:05Z".to_string(), "a"));
        assert!(m.is_new(&"2026-01-01T00:00:05Z".to_string(), "c"));
        assert!(!m.is_new(&"2026-01-01T00:00:04Z".to_string(), "z"));
        assert!(m.is_new(&"2026-01-01T00:00:06Z".to_string(), "a"));
    }

    #[test]
    fn a_later_time_resets_the_ids_seen_at_the_watermark() {
        let mut mark = None;
        Watermark::advance(&mut mark, &100_i64, "a");
        Watermark::advance(&mut mark, &101_i64, "b");
        assert_eq!(
            mark,
            Some(Watermark {
                at: 101,
                ids: vec!["b".to_string()]
            })
        );
    }

    #[test]
    fn the_later_of_two_watermarks_keeps_both_ids_when_they_share_a_second() {
        let mark = |at: i64, ids: &[&str]| Watermark {
            at,
            ids: ids.iter().map(|i| i.to_string()).collect(),
        };
        assert_eq!(
            Watermark::later(Some(mark(5, &["a"])), Some(mark(5, &["b", "a"]))),
            Some(mark(5, &["a", "b"]))
        );
        assert_eq!(
            Watermark::later(Some(mark(4, &["a"])), Some(mark(6, &["b"]))),
            Some(mark(6, &["b"]))
        );
        assert_eq!(
            Watermark::later(None, Some(mark(4, &["a"]))),
            Some(mark(4, &["a"]))
        );
        assert_eq!(Watermark::<i64>::later(None, None), None);
    }

    #[test]
    fn a_watermark_reads_cursors_stored_without_ids() {
        let m: Watermark = serde_json::from_str(r#"{"at":"2026-01-01T00:00:05Z"}"#).unwrap();
        assert!(m.ids.is_empty());
        assert_eq!(
            serde_json::to_string(&Watermark {
                at: 7_i64,
                ids: vec!["x".into()]
            })
            .unwrap(),
            r#"{"at":7,"ids":["x"]}"#
        );
    }

    #[test]
    fn a_platform_message_is_trimmed_and_cut_at_200_characters() {
        assert_eq!(short_message("  Invalid query  "), "Invalid query");
        let long = "é".repeat(250);
        let cut = short_message(&long);
        assert_eq!(cut.chars().count(), 201);
        assert!(cut.ends_with('…'));
        assert_eq!(short_message(&"a".repeat(200)), "a".repeat(200));
    }

    #[test]
    fn a_failed_status_without_a_reading_of_its_own_keeps_its_generic_meaning() {
        assert_eq!(
            failed_status(&fetched(401, &[], b""), "h").code(),
            "credential_rejected"
        );
        assert_eq!(
            failed_status(&fetched(500, &[], b""), "h").code(),
            "http_status"
        );
        assert_eq!(
            failed_status(&fetched(200, &[], b""), "h").code(),
            "http_status"
        );
    }

    #[test]
    fn a_mention_found_twice_is_kept_once_in_the_order_found() {
        let mention = |id: &str, text: &str| NewMention {
            platform: crate::model::Platform::Mastodon,
            external_id: id.to_string(),
            url: None,
            author_id: None,
            author_handle: None,
            author_name: None,
            text: text.to_string(),
            language: None,
            created_at: "2026-01-01T00:00:00Z".to_string(),
            from_search: false,
        };
        let mut found = FoundMentions::default();
        assert!(found.is_empty());
        found.keep(mention("b", "first"));
        found.keep(mention("a", "second"));
        found.keep(mention("b", "again"));
        let kept: Vec<_> = found
            .into_vec()
            .into_iter()
            .map(|m| (m.external_id, m.text))
            .collect();
        assert_eq!(
            kept,
            [
                ("b".to_string(), "first".to_string()),
                ("a".to_string(), "second".to_string())
            ]
        );
    }
}
