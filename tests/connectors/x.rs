//! Tests for the x connector: see main.rs.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};
use serde_json::{json, Value};

const TOKEN: &str = "AAAA-test-bearer";

fn tweet(id: &str, text: &str, author: &str) -> Value {
    json!({
        "id": id,
        "text": text,
        "author_id": author,
        "created_at": "2026-05-01T10:00:12.000Z",
        "lang": "en",
        "edit_history_tweet_ids": [id]
    })
}

fn users() -> Value {
    json!([
        {"id": "11", "username": "jo_rides", "name": "Jo Bloggs"},
        {"id": "12", "username": "sam", "name": "Sam 🚲"}
    ])
}

/// A page in X's shape: newest first, with `meta` ids and an optional next token.
fn page(tweets: Vec<Value>, next: Option<&str>) -> Value {
    let ids: Vec<&str> = tweets.iter().filter_map(|t| t["id"].as_str()).collect();
    let mut meta = json!({"result_count": tweets.len()});
    if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
        meta["newest_id"] = json!(first);
        meta["oldest_id"] = json!(last);
    }
    if let Some(n) = next {
        meta["next_token"] = json!(n);
    }
    if tweets.is_empty() {
        return json!({"meta": meta});
    }
    json!({"data": tweets, "includes": {"users": users()}, "meta": meta})
}

struct Setup {
    row: SourceRow,
    terms: Vec<String>,
}

fn setup(server: &FakeServer, settings: &[(&str, &str)], terms: &[&str]) -> Setup {
    Setup {
        row: source(Platform::X, &server.url(""), settings),
        terms: terms.iter().map(|t| t.to_string()).collect(),
    }
}

fn fetch_with(s: &Setup, meter: &Meter) -> Result<FetchOutcome, FetchError> {
    let sessions = Sessions::default();
    let http = client();
    let mut f = Fetch::new(&s.row, &sessions, meter, &http);
    f.secret = Some(TOKEN);
    f.terms = s.terms.clone();
    f.run()
}

fn fetch(s: &Setup) -> Result<FetchOutcome, FetchError> {
    fetch_with(s, &Meter::new(Some(1000), 0))
}

fn searches(server: &FakeServer) -> Vec<SeenRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.route() == "/2/tweets/search/recent")
        .collect()
}

fn cursor_json(outcome: &FetchOutcome) -> Value {
    serde_json::from_str(outcome.state.cursor.as_deref().unwrap()).unwrap()
}

#[test]
fn search_pages_are_followed_and_posts_become_plain_mentions() {
    // Page one is raw JSON so the emoji arrives as X sends it: a surrogate pair.
    let page_one = r#"{"data":[
        {"id":"1846987139428634858","text":"Loved @pedalpine &amp; their team &lt;3 \ud83d\udeb2 https://t.co/x","author_id":"11","created_at":"2026-05-01T10:00:12.000Z","lang":"en","edit_history_tweet_ids":["1846987139428634858"]},
        {"id":"1846987139428634850","text":"Pedal &amp; Pine?","author_id":"12","created_at":"2026-05-01T09:00:00.000Z","lang":"und","edit_history_tweet_ids":["1846987139428634850"]}],
      "includes":{"users":[{"id":"11","username":"jo_rides","name":"Jo Bloggs"},{"id":"12","username":"sam","name":"Sam"}]},
      "meta":{"newest_id":"1846987139428634858","oldest_id":"1846987139428634850","result_count":2,"next_token":"b26v89c19zqg8o3fpzbkk"}}"#;
    let server = FakeServer::start(move |req| {
        if req.query("next_token").as_deref() == Some("b26v89c19zqg8o3fpzbkk") {
            Reply::json(
                200,
                &page(vec![tweet("1846987139428634001", "Older post", "99")], None),
            )
        } else {
            Reply::status(200, "application/json", page_one)
        }
    });
    let s = setup(
        &server,
        &[("monthly_cap_usd", "5")],
        &["Pedal & Pine", "@pedalpine"],
    );
    let out = fetch(&s).unwrap();

    let reqs = searches(&server);
    assert_eq!(reqs.len(), 2);
    let first = &reqs[0];
    assert_eq!(
        first.header("authorization"),
        Some("Bearer AAAA-test-bearer")
    );
    assert_eq!(
        first.query("query").as_deref(),
        Some("(\"Pedal & Pine\" OR @pedalpine) -is:retweet")
    );
    assert_eq!(first.query("max_results").as_deref(), Some("100"));
    assert_eq!(first.query("expansions").as_deref(), Some("author_id"));
    assert_eq!(first.query("user.fields").as_deref(), Some("username,name"));
    let fields = first.query("tweet.fields").unwrap();
    assert!(
        fields.contains("created_at") && fields.contains("lang"),
        "{fields}"
    );
    assert_eq!(first.query("since_id"), None);
    assert_eq!(first.query("next_token"), None);
    assert_eq!(
        reqs[1].query("next_token").as_deref(),
        Some("b26v89c19zqg8o3fpzbkk")
    );

    assert_eq!(out.mentions.len(), 3);
    let m = &out.mentions[0];
    assert_eq!(m.platform, Platform::X);
    assert_eq!(m.external_id, "1846987139428634858");
    assert_eq!(m.text, "Loved @pedalpine & their team <3 🚲 https://t.co/x");
    assert_eq!(m.author_id.as_deref(), Some("11"));
    assert_eq!(m.author_handle.as_deref(), Some("jo_rides"));
    assert_eq!(m.author_name.as_deref(), Some("Jo Bloggs"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://x.com/jo_rides/status/1846987139428634858")
    );
    assert_eq!(m.created_at, "2026-05-01T10:00:12Z");
    assert_eq!(m.language.as_deref(), Some("en"));
    assert!(out.mentions.iter().all(|m| m.from_search));
    // "und" is X's "can't tell", not a language.
    assert_eq!(out.mentions[1].language, None);
    assert_eq!(out.mentions[1].text, "Pedal & Pine?");
    // An author X didn't expand still gets a working link.
    assert_eq!(
        out.mentions[2].url.as_deref(),
        Some("https://x.com/i/web/status/1846987139428634001")
    );
    assert_eq!(out.mentions[2].author_handle, None);

    let cursor = out.state.cursor.unwrap();
    assert!(cursor.contains("1846987139428634858"), "{cursor}");
    assert!(!cursor.contains(TOKEN));
}

#[test]
fn the_mentions_timeline_is_addressed_to_the_business_and_skips_retweets() {
    let server = FakeServer::start(|req| {
        if req.query("pagination_token").as_deref()
            == Some("7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i")
        {
            let mut long = tweet("503", "This is the start of a long post…", "12");
            long["note_tweet"] =
                json!({"text": "This is the start of a long post and the rest of it &amp; more."});
            Reply::json(200, &page(vec![long], None))
        } else {
            let mut rt = tweet("502", "RT @pedalpine: Sale today", "11");
            rt["referenced_tweets"] = json!([{"type": "retweeted", "id": "400"}]);
            let mut reply = tweet("501", "@pedalpine my chain broke again", "11");
            reply["referenced_tweets"] = json!([{"type": "replied_to", "id": "401"}]);
            Reply::json(
                200,
                &page(
                    vec![tweet("505", "@pedalpine thanks!", "12"), rt, reply],
                    Some("7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"),
                ),
            )
        }
    });
    let s = setup(
        &server,
        &[("monthly_cap_usd", "5"), ("user_id", "2244994945")],
        &[],
    );
    let out = fetch(&s).unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs
        .iter()
        .all(|r| r.route() == "/2/users/2244994945/mentions"));
    assert_eq!(reqs[0].query("query"), None);
    assert_eq!(reqs[1].query("next_token"), None);
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["505", "501", "503"]);
    assert!(out.mentions.iter().all(|m| !m.from_search));
    assert_eq!(
        out.mentions[2].text,
        "This is the start of a long post and the rest of it & more."
    );
    assert_eq!(cursor_json(&out)["mentions"]["since_id"], "505");
}

#[test]
fn a_second_poll_asks_only_for_newer_posts() {
    let server = FakeServer::start(|req| match req.query("since_id").as_deref() {
        None => Reply::json(200, &page(vec![tweet("200", "first", "11")], None)),
        Some("200") => Reply::json(200, &page(vec![tweet("201", "second", "11")], None)),
        Some(_) => Reply::json(200, &page(vec![], None)),
    });
    let mut s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    let first = fetch(&s).unwrap();
    assert_eq!(first.mentions.len(), 1);
    s.row.state = first.state;
    let second = fetch(&s).unwrap();
    let reqs = searches(&server);
    assert_eq!(reqs[1].query("since_id").as_deref(), Some("200"));
    assert_eq!(second.mentions.len(), 1);
    assert_eq!(second.mentions[0].external_id, "201");
    s.row.state = second.state;
    // Nothing new: no `data` key at all, and the position stays put.
    let third = fetch(&s).unwrap();
    assert!(third.mentions.is_empty());
    assert_eq!(
        searches(&server)[2].query("since_id").as_deref(),
        Some("201")
    );
    assert_eq!(
        cursor_json(&third)["search"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["since_id"],
        "201"
    );
}

#[test]
fn a_poll_stopped_at_the_page_cap_continues_without_losing_posts() {
    // 12 pages of one post each, ids 1200 down to 1101, all newer than 1000.
    let server = FakeServer::start(|req| {
        let until: u64 = req
            .query("until_id")
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX);
        let n: u64 = req
            .query("next_token")
            .and_then(|t| t.strip_prefix("p").and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        let ids: Vec<u64> = (0..12)
            .map(|i| 1200 - i * 9)
            .filter(|id| *id < until)
            .collect();
        let Some(id) = ids.get(n as usize) else {
            return Reply::json(200, &page(vec![], None));
        };
        let next = (n as usize + 1 < ids.len()).then(|| format!("p{}", n + 1));
        Reply::json(
            200,
            &page(vec![tweet(&id.to_string(), "post", "11")], next.as_deref()),
        )
    });
    let mut s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    let key = {
        // Learn the query's key from a first poll's cursor shape.
        let out = fetch(&s).unwrap();
        assert_eq!(out.mentions.len(), 3, "a first poll reads at most 3 pages");
        let c = cursor_json(&out);
        assert_eq!(
            c["search"].as_object().unwrap().values().next().unwrap()["since_id"],
            "1200"
        );
        c["search"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone()
    };
    let before = searches(&server).len();
    s.row.state.cursor = Some(json!({"search": {key.clone(): {"since_id": "1000"}}}).to_string());
    let out = fetch(&s).unwrap();
    assert_eq!(out.mentions.len(), 10, "later polls stop after 10 pages");
    let c = cursor_json(&out);
    assert_eq!(c["search"][&key]["since_id"], "1000");
    assert_eq!(c["search"][&key]["until_id"], "1119");
    assert_eq!(c["search"][&key]["newest"], "1200");
    let mut seen: Vec<String> = out.mentions.iter().map(|m| m.external_id.clone()).collect();

    s.row.state = out.state;
    let out = fetch(&s).unwrap();
    let reqs = searches(&server);
    let resumed = &reqs[before + 10];
    assert_eq!(resumed.query("since_id").as_deref(), Some("1000"));
    assert_eq!(resumed.query("until_id").as_deref(), Some("1119"));
    seen.extend(out.mentions.iter().map(|m| m.external_id.clone()));
    let want: Vec<String> = (0..12).map(|i| (1200 - i * 9).to_string()).collect();
    assert_eq!(seen, want, "every post exactly once");
    let c = cursor_json(&out);
    assert_eq!(c["search"][&key], json!({"since_id": "1200"}));
}

#[test]
fn a_post_on_two_pages_or_two_timelines_appears_once_and_edits_keep_their_first_id() {
    let server = FakeServer::start(|req| {
        let mut edited = tweet("310", "Pedal & Pine fixed it, thank you (edited)", "11");
        edited["edit_history_tweet_ids"] = json!(["300", "310"]);
        if req.route().ends_with("/mentions") {
            return Reply::json(200, &page(vec![tweet("320", "@pedalpine hi", "12")], None));
        }
        match req.query("next_token").as_deref() {
            None => Reply::json(
                200,
                &page(
                    vec![tweet("320", "@pedalpine hi", "12"), edited],
                    Some("n2"),
                ),
            ),
            Some(_) => Reply::json(
                200,
                &page(
                    vec![
                        tweet("300", "Pedal & Pine fixed it", "11"),
                        tweet("290", "older", "12"),
                    ],
                    None,
                ),
            ),
        }
    });
    let s = setup(
        &server,
        &[("monthly_cap_usd", "5"), ("user_id", "42")],
        &["Pedal & Pine", "@pedalpine"],
    );
    let out = fetch(&s).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["320", "300", "290"]);
    // Found by search and addressed to the business: it stays addressed.
    assert!(!out.mentions[0].from_search);
    let edited = &out.mentions[1];
    assert_eq!(edited.text, "Pedal & Pine fixed it, thank you (edited)");
    assert_eq!(
        edited.url.as_deref(),
        Some("https://x.com/jo_rides/status/310")
    );
    assert!(edited.from_search);
}

#[test]
fn no_calls_left_on_a_success_means_wait_until_the_reset() {
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 600)
        .to_string();
    let server = FakeServer::start(move |_| {
        Reply::json(200, &page(vec![tweet("5", "hi", "11")], Some("more")))
            .with_header("x-rate-limit-limit", "450")
            .with_header("x-rate-limit-remaining", "0")
            .with_header("x-rate-limit-reset", &reset)
    });
    let s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    let out = fetch(&s).unwrap();
    assert_eq!(server.requests().len(), 1, "no call once none remain");
    assert_eq!(out.mentions.len(), 1);
    let wait = out.wait_secs.unwrap();
    assert!((590..=600).contains(&wait), "{wait}");
}

#[test]
fn too_many_requests_waits_until_xs_epoch_reset() {
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 300)
        .to_string();
    let server = FakeServer::start(move |_| {
        Reply::status(
            429,
            "application/problem+json",
            r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
        )
        .with_header("x-rate-limit-remaining", "0")
        .with_header("x-rate-limit-reset", &reset)
    });
    let s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    let err = fetch(&s).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    let wait = err.retry_after_secs().unwrap();
    assert!((290..=300).contains(&wait), "{wait}");
}

#[test]
fn a_rate_limit_after_a_good_page_keeps_the_page_and_resumes_later() {
    let server = FakeServer::start(|req| match req.query("next_token") {
        None => Reply::json(200, &page(vec![tweet("50", "kept", "11")], Some("n2"))),
        Some(_) => Reply::status(
            429,
            "application/json",
            r#"{"title":"Too Many Requests","status":429}"#,
        )
        .with_header("retry-after", "120"),
    });
    let mut s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    s.row.state.cursor = Some(json!({"search": {}, "mentions": null}).to_string());
    let out = fetch(&s).unwrap();
    assert_eq!(out.mentions.len(), 1);
    assert_eq!(out.wait_secs, Some(120));
}

fn error_for(reply: Reply) -> FetchError {
    let server = FakeServer::start(move |_| reply.clone());
    let s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    fetch(&s).unwrap_err()
}

#[test]
fn a_bad_token_is_a_rejected_credential() {
    let err = error_for(Reply::status(
        401,
        "application/problem+json",
        r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
    ));
    assert_eq!(err.code(), "credential_rejected");
    assert!(!err.to_string().contains(TOKEN));
}

#[test]
fn server_errors_and_unreadable_answers_are_reported_plainly() {
    assert_eq!(
        error_for(Reply::status(
            503,
            "text/html",
            "<html>over capacity</html>"
        ))
        .code(),
        "http_status"
    );
    assert_bodies_are_malformed(
        [
            (
                &b"<!DOCTYPE html><html><body>X</body></html>"[..],
                "web page",
            ),
            (b"{\"data\":[{\"id\":\"1\",\"text\":\"cut", "cut off"),
            (b"\xff\xfe{\"data\":[]}", "valid text"),
        ],
        error_for,
    );
}

#[test]
fn xs_problem_bodies_become_its_own_words() {
    let err = error_for(Reply::status(
        400,
        "application/problem+json",
        r#"{"title":"Invalid Request","detail":"The 'query' parameter is required.","type":"https://api.x.com/2/problems/invalid-request","status":400}"#,
    ));
    assert_eq!(err.code(), "platform_error");
    assert!(
        err.to_string()
            .contains("Invalid Request: The 'query' parameter is required."),
        "{err}"
    );
    // 403 is the app's access level, not a bad token.
    let err = error_for(Reply::status(
        403,
        "application/json",
        r#"{"client_id":"1","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.x.com","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.x.com/2/problems/client-forbidden"}"#,
    ));
    assert_eq!(err.code(), "platform_error");
    assert!(err.to_string().starts_with("127.0.0.1"));
    assert!(err.to_string().contains("Client Forbidden"), "{err}");
    // A 200 that carries only errors is X refusing, not an empty result.
    let err = error_for(Reply::json(
        200,
        &json!({"errors": [{"title": "Not Found Error", "detail": "Could not find user with id: [42].", "type": "https://api.x.com/2/problems/resource-not-found"}]}),
    ));
    assert_eq!(err.code(), "platform_error");
    assert!(err.to_string().contains("Could not find user"), "{err}");
}

#[test]
fn partial_errors_next_to_data_keep_the_data() {
    let server = FakeServer::start(|_| {
        let mut body = page(vec![tweet("77", "still here", "11")], None);
        body["errors"] = json!([{"value": "76", "detail": "Could not find tweet with referenced_tweets.id: [76].", "title": "Not Found Error", "resource_type": "tweet", "parameter": "referenced_tweets.id", "resource_id": "76", "type": "https://api.x.com/2/problems/resource-not-found"}]);
        Reply::json(200, &body)
    });
    let s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    let out = fetch(&s).unwrap();
    assert_eq!(out.mentions.len(), 1);
    assert_eq!(out.mentions[0].text, "still here");
}

#[test]
fn a_position_older_than_the_seven_day_window_starts_afresh() {
    let server = FakeServer::start(|req| {
        if req.query("since_id").is_some() {
            Reply::status(
                400,
                "application/json",
                r#"{"errors":[{"parameters":{"since_id":["100"]},"message":"Invalid 'since_id':'100'. 'since_id' must be a tweet id created after 2026-04-24T10:00Z."}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.x.com/2/problems/invalid-request"}"#,
            )
        } else {
            Reply::json(200, &page(vec![tweet("900", "fresh", "11")], None))
        }
    });
    let mut s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    // The query's key in the cursor is internal: learn it from a first poll.
    let first = fetch(&s).unwrap();
    let key = cursor_json(&first)["search"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    s.row.state.cursor = Some(json!({"search": {key.clone(): {"since_id": "100"}}}).to_string());
    let out = fetch(&s).unwrap();
    let reqs = searches(&server);
    assert_eq!(reqs[1].query("since_id").as_deref(), Some("100"));
    assert_eq!(reqs[2].query("since_id"), None);
    assert_eq!(out.mentions[0].external_id, "900");
    assert_eq!(cursor_json(&out)["search"][&key]["since_id"], "900");
}

#[test]
fn spending_never_passes_the_monthly_cap_and_pages_shrink_to_fit() {
    // Full pages of exactly max_results posts, always with more to come,
    // each with the two author profiles of `users()`. X bills $0.005 a post
    // and $0.010 a profile: in $0.005 units, a page costs n + 2 * 2.
    let served = Arc::new(AtomicI64::new(0));
    let billed = Arc::new(AtomicI64::new(0));
    let (counter, bill) = (served.clone(), billed.clone());
    let server = FakeServer::start(move |req| {
        let n: i64 = req.query("max_results").unwrap().parse().unwrap();
        let start = counter.fetch_add(n, Ordering::SeqCst);
        bill.fetch_add(n + 2 * 2, Ordering::SeqCst);
        let tweets = (0..n)
            .map(|i| tweet(&(1_000_000 - start - i).to_string(), "post", "11"))
            .collect();
        Reply::json(200, &page(tweets, Some("more")))
    });
    // $0.75 is 150 units: 150 posts, or 50 posts each with a new author.
    let mut s = setup(&server, &[("monthly_cap_usd", "0.75")], &["pedalpine"]);
    let cap = 150;
    let mut used = 0;
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let meter = Meter::new(Some(cap), used);
        let result = fetch_with(&s, &meter);
        used += meter.used_now();
        assert!(used <= cap, "counted {used} of {cap}");
        assert!(
            billed.load(Ordering::SeqCst) <= cap,
            "X billed past the cap"
        );
        assert_eq!(
            used,
            billed.load(Ordering::SeqCst),
            "what is counted is what X billed"
        );
        if let Ok(out) = &result {
            s.row.state = out.state.clone();
        }
        outcomes.push(result);
    }
    // Each page is sized as if every post brought a new author: a third of
    // what is left, at most 100, at least X's 10. The first poll stops after
    // three pages; the next reads one more and then stops at the cap.
    let sizes: Vec<String> = searches(&server)
        .iter()
        .map(|r| r.query("max_results").unwrap())
        .collect();
    assert_eq!(sizes, ["50", "32", "20", "12"]);
    assert_eq!(outcomes[0].as_ref().unwrap().mentions.len(), 102);
    assert_eq!(outcomes[1].as_ref().unwrap().mentions.len(), 12);
    assert_eq!(used, 130);
    for later in &outcomes[2..] {
        let err = later.as_ref().unwrap_err();
        assert_eq!(err.code(), "budget_reached");
        assert_eq!(
            err.to_string(),
            "X: this month's spending cap ($0.75) is reached. Hearken will check again next month, or raise the cap in Sources."
        );
    }
}

#[test]
fn less_than_ten_posts_with_their_authors_left_reads_nothing() {
    let server = FakeServer::start(|_| Reply::json(200, &page(vec![], None)));
    let s = setup(&server, &[("monthly_cap_usd", "5")], &["pedalpine"]);
    // Ten posts, each possibly with a new author, cost up to 30 units.
    let meter = Meter::new(Some(1000), 971);
    let err = fetch_with(&s, &meter).unwrap_err();
    assert_eq!(err.code(), "budget_reached");
    assert!(err.to_string().contains("($5.00)"), "{err}");
    assert!(server.requests().is_empty());
    let meter = Meter::new(Some(1000), 970);
    fetch_with(&s, &meter).unwrap();
    assert_eq!(
        server.requests()[0].query("max_results").as_deref(),
        Some("10")
    );
}

#[test]
fn many_terms_are_split_into_queries_x_accepts() {
    let server = FakeServer::start(|_| Reply::json(200, &page(vec![], None)));
    let terms: Vec<String> = (0..30)
        .map(|i| format!("Pedal and Pine branch number {i}"))
        .collect();
    let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
    let s = setup(&server, &[("monthly_cap_usd", "5")], &refs);
    let out = fetch(&s).unwrap();
    let queries: Vec<String> = searches(&server)
        .iter()
        .map(|r| r.query("query").unwrap())
        .collect();
    assert!(queries.len() >= 2);
    assert!(queries.iter().all(|q| q.len() <= 512));
    for t in &terms {
        assert!(
            queries.iter().any(|q| q.contains(&format!("\"{t}\""))),
            "{t}"
        );
    }
    assert_eq!(
        cursor_json(&out)["search"].as_object().unwrap().len(),
        queries.len()
    );
}

#[test]
fn nothing_to_look_for_or_a_bad_setting_asks_for_setup_without_calling_x() {
    let server = FakeServer::start(|_| Reply::json(200, &page(vec![], None)));
    let cases = [
        (vec![("monthly_cap_usd", "5")], vec![], "add a watch"),
        (
            vec![("monthly_cap_usd", "lots")],
            vec!["pedalpine"],
            "positive number",
        ),
        (vec![], vec!["pedalpine"], "monthly spending cap"),
        (
            vec![("monthly_cap_usd", "5"), ("user_id", "@pedalpine")],
            vec![],
            "not the @handle",
        ),
    ];
    for (settings, terms, words) in cases {
        let s = setup(&server, &settings, &terms);
        let err = fetch(&s).unwrap_err();
        assert_eq!(err.code(), "needs_setup", "{words}");
        assert!(err.to_string().contains(words), "{err}");
    }
    assert!(server.requests().is_empty());
}
