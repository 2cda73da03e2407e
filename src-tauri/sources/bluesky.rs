//! Bluesky (AT Protocol), signed in as the business with an app password.
//!
//! The handle and app password become a session (`createSession`: an access
//! JWT for two hours, a refresh JWT for months), kept in memory only. When
//! the access token expires the PDS answers `400 ExpiredToken` (not 401):
//! the connector refreshes the session once, and signs in again only if the
//! refresh is refused.
//!
//! What is read: `searchPosts` for each watch term (sorted latest; search
//! only works signed in since 2025) and the account's mention, reply and
//! quote notifications. Both are newest first with an opaque paging cursor;
//! each feed's cursor remembers the newest post read (its time and AT-URI),
//! and a later poll pages until it reaches it. A poll that stops at the page
//! cap keeps the paging cursor it stopped at, to continue next time.
//!
//! One request per check when nothing changed: the feeds take turns (see
//! [`due_feed`]). The two endpoints can't be combined, and `searchPosts`
//! has no OR (every word of `q` must match), so each term is its own search.
//!
//! Quirks pinned by tests: the 400 `ExpiredToken`; `RateLimit-*` headers
//! without an `X-` prefix and a Reset in epoch seconds; a CDN's HTML 403 page
//! (search blocked), which is not a rejected password; post ids are AT-URIs
//! and web links are built from the handle and the URI's last segment.

use std::collections::{BTreeMap, HashSet};

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use url::Url;

use super::api::{self, FoundMentions, ResetForm, Session};
use super::http::{host_of, FetchError, Fetched};
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// What to do when Bluesky refuses the sign-in.
const BAD_LOGIN: &str = "Check the handle and the app password in Sources (use an app password from Settings → Privacy and security → App passwords, not your main password).";

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const DEFAULT_BASE: &str = "https://bsky.social";
const PAGE_LIMIT: u32 = 100;
/// A feed seen for the first time: its newest couple of hundred posts.
const FIRST_POLL_PAGES: u32 = 2;
/// Later polls page back until the cursor, at most this far.
const LATER_POLL_PAGES: u32 = 10;
/// All requests of one poll (the PDS allows 3 000 per 5 minutes).
const MAX_REQUESTS_PER_POLL: u32 = 40;
const MAX_BACKLOG: usize = 4;
const MAX_TEXT_CHARS: usize = 20_000;

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("App password"),
        how_to: "In Bluesky open Settings → Privacy and security → App passwords, choose \"Add App Password\", name it Hearken and paste the password here (it looks like abcd-efgh-ijkl-mnop). Don't use your main password. Each check reads one thing, taking turns: your mentions and replies every other check, your watches' searches one term at a time in between. With checks every 15 minutes, a reply to you shows up within about 30 minutes, and a post found by search within about 30 minutes for each search term.",
        searches_watches: true,
        cost_note: Some("Free."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    let mut handle = super::catalog::field(
        "handle",
        "Your Bluesky handle",
        "The business account's handle, without @ (for example pedalandpine.bsky.social or your own domain).",
        true,
    );
    handle.placeholder = Some("pedalandpine.bsky.social".into());
    vec![handle]
}

pub struct BlueskyConnector;

impl Connector for BlueskyConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// The newest post a feed returned: when Bluesky sorted it and its AT-URI.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Mark {
    at: String,
    uri: String,
}

/// Part of a feed a poll could not reach: continue with `cursor`, stop at `until`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Backlog {
    cursor: String,
    until: Mark,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct FeedCursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Mark>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    backlog: Vec<Backlog>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    feeds: BTreeMap<String, FeedCursor>,
    /// The feed read last (its key), so the next check reads the next in
    /// turn. Cursors from before the turns have none: notifications go first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<String>,
    /// The search read last, so the terms take their turns in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_search: Option<String>,
}

const NOTIFICATIONS: &str = "notifications";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer {
    access_jwt: String,
    refresh_jwt: String,
    #[serde(default)]
    did: Option<String>,
    #[serde(default)]
    handle: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SearchPage {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    posts: Vec<PostView>,
}

#[derive(Debug, Deserialize)]
struct NotificationPage {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    notifications: Vec<Notification>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct PostView {
    uri: String,
    author: Author,
    #[serde(default)]
    record: Record,
    #[serde(default)]
    indexed_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    uri: String,
    author: Author,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    record: Record,
    #[serde(default)]
    indexed_at: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Author {
    #[serde(default)]
    did: Option<String>,
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
struct Record {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    langs: Vec<String>,
}

/// XRPC's error body: `{"error": "ExpiredToken", "message": "Token has expired"}`.
#[derive(Debug, Deserialize, Default)]
struct XrpcError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: Option<String>,
}

fn xrpc_error(fetched: &Fetched) -> Option<XrpcError> {
    serde_json::from_slice(&fetched.body).ok()
}

/// One post, whichever endpoint it came from.
struct Post {
    uri: String,
    author: Author,
    record: Record,
    indexed_at: Option<String>,
}

impl Post {
    /// When Bluesky sorts it: the earlier of its claimed and indexed times
    /// (`sortAt`), since `createdAt` is whatever the client said.
    fn sorted_at(&self) -> Option<OffsetDateTime> {
        let indexed = self.indexed_at.as_deref().and_then(clock::parse_lenient);
        let created = self
            .record
            .created_at
            .as_deref()
            .and_then(clock::parse_lenient);
        match (indexed, created) {
            (Some(i), Some(c)) => Some(i.min(c)),
            (i, c) => i.or(c),
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            at: self
                .sorted_at()
                .map(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
            uri: self.uri.clone(),
        }
    }

    /// Reached the remembered post, or anything sorted before it.
    fn reaches(&self, mark: &Mark) -> bool {
        if self.uri == mark.uri {
            return true;
        }
        match (self.sorted_at(), clock::parse_lenient(&mark.at)) {
            (Some(mine), Some(theirs)) => mine < theirs,
            _ => false,
        }
    }
}

/// What a feed is: a search for a term, or the account's notifications.
enum Feed {
    Search(String),
    Notifications,
}

impl Feed {
    fn key(&self) -> String {
        match self {
            Feed::Search(t) => format!("search:{}", t.to_lowercase()),
            Feed::Notifications => NOTIFICATIONS.into(),
        }
    }
}

/// Phrases quoted so their words stay together; Bluesky's query syntax is Lucene-like.
fn search_query(term: &str) -> String {
    let t = term.trim().replace('"', "");
    if t.contains(char::is_whitespace) {
        format!("\"{t}\"")
    } else {
        t
    }
}

struct Client<'c> {
    ctx: &'c FetchContext<'c>,
    base: Url,
    host: String,
    handle: String,
    password: String,
    budget: u32,
    wait_secs: Option<u64>,
}

impl Client<'_> {
    fn xrpc(&self, method: &str) -> Url {
        let mut url = self.base.clone();
        url.set_query(None);
        url.set_path(&format!(
            "{}/xrpc/{method}",
            self.base.path().trim_end_matches('/')
        ));
        url
    }

    /// Signs in with the handle and app password.
    async fn create_session(&self) -> Result<Session, FetchError> {
        let url = self.xrpc("com.atproto.server.createSession");
        let body = serde_json::json!({"identifier": self.handle, "password": self.password});
        let fetched = self.ctx.http.post_json(&url, &[], &body).await?;
        if fetched.status == 429 {
            return Err(self.rate_limited(&fetched));
        }
        if matches!(fetched.status, 400 | 401) {
            let e = xrpc_error(&fetched).unwrap_or_default();
            match e.error.as_str() {
                // Wrong handle or password, or a main password with email 2FA.
                "AuthenticationRequired" | "AuthFactorTokenRequired" | "InvalidToken"
                | "AuthMissing" | "" => {
                    return Err(FetchError::Unauthorized {
                        host: self.host.clone(),
                        status: fetched.status,
                        hint: Some(BAD_LOGIN.to_string()),
                    })
                }
                "AccountTakedown" | "AccountDeactivated" | "AccountNotFound" => {
                    return Err(FetchError::Platform {
                        host: self.host.clone(),
                        detail: format!(
                            "the account can't sign in ({}). Check the handle in this source's settings.",
                            api::short_message(e.message.as_deref().unwrap_or(&e.error))
                        ),
                    })
                }
                _ => {}
            }
        }
        let answer: SessionAnswer = self.read(&fetched)?;
        Ok(self.remember(answer))
    }

    /// Trades the refresh JWT for new tokens.
    async fn refresh_session(&self, refresh: &str) -> Result<Session, FetchError> {
        let url = self.xrpc("com.atproto.server.refreshSession");
        let headers = [("authorization", format!("Bearer {refresh}"))];
        let fetched = self.ctx.http.post_form(&url, &headers, &[]).await?;
        let answer: SessionAnswer = self.read(&fetched)?;
        Ok(self.remember(answer))
    }

    fn remember(&self, answer: SessionAnswer) -> Session {
        let mut session = Session {
            access: answer.access_jwt,
            refresh: Some(answer.refresh_jwt),
            expires_at: None,
            ..Session::default()
        };
        if let Some(did) = answer.did {
            session.extra.insert("did".into(), did);
        }
        if let Some(h) = answer.handle {
            session.extra.insert("handle".into(), h);
        }
        self.ctx.sessions.put(self.ctx.source.id, session.clone());
        session
    }

    /// A fresh session after the old one stopped working: refresh it, and
    /// sign in again only if the refresh is refused.
    async fn renew(&self, old: &Session) -> Result<Session, FetchError> {
        self.ctx.sessions.forget(self.ctx.source.id);
        if let Some(refresh) = &old.refresh {
            match self.refresh_session(refresh).await {
                Ok(s) => return Ok(s),
                Err(e @ (FetchError::RateLimited { .. } | FetchError::Timeout { .. })) => {
                    return Err(e)
                }
                Err(e) if e.is_network() => return Err(e),
                Err(_) => {}
            }
        }
        self.create_session().await
    }

    /// GET with the session; an expired or refused token gets one renewal and one retry.
    async fn get(&mut self, url: &Url) -> Result<Fetched, FetchError> {
        self.budget = self.budget.saturating_sub(1);
        let mut session = match self.ctx.sessions.get(self.ctx.source.id) {
            Some(s) => s,
            None => self.create_session().await?,
        };
        for attempt in 0..2 {
            let headers = [("authorization", format!("Bearer {}", session.access))];
            let fetched = self.ctx.http.get(url, &headers).await?;
            if attempt == 0 && token_refused(&fetched) {
                session = self.renew(&session).await?;
                continue;
            }
            if let Some(w) = api::wait_when_exhausted(
                &fetched,
                "ratelimit-remaining",
                "ratelimit-reset",
                ResetForm::Epoch,
            ) {
                self.wait_secs = Some(w);
            }
            return Ok(fetched);
        }
        unreachable!("the loop returns on its second attempt")
    }

    fn rate_limited(&self, fetched: &Fetched) -> FetchError {
        api::rate_limited(fetched, &self.host, "ratelimit-reset", ResetForm::Epoch)
    }

    /// Reads an answer, judging Bluesky's error forms before the generic ones.
    fn read<T: serde::de::DeserializeOwned>(&self, fetched: &Fetched) -> Result<T, FetchError> {
        let host = self.host.clone();
        match fetched.status {
            200..=299 => return api::json(fetched, &host),
            429 => return Err(self.rate_limited(fetched)),
            _ => {}
        }
        let xrpc = xrpc_error(fetched);
        match (fetched.status, xrpc) {
            // A CDN or proxy page, not the PDS: Bluesky is blocking this
            // request, which says nothing about the password.
            (403, None) => Err(FetchError::Platform {
                host,
                detail: "its servers refused the request with a web page (HTTP 403), which usually means search is blocked for this network for now. Hearken will try again later.".into(),
            }),
            (401, _) => Err(FetchError::Unauthorized {
                host,
                status: 401, hint: None,
            }),
            (400 | 403 | 404, Some(e)) if !e.error.is_empty() => Err(FetchError::Platform {
                host,
                detail: api::short_message(e.message.as_deref().filter(|m| !m.is_empty()).unwrap_or(&e.error)),
            }),
            _ => api::json(fetched, &host),
        }
    }

    fn can_ask(&self) -> bool {
        self.budget > 0 && self.wait_secs.is_none()
    }
}

/// The access token was refused: 400 `ExpiredToken`/`InvalidToken`, or any 401.
fn token_refused(fetched: &Fetched) -> bool {
    match fetched.status {
        401 => true,
        400 => xrpc_error(fetched)
            .is_some_and(|e| matches!(e.error.as_str(), "ExpiredToken" | "InvalidToken")),
        _ => false,
    }
}

fn page_url(client: &Client<'_>, feed: &Feed, cursor: Option<&str>) -> Url {
    let mut url = match feed {
        Feed::Search(_) => client.xrpc("app.bsky.feed.searchPosts"),
        Feed::Notifications => client.xrpc("app.bsky.notification.listNotifications"),
    };
    {
        let mut q = url.query_pairs_mut();
        match feed {
            Feed::Search(term) => {
                q.append_pair("q", &search_query(term));
                q.append_pair("sort", "latest");
            }
            Feed::Notifications => {
                for reason in ["mention", "reply", "quote"] {
                    q.append_pair("reasons", reason);
                }
            }
        }
        q.append_pair("limit", &PAGE_LIMIT.to_string());
        if let Some(c) = cursor {
            q.append_pair("cursor", c);
        }
    }
    url
}

/// One page of posts and the cursor to the next.
async fn read_page(
    client: &mut Client<'_>,
    feed: &Feed,
    cursor: Option<&str>,
) -> Result<(Vec<Post>, Option<String>), FetchError> {
    let url = page_url(client, feed, cursor);
    let fetched = client.get(&url).await?;
    Ok(match feed {
        Feed::Search(_) => {
            let page: SearchPage = client.read(&fetched)?;
            let posts = page
                .posts
                .into_iter()
                .map(|p| Post {
                    uri: p.uri,
                    author: p.author,
                    record: p.record,
                    indexed_at: p.indexed_at,
                })
                .collect();
            (posts, page.cursor)
        }
        Feed::Notifications => {
            let page: NotificationPage = client.read(&fetched)?;
            let posts = page
                .notifications
                .into_iter()
                .filter(|n| matches!(n.reason.as_str(), "mention" | "reply" | "quote"))
                .map(|n| Post {
                    uri: n.uri,
                    author: n.author,
                    record: n.record,
                    indexed_at: n.indexed_at,
                })
                .collect();
            (posts, page.cursor)
        }
    })
}

struct Walk {
    posts: Vec<Post>,
    complete: bool,
    /// The paging cursor to continue from, when stopped early.
    resume: Option<String>,
    error: Option<FetchError>,
}

async fn walk(
    client: &mut Client<'_>,
    feed: &Feed,
    start: Option<String>,
    stop: Option<&Mark>,
    max_pages: u32,
) -> Walk {
    let mut walk = Walk {
        posts: Vec::new(),
        complete: false,
        resume: start.clone(),
        error: None,
    };
    let mut cursor = start;
    for _ in 0..max_pages {
        if !client.can_ask() {
            return walk;
        }
        let (posts, next) = match read_page(client, feed, cursor.as_deref()).await {
            Ok(p) => p,
            Err(e) => {
                walk.error = Some(e);
                return walk;
            }
        };
        let empty = posts.is_empty();
        for post in posts {
            if stop.is_some_and(|m| post.reaches(m)) {
                walk.complete = true;
                return walk;
            }
            walk.posts.push(post);
        }
        match next.filter(|c| !c.is_empty()) {
            Some(c) if !empty => {
                walk.resume = Some(c.clone());
                cursor = Some(c);
            }
            _ => {
                walk.complete = true;
                return walk;
            }
        }
    }
    walk
}

/// One feed's poll: new posts down to the cursor, then older stretches an
/// earlier poll could not reach.
async fn poll_feed(
    client: &mut Client<'_>,
    feed: &Feed,
    before: Option<FeedCursor>,
) -> (FeedCursor, Vec<Post>, Option<FetchError>) {
    let before = before.unwrap_or_default();
    let pages = if before.newest.is_some() {
        LATER_POLL_PAGES
    } else {
        FIRST_POLL_PAGES
    };
    let top = walk(client, feed, None, before.newest.as_ref(), pages).await;
    let mut posts = top.posts;
    let newest = newest_mark(&posts).or(before.newest.clone());
    let new_stretch = match (top.complete, top.resume.clone(), before.newest.clone()) {
        (false, Some(cursor), Some(until)) if !posts.is_empty() => Some(Backlog { cursor, until }),
        _ => None,
    };
    let cursor = |rest: Vec<Backlog>| FeedCursor {
        newest: newest.clone(),
        backlog: new_stretch
            .clone()
            .into_iter()
            .chain(rest)
            .take(MAX_BACKLOG)
            .collect(),
    };
    if top.error.is_some() || !client.can_ask() {
        return (cursor(before.backlog), posts, top.error);
    }
    let mut rest = Vec::new();
    let mut stretches = before.backlog.into_iter();
    for stretch in stretches.by_ref() {
        if !client.can_ask() {
            rest.push(stretch);
            continue;
        }
        let part = walk(
            client,
            feed,
            Some(stretch.cursor.clone()),
            Some(&stretch.until),
            LATER_POLL_PAGES,
        )
        .await;
        posts.extend(part.posts);
        if !part.complete {
            rest.push(Backlog {
                cursor: part.resume.unwrap_or(stretch.cursor),
                until: stretch.until,
            });
        }
        if part.error.is_some() {
            rest.extend(stretches);
            return (cursor(rest), posts, part.error);
        }
    }
    (cursor(rest), posts, None)
}

/// The newest post by sort time (a page's first post usually, but not for sure).
fn newest_mark(posts: &[Post]) -> Option<Mark> {
    posts.iter().max_by_key(|p| p.sorted_at()).map(Post::mark)
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let handle = ctx
        .setting("handle")
        .map(|h| h.trim_start_matches('@').to_string())
        .ok_or_else(|| {
            FetchError::NeedsSetup(
                "Bluesky needs your handle (like pedalandpine.bsky.social): add it in Sources → Bluesky.".into(),
            )
        })?;
    let password = ctx.secret_text().ok_or_else(|| {
        FetchError::NeedsSetup(
            "Bluesky needs an app password: add one in Sources → Bluesky with \"Replace key\"."
                .into(),
        )
    })?;
    let base = Url::parse(
        ctx.source
            .base_url
            .as_deref()
            .unwrap_or(DEFAULT_BASE)
            .trim(),
    )
    .ok()
    .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some())
    .ok_or_else(|| {
        FetchError::BadAddress("the Bluesky server address isn't a web address.".into())
    })?;
    let mut client = Client {
        ctx,
        host: host_of(&base),
        base,
        handle: handle.clone(),
        password,
        budget: MAX_REQUESTS_PER_POLL,
        wait_secs: None,
    };
    let mut feeds = vec![Feed::Notifications];
    let mut seen_terms = HashSet::new();
    for term in ctx.terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if seen_terms.insert(term.to_lowercase()) {
            feeds.push(Feed::Search(term.to_string()));
        }
    }
    let old: Cursor = ctx.stored_cursor();
    // The first check (and "Test") reads every feed; later ones, one in turn.
    let due: Vec<usize> = if old.feeds.is_empty() && old.last.is_none() {
        (0..feeds.len()).collect()
    } else {
        vec![due_feed(&feeds, &old)]
    };
    let mut next = Cursor {
        last: due.last().map(|&i| feeds[i].key()),
        last_search: due
            .iter()
            .rev()
            .map(|&i| &feeds[i])
            .find(|f| matches!(f, Feed::Search(_)))
            .map(Feed::key)
            .or(old.last_search.clone()),
        ..Cursor::default()
    };
    let mut found = FoundMentions::default();
    let mut first_error: Option<FetchError> = None;

    for (i, feed) in feeds.iter().enumerate() {
        let key = feed.key();
        let before = old.feeds.get(&key).cloned();
        if !due.contains(&i) || first_error.is_some() || !client.can_ask() {
            if let Some(c) = before {
                next.feeds.insert(key, c);
            }
            continue;
        }
        let (cursor, posts, error) = poll_feed(&mut client, feed, before).await;
        let from_search = matches!(feed, Feed::Search(_));
        for post in &posts {
            if let Some(m) = to_mention(post, from_search) {
                found.keep(m);
            }
        }
        if cursor.newest.is_some() || !cursor.backlog.is_empty() {
            next.feeds.insert(key, cursor);
        }
        if error.is_some() {
            first_error = error;
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
        title: Some(format!("Bluesky (@{handle})")),
        wait_secs: client.wait_secs,
        rest: None,
        partial: None,
    })
}

/// Which feed this check reads. Notifications (what people address to the
/// business: mentions, replies, quotes) every other check, and the watch
/// terms' searches in turn on the checks between; with no terms,
/// notifications every check. A quiet check is one request, at the cost of
/// freshness: with checks every 15 minutes a reply shows up within 30, and
/// a search result within 30 minutes times the number of terms. Feeds out
/// of turn keep their cursors, so nothing is skipped, only read later; a
/// feed that stopped at the page cap continues on its next turn.
fn due_feed(feeds: &[Feed], old: &Cursor) -> usize {
    let searches: Vec<usize> = (0..feeds.len())
        .filter(|&i| matches!(feeds[i], Feed::Search(_)))
        .collect();
    let notifications = feeds
        .iter()
        .position(|f| matches!(f, Feed::Notifications))
        .unwrap_or(0);
    if searches.is_empty() || old.last.as_deref() != Some(NOTIFICATIONS) {
        return notifications;
    }
    let after = old
        .last_search
        .as_deref()
        .and_then(|k| searches.iter().position(|&i| feeds[i].key() == k));
    match after {
        Some(p) => searches[(p + 1) % searches.len()],
        None => searches[0],
    }
}

/// The web link for a post: `https://bsky.app/profile/<handle>/post/<rkey>`.
fn permalink(uri: &str, author: &Author) -> Option<String> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.split('/');
    let did = parts.next()?;
    let collection = parts.next()?;
    let rkey = parts.next()?;
    if collection != "app.bsky.feed.post" || rkey.is_empty() {
        return None;
    }
    let who = author
        .handle
        .as_deref()
        .filter(|h| !h.is_empty() && *h != "handle.invalid")
        .unwrap_or(did);
    Some(format!("https://bsky.app/profile/{who}/post/{rkey}"))
}

fn to_mention(post: &Post, from_search: bool) -> Option<NewMention> {
    let text = post.record.text.as_deref().unwrap_or("").trim();
    if text.is_empty() {
        // A post that is only a picture or a link card: nothing to read.
        return None;
    }
    let created_at = post
        .record
        .created_at
        .as_deref()
        .and_then(clock::normalise)
        .or_else(|| post.indexed_at.as_deref().and_then(clock::normalise))
        .unwrap_or_else(clock::now_string);
    Some(NewMention {
        platform: Platform::Bluesky,
        external_id: post.uri.clone(),
        url: permalink(&post.uri, &post.author),
        author_id: post.author.did.clone(),
        author_handle: post
            .author
            .handle
            .clone()
            .filter(|h| !h.is_empty() && h != "handle.invalid"),
        author_name: post
            .author
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: post.record.langs.first().cloned(),
        created_at,
        from_search,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(handle: &str) -> Author {
        Author {
            did: Some("did:plc:abc".into()),
            handle: Some(handle.into()),
            display_name: None,
        }
    }

    #[test]
    fn notifications_and_each_search_take_turns() {
        let feeds = vec![
            Feed::Notifications,
            Feed::Search("Pedal & Pine".into()),
            Feed::Search("#pedalpine".into()),
        ];
        let mut cursor = Cursor::default();
        let mut read = Vec::new();
        for _ in 0..6 {
            let i = due_feed(&feeds, &cursor);
            let key = feeds[i].key();
            if matches!(feeds[i], Feed::Search(_)) {
                cursor.last_search = Some(key.clone());
            }
            cursor.last = Some(key.clone());
            read.push(key);
        }
        assert_eq!(
            read,
            [
                "notifications",
                "search:pedal & pine",
                "notifications",
                "search:#pedalpine",
                "notifications",
                "search:pedal & pine"
            ]
        );
        // A term removed since it was read last: start the terms again.
        cursor.last = Some(NOTIFICATIONS.into());
        cursor.last_search = Some("search:gone".into());
        assert_eq!(due_feed(&feeds, &cursor), 1);
        // No terms: notifications every time.
        assert_eq!(due_feed(&feeds[..1], &cursor), 0);
    }

    #[test]
    fn permalinks_use_the_handle_and_the_record_key() {
        let uri = "at://did:plc:abc/app.bsky.feed.post/3kq2bzx7w4s2a";
        assert_eq!(
            permalink(uri, &author("jo.bsky.social")).as_deref(),
            Some("https://bsky.app/profile/jo.bsky.social/post/3kq2bzx7w4s2a")
        );
        assert_eq!(
            permalink(uri, &author("handle.invalid")).as_deref(),
            Some("https://bsky.app/profile/did:plc:abc/post/3kq2bzx7w4s2a")
        );
        assert_eq!(
            permalink("at://did:plc:abc/app.bsky.feed.like/x", &author("a")),
            None
        );
    }

    #[test]
    fn a_post_sorts_by_the_earlier_of_its_claimed_and_indexed_times() {
        let post = Post {
            uri: "at://x/app.bsky.feed.post/1".into(),
            author: author("a"),
            record: Record {
                text: Some("hi".into()),
                created_at: Some("2030-01-01T00:00:00Z".into()),
                langs: vec![],
            },
            indexed_at: Some("2026-09-01T10:00:00.123Z".into()),
        };
        assert_eq!(post.mark().at, "2026-09-01T10:00:00.123Z");
        let mark = Mark {
            at: "2026-09-01T10:00:01Z".into(),
            uri: "at://y".into(),
        };
        assert!(post.reaches(&mark));
    }
}
