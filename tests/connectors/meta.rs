//! Tests for the meta connector: see main.rs.

use super::*;
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

fn list_after(data: Vec<Value>, after: &str) -> Value {
    json!({
        "data": data,
        "paging": {
            "cursors": {"before": "QVFIUmJlZm9yZQ", "after": after},
            "next": format!("https://graph.facebook.com/v21.0/{PAGE}/feed?access_token=EAAB-test-page-token&after={after}")
        }
    })
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

fn routes(server: &FakeServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.route().to_string())
        .collect()
}

fn find<'a>(reqs: &'a [SeenRequest], route: &str) -> Vec<&'a SeenRequest> {
    reqs.iter().filter(|r| r.route() == route).collect()
}

/// A Page with two feed pages, a tag, and comments on its latest post.
fn facebook_page(req: &SeenRequest) -> Reply {
    let feed = format!("/v21.0/{PAGE}/feed");
    let tagged = format!("/v21.0/{PAGE}/tagged");
    let posts = format!("/v21.0/{PAGE}/posts");
    let route = req.route();
    if route == feed && req.query("after").is_none() {
        Reply::json(
            200,
            &list_after(
                vec![
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
                ],
                "QVFIUmFmdGVy",
            ),
        )
    } else if route == feed {
        Reply::json(
            200,
            &list(vec![post(
                &format!("{PAGE}_850"),
                "Is the shop open on Sunday?",
                "2026-09-06T15:00:00+0000",
                None,
            )]),
        )
    } else if route == tagged {
        Reply::json(
            200,
            &list(vec![
                post(
                    "5550002_77",
                    "Thanks @Pedal & Pine for the quick fix",
                    "2026-09-05T10:00:00+0000",
                    Some(("5550002", "Ashby Cycling Club")),
                ),
                // Also on the feed: must come once.
                post(
                    &format!("{PAGE}_900"),
                    "Great service at Pedal & Pine 🚲 <3",
                    "2026-09-06T16:20:00+0000",
                    Some(("5550001", "Jo Bloggs")),
                ),
            ]),
        )
    } else if route == posts {
        Reply::json(
            200,
            &list(vec![
                json!({"id": format!("{PAGE}_899"), "created_time": "2026-09-06T16:00:00+0000"}),
            ]),
        )
    } else if route == format!("/v21.0/{PAGE}_899/comments") {
        if req.query("after").is_some() {
            // Meta may send `next` on an empty last page.
            return Reply::json(200, &list_after(vec![], "MTAx"));
        }
        Reply::json(
            200,
            &list_after(
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
                ],
                "MTAw",
            ),
        )
    } else {
        Reply::json(
            404,
            &json!({"error": {"message": "Unknown path", "code": 803}}),
        )
    }
}

#[test]
fn a_facebook_page_yields_visitor_posts_tags_and_comments_once_each() {
    let server = FakeServer::start(facebook_page);
    let out = run(&fb_row(&server)).unwrap();
    let reqs = server.requests();
    for r in &reqs {
        assert!(r.route().starts_with("/v21.0/"), "{}", r.path);
        assert_eq!(
            r.header("authorization"),
            Some("Bearer EAAB-test-page-token")
        );
        assert!(!r.path.contains("access_token"), "{}", r.path);
    }
    let feed = find(&reqs, &format!("/v21.0/{PAGE}/feed"));
    assert_eq!(feed.len(), 2);
    let fields = feed[0].query("fields").unwrap();
    for f in ["id", "message", "created_time", "from", "permalink_url"] {
        assert!(fields.split(',').any(|x| x == f), "{fields}");
    }
    assert_eq!(feed[0].query("since"), None);
    assert_eq!(feed[1].query("after").as_deref(), Some("QVFIUmFmdGVy"));
    let comments = find(&reqs, &format!("/v21.0/{PAGE}_899/comments"));
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].query("filter").as_deref(), Some("stream"));
    assert_eq!(comments[0].query("order").as_deref(), Some("chronological"));

    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            format!("{PAGE}_900"),
            format!("{PAGE}_850"),
            "5550002_77".to_string(),
            format!("{PAGE}_899_3001"),
        ],
        "the Page's own posts and replies are not mentions"
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
        unix("2026-09-06T16:06:00+0000")
    );
    assert!(!out.state.cursor.unwrap().contains(TOKEN));
}

#[test]
fn a_second_facebook_poll_asks_since_the_last_post_and_returns_only_new_ones() {
    let server = FakeServer::start(facebook_page);
    let mut row = fb_row(&server);
    row.state = run(&row).unwrap().state;
    let since = unix("2026-09-06T16:20:00+0000");
    server.set(move |req| {
        let s: i64 = req.query("since").and_then(|v| v.parse().ok()).unwrap_or(0);
        let everything = match facebook_page(req) {
            Reply::Full { body, .. } => serde_json::from_slice::<Value>(&body).unwrap(),
            other => return other,
        };
        let mut data: Vec<Value> = everything["data"].as_array().cloned().unwrap_or_default();
        if req.route().ends_with("/feed") {
            data.insert(
                0,
                post(
                    &format!("{PAGE}_901"),
                    "Back again, still great",
                    "2026-09-06T18:00:00+0000",
                    Some(("5550009", "Kim")),
                ),
            );
        }
        // Meta's `since` is inclusive: the boundary post comes again.
        data.retain(|p| {
            p["created_time"].as_str().is_none_or(|t| unix(t) >= s)
                || req.route().ends_with("/posts")
        });
        Reply::json(200, &json!({"data": data}))
    });
    let before = server.requests().len();
    let out = run(&row).unwrap();
    let reqs = server.requests()[before..].to_vec();
    let feed = find(&reqs, &format!("/v21.0/{PAGE}/feed"));
    assert_eq!(feed[0].query("since"), Some(since.to_string()));
    let tagged = find(&reqs, &format!("/v21.0/{PAGE}/tagged"));
    assert_eq!(tagged[0].query("since"), Some(since.to_string()));
    let comments = find(&reqs, &format!("/v21.0/{PAGE}_899/comments"));
    assert_eq!(
        comments[0].query("since"),
        Some(unix("2026-09-06T16:06:00+0000").to_string())
    );
    let ids: Vec<_> = out.mentions.iter().map(|m| m.external_id.clone()).collect();
    assert_eq!(ids, [format!("{PAGE}_901")]);
    assert_eq!(
        cursor(&out)["feed"]["since"]["at"],
        unix("2026-09-06T18:00:00+0000")
    );
}

#[test]
fn a_facebook_poll_stopped_at_the_page_cap_resumes_without_gaps() {
    // Twelve feed pages of one post each, an hour apart, linked by `paging.next`
    // in the `until` + `__paging_token` form (no cursors).
    let server = FakeServer::start(|_| Reply::json(200, &list(vec![])));
    let base = server.url("");
    let top = unix("2026-09-06T12:00:00+0000");
    server.set(move |req| {
        if !req.route().ends_with("/feed") {
            return Reply::json(200, &list(vec![]));
        }
        let until: i64 = req.query("until").and_then(|v| v.parse().ok()).unwrap_or(i64::MAX);
        let since: i64 = req.query("since").and_then(|v| v.parse().ok()).unwrap_or(0);
        let times: Vec<i64> = (0..12).map(|i| top - i * 3600).filter(|t| *t <= until && *t >= since).collect();
        let Some(&at) = times.first() else {
            return Reply::json(200, &list(vec![]));
        };
        let time = time::OffsetDateTime::from_unix_timestamp(at).unwrap();
        let created = format!("{}+0000", time.format(&time::format_description::well_known::Rfc3339).unwrap().trim_end_matches('Z'));
        // The oldest post read in the first run is edited by the time the next one re-reads it.
        let text = if req.query("until").is_some() && req.query("__paging_token").is_none() { "edited" } else { "original" };
        let mut body = list(vec![post(&format!("{PAGE}_{at}"), text, &created, Some(("1", "Fan")))]);
        if times.len() > 1 {
            body["paging"] = json!({
                "previous": format!("{base}/v21.0/{PAGE}/feed?since={at}&access_token=EAAB-test-page-token&__paging_token=prev&__previous=1"),
                "next": format!("{base}/v21.0/{PAGE}/feed?fields=id,message&limit=100&since={since}&access_token=EAAB-test-page-token&until={}&__paging_token=enc_{at}", at - 1),
            });
        }
        Reply::json(200, &body)
    });
    let mut row = fb_row(&server);
    let since = top - 20 * 3600;
    row.state.cursor = Some(
        json!({"feed": {"since": {"at": since}}, "tagged": {"since": {"at": since}}}).to_string(),
    );
    let out = run(&row).unwrap();
    let feed_reqs = || -> Vec<SeenRequest> {
        server
            .requests()
            .into_iter()
            .filter(|r| r.route().ends_with("/feed"))
            .collect()
    };
    assert_eq!(feed_reqs().len(), 10);
    assert!(feed_reqs().iter().all(|r| !r.path.contains("access_token")));
    assert_eq!(
        feed_reqs()[1].query("__paging_token").as_deref(),
        Some(format!("enc_{top}").as_str())
    );
    assert_eq!(out.mentions.len(), 10);
    let c = cursor(&out);
    assert_eq!(c["feed"]["since"]["at"], since);
    assert_eq!(c["feed"]["until"], top - 9 * 3600);
    assert_eq!(c["feed"]["newest"]["at"], top);
    let mut all: Vec<(String, String)> = out
        .mentions
        .iter()
        .map(|m| (m.external_id.clone(), m.text.clone()))
        .collect();

    row.state = out.state;
    let out = run(&row).unwrap();
    let resumed = &feed_reqs()[10];
    assert_eq!(resumed.query("since"), Some(since.to_string()));
    assert_eq!(resumed.query("until"), Some((top - 9 * 3600).to_string()));
    all.extend(
        out.mentions
            .iter()
            .map(|m| (m.external_id.clone(), m.text.clone())),
    );
    let mut ids: Vec<String> = all.iter().map(|(id, _)| id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "every post read");
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
    let server = FakeServer::start(|req| {
        if req.route().ends_with("/feed") {
            Reply::json(
                200,
                &json!({
                    "data": [post("1_2", "hello", "2026-09-06T10:00:00+0000", None)],
                    "paging": {"next": "https://elsewhere.example/v21.0/feed?access_token=EAAB-test-page-token&until=1"}
                }),
            )
        } else {
            Reply::json(200, &list(vec![]))
        }
    });
    let out = run(&fb_row(&server)).unwrap();
    assert_eq!(out.mentions.len(), 1);
    assert_eq!(
        routes(&server)
            .iter()
            .filter(|r| r.ends_with("/feed"))
            .count(),
        1
    );
}

#[test]
fn high_business_use_case_usage_means_wait_for_metas_estimate() {
    let server = FakeServer::start(|_| {
        Reply::json(200, &list(vec![post("1_2", "hi", "2026-09-06T10:00:00+0000", None)]))
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
    assert_eq!(out.mentions.len(), 1);
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
            (b"{\"data\":[{\"id\":\"1_2\",\"message\":\"cu", "cut off"),
            (
                b"{\"data\":[{\"id\":\"1_2\",\"message\":\"\xff\"}]}",
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
fn a_failing_edge_after_a_good_one_keeps_what_was_read() {
    let server = FakeServer::start(|req| {
        if req.route().ends_with("/feed") {
            Reply::json(
                200,
                &list(vec![post("1_2", "kept", "2026-09-06T10:00:00+0000", None)]),
            )
        } else {
            Reply::json(
                403,
                &json!({"error": {"message": "(#10) This endpoint requires the 'pages_read_user_content' permission.", "type": "OAuthException", "code": 10}}),
            )
        }
    });
    let out = run(&fb_row(&server)).unwrap();
    assert_eq!(out.mentions.len(), 1);
    let c = cursor(&out);
    assert_eq!(c["feed"]["since"]["at"], unix("2026-09-06T10:00:00+0000"));
    assert!(
        c["tagged"].get("since").is_none(),
        "the failed edge stays where it was"
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

fn instagram(req: &SeenRequest) -> Reply {
    let route = req.route();
    if route == format!("/v21.0/{IG}/tags") {
        let all = tagged_media();
        match req.query("after").as_deref() {
            None => Reply::json(
                200,
                &json!({
                    "data": all[..2],
                    "paging": {"cursors": {"before": "b0", "after": "QVFIUnRhZ3M"}, "next": "https://graph.facebook.com/v21.0/x/tags?after=QVFIUnRhZ3M&access_token=EAAB-test-page-token"}
                }),
            ),
            Some(_) => Reply::json(
                200,
                &json!({"data": all[2..], "paging": {"cursors": {"before": "b1", "after": "end"}}}),
            ),
        }
    } else if route == format!("/v21.0/{IG}/media") {
        Reply::json(
            200,
            &list(vec![media(
                "17800000000000001",
                Some("Our autumn sale"),
                "2026-09-01T09:00:00+0000",
                "pedalpine",
            )]),
        )
    } else if route == "/v21.0/17800000000000001/comments" {
        Reply::json(
            200,
            &list(vec![json!({
                "id": "18000000000000001",
                "text": "Is this on all bikes? 🚲",
                "timestamp": "2026-09-06T08:00:00+0000",
                "username": "jo_rides",
                "from": {"id": "17841400000000077", "username": "jo_rides"},
                "replies": {"data": [
                    {"id": "18000000000000002", "text": "@jo_rides yes, all of them!", "timestamp": "2026-09-06T08:05:00+0000", "username": "pedalpine", "from": {"id": IG, "username": "pedalpine"}},
                    {"id": "18000000000000003", "text": "@pedalpine even e-bikes?", "timestamp": "2026-09-06T08:10:00+0000", "username": "sam.cycles", "from": {"id": "17841400000000078", "username": "sam.cycles"}}
                ]}
            })]),
        )
    } else {
        Reply::json(
            400,
            &json!({"error": {"message": "Unsupported get request.", "code": 100}}),
        )
    }
}

#[test]
fn instagram_tags_and_comments_become_mentions_addressed_to_the_business() {
    let server = FakeServer::start(instagram);
    let out = run(&ig_row(&server)).unwrap();
    let reqs = server.requests();
    let tags = find(&reqs, &format!("/v21.0/{IG}/tags"));
    assert_eq!(tags.len(), 2);
    assert_eq!(
        tags[0].header("authorization"),
        Some("Bearer EAAB-test-page-token")
    );
    assert!(tags[0].query("fields").unwrap().contains("timestamp"));
    assert_eq!(tags[1].query("after").as_deref(), Some("QVFIUnRhZ3M"));
    assert!(reqs.iter().all(|r| !r.path.contains("access_token")));

    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(
        ids,
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
}

#[test]
fn a_second_instagram_poll_returns_only_what_is_new() {
    let server = FakeServer::start(instagram);
    let mut row = ig_row(&server);
    row.state = run(&row).unwrap().state;
    server.set(|req| {
        if req.route().ends_with("/tags") {
            let mut all = tagged_media();
            all.insert(
                0,
                media(
                    "17900000000000004",
                    Some("Back at @pedalpine"),
                    "2026-09-07T09:00:00+0000",
                    "lee",
                ),
            );
            // /tags has no `since`: it always starts from the newest.
            return Reply::json(200, &json!({"data": all}));
        }
        instagram(req)
    });
    let before = server.requests().len();
    let out = run(&row).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["17900000000000004"]);
    let reqs = server.requests()[before..].to_vec();
    assert_eq!(find(&reqs, &format!("/v21.0/{IG}/tags")).len(), 1);
    assert_eq!(
        cursor(&out)["tags"]["seen"]["at"],
        unix("2026-09-07T09:00:00+0000")
    );
}

#[test]
fn instagram_usage_near_the_limit_waits() {
    let server = FakeServer::start(|req| {
        instagram(req).with_header(
            "X-Business-Use-Case-Usage",
            &format!(r#"{{"{IG}":[{{"type":"instagram","call_count":12,"total_cputime":96,"total_time":10,"estimated_time_to_regain_access":3}}]}}"#),
        )
    });
    let out = run(&ig_row(&server)).unwrap();
    assert_eq!(out.wait_secs, Some(180));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(out.mentions.len(), 2);
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
