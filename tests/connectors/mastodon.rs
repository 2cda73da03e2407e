//! Mastodon against a fake instance whose timelines page like Mastodon's
//! `Paginable`: `max_id` pages back newest first, `min_id` returns the
//! `limit` items right after it, still newest first (ascending, then reversed).

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};

const TOKEN: &str = "mastodon-token-abc";

/// One timeline: (paging id, item) in ascending id order.
#[derive(Clone, Default)]
struct Timeline {
    items: Arc<Mutex<Vec<(u64, Value)>>>,
}

impl Timeline {
    fn push(&self, id: u64, item: Value) {
        let mut items = self.items.lock().unwrap();
        items.push((id, item));
        items.sort_by_key(|(i, _)| *i);
    }

    /// Paginable's `to_a_paginated_by_id`.
    fn page(&self, req: &SeenRequest) -> Vec<Value> {
        let items = self.items.lock().unwrap().clone();
        let limit: usize = req.query("limit").map(|l| l.parse().unwrap()).unwrap_or(20);
        let max_id: Option<u64> = req.query("max_id").map(|v| v.parse().unwrap());
        let below = |i: u64| max_id.is_none_or(|m| i < m);
        match req.query("min_id").map(|v| v.parse::<u64>().unwrap()) {
            Some(min) => {
                let mut asc: Vec<Value> = items
                    .into_iter()
                    .filter(|(i, _)| *i > min && below(*i))
                    .take(limit)
                    .map(|(_, v)| v)
                    .collect();
                asc.reverse();
                asc
            }
            None => items
                .into_iter()
                .rev()
                .filter(|(i, _)| below(*i))
                .take(limit)
                .map(|(_, v)| v)
                .collect(),
        }
    }
}

fn status(id: u64, html: &str) -> Value {
    json!({
        "id": id.to_string(), "uri": format!("https://remote.example/users/jo/statuses/{id}"),
        "url": format!("https://remote.example/@jo/{id}"), "created_at": "2026-09-05T10:00:00.000Z",
        "edited_at": null, "content": html, "spoiler_text": "", "sensitive": false,
        "visibility": "public", "language": "en", "reblog": null,
        "in_reply_to_id": null, "in_reply_to_account_id": null, "mentions": [], "tags": [],
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
        "account": {"id": "109", "username": "jo", "acct": "jo@remote.example", "display_name": "Jo 🚲", "url": "https://remote.example/@jo"}
    })
}

fn row(server: &FakeServer, hashtags: &str) -> SourceRow {
    source(
        Platform::Mastodon,
        &server.url(""),
        &[("hashtags", hashtags)],
    )
}

fn run(row: &SourceRow, token: Option<&str>, terms: &[&str]) -> Result<FetchOutcome, FetchError> {
    let (sessions, meter, http) = (Sessions::default(), Meter::unlimited(), client());
    let mut f = Fetch::new(row, &sessions, &meter, &http);
    f.secret = token;
    f.terms = terms.iter().map(|t| t.to_string()).collect();
    f.run()
}

fn uri(id: u64) -> String {
    format!("https://remote.example/users/jo/statuses/{id}")
}

fn tag_server(tag: &Timeline) -> FakeServer {
    let t = tag.clone();
    FakeServer::start(move |req| {
        if req.route().starts_with("/api/v1/timelines/tag/") {
            Reply::json(200, &Value::Array(t.page(req)))
        } else {
            Reply::json(404, &json!({"error": "Record not found"}))
        }
    })
}

#[test]
fn a_first_poll_reads_two_pages_of_a_hashtag_as_plain_text() {
    let tag = Timeline::default();
    for n in 0..48u64 {
        tag.push(
            110_000_000_000_000_100 + n,
            status(110_000_000_000_000_100 + n, "<p>filler</p>"),
        );
    }
    let mut cw = status(110_000_000_000_000_900, "<p>They fixed it &amp; charged &quot;fairly&quot; 🚲<br>Would go back.</p><p><a href=\"https://remote.example/tags/pedalandpine\" class=\"mention hashtag\">#<span>PedalAndPine</span></a></p>");
    cw["spoiler_text"] = json!("Bike repair review");
    cw["created_at"] = json!("2019-12-08T03:48:33.901Z");
    tag.push(110_000_000_000_000_900, cw);
    let original = {
        let mut s = status(7_000, "<p>Original by the shop&#39;s fan</p>");
        s["uri"] = json!("https://other.example/users/fan/statuses/7000");
        s["url"] = json!("https://other.example/@fan/7000");
        s["account"] = json!({"id": "55", "username": "fan", "acct": "fan", "display_name": ""});
        s
    };
    let mut boost = status(110_000_000_000_000_950, "");
    boost["reblog"] = original;
    tag.push(110_000_000_000_000_950, boost);
    let server = tag_server(&tag);
    let row = row(&server, "#PedalAndPine, Qualitätskatzen");
    let out = run(&row, None, &["Pedal & Pine"]).unwrap();

    assert_eq!(out.mentions.len(), 50);
    let m = out
        .mentions
        .iter()
        .find(|m| m.external_id == uri(110_000_000_000_000_900))
        .unwrap();
    assert_eq!(
        m.text,
        "Bike repair review\nThey fixed it & charged \"fairly\" 🚲\nWould go back.\n#PedalAndPine"
    );
    assert_eq!(m.author_handle.as_deref(), Some("jo@remote.example"));
    assert_eq!(m.author_name.as_deref(), Some("Jo 🚲"));
    assert_eq!(m.author_id.as_deref(), Some("109"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://remote.example/@jo/110000000000000900")
    );
    assert_eq!(m.created_at, "2019-12-08T03:48:33Z");
    assert_eq!(m.language.as_deref(), Some("en"));
    assert!(m.from_search);
    let b = out
        .mentions
        .iter()
        .find(|m| m.external_id.contains("other.example"))
        .unwrap();
    assert_eq!(
        b.text, "Original by the shop's fan",
        "a boost reads as the boosted post"
    );
    assert_eq!(
        b.author_handle.as_deref(),
        Some("fan@127.0.0.1"),
        "local accounts get the instance"
    );
    assert_eq!(b.author_name, None);

    let reqs = server.requests();
    let pedal: Vec<&SeenRequest> = reqs
        .iter()
        .filter(|r| r.route().ends_with("/PedalAndPine"))
        .collect();
    assert_eq!(pedal.len(), 2);
    assert_eq!(pedal[0].query("limit").as_deref(), Some("40"));
    assert_eq!(pedal[0].query("max_id"), None);
    assert_eq!(
        pedal[1].query("max_id").as_deref(),
        Some("110000000000000110")
    );
    assert!(reqs
        .iter()
        .any(|r| r.route() == "/api/v1/timelines/tag/Qualit%C3%A4tskatzen"));
    assert!(reqs.iter().all(|r| r.header("authorization").is_none()));
    assert!(
        !reqs.iter().any(|r| r.route().contains("search")),
        "no search without a token"
    );
}

#[test]
fn catching_up_follows_min_id_through_newest_first_pages_and_never_skips() {
    let tag = Timeline::default();
    tag.push(1_000, status(1_000, "<p>seed</p>"));
    let server = tag_server(&tag);
    let row = row(&server, "pedalandpine");
    let first = run(&row, None, &[]).unwrap();
    assert_eq!(sorted_ids(&first), [uri(1_000)]);

    for id in 1_001..1_091u64 {
        tag.push(id, status(id, "<p>new</p>"));
    }
    let before = server.requests().len();
    let row2 = with_cursor(&row, &first);
    let second = run(&row2, None, &[]).unwrap();
    let want: Vec<String> = {
        let mut w: Vec<String> = (1_001..1_091u64).map(uri).collect();
        w.sort();
        w
    };
    assert_eq!(sorted_ids(&second), want);
    let asked: Vec<Option<String>> = server.requests()[before..]
        .iter()
        .map(|r| r.query("min_id"))
        .collect();
    // 40 + 40 + 10: each next min_id is the newest (first) id of the page before.
    assert_eq!(
        asked,
        [
            Some("1000".to_string()),
            Some("1040".to_string()),
            Some("1080".to_string())
        ]
    );

    // A burst bigger than one poll's page cap: the next poll continues.
    for id in 1_091..1_591u64 {
        tag.push(id, status(id, "<p>burst</p>"));
    }
    let row3 = with_cursor(&row2, &second);
    let third = run(&row3, None, &[]).unwrap();
    assert_eq!(third.mentions.len(), 400, "ten pages of forty");
    let fourth = run(&with_cursor(&row3, &third), None, &[]).unwrap();
    let mut all = sorted_ids(&third);
    all.extend(sorted_ids(&fourth));
    all.sort();
    let mut want: Vec<String> = (1_091..1_591u64).map(uri).collect();
    want.sort();
    assert_eq!(all, want);
}

#[test]
fn mentions_need_the_token_and_a_post_seen_twice_is_one_mention() {
    let tag = Timeline::default();
    tag.push(500, status(500, "<p>@shop hi #pedalandpine</p>"));
    let notes = Timeline::default();
    // The same post, as a notification with its own id.
    notes.push(
        9_000,
        json!({"id": "9000", "type": "mention", "created_at": "2026-09-05T10:00:00.000Z",
               "group_key": "ungrouped-9000", "account": status(500, "")["account"], "status": status(500, "<p>@shop hi #pedalandpine</p>")}),
    );
    notes.push(
        9_001,
        json!({"id": "9001", "type": "mention", "created_at": "2026-09-05T10:01:00.000Z",
               "account": status(501, "")["account"], "status": status(501, "<p>@shop where are you?</p>")}),
    );
    let (t, n) = (tag.clone(), notes.clone());
    let server = FakeServer::start(move |req| match req.route() {
        "/api/v1/notifications" => Reply::json(200, &Value::Array(n.page(req))),
        "/api/v2/search" => Reply::json(
            200,
            &json!({"accounts": [], "statuses": [], "hashtags": []}),
        ),
        _ => Reply::json(200, &Value::Array(t.page(req))),
    });
    let row = row(&server, "pedalandpine");
    let out = run(&row, Some(TOKEN), &["Pedal & Pine"]).unwrap();
    assert_eq!(sorted_ids(&out), [uri(500), uri(501)]);
    let addressed = out
        .mentions
        .iter()
        .find(|m| m.external_id == uri(501))
        .unwrap();
    assert!(
        !addressed.from_search,
        "a mention notification is addressed to the business"
    );
    let reqs = server.requests();
    let note_req = reqs
        .iter()
        .find(|r| r.route() == "/api/v1/notifications")
        .unwrap();
    assert_eq!(note_req.query_all("types[]"), ["mention"]);
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    let search = reqs.iter().find(|r| r.route() == "/api/v2/search").unwrap();
    assert_eq!(search.query("type").as_deref(), Some("statuses"));
    assert_eq!(search.query("q").as_deref(), Some("Pedal & Pine"));
    let cursor: Value = serde_json::from_str(out.state.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        cursor["newest"]["mentions"], "9001",
        "notifications page by their own ids"
    );
    assert!(!out.state.cursor.unwrap().contains(TOKEN));
}

#[test]
fn an_edited_post_found_again_comes_back_with_its_new_text() {
    let text = Arc::new(Mutex::new("<p>Pedal &amp; Pine was slow</p>".to_string()));
    let t = text.clone();
    let server = FakeServer::start(move |req| match req.route() {
        "/api/v2/search" => {
            let mut s = status(42, &t.lock().unwrap());
            s["edited_at"] = json!("2026-09-05T11:00:00.000Z");
            Reply::json(
                200,
                &json!({"accounts": [], "statuses": [s], "hashtags": []}),
            )
        }
        _ => Reply::json(200, &json!([])),
    });
    let row = row(&server, "");
    let first = run(&row, Some(TOKEN), &["Pedal & Pine"]).unwrap();
    assert_eq!(first.mentions[0].text, "Pedal & Pine was slow");
    *text.lock().unwrap() = "<p>Pedal &amp; Pine was slow but friendly (edited)</p>".into();
    let second = run(&with_cursor(&row, &first), Some(TOKEN), &["Pedal & Pine"]).unwrap();
    assert_eq!(second.mentions.len(), 1);
    assert_eq!(second.mentions[0].external_id, uri(42));
    assert_eq!(
        second.mentions[0].text,
        "Pedal & Pine was slow but friendly (edited)"
    );
}

fn reset_in(secs: i64) -> String {
    hearken_lib::clock::in_secs(secs).replace('Z', ".070144Z")
}

#[test]
fn rate_limits_read_the_iso_reset_with_microseconds() {
    let reset = reset_in(300);
    let r = reset.clone();
    let server = FakeServer::start(move |_| {
        Reply::json(200, &json!([status(1, "<p>hi</p>")]))
            .with_header("X-RateLimit-Limit", "300")
            .with_header("X-RateLimit-Remaining", "0")
            .with_header("X-RateLimit-Reset", &r)
    });
    let out = run(&row(&server, "a, b"), None, &[]).unwrap();
    let wait = out.wait_secs.unwrap();
    assert!((295..=300).contains(&wait), "{wait}");
    assert_eq!(
        server.requests().len(),
        1,
        "no more requests once none remain"
    );

    let r = reset_in(120);
    server.set(move |_| {
        Reply::json(429, &json!({"error": "Too many requests"}))
            .with_header("X-RateLimit-Limit", "300")
            .with_header("X-RateLimit-Remaining", "0")
            .with_header("X-RateLimit-Reset", &r)
    });
    let err = run(&row(&server, "a"), None, &[]).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    let wait = err.retry_after_secs().unwrap();
    assert!((115..=120).contains(&wait), "{wait}");
}

#[test]
fn a_revoked_token_is_rejected_and_a_private_instance_asks_for_one() {
    let server =
        FakeServer::start(|_| Reply::json(401, &json!({"error": "The access token is invalid"})));
    let err = run(&row(&server, "a"), Some(TOKEN), &[]).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(TOKEN));

    server.set(|_| {
        Reply::json(
            401,
            &json!({"error": "This API requires an authenticated user"}),
        )
    });
    let err = run(&row(&server, "a"), None, &[]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("access token"), "{err}");
}

#[test]
fn bad_answers_are_errors_in_plain_words() {
    let cases: Vec<(Reply, &str, &str)> = vec![
        (
            Reply::status(503, "text/html", "<html>down</html>"),
            "http_status",
            "503",
        ),
        (
            Reply::ok("text/html", "<!DOCTYPE html><html>maintenance</html>"),
            "malformed",
            "web page",
        ),
        (
            Reply::ok("application/json", "[{\"id\": \"1\", \"uri\""),
            "malformed",
            "cut off",
        ),
        (
            Reply::ok("application/json", b"[\"\xff\"]".to_vec()),
            "malformed",
            "valid text",
        ),
        (
            Reply::json(404, &json!({"error": "Record not found"})),
            "platform_error",
            "Record not found",
        ),
        (
            Reply::json(
                422,
                &json!({"error": "Validation failed: limit is invalid"}),
            ),
            "platform_error",
            "Validation failed",
        ),
    ];
    assert_answers_fail(cases, |r| {
        let server = FakeServer::start(move |_| r.clone());
        run(&row(&server, "a"), None, &[]).unwrap_err()
    });
}

#[test]
fn a_disabled_hashtag_feed_is_empty_and_a_failing_search_does_not_spoil_the_poll() {
    let server = FakeServer::start(|req| match req.route() {
        "/api/v2/search" => Reply::status(500, "text/html", "<html>Elasticsearch is down</html>"),
        "/api/v1/notifications" => Reply::json(200, &json!([])),
        r if r.ends_with("/disabled") => Reply::json(200, &json!([])),
        _ => Reply::json(200, &json!([status(3, "<p>Pedal &amp; Pine</p>")])),
    });
    let out = run(
        &row(&server, "disabled, pedalandpine"),
        Some(TOKEN),
        &["Pedal & Pine", "#other"],
    )
    .unwrap();
    assert_eq!(sorted_ids(&out), [uri(3)]);
    assert!(server
        .requests()
        .iter()
        .any(|r| r.route() == "/api/v2/search"));
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.route() == "/api/v1/timelines/tag/other"),
        "# watches are followed"
    );

    // Even with no posts found, the poll counts: the notifications were read.
    server.set(|req| match req.route() {
        "/api/v2/search" => Reply::status(500, "text/html", "<html>oops</html>"),
        _ => Reply::json(200, &json!([])),
    });
    let out = run(&row(&server, ""), Some(TOKEN), &["Pedal & Pine"]).unwrap();
    assert!(
        out.mentions.is_empty(),
        "notifications worked, so the poll still counts"
    );
}

#[test]
fn without_hashtags_or_a_token_it_asks_for_setup() {
    let server = FakeServer::start(|_| Reply::json(200, &json!([])));
    let err = run(&row(&server, ""), None, &["Pedal & Pine"]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(server.requests().is_empty());
}
