//! Reddit, through the Data API with the owner's own approved app.
//!
//! The app's client id and secret buy an application-only token
//! (`client_credentials`); with an optional refresh token the connector acts
//! as the owner's account instead, which also lets it read the inbox's
//! username mentions. Tokens live in memory only (`ctx.sessions`).
//!
//! What is read: a `/search` per watch term, the `/new` posts of the
//! subreddits the owner lists (the watches decide which matter) and, with an
//! account, `/message/mentions`. Every listing is newest first; its cursor
//! remembers the newest fullname and `created_utc` returned, and a later
//! poll pages back with `after` until it reaches them (a `before=` request
//! fails silently when that post was deleted, so it isn't relied on).
//! Edits: Reddit stamps an edited post or comment with `edited` (its time);
//! items already read that come back on a page a poll reads anyway, edited
//! since the last look, are returned again with their new text.
//!
//! Quirks pinned by tests: the 429 is an HTML page with `retry-after`;
//! `x-ratelimit-remaining` is a float; `created_utc` is a float; text is
//! entity-escaped unless `raw_json=1` is honoured; removed posts keep their
//! title but their body reads "[removed]"; permalinks are relative; Reddit
//! requires a descriptive User-Agent on every request.

use std::collections::{BTreeMap, HashSet};

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, FoundMentions, ResetForm, Session};
use super::http::{host_of, FetchError, Fetched};
use super::text::decode_entities;
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

const TOKEN_HOST: &str = "https://www.reddit.com";
const API_HOST: &str = "https://oauth.reddit.com";
const WEB: &str = "https://www.reddit.com";
const PAGE_LIMIT: u32 = 100;
/// A listing seen for the first time: its newest few hundred items only.
const FIRST_POLL_PAGES: u32 = 3;
/// Later polls page back until the cursor, at most this far.
const LATER_POLL_PAGES: u32 = 10;
/// All listings together (Reddit's free tier is 100 requests a minute).
const MAX_REQUESTS_PER_POLL: u32 = 40;
/// Older stretches not reached yet, kept per listing.
const MAX_BACKLOG: usize = 4;
const MAX_TEXT_CHARS: usize = 20_000;

/// The further secret: a refresh token for the owner's account.
pub const REFRESH_TOKEN_FIELD: &str = "refresh_token";

/// What this platform needs from the owner, in plain words.
pub fn needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("App secret"),
        how_to: "Reddit only lets approved apps read its data. At reddit.com/prefs/apps create an app (type \"script\"), apply for API access, and once approved paste the app's secret here and its client id (the string under the app's name) below.",
        searches_watches: true,
        cost_note: Some("Free for approved apps, up to 100 requests a minute."),
    }
}

/// What this platform needs besides its main secret.
pub fn fields() -> Vec<SettingField> {
    use super::catalog::field;
    let mut client_id = field(
        "client_id",
        "Client id",
        "The app's id: the short string shown under the app's name at reddit.com/prefs/apps.",
        true,
    );
    client_id.placeholder = Some("p-jcoLKBynTLew".into());
    let mut username = field(
        "username",
        "Your Reddit username",
        "The account that owns the app, without u/. Reddit asks apps to name their owner in every request.",
        false,
    );
    username.placeholder = Some("pedal_and_pine".into());
    let mut subreddits = field(
        "subreddits",
        "Subreddits to watch",
        "Optional: communities whose new posts Hearken reads, separated by commas, without r/ (for example: bicycling, ashby). Only posts that match a watch are kept.",
        false,
    );
    subreddits.placeholder = Some("bicycling, ashby".into());
    let mut refresh = field(
        REFRESH_TOKEN_FIELD,
        "Refresh token (optional)",
        "Lets Hearken read the username mentions in your Reddit inbox. Get one by authorising your app for your account with \"permanent\" access and the read and privatemessages scopes.",
        false,
    );
    refresh.secret = true;
    vec![client_id, username, subreddits, refresh]
}

pub struct RedditConnector;

impl Connector for RedditConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch(ctx))
    }
}

/// The newest item a listing returned.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Mark {
    name: String,
    created: f64,
}

/// An older stretch of a listing a poll could not reach: continue with
/// `after`, stop at `until`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Backlog {
    after: String,
    until: Mark,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ListingCursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Mark>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    backlog: Vec<Backlog>,
    /// The latest `edited` time taken in; until one is seen, the newest
    /// item's creation stands for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edits: Option<f64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    listings: BTreeMap<String, ListingCursor>,
}

#[derive(Debug, Deserialize)]
struct Listing {
    data: ListingData,
}

#[derive(Debug, Deserialize)]
struct ListingData {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    children: Vec<Child>,
}

#[derive(Debug, Deserialize)]
struct Child {
    #[serde(default)]
    kind: String,
    data: Thing,
}

/// A post (t3) or comment (t1), as listings and the inbox give them.
#[derive(Debug, Deserialize, Clone)]
struct Thing {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    selftext: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    author_fullname: Option<String>,
    #[serde(default)]
    created_utc: Option<f64>,
    #[serde(default)]
    permalink: Option<String>,
    /// Inbox items have no permalink, only this link to the comment in context.
    #[serde(default)]
    context: Option<String>,
    /// `false`, or when it was last edited (seconds, a float).
    #[serde(default)]
    edited: serde_json::Value,
}

impl Thing {
    fn created(&self) -> f64 {
        self.created_utc.unwrap_or(0.0)
    }

    fn mark(&self) -> Mark {
        Mark {
            name: self.name.clone(),
            created: self.created(),
        }
    }

    /// Reached the cursor: the remembered item, or anything older than it
    /// (the remembered item may have been deleted since).
    fn reaches(&self, mark: &Mark) -> bool {
        self.name == mark.name || self.created() < mark.created
    }

    /// When it was last edited, if it was.
    fn edited_at(&self) -> Option<f64> {
        self.edited.as_f64().filter(|e| e.is_finite() && *e > 0.0)
    }
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// What one listing is and how its items count.
struct Feed {
    key: String,
    path: String,
    query: Vec<(&'static str, String)>,
    from_search: bool,
}

/// The addresses to use: Reddit's own, or one test/proxy base for both.
struct Hosts {
    token: Url,
    api: Url,
}

fn hosts(ctx: &FetchContext<'_>) -> Result<Hosts, FetchError> {
    let bad = || FetchError::BadAddress("the Reddit address isn't a web address.".into());
    let (token_base, api_base) = match ctx.source.base_url.as_deref() {
        Some(b) => (b.trim().to_string(), b.trim().to_string()),
        None => (TOKEN_HOST.to_string(), API_HOST.to_string()),
    };
    let token = Url::parse(&format!(
        "{}/api/v1/access_token",
        token_base.trim_end_matches('/')
    ))
    .map_err(|_| bad())?;
    let api = Url::parse(api_base.trim_end_matches('/')).map_err(|_| bad())?;
    Ok(Hosts { token, api })
}

/// Reddit's required User-Agent: `<platform>:<app id>:<version> (by /u/<owner>)`.
fn user_agent(username: Option<&str>) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match username.map(|u| u.trim_start_matches("/u/").trim_start_matches("u/")) {
        Some(u) if !u.is_empty() => format!("desktop:hearken:{version} (by /u/{u})"),
        _ => format!("desktop:hearken:{version} (local-first customer care)"),
    }
}

/// Everything one poll shares: who it is, how to ask, what's left to spend.
struct Client<'c> {
    ctx: &'c FetchContext<'c>,
    hosts: Hosts,
    client_id: String,
    secret: String,
    refresh: Option<String>,
    agent: String,
    budget: u32,
}

impl Client<'_> {
    fn host(&self) -> String {
        host_of(&self.hosts.api)
    }

    /// A token from the cache, or a new one.
    async fn token(&self) -> Result<String, FetchError> {
        let id = self.ctx.source.id;
        if let Some(s) = self.ctx.sessions.get(id) {
            let same_kind = s.extra.get("grant").map(String::as_str) == Some(self.grant());
            if same_kind && !s.expiring() {
                return Ok(s.access);
            }
        }
        let host = host_of(&self.hosts.token);
        let basic = format!(
            "Basic {}",
            base64(format!("{}:{}", self.client_id, self.secret).as_bytes())
        );
        let headers = [("authorization", basic), ("user-agent", self.agent.clone())];
        let fetched = match &self.refresh {
            Some(r) => {
                self.ctx
                    .http
                    .post_form(
                        &self.hosts.token,
                        &headers,
                        &[("grant_type", "refresh_token"), ("refresh_token", r)],
                    )
                    .await?
            }
            None => {
                self.ctx
                    .http
                    .post_form(
                        &self.hosts.token,
                        &headers,
                        &[("grant_type", "client_credentials")],
                    )
                    .await?
            }
        };
        if fetched.status == 429 {
            return Err(api::rate_limited(
                &fetched,
                &host,
                "x-ratelimit-reset",
                ResetForm::Seconds,
            ));
        }
        // A refused refresh token is `400 {"error": "invalid_grant"}`.
        if fetched.status == 400 && body_has(&fetched, "invalid_grant") {
            return Err(FetchError::Unauthorized {
                host,
                status: 400,
                hint: Some(
                    "Reddit no longer accepts the saved sign-in (refresh token). Authorise Hearken's app again and save the new token with \"Replace key\".".to_string(),
                ),
            });
        }
        let answer: TokenAnswer = api::json(&fetched, &host)?;
        let mut session = Session {
            access: answer.access_token.clone(),
            refresh: None,
            expires_at: Some(clock::now().unix_timestamp() + answer.expires_in.unwrap_or(3600)),
            ..Session::default()
        };
        session
            .extra
            .insert("grant".into(), self.grant().to_string());
        self.ctx.sessions.put(id, session);
        Ok(answer.access_token)
    }

    fn grant(&self) -> &'static str {
        if self.refresh.is_some() {
            "user"
        } else {
            "app"
        }
    }

    /// GET with the token; a 401 gets one fresh token and one retry.
    async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let headers = [
                ("authorization", format!("bearer {token}")),
                ("user-agent", self.agent.clone()),
            ];
            let fetched = self.ctx.http.get(url, &headers).await?;
            if fetched.status == 401 && attempt == 0 {
                self.ctx.sessions.forget(self.ctx.source.id);
                continue;
            }
            return Ok(fetched);
        }
        unreachable!("the loop returns on its second attempt")
    }
}

fn body_has(fetched: &Fetched, needle: &str) -> bool {
    std::str::from_utf8(&fetched.body).is_ok_and(|b| b.contains(needle))
}

/// Reads a listing answer, judging Reddit's own error forms first.
fn read_listing(fetched: &Fetched, host: &str) -> Result<Listing, FetchError> {
    let host_s = host.to_string();
    match fetched.status {
        // HTML with retry-after, or JSON from some endpoints: both mean slow down.
        429 => {
            return Err(api::rate_limited(
                fetched,
                host,
                "x-ratelimit-reset",
                ResetForm::Seconds,
            ))
        }
        403 => {
            let scope = fetched
                .header("www-authenticate")
                .is_some_and(|w| w.contains("insufficient_scope"));
            if scope {
                return Err(FetchError::Platform {
                    host: host_s,
                    detail: "the Reddit account connection may not read this (insufficient scope). Create the refresh token again with the read and privatemessages scopes.".into(),
                });
            }
            if api::parse_json::<serde_json::Value>(&fetched.body, host).is_err() {
                return Err(FetchError::Platform {
                    host: host_s,
                    detail: "Reddit blocked the request (HTTP 403 page). Check that your app is approved for API access; if it is, try again later.".into(),
                });
            }
            if let Some(reason) = reason_of(fetched) {
                return Err(FetchError::Platform {
                    host: host_s,
                    detail: format!("a subreddit can't be read ({reason}). Check the subreddits in this source's settings."),
                });
            }
        }
        404 => {
            return Err(FetchError::Platform {
                host: host_s,
                detail: match reason_of(fetched) {
                    Some(reason) => format!("a subreddit wasn't found ({reason}). Check the subreddits in this source's settings."),
                    None => "a subreddit wasn't found. Check the subreddits in this source's settings.".into(),
                },
            })
        }
        _ => {}
    }
    api::json(fetched, host)
}

/// Reddit's `reason` (`private`, `banned`, `quarantined`…) from an error body.
fn reason_of(fetched: &Fetched) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(&fetched.body).ok()?;
    let r = v.get("reason")?.as_str()?;
    Some(r.chars().take(60).collect::<String>().to_lowercase())
}

fn feeds(ctx: &FetchContext<'_>, with_account: bool) -> Vec<Feed> {
    let mut out = Vec::new();
    if with_account {
        out.push(Feed {
            key: "mentions".into(),
            path: "/message/mentions".into(),
            query: Vec::new(),
            from_search: false,
        });
    }
    for term in ctx.terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        out.push(Feed {
            key: format!("search:{}", term.to_lowercase()),
            path: "/search".into(),
            query: vec![
                ("q", search_query(term)),
                ("sort", "new".into()),
                ("type", "link".into()),
            ],
            from_search: true,
        });
    }
    let subs = ctx.setting("subreddits").unwrap_or_default();
    let mut seen = HashSet::new();
    for sub in subs
        .split(',')
        .map(clean_subreddit)
        .filter(|s| !s.is_empty())
    {
        if seen.insert(sub.to_lowercase()) {
            out.push(Feed {
                key: format!("r/{}", sub.to_lowercase()),
                path: format!("/r/{sub}/new"),
                query: Vec::new(),
                from_search: true,
            });
        }
    }
    out
}

/// `r/Ashby`, `/r/ashby/`, `https://www.reddit.com/r/ashby` → `Ashby`/`ashby`.
fn clean_subreddit(raw: &str) -> String {
    let s = raw.trim().trim_end_matches('/');
    let s = s.rsplit("/r/").next().unwrap_or(s);
    let s = s.strip_prefix("r/").unwrap_or(s);
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Phrases quoted; Reddit's search takes up to 512 characters.
fn search_query(term: &str) -> String {
    let t: String = term.replace('"', "").chars().take(500).collect();
    if t.contains(char::is_whitespace) {
        format!("\"{t}\"")
    } else {
        t
    }
}

fn listing_url(api: &Url, feed: &Feed, after: Option<&str>) -> Url {
    let mut url = api.clone();
    url.set_path(&format!(
        "{}{}",
        api.path().trim_end_matches('/'),
        feed.path
    ));
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in &feed.query {
            q.append_pair(k, v);
        }
        q.append_pair("limit", &PAGE_LIMIT.to_string());
        q.append_pair("raw_json", "1");
        if let Some(a) = after {
            q.append_pair("after", a);
        }
    }
    url
}

/// What walking one stretch of a listing found.
struct Walk {
    things: Vec<Thing>,
    /// Reached the stop mark or the listing's end.
    complete: bool,
    /// The oldest item read, to continue from.
    oldest: Option<String>,
    /// Items already read that were on the page where the walk reached its
    /// stop mark: looked at for edits.
    seen_again: Vec<Thing>,
    error: Option<FetchError>,
    wait_secs: Option<u64>,
}

async fn walk(
    client: &mut Client<'_>,
    feed: &Feed,
    start_after: Option<String>,
    stop: Option<&Mark>,
    max_pages: u32,
) -> Walk {
    let host = client.host();
    let mut walk = Walk {
        things: Vec::new(),
        complete: false,
        oldest: None,
        seen_again: Vec::new(),
        error: None,
        wait_secs: None,
    };
    let mut after = start_after;
    for _ in 0..max_pages {
        if client.budget == 0 {
            return walk;
        }
        client.budget -= 1;
        let url = listing_url(&client.hosts.api, feed, after.as_deref());
        let page = match client.get(&url).await {
            Ok(f) => {
                walk.wait_secs = api::wait_when_exhausted(
                    &f,
                    "x-ratelimit-remaining",
                    "x-ratelimit-reset",
                    ResetForm::Seconds,
                );
                read_listing(&f, &host)
            }
            Err(e) => Err(e),
        };
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                walk.error = Some(e);
                return walk;
            }
        };
        let last = page.data.children.last().map(|c| c.data.name.clone());
        let mut children = page.data.children.into_iter();
        while let Some(child) = children.next() {
            if !matches!(child.kind.as_str(), "t3" | "t1") {
                continue;
            }
            if stop.is_some_and(|m| child.data.reaches(m)) {
                walk.complete = true;
                walk.seen_again = std::iter::once(child)
                    .chain(children)
                    .filter(|c| matches!(c.kind.as_str(), "t3" | "t1"))
                    .map(|c| c.data)
                    .collect();
                return walk;
            }
            walk.oldest = Some(child.data.name.clone());
            walk.things.push(child.data);
        }
        match page.data.after {
            Some(a) if !a.is_empty() && last.is_some() && walk.wait_secs.is_none() => {
                after = Some(a)
            }
            Some(a) if !a.is_empty() && last.is_some() => return walk,
            _ => {
                walk.complete = true;
                return walk;
            }
        }
    }
    walk
}

async fn fetch(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let client_id = ctx.setting("client_id").ok_or_else(|| {
        FetchError::NeedsSetup(
            "Reddit needs your app's client id: add it in Sources → Reddit (it's the string under the app's name at reddit.com/prefs/apps).".into(),
        )
    })?;
    let secret = ctx.secret_text().ok_or_else(|| {
        FetchError::NeedsSetup(
            "Reddit needs your app's secret: add it in Sources → Reddit with \"Replace key\"."
                .into(),
        )
    })?;
    let refresh = ctx.extra_secret(REFRESH_TOKEN_FIELD);
    let feeds = feeds(ctx, refresh.is_some());
    if feeds.is_empty() {
        return Err(FetchError::NeedsSetup(
            "Reddit has nothing to read yet: add a watch in Sources → Watches with your business name, or list subreddits in this source's settings.".into(),
        ));
    }
    let mut client = Client {
        ctx,
        hosts: hosts(ctx)?,
        client_id: client_id.to_string(),
        secret,
        refresh,
        agent: user_agent(ctx.setting("username")),
        budget: MAX_REQUESTS_PER_POLL,
    };
    let old: Cursor = ctx.stored_cursor();
    let mut next = Cursor::default();
    let mut found = FoundMentions::default();
    let mut first_error: Option<FetchError> = None;
    let mut wait_secs = None;

    for feed in &feeds {
        let before = old.listings.get(&feed.key).cloned();
        if first_error.is_some() || wait_secs.is_some() || client.budget == 0 {
            if let Some(c) = before {
                next.listings.insert(feed.key.clone(), c);
            }
            continue;
        }
        let (cursor, things, error, wait) = poll_listing(&mut client, feed, before).await;
        for thing in &things {
            if let Some(m) = to_mention(thing, feed.from_search) {
                found.keep(m);
            }
        }
        if cursor.newest.is_some() || !cursor.backlog.is_empty() {
            next.listings.insert(feed.key.clone(), cursor);
        }
        wait_secs = wait_secs.or(wait);
        if error.is_some() {
            first_error = error;
        }
    }
    if let Some(err) = first_error {
        if found.is_empty() {
            return Err(err);
        }
        if let FetchError::RateLimited {
            retry_after_secs, ..
        } = err
        {
            wait_secs = wait_secs.or(retry_after_secs.or(Some(60)));
        }
    }
    let title = match ctx.setting("username") {
        Some(u) => format!("Reddit (u/{})", u.trim_start_matches("u/")),
        None => "Reddit search".to_string(),
    };
    Ok(FetchOutcome {
        mentions: found.into_vec(),
        state: PollState::with_cursor(&next),
        not_modified: false,
        title: Some(title),
        wait_secs,
        rest: None,
        partial: None,
    })
}

/// One listing's poll: new items down to the cursor, then older stretches
/// an earlier poll could not reach.
async fn poll_listing(
    client: &mut Client<'_>,
    feed: &Feed,
    before: Option<ListingCursor>,
) -> (ListingCursor, Vec<Thing>, Option<FetchError>, Option<u64>) {
    let before = before.unwrap_or_default();
    let pages = if before.newest.is_some() {
        LATER_POLL_PAGES
    } else {
        FIRST_POLL_PAGES
    };
    let top = walk(client, feed, None, before.newest.as_ref(), pages).await;
    // Edited since the last look: read before, back on this page with an
    // `edited` time later than any taken in so far.
    let edits_before = before.edits.or(before.newest.as_ref().map(|m| m.created));
    let edits = top
        .things
        .iter()
        .chain(&top.seen_again)
        .filter_map(Thing::edited_at)
        .chain(before.edits)
        .reduce(f64::max);
    let mut things = top.things;
    let newest = things.first().map(Thing::mark).or(before.newest.clone());
    things.extend(
        top.seen_again
            .into_iter()
            .filter(|t| t.edited_at().zip(edits_before).is_some_and(|(e, b)| e > b)),
    );
    // Stopped before reaching the old cursor: the stretch between the
    // oldest item read and the old cursor is still to read. (A first poll
    // has no old cursor: older history isn't backfilled.)
    let new_stretch = match (top.complete, top.oldest.clone(), before.newest.clone()) {
        (false, Some(after), Some(until)) => Some(Backlog { after, until }),
        _ => None,
    };
    let cursor = |rest: Vec<Backlog>| ListingCursor {
        edits,
        newest: newest.clone(),
        backlog: new_stretch
            .clone()
            .into_iter()
            .chain(rest)
            .take(MAX_BACKLOG)
            .collect(),
    };
    if top.error.is_some() || top.wait_secs.is_some() {
        return (cursor(before.backlog), things, top.error, top.wait_secs);
    }
    // Older stretches, each shrinking as it's read.
    let mut rest = Vec::new();
    let mut stretches = before.backlog.into_iter();
    for stretch in stretches.by_ref() {
        if client.budget == 0 {
            rest.push(stretch);
            continue;
        }
        let part = walk(
            client,
            feed,
            Some(stretch.after.clone()),
            Some(&stretch.until),
            LATER_POLL_PAGES,
        )
        .await;
        things.extend(part.things);
        if !part.complete {
            rest.push(Backlog {
                after: part.oldest.unwrap_or(stretch.after),
                until: stretch.until,
            });
        }
        if part.error.is_some() || part.wait_secs.is_some() {
            rest.extend(stretches);
            return (cursor(rest), things, part.error, part.wait_secs);
        }
    }
    (cursor(rest), things, None, None)
}

/// Reddit's placeholder for a post or comment that is gone.
fn is_gone(s: &str) -> bool {
    matches!(s.trim(), "[removed]" | "[deleted]")
}

fn to_mention(thing: &Thing, from_search: bool) -> Option<NewMention> {
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(|t| decode_entities(t).trim().to_string())
            .filter(|t| !t.is_empty() && !is_gone(t))
    };
    let title = clean(&thing.title);
    let body = clean(&thing.selftext).or_else(|| clean(&thing.body));
    let text = match (title, body) {
        (Some(t), Some(b)) => format!("{t}\n{b}"),
        (Some(t), None) => t,
        (None, Some(b)) => b,
        // Nothing left to read: a removed comment.
        (None, None) => return None,
    };
    let author = thing
        .author
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty() && !is_gone(a))
        .map(str::to_string);
    let link = thing.permalink.as_deref().or(thing.context.as_deref());
    let url = link.map(|p| {
        if p.starts_with("http") {
            p.to_string()
        } else {
            format!("{WEB}{p}")
        }
    });
    let created_at = thing
        .created_utc
        .filter(|c| c.is_finite() && *c >= 0.0)
        .and_then(|c| clock::from_unix(c.trunc() as i64))
        .map(clock::format)
        .unwrap_or_else(clock::now_string);
    Some(NewMention {
        platform: Platform::Reddit,
        external_id: thing.name.clone(),
        url,
        author_id: thing.author_fullname.clone().filter(|_| author.is_some()),
        author_handle: author,
        author_name: None,
        text: text.chars().take(MAX_TEXT_CHARS).collect(),
        language: None,
        created_at,
        from_search,
    })
}

/// Standard base64 for the HTTP Basic header (no dependency for 15 lines).
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"id:s3cr?t"), "aWQ6czNjcj90");
    }

    #[test]
    fn subreddits_are_read_in_any_form_the_owner_types() {
        assert_eq!(clean_subreddit(" r/Ashby "), "Ashby");
        assert_eq!(clean_subreddit("/r/bicycling/"), "bicycling");
        assert_eq!(clean_subreddit("https://www.reddit.com/r/ashby"), "ashby");
        assert_eq!(clean_subreddit("ashby; drop"), "ashbydrop");
    }

    #[test]
    fn the_user_agent_names_the_owner() {
        let ua = user_agent(Some("u/pedal_and_pine"));
        assert!(ua.starts_with("desktop:hearken:"), "{ua}");
        assert!(ua.ends_with("(by /u/pedal_and_pine)"), "{ua}");
    }

    #[test]
    fn a_removed_post_keeps_its_title_and_a_deleted_author_is_nobody() {
        let t: Thing = serde_json::from_value(serde_json::json!({
            "name": "t3_gone", "title": "Pedal &amp; Pine lost my bike", "selftext": "[removed]",
            "author": "[deleted]", "created_utc": 1788602400.0, "permalink": "/r/ashby/comments/gone/x/"
        }))
        .unwrap();
        let m = to_mention(&t, true).unwrap();
        assert_eq!(m.text, "Pedal & Pine lost my bike");
        assert_eq!(m.author_handle, None);
        let c: Thing = serde_json::from_value(serde_json::json!({
            "name": "t1_gone", "body": "[deleted]", "author": "[deleted]", "created_utc": 1.0
        }))
        .unwrap();
        assert!(to_mention(&c, true).is_none());
    }
}
