//! Facebook Page and Instagram professional account (Meta Graph API).
//!
//! Neither platform can be searched for keywords: Hearken reads what is
//! addressed to the business. Facebook: posts by others on the Page's feed,
//! posts that tag the Page, and comments on the Page's recent posts.
//! Instagram: media the business is tagged in, and comments on its recent
//! media. Everything found here is `from_search: false`.
//!
//! One request per check when nothing changed: the Graph API's field
//! expansion asks for every edge in one GET of the Page or account
//! (`/{page-id}?fields=feed.since(T).limit(100){…},tagged…,published_posts.limit(10){id,comments…{…}}`),
//! and each nested edge comes back as its own `{"data":[…],"paging":{…}}`
//! (left out when empty). Only an edge with more new data than its first
//! page is followed further, through its own address. If Meta refuses the
//! combined request over one field or edge (a missing permission, a field
//! an account type lacks), the edges are read one by one for a day, so what
//! can be read still is.
//!
//! Quirks pinned by tests: `created_time` / `timestamp` use `+0000` (no
//! colon); ids are compound strings (`<page>_<post>`); `from` is often
//! withheld; `paging.next` may be present on the last, empty page and
//! carries the token, so Hearken follows `paging.cursors.after` where it
//! can and never sends the token to another host; a stored `after` cursor
//! can expire; usage arrives as JSON in `X-App-Usage` /
//! `X-Business-Use-Case-Usage` headers; errors are `{"error":{…}}` whose
//! `code` matters more than the HTTP status (190 is an expired token even
//! when sent as 400; 4/17/32/613/800xx are throttling).

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
/// Instagram's edges give at most 50 a page.
const IG_PAGE_LIMIT: &str = "50";
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
/// How long edges are read one by one after Meta refused the combined request.
const SEPARATE_FOR_SECS: i64 = 24 * 3600;
/// An Instagram media's comments are read in full at least this often,
/// even while its `comments_count` stands still: a comment deleted and
/// another added leave the count as it was.
const IG_FULL_READ_SECS: i64 = 24 * 3600;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_DETAIL_CHARS: usize = 200;

const FB_POST_FIELDS: &str = "id,message,story,created_time,updated_time,from,permalink_url";
const FB_COMMENT_FIELDS: &str = "id,message,created_time,from,permalink_url,parent{id}";
const IG_MEDIA_FIELDS: &str = "id,caption,media_type,permalink,timestamp,username";
const IG_OWN_MEDIA_FIELDS: &str = "id,permalink,timestamp,username,comments_count";
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

/// Where each Facebook edge stopped. Cursors stored by earlier versions
/// (only `feed`, `tagged` and `comments`) read as they are.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FacebookCursor {
    #[serde(default)]
    feed: Window,
    #[serde(default)]
    tagged: Window,
    /// Post id → the newest comment read.
    #[serde(default)]
    comments: BTreeMap<String, Mark>,
    /// Post id → where a poll that stopped at the page cap left off.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    comment_resume: BTreeMap<String, Resume>,
    /// Post id → a fingerprint of the comments read on its first page, to
    /// notice edits (Meta gives comments no edit time).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    comment_digests: BTreeMap<String, Digest>,
    /// Until when (unix seconds) edges are read one by one, after Meta
    /// refused the combined request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    separate_until: Option<i64>,
}

/// A newest-first edge's position in unix seconds. When a poll stops before
/// reaching `since`, the next one reads `since..=until` and only then moves
/// `since` up to `newest`. Bounds are inclusive: a post at the boundary
/// second may come twice, which the store ignores; none is skipped.
///
/// Times are a post's last activity, the later of `created_time` and
/// `updated_time`: an edited post counts as new again and comes back with
/// its new text (the store records the edit). Whether Meta's `since`
/// compares the creation or the update time is not documented; reading by
/// last activity is right either way, and when it compares creation times,
/// edits of posts older than the last check are simply not seen.
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

/// What the combined request for a Page returns (edges without data are left out).
#[derive(Debug, Deserialize)]
struct FbRoot {
    feed: Option<List<FbPost>>,
    tagged: Option<List<FbPost>>,
    published_posts: Option<List<FbOwnPost>>,
}

/// One of the Page's own posts, with the first page of its comments.
#[derive(Debug, Deserialize)]
struct FbOwnPost {
    id: String,
    comments: Option<List<FbPost>>,
}

async fn fetch_facebook(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let page_id = account_id(ctx, "page_id", "Facebook", "Page ID")?;
    let mut graph = Graph::new(ctx, "Facebook")?;
    let mut cursor: FacebookCursor = ctx.stored_cursor();
    let mut found = FoundMentions::default();

    let feed = window_edge("feed", &cursor.feed);
    let tagged = window_edge("tagged", &cursor.tagged);
    let comments = Edge::new(
        "comments",
        &[
            ("filter", "stream"),
            ("order", "reverse_chronological"),
            ("limit", PAGE_LIMIT),
        ],
        FB_COMMENT_FIELDS,
    );
    let posts = Edge::new(
        "published_posts",
        &[("limit", &RECENT_POSTS.to_string())],
        &format!("id,{}", comments.nested()),
    );

    let now = clock::now().unix_timestamp();
    let mut root = None;
    if cursor.separate_until.is_none_or(|t| t <= now) {
        cursor.separate_until = None;
        let fields = [feed.nested(), tagged.nested(), posts.nested()].join(",");
        let url = graph.url(page_id, &[("fields", fields)]);
        match graph.fetch::<FbRoot>(&url).await {
            Ok(r) => root = Some(r),
            Err(refusal) if refusal.names_a_field() => {
                cursor.separate_until = Some(now + SEPARATE_FOR_SECS);
            }
            Err(refusal) => {
                graph.fail::<()>(refusal.error);
                return finish(graph, found, serde_json::to_string(&cursor).ok());
            }
        }
    }
    // In the combined answer an edge left out is an empty one; without it,
    // each edge's first page is asked for on its own.
    let (feed_top, tagged_top, own_posts) = match root {
        Some(r) => (
            Some(r.feed.unwrap_or_default()),
            Some(r.tagged.unwrap_or_default()),
            Some(r.published_posts.unwrap_or_default()),
        ),
        None => (None, None, None),
    };
    // What the combined answer holds is read even after usage said stop;
    // only further requests wait.
    cursor.feed = facebook_window(
        &mut graph,
        &mut found,
        page_id,
        &feed,
        feed_top,
        &cursor.feed,
    )
    .await;
    graph.next_edge();
    if !graph.stop || tagged_top.is_some() {
        cursor.tagged = facebook_window(
            &mut graph,
            &mut found,
            page_id,
            &tagged,
            tagged_top,
            &cursor.tagged,
        )
        .await;
    }
    graph.next_edge();
    if !graph.stop || own_posts.is_some() {
        facebook_comments(
            &mut graph,
            &mut found,
            page_id,
            own_posts,
            &comments,
            &mut cursor,
        )
        .await;
    }
    finish(graph, found, serde_json::to_string(&cursor).ok())
}

/// The `feed` or `tagged` edge, bounded by the window's `since` and `until`.
fn window_edge(name: &'static str, window: &Window) -> Edge {
    let mut params = Vec::new();
    if let Some(s) = &window.since {
        params.push(("since", s.at.to_string()));
    }
    if let Some(u) = window.until {
        params.push(("until", u.to_string()));
    }
    params.push(("limit", PAGE_LIMIT.to_string()));
    Edge {
        name,
        params,
        fields: FB_POST_FIELDS.to_string(),
    }
}

/// Reads a newest-first edge (`feed`, `tagged`) from where it stopped.
/// `top` is its first page when the combined request brought it.
async fn facebook_window(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    page_id: &str,
    edge: &Edge,
    top: Option<List<FbPost>>,
    before: &Window,
) -> Window {
    let first_poll = before.since.is_none();
    let max_pages = if first_poll {
        FIRST_POLL_PAGES
    } else {
        LATER_POLL_PAGES
    };
    let mut url = edge.url(graph, page_id);
    let mut next_list = top;
    let (mut newest, mut oldest) = (before.newest.clone(), None::<i64>);
    let mut pages = 0;
    let complete = loop {
        if pages == max_pages {
            break false;
        }
        let list = match next_list.take() {
            Some(list) => list,
            None if graph.stop => break false,
            None => match graph.get::<List<FbPost>>(&url).await {
                Some(list) => list,
                None => break false,
            },
        };
        pages += 1;
        let mut reached_since = false;
        for post in &list.data {
            let at = post.last_activity();
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
            if post.by(page_id) {
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

/// Reads new comments on the Page's latest posts, newest first down to the
/// newest comment read last time. `own_posts` are the posts with their
/// first page of comments when the combined request brought them.
async fn facebook_comments(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    page_id: &str,
    own_posts: Option<List<FbOwnPost>>,
    edge: &Edge,
    cursor: &mut FacebookCursor,
) {
    let combined = own_posts.is_some();
    let posts = match own_posts {
        Some(p) => p,
        None => {
            let url = graph.url(
                &format!("{page_id}/published_posts"),
                &[
                    ("fields", "id".to_string()),
                    ("limit", RECENT_POSTS.to_string()),
                ],
            );
            match graph.get::<List<FbOwnPost>>(&url).await {
                Some(p) => p,
                None => return,
            }
        }
    };
    let mut seen = BTreeMap::new();
    let mut resume = BTreeMap::new();
    let mut digests = BTreeMap::new();
    for post in posts.data.into_iter().take(RECENT_POSTS) {
        let id = post.id;
        let before = Stretch::from_parts(cursor.comments.get(&id), cursor.comment_resume.get(&id));
        if graph.stop && !combined {
            before.store(&id, &mut seen, &mut resume);
            if let Some(d) = cursor.comment_digests.get(&id) {
                digests.insert(id.clone(), d.clone());
            }
            continue;
        }
        let top = combined.then(|| post.comments.unwrap_or_default());
        let url = edge.url(graph, &id);
        let walked = walk_newest_first(
            graph,
            &url,
            top,
            &before,
            COMMENT_PAGES,
            COMMENT_PAGES,
            true,
        )
        .await;
        for comment in &walked.kept {
            if !comment.by(page_id) {
                found.keep(facebook_post(comment));
            }
        }
        walked.stretch.store(&id, &mut seen, &mut resume);
        // Edits: only comparable after a clean read from the top.
        if let (Some(top), true) = (&walked.top, walked.clean) {
            let (edited, digest) =
                comment_edits(top, before.seen.as_ref(), cursor.comment_digests.get(&id));
            for comment in edited {
                if !comment.by(page_id) {
                    found.keep(facebook_post(comment));
                }
            }
            if let Some(d) = digest {
                digests.insert(id.clone(), d);
            }
        }
    }
    cursor.comments = seen;
    cursor.comment_resume = resume;
    cursor.comment_digests = digests;
}

/// A fingerprint of the comments read on a post's first page: those
/// created after `above` (unix seconds; every one when the page held them
/// all), by id and text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Digest {
    above: i64,
    hash: String,
}

/// Comments already read whose text changed, and the fingerprint to keep.
///
/// Meta gives comments no edit time, so the comments read before that are
/// still on the first page are fingerprinted. When the fingerprint over the
/// same stretch differs next time, those comments are returned again and
/// the store keeps the new text of any that changed. A deleted comment
/// changes it too, which costs one harmless re-read. When new comments push
/// older ones off a full first page, the stretch is no longer the same and
/// is only fingerprinted afresh.
fn comment_edits<'p>(
    top: &'p List<FbPost>,
    seen: Option<&Mark>,
    stored: Option<&Digest>,
) -> (Vec<&'p FbPost>, Option<Digest>) {
    let timed = || {
        top.data
            .iter()
            .filter_map(|c| c.created().map(|at| (at, c)))
    };
    let full = top.paging.as_ref().is_some_and(|p| p.next.is_some());
    let oldest = timed().map(|(at, _)| at).min();
    let above = match (full, oldest) {
        (true, Some(o)) => o,
        _ => i64::MIN,
    };
    let fresh = Digest {
        above,
        hash: fingerprint(timed().filter(|(at, _)| *at > above).map(|(_, c)| c)),
    };
    let (Some(seen), Some(stored)) = (seen, stored) else {
        return (Vec::new(), Some(fresh));
    };
    let comparable = !full || oldest.is_some_and(|o| o <= stored.above);
    if !comparable {
        return (Vec::new(), Some(fresh));
    }
    let known: Vec<&FbPost> = timed()
        .filter(|(at, c)| *at > stored.above && !seen.is_new(at, &c.id))
        .map(|(_, c)| c)
        .collect();
    if fingerprint(known.iter().copied()) == stored.hash {
        (Vec::new(), Some(fresh))
    } else {
        (known, Some(fresh))
    }
}

/// A fingerprint of the comments' ids and texts, in id order.
fn fingerprint<'c>(comments: impl Iterator<Item = &'c FbPost>) -> String {
    let mut parts: Vec<(&str, &str)> = comments
        .map(|c| (c.id.as_str(), c.message.as_deref().unwrap_or("")))
        .collect();
    parts.sort_unstable();
    api::fingerprint(parts.into_iter().flat_map(|(id, text)| [id, text]))
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

/// Where each Instagram edge stopped. Cursors stored by earlier versions
/// (`tags` without `oldest`, `comments` without counts) read as they are.
#[derive(Debug, Default, Serialize, Deserialize)]
struct InstagramCursor {
    #[serde(default)]
    tags: Stretch,
    /// Media id → the newest comment read.
    #[serde(default)]
    comments: BTreeMap<String, Mark>,
    /// Media id → its `comments_count` when every comment had been read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    comment_counts: BTreeMap<String, u64>,
    /// Media id → when (unix seconds) every comment had been read. A
    /// cursor without it reads each media in full once.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    comments_read_at: BTreeMap<String, i64>,
    /// Until when (unix seconds) edges are read one by one, after Meta
    /// refused the combined request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    separate_until: Option<i64>,
}

/// What the combined request for an account returns (edges without data are left out).
#[derive(Debug, Deserialize)]
struct IgRoot {
    tags: Option<List<IgMedia>>,
    media: Option<List<IgMedia>>,
}

async fn fetch_instagram(ctx: &FetchContext<'_>) -> Result<FetchOutcome, FetchError> {
    let ig_id = account_id(ctx, "ig_user_id", "Instagram", "Instagram account ID")?;
    let mut graph = Graph::new(ctx, "Instagram")?;
    let mut cursor: InstagramCursor = ctx.stored_cursor();
    let mut found = FoundMentions::default();

    let tags = Edge::new("tags", &[("limit", IG_PAGE_LIMIT)], IG_MEDIA_FIELDS);
    let comments = Edge::new("comments", &[("limit", IG_PAGE_LIMIT)], IG_COMMENT_FIELDS);
    let media = Edge::new(
        "media",
        &[("limit", &RECENT_POSTS.to_string())],
        &format!("{IG_OWN_MEDIA_FIELDS},{}", comments.nested()),
    );

    let now = clock::now().unix_timestamp();
    let mut root = None;
    if cursor.separate_until.is_none_or(|t| t <= now) {
        cursor.separate_until = None;
        let fields = [tags.nested(), media.nested()].join(",");
        let url = graph.url(ig_id, &[("fields", fields)]);
        match graph.fetch::<IgRoot>(&url).await {
            Ok(r) => root = Some(r),
            Err(refusal) if refusal.names_a_field() => {
                cursor.separate_until = Some(now + SEPARATE_FOR_SECS);
            }
            Err(refusal) => {
                graph.fail::<()>(refusal.error);
                return finish(graph, found, serde_json::to_string(&cursor).ok());
            }
        }
    }
    let (tags_top, own_media) = match root {
        Some(r) => (
            Some(r.tags.unwrap_or_default()),
            Some(r.media.unwrap_or_default()),
        ),
        None => (None, None),
    };
    let url = tags.url(&graph, ig_id);
    let walked = walk_newest_first(
        &mut graph,
        &url,
        tags_top,
        &cursor.tags,
        FIRST_POLL_PAGES,
        LATER_POLL_PAGES,
        false,
    )
    .await;
    for media in &walked.kept {
        found.keep(instagram_media(media));
    }
    cursor.tags = walked.stretch;
    graph.next_edge();
    if !graph.stop || own_media.is_some() {
        instagram_comments(
            &mut graph,
            &mut found,
            ig_id,
            own_media,
            &comments,
            &mut cursor,
        )
        .await;
    }
    finish(graph, found, serde_json::to_string(&cursor).ok())
}

/// Reads new comments (and replies) on the business's latest media.
///
/// Meta promises no order for comments, so all pages of a media's comments
/// would have to be read to be sure none is new. Its `comments_count` says
/// when that is needed: while it is the count seen when every comment had
/// been read, the first page (in the combined answer) is all there is to
/// look at; when it changed, the pages are read. A comment deleted and
/// another added keep the count, so the pages are also read once a day
/// ([`IG_FULL_READ_SECS`]): a new comment on a later page waits a day at
/// most.
async fn instagram_comments(
    graph: &mut Graph<'_>,
    found: &mut FoundMentions,
    ig_id: &str,
    own_media: Option<List<IgMedia>>,
    edge: &Edge,
    cursor: &mut InstagramCursor,
) {
    let combined = own_media.is_some();
    let media = match own_media {
        Some(m) => m,
        None => {
            let url = graph.url(
                &format!("{ig_id}/media"),
                &[
                    ("fields", IG_OWN_MEDIA_FIELDS.to_string()),
                    ("limit", RECENT_POSTS.to_string()),
                ],
            );
            match graph.get::<List<IgMedia>>(&url).await {
                Some(m) => m,
                None => return,
            }
        }
    };
    let own_name = media.data.iter().find_map(|m| m.username.clone());
    let now = clock::now().unix_timestamp();
    let mut after = BTreeMap::new();
    let mut counts = BTreeMap::new();
    let mut read_at = BTreeMap::new();
    for item in media.data.iter().take(RECENT_POSTS) {
        let since = cursor.comments.get(&item.id).cloned();
        let known_count = cursor.comment_counts.get(&item.id).copied();
        let known_at = cursor.comments_read_at.get(&item.id).copied();
        let unchanged = since.is_some()
            && known_count.is_some()
            && known_count == item.comments_count
            && known_at.is_some_and(|at| now - at < IG_FULL_READ_SECS);
        // Without the combined answer, an unchanged count spares the request.
        if !combined && (graph.stop || unchanged) {
            if let Some(s) = since {
                after.insert(item.id.clone(), s);
            }
            if let (Some(c), Some(at)) = (known_count, known_at) {
                counts.insert(item.id.clone(), c);
                read_at.insert(item.id.clone(), at);
            }
            continue;
        }
        let mut url = edge.url(graph, &item.id);
        let mut next_list = combined.then(|| item.comments.clone().unwrap_or_default());
        let mut newest = since.clone();
        let mut complete = false;
        for _ in 0..COMMENT_PAGES {
            let list = match next_list.take() {
                Some(list) => list,
                None => match graph.get::<List<IgComment>>(&url).await {
                    Some(list) => list,
                    None => break,
                },
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
            let more = graph
                .next_page(&url, &list.paging)
                .filter(|_| !list.data.is_empty());
            match more {
                // The count says nothing was added: the other pages hold nothing new.
                Some(_) if unchanged => {
                    complete = true;
                    break;
                }
                Some(next) if !graph.stop => url = next,
                Some(_) => break,
                None => {
                    complete = true;
                    break;
                }
            }
        }
        // Move on only when all were read (or on the first look); otherwise
        // read again, and let the store ignore what it already has.
        let next = if complete || since.is_none() {
            newest
        } else {
            since
        };
        if let Some(n) = next {
            after.insert(item.id.clone(), n);
        }
        if let (true, Some(c)) = (complete, item.comments_count) {
            counts.insert(item.id.clone(), c);
            // A full read is dated when the count changed or a day had
            // passed; while the count stands still within the day the
            // cursor stays as it was.
            let at = if unchanged { known_at } else { None };
            read_at.insert(item.id.clone(), at.unwrap_or(now));
        }
    }
    cursor.comments = after;
    cursor.comment_counts = counts;
    cursor.comments_read_at = read_at;
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

/// An edge as Hearken asks for it: nested in the combined request as
/// `name.param(value)…{fields}`, or on its own as `/{node}/name?fields=…&param=value`.
struct Edge {
    name: &'static str,
    params: Vec<(&'static str, String)>,
    fields: String,
}

impl Edge {
    fn new(name: &'static str, params: &[(&'static str, &str)], fields: &str) -> Edge {
        Edge {
            name,
            params: params.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            fields: fields.to_string(),
        }
    }

    /// The edge as a field of its parent: `comments.limit(50){id,text}`.
    fn nested(&self) -> String {
        let modifiers: String = self
            .params
            .iter()
            .map(|(k, v)| format!(".{k}({v})"))
            .collect();
        format!("{}{modifiers}{{{}}}", self.name, self.fields)
    }

    /// The edge's own address under `node`, to page on from its first page.
    fn url(&self, graph: &Graph<'_>, node: &str) -> Url {
        let mut params = vec![("fields", self.fields.clone())];
        params.extend(self.params.iter().cloned());
        graph.url(&format!("{node}/{}", self.name), &params)
    }
}

/// Where a newest-first edge without "since" stands (Instagram's `/tags`,
/// a post's comments): read down to `seen`. A poll that stops early keeps
/// Meta's `after` cursor (minutes old, so usually still valid) to carry on
/// from there, with `newest` and `oldest`, the stretch already returned;
/// once done, `seen` moves up to `newest`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct Stretch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seen: Option<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oldest: Option<Mark>,
}

/// A stretch's unfinished part, kept beside a map of `seen` marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Resume {
    after: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newest: Option<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oldest: Option<Mark>,
}

impl Stretch {
    fn from_parts(seen: Option<&Mark>, resume: Option<&Resume>) -> Stretch {
        Stretch {
            seen: seen.cloned(),
            after: resume.map(|r| r.after.clone()),
            newest: resume.and_then(|r| r.newest.clone()),
            oldest: resume.and_then(|r| r.oldest.clone()),
        }
    }

    fn store(
        self,
        id: &str,
        seen: &mut BTreeMap<String, Mark>,
        resume: &mut BTreeMap<String, Resume>,
    ) {
        if let Some(s) = self.seen {
            seen.insert(id.to_string(), s);
        }
        if let Some(after) = self.after {
            resume.insert(
                id.to_string(),
                Resume {
                    after,
                    newest: self.newest,
                    oldest: self.oldest,
                },
            );
        }
    }

    /// Returned by the poll that stopped early: at or below `newest` and at
    /// or above `oldest` (by time, then by the ids at each bound).
    fn returned(&self, at: i64, id: &str) -> bool {
        match (&self.newest, &self.oldest) {
            (Some(n), Some(o)) => {
                !n.is_new(&at, id) && (at > o.at || (at == o.at && o.ids.iter().any(|i| i == id)))
            }
            _ => false,
        }
    }
}

/// Something on a newest-first edge: its id and when it was made.
trait Timed {
    fn id(&self) -> &str;
    fn at(&self) -> Option<i64>;
}

/// What a walk down a newest-first edge found.
struct Walked<T> {
    /// New items, to return.
    kept: Vec<T>,
    stretch: Stretch,
    /// The edge's first page, when the walk started at the top and the
    /// caller asked to keep it.
    top: Option<List<T>>,
    /// Started at the top and reached `seen` or the edge's end.
    clean: bool,
}

/// Reads a newest-first edge down to `before.seen`, starting at the top
/// (`top` when the combined request brought it) or, after a poll that
/// stopped early, at its `after` cursor. If Meta refuses that cursor (it
/// expired), the walk starts at the top again and skips the stretch that
/// poll returned, so nothing comes twice.
async fn walk_newest_first<T: Timed + Clone + DeserializeOwned>(
    graph: &mut Graph<'_>,
    edge: &Url,
    top: Option<List<T>>,
    before: &Stretch,
    first_poll_pages: usize,
    max_pages: usize,
    keep_top: bool,
) -> Walked<T> {
    let first_poll = before.seen.is_none();
    let max_pages = if first_poll {
        first_poll_pages
    } else {
        max_pages
    };
    let unchanged = |kept| Walked {
        kept,
        stretch: before.clone(),
        top: None,
        clean: false,
    };
    // Stopped (usage, or an earlier error): only a page in hand is read.
    if graph.stop && (before.after.is_some() || top.is_none()) {
        return unchanged(Vec::new());
    }
    let mut resuming = false;
    let mut skip_returned = false;
    let mut url = edge.clone();
    let mut list = None;
    if let Some(after) = &before.after {
        let resume_url = with_param(edge, "after", after);
        match graph.fetch::<List<T>>(&resume_url).await {
            Ok(l) => {
                list = Some(l);
                url = resume_url;
                resuming = true;
            }
            Err(refusal) if refusal.is_bad_cursor() => skip_returned = true,
            Err(refusal) => {
                graph.fail::<()>(refusal.error);
                return unchanged(Vec::new());
            }
        }
    }
    let mut list = match list.or(top) {
        Some(l) => l,
        None => match graph.get::<List<T>>(&url).await {
            Some(l) => l,
            None => return unchanged(Vec::new()),
        },
    };
    let top_page = (keep_top && !resuming).then(|| list.clone());
    let mut kept = Vec::new();
    // The top of the edge: still the one the unfinished poll started from
    // when resuming, else the newest item read now (or before, on a refused cursor).
    let mut newest = if resuming || skip_returned {
        before.newest.clone()
    } else {
        None
    };
    // The lowest point passed: what the stretch returned so far reaches down to.
    let mut oldest = if resuming {
        before.oldest.clone()
    } else {
        None
    };
    let mut pages = 1;
    let complete = loop {
        let mut reached = false;
        for item in &list.data {
            let id = item.id();
            if let Some(at) = item.at() {
                if let Some(seen) = &before.seen {
                    // Older than the mark, or the marked item itself.
                    if at < seen.at || !seen.is_new(&at, id) {
                        reached = true;
                    }
                    if !seen.is_new(&at, id) {
                        continue;
                    }
                }
                if !resuming {
                    Mark::advance(&mut newest, &at, id);
                }
                lower(&mut oldest, at, id);
                if (resuming || skip_returned) && before.returned(at, id) {
                    continue;
                }
            }
            kept.push(item.clone());
        }
        if reached || list.data.is_empty() {
            break true;
        }
        let Some(next) = graph.next_page(&url, &list.paging) else {
            break true;
        };
        if pages == max_pages || graph.stop {
            break false;
        }
        match graph.get::<List<T>>(&next).await {
            Some(l) => {
                url = next;
                list = l;
                pages += 1;
            }
            None => break false,
        }
    };
    // Read again from the top after a refused cursor and stopped early: if
    // the walk got into the stretch returned before, what was returned now
    // and then joins up. (If it stopped above it, that older stretch will be
    // returned a second time, which the store ignores.)
    if let (true, Some(o), Some(n), Some(returned_low)) =
        (skip_returned, &oldest, &before.newest, &before.oldest)
    {
        if o.at <= n.at && returned_low.at < o.at {
            oldest = Some(returned_low.clone());
        }
    }
    // Where to carry on: after the last page read.
    let resume_after = (!complete)
        .then(|| list.paging.as_ref().and_then(|p| p.cursors.as_ref()))
        .flatten()
        .and_then(|c| c.after.clone());
    let stretch = if complete || first_poll || resume_after.is_none() {
        Stretch {
            seen: Mark::later(newest, before.seen.clone()),
            ..Stretch::default()
        }
    } else {
        Stretch {
            seen: before.seen.clone(),
            after: resume_after,
            newest,
            oldest,
        }
    };
    Walked {
        kept,
        stretch,
        clean: complete && !resuming && !skip_returned,
        top: top_page,
    }
}

/// Moves `mark` down to include an item at `at` (the lowest point passed).
fn lower(mark: &mut Option<Mark>, at: i64, id: &str) {
    match mark {
        Some(m) if at == m.at => {
            if !m.ids.iter().any(|i| i == id) {
                m.ids.push(id.to_string());
            }
        }
        Some(m) if at > m.at => {}
        _ => {
            *mark = Some(Mark {
                at,
                ids: vec![id.to_string()],
            })
        }
    }
}

/// `url` with `name` set to `value` (replacing any earlier value).
fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = url.clone();
    out.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, value);
    out
}

/// A request Meta refused, with its error code when it gave one.
struct Refusal {
    error: FetchError,
    code: Option<i64>,
}

impl Refusal {
    /// Meta refused a field or an edge of the request (a missing
    /// permission, a field this kind of account lacks): asked one by one,
    /// the other edges may still work.
    fn names_a_field(&self) -> bool {
        matches!(self.error, FetchError::Platform { .. })
            && matches!(self.code, Some(10 | 12 | 100 | 200..=299))
    }

    /// A stored paging cursor was refused: Meta's cursors expire. Throttling,
    /// a rejected token and server trouble are not about the cursor.
    fn is_bad_cursor(&self) -> bool {
        matches!(self.error, FetchError::Platform { .. })
    }
}

/// The Graph API as one poll uses it: addresses, the token, and what went
/// wrong or told us to slow down.
struct Graph<'a> {
    ctx: &'a FetchContext<'a>,
    /// "Facebook" or "Instagram", for what the owner reads.
    name: &'static str,
    /// `https://graph.facebook.com/v21.0/` (or the source's own address).
    root: Url,
    token: String,
    wait_secs: Option<u64>,
    error: Option<FetchError>,
    stop: bool,
    /// The poll stopped because Meta refused a field or edge (see
    /// [`Refusal::names_a_field`]), not for usage or a failure that
    /// stops every edge: the next edge may still be read.
    field_refused: bool,
    /// The last edge Meta refused that way, and what it holds in words.
    refused: Option<(FetchError, &'static str)>,
    /// Meta answered at least one request of this poll.
    answered: bool,
}

impl<'a> Graph<'a> {
    fn new(ctx: &'a FetchContext<'a>, name: &'static str) -> Result<Self, FetchError> {
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
            name,
            root,
            token,
            wait_secs: None,
            error: None,
            stop: false,
            field_refused: false,
            refused: None,
            answered: false,
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

    /// GETs and parses one answer, or says why Meta refused it. Usage near
    /// Meta's limit stops the poll (after this answer, which is kept).
    async fn fetch<T: DeserializeOwned>(&mut self, url: &Url) -> Result<T, Refusal> {
        let host = host_of(url);
        let headers = [("authorization", format!("Bearer {}", self.token))];
        let fetched = self
            .ctx
            .http
            .get(url, &headers)
            .await
            .map_err(|error| Refusal { error, code: None })?;
        if let Some(wait) = usage_wait(&fetched) {
            self.wait_secs = self.wait_secs.max(Some(wait));
            self.stop = true;
        }
        if !(200..300).contains(&fetched.status) {
            return Err(Refusal {
                code: error_code(&fetched, &host),
                error: graph_error(&fetched, &host),
            });
        }
        let value = api::parse_json::<T>(&fetched.body, &host)
            .map_err(|error| Refusal { error, code: None })?;
        self.answered = true;
        Ok(value)
    }

    /// GETs and parses one answer; on failure records the error, stops the
    /// poll (an edge refused: only this edge) and returns None.
    async fn get<T: DeserializeOwned>(&mut self, url: &Url) -> Option<T> {
        match self.fetch(url).await {
            Ok(v) => Some(v),
            Err(refusal) if refusal.names_a_field() => {
                self.refused = Some((refusal.error, edge_words(url)));
                self.stop = true;
                self.field_refused = true;
                None
            }
            Err(refusal) => self.fail(refusal.error),
        }
    }

    /// Before the next edge: an edge Meta refused (a missing permission)
    /// stopped only itself, so the poll goes on with the others; usage
    /// limits (`wait_secs`, set only by Meta's usage headers) and other
    /// failures still stop it. The refusal is kept for the owner to see
    /// (see [`finish`]).
    fn next_edge(&mut self) {
        if self.field_refused && self.wait_secs.is_none() {
            self.stop = false;
        }
        self.field_refused = false;
    }

    fn fail<T>(&mut self, e: FetchError) -> Option<T> {
        self.error = Some(e);
        self.stop = true;
        self.field_refused = false;
        None
    }

    /// The next page, or None on the last. Meta sends `paging.next` with
    /// the token in it: Hearken rebuilds the address from the cursor when it
    /// can, and otherwise only follows links back to the same server.
    fn next_page(&self, current: &Url, paging: &Option<Paging>) -> Option<Url> {
        let paging = paging.as_ref()?;
        let next = paging.next.as_deref()?;
        if let Some(after) = paging.cursors.as_ref().and_then(|c| c.after.as_deref()) {
            return Some(with_param(current, "after", after));
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

/// What an edge's requests read, in words, from the address's last part.
fn edge_words(url: &Url) -> &'static str {
    match url.path_segments().and_then(|mut s| s.next_back()) {
        Some("feed") => "the Page's feed",
        Some("tagged") => "posts the Page is tagged in",
        Some("published_posts") => "the Page's own posts, for their comments",
        Some("comments") => "comments",
        Some("tags") => "posts the account is tagged in",
        Some("media") => "the account's own posts, for their comments",
        _ => "part of the account",
    }
}

/// The poll's outcome. An edge Meta refused for a missing permission is a
/// problem the owner should see, but the other edges were read: the check
/// counts as done (the cursor moves on, no back-off) with the refusal as
/// its `partial` note. Only when Meta answered nothing at all is it the
/// poll's error.
fn finish(
    graph: Graph<'_>,
    found: FoundMentions,
    cursor: Option<String>,
) -> Result<FetchOutcome, FetchError> {
    let mut wait_secs = graph.wait_secs;
    let partial = match graph.refused {
        Some((err, _)) if !graph.answered && graph.error.is_none() => return Err(err),
        Some((err, what)) => Some(format!(
            "{} wouldn't let Hearken read {what}; the rest was checked. {err} The token may lack a permission listed under “What this source needs”.",
            graph.name
        )),
        None => None,
    };
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
        rest: None,
        partial,
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

/// The `code` of Meta's error body, if it sent one.
fn error_code(fetched: &Fetched, host: &str) -> Option<i64> {
    api::parse_json::<ErrorBody>(&fetched.body, host)
        .ok()
        .and_then(|b| b.error)
        .and_then(|e| e.code)
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

#[derive(Debug, Clone, Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
    paging: Option<Paging>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            data: Vec::new(),
            paging: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Paging {
    cursors: Option<Cursors>,
    next: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Cursors {
    after: Option<String>,
}

/// A Facebook post or comment (comments carry the same fields, less `updated_time`).
#[derive(Debug, Clone, Deserialize)]
struct FbPost {
    id: String,
    message: Option<String>,
    story: Option<String>,
    created_time: Option<String>,
    updated_time: Option<String>,
    from: Option<FbFrom>,
    permalink_url: Option<String>,
}

impl FbPost {
    fn created(&self) -> Option<i64> {
        self.created_time.as_deref().and_then(unix_of)
    }

    /// The later of when it was made and when it was last changed.
    fn last_activity(&self) -> Option<i64> {
        let updated = self.updated_time.as_deref().and_then(unix_of);
        match (self.created(), updated) {
            (Some(c), Some(u)) => Some(c.max(u)),
            (c, u) => c.or(u),
        }
    }

    /// Written by the Page itself.
    fn by(&self, page_id: &str) -> bool {
        self.from
            .as_ref()
            .is_some_and(|f| f.id.as_deref() == Some(page_id))
    }
}

impl Timed for FbPost {
    fn id(&self) -> &str {
        &self.id
    }

    fn at(&self) -> Option<i64> {
        self.created()
    }
}

#[derive(Debug, Clone, Deserialize)]
struct FbFrom {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct IgMedia {
    id: String,
    caption: Option<String>,
    permalink: Option<String>,
    timestamp: Option<String>,
    username: Option<String>,
    comments_count: Option<u64>,
    /// The first page of comments, in the combined answer.
    comments: Option<List<IgComment>>,
}

impl Timed for IgMedia {
    fn id(&self) -> &str {
        &self.id
    }

    fn at(&self) -> Option<i64> {
        self.timestamp.as_deref().and_then(unix_of)
    }
}

#[derive(Debug, Clone, Deserialize)]
struct IgComment {
    id: String,
    text: Option<String>,
    timestamp: Option<String>,
    username: Option<String>,
    from: Option<IgFrom>,
    replies: Option<List<IgComment>>,
}

#[derive(Debug, Clone, Deserialize)]
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
