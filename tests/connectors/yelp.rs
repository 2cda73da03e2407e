//! Yelp's reviews endpoint against a fake server: a few newest excerpts,
//! Bearer key, zone-less Pacific times, daily-limit headers and error codes.

use super::*;
use crate::support::{FakeServer, Reply};
use hearken_lib::clock;
use hearken_lib::store::sources::SourceRow;
use serde_json::{json, Value};

const KEY: &str = "yelp-api-key-ABCDEF0123456789";
const ALIAS: &str = "pedal-and-pine-ashby";
const REVIEWS: &str = "/v3/businesses/pedal-and-pine-ashby/reviews";

fn review(id: &str, rating: u8, text: &str, created: &str) -> Value {
    json!({
        "id": id,
        "url": format!("https://www.yelp.com/biz/{ALIAS}?adjust_creative=AbCd&hrid={id}&utm_campaign=yelp_api_v3&utm_medium=api_v3_business_reviews&utm_source=AbCd"),
        "text": text,
        "rating": rating,
        "time_created": created,
        "user": {
            "id": "W8UK02IDdRS2GL_66fuq6w",
            "profile_url": "https://www.yelp.com/user_details?userid=W8UK02IDdRS2GL_66fuq6w",
            "image_url": null,
            "name": "Suavecito M."
        }
    })
}

fn reviews(items: Vec<Value>) -> Value {
    json!({"reviews": items, "total": 57, "possible_languages": ["en", "es"]})
}

fn yelp_error(code: &str, description: &str) -> Value {
    json!({"error": {"code": code, "description": description}})
}

fn row(server: &FakeServer) -> SourceRow {
    source(Platform::Yelp, &server.url(""), &[("business_id", ALIAS)])
}

fn run(row: &SourceRow) -> Result<FetchOutcome, FetchError> {
    let sessions = Sessions::default();
    let meter = Meter::unlimited();
    let http = client();
    let mut f = Fetch::new(row, &sessions, &meter, &http);
    f.secret = Some(KEY);
    f.run()
}

fn three() -> Value {
    reviews(vec![
        review(
            "SIoiwwVRH6R2s2ipFfs4Ww",
            2,
            "Dropped my bike off for a simple tune-up 🚲 and it took two weeks.\nNobody called me back and when I finally went in they said the part was on backorder and...",
            "2026-07-10 18:30:00",
        ),
        review("xAG4O7l-t1ubbwVAlPnDKg", 5, "Great shop, fixed my puncture in ten minutes.", "2026-01-15 20:30:00"),
        review("rAKmQnkE0Y6RZJJ7hqxnkQ", 4, "Friendly & quick", "2025-12-01 09:00:00"),
    ])
}

#[test]
fn the_newest_excerpts_are_read_with_the_bearer_key_and_marked_as_excerpts() {
    let server = FakeServer::start(|req| {
        assert_eq!(req.route(), REVIEWS);
        Reply::json(200, &three())
            .with_header("RateLimit-DailyLimit", "500")
            .with_header("RateLimit-Remaining", "499")
            .with_header("RateLimit-ResetTime", "2026-07-11T00:00:00+00:00")
    });
    let out = run(&row(&server)).unwrap();
    assert_eq!(out.mentions.len(), 3);
    assert_eq!(out.wait_secs, None, "calls remain");
    let m = &out.mentions[0];
    assert_eq!(m.external_id, "SIoiwwVRH6R2s2ipFfs4Ww");
    assert_eq!(
        m.text,
        "★★☆☆☆ (2/5) Dropped my bike off for a simple tune-up 🚲 and it took two weeks.\nNobody called me back and when I finally went in they said the part was on backorder and... (excerpt)"
    );
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.yelp.com/biz/pedal-and-pine-ashby?hrid=SIoiwwVRH6R2s2ipFfs4Ww")
    );
    assert_eq!(m.author_name.as_deref(), Some("Suavecito M."));
    assert_eq!(m.author_id.as_deref(), Some("W8UK02IDdRS2GL_66fuq6w"));
    // Zone-less times are Pacific: PDT (−7) in July, PST (−8) in January.
    assert_eq!(m.created_at, "2026-07-11T01:30:00Z");
    assert_eq!(out.mentions[1].created_at, "2026-01-16T04:30:00Z");
    assert!(!m.from_search);
    // A whole review isn't marked as an excerpt.
    assert_eq!(
        out.mentions[1].text,
        "★★★★★ (5/5) Great shop, fixed my puncture in ten minutes."
    );
    assert_eq!(out.mentions[2].text, "★★★★☆ (4/5) Friendly & quick");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    assert_eq!(reqs[0].query("sort_by").as_deref(), Some("newest"));
    assert_eq!(reqs[0].query("limit").as_deref(), Some("20"));
    assert!(!reqs[0].path.contains(KEY));
    assert!(!out.state.cursor.unwrap().contains(KEY));
}

#[test]
fn a_later_check_returns_only_new_or_edited_reviews() {
    let server = FakeServer::start(|_| Reply::json(200, &three()));
    let mut r = row(&server);
    r.state = run(&r).unwrap().state;
    let again = run(&r).unwrap();
    assert!(again.mentions.is_empty(), "{:?}", again.mentions);

    server.set(|_| {
        Reply::json(
            200,
            &reviews(vec![
                review(
                    "NEWnewNEWnewNEWnew0001",
                    1,
                    "Rude on the phone.",
                    "2026-07-12 08:00:00",
                ),
                review(
                    "SIoiwwVRH6R2s2ipFfs4Ww",
                    3,
                    "Update: they called me back and fixed it for free.",
                    "2026-07-10 18:30:00",
                ),
                review(
                    "xAG4O7l-t1ubbwVAlPnDKg",
                    5,
                    "Great shop, fixed my puncture in ten minutes.",
                    "2026-01-15 20:30:00",
                ),
            ]),
        )
    });
    let out = run(&r).unwrap();
    let got: Vec<_> = out
        .mentions
        .iter()
        .map(|m| (m.external_id.as_str(), m.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("NEWnewNEWnewNEWnew0001", "★☆☆☆☆ (1/5) Rude on the phone."),
            (
                "SIoiwwVRH6R2s2ipFfs4Ww",
                "★★★☆☆ (3/5) Update: they called me back and fixed it for free."
            ),
        ]
    );
}

#[test]
fn a_review_listed_twice_appears_once() {
    let server = FakeServer::start(|_| {
        let r = review("DUPdupDUPdupDUPdup0001", 4, "Nice", "2026-07-01 12:00:00");
        Reply::json(200, &reviews(vec![r.clone(), r]))
    });
    assert_eq!(run(&row(&server)).unwrap().mentions.len(), 1);
}

#[test]
fn no_calls_left_today_means_waiting_until_the_reset_time() {
    let reset = clock::format(clock::now() + time::Duration::hours(2)).replace('Z', "+00:00");
    let r2 = reset.clone();
    let server = FakeServer::start(move |_| {
        Reply::json(200, &three())
            .with_header("RateLimit-DailyLimit", "300")
            .with_header("RateLimit-Remaining", "0")
            .with_header("RateLimit-ResetTime", &r2)
    });
    let out = run(&row(&server)).unwrap();
    assert_eq!(out.mentions.len(), 3, "the answer is still used");
    let wait = out.wait_secs.expect("wait for the reset");
    assert!((7100..=7200).contains(&wait), "{wait}");

    server.set(move |_| {
        Reply::json(
            429,
            &yelp_error("ACCESS_LIMIT_REACHED", "You've reached the access limit for this client. Please email api@yelp.com for assistance"),
        )
        .with_header("RateLimit-Remaining", "0")
        .with_header("RateLimit-ResetTime", &reset)
    });
    let err = run(&row(&server)).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    let wait = err.retry_after_secs().unwrap();
    assert!((7100..=7200).contains(&wait), "{wait}");

    server.set(|_| {
        Reply::json(
            429,
            &yelp_error("TOO_MANY_REQUESTS_PER_SECOND", "You have exceeded the queries-per-second limit for this endpoint. Try reducing the rate at which you make queries."),
        )
    });
    let err = run(&row(&server)).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after_secs(), Some(30), "a short wait");
}

#[test]
fn a_business_without_reviews_yet_is_not_an_error() {
    let server = FakeServer::start(|_| {
        Reply::json(
            403,
            &yelp_error("BUSINESS_UNAVAILABLE", "We may not be able to provide details for certain businesses, for example if they do not have any reviews yet."),
        )
    });
    let mut r = row(&server);
    r.state.cursor = Some("{\"seen\":[\"x:1\"]}".into());
    let out = run(&r).unwrap();
    assert!(out.mentions.is_empty());
    assert_eq!(out.state.cursor, r.state.cursor, "the cursor is kept");
}

#[test]
fn yelp_error_codes_become_plain_words() {
    let server = FakeServer::start(|_| {
        Reply::json(
            401,
            &yelp_error(
                "TOKEN_INVALID",
                "Invalid access token or authorization header.",
            ),
        )
    });
    let r = row(&server);
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(KEY));

    server.set(|_| {
        Reply::json(
            400,
            &yelp_error(
                "INVALID_AUTHORIZATION_METHOD",
                "Invalid authorization method supplied.",
            ),
        )
    });
    assert_eq!(run(&r).unwrap_err().code(), "credential_rejected");

    server.set(|_| {
        Reply::json(
            404,
            &yelp_error(
                "BUSINESS_NOT_FOUND",
                "The requested business could not be found.",
            ),
        )
    });
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("/biz/"), "{err}");

    server.set(|_| {
        Reply::json(400, &json!({"error": {"code": "VALIDATION_ERROR", "description": "'xx' is not a valid locale", "field": "locale", "instance": "xx"}}))
    });
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    assert!(err.to_string().contains("not a valid locale"), "{err}");

    server.set(|_| {
        Reply::json(
            500,
            &yelp_error("INTERNAL_ERROR", "Something went wrong internally"),
        )
    });
    assert_eq!(run(&r).unwrap_err().code(), "http_status");

    let bodies: [&[u8]; 3] = [
        b"<html><body>Service Unavailable</body></html>",
        b"{\"reviews\": [{\"id\": \"SIo",
        b"{\"reviews\": [], \"total\": \"\xff\xff\"}",
    ];
    for body in bodies {
        let body = body.to_vec();
        server.set(move |_| Reply::status(200, "application/json", body.clone()));
        assert_eq!(run(&r).unwrap_err().code(), "malformed");
    }
}

#[test]
fn an_alias_with_accents_or_a_pasted_address_reaches_the_right_path() {
    let server = FakeServer::start(|_| Reply::json(200, &reviews(vec![])));
    let accented = source(
        Platform::Yelp,
        &server.url(""),
        &[("business_id", "café-zoë-ashby")],
    );
    run(&accented).unwrap();
    let pasted = source(
        Platform::Yelp,
        &server.url(""),
        &[(
            "business_id",
            "https://www.yelp.com/biz/pedal-and-pine-ashby?osq=bike",
        )],
    );
    run(&pasted).unwrap();
    let reqs = server.requests();
    assert_eq!(
        reqs[0].route(),
        "/v3/businesses/caf%C3%A9-zo%C3%AB-ashby/reviews"
    );
    assert_eq!(reqs[1].route(), REVIEWS);
}
