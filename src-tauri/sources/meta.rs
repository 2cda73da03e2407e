//! Facebook Page and Instagram professional account (Meta Graph API).
//!
//! Neither platform can be searched for keywords: Hearken reads what is
//! addressed to the business. Facebook: posts by others on the Page's feed,
//! posts that tag the Page, and comments on the Page's recent posts.
//! Instagram: media the business is tagged in, and comments on its recent
//! media. Everything found here is `from_search: false`.
//!
//! Quirks pinned by tests: `created_time` / `timestamp` use `+0000` (no
//! colon); ids are compound strings (`<page>_<post>`); `from` is often
//! withheld; `paging.next` may be present on the last, empty page and
//! carries the token, so Hearken follows `paging.cursors.after` where it
//! can and never sends the token to another host; usage arrives as JSON in
//! `X-App-Usage` / `X-Business-Use-Case-Usage` headers; errors are
//! `{"error":{…}}` whose `code` matters more than the HTTP status (190 is
//! an expired token even when sent as 400; 4/17/32/613/800xx are throttling).

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use super::api::{self, FoundMentions, Watermark};
use super::http::{host_of, retry_after, FetchError, Fetched};
use super::{Connector, FetchContext, FetchOutcome};
use crate::clock;
use crate::model::{Platform, SettingField};
use crate::store::mentions::NewMention;
use crate::store::sources::PollState;

/// Whether this connector is ready for owners to use.
pub const AVAILABLE: bool = true;

/// The Graph API version Hearken speaks. Meta retires versions after about
/// two years: moving on means changing this one line and re-running the tests.
pub const GRAPH_VERSION: &str = "v21.0";
const DEFAULT_BASE: &str = "https://graph.facebook.com";
const PAGE_LIMIT: &str = "100";
/// Pages per edge on the first poll: no deep backfill.
const FIRST_POLL_PAGES: usize = 3;
/// Pages per edge on later polls before stopping to continue next time.
const LATER_POLL_PAGES: usize = 10;
/// How many of the business's latest posts have their comments read each poll.
const RECENT_POSTS: usize = 10;
/// Pages of comments per post per poll.
const COMMENT_PAGES: usize = 3;
/// Meta throttles at 100% of its usage headers; stop a little before.
const USAGE_STOP_PERCENT: f64 = 95.0;
/// The wait when usage is high and Meta gave no estimate (limits are over a rolling hour).
const DEFAULT_USAGE_WAIT_SECS: u64 = 1800;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_DETAIL_CHARS: usize = 200;

const FB_POST_FIELDS: &str = "id,message,story,created_time,from,permalink_url";
const FB_COMMENT_FIELDS: &str = "id,message,created_time,from,permalink_url,parent{id}";
const IG_MEDIA_FIELDS: &str = "id,caption,media_type,permalink,timestamp,username";
const IG_COMMENT_FIELDS: &str = "id,text,timestamp,username,from{id,username},parent_id,replies{id,text,timestamp,username,from{id,username}}";

/// What this platform needs from the owner, in plain words.
pub fn facebook_needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Page access token"),
        how_to: "In Meta's Graph API Explorer (developers.facebook.com/tools/explorer), choose your app, add the permissions pages_show_list, pages_read_engagement and pages_read_user_content, click \"Generate Access Token\", then under \"User or Page\" pick your Page and copy the Page access token.",
        searches_watches: false,
        cost_note: Some("Free. Facebook can't be searched for keywords: Hearken reads posts on and about your Page and comments on your posts."),
    }
}

/// What a Facebook Page source needs besides its token.
pub fn facebook_fields() -> Vec<SettingField> {
    let mut page = super::catalog::field(
        "page_id",
        "Page ID",
        "Your Facebook Page's number. On Facebook, open your Page, then About → Page transparency (or Settings → Page setup) and copy the Page ID.",
        true,
    );
    page.placeholder = Some("104857361234567".into());
    vec![page]
}

/// What this platform needs from the owner, in plain words.
pub fn instagram_needs() -> super::catalog::Needs {
    super::catalog::Needs {
        needs_url: false,
        url_label: None,
        needs_secret: true,
        secret_optional: false,
        secret_label: Some("Access token"),
        how_to: "Your Instagram account must be a business or creator account linked to a Facebook Page. In Meta's Graph API Explorer, choose your app, add instagram_basic, instagram_manage_comments and pages_read_engagement, click \"Generate Access Token\" and copy it (choose your Page under \"User or Page\" for a token that lasts).",
        searches_watches: false,
        cost_note: Some("Free. Instagram can't be searched for keywords: Hearken reads posts you're tagged in and comments on your posts."),
    }
}

/// What an Instagram source needs besides its token.
pub fn instagram_fields() -> Vec<SettingField> {
    let mut user = super::catalog::field(
        "ig_user_id",
        "Instagram account ID",
        "The number Meta gives your Instagram business account (not your @username). In the Graph API Explorer, ask for \"me/accounts?fields=instagram_business_account\" and copy the id shown under instagram_business_account.",
        true,
    );
    user.placeholder = Some("17841400455970028".into());
    vec![user]
}

pub struct FacebookConnector;

impl Connector for FacebookConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch_facebook(ctx))
    }
}

pub struct InstagramConnector;

impl Connector for InstagramConnector {
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext<'a>,
    ) -> BoxFuture<'a, Result<FetchOutcome, FetchError>> {
        Box::pin(fetch_instagram(ctx))
    }
}

// ---------------------------------------------------------------- Facebook

/// Where each Facebook edge stopped.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FacebookCursor {
    #[serde(default)]
    feed: Window,
    #[serde(default)]
    tagged: Window,
    /// Post id → the newest comment read.
    #[serde(default)]
    comments: BTreeMap<String, Mark>,
}

/// A newest-first edge's position in unix seconds. When a poll stops before
/// reaching `since`, the next one reads `since..=until` and only then moves
/// `since` up to `newest`. Bounds are inclusive: a post at the boundary
/// second may come twice, which the store ignores; none is skipped.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct Window {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Mark>,
}

/// The newest time read (unix seconds) and the ids read at exactly that
/// second. Meta's `since` is inclusive and counts whole seconds: the ids let
/// the next poll skip what it already returned without skipping a post
/// that arrived later in the same second.
type Mark = Watermark<i64>;

async fn fetch_facebook(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let page_id = account_id(ctx, "page_id", "Facebook", "Page ID")?;
    let mut graph = Graph::new(ctx, "Facebook")?;
    let mut cursor: FacebookCursor = ctx.stored_cursor();
    let mut found = FoundMentions::default();

    for edge in ["feed", "tagged"] {
        if graph.stop {
            break;
        }
        let before = match edge {
            "feed" => cursor.feed.clone(),
            _ => cursor.tagged.clone(),
        };
        let after = facebook_window(&mut graph, &mut found, page_id, edge, &before).await;
        match edge {
            "feed" => cursor.feed = after,
            _ => cursor.tagged = after,
        }
    }
    if !graph.stop {
        cursor.comments =
            facebook_comments(&mut graph, &mut found, page_id, &cursor.comments).await;
    }
    finish(graph, found, serde_json::to_string(&cursor).ok())
}

/// Reads a newest-first edge (`feed`, `tagged`) from where it stopped.
async fn facebook_window(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    page_id: &str,
    edge: &str,
    before: &Window,
) -> Window {
    let first_poll = before.since.is_none();
    let max_pages = if first_poll {
        FIRST_POLL_PAGES
    } else {
        LATER_POLL_PAGES
    };
    let mut params = vec![
        ("fields", FB_POST_FIELDS.to_string()),
        ("limit", PAGE_LIMIT.to_string()),
    ];
    if let Some(s) = &before.since {
        params.push(("since", s.at.to_string()));
    }
    if let Some(u) = before.until {
        params.push(("until", u.to_string()));
    }
    let mut url = graph.url(&format!("{page_id}/{edge}"), &params);
    let (mut newest, mut oldest) = (before.newest.clone(), None::<i64>);
    let mut pages = 0;
    let complete = loop {
        if pages == max_pages || graph.stop {
            break false;
        }
        let Some(list) = graph.get::<List<FbPost>>(&url).await else {
            break false;
        };
        pages += 1;
        let mut reached_since = false;
        for post in &list.data {
            let at = post.created_time.as_deref().and_then(unix_of);
            if let (Some(at), Some(since)) = (at, &before.since) {
                if at < since.at {
                    // Older than the last poll: the edge ignored `since`, or we're done.
                    reached_since = true;
                }
                if !since.is_new(&at, &post.id) {
                    continue;
                }
            }
            if let Some(at) = at {
                if before.newest.is_none() {
                    Mark::advance(&mut newest, &at, &post.id);
                }
                oldest = Some(oldest.map_or(at, |o: i64| o.min(at)));
            }
            // The Page's own posts are not mentions of it.
            if post
                .from
                .as_ref()
                .is_some_and(|f| f.id.as_deref() == Some(page_id))
            {
                continue;
            }
            found.keep(facebook_post(post));
        }
        if reached_since || list.data.is_empty() {
            break true;
        }
        match graph.next_page(&url, &list.paging) {
            Some(next) => url = next,
            None => break true,
        }
    };
    if pages == 0 && !complete {
        return before.clone();
    }
    if complete || first_poll {
        return Window {
            since: Mark::later(newest, before.since.clone()),
            until: None,
            newest: None,
        };
    }
    Window {
        since: before.since.clone(),
        until: oldest.or(before.until),
        newest,
    }
}

/// Reads new comments on the Page's latest posts. Comments are asked for
/// oldest first, so the newest comment time read is a safe place to resume.
async fn facebook_comments(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    page_id: &str,
    before: &BTreeMap<String, Mark>,
) -> BTreeMap<String, Mark> {
    let url = graph.url(
        &format!("{page_id}/posts"),
        &[
            ("fields", "id,created_time".to_string()),
            ("limit", RECENT_POSTS.to_string()),
        ],
    );
    let Some(posts) = graph.get::<List<Node>>(&url).await else {
        return before.clone();
    };
    let mut after = BTreeMap::new();
    for post in posts.data.iter().take(RECENT_POSTS) {
        let since = before.get(&post.id).cloned();
        if graph.stop {
            if let Some(s) = since {
                after.insert(post.id.clone(), s);
            }
            continue;
        }
        let mut params = vec![
            ("fields", FB_COMMENT_FIELDS.to_string()),
            ("filter", "stream".to_string()),
            ("order", "chronological".to_string()),
            ("limit", PAGE_LIMIT.to_string()),
        ];
        if let Some(s) = &since {
            params.push(("since", s.at.to_string()));
        }
        let mut url = graph.url(&format!("{}/comments", post.id), &params);
        let mut newest = since.clone();
        for _ in 0..COMMENT_PAGES {
            let Some(list) = graph.get::<List<FbPost>>(&url).await else {
                break;
            };
            for comment in &list.data {
                let at = comment.created_time.as_deref().and_then(unix_of);
                if let Some(at) = at {
                    if since.as_ref().is_some_and(|s| !s.is_new(&at, &comment.id)) {
                        continue;
                    }
                    Mark::advance(&mut newest, &at, &comment.id);
                }
                if comment
                    .from
                    .as_ref()
                    .is_some_and(|f| f.id.as_deref() == Some(page_id))
                {
                    continue;
                }
                found.keep(facebook_post(comment));
            }
            match graph.next_page(&url, &list.paging) {
                Some(next) if !list.data.is_empty() && !graph.stop => url = next,
                _ => break,
            }
        }
        if let Some(n) = newest {
            after.insert(post.id.clone(), n);
        }
    }
    after
}

fn facebook_post(post: &FbPost) -> NewMention {
    let text = post
        .message
        .as_deref()
        .or(post.story.as_deref())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("(a post without text)");
    NewMention {
        platform: Platform::Facebook,
        external_id: post.id.clone(),
        url: web_link(post.permalink_url.as_deref()),
        author_id: post.from.as_ref().and_then(|f| f.id.clone()),
        author_handle: None,
        author_name: post
            .from
            .as_ref()
            .and_then(|f| f.name.clone())
            .filter(|n| !n.trim().is_empty()),
        text: cap_text(text),
        language: None,
        created_at: created(post.created_time.as_deref()),
        from_search: false,
    }
}

// --------------------------------------------------------------- Instagram

/// Where each Instagram edge stopped.
#[derive(Debug, Default, Serialize, Deserialize)]
struct InstagramCursor {
    #[serde(default)]
    tags: Tags,
    /// Media id → the newest comment read.
    #[serde(default)]
    comments: BTreeMap<String, Mark>,
}

/// `/tags` has no `since`: it is read newest first down to `seen`. A poll
/// that stops early keeps Meta's `after` cursor (minutes old, so still
/// valid) to carry on from there, and moves `seen` up to `newest` once done.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct Tags {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seen: Option<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Mark>,
}

async fn fetch_instagram(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let ig_id = account_id(ctx, "ig_user_id", "Instagram", "Instagram account ID")?;
    let mut graph = Graph::new(ctx, "Instagram")?;
    let mut cursor: InstagramCursor = ctx.stored_cursor();
    let mut found = FoundMentions::default();
    cursor.tags = instagram_tags(&mut graph, &mut found, ig_id, &cursor.tags).await;
    if !graph.stop {
        cursor.comments = instagram_comments(&mut graph, &mut found, ig_id, &cursor.comments).await;
    }
    finish(graph, found, serde_json::to_string(&cursor).ok())
}

async fn instagram_tags(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    ig_id: &str,
    before: &Tags,
) -> Tags {
    let first_poll = before.seen.is_none();
    let max_pages = if first_poll {
        FIRST_POLL_PAGES
    } else {
        LATER_POLL_PAGES
    };
    let mut params = vec![
        ("fields", IG_MEDIA_FIELDS.to_string()),
        ("limit", "50".to_string()),
    ];
    if let Some(a) = &before.after {
        params.push(("after", a.clone()));
    }
    let mut url = graph.url(&format!("{ig_id}/tags"), &params);
    let mut newest = before.newest.clone();
    let mut resume_after = before.after.clone();
    let mut pages = 0;
    let complete = loop {
        if pages == max_pages || graph.stop {
            break false;
        }
        let Some(list) = graph.get::<List<IgMedia>>(&url).await else {
            break false;
        };
        pages += 1;
        let mut reached_seen = false;
        for media in &list.data {
            let at = media.timestamp.as_deref().and_then(unix_of);
            if let (Some(at), Some(seen)) = (at, &before.seen) {
                if at < seen.at {
                    reached_seen = true;
                }
                if !seen.is_new(&at, &media.id) {
                    continue;
                }
            }
            if let (Some(at), None) = (at, &before.newest) {
                Mark::advance(&mut newest, &at, &media.id);
            }
            found.keep(instagram_media(media));
        }
        if reached_seen || list.data.is_empty() {
            break true;
        }
        match graph.next_page(&url, &list.paging) {
            Some(next) => {
                resume_after = list
                    .paging
                    .as_ref()
                    .and_then(|p| p.cursors.as_ref())
                    .and_then(|c| c.after.clone());
                url = next;
            }
            None => break true,
        }
    };
    if pages == 0 && !complete {
        return before.clone();
    }
    if complete || first_poll || resume_after.is_none() {
        return Tags {
            seen: Mark::later(newest, before.seen.clone()),
            after: None,
            newest: None,
        };
    }
    Tags {
        seen: before.seen.clone(),
        after: resume_after,
        newest,
    }
}

/// Reads new comments (and replies) on the business's latest media.
async fn instagram_comments(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    ig_id: &str,
    before: &BTreeMap<String, Mark>,
) -> BTreeMap<String, Mark> {
    let url = graph.url(
        &format!("{ig_id}/media"),
        &[
            ("fields", "id,permalink,timestamp,username".to_string()),
            ("limit", RECENT_POSTS.to_string()),
        ],
    );
    let Some(media) = graph.get::<List<IgMedia>>(&url).await else {
        return before.clone();
    };
    let own_name = media.data.iter().find_map(|m| m.username.clone());
    let mut after = BTreeMap::new();
    for item in media.data.iter().take(RECENT_POSTS) {
        let since = before.get(&item.id).cloned();
        if graph.stop {
            if let Some(s) = since {
                after.insert(item.id.clone(), s);
            }
            continue;
        }
        let mut url = graph.url(
            &format!("{}/comments", item.id),
            &[
                ("fields", IG_COMMENT_FIELDS.to_string()),
                ("limit", "50".to_string()),
            ],
        );
        let mut newest = since.clone();
        let mut complete = false;
        for _ in 0..COMMENT_PAGES {
            let Some(list) = graph.get::<List<IgComment>>(&url).await else {
                break;
            };
            let replies = list
                .data
                .iter()
                .flat_map(|c| c.replies.iter().flat_map(|r| r.data.iter()));
            for comment in list.data.iter().chain(replies) {
                let at = comment.timestamp.as_deref().and_then(unix_of);
                if let Some(at) = at {
                    if since.as_ref().is_some_and(|s| !s.is_new(&at, &comment.id)) {
                        continue;
                    }
                    Mark::advance(&mut newest, &at, &comment.id);
                }
                let by_business = comment
                    .from
                    .as_ref()
                    .is_some_and(|f| f.id.as_deref() == Some(ig_id))
                    || (own_name.is_some() && comment.username == own_name);
                if !by_business {
                    found.keep(instagram_comment(comment, item));
                }
            }
            match graph.next_page(&url, &list.paging) {
                Some(next) if !list.data.is_empty() && !graph.stop => url = next,
                _ => {
                    complete = !graph.stop;
                    break;
                }
            }
        }
        // Meta doesn't promise an order for comments: move on only when all
        // were read (or on the first look); otherwise read again, and let
        // the store ignore what it already has.
        let next = if complete || since.is_none() {
            newest
        } else {
            since
        };
        if let Some(n) = next {
            after.insert(item.id.clone(), n);
        }
    }
    after
}

fn instagram_media(media: &IgMedia) -> NewMention {
    let text = media
        .caption
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("(a post without a caption)");
    NewMention {
        platform: Platform::Instagram,
        external_id: media.id.clone(),
        url: web_link(media.permalink.as_deref()),
        author_id: None,
        author_handle: media.username.clone().filter(|u| !u.is_empty()),
        author_name: None,
        text: cap_text(text),
        language: None,
        created_at: created(media.timestamp.as_deref()),
        from_search: false,
    }
}

fn instagram_comment(comment: &IgComment, media: &IgMedia) -> NewMention {
    let handle = comment
        .username
        .clone()
        .or_else(|| comment.from.as_ref().and_then(|f| f.username.clone()))
        .filter(|u| !u.is_empty());
    NewMention {
        platform: Platform::Instagram,
        external_id: comment.id.clone(),
        // Comments have no link of their own: the post's is the closest.
        url: web_link(media.permalink.as_deref()),
        author_id: comment.from.as_ref().and_then(|f| f.id.clone()),
        author_handle: handle,
        author_name: None,
        text: cap_text(comment.text.as_deref().unwrap_or("").trim()),
        language: None,
        created_at: created(comment.timestamp.as_deref()),
        from_search: false,
    }
}

// ------------------------------------------------------------------ shared

/// The Graph API as one poll uses it: addresses, the token, and what went
/// wrong or told us to slow down.
struct Graph<'a> {
    ctx: &'a FetchContext<'a>,
    /// `https://graph.facebook.com/v21.0/` (or the source's own address).
    root: Url,
    token: String,
    wait_secs: Option<u64>,
    error: Option<FetchError>,
    stop: bool,
}

impl<'a> Graph<'a> {
    fn new(ctx: &'a FetchContext<'a>, name: &str) -> Result<Self, FetchError> {
        let token = ctx.secret_text().ok_or_else(|| {
            FetchError::NeedsSetup(format!(
                "{name} needs its access token: paste it in Sources → {name} (\"Replace key\")."
            ))
        })?;
        let base = ctx.source.base_url.as_deref().unwrap_or(DEFAULT_BASE);
        let root = Url::parse(&format!("{}/{GRAPH_VERSION}/", base.trim_end_matches('/')))
            .map_err(|_| {
                FetchError::BadAddress(format!("the {name} API address isn't a web address."))
            })?;
        Ok(Graph {
            ctx,
            root,
            token,
            wait_secs: None,
            error: None,
            stop: false,
        })
    }

    fn url(&self, path: &str, params: &[(&str, String)]) -> Url {
        let mut url = self.root.join(path).unwrap_or_else(|_| self.root.clone());
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in params {
                q.append_pair(k, v);
            }
        }
        url
    }

    /// GETs and parses one answer; on failure records the error, stops the
    /// poll and returns None. Usage near Meta's limit also stops the poll
    /// (after this answer, which is kept).
    async fn get<T: DeserializeOwned>(&mut self, url: &Url) -> Option<T> {
        let host = host_of(url);
        let headers = [("authorization", format!("Bearer {}", self.token))];
        let fetched = match self.ctx.http.get(url, &headers).await {
            Ok(f) => f,
            Err(e) => return self.fail(e),
        };
        if let Some(wait) = usage_wait(&fetched) {
            self.wait_secs = self.wait_secs.max(Some(wait));
            self.stop = true;
        }
        if !(200..300).contains(&fetched.status) {
            return self.fail(graph_error(&fetched, &host));
        }
        match api::parse_json::<T>(&fetched.body, &host) {
            Ok(v) => Some(v),
            Err(e) => self.fail(e),
        }
    }

    fn fail<T>(&mut self, e: FetchError) -> Option<T> {
        self.error = Some(e);
        self.stop = true;
        None
    }

    /// The next page, or None on the last. Meta sends `paging.next` with
    /// the token in it: Hearken rebuilds the address from the cursor when it
    /// can, and otherwise only follows links back to the same server.
    fn next_page(&self, current: &Url, paging: &Option<Paging>) -> Option<Url> {
        let paging = paging.as_ref()?;
        let next = paging.next.as_deref()?;
        if let Some(after) = paging.cursors.as_ref().and_then(|c| c.after.as_deref()) {
            let mut url = current.clone();
            let kept: Vec<(String, String)> = current
                .query_pairs()
                .filter(|(k, _)| k != "after")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("after", after);
            return Some(url);
        }
        let url = Url::parse(next).ok()?;
        if url.origin() != self.root.origin() {
            return None;
        }
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "access_token")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut clean = url.clone();
        clean.query_pairs_mut().clear().extend_pairs(kept);
        Some(clean)
    }
}

fn finish(
    graph: Graph<'_>,
    found: FoundMentions,
    cursor: Option<String>,
) -> Result<FetchOutcome, FetchError> {
    let mut wait_secs = graph.wait_secs;
    if let Some(err) = graph.error {
        if found.is_empty() {
            return Err(err);
        }
        if let FetchError::RateLimited {
            retry_after_secs, ..
        } = err
        {
            wait_secs = wait_secs.max(Some(retry_after_secs.unwrap_or(DEFAULT_USAGE_WAIT_SECS)));
        }
    }
    Ok(FetchOutcome {
        mentions: found.into_vec(),
        state: PollState {
            cursor,
            etag: None,
            last_modified: None,
        },
        not_modified: false,
        title: None,
        wait_secs,
    })
}

/// The Page or account id setting, checked so it can't reach another path.
fn account_id<'c>(
    ctx: &'c FetchContext<'_>,
    key: &str,
    platform: &str,
    label: &str,
) -> Result<&'c str, FetchError> {
    let id = ctx.setting(key).ok_or_else(|| {
        FetchError::NeedsSetup(format!(
            "{platform} needs your {label}: enter it in Sources → {platform}."
        ))
    })?;
    if id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    {
        return Err(FetchError::NeedsSetup(format!(
            "The {label} should be the number Meta shows for your account, like 104857361234567. Fix it in Sources → {platform}."
        )));
    }
    Ok(id)
}

/// Meta's error body, read by its code rather than the HTTP status.
fn graph_error(fetched: &Fetched, host: &str) -> FetchError {
    let body = api::parse_json::<ErrorBody>(&fetched.body, host)
        .ok()
        .and_then(|b| b.error);
    let Some(error) = body else {
        return api::json::<serde_json::Value>(fetched, host)
            .err()
            .unwrap_or(FetchError::Status {
                host: host.into(),
                status: fetched.status,
                status_text: String::new(),
            });
    };
    match error.code {
        // Expired, revoked or invalid token, whatever the HTTP status.
        Some(190) => FetchError::Unauthorized {
            host: host.into(),
            status: fetched.status,
            hint: None,
        },
        // App, user, Page and business-use-case throttling.
        Some(4 | 17 | 32 | 613 | 80000..=80099) => FetchError::RateLimited {
            host: host.into(),
            status: fetched.status,
            retry_after_secs: retry_after(fetched).or_else(|| regain_secs(fetched)),
        },
        _ => FetchError::Platform {
            host: host.into(),
            detail: error.words(),
        },
    }
}

/// How long to wait when Meta's usage headers say a limit is (nearly) reached.
fn usage_wait(fetched: &Fetched) -> Option<u64> {
    let mut highest: f64 = 0.0;
    for name in ["x-app-usage", "x-page-usage"] {
        if let Some(usage) = fetched
            .header(name)
            .and_then(|v| serde_json::from_str::<Usage>(v).ok())
        {
            highest = highest.max(usage.highest());
        }
    }
    for usage in buc_usage(fetched) {
        highest = highest.max(usage.highest());
    }
    (highest >= USAGE_STOP_PERCENT).then(|| {
        regain_secs(fetched)
            .unwrap_or(DEFAULT_USAGE_WAIT_SECS)
            .max(60)
    })
}

/// `estimated_time_to_regain_access` (minutes) from the business-use-case header.
fn regain_secs(fetched: &Fetched) -> Option<u64> {
    buc_usage(fetched)
        .iter()
        .filter_map(|u| u.estimated_time_to_regain_access)
        .filter(|m| m.is_finite() && *m > 0.0)
        .fold(None, |acc: Option<f64>, m| {
            Some(acc.map_or(m, |a| a.max(m)))
        })
        .map(|m| (m * 60.0).ceil() as u64)
}

fn buc_usage(fetched: &Fetched) -> Vec<Usage> {
    fetched
        .header("x-business-use-case-usage")
        .and_then(|v| serde_json::from_str::<BTreeMap<String, Vec<Usage>>>(v).ok())
        .map(|m| m.into_values().flatten().collect())
        .unwrap_or_default()
}

/// One usage report: percentages of the allowance used.
#[derive(Debug, Default, Deserialize)]
struct Usage {
    call_count: Option<f64>,
    total_cputime: Option<f64>,
    total_time: Option<f64>,
    estimated_time_to_regain_access: Option<f64>,
}

impl Usage {
    fn highest(&self) -> f64 {
        [self.call_count, self.total_cputime, self.total_time]
            .into_iter()
            .flatten()
            .fold(0.0, f64::max)
    }
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: Option<GraphError>,
}

#[derive(Debug, Deserialize)]
struct GraphError {
    message: Option<String>,
    code: Option<i64>,
    error_user_msg: Option<String>,
}

impl GraphError {
    /// Meta's message for people when it has one, else its own, kept short.
    fn words(&self) -> String {
        let raw = self
            .error_user_msg
            .as_deref()
            .or(self.message.as_deref())
            .unwrap_or("");
        let clean: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .chars()
            .take(MAX_DETAIL_CHARS)
            .collect();
        if clean.is_empty() {
            format!("the request was refused (code {}).", self.code.unwrap_or(0))
        } else {
            clean
        }
    }
}

#[derive(Debug, Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
    paging: Option<Paging>,
}

#[derive(Debug, Deserialize)]
struct Paging {
    cursors: Option<Cursors>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Cursors {
    after: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Node {
    id: String,
}

/// A Facebook post or comment (comments carry the same fields).
#[derive(Debug, Deserialize)]
struct FbPost {
    id: String,
    message: Option<String>,
    story: Option<String>,
    created_time: Option<String>,
    from: Option<FbFrom>,
    permalink_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FbFrom {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct IgMedia {
    id: String,
    caption: Option<String>,
    permalink: Option<String>,
    timestamp: Option<String>,
    username: Option<String>,
}

#[derive(Debug, Deserialize)]
struct IgComment {
    id: String,
    text: Option<String>,
    timestamp: Option<String>,
    username: Option<String>,
    from: Option<IgFrom>,
    replies: Option<List<IgComment>>,
}

#[derive(Debug, Deserialize)]
struct IgFrom {
    id: Option<String>,
    username: Option<String>,
}

/// Meta's `2021-07-04T19:50:58+0000` as unix seconds.
fn unix_of(raw: &str) -> Option<i64> {
    clock::parse_lenient(raw).map(|t| t.unix_timestamp())
}

fn created(raw: Option<&str>) -> String {
    raw.and_then(clock::normalise)
        .unwrap_or_else(clock::now_string)
}

fn web_link(raw: Option<&str>) -> Option<String> {
    let url = Url::parse(raw?).ok()?;
    (url.scheme() == "https").then(|| url.to_string())
}

fn cap_text(text: &str) -> String {
    text.chars().take(MAX_TEXT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn fetched(status: u16, headers: &[(&'static str, &str)], body: &str) -> Fetched {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Fetched {
            status,
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn metas_timestamps_without_a_colon_are_read() {
        assert_eq!(unix_of("2021-07-04T19:50:58+0000"), Some(1_625_428_258));
        assert_eq!(
            created(Some("2021-07-04T21:50:58+0200")),
            "2021-07-04T19:50:58Z"
        );
    }

    #[test]
    fn usage_at_95_percent_waits_for_metas_estimate() {
        let calm = fetched(
            200,
            &[(
                "x-app-usage",
                r#"{"call_count":28,"total_cputime":25,"total_time":25}"#,
            )],
            "{}",
        );
        assert_eq!(usage_wait(&calm), None);
        let busy = fetched(
            200,
            &[(
                "x-business-use-case-usage",
                r#"{"104857361234567":[{"type":"pages","call_count":96,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":7}]}"#,
            )],
            "{}",
        );
        assert_eq!(usage_wait(&busy), Some(420));
        let app = fetched(
            200,
            &[(
                "x-app-usage",
                r#"{"call_count":12,"total_cputime":99,"total_time":25}"#,
            )],
            "{}",
        );
        assert_eq!(usage_wait(&app), Some(DEFAULT_USAGE_WAIT_SECS));
        let garbage = fetched(200, &[("x-app-usage", "not json")], "{}");
        assert_eq!(usage_wait(&garbage), None);
    }

    #[test]
    fn error_codes_matter_more_than_the_status() {
        let expired = fetched(
            400,
            &[],
            r#"{"error":{"message":"Error validating access token: Session has expired on Friday, 04-Jul-26 12:00:00 PDT.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbC"}}"#,
        );
        assert_eq!(graph_error(&expired, "h").code(), "credential_rejected");
        for code in [4, 17, 32, 613, 80001, 80002] {
            let body = format!(
                r#"{{"error":{{"message":"(#{code}) Too many calls","type":"OAuthException","code":{code},"is_transient":true,"fbtrace_id":"x"}}}}"#
            );
            assert_eq!(
                graph_error(&fetched(403, &[], &body), "h").code(),
                "rate_limited",
                "{code}"
            );
        }
        let perm = fetched(
            403,
            &[],
            r#"{"error":{"message":"(#10) This endpoint requires the 'pages_read_engagement' permission.","type":"OAuthException","code":10,"fbtrace_id":"x"}}"#,
        );
        let err = graph_error(&perm, "h");
        assert_eq!(err.code(), "platform_error");
        assert!(err.to_string().contains("pages_read_engagement"), "{err}");
    }
}
