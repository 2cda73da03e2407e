//! Facebook and Instagram against a fake Graph API (tests/support/graph.rs)
//! that serves field expansion the way Meta does: one GET of the Page or
//! account with every edge nested, edges followed on their own.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::*;
use crate::support::graph::{self, parse_fields, Field};
use crate::support::{FakeServer, Reply, SeenRequest};
use serde_json::{json, Value};

const TOKEN: &str = "EAAB-test-page-token";
const PAGE: &str = "104857361234567";
const IG: &str = "17841400455970028";

fn run(row: &SourceRow) -> Result<FetchOutcome, FetchError> {
    let (sessions, meter, http) = (Sessions::default(), Meter::unlimited(), client());
    let mut f = Fetch::new(row, &sessions, &meter, &http);
    f.secret = Some(TOKEN);
    f.run()
}

fn fb_row(server: &FakeServer) -> SourceRow {
    source(Platform::Facebook, &server.url(""), &[("page_id", PAGE)])
}

fn ig_row(server: &FakeServer) -> SourceRow {
    source(Platform::Instagram, &server.url(""), &[("ig_user_id", IG)])
}

fn post(id: &str, message: &str, created: &str, from: Option<(&str, &str)>) -> Value {
    let mut p = json!({
        "id": id,
        "message": message,
        "created_time": created,
        "permalink_url": format!("https://www.facebook.com/{PAGE}/posts/{id}"),
    });
    if let Some((fid, name)) = from {
        p["from"] = json!({"id": fid, "name": name});
    }
    p
}

fn list(data: Vec<Value>) -> Value {
    json!({"data": data})
}

fn unix(raw: &str) -> i64 {
    time::OffsetDateTime::parse(
        &raw.replace("+0000", "Z"),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp()
}

fn cursor(out: &FetchOutcome) -> Value {
    serde_json::from_str(out.state.cursor.as_deref().unwrap()).unwrap()
}

fn ids(out: &FetchOutcome) -> Vec<&str> {
    out.mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect()
}

fn find<'a>(reqs: &'a [SeenRequest], route: &str) -> Vec<&'a SeenRequest> {
    reqs.iter().filter(|r| r.route() == route).collect()
}

/// The routes of `reqs`, in order.
fn routes(reqs: &[SeenRequest]) -> Vec<String> {
    reqs.iter().map(|r| r.route().to_string()).collect()
}

/// The requests made since `before` (a count of earlier requests).
fn since(server: &FakeServer, before: usize) -> Vec<SeenRequest> {
    server.requests().split_off(before)
}

/// The nested field `name` of a combined request.
fn nested(req: &SeenRequest, name: &str) -> Field {
    parse_fields(&req.query("fields").unwrap())
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} in {}", req.path))
}

type Items = Arc<Mutex<Vec<Value>>>;

/// Starts a fake Graph API over `data`, with at most `page` items a page.
fn graph_server(
    page: usize,
    data: impl Fn(&str, &str, &BTreeMap<String, String>) -> Option<Vec<Value>> + Send + Sync + 'static,
) -> FakeServer {
    let server = FakeServer::start(|_| Reply::json(500, &json!({})));
    let base = server.url("");
    let data = Arc::new(data);
    server.set(move |req| {
        graph::answer(
            req,
            &graph::Fake {
                base: &base,
                token: TOKEN,
                max_page: page,
                data: &*data,
            },
        )
    });
    server
}

/// A Facebook Page's edges, changeable between polls: feed and tagged
/// newest first, the Page's own posts, and comments per post oldest first
/// (`order=reverse_chronological` turns them round).
#[derive(Clone, Default)]
struct Page {
    feed: Items,
    tagged: Items,
    own: Items,
    comments: Arc<Mutex<BTreeMap<String, Vec<Value>>>>,
}

impl Page {
    fn data(
        &self,
        node: &str,
        edge: &str,
        params: &BTreeMap<String, String>,
    ) -> Option<Vec<Value>> {
        match (node == PAGE, edge) {
            (true, "feed") => Some(self.feed.lock().unwrap().clone()),
            (true, "tagged") => Some(self.tagged.lock().unwrap().clone()),
            (true, "published_posts") => Some(self.own.lock().unwrap().clone()),
            (false, "comments") => {
                let mut c = self
                    .comments
                    .lock()
                    .unwrap()
                    .get(node)
                    .cloned()
                    .unwrap_or_default();
                if params.get("order").map(String::as_str) == Some("reverse_chronological") {
                    c.reverse();
                }
                Some(c)
            }
            _ => None,
        }
    }

    fn start(&self, page: usize) -> FakeServer {
        let p = self.clone();
        graph_server(page, move |n, e, q| p.data(n, e, q))
    }

    fn set_comment(&self, post: &str, id: &str, text: &str) {
        let mut all = self.comments.lock().unwrap();
        let c = all
            .get_mut(post)
            .unwrap()
            .iter_mut()
            .find(|c| c["id"] == id)
            .unwrap();
        c["message"] = json!(text);
    }
}

/// A Page with visitor posts on two feed pages, a tag, its own post and
/// comments on it over two pages (two items a page).
fn busy_page() -> Page {
    let page = Page::default();
    *page.feed.lock().unwrap() = vec![
        post(
            &format!("{PAGE}_900"),
            "Great service at Pedal & Pine 🚲 <3",
            "2026-09-06T16:20:00+0000",
            Some(("5550001", "Jo Bloggs")),
        ),
        post(
            &format!("{PAGE}_899"),
            "Open till 6 today",
            "2026-09-06T16:00:00+0000",
            Some((PAGE, "Pedal & Pine")),
        ),
        post(
            &format!("{PAGE}_850"),
            "Is the shop open on Sunday?",
            "2026-09-06T15:00:00+0000",
            None,
        ),
    ];
    *page.tagged.lock().unwrap() = vec![
        // Also on the feed: must come once.
        post(
            &format!("{PAGE}_900"),
            "Great service at Pedal & Pine 🚲 <3",
            "2026-09-06T16:20:00+0000",
            Some(("5550001", "Jo Bloggs")),
        ),
        post(
            "5550002_77",
            "Thanks @Pedal & Pine for the quick fix",
            "2026-09-05T10:00:00+0000",
            Some(("5550002", "Ashby Cycling Club")),
        ),
    ];
    *page.own.lock().unwrap() = vec![json!({"id": format!("{PAGE}_899")})];
    page.comments.lock().unwrap().insert(
        format!("{PAGE}_899"),
        vec![
            post(
                &format!("{PAGE}_899_3001"),
                "Do you fix e-bikes?",
                "2026-09-06T16:05:00+0000",
                Some(("5550003", "Sam")),
            ),
            post(
                &format!("{PAGE}_899_3002"),
                "We do, Sam!",
                "2026-09-06T16:06:00+0000",
                Some((PAGE, "Pedal & Pine")),
            ),
            post(
                &format!("{PAGE}_899_3003"),
                "And tubeless tyres?",
                "2026-09-06T16:07:00+0000",
                Some(("5550004", "Kim")),
            ),
        ],
    );
    page
}

#[test]
fn the_fake_graph_api_reads_nested_fields() {
    graph::self_check();
}

#[test]
fn a_facebook_page_is_read_in_one_request_and_edges_with_more_are_followed() {
    let page = busy_page();
    let server = page.start(2);
    let out = run(&fb_row(&server)).unwrap();
    let reqs = server.requests();
    for r in &reqs {
        assert_eq!(
            r.header("authorization"),
            Some("Bearer EAAB-test-page-token")
        );
        assert!(!r.path.contains("access_token"), "{}", r.path);
    }
    let routes: Vec<&str> = reqs.iter().map(|r| r.route()).collect();
    assert_eq!(
        routes,
        [
            format!("/v21.0/{PAGE}"),
            format!("/v21.0/{PAGE}/feed"),
            format!("/v21.0/{PAGE}_899/comments"),
        ],
        "one combined request, then only the edges with a second page"
    );
    let feed = nested(&reqs[0], "feed");
    assert_eq!(feed.modifiers.get("limit").map(String::as_str), Some("100"));
    assert_eq!(feed.modifiers.get("since"), None, "a first poll");
    for f in [
        "id",
        "message",
        "created_time",
        "updated_time",
        "from",
        "permalink_url",
    ] {
        assert!(feed.sub.iter().any(|x| x.name == f), "{f}");
    }
    assert!(nested(&reqs[0], "tagged")
        .sub
        .iter()
        .any(|x| x.name == "from"));
    let posts = nested(&reqs[0], "published_posts");
    assert_eq!(posts.modifiers["limit"], "10");
    let comments = posts.sub.iter().find(|f| f.name == "comments").unwrap();
    assert_eq!(comments.modifiers["filter"], "stream");
    assert_eq!(comments.modifiers["order"], "reverse_chronological");
    assert!(comments.sub.iter().any(|f| f.name == "parent"));
    // The second pages, through the edges' own addresses with the cursor.
    assert_eq!(reqs[1].query("after").as_deref(), Some("cur2"));
    assert_eq!(reqs[1].query("limit").as_deref(), Some("100"));
    assert!(reqs[1].query("fields").unwrap().contains("updated_time"));
    assert_eq!(reqs[2].query("after").as_deref(), Some("cur2"));
    assert_eq!(
        reqs[2].query("order").as_deref(),
        Some("reverse_chronological")
    );
    assert_eq!(reqs[2].query("filter").as_deref(), Some("stream"));

    assert_eq!(
        ids(&out),
        [
            format!("{PAGE}_900"),
            format!("{PAGE}_850"),
            "5550002_77".to_string(),
            format!("{PAGE}_899_3003"),
            format!("{PAGE}_899_3001"),
        ],
        "the Page's own posts and replies are not mentions, and each comes once"
    );
    let m = &out.mentions[0];
    assert_eq!(m.platform, Platform::Facebook);
    assert_eq!(m.text, "Great service at Pedal & Pine 🚲 <3");
    assert_eq!(m.author_id.as_deref(), Some("5550001"));
    assert_eq!(m.author_name.as_deref(), Some("Jo Bloggs"));
    assert_eq!(m.author_handle, None);
    assert_eq!(m.created_at, "2026-09-06T16:20:00Z");
    assert_eq!(
        m.url.as_deref(),
        Some(format!("https://www.facebook.com/{PAGE}/posts/{PAGE}_900").as_str())
    );
    // Facebook often withholds who wrote a visitor post.
    assert_eq!(out.mentions[1].author_name, None);
    assert!(out.mentions.iter().all(|m| !m.from_search));

    let c = cursor(&out);
    assert_eq!(c["feed"]["since"]["at"], unix("2026-09-06T16:20:00+0000"));
    assert_eq!(c["tagged"]["since"]["at"], unix("2026-09-06T16:20:00+0000"));
    assert_eq!(
        c["comments"][format!("{PAGE}_899")]["at"],
        unix("2026-09-06T16:07:00+0000")
    );
    assert!(!out.state.cursor.unwrap().contains(TOKEN));
}

#[test]
fn a_quiet_facebook_poll_is_one_request_and_a_new_post_comes_in_it() {
    let page = busy_page();
    let server = page.start(2);
    let mut row = fb_row(&server);
    row.state = run(&row).unwrap().state;

    // Nothing changed: one request, nothing found, the cursor as it was.
    let before = server.requests().len();
    let quiet = run(&row).unwrap();
    let reqs = since(&server, before);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert!(quiet.mentions.is_empty());
    assert_eq!(quiet.state.cursor, row.state.cursor);
    let s = unix("2026-09-06T16:20:00+0000").to_string();
    assert_eq!(nested(&reqs[0], "feed").modifiers.get("since"), Some(&s));
    assert_eq!(nested(&reqs[0], "tagged").modifiers.get("since"), Some(&s));

    // A new visitor post and a new comment: still one request.
    page.feed.lock().unwrap().insert(
        0,
        post(
            &format!("{PAGE}_901"),
            "Back again, still great",
            "2026-09-06T18:00:00+0000",
            Some(("5550009", "Kim")),
        ),
    );
    page.comments
        .lock()
        .unwrap()
        .get_mut(&format!("{PAGE}_899"))
        .unwrap()
        .push(post(
            &format!("{PAGE}_899_3004"),
            "Thanks!",
            "2026-09-06T18:05:00+0000",
            Some(("5550003", "Sam")),
        ));
    let before = server.requests().len();
    let out = run(&row).unwrap();
    assert_eq!(since(&server, before).len(), 1);
    assert_eq!(
        ids(&out),
        [format!("{PAGE}_901"), format!("{PAGE}_899_3004")]
    );
    assert_eq!(
        cursor(&out)["feed"]["since"]["at"],
        unix("2026-09-06T18:00:00+0000")
    );
}

#[test]
fn a_cursor_stored_by_the_earlier_version_is_still_read() {
    let page = busy_page();
    let server = page.start(2);
    let mut row = fb_row(&server);
    // The form the connector stored before the combined request: `since`
    // marks and comments read oldest first up to a mark.
    let at = unix("2026-09-06T16:20:00+0000");
    row.state.cursor = Some(
        json!({
            "feed": {"since": {"at": at, "ids": [format!("{PAGE}_900")]}},
            "tagged": {"since": {"at": at}},
            "comments": {format!("{PAGE}_899"): {"at": unix("2026-09-06T16:05:00+0000"), "ids": [format!("{PAGE}_899_3001")]}}
        })
        .to_string(),
    );
    let out = run(&row).unwrap();
    let reqs = server.requests();
    assert_eq!(
        nested(&reqs[0], "feed").modifiers.get("since"),
        Some(&at.to_string())
    );
    // Only the comment after the old mark; the boundary post read before
    // isn't returned again (the tagged copy of it had no id kept, so it is).
    assert_eq!(
        ids(&out),
        [format!("{PAGE}_900"), format!("{PAGE}_899_3003")]
    );
    assert_eq!(
        reqs.len(),
        2,
        "the old mark is on the comments' second page"
    );
    let c = cursor(&out);
    assert_eq!(
        c["comments"][format!("{PAGE}_899")]["at"],
        unix("2026-09-06T16:07:00+0000")
    );
}

#[test]
fn an_edited_facebook_post_comes_back_with_its_new_text() {
    let page = Page::default();
    let id = format!("{PAGE}_700");
    let mut p = post(
        &id,
        "Nice shop",
        "2026-09-06T10:00:00+0000",
        Some(("5550001", "Jo")),
    );
    p["updated_time"] = json!("2026-09-06T10:00:00+0000");
    page.feed.lock().unwrap().push(p);
    let server = page.start(25);
    let stash = Stash::new();
    let mut row = fb_row(&server);
    let first = run(&row).unwrap();
    assert_eq!(stash.keep(&first), (1, 0));
    row.state = first.state;

    // Jo edits the post: Meta moves its updated_time.
    {
        let mut feed = page.feed.lock().unwrap();
        feed[0]["message"] = json!("Rude staff, never again");
        feed[0]["updated_time"] = json!("2026-09-06T12:30:00+0000");
    }
    let second = run(&row).unwrap();
    assert_eq!(ids(&second), [id.as_str()]);
    assert_eq!(second.mentions[0].text, "Rude staff, never again");
    assert_eq!(
        second.mentions[0].created_at, "2026-09-06T10:00:00Z",
        "still dated when it was written"
    );
    assert_eq!(stash.keep(&second), (0, 1), "stored as an edit");
    assert_eq!(stash.count(), 1);
    assert_eq!(
        stash.text_of(&id).as_deref(),
        Some("Rude staff, never again")
    );
    row.state = second.state;
    assert_eq!(
        cursor_of(&row)["feed"]["since"]["at"],
        unix("2026-09-06T12:30:00+0000")
    );
    assert!(run(&row).unwrap().mentions.is_empty(), "not again");
}

fn cursor_of(row: &SourceRow) -> Value {
    serde_json::from_str(row.state.cursor.as_deref().unwrap()).unwrap()
}

#[test]
fn an_edited_facebook_comment_comes_back_with_its_new_text() {
    let page = busy_page();
    page.feed.lock().unwrap().clear();
    page.tagged.lock().unwrap().clear();
    page.comments
        .lock()
        .unwrap()
        .get_mut(&format!("{PAGE}_899"))
        .unwrap()
        .truncate(2);
    let server = page.start(2);
    let stash = Stash::new();
    let mut row = fb_row(&server);
    let first = run(&row).unwrap();
    assert_eq!(ids(&first), [format!("{PAGE}_899_3001")]);
    assert_eq!(stash.keep(&first), (1, 0));
    row.state = first.state;

    // Sam edits the comment; Meta gives comments no edit time.
    let sam = format!("{PAGE}_899_3001");
    page.set_comment(&format!("{PAGE}_899"), &sam, "Broke again after a week");
    let before = server.requests().len();
    let second = run(&row).unwrap();
    assert_eq!(since(&server, before).len(), 1);
    let again = second
        .mentions
        .iter()
        .find(|m| m.external_id == sam)
        .expect("the edited comment is returned");
    assert_eq!(again.text, "Broke again after a week");
    assert!(
        second
            .mentions
            .iter()
            .all(|m| !m.external_id.ends_with("_3002")),
        "the Page's own reply is still not a mention"
    );
    assert_eq!(stash.keep(&second), (0, 1));
    assert_eq!(stash.count(), 1);
    assert_eq!(
        stash.text_of(&sam).as_deref(),
        Some("Broke again after a week")
    );
    row.state = second.state;

    // Unchanged since: nothing comes back.
    assert!(run(&row).unwrap().mentions.is_empty());

    // A new comment pushes an old one off the full first page: the new one
    // comes, and no old one is returned for it.
    page.comments
        .lock()
        .unwrap()
        .get_mut(&format!("{PAGE}_899"))
        .unwrap()
        .push(post(
            &format!("{PAGE}_899_3010"),
            "See you Saturday",
            "2026-09-06T19:00:00+0000",
            Some(("5550005", "Lee")),
        ));
    let third = run(&row).unwrap();
    assert_eq!(ids(&third), [format!("{PAGE}_899_3010")]);
    row.state = third.state;
    assert!(run(&row).unwrap().mentions.is_empty());
}

#[test]
fn a_facebook_poll_stopped_at_the_page_cap_resumes_without_gaps() {
    // Twelve feed posts an hour apart, one a page, linked by `paging.next`
    // in the `until` + `__paging_token` form (no cursors); the first page
    // comes nested in the combined request.
    let server = FakeServer::start(|_| Reply::json(200, &list(vec![])));
    let base = server.url("");
    let top = unix("2026-09-06T12:00:00+0000");
    server.set(move |req| {
        let combined = req.route() == format!("/v21.0/{PAGE}");
        let (since, until) = if combined {
            let feed = nested(req, "feed");
            (
                feed.modifiers.get("since").and_then(|v| v.parse().ok()).unwrap_or(0),
                feed.modifiers.get("until").and_then(|v| v.parse().ok()).unwrap_or(i64::MAX),
            )
        } else if req.route().ends_with("/feed") {
            (
                req.query("since").and_then(|v| v.parse().ok()).unwrap_or(0),
                req.query("until").and_then(|v| v.parse().ok()).unwrap_or(i64::MAX),
            )
        } else {
            return Reply::json(200, &list(vec![]));
        };
        let times: Vec<i64> = (0..12).map(|i| top - i * 3600).filter(|t| *t <= until && *t >= since).collect();
        let Some(&at) = times.first() else {
            return Reply::json(200, &json!({"id": PAGE}));
        };
        let time = time::OffsetDateTime::from_unix_timestamp(at).unwrap();
        let created = format!("{}+0000", time.format(&time::format_description::well_known::Rfc3339).unwrap().trim_end_matches('Z'));
        // The oldest post read in the first run is edited by the time the next one re-reads it.
        let resumed = until != i64::MAX && req.query("__paging_token").is_none();
        let text = if resumed { "edited" } else { "original" };
        let mut body = list(vec![post(&format!("{PAGE}_{at}"), text, &created, Some(("1", "Fan")))]);
        if times.len() > 1 {
            body["paging"] = json!({
                "previous": format!("{base}/v21.0/{PAGE}/feed?since={at}&access_token=EAAB-test-page-token&__paging_token=prev&__previous=1"),
                "next": format!("{base}/v21.0/{PAGE}/feed?fields=id,message&limit=100&since={since}&access_token=EAAB-test-page-token&until={}&__paging_token=enc_{at}", at - 1),
            });
        }
        if combined {
            return Reply::json(200, &json!({"id": PAGE, "feed": body}));
        }
        Reply::json(200, &body)
    });
    let mut row = fb_row(&server);
    let since_at = top - 20 * 3600;
    row.state.cursor = Some(
        json!({"feed": {"since": {"at": since_at}}, "tagged": {"since": {"at": since_at}}})
            .to_string(),
    );
    let out = run(&row).unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].route(), format!("/v21.0/{PAGE}"));
    let feed_edge = find(&reqs, &format!("/v21.0/{PAGE}/feed"));
    assert_eq!(feed_edge.len(), 9, "the first of ten pages came nested");
    assert!(reqs.iter().all(|r| !r.path.contains("access_token")));
    assert_eq!(
        feed_edge[0].query("__paging_token").as_deref(),
        Some(format!("enc_{top}").as_str())
    );
    assert_eq!(out.mentions.len(), 10);
    let c = cursor(&out);
    assert_eq!(c["feed"]["since"]["at"], since_at);
    assert_eq!(c["feed"]["until"], top - 9 * 3600);
    assert_eq!(c["feed"]["newest"]["at"], top);
    let mut all: Vec<String> = out.mentions.iter().map(|m| m.external_id.clone()).collect();

    row.state = out.state;
    let before = server.requests().len();
    let out = run(&row).unwrap();
    let resumed = &since(&server, before)[0];
    let feed = nested(resumed, "feed");
    assert_eq!(feed.modifiers.get("since"), Some(&since_at.to_string()));
    assert_eq!(
        feed.modifiers.get("until"),
        Some(&(top - 9 * 3600).to_string())
    );
    all.extend(out.mentions.iter().map(|m| m.external_id.clone()));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 12, "every post read");
    // The post re-read at the boundary keeps its id and brings its new text.
    let boundary = format!("{PAGE}_{}", top - 9 * 3600);
    let again = out
        .mentions
        .iter()
        .find(|m| m.external_id == boundary)
        .unwrap();
    assert_eq!(again.text, "edited");
    assert_eq!(cursor(&out)["feed"]["since"]["at"], top);
    assert!(cursor(&out)["feed"].get("until").is_none());
}

#[test]
fn next_links_to_another_host_are_not_followed() {
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &json!({"id": PAGE, "feed": {
                "data": [post("1_2", "hello", "2026-09-06T10:00:00+0000", None)],
                "paging": {"next": "https://elsewhere.example/v21.0/feed?access_token=EAAB-test-page-token&until=1"}
            }}),
        )
    });
    let out = run(&fb_row(&server)).unwrap();
    assert_eq!(out.mentions.len(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn high_business_use_case_usage_means_wait_for_metas_estimate() {
    let page = busy_page();
    let server = page.start(2);
    let base = server.url("");
    let p = page.clone();
    server.set(move |req| {
        let data = |n: &str, e: &str, q: &BTreeMap<String, String>| p.data(n, e, q);
        graph::answer(
            req,
            &graph::Fake {
                base: &base,
                token: TOKEN,
                max_page: 2,
                data: &data,
            },
        )
        .with_header("X-App-Usage", r#"{"call_count":40,"total_cputime":10,"total_time":12}"#)
        .with_header(
            "X-Business-Use-Case-Usage",
            &format!(r#"{{"{PAGE}":[{{"type":"pages","call_count":97,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":12}}]}}"#),
        )
    });
    let out = run(&fb_row(&server)).unwrap();
    assert_eq!(out.wait_secs, Some(720));
    assert_eq!(
        server.requests().len(),
        1,
        "no more calls once usage is high"
    );
    // What the one answer held is kept; the second pages wait.
    assert_eq!(
        ids(&out),
        [
            format!("{PAGE}_900"),
            "5550002_77".to_string(),
            format!("{PAGE}_899_3003")
        ]
    );
    let c = cursor(&out);
    assert_eq!(c["feed"]["since"]["at"], unix("2026-09-06T16:20:00+0000"));
}

#[test]
fn throttling_codes_are_rate_limits_whatever_the_status() {
    for (status, code) in [(400, 32), (403, 4), (400, 17), (400, 613), (403, 80001)] {
        let server = FakeServer::start(move |_| {
            Reply::json(status, &json!({"error": {"message": format!("(#{code}) There have been too many calls to this Page account."), "type": "OAuthException", "code": code, "is_transient": true, "fbtrace_id": "A1b2C3"}}))
                .with_header(
                    "X-Business-Use-Case-Usage",
                    &format!(r#"{{"{PAGE}":[{{"type":"pages","call_count":100,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":5}}]}}"#),
                )
        });
        let err = run(&fb_row(&server)).unwrap_err();
        assert_eq!(err.code(), "rate_limited", "{code}");
        assert_eq!(err.retry_after_secs(), Some(300), "{code}");
        assert_eq!(server.requests().len(), 1, "{code}");
    }
}

fn facebook_error(reply: Reply) -> FetchError {
    let server = FakeServer::start(move |_| reply.clone());
    run(&fb_row(&server)).unwrap_err()
}

#[test]
fn an_expired_token_is_rejected_even_when_sent_as_400() {
    let err = facebook_error(Reply::json(
        400,
        &json!({"error": {"message": "Error validating access token: The user has not authorized application 1234.", "type": "OAuthException", "code": 190, "error_subcode": 458, "fbtrace_id": "EJplcsCHuLu"}}),
    ));
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(TOKEN));
}

#[test]
fn server_errors_and_unreadable_answers_are_reported_plainly() {
    assert_eq!(
        facebook_error(Reply::status(500, "text/html", "<html>Sorry</html>")).code(),
        "http_status"
    );
    assert_bodies_are_malformed(
        [
            (
                &b"<!DOCTYPE html><html><body>Facebook</body></html>"[..],
                "web page",
            ),
            (
                b"{\"feed\":{\"data\":[{\"id\":\"1_2\",\"message\":\"cu",
                "cut off",
            ),
            (
                b"{\"feed\":{\"data\":[{\"id\":\"1_2\",\"message\":\"\xff\"}]}}",
                "valid text",
            ),
        ],
        facebook_error,
    );
}

#[test]
fn metas_own_error_message_is_passed_on() {
    let err = facebook_error(Reply::json(
        400,
        &json!({"error": {"message": "(#100) Pages Public Content Access requires either app secret proof or an app token", "type": "OAuthException", "code": 100, "fbtrace_id": "AbC"}}),
    ));
    assert_eq!(err.code(), "platform_error");
    assert!(
        err.to_string()
            .contains("(#100) Pages Public Content Access"),
        "{err}"
    );
}

#[test]
fn a_refused_edge_is_read_apart_and_what_works_is_kept() {
    // The token lacks the permission `feed` needs: Meta refuses the
    // combined request, and the edge alone. The other edges are still
    // read: posts tagging the Page, and comments on its own posts.
    let refused = || {
        Reply::json(
            403,
            &json!({"error": {"message": "(#10) This endpoint requires the 'pages_read_user_content' permission.", "type": "OAuthException", "code": 10}}),
        )
    };
    let own = format!("{PAGE}_899");
    let comments_route = format!("/v21.0/{own}/comments");
    let server = FakeServer::start(move |req| {
        let route = req.route();
        if route == format!("/v21.0/{PAGE}") || route.ends_with("/feed") {
            refused()
        } else if route.ends_with("/tagged") {
            Reply::json(
                200,
                &list(vec![post(
                    "5550002_77",
                    "Thanks @Pedal & Pine for the quick fix",
                    "2026-09-05T10:00:00+0000",
                    Some(("5550002", "Ashby Cycling Club")),
                )]),
            )
        } else if route.ends_with("/published_posts") {
            Reply::json(200, &list(vec![json!({"id": format!("{PAGE}_899")})]))
        } else if route == comments_route {
            Reply::json(
                200,
                &list(vec![post(
                    &format!("{PAGE}_899_3001"),
                    "Still waiting for my refund",
                    "2026-09-06T16:05:00+0000",
                    Some(("5550003", "Sam")),
                )]),
            )
        } else {
            Reply::json(200, &list(vec![]))
        }
    });
    let mut row = fb_row(&server);
    let out = run(&row).unwrap();
    assert_eq!(
        routes(&server.requests()),
        [
            format!("/v21.0/{PAGE}"),
            format!("/v21.0/{PAGE}/feed"),
            format!("/v21.0/{PAGE}/tagged"),
            format!("/v21.0/{PAGE}/published_posts"),
            format!("/v21.0/{own}/comments"),
        ]
    );
    let comment = format!("{PAGE}_899_3001");
    assert_eq!(ids(&out), ["5550002_77", comment.as_str()]);
    // The owner is told what wasn't read, and why.
    let partial = out.partial.clone().unwrap();
    assert!(
        partial.starts_with(
            "Facebook wouldn't let Hearken read the Page's feed; the rest was checked."
        ),
        "{partial}"
    );
    assert!(partial.contains("pages_read_user_content"), "{partial}");
    assert!(!partial.contains(TOKEN), "{partial}");
    let c = cursor(&out);
    assert!(
        c["feed"].get("since").is_none(),
        "the refused edge stays where it was"
    );
    assert_eq!(c["tagged"]["since"]["at"], unix("2026-09-05T10:00:00+0000"));
    let until = c["separate_until"].as_i64().unwrap();
    let now = hearken_lib::clock::now().unix_timestamp();
    assert!(
        (now + 23 * 3600..=now + 24 * 3600).contains(&until),
        "{until}"
    );

    // For a day the edges are asked for one by one, not combined first.
    // With nothing new on the others the check still worked (no back-off,
    // the cursor moves on), and the refusal is still said.
    row.state = out.state;
    let before = server.requests().len();
    let out = run(&row).unwrap();
    assert!(out.mentions.is_empty(), "{:?}", ids(&out));
    assert!(
        out.partial
            .as_deref()
            .is_some_and(|p| p.contains("pages_read_user_content")),
        "{:?}",
        out.partial
    );
    let again = routes(&since(&server, before));
    assert_eq!(again[0], format!("/v21.0/{PAGE}/feed"));
    assert!(
        again.contains(&format!("/v21.0/{PAGE}/tagged")),
        "{again:?}"
    );
}

#[test]
fn a_token_refused_every_edge_is_the_checks_error() {
    let server = FakeServer::start(|_| {
        Reply::json(
            403,
            &json!({"error": {"message": "(#200) Requires pages_read_engagement permission", "type": "OAuthException", "code": 200}}),
        )
    });
    let err = run(&fb_row(&server)).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    assert!(err.to_string().contains("pages_read_engagement"), "{err}");
    // The combined request, then each edge on its own.
    assert_eq!(
        routes(&server.requests()),
        [
            format!("/v21.0/{PAGE}"),
            format!("/v21.0/{PAGE}/feed"),
            format!("/v21.0/{PAGE}/tagged"),
            format!("/v21.0/{PAGE}/published_posts"),
        ]
    );
}

#[test]
fn a_missing_or_odd_page_id_asks_for_setup() {
    let server = FakeServer::start(|_| Reply::json(200, &list(vec![])));
    let mut row = fb_row(&server);
    row.settings.clear();
    let err = run(&row).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("Page ID"), "{err}");
    row.settings
        .insert("page_id".into(), "../me/accounts".into());
    assert_eq!(run(&row).unwrap_err().code(), "needs_setup");
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------- Instagram

fn media(id: &str, caption: Option<&str>, ts: &str, user: &str) -> Value {
    let mut m = json!({
        "id": id,
        "media_type": "IMAGE",
        "permalink": format!("https://www.instagram.com/p/{id}/"),
        "timestamp": ts,
        "username": user,
    });
    if let Some(c) = caption {
        m["caption"] = json!(c);
    }
    m
}

fn ig_comment(id: &str, text: &str, ts: &str, user: &str, user_id: &str) -> Value {
    json!({"id": id, "text": text, "timestamp": ts, "username": user,
           "from": {"id": user_id, "username": user}})
}

/// An Instagram account's edges, changeable between polls: tags newest
/// first, its own media, and comments per media (replies written into
/// them). `comments_count` is counted from them, replies included.
#[derive(Clone, Default)]
struct Account {
    tags: Items,
    media: Items,
    comments: Arc<Mutex<BTreeMap<String, Vec<Value>>>>,
    /// A stored `after` cursor on /tags that Meta no longer accepts.
    expired: Arc<Mutex<Option<String>>>,
    /// The token may not read tags: the combined request and /tags are
    /// refused.
    tags_refused: Arc<std::sync::atomic::AtomicBool>,
}

impl Account {
    fn data(&self, node: &str, edge: &str) -> Option<Vec<Value>> {
        let comments = self.comments.lock().unwrap();
        match (node == IG, edge) {
            (true, "tags") => Some(self.tags.lock().unwrap().clone()),
            (true, "media") => Some(
                self.media
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|m| {
                        let list = comments.get(m["id"].as_str().unwrap());
                        let count: usize = list.map_or(0, |l| {
                            l.iter()
                                .map(|c| 1 + c["replies"]["data"].as_array().map_or(0, Vec::len))
                                .sum()
                        });
                        let mut m = m.clone();
                        m["comments_count"] = json!(count);
                        m
                    })
                    .collect(),
            ),
            (false, "comments") => Some(comments.get(node).cloned().unwrap_or_default()),
            _ => None,
        }
    }

    fn start(&self, page: usize) -> FakeServer {
        let server = FakeServer::start(|_| Reply::json(500, &json!({})));
        let base = server.url("");
        let a = self.clone();
        server.set(move |req| {
            let refused = a.tags_refused.load(std::sync::atomic::Ordering::SeqCst);
            if refused && (req.route() == format!("/v21.0/{IG}") || req.route().ends_with("/tags")) {
                return Reply::json(
                    403,
                    &json!({"error": {"message": "(#10) Application does not have permission for this action", "type": "OAuthException", "code": 10}}),
                );
            }
            let expired = a.expired.lock().unwrap().clone();
            if req.route().ends_with("/tags") && expired.is_some() && req.query("after") == expired {
                return Reply::json(
                    400,
                    &json!({"error": {"message": "(#100) The after cursor is not valid.", "type": "OAuthException", "code": 100, "fbtrace_id": "AxC"}}),
                );
            }
            let data = |n: &str, e: &str, _: &BTreeMap<String, String>| a.data(n, e);
            graph::answer(
                req,
                &graph::Fake {
                    base: &base,
                    token: TOKEN,
                    max_page: page,
                    data: &data,
                },
            )
        });
        server
    }
}

fn tagged_media() -> Vec<Value> {
    vec![
        media(
            "17900000000000003",
            Some("New wheels from @pedalpine 😍 #cycling"),
            "2026-09-06T12:00:00+0000",
            "jo_rides",
        ),
        media(
            "17900000000000002",
            None,
            "2026-09-05T12:00:00+0000",
            "sam.cycles",
        ),
        media(
            "17900000000000001",
            Some("Ride day"),
            "2026-09-04T12:00:00+0000",
            "kim",
        ),
    ]
}

fn account() -> Account {
    let a = Account::default();
    *a.tags.lock().unwrap() = tagged_media();
    *a.media.lock().unwrap() = vec![media(
        "17800000000000001",
        Some("Our autumn sale"),
        "2026-09-01T09:00:00+0000",
        "pedalpine",
    )];
    let mut first = ig_comment(
        "18000000000000001",
        "Is this on all bikes? 🚲",
        "2026-09-06T08:00:00+0000",
        "jo_rides",
        "17841400000000077",
    );
    first["replies"] = json!({"data": [
        ig_comment("18000000000000002", "@jo_rides yes, all of them!", "2026-09-06T08:05:00+0000", "pedalpine", IG),
        ig_comment("18000000000000003", "@pedalpine even e-bikes?", "2026-09-06T08:10:00+0000", "sam.cycles", "17841400000000078"),
    ]});
    a.comments
        .lock()
        .unwrap()
        .insert("17800000000000001".into(), vec![first]);
    a
}

#[test]
fn an_instagram_account_refused_its_tags_still_has_its_comments_read() {
    // The token may not read tags: the combined request and /tags are
    // refused, and the comments on the account's media are read all the same.
    let a = account();
    a.tags_refused
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let server = a.start(100);
    let out = run(&ig_row(&server)).unwrap();
    let routes = routes(&server.requests());
    assert_eq!(
        routes[..2],
        [format!("/v21.0/{IG}"), format!("/v21.0/{IG}/tags")]
    );
    assert!(routes.contains(&format!("/v21.0/{IG}/media")), "{routes:?}");
    let found = ids(&out);
    assert!(found.contains(&"18000000000000001"), "{found:?}");
    assert!(found.contains(&"18000000000000003"), "{found:?}");
    assert!(
        !found.iter().any(|id| id.starts_with("179")),
        "no tags: {found:?}"
    );
    assert!(cursor(&out)["separate_until"].as_i64().is_some());
    let partial = out.partial.unwrap();
    assert!(
        partial.starts_with(
            "Instagram wouldn't let Hearken read posts the account is tagged in; the rest was checked."
        ),
        "{partial}"
    );
}

#[test]
fn instagram_tags_and_comments_come_in_one_request_and_a_second_tags_page() {
    let server = account().start(2);
    let out = run(&ig_row(&server)).unwrap();
    let reqs = server.requests();
    let routes: Vec<&str> = reqs.iter().map(|r| r.route()).collect();
    assert_eq!(
        routes,
        [format!("/v21.0/{IG}"), format!("/v21.0/{IG}/tags")]
    );
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Bearer EAAB-test-page-token")
    );
    let tags = nested(&reqs[0], "tags");
    assert_eq!(tags.modifiers["limit"], "50");
    assert!(tags.sub.iter().any(|f| f.name == "timestamp"));
    let media_field = nested(&reqs[0], "media");
    assert_eq!(media_field.modifiers["limit"], "10");
    assert!(media_field.sub.iter().any(|f| f.name == "comments_count"));
    let comments = media_field
        .sub
        .iter()
        .find(|f| f.name == "comments")
        .unwrap();
    assert!(comments.sub.iter().any(|f| f.name == "replies"));
    assert_eq!(reqs[1].query("after").as_deref(), Some("cur2"));
    assert!(reqs.iter().all(|r| !r.path.contains("access_token")));

    assert_eq!(
        ids(&out),
        [
            "17900000000000003",
            "17900000000000002",
            "17900000000000001",
            "18000000000000001",
            "18000000000000003"
        ],
        "the business's own reply is not a mention"
    );
    let m = &out.mentions[0];
    assert_eq!(m.platform, Platform::Instagram);
    assert_eq!(m.text, "New wheels from @pedalpine 😍 #cycling");
    assert_eq!(m.author_handle.as_deref(), Some("jo_rides"));
    assert_eq!(m.created_at, "2026-09-06T12:00:00Z");
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.instagram.com/p/17900000000000003/")
    );
    // Captions can be missing.
    assert_eq!(out.mentions[1].text, "(a post without a caption)");
    let c = &out.mentions[4];
    assert_eq!(c.text, "@pedalpine even e-bikes?");
    assert_eq!(c.author_id.as_deref(), Some("17841400000000078"));
    assert_eq!(
        c.url.as_deref(),
        Some("https://www.instagram.com/p/17800000000000001/")
    );
    assert!(out.mentions.iter().all(|m| !m.from_search));
    let cur = cursor(&out);
    assert_eq!(cur["tags"]["seen"]["at"], unix("2026-09-06T12:00:00+0000"));
    assert_eq!(
        cur["comments"]["17800000000000001"]["at"],
        unix("2026-09-06T08:10:00+0000")
    );
    assert_eq!(cur["comment_counts"]["17800000000000001"], 3);
}

#[test]
fn a_quiet_instagram_poll_is_one_request_and_a_new_tag_comes_in_it() {
    let account = account();
    let server = account.start(2);
    let mut row = ig_row(&server);
    row.state = run(&row).unwrap().state;
    let before = server.requests().len();
    let quiet = run(&row).unwrap();
    assert_eq!(since(&server, before).len(), 1);
    assert!(quiet.mentions.is_empty());
    assert_eq!(quiet.state.cursor, row.state.cursor);

    // /tags has no `since`: it always starts from the newest.
    account.tags.lock().unwrap().insert(
        0,
        media(
            "17900000000000004",
            Some("Back at @pedalpine"),
            "2026-09-07T09:00:00+0000",
            "lee",
        ),
    );
    let before = server.requests().len();
    let out = run(&row).unwrap();
    assert_eq!(ids(&out), ["17900000000000004"]);
    assert_eq!(since(&server, before).len(), 1);
    assert_eq!(
        cursor(&out)["tags"]["seen"]["at"],
        unix("2026-09-07T09:00:00+0000")
    );
}

#[test]
fn instagram_comments_are_paged_only_when_their_count_changed() {
    let account = account();
    // Three comments in no promised order, two a page.
    account.comments.lock().unwrap().insert(
        "17800000000000001".into(),
        vec![
            ig_comment(
                "18100000000000001",
                "first",
                "2026-09-06T08:00:00+0000",
                "a",
                "1",
            ),
            ig_comment(
                "18100000000000002",
                "second",
                "2026-09-06T09:00:00+0000",
                "b",
                "2",
            ),
            ig_comment(
                "18100000000000003",
                "third",
                "2026-09-06T07:00:00+0000",
                "c",
                "3",
            ),
        ],
    );
    account.tags.lock().unwrap().truncate(1);
    let server = account.start(2);
    let mut row = ig_row(&server);
    let first = run(&row).unwrap();
    assert_eq!(first.mentions.len(), 4);
    assert_eq!(
        find(&server.requests(), "/v21.0/17800000000000001/comments").len(),
        1,
        "the second page of comments"
    );
    row.state = first.state;

    // The same count: the first page, in the combined answer, is enough.
    let before = server.requests().len();
    assert!(run(&row).unwrap().mentions.is_empty());
    assert_eq!(since(&server, before).len(), 1);

    // A new comment lands on the second page: the count moved, so it is read.
    account
        .comments
        .lock()
        .unwrap()
        .get_mut("17800000000000001")
        .unwrap()
        .push(ig_comment(
            "18100000000000004",
            "fourth, on the second page",
            "2026-09-06T10:00:00+0000",
            "d",
            "4",
        ));
    let before = server.requests().len();
    let out = run(&row).unwrap();
    assert_eq!(since(&server, before).len(), 2);
    assert_eq!(ids(&out), ["18100000000000004"]);
}

#[test]
fn a_comment_swapped_in_on_a_later_page_is_found_by_the_daily_full_read() {
    let account = account();
    let comment = |n: u32, hour: u32| {
        ig_comment(
            &format!("1810000000000000{n}"),
            &format!("comment {n}"),
            &format!("2026-09-06T{hour:02}:00:00+0000"),
            "a",
            "1",
        )
    };
    let media = "17800000000000001";
    account.comments.lock().unwrap().insert(
        media.into(),
        vec![comment(1, 8), comment(2, 9), comment(3, 7)],
    );
    account.tags.lock().unwrap().truncate(1);
    let server = account.start(2);
    let mut row = ig_row(&server);
    let first = run(&row).unwrap();
    assert_eq!(first.mentions.len(), 4);
    let read_at = cursor(&first)["comments_read_at"][media].as_i64().unwrap();
    assert!(
        (time::OffsetDateTime::now_utc().unix_timestamp() - read_at).abs() < 600,
        "{read_at}"
    );
    row.state = first.state;

    // The third comment is deleted and a fourth lands on the second page:
    // the count stands still, so within the day only the first page (in
    // the combined answer) is looked at.
    {
        let mut all = account.comments.lock().unwrap();
        let list = all.get_mut(media).unwrap();
        list.pop();
        list.push(comment(4, 10));
    }
    let before = server.requests().len();
    let out = run(&row).unwrap();
    assert!(out.mentions.is_empty(), "{:?}", ids(&out));
    assert_eq!(since(&server, before).len(), 1);
    assert_eq!(
        cursor(&out)["comments_read_at"][media].as_i64(),
        Some(read_at)
    );
    row.state = out.state;

    // A day after the last full read, the pages are read and the fourth is found.
    let mut stored = cursor_of(&row);
    stored["comments_read_at"][media] = json!(read_at - 24 * 3600 - 60);
    row.state.cursor = Some(stored.to_string());
    let before = server.requests().len();
    let out = run(&row).unwrap();
    assert_eq!(
        since(&server, before).len(),
        2,
        "the second page of comments"
    );
    assert_eq!(ids(&out), ["18100000000000004"]);
    let again = cursor(&out)["comments_read_at"][media].as_i64().unwrap();
    assert!(again >= read_at, "{again} after {read_at}");
    row.state = out.state;

    // Then one request a poll again.
    let before = server.requests().len();
    assert!(run(&row).unwrap().mentions.is_empty());
    assert_eq!(since(&server, before).len(), 1);
}

/// An account whose first poll saw one tagged post, then 25 more newest first.
fn account_with_a_burst_of_tags() -> (Account, FakeServer, SourceRow) {
    let account = Account::default();
    *account.tags.lock().unwrap() =
        vec![media("t000", Some("seed"), "2026-09-01T00:00:00+0000", "a")];
    let server = account.start(2);
    let mut row = ig_row(&server);
    row.state = run(&row).unwrap().state;
    let burst: Vec<Value> = (1..=25)
        .rev()
        .map(|n| {
            let at = format!("2026-09-02T10:{n:02}:00+0000");
            media(&format!("n{n:03}"), Some("tagged"), &at, "fan")
        })
        .collect();
    account.tags.lock().unwrap().splice(0..0, burst);
    (account, server, row)
}

fn burst_ids(range: impl Iterator<Item = u32>) -> Vec<String> {
    let mut v: Vec<String> = range.map(|n| format!("n{n:03}")).collect();
    v.sort();
    v
}

#[test]
fn instagram_tags_resume_after_the_page_cap_without_gaps_or_repeats() {
    let (_account, server, mut row) = account_with_a_burst_of_tags();
    let before = server.requests().len();
    let capped = run(&row).unwrap();
    assert_eq!(
        since(&server, before).len(),
        10,
        "the combined request and nine more pages"
    );
    assert_eq!(sorted_ids(&capped), burst_ids(6..=25));
    let c = cursor(&capped);
    assert_eq!(c["tags"]["after"], "cur20");
    assert_eq!(c["tags"]["seen"]["at"], unix("2026-09-01T00:00:00+0000"));
    assert_eq!(c["tags"]["newest"]["ids"], json!(["n025"]));
    assert_eq!(c["tags"]["oldest"]["ids"], json!(["n006"]));

    row.state = capped.state;
    let before = server.requests().len();
    let rest = run(&row).unwrap();
    let reqs = since(&server, before);
    let tags = find(&reqs, &format!("/v21.0/{IG}/tags"));
    assert_eq!(tags[0].query("after").as_deref(), Some("cur20"));
    assert_eq!(sorted_ids(&rest), burst_ids(1..=5));
    let c = cursor(&rest);
    assert_eq!(c["tags"]["seen"]["ids"], json!(["n025"]));
    assert!(c["tags"].get("after").is_none());

    row.state = rest.state;
    let before = server.requests().len();
    assert!(run(&row).unwrap().mentions.is_empty());
    assert_eq!(since(&server, before).len(), 1);
}

#[test]
fn an_expired_instagram_cursor_starts_again_from_the_newest_without_repeats() {
    let (account, server, mut row) = account_with_a_burst_of_tags();
    let capped = run(&row).unwrap();
    assert_eq!(sorted_ids(&capped), burst_ids(6..=25));
    row.state = capped.state.clone();

    // By the next poll Meta no longer takes the stored cursor, and one more
    // post was tagged.
    *account.expired.lock().unwrap() = Some("cur20".into());
    account.tags.lock().unwrap().insert(
        0,
        media("n026", Some("tagged"), "2026-09-03T00:00:00+0000", "fan"),
    );
    let before = server.requests().len();
    let next = run(&row).unwrap();
    let reqs = since(&server, before);
    assert!(
        reqs.iter()
            .any(|r| r.route().ends_with("/tags") && r.query("after").as_deref() == Some("cur20")),
        "the stored cursor was tried"
    );
    let mut seen = sorted_ids(&capped);
    // The walk from the newest is capped again inside the part already
    // returned: only the new post so far, and no repeats.
    assert_eq!(ids(&next), ["n026"]);
    seen.extend(sorted_ids(&next));
    row.state = next.state;
    *account.expired.lock().unwrap() = None;
    let last = run(&row).unwrap();
    seen.extend(sorted_ids(&last));
    assert_eq!(sorted_ids(&last), burst_ids(1..=5));
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "nothing came twice: {seen:?}");
    assert_eq!(unique, burst_ids(1..=26));
    row.state = last.state;
    assert!(run(&row).unwrap().mentions.is_empty());
}

#[test]
fn an_earlier_instagram_cursor_is_still_read() {
    let (_account, server, mut row) = account_with_a_burst_of_tags();
    // The earlier form: no `oldest`, no comment counts.
    row.state.cursor = Some(
        json!({
            "tags": {"seen": {"at": unix("2026-09-01T00:00:00+0000"), "ids": ["t000"]},
                     "after": "cur20",
                     "newest": {"at": unix("2026-09-02T10:25:00+0000"), "ids": ["n025"]}},
            "comments": {}
        })
        .to_string(),
    );
    let before = server.requests().len();
    let out = run(&row).unwrap();
    let reqs = since(&server, before);
    assert_eq!(
        find(&reqs, &format!("/v21.0/{IG}/tags"))[0]
            .query("after")
            .as_deref(),
        Some("cur20")
    );
    assert_eq!(sorted_ids(&out), burst_ids(1..=5));
    assert_eq!(cursor(&out)["tags"]["seen"]["ids"], json!(["n025"]));
}

#[test]
fn instagram_usage_near_the_limit_waits() {
    let account = account();
    let server = account.start(2);
    let base = server.url("");
    let a = account.clone();
    server.set(move |req| {
        let data = |n: &str, e: &str, _: &BTreeMap<String, String>| a.data(n, e);
        graph::answer(
            req,
            &graph::Fake {
                base: &base,
                token: TOKEN,
                max_page: 2,
                data: &data,
            },
        )
        .with_header(
            "X-Business-Use-Case-Usage",
            &format!(r#"{{"{IG}":[{{"type":"instagram","call_count":12,"total_cputime":96,"total_time":10,"estimated_time_to_regain_access":3}}]}}"#),
        )
    });
    let out = run(&ig_row(&server)).unwrap();
    assert_eq!(out.wait_secs, Some(180));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        ids(&out),
        [
            "17900000000000003",
            "17900000000000002",
            "18000000000000001",
            "18000000000000003"
        ]
    );
    // Stopped early on a first poll: no backfill, carry on from the newest.
    assert_eq!(
        cursor(&out)["tags"]["seen"]["at"],
        unix("2026-09-06T12:00:00+0000")
    );
}

#[test]
fn instagram_errors_are_read_like_facebooks() {
    let server = FakeServer::start(|_| {
        Reply::json(
            400,
            &json!({"error": {"message": "Error validating access token: Session has expired.", "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "x"}}),
        )
    });
    assert_eq!(
        run(&ig_row(&server)).unwrap_err().code(),
        "credential_rejected"
    );
    server.set(|_| {
        Reply::json(400, &json!({"error": {"message": "(#80002) There have been too many calls to this Instagram account.", "code": 80002}}))
            .with_header("Retry-After", "90")
    });
    let err = run(&ig_row(&server)).unwrap_err();
    assert_eq!(
        (err.code(), err.retry_after_secs()),
        ("rate_limited", Some(90))
    );
    let mut row = ig_row(&server);
    row.settings.clear();
    assert_eq!(run(&row).unwrap_err().code(), "needs_setup");
}
