//! Google Business Profile reviews against a fake server that plays both
//! Google's token endpoint (`<base>/token`) and the v4 reviews API.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};
use hearken_lib::store::sources::SourceRow;
use serde_json::{json, Value};

const REFRESH: &str = "1//0refresh-token-secret";
const CLIENT_SECRET: &str = "GOCSPX-client-secret";
const REVIEWS: &str = "/v4/accounts/123/locations/456/reviews";

fn review(id: &str, stars: &str, comment: Option<&str>, created: &str, updated: &str) -> Value {
    let mut v = json!({
        "name": format!("accounts/123/locations/456/reviews/{id}"),
        "reviewId": id,
        "reviewer": {
            "profilePhotoUrl": "https://lh3.googleusercontent.com/a/x",
            "displayName": "Priya Shah",
            "isAnonymous": false
        },
        "starRating": stars,
        "createTime": created,
        "updateTime": updated
    });
    if let Some(c) = comment {
        v["comment"] = json!(c);
    }
    v
}

fn reviews_page(reviews: Vec<Value>, next: Option<&str>) -> Value {
    let mut v = json!({"reviews": reviews, "averageRating": 4.2, "totalReviewCount": 57});
    if let Some(n) = next {
        v["nextPageToken"] = json!(n);
    }
    v
}

fn token_reply() -> Reply {
    Reply::json(
        200,
        &json!({"access_token": "ya29.fresh-access", "expires_in": 3599,
                "scope": "https://www.googleapis.com/auth/business.manage", "token_type": "Bearer"}),
    )
}

/// A server that hands out tokens and answers reviews with `reviews`.
fn server_with(reviews: impl Fn(&SeenRequest) -> Reply + Send + Sync + 'static) -> FakeServer {
    FakeServer::start(move |req| {
        if req.route() == "/token" {
            return token_reply();
        }
        reviews(req)
    })
}

fn row(server: &FakeServer) -> SourceRow {
    source(
        Platform::GoogleReviews,
        &server.url(""),
        &[
            ("account_id", "accounts/123"),
            ("location_id", "456"),
            ("client_id", "1234-abc.apps.googleusercontent.com"),
        ],
    )
}

fn run(row: &SourceRow, sessions: &Sessions) -> Result<FetchOutcome, FetchError> {
    let meter = Meter::unlimited();
    let http = client();
    let mut f = Fetch::new(row, sessions, &meter, &http);
    f.secret = Some(REFRESH);
    f.extra_secrets
        .insert("client_secret".into(), CLIENT_SECRET.into());
    f.run()
}

fn review_requests(server: &FakeServer) -> Vec<SeenRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.route() == REVIEWS)
        .collect()
}

fn token_requests(server: &FakeServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.route() == "/token")
        .count()
}

#[test]
fn reviews_follow_page_tokens_with_a_fresh_access_token_and_map_every_field() {
    let server = server_with(|req| {
        match req.query("pageToken").as_deref() {
        None => Reply::json(
            200,
            &reviews_page(
                vec![
                    review(
                        "AbFvOqnew",
                        "TWO",
                        Some("(Translated by Google) The saddle came loose 😕\n\n(Original)\nEl sillín se soltó 😕"),
                        "2026-05-02T10:00:00.045123456Z",
                        "2026-05-02T10:00:00.045123456Z",
                    ),
                    {
                        let mut r = review("AbFvOqquiet", "ONE", None, "2026-05-01T09:00:00Z", "2026-05-01T09:00:00Z");
                        r["reviewer"] = json!({"displayName": "A Google User", "isAnonymous": true});
                        r
                    },
                ],
                Some("NEXT=="),
            ),
        ),
        Some("NEXT==") => Reply::json(
            200,
            &reviews_page(
                vec![review("AbFvOqold", "FIVE", Some("Great service & friendly"), "2026-04-01T08:00:00.123Z", "2026-04-01T08:00:00.123Z")],
                None,
            ),
        ),
        other => panic!("unexpected page token {other:?}"),
    }
    });
    let sessions = Sessions::default();
    let out = run(&row(&server), &sessions).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["AbFvOqnew", "AbFvOqquiet", "AbFvOqold"]);
    let m = &out.mentions[0];
    assert_eq!(m.text, "★★☆☆☆ (2/5) El sillín se soltó 😕");
    assert_eq!(m.created_at, "2026-05-02T10:00:00Z");
    assert_eq!(m.author_name.as_deref(), Some("Priya Shah"));
    assert!(!m.from_search);
    let quiet = &out.mentions[1];
    assert_eq!(
        quiet.text,
        "★☆☆☆☆ (1/5) Left a 1-star rating with no comment."
    );
    assert_eq!(
        quiet.author_name, None,
        "anonymous reviewers stay anonymous"
    );
    assert_eq!(out.mentions[2].text, "★★★★★ (5/5) Great service & friendly");

    let token = server
        .requests()
        .into_iter()
        .find(|r| r.route() == "/token")
        .unwrap();
    assert_eq!(token.method, "POST");
    assert_eq!(token.form("grant_type").as_deref(), Some("refresh_token"));
    assert_eq!(token.form("refresh_token").as_deref(), Some(REFRESH));
    assert_eq!(
        token.form("client_id").as_deref(),
        Some("1234-abc.apps.googleusercontent.com")
    );
    assert_eq!(token.form("client_secret").as_deref(), Some(CLIENT_SECRET));
    let reqs = review_requests(&server);
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.header("authorization"), Some("Bearer ya29.fresh-access"));
        assert_eq!(r.query("pageSize").as_deref(), Some("50"));
        assert_eq!(r.query("orderBy").as_deref(), Some("updateTime desc"));
    }
    assert_eq!(reqs[1].query("pageToken").as_deref(), Some("NEXT=="));
    let cursor = out.state.cursor.unwrap();
    assert!(
        !cursor.contains("ya29") && !cursor.contains(REFRESH),
        "{cursor}"
    );

    // The access token is reused while it lasts.
    let mut again = row(&server);
    again.state.cursor = Some(cursor);
    run(&again, &sessions).unwrap();
    assert_eq!(token_requests(&server), 1);
}

#[test]
fn a_later_check_stops_at_the_update_watermark_and_catches_edited_reviews() {
    let server = server_with(|_| {
        Reply::json(
            200,
            &reviews_page(
                vec![
                    review(
                        "R2",
                        "FOUR",
                        Some("Quick repair"),
                        "2026-05-02T10:00:00Z",
                        "2026-05-02T10:00:00Z",
                    ),
                    review(
                        "R1",
                        "THREE",
                        Some("Okay"),
                        "2026-05-01T10:00:00Z",
                        "2026-05-01T10:00:00Z",
                    ),
                ],
                None,
            ),
        )
    });
    let sessions = Sessions::default();
    let mut r = row(&server);
    let first = run(&r, &sessions).unwrap();
    assert_eq!(first.mentions.len(), 2);
    r.state = first.state;

    // R1 is edited (updateTime moves to the top), R3 is new.
    server.set(|req| {
        if req.route() == "/token" {
            return token_reply();
        }
        Reply::json(
            200,
            &reviews_page(
                vec![
                    review(
                        "R1",
                        "ONE",
                        Some("Okay at first, then the wheel buckled"),
                        "2026-05-01T10:00:00Z",
                        "2026-05-03T12:00:00Z",
                    ),
                    review(
                        "R3",
                        "FIVE",
                        Some("Lovely people"),
                        "2026-05-03T09:00:00Z",
                        "2026-05-03T09:00:00Z",
                    ),
                    review(
                        "R2",
                        "FOUR",
                        Some("Quick repair"),
                        "2026-05-02T10:00:00Z",
                        "2026-05-02T10:00:00Z",
                    ),
                ],
                Some("OLDER"),
            ),
        )
    });
    let before = review_requests(&server).len();
    let second = run(&r, &sessions).unwrap();
    let got: Vec<_> = second
        .mentions
        .iter()
        .map(|m| (m.external_id.as_str(), m.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("R1", "★☆☆☆☆ (1/5) Okay at first, then the wheel buckled"),
            ("R3", "★★★★★ (5/5) Lovely people"),
        ]
    );
    assert_eq!(second.mentions[0].created_at, "2026-05-01T10:00:00Z");
    let reqs = review_requests(&server);
    assert_eq!(reqs.len() - before, 1, "stopped at the watermark");
    r.state = second.state;
    assert!(run(&r, &sessions).unwrap().mentions.is_empty());
}

#[test]
fn a_review_on_two_pages_appears_once() {
    let server = server_with(|req| {
        let r = review(
            "DUP",
            "FOUR",
            Some("Good"),
            "2026-05-02T10:00:00Z",
            "2026-05-02T10:00:00Z",
        );
        match req.query("pageToken") {
            None => Reply::json(200, &reviews_page(vec![r], Some("P2"))),
            Some(_) => Reply::json(200, &reviews_page(vec![r], None)),
        }
    });
    let out = run(&row(&server), &Sessions::default()).unwrap();
    assert_eq!(out.mentions.len(), 1);
}

#[test]
fn a_check_capped_at_ten_pages_carries_on_next_time() {
    let server = server_with(|_| {
        Reply::json(
            200,
            &reviews_page(
                vec![review(
                    "OLD",
                    "FOUR",
                    Some("old"),
                    "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z",
                )],
                None,
            ),
        )
    });
    let sessions = Sessions::default();
    let mut r = row(&server);
    r.state = run(&r, &sessions).unwrap().state;
    server.set(|req| {
        if req.route() == "/token" {
            return token_reply();
        }
        let n: usize = req
            .query("pageToken")
            .map(|t| t[1..].parse().unwrap())
            .unwrap_or(0);
        if n == 12 {
            return Reply::json(
                200,
                &reviews_page(
                    vec![review(
                        "OLD",
                        "FOUR",
                        Some("old"),
                        "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                    )],
                    None,
                ),
            );
        }
        let at = format!("2026-03-{:02}T10:00:00Z", 28 - n);
        Reply::json(
            200,
            &reviews_page(
                vec![review(&format!("N{n}"), "THREE", Some("meh"), &at, &at)],
                Some(&format!("P{}", n + 1)),
            ),
        )
    });
    let capped = run(&r, &sessions).unwrap();
    assert_eq!(capped.mentions.len(), 10);
    r.state = capped.state;
    let before = review_requests(&server).len();
    let rest = run(&r, &sessions).unwrap();
    assert_eq!(
        review_requests(&server)[before]
            .query("pageToken")
            .as_deref(),
        Some("P10")
    );
    let ids: Vec<_> = rest
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["N10", "N11"]);
    r.state = rest.state;
    let before = review_requests(&server).len();
    run(&r, &sessions).unwrap();
    assert_eq!(review_requests(&server)[before].query("pageToken"), None);
}

#[test]
fn an_access_token_rejected_early_is_renewed_once_then_reported() {
    let rejected = Arc::new(AtomicUsize::new(0));
    let count = rejected.clone();
    let server = server_with(move |req| {
        if req.header("authorization") == Some("Bearer ya29.stale") {
            count.fetch_add(1, Ordering::SeqCst);
            return Reply::json(
                401,
                &json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}),
            );
        }
        Reply::json(200, &reviews_page(vec![], None))
    });
    let sessions = Sessions::default();
    sessions.put(
        1,
        hearken_lib::sources::api::Session {
            access: "ya29.stale".into(),
            refresh: None,
            expires_at: Some(i64::MAX / 2),
            extra: Default::default(),
        },
    );
    run(&row(&server), &sessions).unwrap();
    assert_eq!(rejected.load(Ordering::SeqCst), 1);
    assert_eq!(token_requests(&server), 1);
    assert_eq!(sessions.get(1).unwrap().access, "ya29.fresh-access");

    // A fresh token refused too: no loop, a plain "credential rejected".
    server.set(|req| {
        if req.route() == "/token" {
            return token_reply();
        }
        Reply::json(
            401,
            &json!({"error": {"code": 401, "message": "nope", "status": "UNAUTHENTICATED"}}),
        )
    });
    let err = run(&row(&server), &Sessions::default()).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
}

#[test]
fn an_expiring_session_is_renewed_before_use() {
    let server = server_with(|_| Reply::json(200, &reviews_page(vec![], None)));
    let sessions = Sessions::default();
    sessions.put(
        1,
        hearken_lib::sources::api::Session {
            access: "ya29.old".into(),
            refresh: None,
            expires_at: Some(0),
            extra: Default::default(),
        },
    );
    run(&row(&server), &sessions).unwrap();
    assert_eq!(token_requests(&server), 1);
    let reqs = review_requests(&server);
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Bearer ya29.fresh-access")
    );
}

#[test]
fn a_revoked_refresh_token_is_unauthorized_and_never_shown() {
    let server = FakeServer::start(|req| {
        assert_eq!(req.route(), "/token");
        Reply::json(
            400,
            &json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        )
    });
    let err = run(&row(&server), &Sessions::default()).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(REFRESH));
    assert!(review_requests(&server).is_empty());
}

#[test]
fn google_errors_become_plain_words() {
    let server = server_with(|_| {
        Reply::json(429, &json!({"error": {"code": 429, "message": "Quota exceeded for quota metric 'Requests'.", "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED"}]}}))
        .with_header("Retry-After", "45")
    });
    let r = row(&server);
    let err = run(&r, &Sessions::default()).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after_secs(), Some(45));

    server.set(|req| {
        if req.route() == "/token" {
            return token_reply();
        }
        Reply::json(403, &json!({"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}))
    });
    let err = run(&r, &Sessions::default()).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    let shown = err.to_string();
    assert!(
        shown.contains("The caller does not have permission"),
        "{shown}"
    );
    assert!(shown.contains("manages this Business Profile"), "{shown}");

    server.set(|req| {
        if req.route() == "/token" {
            return token_reply();
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}))
    });
    let err = run(&r, &Sessions::default()).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("location id"), "{err}");

    server.set(|req| {
        if req.route() == "/token" {
            return token_reply();
        }
        Reply::status(503, "text/html", "<html>unavailable</html>")
    });
    assert_eq!(
        run(&r, &Sessions::default()).unwrap_err().code(),
        "http_status"
    );

    let bodies: [&[u8]; 3] = [
        b"<!DOCTYPE html><html>Sign in - Google Accounts</html>",
        b"{\"reviews\": [{\"reviewId\": \"x",
        b"{\"reviews\": [], \"n\": \"\xc3\x28\"}",
    ];
    for body in bodies {
        let body = body.to_vec();
        server.set(move |req| {
            if req.route() == "/token" {
                return token_reply();
            }
            Reply::status(200, "application/json", body.clone())
        });
        assert_eq!(
            run(&r, &Sessions::default()).unwrap_err().code(),
            "malformed"
        );
    }
}

#[test]
fn missing_client_secret_or_ids_ask_for_setup() {
    let server = server_with(|_| Reply::json(200, &reviews_page(vec![], None)));
    let meter = Meter::unlimited();
    let http = client();
    let sessions = Sessions::default();
    let r = row(&server);
    let mut f = Fetch::new(&r, &sessions, &meter, &http);
    f.secret = Some(REFRESH);
    let err = f.run().unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("client secret"), "{err}");

    let no_ids = source(
        Platform::GoogleReviews,
        &server.url(""),
        &[("client_id", "x")],
    );
    let err = run(&no_ids, &Sessions::default()).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(server.requests().is_empty());
}
