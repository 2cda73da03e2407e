//! A poll cycle when nothing has changed: one source of every platform,
//! each fetched through its real connector against one fake server on
//! 127.0.0.1 that speaks every platform's wire format.
//!
//! The first poll of each source finds a couple of items and leaves a state
//! (ETag, Last-Modified or cursor) in the row, as the poller stores it. Then
//! come N cycles in which nothing changed: every source is fetched once
//! with its stored state, and the server gives the platform's answer for
//! that state (304 to a matching `If-None-Match`, an empty page after a
//! `since_id` / `min_id` / `since`, or the same newest page again where the
//! platform has no "since" and the connector stops at its own watermark).
//!
//! Measured: requests per source per cycle (from the server's own tally),
//! which of them were conditional, the median wall time of a cycle, and
//! CPU time per cycle, both of the thread that runs the connectors and of
//! the whole process (which includes the fake server's threads). A second
//! pass fetches each source alone to show what each connector costs.
//!
//! Run: `cargo bench --bench poll_cycle` (release). Results are printed and
//! written to bench-results/poll_cycle.txt.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::future::join_all;
use serde_json::{json, Value};

use hearken_lib::model::Platform;
use hearken_lib::sources::api::{Meter, Sessions};
use hearken_lib::sources::http::{FetchError, HttpClient, HttpConfig};
use hearken_lib::sources::{connector_for, Connector, FetchContext, FetchOutcome};
use hearken_lib::store::sources::{PollState, SourceRow};
use support::{FakeServer, Reply, SeenRequest};

/// "Nothing changed" cycles measured after the first poll.
const CYCLES: usize = 200;
/// Fetches of each source on its own, for the per-connector columns.
const ALONE: usize = 100;
/// The watch terms every source is given (the poller passes all enabled
/// watches' terms to every source).
const TERMS: [&str; 1] = ["Pedal & Pine"];

const PAGE: &str = "104857361234567";
const IG: &str = "17841400455970028";
const CHANNEL: &str = "UCpedalpine0000000000000";
const UNIT: &str = "46d6a890000064000500e0c3";

// ------------------------------------------------------------ the sources

/// One source as the bench polls it: the row the poller would pass, its
/// secrets (given directly, no keyring) and what to say about its requests.
struct Source {
    row: SourceRow,
    /// First segment of every path this source asks for on the fake server.
    prefix: &'static str,
    secret: Option<String>,
    extra_secrets: BTreeMap<String, String>,
    connector: Box<dyn Connector>,
    /// Why a "nothing changed" poll makes the requests it makes.
    why: &'static str,
}

/// One source to set up: platform, path prefix, settings, secret, why.
type Spec<'a> = (
    Platform,
    &'a str,
    &'a [(&'a str, &'a str)],
    Option<&'a str>,
    &'a str,
);

/// Settings for one endpoint per platform where the connector allows it.
fn sources(server: &FakeServer) -> (Vec<Source>, Vec<String>) {
    let specs: [Spec<'_>; 13] = [
        (Platform::Rss, "rss", &[], None, "one conditional GET of the feed"),
        (
            Platform::GoogleAlerts,
            "alerts",
            &[],
            None,
            "one conditional GET of the alert feed (the secret is its address)",
        ),
        (
            Platform::X,
            "x",
            &[("monthly_cap_usd", "5")],
            Some("AAAA-bench-bearer"),
            "one recent search (no user_id, so no mentions timeline)",
        ),
        (
            Platform::Facebook,
            "facebook",
            &[("page_id", PAGE)],
            Some("EAAB-bench-page-token"),
            "one combined Graph request: feed and tagged since the last post, the Page's 10 latest posts with their newest comments; an edge is paged on its own only when it has more new items than one page",
        ),
        (
            Platform::Instagram,
            "instagram",
            &[("ig_user_id", IG)],
            Some("EAAB-bench-ig-token"),
            "one combined Graph request: the newest tags, the 10 latest media with their comment counts and first comments; tags are paged only down to the last one read, comments only when a count changed (and once a day anyway)",
        ),
        (
            Platform::Youtube,
            "youtube",
            &[("channel_id", CHANNEL), ("search", "off")],
            Some("AIzaSy-bench-key"),
            "one commentThreads page (search off; with search on it adds one search an hour)",
        ),
        (
            Platform::Reddit,
            "reddit",
            &[("client_id", "p-jcoLKBynTLew"), ("username", "pedal_owner")],
            Some("app-secret-xyz"),
            "one /search per watch term; the app token is requested on the first poll only",
        ),
        (
            Platform::Mastodon,
            "mastodon",
            &[("hashtags", "PedalAndPine")],
            None,
            "one hashtag timeline (no token: no mentions, no search)",
        ),
        (
            Platform::Bluesky,
            "bluesky",
            &[("handle", "pedalandpine.bsky.social")],
            Some("abcd-efgh-ijkl-mnop"),
            "one feed a check, in turn: notifications every other check, one watch term's searchPosts in between (no OR in its query); the session is created on the first poll only",
        ),
        (
            Platform::HackerNews,
            "hn",
            &[],
            None,
            "one search_by_date per watch term",
        ),
        (
            Platform::GoogleReviews,
            "google",
            &[
                ("account_id", "123"),
                ("location_id", "456"),
                ("client_id", "1234-abc.apps.googleusercontent.com"),
            ],
            Some("1//0bench-refresh-token"),
            "one reviews page; the access token is requested on the first poll only",
        ),
        (
            Platform::Trustpilot,
            "trustpilot",
            &[("business_unit_id", UNIT)],
            Some("tp-bench-key"),
            "one reviews page (unit id given, so no /find lookup)",
        ),
        (
            Platform::Yelp,
            "yelp",
            &[("business_id", "pedal-and-pine-ashby")],
            Some("yelp-bench-key"),
            "one reviews request",
        ),
    ];
    let mut left_out = Vec::new();
    let sources = specs
        .into_iter()
        .enumerate()
        .filter_map(|(i, (platform, prefix, settings, secret, why))| {
            let Some(connector) = connector_for(platform) else {
                left_out.push(format!(
                    "{}: no connector in this build",
                    platform.display_name()
                ));
                return None;
            };
            let mut row = SourceRow {
                // Distinct ids: sessions are kept per source id.
                id: i as i64 + 1,
                platform,
                label: format!("{} bench", platform.display_name()),
                base_url: Some(server.url(&format!("/{prefix}"))),
                settings: settings
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                secret_ref: secret.map(|_| format!("source-{}", i + 1)),
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
            };
            let mut secret = secret.map(str::to_string);
            match platform {
                Platform::Rss => row.base_url = Some(server.url("/rss/feed.xml")),
                Platform::GoogleAlerts => {
                    row.base_url = None;
                    secret = Some(server.url("/alerts/alerts/feeds/0123456789/987654321"));
                }
                _ => {}
            }
            let mut extra_secrets = BTreeMap::new();
            if platform == Platform::GoogleReviews {
                extra_secrets.insert("client_secret".into(), "GOCSPX-bench-secret".into());
            }
            Some(Source {
                row,
                prefix,
                secret,
                extra_secrets,
                connector,
                why,
            })
        })
        .collect();
    (sources, left_out)
}

/// One fetch through the source's connector, as the poller makes it.
async fn fetch(
    src: &Source,
    http: &HttpClient,
    sessions: &Sessions,
    terms: &[String],
) -> Result<FetchOutcome, FetchError> {
    let meter = Meter::unlimited();
    let ctx = FetchContext {
        source: &src.row,
        secret: src.secret.clone(),
        extra_secrets: src.extra_secrets.clone(),
        http,
        terms,
        sessions,
        meter: &meter,
    };
    src.connector.fetch(&ctx).await
}

// -------------------------------------------------------- the fake server

/// Counts requests per source prefix per cycle (the bench sets the cycle).
#[derive(Clone, Default)]
struct Tally {
    cycle: Arc<AtomicUsize>,
    counts: Arc<Mutex<BTreeMap<(usize, String), u32>>>,
}

/// The server's answer to every platform, chosen by the path's first segment.
fn answer(req: &SeenRequest) -> Reply {
    let route = req.route();
    let (prefix, rest) = route
        .trim_start_matches('/')
        .split_once('/')
        .map(|(p, r)| (p, format!("/{r}")))
        .unwrap_or(("", String::new()));
    match prefix {
        "rss" => feed(req, "application/rss+xml", &rss_body(), Validator::ETag),
        "alerts" => feed(
            req,
            "application/atom+xml",
            &alerts_body(),
            Validator::LastModified,
        ),
        "x" => x(req),
        "facebook" => facebook(req),
        "instagram" => instagram(req),
        "youtube" => youtube(&rest),
        "reddit" => reddit(&rest),
        "mastodon" => mastodon(req, &rest),
        "bluesky" => bluesky(&rest),
        "hn" => hacker_news(req),
        "google" => google_reviews(&rest),
        "trustpilot" => trustpilot(&rest),
        "yelp" => yelp(&rest),
        // Not a platform: the smallest answer, for the cost of a bare request.
        "baseline" => Reply::json(200, &json!({})),
        _ => Reply::status(404, "text/plain", "no such platform"),
    }
}

#[derive(Clone, Copy)]
enum Validator {
    ETag,
    LastModified,
}

const ETAG: &str = "\"feed-v1\"";
const LAST_MODIFIED: &str = "Thu, 05 Nov 2026 09:00:00 GMT";

/// A feed with a validator; 304 when the request carries it back.
fn feed(req: &SeenRequest, content_type: &str, body: &str, v: Validator) -> Reply {
    let unchanged = match v {
        Validator::ETag => req.header("if-none-match") == Some(ETAG),
        Validator::LastModified => req.header("if-modified-since") == Some(LAST_MODIFIED),
    };
    if unchanged {
        return Reply::Full {
            status: 304,
            headers: Vec::new(),
            body: Vec::new(),
        };
    }
    let reply = Reply::ok(content_type, body.to_string());
    match v {
        Validator::ETag => reply.with_header("ETag", ETAG),
        Validator::LastModified => reply.with_header("Last-Modified", LAST_MODIFIED),
    }
}

fn rss_body() -> String {
    r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Ashby Cycling News</title><link>https://news.example/</link>
<description>Local cycling news</description><language>en-gb</language>
<item><title>Pedal &amp; Pine opens a second workshop</title><link>https://news.example/2026/11/pedal-pine</link>
<guid isPermaLink="false">news-4411</guid><pubDate>Thu, 05 Nov 2026 08:30:00 GMT</pubDate>
<description>&lt;p&gt;The bike shop on Market Street now has room for &lt;b&gt;twice&lt;/b&gt; the repairs.&lt;/p&gt;</description></item>
<item><title>Saturday group ride leaves from Pedal &amp; Pine</title><link>https://news.example/2026/11/ride</link>
<guid isPermaLink="false">news-4407</guid><pubDate>Wed, 04 Nov 2026 17:00:00 GMT</pubDate>
<description>Meet at 9am, 40 km, all paces welcome.</description></item>
</channel></rss>"#
        .to_string()
}

fn alerts_body() -> String {
    r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
<id>tag:google.com,2005:reader/user/00000000000000000000/state/com.google/alert/1234567890</id>
<title>Google Alert - &quot;Pedal &amp; Pine&quot;</title><updated>2026-11-05T09:00:00Z</updated>
<entry><id>tag:google.com,2013:googlealerts/feed:10551923047283745112</id>
<title type="html">&lt;b&gt;Pedal &amp;amp; Pine&lt;/b&gt; named Ashby&amp;#39;s best bike shop</title>
<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://ashby.example/best-of-2026&amp;ct=ga&amp;cd=x&amp;usg=y"/>
<published>2026-11-05T08:00:00Z</published><updated>2026-11-05T08:00:00Z</updated>
<content type="html">Readers voted &lt;b&gt;Pedal &amp;amp; Pine&lt;/b&gt; the friendliest workshop in town.</content></entry>
<entry><id>tag:google.com,2013:googlealerts/feed:10551923047283745113</id>
<title type="html">Review: a week with a gravel bike from &lt;b&gt;Pedal &amp;amp; Pine&lt;/b&gt;</title>
<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example/gravel&amp;ct=ga&amp;cd=x&amp;usg=y"/>
<published>2026-11-04T12:00:00Z</published><updated>2026-11-04T12:00:00Z</updated>
<content type="html">Two punctures, one happy rider.</content></entry>
</feed>"#
        .to_string()
}

/// X recent search: posts newer than `since_id` (exclusive), newest first.
fn x(req: &SeenRequest) -> Reply {
    let tweets = [
        (
            "1846987139428634858",
            "Loved @pedalpine &amp; their team &lt;3",
            "11",
        ),
        (
            "1846987139428634850",
            "Is Pedal &amp; Pine open on Sunday?",
            "12",
        ),
    ];
    let since = req.query("since_id");
    let newer = |id: &str| {
        since
            .as_deref()
            .is_none_or(|s| (id.len(), id) > (s.len(), s))
    };
    let data: Vec<Value> = tweets
        .iter()
        .filter(|(id, _, _)| newer(id))
        .map(|(id, text, author)| {
            json!({"id": id, "text": text, "author_id": author, "created_at": "2026-11-05T10:00:12.000Z",
                   "lang": "en", "edit_history_tweet_ids": [id]})
        })
        .collect();
    if data.is_empty() {
        // X leaves out `data` (and the id bounds) when nothing matched.
        return Reply::json(200, &json!({"meta": {"result_count": 0}}));
    }
    Reply::json(
        200,
        &json!({
            "data": data,
            "includes": {"users": [
                {"id": "11", "username": "jo_rides", "name": "Jo Bloggs"},
                {"id": "12", "username": "sam", "name": "Sam"}]},
            "meta": {"newest_id": data[0]["id"], "oldest_id": data[data.len() - 1]["id"],
                     "result_count": data.len()}
        }),
    )
    .with_header("x-rate-limit-remaining", "449")
    .with_header("x-rate-limit-reset", "1893456000")
}

/// Meta's Graph API, as tests/support/graph.rs serves it: one GET of the
/// Page or account with every edge nested (field expansion), `since` /
/// `until` inclusive on the items' times, edges on their own for paging.
fn graph_api(req: &SeenRequest, prefix: &str, data: &support::graph::Data<'_>) -> Reply {
    let base = format!(
        "http://{}/{prefix}",
        req.header("host").unwrap_or("127.0.0.1")
    );
    let fake = support::graph::Fake {
        base: &base,
        token: "EAAB-bench-token",
        max_page: 100,
        data,
    };
    support::graph::answer(req, &fake).with_header(
        "x-app-usage",
        r#"{"call_count":3,"total_cputime":1,"total_time":1}"#,
    )
}

fn fb_post(id: &str, message: &str, created: &str, from: (&str, &str)) -> Value {
    json!({"id": id, "message": message, "created_time": created, "updated_time": created,
           "permalink_url": format!("https://www.facebook.com/{PAGE}/posts/{id}"),
           "from": {"id": from.0, "name": from.1}})
}

/// A Page with a visitor post (and one of its own) on its feed, a post
/// that tags it, and comments on its own latest post.
fn facebook(req: &SeenRequest) -> Reply {
    let data = |node: &str, edge: &str, params: &BTreeMap<String, String>| {
        let post_899 = format!("{PAGE}_899");
        match (node, edge) {
            (n, "feed") if n == PAGE => Some(vec![
                fb_post(
                    &format!("{PAGE}_900"),
                    "Great service at Pedal & Pine 🚲",
                    "2026-11-05T16:20:00+0000",
                    ("5550001", "Jo Bloggs"),
                ),
                fb_post(
                    &post_899,
                    "Open till 6 today",
                    "2026-11-05T16:00:00+0000",
                    (PAGE, "Pedal & Pine"),
                ),
            ]),
            (n, "tagged") if n == PAGE => Some(vec![fb_post(
                "5550002_77",
                "Thanks Pedal & Pine for the quick fix",
                "2026-11-04T10:00:00+0000",
                ("5550002", "Ashby Cycling Club"),
            )]),
            (n, "published_posts") if n == PAGE => Some(vec![json!({"id": post_899})]),
            (n, "comments") if n == post_899 => {
                let mut comments = vec![
                    fb_post(
                        &format!("{PAGE}_899_3001"),
                        "Do you fix e-bikes?",
                        "2026-11-05T16:05:00+0000",
                        ("5550003", "Sam"),
                    ),
                    fb_post(
                        &format!("{PAGE}_899_3002"),
                        "We do, Sam!",
                        "2026-11-05T16:06:00+0000",
                        (PAGE, "Pedal & Pine"),
                    ),
                ];
                for c in &mut comments {
                    // Comments have no updated_time.
                    c.as_object_mut().unwrap().remove("updated_time");
                }
                if params.get("order").map(String::as_str) == Some("reverse_chronological") {
                    comments.reverse();
                }
                Some(comments)
            }
            _ => None,
        }
    };
    graph_api(req, "facebook", &data)
}

fn ig_media(id: &str, caption: &str, ts: &str, user: &str) -> Value {
    json!({"id": id, "caption": caption, "media_type": "IMAGE", "timestamp": ts, "username": user,
           "permalink": format!("https://www.instagram.com/p/{id}/")})
}

/// An account tagged in two posts, with a comment (and its own reply) on
/// its latest media. Instagram's edges have no "since": the same newest
/// page comes back.
fn instagram(req: &SeenRequest) -> Reply {
    let data = |node: &str, edge: &str, _: &BTreeMap<String, String>| match (node, edge) {
        (n, "tags") if n == IG => Some(vec![
            ig_media(
                "17900000000000003",
                "New wheels from @pedalpine 😍",
                "2026-11-05T12:00:00+0000",
                "jo_rides",
            ),
            ig_media(
                "17900000000000002",
                "Ride day with Pedal & Pine",
                "2026-11-04T12:00:00+0000",
                "sam.cycles",
            ),
        ]),
        (n, "media") if n == IG => {
            let mut m = ig_media(
                "17800000000000001",
                "Our autumn sale",
                "2026-11-01T09:00:00+0000",
                "pedalpine",
            );
            m["comments_count"] = json!(2);
            Some(vec![m])
        }
        ("17800000000000001", "comments") => Some(vec![
            json!({"id": "18000000000000001", "text": "Is this on all bikes? 🚲", "timestamp": "2026-11-02T08:00:00+0000",
                   "username": "jo_rides", "from": {"id": "17841400000000077", "username": "jo_rides"},
                   "replies": {"data": [
                      {"id": "18000000000000002", "text": "@jo_rides yes!", "timestamp": "2026-11-02T08:05:00+0000",
                       "username": "pedalpine", "from": {"id": IG, "username": "pedalpine"}}]}}),
        ]),
        _ => None,
    };
    graph_api(req, "instagram", &data)
}

fn yt_thread(id: &str, text: &str, published: &str) -> Value {
    let snippet = json!({"channelId": CHANNEL, "videoId": "vid12345678", "textDisplay": text,
        "textOriginal": text, "authorDisplayName": "@sam_rides",
        "authorChannelUrl": "http://www.youtube.com/@sam_rides",
        "authorChannelId": {"value": "UCsam000000000000000000"}, "likeCount": 2,
        "publishedAt": published, "updatedAt": published});
    json!({"kind": "youtube#commentThread", "etag": "e", "id": id,
           "snippet": {"channelId": CHANNEL, "videoId": "vid12345678",
                       "topLevelComment": {"kind": "youtube#comment", "etag": "e", "id": id, "snippet": snippet},
                       "canReply": true, "totalReplyCount": 0, "isPublic": true}})
}

/// commentThreads has no "since": the same newest page comes back.
fn youtube(rest: &str) -> Reply {
    if rest != "/commentThreads" {
        return Reply::json(
            404,
            &json!({"error": {"code": 404, "message": "Not Found"}}),
        );
    }
    Reply::json(
        200,
        &json!({
            "kind": "youtube#commentThreadListResponse", "etag": "etag-list",
            "pageInfo": {"totalResults": 2, "resultsPerPage": 100},
            "items": [
                yt_thread("UgzA1", "Bought my bike at Pedal & Pine, best decision", "2026-11-05T10:00:00Z"),
                yt_thread("UgzA0", "Great video!", "2026-11-04T10:00:00Z"),
            ]
        }),
    )
}

fn reddit_post(id: &str, created: f64, title: &str) -> Value {
    json!({"kind": "t3", "data": {
        "id": id, "name": format!("t3_{id}"), "title": title, "selftext": "",
        "author": "cyclist_jo", "author_fullname": "t2_abc12", "created_utc": created, "created": created,
        "permalink": format!("/r/ashby/comments/{id}/a_title/"), "subreddit": "ashby",
        "subreddit_name_prefixed": "r/ashby", "edited": false, "over_18": false}})
}

/// Reddit listings have no usable "since": the same newest page comes back.
fn reddit(rest: &str) -> Reply {
    match rest {
        "/api/v1/access_token" => Reply::json(
            200,
            &json!({"access_token": "tok-1", "token_type": "bearer",
            "expires_in": 86400, "scope": "*"}),
        ),
        "/search" => Reply::json(
            200,
            &json!({"kind": "Listing", "data": {
            "after": null, "before": null, "dist": 2, "modhash": "", "geo_filter": "",
            "children": [
                reddit_post("1abc02", 1_793_865_600.0, "Pedal & Pine fixed my wheel in an hour"),
                reddit_post("1abc01", 1_793_779_200.0, "Anyone tried Pedal & Pine for a bike fit?"),
            ]}}),
        )
        .with_header("x-ratelimit-remaining", "596.0")
        .with_header("x-ratelimit-reset", "300"),
        _ => Reply::json(404, &json!({"message": "Not Found", "error": 404})),
    }
}

fn toot(id: u64, html: &str) -> Value {
    json!({"id": id.to_string(), "uri": format!("https://remote.example/users/jo/statuses/{id}"),
        "url": format!("https://remote.example/@jo/{id}"), "created_at": "2026-11-05T10:00:00.000Z",
        "edited_at": null, "content": html, "spoiler_text": "", "sensitive": false,
        "visibility": "public", "language": "en", "reblog": null, "mentions": [], "tags": [],
        "account": {"id": "109", "username": "jo", "acct": "jo@remote.example",
                    "display_name": "Jo 🚲", "url": "https://remote.example/@jo"}})
}

/// A hashtag timeline: after `min_id` only what is newer (nothing here).
fn mastodon(req: &SeenRequest, rest: &str) -> Reply {
    if !rest.starts_with("/api/v1/timelines/tag/") {
        return Reply::json(404, &json!({"error": "Record not found"}));
    }
    let min: u64 = req
        .query("min_id")
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let items: Vec<Value> = [
        toot(113_000_000_000_000_102, "<p>New chain from <a href=\"https://x\" class=\"mention hashtag\">#<span>PedalAndPine</span></a> &amp; off we go</p>"),
        toot(113_000_000_000_000_101, "<p>Coffee stop after <a href=\"https://x\">#<span>PedalAndPine</span></a></p>"),
    ]
    .into_iter()
    .filter(|t| t["id"].as_str().unwrap().parse::<u64>().unwrap() > min)
    .collect();
    Reply::json(200, &Value::Array(items))
        .with_header("x-ratelimit-remaining", "299")
        .with_header("x-ratelimit-reset", "2026-11-05T10:05:00.000000Z")
}

fn bsky_post(rkey: &str, at: &str, text: &str) -> Value {
    json!({"uri": format!("at://did:plc:jo456/app.bsky.feed.post/{rkey}"), "cid": "bafyreib2rxk3rh6kzwq",
        "author": {"did": "did:plc:jo456", "handle": "jo.bsky.social", "displayName": "Jo 🚲", "labels": []},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": ["en"]},
        "replyCount": 0, "repostCount": 0, "likeCount": 1, "quoteCount": 0, "indexedAt": at, "labels": []})
}

/// Bluesky pages newest first with no "since": the same first page comes back.
fn bluesky(rest: &str) -> Reply {
    match rest {
        "/xrpc/com.atproto.server.createSession" => Reply::json(
            200,
            &json!({
            "accessJwt": "acc-1", "refreshJwt": "ref-1", "handle": "pedalandpine.bsky.social",
            "did": "did:plc:shop123", "active": true}),
        ),
        "/xrpc/app.bsky.feed.searchPosts" => Reply::json(
            200,
            &json!({"posts": [
                bsky_post("3kb2", "2026-11-05T10:00:00.123Z", "Pedal & Pine sorted my brakes 🚲"),
                bsky_post("3kb1", "2026-11-04T10:00:00.123Z", "Heading to Pedal & Pine for a tune-up"),
            ]}),
        ),
        "/xrpc/app.bsky.notification.listNotifications" => {
            let p = bsky_post(
                "3kn1",
                "2026-11-05T09:00:00.123Z",
                "@pedalandpine.bsky.social do you stock tubeless tyres?",
            );
            Reply::json(
                200,
                &json!({"notifications": [
                    {"uri": p["uri"], "cid": p["cid"], "author": p["author"], "reason": "mention",
                     "record": p["record"], "isRead": false, "indexedAt": p["indexedAt"], "labels": []}
                ]}),
            )
        }
        _ => Reply::json(
            400,
            &json!({"error": "MethodNotImplemented", "message": "Method Not Implemented"}),
        ),
    }
}

/// Algolia's search_by_date, filtered by `created_at_i>=` like the real one.
fn hacker_news(req: &SeenRequest) -> Reply {
    let from: i64 = req
        .query("numericFilters")
        .and_then(|f| {
            f.strip_prefix("created_at_i>=")
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0);
    let hits: Vec<Value> = [(41_000_002u64, 1_793_865_600i64), (41_000_001, 1_793_779_200)]
        .into_iter()
        .filter(|(_, at)| *at >= from)
        .map(|(id, at)| {
            json!({"objectID": id.to_string(), "comment_text": "<p>Pedal &amp; Pine in Ashby did a great job on my fork</p>",
                   "author": format!("user{id}"), "created_at": "2026-11-05T00:00:00.000Z", "created_at_i": at,
                   "story_id": 41_000_000, "story_title": "Ask HN: Favourite local bike shops?", "parent_id": 41_000_000,
                   "points": null, "_tags": ["comment", format!("author_user{id}"), "story_41000000"]})
        })
        .collect();
    let n = hits.len();
    Reply::json(
        200,
        &json!({"hits": hits, "page": 0, "nbHits": n, "nbPages": if n == 0 { 0 } else { 1 },
        "hitsPerPage": 100, "exhaustiveNbHits": true, "query": req.query("query"),
        "params": "query=x", "processingTimeMS": 1}),
    )
}

fn g_review(id: &str, stars: &str, comment: &str, at: &str) -> Value {
    json!({"name": format!("accounts/123/locations/456/reviews/{id}"), "reviewId": id,
           "reviewer": {"profilePhotoUrl": "https://lh3.googleusercontent.com/a/x",
                        "displayName": "Priya Shah", "isAnonymous": false},
           "starRating": stars, "comment": comment, "createTime": at, "updateTime": at})
}

/// Reviews come newest update first with no "since": the same page comes back.
fn google_reviews(rest: &str) -> Reply {
    match rest {
        "/token" => Reply::json(
            200,
            &json!({"access_token": "ya29.bench-access", "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/business.manage", "token_type": "Bearer"}),
        ),
        "/v4/accounts/123/locations/456/reviews" => Reply::json(
            200,
            &json!({
            "reviews": [
                g_review("AbFvOqm2", "FIVE", "Friendly staff, fair prices.", "2026-11-05T09:00:00.123Z"),
                g_review("AbFvOqm1", "TWO", "Waited two weeks for a part.", "2026-11-03T09:00:00Z"),
            ],
            "averageRating": 4.2, "totalReviewCount": 57}),
        ),
        _ => Reply::json(
            404,
            &json!({"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}),
        ),
    }
}

fn tp_review(id: &str, stars: u8, title: &str, created: &str) -> Value {
    json!({"links": [{"href": format!("https://api.trustpilot.com/v1/reviews/{id}"), "method": "GET", "rel": "reviews"}],
        "id": id, "consumer": {"id": "5c0e9e0b0000ff0001a2b3c4", "displayName": "Tom Ellis", "displayLocation": "Leeds, GB"},
        "businessUnit": {"id": UNIT, "identifyingName": "pedalpine.example", "displayName": "Pedal & Pine"},
        "stars": stars, "title": title, "text": "Would recommend to anyone in Ashby.", "language": "en",
        "createdAt": created, "updatedAt": null, "experiencedAt": created, "companyReply": null,
        "isVerified": true, "status": "active"})
}

/// Page 1 newest first with no "since": the same page comes back.
fn trustpilot(rest: &str) -> Reply {
    if rest != format!("/v1/business-units/{UNIT}/reviews") {
        return Reply::json(404, &json!({"message": "Not found"}));
    }
    Reply::json(
        200,
        &json!({
            "reviews": [
                tp_review("6901a0000000000000000002", 5, "Quick and friendly", "2026-11-05T08:00:00Z"),
                tp_review("6901a0000000000000000001", 3, "OK but slow", "2026-11-02T08:00:00Z"),
            ],
            "links": [{"href": "https://api.trustpilot.com/v1/x?page=1", "method": "GET", "rel": "self"}]
        }),
    )
}

/// Yelp returns the same few newest excerpts every time.
fn yelp(rest: &str) -> Reply {
    if rest != "/v3/businesses/pedal-and-pine-ashby/reviews" {
        return Reply::json(
            404,
            &json!({"error": {"code": "BUSINESS_NOT_FOUND", "description": "not found"}}),
        );
    }
    let review = |id: &str, rating: u8, text: &str, created: &str| {
        json!({"id": id, "url": format!("https://www.yelp.com/biz/pedal-and-pine-ashby?hrid={id}"),
               "text": text, "rating": rating, "time_created": created,
               "user": {"id": "W8UK02IDdRS2GL_66fuq6w", "profile_url": "https://www.yelp.com/user_details?userid=W8UK02IDdRS2GL_66fuq6w",
                        "image_url": null, "name": "Suavecito M."}})
    };
    Reply::json(200, &json!({"reviews": [
        review("SIoiwwVRH6R2s2ipFfs4Ww", 2, "Dropped my bike off for a simple tune-up and it took two weeks...", "2026-11-04 18:30:00"),
        review("xAG4O7l-t1ubbwVAlPnDKg", 5, "Great shop, fixed my puncture in ten minutes.", "2026-11-01 20:30:00"),
    ], "total": 57, "possible_languages": ["en"]}))
    .with_header("ratelimit-dailylimit", "5000")
    .with_header("ratelimit-remaining", "4990")
}

// ------------------------------------------------------------ CPU clocks

/// CPU time this thread has run, in nanoseconds (/proc/thread-self/schedstat).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// User + system CPU time of the whole process, all threads including those
/// that have ended, in nanoseconds (/proc/self/stat, 100 ticks a second).
fn process_cpu_ns() -> u64 {
    const NS_PER_TICK: u64 = 10_000_000;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces;
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after it.
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    (f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)) * NS_PER_TICK
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// How a "nothing changed" request told the platform where the last poll stopped.
fn how_sent(req: &SeenRequest) -> &'static str {
    if req.header("if-none-match").is_some() {
        return "HTTP If-None-Match";
    }
    if req.header("if-modified-since").is_some() {
        return "HTTP If-Modified-Since";
    }
    if req.query("since_id").is_some() {
        return "since_id in query";
    }
    if req.query("min_id").is_some() {
        return "min_id in query";
    }
    if req.query("since").is_some() {
        return "since in query";
    }
    if req.query("fields").is_some_and(|f| f.contains(".since(")) {
        return "since in the nested fields";
    }
    if req.query("numericFilters").is_some() {
        return "created_at_i>= in query";
    }
    "none (newest page again)"
}

/// What went wrong in the "nothing changed" cycles of one source.
#[derive(Default)]
struct Surprises {
    /// Mentions returned although nothing changed.
    mentions: usize,
    errors: Vec<String>,
}

// ------------------------------------------------------------------ main

fn main() {
    let mut out = String::new();
    let mut say = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };

    // The server counts every request by source prefix and cycle.
    let tally = Tally::default();
    let t = tally.clone();
    let server = FakeServer::start(move |req| {
        let prefix = req
            .route()
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let cycle = t.cycle.load(Ordering::SeqCst);
        *t.counts
            .lock()
            .unwrap()
            .entry((cycle, prefix.to_string()))
            .or_default() += 1;
        answer(req)
    });
    let (all, mut left_out) = sources(&server);
    let http = HttpClient::new(HttpConfig::default()).unwrap();
    let sessions = Sessions::default();
    let terms: Vec<String> = TERMS.iter().map(|t| t.to_string()).collect();
    // One thread runs every connector, so its CPU clock is the client's cost.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // First poll (cycle 0): finds a couple of items and stores each state,
    // as the poller does. A source whose first poll fails is left out.
    let mut first_found = BTreeMap::new();
    let results = rt.block_on(join_all(
        all.iter().map(|s| fetch(s, &http, &sessions, &terms)),
    ));
    let mut srcs = Vec::new();
    for (mut s, r) in all.into_iter().zip(results) {
        let name = s.row.platform.display_name();
        match r {
            Ok(o) if !o.mentions.is_empty() => {
                first_found.insert(s.prefix, o.mentions.len());
                s.row.state = o.state;
                srcs.push(s);
            }
            Ok(_) => left_out.push(format!("{name}: the first poll found nothing")),
            Err(e) => left_out.push(format!("{name}: the first poll failed ({}: {e})", e.code())),
        }
    }

    // One cycle: every source once, concurrently, each with its stored state.
    let mut surprises: BTreeMap<&str, Surprises> = BTreeMap::new();
    let mut run_cycle = |srcs: &mut Vec<Source>| {
        let results = rt.block_on(join_all(
            srcs.iter().map(|s| fetch(s, &http, &sessions, &terms)),
        ));
        for (s, r) in srcs.iter_mut().zip(results) {
            match r {
                Ok(o) => {
                    if !o.mentions.is_empty() {
                        surprises.entry(s.prefix).or_default().mentions += o.mentions.len();
                    }
                    s.row.state = o.state;
                }
                Err(e) => surprises
                    .entry(s.prefix)
                    .or_default()
                    .errors
                    .push(format!("{}: {e}", e.code())),
            }
        }
    };
    // A few unmeasured cycles warm up the allocator and the connection code.
    const WARM_UP: usize = 5;
    for i in 1..=WARM_UP {
        tally.cycle.store(i, Ordering::SeqCst);
        run_cycle(&mut srcs);
    }
    let warm_log = server.requests().len();

    // The measured "nothing changed" cycles.
    let mut walls = Vec::with_capacity(CYCLES);
    let (thread0, process0) = (thread_cpu_ns(), process_cpu_ns());
    for i in 0..CYCLES {
        tally.cycle.store(WARM_UP + 1 + i, Ordering::SeqCst);
        let start = Instant::now();
        run_cycle(&mut srcs);
        walls.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let thread_ms = (thread_cpu_ns() - thread0) as f64 / 1e6 / CYCLES as f64;
    let process_ms = (process_cpu_ns() - process0) as f64 / 1e6 / CYCLES as f64;
    let measured_log = server.requests();
    tally.cycle.store(usize::MAX, Ordering::SeqCst);

    // Each source alone, for what each connector costs.
    let mut alone = BTreeMap::new();
    for s in srcs.iter_mut() {
        let (mut w, mut cpu) = (Vec::with_capacity(ALONE), 0u64);
        for _ in 0..ALONE {
            let c0 = thread_cpu_ns();
            let start = Instant::now();
            let r = rt.block_on(fetch(s, &http, &sessions, &terms));
            w.push(start.elapsed().as_secs_f64() * 1e3);
            cpu += thread_cpu_ns() - c0;
            if let Ok(o) = r {
                s.row.state = o.state;
            }
        }
        alone.insert(s.prefix, (median(&mut w), cpu as f64 / 1e3 / ALONE as f64));
    }
    // The floor under every request: one GET of `{}` through the same client.
    let baseline = {
        let url = url::Url::parse(&server.url("/baseline/")).unwrap();
        let (mut w, mut cpu) = (Vec::with_capacity(ALONE), 0u64);
        for _ in 0..ALONE {
            let c0 = thread_cpu_ns();
            let start = Instant::now();
            let f = rt.block_on(http.get(&url, &[])).expect("baseline GET");
            w.push(start.elapsed().as_secs_f64() * 1e3);
            cpu += thread_cpu_ns() - c0;
            assert_eq!(f.status, 200);
        }
        (median(&mut w), cpu as f64 / 1e3 / ALONE as f64)
    };

    // Requests per source per measured cycle, from the server's tally.
    let counts = tally.counts.lock().unwrap().clone();
    let per_cycle = |prefix: &str, cycle: usize| {
        counts
            .get(&(cycle, prefix.to_string()))
            .copied()
            .unwrap_or(0)
    };
    let measured = &measured_log[warm_log..];
    let of = |s: &Source| {
        let p = format!("/{}/", s.prefix);
        measured
            .iter()
            .filter(move |r| r.route().starts_with(&p))
            .collect::<Vec<_>>()
    };

    say(format!(
        "poll cycle when nothing changed: {} sources, one per platform; {CYCLES} measured cycles after a first poll and {WARM_UP} warm-up cycles",
        srcs.len()
    ));
    say("  fake server on 127.0.0.1 (plain HTTP, a new connection per request); the sources of a cycle are fetched concurrently, as the poller does".into());
    say(format!(
        "  watch terms {TERMS:?}; secrets passed directly (no keyring); one shared session store; unlimited meters"
    ));
    say(String::new());
    say(format!(
        "  {:<16} {:>9} {:>12}  {:<42} {:>12} {:>10}",
        "platform",
        "req/cycle",
        "first poll",
        "how the stored state is sent",
        "alone: wall",
        "alone: CPU"
    ));
    let (mut total_first, mut total_cycle) = (0, 0);
    let mut sign_ins = Vec::new();
    for s in &srcs {
        let first = per_cycle(s.prefix, 0);
        let cycles: Vec<u32> = (WARM_UP + 1..=WARM_UP + CYCLES)
            .map(|c| per_cycle(s.prefix, c))
            .collect();
        let (lo, hi) = (*cycles.iter().min().unwrap(), *cycles.iter().max().unwrap());
        total_first += first;
        total_cycle += hi;
        if first > hi {
            sign_ins.push(s.row.platform.display_name());
        }
        let reqs = if lo == hi {
            hi.to_string()
        } else {
            format!("{lo}-{hi}")
        };
        let mut modes: Vec<&str> = of(s).into_iter().map(how_sent).collect();
        modes.sort();
        modes.dedup();
        let (wall, cpu) = alone[s.prefix];
        say(format!(
            "  {:<16} {:>9} {:>12}  {:<42} {:>9.2} ms {:>7.0} µs",
            s.row.platform.display_name(),
            reqs,
            format!("{first} ({} found)", first_found[s.prefix]),
            modes.join(" + "),
            wall,
            cpu
        ));
    }
    say(format!(
        "  {:<16} {:>9} {:>12}  {:<42} {:>9.2} ms {:>7.0} µs",
        "(bare GET)", 1, "", "floor under every request: GET of {} only", baseline.0, baseline.1
    ));
    say(String::new());
    let mentions: usize = surprises.values().map(|s| s.mentions).sum();
    let errors: usize = surprises.values().map(|s| s.errors.len()).sum();
    say(format!(
        "  requests per cycle: {total_cycle}; mentions found in the measured cycles: {mentions}; errors: {errors}"
    ));
    say(format!(
        "  first poll: {total_first} requests; {} also asked for a token or session once, reused by every later poll",
        sign_ins.join(", ")
    ));
    let mut w = walls.clone();
    say(format!(
        "  wall time per cycle: median {:.2} ms, p90 {:.2} ms",
        median(&mut walls),
        percentile(&mut w, 0.9)
    ));
    say(format!(
        "  CPU per cycle: {thread_ms:.2} ms in the poll thread (connectors + HTTP client); {process_ms:.2} ms for the whole process, fake server included"
    ));
    say(format!(
        "  (\"alone\": each source fetched by itself {ALONE} times; median wall and mean poll-thread CPU per fetch)"
    ));
    say(String::new());
    let http_conditional: Vec<&str> = srcs
        .iter()
        .filter(|s| {
            of(s).iter().any(|r| {
                r.header("if-none-match").is_some() || r.header("if-modified-since").is_some()
            })
        })
        .map(|s| s.row.platform.display_name())
        .collect();
    say(format!(
        "  conditional HTTP requests, answered 304 Not Modified: {}",
        http_conditional.join(", ")
    ));
    say("  state in the query, so the platform sends only what is newer: X (since_id), Facebook feed and tagged (since, nested in its one request), Mastodon (min_id), Hacker News (created_at_i>=)".into());
    say("  the rest have no \"since\": the newest page comes back and the connector stops at the watermark in its cursor".into());
    say(String::new());
    say("  why each source makes the requests it makes when nothing changed:".into());
    for s in &srcs {
        say(format!(
            "    {:<16} {}",
            s.row.platform.display_name(),
            s.why
        ));
    }
    for (prefix, s) in &surprises {
        say(format!(
            "  unexpected for {prefix}: {} mentions, {} errors {:?}",
            s.mentions,
            s.errors.len(),
            s.errors.iter().take(2).collect::<Vec<_>>()
        ));
    }
    for note in &left_out {
        say(format!("  left out: {note}"));
    }
    // `cargo test --all-targets` runs this too (without --bench): it checks
    // the same things but leaves the recorded results alone.
    if std::env::args().any(|a| a == "--bench") {
        std::fs::create_dir_all("bench-results").ok();
        std::fs::write("bench-results/poll_cycle.txt", out).ok();
    }
}
