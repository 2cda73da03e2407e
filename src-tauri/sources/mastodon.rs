//! Mastodon: one instance's hashtag timelines, and with an access token the
//! business account's mention notifications and (best effort) keyword search.
//!
//! Hashtag timelines are public on most instances, so a source works with
//! only the instance address. Full-text search only finds posts whose authors
//! opted in, on instances that run a search engine, so it is a bonus: when it
//! fails the rest of the poll still counts.
//!
//! Catching up uses `min_id`: the server returns the `limit` items right
//! after it, but still newest first (Paginable reverses them), so the next
//! `min_id` is the page's newest id. Pages read this way are contiguous, so a
//! poll that stops early (page cap, error) loses nothing: the cursor is the
//! newest id read. Ids are opaque strings, ordered by length then text.
//!
//! Quirks pinned by tests: the Paginable order; boosts carry the real post in
//! `reblog`; content is HTML with a content warning in `spoiler_text`; the
//! same post has a different `id` on every instance, so the external id is
//! its `uri`; `X-RateLimit-Reset` is ISO-8601 with microseconds and a 429
//! has no Retry-After; a disabled hashtag feed is an empty array.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, FoundMentions, ResetForm};
use super::http::{host_of, FetchError, Fetched};
use super::text::html_to_text;
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

/// Mastodon's maximum page size for timelines and search.
const PAGE_LIMIT: u32 = 40;
/// A timeline seen for the first time: its newest couple of pages.
const FIRST_POLL_PAGES: u32 = 2;
/// Later polls catch up page by page, at most this far (the next poll continues).
const LATER_POLL_PAGES: u32 = 10;
/// All requests of one poll (instances allow 300 paging requests per 15 minutes).
const MAX_REQUESTS_PER_POLL: u32 = 40;
/// Watch terms searched per poll.
const MAX_SEARCH_TERMS: usize = 5;
const MAX_TEXT_CHARS: usize = 20_000;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: true,
        url_label: Some("Instance address"),
        needs_secret: true,
        secret_optional: true,
        secret_label: Some("Access token"),
        how_to: "Enter your instance's address (like https://mastodon.social). Hashtags work without an account; to see posts that mention your business account, add an access token: on your instance open Preferences → Development → New application, tick \"read\", save, and copy \"Your access token\".",
        searches_watches: true,
        cost_note: Some("Free."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut hashtags = super::catalog::field(
        "hashtags",
        "Hashtags to follow",
        "Optional: hashtags whose posts Hearken reads, separated by commas, with or without #. Watches whose term starts with # are followed too.",
        false,
    );
    hashtags.placeholder = Some("#pedalandpine, ashbycycling".into());
    vec![hashtags]
}

pub struct MastodonConnector;

impl Connector for MastodonConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    /// Newest id read, per timeline (`tag:<name>`, `mentions`).
    #[serde(default)]
    newest: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, Clone)]
struct Status {
    id: String,
    uri: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    spoiler_text: String,
    #[serde(default)]
    language: Option<String>,
    account: Account,
    #[serde(default)]
    reblog: Option<Box<Status>>,
}

#[derive(Debug, Deserialize, Clone)]
struct Account {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    acct: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Notification {
    id: String,
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Debug, Deserialize)]
struct SearchResults {
    #[serde(default)]
    statuses: Vec<Status>,
}

/// Mastodon's error body: `{"error": "..."}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: String,
}

/// Mastodon ids: longer is newer; same length compares as text.
fn cmp_ids(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn newest_id<'s>(ids: impl Iterator<Item = &'s str>) -> Option<&'s str> {
    ids.max_by(|a, b| cmp_ids(a, b))
}

fn oldest_id<'s>(ids: impl Iterator<Item = &'s str>) -> Option<&'s str> {
    ids.min_by(|a, b| cmp_ids(a, b))
}

/// `#PedalAndPine`, ` pedalandpine ` → `PedalAndPine`.
fn clean_tag(raw: &str) -> Option<String> {
    let t = raw.trim().trim_start_matches('#').trim();
    (!t.is_empty() && !t.contains(char::is_whitespace)).then(|| t.to_string())
}

fn hashtags(ctx: &FetchContext<'_>) -> Vec<String> {
    let from_settings = ctx.setting("hashtags").unwrap_or_default().split(',');
    let from_watches = ctx
        .terms
        .iter()
        .map(String::as_str)
        .filter(|t| t.trim().starts_with('#'));
    let mut seen = HashSet::new();
    from_settings
        .chain(from_watches)
        .filter_map(clean_tag)
        .filter(|t| seen.insert(t.to_lowercase()))
        .collect()
}

/// One timeline read with `min_id` catch-up.
#[derive(Clone)]
enum Timeline {
    Tag(String),
    Mentions,
}

impl Timeline {
    fn key(&self) -> String {
        match self {
            Timeline::Tag(t) => format!("tag:{}", t.to_lowercase()),
            Timeline::Mentions => "mentions".into(),
        }
    }

    fn is_search(&self) -> bool {
        matches!(self, Timeline::Tag(_))
    }
}

struct Client<'c> {
    ctx: &'c FetchContext<'c>,
    base: Url,
    host: String,
    token: Option<String>,
    budget: u32,
    /// The platform said no calls remain: stop asking.
    wait_secs: Option<u64>,
}

impl Client<'_> {
    fn url(&self, path: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        url.set_query(None);
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty();
            for p in path {
                segs.push(p);
            }
        }
        if !query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        url
    }

    async fn get<T: serde::de::DeserializeOwned>(&mut self, url: &Url) -> Result<T, FetchError> {
        self.budget = self.budget.saturating_sub(1);
        let mut headers = Vec::new();
        if let Some(t) = &self.token {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        let fetched = self.ctx.http.get(url, &headers).await?;
        let result = read(&fetched, &self.host, self.token.is_some());
        if let Some(w) = api::wait_when_exhausted(
            &fetched,
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            ResetForm::Iso,
        ) {
            self.wait_secs = Some(w);
        }
        result
    }

    fn can_ask(&self) -> bool {
        self.budget > 0 && self.wait_secs.is_none()
    }
}

/// Reads an answer, turning Mastodon's error bodies into plain words.
fn read<T: serde::de::DeserializeOwned>(
    fetched: &Fetched,
    host: &str,
    with_token: bool,
) -> Result<T, FetchError> {
    let message = || {
        api::parse_json::<ErrorBody>(&fetched.body, host)
            .ok()
            .map(|e| api::short_message(&e.error))
    };
    match fetched.status {
        // No Retry-After on Mastodon's 429: the wait is in X-RateLimit-Reset.
        429 => {
            return Err(api::rate_limited(
                fetched,
                host,
                "x-ratelimit-reset",
                ResetForm::Iso,
            ))
        }
        401 if !with_token => {
            return Err(FetchError::NeedsSetup(format!(
                "{host} only shows its posts to signed-in users. Add an access token to this source (Preferences → Development on your instance)."
            )))
        }
        400 | 404 | 410 | 422 => {
            if let Some(detail) = message() {
                return Err(FetchError::Platform {
                    host: host.to_string(),
                    detail,
                });
            }
        }
        _ => {}
    }
    api::json(fetched, host)
}

/// One timeline's items (each with the id that pages it) and what stopped it.
struct Read {
    items: Vec<(String, Status)>,
    newest: Option<String>,
    error: Option<FetchError>,
}

async fn read_timeline(client: &mut Client<'_>, timeline: &Timeline, since: Option<&str>) -> Read {
    let mut read = Read {
        items: Vec::new(),
        newest: since.map(str::to_string),
        error: None,
    };
    let pages = if since.is_some() {
        LATER_POLL_PAGES
    } else {
        FIRST_POLL_PAGES
    };
    // Catch-up moves `min_id` forward; a first poll moves `max_id` back.
    let mut min_id = since.map(str::to_string);
    let mut max_id: Option<String> = None;
    for _ in 0..pages {
        if !client.can_ask() {
            break;
        }
        let mut query = vec![("limit", PAGE_LIMIT.to_string())];
        if let Some(m) = &min_id {
            query.push(("min_id", m.clone()));
        }
        if let Some(m) = &max_id {
            query.push(("max_id", m.clone()));
        }
        let page: Result<Vec<(String, Status)>, FetchError> = match timeline {
            Timeline::Tag(tag) => {
                let url = client.url(&["api", "v1", "timelines", "tag", tag], &query);
                client
                    .get::<Vec<Status>>(&url)
                    .await
                    .map(|v| v.into_iter().map(|s| (s.id.clone(), s)).collect())
            }
            Timeline::Mentions => {
                query.insert(0, ("types[]", "mention".to_string()));
                let url = client.url(&["api", "v1", "notifications"], &query);
                client.get::<Vec<Notification>>(&url).await.map(|v| {
                    v.into_iter()
                        .filter_map(|n| n.status.map(|s| (n.id, s)))
                        .collect()
                })
            }
        };
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                read.error = Some(e);
                break;
            }
        };
        if page.is_empty() {
            break;
        }
        let page_newest = newest_id(page.iter().map(|(id, _)| id.as_str())).map(str::to_string);
        let page_oldest = oldest_id(page.iter().map(|(id, _)| id.as_str())).map(str::to_string);
        if let Some(n) = &page_newest {
            if read
                .newest
                .as_deref()
                .is_none_or(|cur| cmp_ids(n, cur) == Ordering::Greater)
            {
                read.newest = Some(n.clone());
            }
        }
        let full = page.len() as u32 >= PAGE_LIMIT;
        read.items.extend(page);
        if !full {
            break;
        }
        if since.is_some() {
            min_id = page_newest;
        } else {
            max_id = page_oldest;
        }
    }
    read
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let raw = ctx.source.base_url.as_deref().unwrap_or("").trim();
    if raw.is_empty() {
        return Err(FetchError::NeedsSetup(
            "Mastodon needs your instance's address, like https://mastodon.social: add it in Sources → Mastodon.".into(),
        ));
    }
    let base = Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
        .ok_or_else(|| {
            FetchError::BadAddress(
                "the instance address should look like https://mastodon.social.".into(),
            )
        })?;
    let token = ctx.secret_text();
    let tags = hashtags(ctx);
    let search_terms: Vec<&str> = ctx
        .terms
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && !t.starts_with('#'))
        .take(MAX_SEARCH_TERMS)
        .collect();
    let mut timelines: Vec<Timeline> = Vec::new();
    if token.is_some() {
        timelines.push(Timeline::Mentions);
    }
    timelines.extend(tags.into_iter().map(Timeline::Tag));
    if timelines.is_empty() {
        return Err(FetchError::NeedsSetup(
            "Mastodon has nothing to follow yet: add hashtags in this source's settings or a watch starting with #, or add an access token to see mentions of your account.".into(),
        ));
    }
    let host = host_of(&base);
    let mut client = Client {
        ctx,
        base,
        host: host.clone(),
        token,
        budget: MAX_REQUESTS_PER_POLL,
        wait_secs: None,
    };
    let old: Cursor = ctx.stored_cursor();
    let mut next = Cursor::default();
    let mut found = FoundMentions::default();
    let mut first_error: Option<FetchError> = None;
    let mut any_ok = false;

    for timeline in &timelines {
        let key = timeline.key();
        let since = old.newest.get(&key).cloned();
        if first_error.is_some() || !client.can_ask() {
            if let Some(s) = since {
                next.newest.insert(key, s);
            }
            continue;
        }
        let read = read_timeline(&mut client, timeline, since.as_deref()).await;
        for (_, status) in &read.items {
            if let Some(m) = to_mention(status, timeline.is_search(), &host) {
                found.keep(m);
            }
        }
        if let Some(n) = read.newest {
            next.newest.insert(key, n);
        }
        match read.error {
            Some(e) => first_error = Some(e),
            None => any_ok = true,
        }
    }

    // Keyword search: best effort, needs a token, one page per term.
    if client.token.is_some() && first_error.is_none() {
        for term in search_terms {
            if !client.can_ask() {
                break;
            }
            let url = client.url(
                &["api", "v2", "search"],
                &[
                    ("q", term.to_string()),
                    ("type", "statuses".into()),
                    ("limit", PAGE_LIMIT.to_string()),
                ],
            );
            match client.get::<SearchResults>(&url).await {
                Ok(results) => {
                    any_ok = true;
                    for status in &results.statuses {
                        if let Some(m) = to_mention(status, true, &host) {
                            found.keep(m);
                        }
                    }
                }
                Err(e @ (FetchError::RateLimited { .. } | FetchError::Unauthorized { .. })) => {
                    first_error = Some(e);
                    break;
                }
                Err(e) => {
                    // Many instances have no full-text search: the
                    // timelines still count.
                    tracing::warn!(host = %host, code = e.code(), "Mastodon search failed; hashtags and mentions still read");
                    if !any_ok {
                        first_error = Some(e);
                    }
                    break;
                }
            }
        }
    }

    if let Some(err) = first_error {
        if found.is_empty() {
            return Err(err);
        }
    }
    Ok(FetchOutcome {
        mentions: found.into_vec(),
        state: PollState::with_cursor(&next),
        not_modified: false,
        title: Some(format!("Mastodon ({host})")),
        wait_secs: client.wait_secs,
        rest: None,
        partial: None,
    })
}

/// A status as a mention; a boost is read as the post it boosts.
fn to_mention(status: &Status, from_search: bool, instance: &str) -> Option<NewMention> {
    let post = status.reblog.as_deref().unwrap_or(status);
    let body = html_to_text(&post.content);
    let warning = post.spoiler_text.trim();
    let text = match (warning.is_empty(), body.is_empty()) {
        (true, true) => return None,
        (true, false) => body,
        (false, true) => warning.to_string(),
        (false, false) => format!("{warning}\n{body}"),
    };
    let instance = instance.split(':').next().unwrap_or(instance);
    // Local accounts' `acct` has no domain; add the instance's so the handle is whole.
    let handle = post
        .account
        .acct
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            if a.contains('@') {
                a.to_string()
            } else {
                format!("{a}@{instance}")
            }
        });
    let url = post
        .url
        .clone()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .or_else(|| post.uri.starts_with("http").then(|| post.uri.clone()));
    Some(NewMention {
        platform: Platform::Mastodon,
        external_id: post.uri.clone(),
        url,
        author_id: post.account.id.clone(),
        author_handle: handle,
        author_name: post
            .account
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: post.language.clone(),
        created_at: post
            .created_at
            .as_deref()
            .and_then(clock::normalise)
            .unwrap_or_else(clock::now_string),
        from_search,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_order_by_length_then_text_not_as_numbers() {
        assert_eq!(cmp_ids("99", "100"), Ordering::Less);
        assert_eq!(
            cmp_ids("110000000000000002", "110000000000000010"),
            Ordering::Less
        );
        assert_eq!(newest_id(["9", "10", "109"].into_iter()), Some("109"));
        // Larger than an f64 can hold exactly: still compared correctly.
        assert_eq!(
            cmp_ids("113020593741189701", "113020593741189700"),
            Ordering::Greater
        );
    }

    #[test]
    fn hashtags_are_read_with_or_without_the_hash() {
        assert_eq!(clean_tag(" #PedalAndPine "), Some("PedalAndPine".into()));
        assert_eq!(clean_tag("ashby"), Some("ashby".into()));
        assert_eq!(clean_tag("#"), None);
        assert_eq!(clean_tag("two words"), None);
    }
}
