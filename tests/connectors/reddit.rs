//! Reddit against a fake that issues tokens at `/api/v1/access_token` and
//! serves newest-first listings paged by `after` fullnames.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};

const SECRET: &str = "app-secret-xyz";

/// Listings by route, newest first.
#[derive(Clone, Default)]
struct Reddit {
    listings: Arc<Mutex<HashMap<String, Vec<Value>>>>,
    tokens: Arc<Mutex<u32>>,
}

impl Reddit {
    fn push_new(&self, route: &str, things: Vec<Value>) {
        let mut l = self.listings.lock().unwrap();
        let list = l.entry(route.to_string()).or_default();
        for t in things {
            list.insert(0, t);
        }
    }

    fn token(&self, req: &SeenRequest) -> Reply {
        assert_eq!(req.method, "POST");
        let mut n = self.tokens.lock().unwrap();
        *n += 1;
        Reply::json(
            200,
            &json!({"access_token": format!("tok-{n}"), "token_type": "bearer", "expires_in": 3600, "scope": "*"}),
        )
    }

    fn listing(&self, req: &SeenRequest) -> Reply {
        let l = self.listings.lock().unwrap();
        let all = l.get(req.route()).cloned().unwrap_or_default();
        let limit: usize = req.query("limit").unwrap().parse().unwrap();
        let start = match req.query("after") {
            Some(a) => {
                all.iter()
                    .position(|t| t["data"]["name"] == a.as_str())
                    .unwrap()
                    + 1
            }
            None => 0,
        };
        let page: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
        let after = if start + limit < all.len() {
            page.last()
                .map(|t| t["data"]["name"].clone())
                .unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        Reply::json(200, &listing(page, after)).with_header("x-ratelimit-remaining", "596.0")
    }

    fn start(&self) -> FakeServer {
        let r = self.clone();
        FakeServer::start(move |req| {
            if req.route() == "/api/v1/access_token" {
                r.token(req)
            } else {
                r.listing(req)
            }
        })
    }
}

fn listing(children: Vec<Value>, after: Value) -> Value {
    json!({"kind": "Listing", "data": {"after": after, "before": null, "dist": children.len(),
        "modhash": "", "geo_filter": "", "children": children}})
}

fn post(id: &str, created: f64, title: &str, selftext: &str) -> Value {
    json!({"kind": "t3", "data": {
        "id": id, "name": format!("t3_{id}"), "title": title, "selftext": selftext,
        "author": "cyclist_jo", "author_fullname": "t2_abc12", "created_utc": created, "created": created,
        "permalink": format!("/r/ashby/comments/{id}/a_title/"), "subreddit": "ashby",
        "subreddit_name_prefixed": "r/ashby", "url": format!("https://www.reddit.com/r/ashby/comments/{id}/a_title/"),
        "edited": false, "over_18": false
    }})
}

fn row(server: &FakeServer, settings: &[(&str, &str)]) -> SourceRow {
    let mut s = vec![("client_id", "p-jcoLKBynTLew"), ("username", "pedal_owner")];
    s.extend_from_slice(settings);
    source(Platform::Reddit, &server.url(""), &s)
}

fn run_with(
    row: &SourceRow,
    terms: &[&str],
    sessions: &Sessions,
    refresh: Option<&str>,
) -> Result<FetchOutcome, FetchError> {
    let (meter, http) = (Meter::unlimited(), client());
    let mut f = Fetch::new(row, sessions, &meter, &http);
    f.secret = Some(SECRET);
    f.terms = terms.iter().map(|t| t.to_string()).collect();
    if let Some(r) = refresh {
        f.extra_secrets.insert("refresh_token".into(), r.into());
    }
    f.run()
}

fn run(row: &SourceRow, terms: &[&str]) -> Result<FetchOutcome, FetchError> {
    run_with(row, terms, &Sessions::default(), None)
}

#[test]
fn search_and_subreddit_posts_on_two_pages_are_mapped_with_the_app_token() {
    let reddit = Reddit::default();
    let mut filler: Vec<Value> = (0..110)
        .map(|n| {
            post(
                &format!("f{n:03}"),
                1_788_000_000.0 + n as f64,
                "filler",
                "",
            )
        })
        .collect();
    filler.push(post(
        "1abcde",
        1_788_600_000.5,
        "Pedal &amp; Pine fixed my wheel 🚲",
        "Great  work &lt;3, would go again",
    ));
    reddit.push_new("/search", filler);
    reddit.push_new(
        "/r/ashby/new",
        vec![post(
            "2fghij",
            1_788_500_000.0,
            "Bike shops in Ashby?",
            "Any tips",
        )],
    );
    let server = reddit.start();
    let row = row(&server, &[("subreddits", "r/ashby")]);
    let out = run(&row, &["Pedal & Pine"]).unwrap();

    assert_eq!(out.mentions.len(), 112);
    let m = out
        .mentions
        .iter()
        .find(|m| m.external_id == "t3_1abcde")
        .unwrap();
    assert_eq!(
        m.text,
        "Pedal & Pine fixed my wheel 🚲\nGreat  work <3, would go again"
    );
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.reddit.com/r/ashby/comments/1abcde/a_title/")
    );
    assert_eq!(m.author_handle.as_deref(), Some("cyclist_jo"));
    assert_eq!(m.author_id.as_deref(), Some("t2_abc12"));
    assert_eq!(
        m.created_at, "2026-09-05T09:20:00Z",
        "float created_utc, truncated"
    );
    assert!(m.from_search);
    assert!(out
        .mentions
        .iter()
        .any(|m| m.external_id == "t3_2fghij" && m.from_search));
    assert_eq!(out.title.as_deref(), Some("Reddit (u/pedal_owner)"));

    let reqs = server.requests();
    let token: Vec<&SeenRequest> = reqs
        .iter()
        .filter(|r| r.route() == "/api/v1/access_token")
        .collect();
    assert_eq!(token.len(), 1, "one token for the whole poll");
    assert_eq!(
        token[0].form("grant_type").as_deref(),
        Some("client_credentials")
    );
    assert_eq!(
        token[0].header("authorization"),
        Some("Basic cC1qY29MS0J5blRMZXc6YXBwLXNlY3JldC14eXo=")
    );
    let search: Vec<&SeenRequest> = reqs.iter().filter(|r| r.route() == "/search").collect();
    assert_eq!(search.len(), 2);
    assert_eq!(search[0].query("after"), None);
    assert_eq!(search[1].query("after").as_deref(), Some("t3_f011"));
    for r in reqs.iter().filter(|r| r.route() != "/api/v1/access_token") {
        assert_eq!(r.header("authorization"), Some("bearer tok-1"));
        assert_eq!(r.query("raw_json").as_deref(), Some("1"));
        assert_eq!(r.query("limit").as_deref(), Some("100"));
        let ua = r.header("user-agent").unwrap();
        assert!(
            ua.starts_with("desktop:hearken:") && ua.ends_with("(by /u/pedal_owner)"),
            "{ua}"
        );
    }
    assert_eq!(search[0].query("q").as_deref(), Some("\"Pedal & Pine\""));
    assert_eq!(search[0].query("sort").as_deref(), Some("new"));
    assert_eq!(search[0].query("type").as_deref(), Some("link"));
    assert!(!out.state.cursor.unwrap().contains(SECRET));
}

#[test]
fn the_next_poll_stops_at_the_newest_post_it_returned() {
    let reddit = Reddit::default();
    reddit.push_new(
        "/search",
        vec![
            post("a1", 1_788_000_000.0, "Pedal one", ""),
            post("a2", 1_788_000_100.0, "Pedal two", ""),
        ],
    );
    let server = reddit.start();
    let row = row(&server, &[]);
    let sessions = Sessions::default();
    let first = run_with(&row, &["pedal"], &sessions, None).unwrap();
    assert_eq!(sorted_ids(&first), ["t3_a1", "t3_a2"]);

    reddit.push_new(
        "/search",
        vec![post("a3", 1_788_000_200.0, "Pedal three", "")],
    );
    let before = server.requests().len();
    let second = run_with(&with_cursor(&row, &first), &["pedal"], &sessions, None).unwrap();
    assert_eq!(sorted_ids(&second), ["t3_a3"]);
    let asked: Vec<SeenRequest> = server.requests().split_off(before);
    assert_eq!(asked.len(), 1, "one page, the cached token: {asked:?}");
    assert_eq!(asked[0].query("after"), None);
}

#[test]
fn an_edited_post_back_on_the_page_is_stored_as_edited_not_twice() {
    let reddit = Reddit::default();
    reddit.push_new(
        "/search",
        vec![
            post(
                "e1",
                1_788_000_000.0,
                "Pedal & Pine service",
                "Quick and friendly.",
            ),
            post("e2", 1_788_000_100.0, "Pedal & Pine again", "Fine."),
        ],
    );
    let server = reddit.start();
    let stash = Stash::new();
    let mut row = row(&server, &[]);
    let first = run(&row, &["pedal"]).unwrap();
    assert_eq!(stash.keep(&first), (2, 0));
    row = with_cursor(&row, &first);
    // Nothing changed: nothing returned.
    let quiet = run(&row, &["pedal"]).unwrap();
    assert!(quiet.mentions.is_empty());
    row = with_cursor(&row, &quiet);

    // The author edits the older post; Reddit stamps it with `edited`.
    {
        let mut l = reddit.listings.lock().unwrap();
        let e1 = l
            .get_mut("/search")
            .unwrap()
            .iter_mut()
            .find(|t| t["data"]["id"] == "e1")
            .unwrap();
        e1["data"]["selftext"] = json!("EDIT: the wheel came off a day later.");
        e1["data"]["edited"] = json!(1_788_003_600.0);
    }
    let before = server.requests().len();
    let edited = run(&row, &["pedal"]).unwrap();
    let asked: Vec<SeenRequest> = server.requests().split_off(before);
    assert_eq!(
        asked.iter().filter(|r| r.route() == "/search").count(),
        1,
        "no extra request: {asked:?}"
    );
    assert_eq!(sorted_ids(&edited), ["t3_e1"]);
    assert_eq!(
        edited.mentions[0].text,
        "Pedal & Pine service\nEDIT: the wheel came off a day later."
    );
    assert_eq!(stash.keep(&edited), (0, 1));
    assert_eq!(stash.count(), 2);
    assert_eq!(
        stash.text_of("t3_e1").as_deref(),
        Some("Pedal & Pine service\nEDIT: the wheel came off a day later.")
    );
    // Taken in: not returned again, and the newest mark stays on e2.
    row = with_cursor(&row, &edited);
    let c: Value = serde_json::from_str(row.state.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c["listings"]["search:pedal"]["newest"]["name"], "t3_e2");
    assert!(run(&row, &["pedal"]).unwrap().mentions.is_empty());
}

#[test]
fn a_deleted_newest_post_still_stops_the_next_poll_by_its_time() {
    let reddit = Reddit::default();
    reddit.push_new(
        "/search",
        vec![
            post("b1", 1_788_000_000.0, "Pedal one", ""),
            post("b2", 1_788_000_100.0, "Pedal two", ""),
        ],
    );
    let server = reddit.start();
    let row = row(&server, &[]);
    let first = run(&row, &["pedal"]).unwrap();
    // b2 disappears (deleted); a new post arrives.
    reddit
        .listings
        .lock()
        .unwrap()
        .get_mut("/search")
        .unwrap()
        .remove(0);
    reddit.push_new(
        "/search",
        vec![post("b3", 1_788_000_300.0, "Pedal three", "")],
    );
    let second = run(&with_cursor(&row, &first), &["pedal"]).unwrap();
    assert_eq!(sorted_ids(&second), ["t3_b3"]);
}

#[test]
fn a_poll_stopped_at_the_page_cap_continues_with_after_next_time() {
    let reddit = Reddit::default();
    reddit.push_new(
        "/search",
        vec![post("seed", 1_700_000_000.0, "Pedal seed", "")],
    );
    let server = reddit.start();
    let row = row(&server, &[]);
    let first = run(&row, &["pedal"]).unwrap();
    let burst: Vec<Value> = (0..1050)
        .map(|n| {
            post(
                &format!("n{n:04}"),
                1_700_000_001.0 + n as f64,
                "Pedal busy",
                "",
            )
        })
        .collect();
    reddit.push_new("/search", burst);
    let row2 = with_cursor(&row, &first);
    let second = run(&row2, &["pedal"]).unwrap();
    assert_eq!(second.mentions.len(), 1000, "ten pages of a hundred");
    let before = server.requests().len();
    let third = run(&with_cursor(&row2, &second), &["pedal"]).unwrap();
    let asked = server.requests().split_off(before);
    assert!(
        asked
            .iter()
            .any(|r| r.query("after").as_deref() == Some("t3_n0050")),
        "continues after the oldest post read"
    );
    let mut all = sorted_ids(&second);
    all.extend(sorted_ids(&third));
    all.sort();
    all.dedup();
    let want: Vec<String> = (0..1050).map(|n| format!("t3_n{n:04}")).collect();
    assert_eq!(all, want, "nothing lost, seed not repeated");
}

#[test]
fn the_same_post_on_two_pages_or_two_listings_appears_once() {
    let server = FakeServer::start(|req| match req.route() {
        "/api/v1/access_token" => {
            Reply::json(200, &json!({"access_token": "t", "expires_in": 3600}))
        }
        _ => {
            let p = post("dup", 1_788_000_000.0, "Pedal and Pine", "");
            let after = if req.query("after").is_none() {
                json!("t3_dup")
            } else {
                Value::Null
            };
            Reply::json(200, &listing(vec![p], after))
        }
    });
    let row = row(&server, &[("subreddits", "ashby")]);
    let out = run(&row, &["pedal"]).unwrap();
    assert_eq!(sorted_ids(&out), ["t3_dup"]);
    assert_eq!(
        server.requests().len(),
        5,
        "token, two search pages, two subreddit pages"
    );
}

#[test]
fn no_calls_remaining_becomes_a_wait_and_stops_the_poll() {
    let server = FakeServer::start(|req| match req.route() {
        "/api/v1/access_token" => {
            Reply::json(200, &json!({"access_token": "t", "expires_in": 3600}))
        }
        _ => Reply::json(
            200,
            &listing(vec![post("c1", 1_788_000_000.0, "Pedal", "")], Value::Null),
        )
        .with_header("x-ratelimit-used", "600")
        .with_header("x-ratelimit-remaining", "0.0")
        .with_header("x-ratelimit-reset", "240"),
    });
    let row = row(&server, &[("subreddits", "ashby")]);
    let out = run(&row, &["pedal"]).unwrap();
    assert_eq!(out.wait_secs, Some(240));
    assert_eq!(sorted_ids(&out), ["t3_c1"]);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.route() == "/r/ashby/new"),
        "no request after Reddit said none remain"
    );
}

#[test]
fn an_html_429_is_rate_limited_not_malformed() {
    let html = "<!doctype html><html><head><title>Too Many Requests</title></head><body><h1>whoa there, pardner!</h1></body></html>";
    for (header, value, want) in [("retry-after", "30", 30), ("x-ratelimit-reset", "412", 412)] {
        let server = FakeServer::start(move |req| match req.route() {
            "/api/v1/access_token" => {
                Reply::json(200, &json!({"access_token": "t", "expires_in": 3600}))
            }
            _ => Reply::status(429, "text/html; charset=UTF-8", html).with_header(header, value),
        });
        let err = run(&row(&server, &[]), &["pedal"]).unwrap_err();
        assert_eq!(err.code(), "rate_limited", "{err}");
        assert_eq!(err.retry_after_secs(), Some(want));
    }
}

#[test]
fn a_401_gets_one_new_token_then_is_credential_rejected() {
    let reddit = Reddit::default();
    let r = reddit.clone();
    let server = FakeServer::start(move |req| match req.route() {
        "/api/v1/access_token" => r.token(req),
        // Only the second token works.
        _ if req.header("authorization") == Some("bearer tok-2") => Reply::json(
            200,
            &listing(vec![post("d1", 1_788_000_000.0, "Pedal", "")], Value::Null),
        ),
        _ => Reply::json(401, &json!({"error": 401})).with_header(
            "www-authenticate",
            "Bearer realm=\"reddit\", error=\"invalid_token\"",
        ),
    });
    let row = row(&server, &[]);
    let out = run(&row, &["pedal"]).unwrap();
    assert_eq!(sorted_ids(&out), ["t3_d1"]);
    assert_eq!(*reddit.tokens.lock().unwrap(), 2);

    server.set(|req| match req.route() {
        "/api/v1/access_token" => {
            Reply::json(200, &json!({"access_token": "t", "expires_in": 3600}))
        }
        _ => Reply::json(401, &json!({"error": 401})),
    });
    let err = run(&row, &["pedal"]).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");

    server.set(|_| Reply::json(401, &json!({"message": "Unauthorized", "error": 401})));
    let err = run(&row, &["pedal"]).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(SECRET));
}

#[test]
fn bad_answers_are_errors_in_plain_words() {
    let cases: Vec<(Reply, &str, &str)> = vec![
        (
            Reply::status(500, "text/html", "<html>oops</html>"),
            "http_status",
            "500",
        ),
        (
            Reply::ok("text/html", "<!DOCTYPE html><html>blocked</html>"),
            "malformed",
            "web page",
        ),
        (
            Reply::ok(
                "application/json",
                "{\"kind\": \"Listing\", \"data\": {\"chil",
            ),
            "malformed",
            "cut off",
        ),
        (
            Reply::ok("application/json", b"{\"kind\": \"\xff\"}".to_vec()),
            "malformed",
            "valid text",
        ),
        (
            Reply::json(
                404,
                &json!({"reason": "banned", "message": "Not Found", "error": 404}),
            ),
            "platform_error",
            "banned",
        ),
        (
            Reply::json(
                403,
                &json!({"reason": "private", "message": "Forbidden", "error": 403}),
            ),
            "platform_error",
            "private",
        ),
        (
            Reply::status(403, "text/html", "<html><body>blocked</body></html>"),
            "platform_error",
            "approved",
        ),
    ];
    assert_answers_fail(cases, |r| {
        let server = FakeServer::start(move |req| match req.route() {
            "/api/v1/access_token" => {
                Reply::json(200, &json!({"access_token": "t", "expires_in": 3600}))
            }
            _ => r.clone(),
        });
        run(&row(&server, &[]), &["pedal"]).unwrap_err()
    });
}

#[test]
fn removed_posts_keep_their_title_and_deleted_comments_are_skipped() {
    let server = FakeServer::start(|req| match req.route() {
        "/api/v1/access_token" => {
            Reply::json(200, &json!({"access_token": "t", "expires_in": 3600}))
        }
        _ => {
            let mut removed = post(
                "r1",
                1_788_000_000.0,
                "Pedal & Pine ruined my bike",
                "[removed]",
            );
            removed["data"]["author"] = json!("[deleted]");
            removed["data"]
                .as_object_mut()
                .unwrap()
                .remove("author_fullname");
            let deleted = json!({"kind": "t1", "data": {"name": "t1_x", "body": "[deleted]", "author": "[deleted]", "created_utc": 1_788_000_001.0}});
            Reply::json(200, &listing(vec![removed, deleted], Value::Null))
        }
    });
    let out = run(&row(&server, &[]), &["pedal"]).unwrap();
    assert_eq!(sorted_ids(&out), ["t3_r1"]);
    let m = &out.mentions[0];
    assert_eq!(m.text, "Pedal & Pine ruined my bike");
    assert_eq!(m.author_handle, None);
    assert_eq!(m.author_id, None);
}

#[test]
fn with_a_refresh_token_the_inbox_mentions_are_read_as_addressed_to_the_business() {
    let server = FakeServer::start(|req| match req.route() {
        "/api/v1/access_token" => Reply::json(
            200,
            &json!({"access_token": "user-tok", "expires_in": 3600}),
        ),
        "/message/mentions" => Reply::json(
            200,
            &listing(
                vec![json!({"kind": "t1", "data": {
                    "name": "t1_m1", "id": "m1", "body": "u/pedal_owner can you help? &amp; thanks",
                    "author": "rider", "subject": "username mention", "was_comment": true,
                    "context": "/r/ashby/comments/xyz/flat_tyre/m1/?context=3", "created_utc": 1_788_000_000.0
                }})],
                Value::Null,
            ),
        ),
        _ => Reply::json(200, &listing(vec![], Value::Null)),
    });
    let out = run_with(
        &row(&server, &[]),
        &[],
        &Sessions::default(),
        Some("refresh-abc"),
    )
    .unwrap();
    let m = &out.mentions[0];
    assert_eq!(m.external_id, "t1_m1");
    assert!(!m.from_search);
    assert_eq!(m.text, "u/pedal_owner can you help? & thanks");
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.reddit.com/r/ashby/comments/xyz/flat_tyre/m1/?context=3")
    );
    let token = &server.requests()[0];
    assert_eq!(token.form("grant_type").as_deref(), Some("refresh_token"));
    assert_eq!(token.form("refresh_token").as_deref(), Some("refresh-abc"));
    assert_eq!(
        server.requests()[1].header("authorization"),
        Some("bearer user-tok")
    );

    server.set(|req| match req.route() {
        "/api/v1/access_token" => Reply::json(400, &json!({"error": "invalid_grant"})),
        _ => Reply::json(200, &listing(vec![], Value::Null)),
    });
    let err = run_with(
        &row(&server, &[]),
        &[],
        &Sessions::default(),
        Some("revoked"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
}

#[test]
fn without_a_client_id_or_anything_to_read_it_asks_for_setup() {
    let no_id = source(Platform::Reddit, "http://127.0.0.1:9", &[]);
    assert_eq!(run(&no_id, &["pedal"]).unwrap_err().code(), "needs_setup");
    let nothing = source(
        Platform::Reddit,
        "http://127.0.0.1:9",
        &[("client_id", "x")],
    );
    let err = run(&nothing, &[]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("Watches"));
}
