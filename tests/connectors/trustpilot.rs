//! Trustpilot's Business Units API against a fake server: page-number
//! paging newest first, the `apikey` header, domain lookup, plan errors.

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};
use hearken_lib::store::sources::SourceRow;
use serde_json::{json, Value};

const KEY: &str = "tp-api-key-0123456789";
const UNIT: &str = "46d6a890000064000500e0c3";
const REVIEWS: &str = "/v1/business-units/46d6a890000064000500e0c3/reviews";

fn review(id: &str, stars: u8, title: &str, text: &str, created: &str) -> Value {
    json!({
        "links": [{"href": format!("https://api.trustpilot.com/v1/reviews/{id}"), "method": "GET", "rel": "reviews"}],
        "id": id,
        "consumer": {
            "links": [],
            "id": "5c0e9e0b0000ff0001a2b3c4",
            "displayName": "Tom Ellis",
            "displayLocation": "Leeds, GB",
            "numberOfReviews": 3
        },
        "businessUnit": {"id": UNIT, "identifyingName": "pedalpine.example", "displayName": "Pedal & Pine"},
        "location": null,
        "stars": stars,
        "title": title,
        "text": text,
        "language": "en",
        "createdAt": created,
        "updatedAt": null,
        "experiencedAt": created,
        "companyReply": null,
        "isVerified": true,
        "numberOfLikes": 0,
        "status": "active",
        "reportData": null,
        "countsTowardsTrustScore": true,
        "countsTowardsLocationTrustScore": null
    })
}

fn page(reviews: Vec<Value>, next: bool) -> Value {
    let mut links = vec![
        json!({"href": "https://api.trustpilot.com/v1/x?page=1", "method": "GET", "rel": "self"}),
    ];
    if next {
        links.push(json!({"href": "https://api.trustpilot.com/v1/x?page=2", "method": "GET", "rel": "next-page"}));
    }
    json!({"reviews": reviews, "links": links})
}

fn row(server: &FakeServer) -> SourceRow {
    source(
        Platform::Trustpilot,
        &server.url(""),
        &[("business_unit_id", UNIT)],
    )
}

fn run(row: &SourceRow) -> Result<FetchOutcome, FetchError> {
    let sessions = Sessions::default();
    let meter = Meter::unlimited();
    let http = client();
    let mut f = Fetch::new(row, &sessions, &meter, &http);
    f.secret = Some(KEY);
    f.run()
}

fn page_no(req: &SeenRequest) -> u32 {
    req.query("page").unwrap().parse().unwrap()
}

#[test]
fn reviews_follow_page_numbers_with_the_apikey_header_and_map_every_field() {
    let server = FakeServer::start(|req| {
        assert_eq!(req.route(), REVIEWS);
        match page_no(req) {
            1 => Reply::json(
                200,
                &page(
                    vec![
                        review(
                            "63497c66377e522e314f2434",
                            1,
                            "Never again 😡",
                            "Waited three weeks for a wheel.\nNo call back.",
                            "2026-05-02T10:00:00.000Z",
                        ),
                        review(
                            "63497c66377e522e314f2433",
                            5,
                            "Brilliant",
                            "Fixed while I waited & cheap too",
                            "2026-05-01T09:00:00Z",
                        ),
                    ],
                    true,
                ),
            ),
            2 => Reply::json(
                200,
                &page(
                    vec![review(
                        "63497c66377e522e314f2432",
                        4,
                        "",
                        "Good, a bit slow",
                        "2026-04-30T08:00:00.000Z",
                    )],
                    false,
                ),
            ),
            n => panic!("unexpected page {n}"),
        }
    });
    let out = run(&row(&server)).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "63497c66377e522e314f2434",
            "63497c66377e522e314f2433",
            "63497c66377e522e314f2432"
        ]
    );
    let m = &out.mentions[0];
    assert_eq!(
        m.text,
        "★☆☆☆☆ (1/5) Never again 😡\nWaited three weeks for a wheel.\nNo call back."
    );
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.trustpilot.com/reviews/63497c66377e522e314f2434")
    );
    assert_eq!(m.author_name.as_deref(), Some("Tom Ellis"));
    assert_eq!(m.author_id.as_deref(), Some("5c0e9e0b0000ff0001a2b3c4"));
    assert_eq!(m.language.as_deref(), Some("en"));
    assert_eq!(m.created_at, "2026-05-02T10:00:00Z");
    assert!(!m.from_search);
    assert_eq!(
        out.mentions[1].text,
        "★★★★★ (5/5) Brilliant\nFixed while I waited & cheap too"
    );
    assert_eq!(out.mentions[2].text, "★★★★☆ (4/5) Good, a bit slow");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r.header("apikey"), Some(KEY));
        assert_eq!(r.query("perPage").as_deref(), Some("100"));
        assert_eq!(r.query("orderBy").as_deref(), Some("createdat.desc"));
        assert_eq!(page_no(r), i as u32 + 1);
        assert!(!r.path.contains(KEY), "the key goes in a header");
    }
    assert!(!out.state.cursor.unwrap().contains(KEY));
}

#[test]
fn a_later_check_stops_at_a_known_review_and_returns_only_new_ones() {
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &page(
                vec![review("A1", 3, "ok", "fine", "2026-05-01T10:00:00Z")],
                false,
            ),
        )
    });
    let mut r = row(&server);
    r.state = run(&r).unwrap().state;
    server.set(|req| {
        assert_eq!(page_no(req), 1, "must stop at the known review");
        Reply::json(
            200,
            &page(
                vec![
                    review("A3", 2, "meh", "slow", "2026-05-03T10:00:00Z"),
                    review("A2", 4, "good", "nice", "2026-05-01T10:00:00Z"),
                    review("A1", 3, "ok", "fine", "2026-05-01T10:00:00Z"),
                ],
                true,
            ),
        )
    });
    let out = run(&r).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["A3", "A2"], "A2 shares A1's second but is new");
    assert_eq!(server.requests().len(), 2);
    r.state = out.state;
    assert!(run(&r).unwrap().mentions.is_empty());
}

#[test]
fn a_review_on_two_pages_appears_once_and_an_edit_returns_with_new_text() {
    // A new review pushed B1 from page 1 onto page 2 between requests.
    let server = FakeServer::start(|req| {
        let b1 = review("B1", 2, "late", "bike late", "2026-05-02T10:00:00Z");
        match page_no(req) {
            1 => Reply::json(200, &page(vec![b1], true)),
            _ => Reply::json(
                200,
                &page(
                    vec![b1, review("B0", 5, "yay", "great", "2026-05-01T10:00:00Z")],
                    false,
                ),
            ),
        }
    });
    let mut r = row(&server);
    let out = run(&r).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["B1", "B0"]);
    r.state = out.state;

    server.set(|_| {
        let mut b1 = review(
            "B1",
            4,
            "late but sorted",
            "bike late, but they gave me a discount",
            "2026-05-02T10:00:00Z",
        );
        b1["updatedAt"] = json!("2026-05-04T08:00:00Z");
        Reply::json(200, &page(vec![b1], false))
    });
    let edited = run(&r).unwrap();
    assert_eq!(edited.mentions.len(), 1);
    assert_eq!(
        edited.mentions[0].text,
        "★★★★☆ (4/5) late but sorted\nbike late, but they gave me a discount"
    );
    assert_eq!(edited.mentions[0].created_at, "2026-05-02T10:00:00Z");
}

#[test]
fn a_check_capped_at_ten_pages_carries_on_from_the_next_page() {
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &page(
                vec![review("OLD", 3, "old", "old", "2026-01-01T00:00:00Z")],
                false,
            ),
        )
    });
    let mut r = row(&server);
    r.state = run(&r).unwrap().state;
    server.set(|req| {
        let n = page_no(req);
        if n == 13 {
            return Reply::json(
                200,
                &page(
                    vec![review("OLD", 3, "old", "old", "2026-01-01T00:00:00Z")],
                    false,
                ),
            );
        }
        let at = format!("2026-03-{:02}T10:00:00Z", 28 - n);
        Reply::json(
            200,
            &page(vec![review(&format!("N{n}"), 2, "t", "x", &at)], true),
        )
    });
    let capped = run(&r).unwrap();
    assert_eq!(capped.mentions.len(), 10);
    r.state = capped.state;
    let before = server.requests().len();
    let rest = run(&r).unwrap();
    assert_eq!(page_no(&server.requests()[before]), 11);
    let ids: Vec<_> = rest
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["N11", "N12"]);
    r.state = rest.state;
    let before = server.requests().len();
    assert!(run(&r).unwrap().mentions.is_empty());
    assert_eq!(page_no(&server.requests()[before]), 1);
}

#[test]
fn a_domain_is_looked_up_once_per_check_when_no_unit_id_is_given() {
    let server = FakeServer::start(|req| match req.route() {
        "/v1/business-units/find" => {
            assert_eq!(req.query("name").as_deref(), Some("pedalpine.example"));
            assert_eq!(req.header("apikey"), Some(KEY));
            Reply::json(
                200,
                &json!({"links": [], "id": UNIT, "displayName": "Pedal & Pine",
                "name": {"identifying": "pedalpine.example", "referring": ["www.pedalpine.example"]}}),
            )
        }
        REVIEWS => Reply::json(
            200,
            &page(
                vec![review("C1", 5, "Top", "top shop", "2026-05-01T10:00:00Z")],
                false,
            ),
        ),
        other => panic!("unexpected {other}"),
    });
    let by_domain = source(
        Platform::Trustpilot,
        &server.url(""),
        &[("domain", "https://www.pedalpine.example/")],
    );
    let out = run(&by_domain).unwrap();
    assert_eq!(out.title.as_deref(), Some("Pedal & Pine"));
    assert_eq!(out.mentions.len(), 1);
    assert_eq!(server.requests().len(), 2);

    server.set(|_| Reply::json(404, &json!({"message": "Not found"})));
    let err = run(&by_domain).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("pedalpine.example"), "{err}");

    let neither = source(Platform::Trustpilot, &server.url(""), &[]);
    assert_eq!(run(&neither).unwrap_err().code(), "needs_setup");
}

#[test]
fn errors_become_plain_words() {
    let server = FakeServer::start(|_| {
        Reply::json(429, &json!({"message": "Too many requests"})).with_header("Retry-After", "30")
    });
    let r = row(&server);
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after_secs(), Some(30));

    server.set(|_| {
        Reply::json(401, &json!({"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}}))
    });
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(KEY));

    server.set(|_| {
        Reply::json(403, &json!({"message": "Forbidden. Make sure that you are signed up to the relevant Trustpilot plan."}))
    });
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    let shown = err.to_string();
    assert!(shown.contains("relevant Trustpilot plan"), "{shown}");
    assert!(shown.contains("API access"), "{shown}");

    server.set(|_| Reply::json(404, &json!({"message": "Business unit not found"})));
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("business unit id"), "{err}");

    server.set(|_| {
        Reply::json(
            400,
            &json!({"message": "perPage must be between 1 and 100"}),
        )
    });
    let err = run(&r).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    assert!(err.to_string().contains("perPage must be between"), "{err}");

    server.set(|_| Reply::status(500, "text/html", "<html>Internal</html>"));
    assert_eq!(run(&r).unwrap_err().code(), "http_status");

    let bodies: [&[u8]; 3] = [
        b"<!DOCTYPE html><html>Just a moment...</html>",
        b"{\"reviews\": [{\"id\": \"6349",
        b"{\"reviews\": [], \"x\": \"\xff\"}",
    ];
    for body in bodies {
        let body = body.to_vec();
        server.set(move |_| Reply::status(200, "application/json", body.clone()));
        assert_eq!(run(&r).unwrap_err().code(), "malformed");
    }
}

#[test]
fn a_page_that_fails_after_earlier_pages_keeps_them_and_carries_on_later() {
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &page(
                vec![review("OLD", 3, "old", "old", "2026-01-01T00:00:00Z")],
                false,
            ),
        )
    });
    let mut r = row(&server);
    r.state = run(&r).unwrap().state;
    server.set(|req| match page_no(req) {
        1 => Reply::json(
            200,
            &page(
                vec![review("D2", 2, "t", "x", "2026-03-02T00:00:00Z")],
                true,
            ),
        ),
        _ => Reply::status(502, "text/html", "<html>Bad gateway</html>"),
    });
    let partial = run(&r).unwrap();
    assert_eq!(partial.mentions.len(), 1);
    r.state = partial.state;
    server.set(|req| match page_no(req) {
        2 => Reply::json(
            200,
            &page(
                vec![
                    review("D1", 2, "t", "x", "2026-03-01T00:00:00Z"),
                    review("OLD", 3, "old", "old", "2026-01-01T00:00:00Z"),
                ],
                false,
            ),
        ),
        n => panic!("should carry on at page 2, asked {n}"),
    });
    let rest = run(&r).unwrap();
    let ids: Vec<_> = rest
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["D1"]);
}
