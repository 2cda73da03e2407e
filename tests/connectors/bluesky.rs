//! Bluesky against a fake PDS: sessions from an app password, searchPosts and
//! listNotifications newest first with an opaque cursor, XRPC error bodies.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};

const APP_PASSWORD: &str = "abcd-efgh-ijkl-mnop";

#[derive(Clone, Default)]
struct Pds {
    /// Search results, newest first.
    posts: Arc<Mutex<Vec<Value>>>,
    notifications: Arc<Mutex<Vec<Value>>>,
    sessions: Arc<Mutex<u32>>,
    /// Access tokens the server still accepts.
    valid: Arc<Mutex<Vec<String>>>,
}

impl Pds {
    fn add_post(&self, p: Value) {
        self.posts.lock().unwrap().insert(0, p);
    }

    fn session(&self, req: &SeenRequest) -> Reply {
        let body = req.json();
        if body["identifier"] != "pedalandpine.bsky.social" || body["password"] != APP_PASSWORD {
            return Reply::json(
                401,
                &json!({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}),
            );
        }
        self.new_tokens()
    }

    fn new_tokens(&self) -> Reply {
        let mut n = self.sessions.lock().unwrap();
        *n += 1;
        self.valid.lock().unwrap().push(format!("Bearer acc-{n}"));
        Reply::json(
            200,
            &json!({
                "accessJwt": format!("acc-{n}"), "refreshJwt": format!("ref-{n}"),
                "handle": "pedalandpine.bsky.social", "did": "did:plc:shop123", "active": true
            }),
        )
    }

    /// Pages a newest-first list with an offset cursor, like an opaque token.
    fn page(list: &[Value], req: &SeenRequest, field: &str) -> Reply {
        let limit: usize = req.query("limit").unwrap().parse().unwrap();
        let start: usize = req
            .query("cursor")
            .map(|c| c.trim_start_matches("off:").parse().unwrap())
            .unwrap_or(0);
        let page: Vec<Value> = list.iter().skip(start).take(limit).cloned().collect();
        let mut body = json!({ field: page });
        if start + limit < list.len() {
            body["cursor"] = json!(format!("off:{}", start + limit));
        }
        Reply::json(200, &body)
    }

    fn answer(&self, req: &SeenRequest) -> Reply {
        match req.route() {
            "/xrpc/com.atproto.server.createSession" => self.session(req),
            "/xrpc/com.atproto.server.refreshSession" => {
                let n = *self.sessions.lock().unwrap();
                if req.header("authorization") == Some(&format!("Bearer ref-{n}")) {
                    self.new_tokens()
                } else {
                    Reply::json(
                        400,
                        &json!({"error": "ExpiredToken", "message": "Token has expired"}),
                    )
                }
            }
            route => {
                let auth = req.header("authorization").unwrap_or("").to_string();
                if !self.valid.lock().unwrap().contains(&auth) {
                    return Reply::json(
                        400,
                        &json!({"error": "ExpiredToken", "message": "Token has expired"}),
                    );
                }
                match route {
                    "/xrpc/app.bsky.feed.searchPosts" => {
                        Self::page(&self.posts.lock().unwrap(), req, "posts")
                    }
                    "/xrpc/app.bsky.notification.listNotifications" => {
                        Self::page(&self.notifications.lock().unwrap(), req, "notifications")
                    }
                    other => panic!("unexpected {other}"),
                }
            }
        }
    }

    fn start(&self) -> FakeServer {
        let p = self.clone();
        FakeServer::start(move |req| p.answer(req))
    }
}

/// A postView; `n` orders them in time.
fn post(rkey: &str, n: i64, text: &str) -> Value {
    let at = hearken_lib::clock::format(hearken_lib::clock::from_unix(1_788_000_000 + n).unwrap())
        .replace('Z', ".123Z");
    json!({
        "uri": format!("at://did:plc:jo456/app.bsky.feed.post/{rkey}"), "cid": "bafyreib2rxk3rh6kzwq",
        "author": {"did": "did:plc:jo456", "handle": "jo.bsky.social", "displayName": "Jo 🚲", "labels": []},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": ["en"]},
        "replyCount": 0, "repostCount": 0, "likeCount": 1, "quoteCount": 0, "indexedAt": at, "labels": []
    })
}

fn notification(rkey: &str, n: i64, reason: &str, text: &str) -> Value {
    let p = post(rkey, n, text);
    json!({"uri": p["uri"], "cid": p["cid"], "author": p["author"], "reason": reason,
           "record": p["record"], "isRead": false, "indexedAt": p["indexedAt"], "labels": []})
}

fn row(server: &FakeServer) -> SourceRow {
    source(
        Platform::Bluesky,
        &server.url(""),
        &[("handle", "@pedalandpine.bsky.social")],
    )
}

fn run_with(
    row: &SourceRow,
    terms: &[&str],
    sessions: &Sessions,
) -> Result<FetchOutcome, FetchError> {
    let (meter, http) = (Meter::unlimited(), client());
    let mut f = Fetch::new(row, sessions, &meter, &http);
    f.secret = Some(APP_PASSWORD);
    f.terms = terms.iter().map(|t| t.to_string()).collect();
    f.run()
}

fn run(row: &SourceRow, terms: &[&str]) -> Result<FetchOutcome, FetchError> {
    run_with(row, terms, &Sessions::default())
}

fn keys(outcome: &FetchOutcome) -> Vec<String> {
    let mut v: Vec<String> = outcome
        .mentions
        .iter()
        .map(|m| m.external_id.rsplit('/').next().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn route_count(server: &FakeServer, route: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.route() == route)
        .count()
}

#[test]
fn search_results_on_two_pages_and_mentions_are_mapped_with_the_session() {
    let pds = Pds::default();
    for n in 0..130 {
        pds.add_post(post(&format!("f{n:03}"), n, "filler"));
    }
    pds.add_post(post(
        "3kq2bzx7w4s2a",
        1_000,
        "Pedal & Pine fixed my gears 🚲 &amp; that's literal",
    ));
    pds.notifications.lock().unwrap().push(notification(
        "3mention",
        900,
        "mention",
        "@pedalandpine.bsky.social are you open today?",
    ));
    let server = pds.start();
    let out = run(&row(&server), &["Pedal & Pine"]).unwrap();

    assert_eq!(out.mentions.len(), 132);
    let m = out
        .mentions
        .iter()
        .find(|m| m.external_id.ends_with("3kq2bzx7w4s2a"))
        .unwrap();
    assert_eq!(
        m.external_id,
        "at://did:plc:jo456/app.bsky.feed.post/3kq2bzx7w4s2a"
    );
    assert_eq!(
        m.text, "Pedal & Pine fixed my gears 🚲 &amp; that's literal",
        "plain text is not decoded"
    );
    assert_eq!(
        m.url.as_deref(),
        Some("https://bsky.app/profile/jo.bsky.social/post/3kq2bzx7w4s2a")
    );
    assert_eq!(m.author_id.as_deref(), Some("did:plc:jo456"));
    assert_eq!(m.author_handle.as_deref(), Some("jo.bsky.social"));
    assert_eq!(m.author_name.as_deref(), Some("Jo 🚲"));
    assert_eq!(m.created_at, "2026-08-29T10:56:40Z");
    assert_eq!(m.language.as_deref(), Some("en"));
    assert!(m.from_search);
    let note = out
        .mentions
        .iter()
        .find(|m| m.external_id.ends_with("3mention"))
        .unwrap();
    assert!(!note.from_search);
    assert_eq!(
        out.title.as_deref(),
        Some("Bluesky (@pedalandpine.bsky.social)")
    );

    let reqs = server.requests();
    assert_eq!(reqs[0].route(), "/xrpc/com.atproto.server.createSession");
    assert_eq!(reqs[0].json()["identifier"], "pedalandpine.bsky.social");
    let search: Vec<&SeenRequest> = reqs
        .iter()
        .filter(|r| r.route() == "/xrpc/app.bsky.feed.searchPosts")
        .collect();
    assert_eq!(search.len(), 2);
    assert_eq!(search[0].query("q").as_deref(), Some("\"Pedal & Pine\""));
    assert_eq!(search[0].query("sort").as_deref(), Some("latest"));
    assert_eq!(search[0].query("limit").as_deref(), Some("100"));
    assert_eq!(search[0].query("cursor"), None);
    assert_eq!(search[1].query("cursor").as_deref(), Some("off:100"));
    let notes = reqs
        .iter()
        .find(|r| r.route() == "/xrpc/app.bsky.notification.listNotifications")
        .unwrap();
    assert_eq!(notes.query_all("reasons"), ["mention", "reply", "quote"]);
    for r in &reqs[1..] {
        assert_eq!(r.header("authorization"), Some("Bearer acc-1"));
    }
    let cursor = out.state.cursor.unwrap();
    assert!(!cursor.contains("acc-1") && !cursor.contains(APP_PASSWORD));
}

/// The requests after the first `before`, without sign-ins.
fn asked_since(server: &FakeServer, before: usize) -> Vec<SeenRequest> {
    server
        .requests()
        .split_off(before)
        .into_iter()
        .filter(|r| r.route() != "/xrpc/com.atproto.server.createSession")
        .collect()
}

const SEARCH: &str = "/xrpc/app.bsky.feed.searchPosts";
const NOTIFICATIONS: &str = "/xrpc/app.bsky.notification.listNotifications";

#[test]
fn after_the_first_poll_feeds_take_turns_one_request_a_check() {
    let pds = Pds::default();
    pds.add_post(post("a1", 1, "pedal one"));
    pds.add_post(post("a2", 2, "pedal two"));
    let server = pds.start();
    let sessions = Sessions::default();
    let terms = ["pedal", "pine"];
    let mut row = row(&server);
    // The first poll reads everything: notifications and both searches.
    let first = run_with(&row, &terms, &sessions).unwrap();
    assert_eq!(keys(&first), ["a1", "a2"]);
    let asked = asked_since(&server, 0);
    assert_eq!(asked.len(), 3, "{asked:?}");
    row = with_cursor(&row, &first);

    pds.add_post(post("a3", 3, "pedal three"));
    pds.notifications.lock().unwrap().insert(
        0,
        notification("m1", 4, "reply", "@pedalandpine.bsky.social thanks!"),
    );
    // Then one feed a check: notifications, a term, notifications, the other term.
    let mut turns = Vec::new();
    let mut found = Vec::new();
    for _ in 0..6 {
        let before = server.requests().len();
        let out = run_with(&row, &terms, &sessions).unwrap();
        let asked = asked_since(&server, before);
        assert_eq!(asked.len(), 1, "one request a check: {asked:?}");
        turns.push(match asked[0].route() {
            NOTIFICATIONS => "notifications".to_string(),
            SEARCH => format!("search {}", asked[0].query("q").unwrap()),
            other => panic!("unexpected {other}"),
        });
        found.push(keys(&out));
        row = with_cursor(&row, &out);
    }
    assert_eq!(
        turns,
        [
            "notifications",
            "search pedal",
            "notifications",
            "search pine",
            "notifications",
            "search pedal"
        ]
    );
    // Each new post on its feed's first turn, nothing when nothing changed.
    // (The fake search ignores `q`, so "pine" finds a3 too; the store keeps it once.)
    let none: Vec<String> = Vec::new();
    assert_eq!(
        found,
        [
            vec!["m1".to_string()],
            vec!["a3".to_string()],
            none.clone(),
            vec!["a3".to_string()],
            none.clone(),
            none
        ]
    );
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.route() == "/xrpc/com.atproto.server.createSession")
            .count(),
        1,
        "the session is reused"
    );
}

#[test]
fn a_cursor_from_before_the_turns_is_read_and_notifications_go_first() {
    let pds = Pds::default();
    pds.add_post(post("b1", 1, "pedal"));
    pds.notifications
        .lock()
        .unwrap()
        .push(notification("n1", 1, "mention", "hi"));
    let server = pds.start();
    let mut row = row(&server);
    let mark = |rkey: &str, n: i64| {
        let at =
            hearken_lib::clock::format(hearken_lib::clock::from_unix(1_788_000_000 + n).unwrap())
                .replace('Z', ".123Z");
        json!({"at": at, "uri": format!("at://did:plc:jo456/app.bsky.feed.post/{rkey}")})
    };
    row.state.cursor = Some(
        json!({"feeds": {"notifications": {"newest": mark("n1", 1)}, "search:pedal": {"newest": mark("b1", 1)}}})
            .to_string(),
    );
    pds.add_post(post("b2", 2, "pedal again"));
    let out = run(&row, &["pedal"]).unwrap();
    let asked = asked_since(&server, 0);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].route(), NOTIFICATIONS);
    assert!(out.mentions.is_empty(), "n1 was read before");
    let c: Value = serde_json::from_str(out.state.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(c["last"], "notifications");
    assert!(c["feeds"]["search:pedal"]["newest"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/b1"));
    // The search's turn: only what is newer than its old mark.
    row = with_cursor(&row, &out);
    let out = run(&row, &["pedal"]).unwrap();
    assert_eq!(keys(&out), ["b2"]);
}

#[test]
fn a_post_changed_since_it_was_found_is_stored_as_edited_not_twice() {
    let pds = Pds::default();
    pds.add_post(post("e1", 1, "Pedal & Pine was fine"));
    let server = pds.start();
    let stash = Stash::new();
    let first = run(&row(&server), &["pedal"]).unwrap();
    assert_eq!(stash.keep(&first), (1, 0));
    // The record is updated (a new cid, new text) and a new watch term
    // finds the same post: same AT-URI, new text.
    {
        let mut posts = pds.posts.lock().unwrap();
        posts[0]["record"]["text"] = json!("Pedal & Pine lost my bike");
        posts[0]["cid"] = json!("bafyreinewcid");
    }
    let again = run(&row(&server), &["pine"]).unwrap();
    let m = &again.mentions[0];
    assert_eq!(m.external_id, "at://did:plc:jo456/app.bsky.feed.post/e1");
    assert_eq!(m.text, "Pedal & Pine lost my bike");
    assert_eq!(stash.keep(&again), (0, 1));
    assert_eq!(stash.count(), 1);
    assert_eq!(
        stash
            .text_of("at://did:plc:jo456/app.bsky.feed.post/e1")
            .as_deref(),
        Some("Pedal & Pine lost my bike")
    );
}

#[test]
fn a_poll_stopped_at_the_page_cap_continues_from_its_cursor() {
    let pds = Pds::default();
    pds.add_post(post("seed", 0, "pedal seed"));
    let server = pds.start();
    let row = row(&server);
    let first = run(&row, &["pedal"]).unwrap();
    for n in 1..=1_080 {
        pds.add_post(post(&format!("n{n:04}"), n, "pedal busy"));
    }
    // Notifications' turn, then the search's: it stops at the page cap.
    let notes = run(&with_cursor(&row, &first), &["pedal"]).unwrap();
    assert!(notes.mentions.is_empty());
    let row2 = with_cursor(&row, &notes);
    let second = run(&row2, &["pedal"]).unwrap();
    assert_eq!(second.mentions.len(), 1_000);
    // Notifications again, then the search carries on where it stopped.
    let notes = run(&with_cursor(&row2, &second), &["pedal"]).unwrap();
    assert!(notes.mentions.is_empty());
    let row3 = with_cursor(&row2, &notes);
    let before = server.requests().len();
    let third = run(&row3, &["pedal"]).unwrap();
    let asked = server.requests().split_off(before);
    assert!(
        asked
            .iter()
            .any(|r| r.query("cursor").as_deref() == Some("off:1000")),
        "{asked:?}"
    );
    let mut all = keys(&second);
    all.extend(keys(&third));
    all.sort();
    all.dedup();
    let want: Vec<String> = (1..=1_080).map(|n| format!("n{n:04}")).collect();
    assert_eq!(all, want, "nothing lost and the seed not repeated");
}

#[test]
fn a_post_on_two_pages_or_in_search_and_notifications_appears_once() {
    let server = FakeServer::start(|req| match req.route() {
        "/xrpc/com.atproto.server.createSession" => Reply::json(
            200,
            &json!({"accessJwt": "a", "refreshJwt": "r", "did": "did:plc:x", "handle": "h"}),
        ),
        "/xrpc/app.bsky.notification.listNotifications" => Reply::json(
            200,
            &json!({"notifications": [notification("dup", 5, "mention", "pedal hi")]}),
        ),
        _ => {
            let mut body = json!({"posts": [post("dup", 5, "pedal hi")]});
            if req.query("cursor").is_none() {
                body["cursor"] = json!("next");
            }
            Reply::json(200, &body)
        }
    });
    let out = run(&row(&server), &["pedal"]).unwrap();
    assert_eq!(keys(&out), ["dup"]);
    assert!(
        !out.mentions[0].from_search,
        "addressed to the business wins, being read first"
    );
    assert_eq!(route_count(&server, "/xrpc/app.bsky.feed.searchPosts"), 2);
}

#[test]
fn an_expired_access_token_is_refreshed_then_signed_in_again_if_refresh_fails() {
    let pds = Pds::default();
    pds.add_post(post("e1", 1, "pedal"));
    let server = pds.start();
    let sessions = Sessions::default();
    let row = row(&server);
    run_with(&row, &["pedal"], &sessions).unwrap();
    // The PDS expires the access token: 400 ExpiredToken, not 401.
    pds.valid.lock().unwrap().clear();
    let out = run_with(&row, &["pedal"], &sessions).unwrap();
    assert_eq!(keys(&out), ["e1"]);
    let refresh = server
        .requests()
        .into_iter()
        .find(|r| r.route() == "/xrpc/com.atproto.server.refreshSession")
        .unwrap();
    assert_eq!(refresh.header("authorization"), Some("Bearer ref-1"));
    assert_eq!(
        route_count(&server, "/xrpc/com.atproto.server.createSession"),
        1
    );

    // Both tokens expire: the refresh is refused, so it signs in again.
    pds.valid.lock().unwrap().clear();
    *pds.sessions.lock().unwrap() += 10;
    let out = run_with(&row, &["pedal"], &sessions).unwrap();
    assert_eq!(keys(&out), ["e1"]);
    assert_eq!(
        route_count(&server, "/xrpc/com.atproto.server.createSession"),
        2
    );
}

#[test]
fn a_wrong_app_password_or_a_2fa_main_password_is_rejected() {
    let server = FakeServer::start(|_| {
        Reply::json(
            401,
            &json!({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}),
        )
    });
    let err = run(&row(&server), &["pedal"]).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(APP_PASSWORD));
    // The advice fits Bluesky: an app password, not a "new key".
    assert!(err.to_string().contains("app password"), "{err}");
    server.set(|_| {
        Reply::json(401, &json!({"error": "AuthFactorTokenRequired", "message": "A sign in code has been sent to your email address"}))
    });
    assert_eq!(
        run(&row(&server), &["pedal"]).unwrap_err().code(),
        "credential_rejected"
    );
}

#[test]
fn rate_limits_read_the_unprefixed_headers_with_an_epoch_reset() {
    let now = hearken_lib::clock::now().unix_timestamp();
    let reset = (now + 200).to_string();
    let r = reset.clone();
    let server = FakeServer::start(move |req| match req.route() {
        "/xrpc/com.atproto.server.createSession" => {
            Reply::json(200, &json!({"accessJwt": "a", "refreshJwt": "r"}))
        }
        _ => Reply::json(
            200,
            &json!({"notifications": [notification("r1", 1, "reply", "pedal thanks")]}),
        )
        .with_header("RateLimit-Limit", "3000")
        .with_header("RateLimit-Remaining", "0")
        .with_header("RateLimit-Reset", &r)
        .with_header("RateLimit-Policy", "3000;w=300"),
    });
    let out = run(&row(&server), &["pedal"]).unwrap();
    assert!(
        (195..=200).contains(&out.wait_secs.unwrap()),
        "{:?}",
        out.wait_secs
    );
    assert_eq!(keys(&out), ["r1"]);
    assert_eq!(
        route_count(&server, "/xrpc/app.bsky.feed.searchPosts"),
        0,
        "stopped asking"
    );

    for (header, value, low, high) in [
        ("Retry-After", "45".to_string(), 45, 45),
        ("RateLimit-Reset", reset, 195, 200),
    ] {
        server.set(move |req| match req.route() {
            "/xrpc/com.atproto.server.createSession" => {
                Reply::json(200, &json!({"accessJwt": "a", "refreshJwt": "r"}))
            }
            _ => Reply::json(
                429,
                &json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}),
            )
            .with_header("RateLimit-Remaining", "0")
            .with_header(header, &value),
        });
        let err = run(&row(&server), &["pedal"]).unwrap_err();
        assert_eq!(err.code(), "rate_limited");
        let wait = err.retry_after_secs().unwrap();
        assert!((low..=high).contains(&wait), "{wait}");
    }
}

#[test]
fn bad_answers_are_errors_in_plain_words() {
    let cases: Vec<(Reply, &str, &str)> = vec![
        (Reply::json(502, &json!({"error": "UpstreamFailure", "message": "Upstream Failure"})), "http_status", "502"),
        (Reply::ok("text/html", "<!DOCTYPE html><html>hi</html>"), "malformed", "web page"),
        (Reply::ok("application/json", "{\"notifications\": [{\"uri\""), "malformed", "cut off"),
        (Reply::ok("application/json", b"{\"notifications\": [\"\xff\"]}".to_vec()), "malformed", "valid text"),
        (
            Reply::status(403, "text/html", "<html><head><title>403 Forbidden</title></head><body>Request forbidden by administrative rules.</body></html>"),
            "platform_error",
            "blocked",
        ),
        (Reply::json(400, &json!({"error": "InvalidRequest", "message": "Error: limit must be <= 100"})), "platform_error", "limit must be"),
    ];
    assert_answers_fail(cases, |r| {
        let server = FakeServer::start(move |req| match req.route() {
            "/xrpc/com.atproto.server.createSession" => {
                Reply::json(200, &json!({"accessJwt": "a", "refreshJwt": "r"}))
            }
            _ => r.clone(),
        });
        run(&row(&server), &[]).unwrap_err()
    });
}

#[test]
fn a_blocked_search_keeps_the_mentions_already_read() {
    let server = FakeServer::start(|req| match req.route() {
        "/xrpc/com.atproto.server.createSession" => {
            Reply::json(200, &json!({"accessJwt": "a", "refreshJwt": "r"}))
        }
        "/xrpc/app.bsky.feed.searchPosts" => Reply::status(
            403,
            "text/html",
            "<html>Request forbidden by administrative rules.</html>",
        ),
        _ => Reply::json(
            200,
            &json!({"notifications": [
                notification("q1", 1, "quote", "pedal quoted"),
                notification("like", 2, "like", "not a mention")
            ]}),
        ),
    });
    let out = run(&row(&server), &["pedal"]).unwrap();
    assert_eq!(keys(&out), ["q1"], "likes are not mentions");
    let cursor: Value = serde_json::from_str(out.state.cursor.as_deref().unwrap()).unwrap();
    assert!(cursor["feeds"]["notifications"]["newest"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/q1"));
    assert!(
        cursor["feeds"].get("search:pedal").is_none(),
        "the search starts over next time"
    );
}

#[test]
fn without_a_handle_it_asks_for_setup() {
    let row = source(Platform::Bluesky, "http://127.0.0.1:9", &[]);
    let err = run(&row, &["pedal"]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("handle"));
}
