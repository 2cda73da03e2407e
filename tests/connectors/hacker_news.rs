//! Hacker News via Algolia against a fake `search_by_date` that filters by
//! `numericFilters`, pages by `hitsPerPage`/`page` and sorts newest first.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::*;
use crate::support::{FakeServer, Reply, SeenRequest};

/// A fake Algolia index: hits newest first, filtered and paged like the real one.
#[derive(Clone, Default)]
struct Index {
    hits: Arc<Mutex<Vec<Value>>>,
}

impl Index {
    fn add(&self, hit: Value) {
        let mut hits = self.hits.lock().unwrap();
        hits.push(hit);
        hits.sort_by_key(|h| std::cmp::Reverse(h["created_at_i"].as_i64().unwrap()));
    }

    fn answer(&self, req: &SeenRequest) -> Reply {
        let mut hits: Vec<Value> = self.hits.lock().unwrap().clone();
        if let Some(filters) = req.query("numericFilters") {
            for f in filters.split(',') {
                if let Some(v) = f.strip_prefix("created_at_i>=") {
                    let v: i64 = v.parse().unwrap();
                    hits.retain(|h| h["created_at_i"].as_i64().unwrap() >= v);
                } else if let Some(v) = f.strip_prefix("created_at_i<=") {
                    let v: i64 = v.parse().unwrap();
                    hits.retain(|h| h["created_at_i"].as_i64().unwrap() <= v);
                } else {
                    panic!("unexpected filter {f}");
                }
            }
        }
        let per: usize = req.query("hitsPerPage").unwrap().parse().unwrap();
        let page: usize = req.query("page").unwrap().parse().unwrap();
        let nb_pages = hits.len().div_ceil(per);
        let slice: Vec<Value> = hits.into_iter().skip(page * per).take(per).collect();
        Reply::json(
            200,
            &json!({
                "hits": slice, "page": page, "nbHits": nb_pages * per, "nbPages": nb_pages,
                "hitsPerPage": per, "exhaustiveNbHits": true, "query": req.query("query"),
                "params": "query=x", "processingTimeMS": 1
            }),
        )
    }
}

fn comment(id: u64, at: i64, text: &str) -> Value {
    json!({
        "objectID": id.to_string(), "comment_text": text, "author": format!("user{id}"),
        "created_at": "2026-09-05T10:00:00.000Z", "created_at_i": at,
        "story_id": 1, "story_title": "A story", "parent_id": 1, "points": null,
        "_tags": ["comment", format!("author_user{id}"), "story_1"]
    })
}

fn start(index: &Index) -> FakeServer {
    let i = index.clone();
    FakeServer::start(move |req| {
        assert_eq!(req.route(), "/api/v1/search_by_date");
        i.answer(req)
    })
}

fn run(row: &SourceRow, terms: &[&str]) -> Result<FetchOutcome, FetchError> {
    let (sessions, meter, http) = (Sessions::default(), Meter::unlimited(), client());
    let mut f = Fetch::new(row, &sessions, &meter, &http);
    f.terms = terms.iter().map(|t| t.to_string()).collect();
    f.run()
}

#[test]
fn hits_on_two_pages_become_plain_text_mentions_with_hn_links() {
    let index = Index::default();
    for n in 0..120 {
        index.add(comment(1000 + n, 1_788_000_000 + n as i64, "filler"));
    }
    index.add(json!({
        "objectID": "45123456", "title": "Show HN: Pedal &amp; Pine&#x27;s repair log 🚲",
        "story_text": "<p>We fix bikes &amp; log it.<p>Feedback welcome", "url": null,
        "author": "pedalpine", "created_at": "2026-09-05T12:00:01Z", "created_at_i": 1_788_609_601,
        "points": 3, "num_comments": 0, "_tags": ["story", "author_pedalpine", "story_45123456", "show_hn"]
    }));
    index.add(json!({
        "objectID": "45123999", "comment_text": "I don&#x27;t trust <i>Pedal &amp; Pine</i>: <a href=\"https://x.example\">see</a>",
        "author": "grumpy", "created_at": "2026-09-05T12:30:00.000Z", "created_at_i": 1_788_611_400,
        "story_id": 45123456, "parent_id": 45123456, "points": null
    }));
    let server = start(&index);
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let out = run(&row, &["Pedal & Pine"]).unwrap();

    assert_eq!(out.mentions.len(), 122);
    let story = out
        .mentions
        .iter()
        .find(|m| m.external_id == "45123456")
        .unwrap();
    assert_eq!(
        story.text,
        "Show HN: Pedal & Pine's repair log 🚲\nWe fix bikes & log it.\nFeedback welcome"
    );
    assert_eq!(
        story.url.as_deref(),
        Some("https://news.ycombinator.com/item?id=45123456")
    );
    assert_eq!(story.author_handle.as_deref(), Some("pedalpine"));
    assert_eq!(story.created_at, "2026-09-05T12:00:01Z");
    assert!(story.from_search);
    let c = out
        .mentions
        .iter()
        .find(|m| m.external_id == "45123999")
        .unwrap();
    assert_eq!(c.text, "I don't trust Pedal & Pine: see");
    assert_eq!(c.created_at, "2026-09-05T12:30:00Z");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "two pages of 100");
    assert_eq!(reqs[0].query("page").as_deref(), Some("0"));
    assert_eq!(reqs[1].query("page").as_deref(), Some("1"));
    for r in &reqs {
        assert_eq!(r.query("query").as_deref(), Some("\"Pedal & Pine\""));
        assert_eq!(r.query("tags").as_deref(), Some("(story,comment)"));
        assert_eq!(r.query("hitsPerPage").as_deref(), Some("100"));
        assert_eq!(
            r.query("numericFilters"),
            None,
            "a first poll has no watermark"
        );
    }
}

#[test]
fn the_next_poll_asks_from_the_newest_second_and_skips_what_it_returned() {
    let index = Index::default();
    index.add(comment(1, 1_788_000_000, "old one"));
    index.add(comment(2, 1_788_000_100, "newest so far"));
    let server = start(&index);
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let first = run(&row, &["pedalpine"]).unwrap();
    assert_eq!(sorted_ids(&first), ["1", "2"]);

    // Another comment in the same second as the watermark, and a later one.
    index.add(comment(3, 1_788_000_100, "same second"));
    index.add(comment(4, 1_788_000_500, "later"));
    let row2 = with_cursor(&row, &first);
    let second = run(&row2, &["pedalpine"]).unwrap();
    assert_eq!(
        sorted_ids(&second),
        ["3", "4"],
        "nothing lost in the shared second, nothing repeated"
    );
    let last = server.requests().pop().unwrap();
    assert_eq!(
        last.query("numericFilters").as_deref(),
        Some("created_at_i>=1788000100")
    );

    let third = run(&with_cursor(&row2, &second), &["pedalpine"]).unwrap();
    assert!(third.mentions.is_empty());
}

#[test]
fn a_poll_stopped_at_the_page_cap_reads_the_older_rest_next_time() {
    let index = Index::default();
    index.add(comment(1, 1_700_000_000, "seed"));
    let server = start(&index);
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let first = run(&row, &["pedalpine"]).unwrap();
    assert_eq!(first.mentions.len(), 1);

    // 1 150 new hits: more than the 10 pages one poll reads.
    for n in 0..1150u64 {
        index.add(comment(10_000 + n, 1_700_000_001 + n as i64, "busy day"));
    }
    let row2 = with_cursor(&row, &first);
    let second = run(&row2, &["pedalpine"]).unwrap();
    assert_eq!(second.mentions.len(), 1000);
    let third = run(&with_cursor(&row2, &second), &["pedalpine"]).unwrap();
    let gap_request = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.query("numericFilters").is_some_and(|f| f.contains("<=")))
        .expect("the gap is read with an upper bound");
    assert!(gap_request
        .query("numericFilters")
        .unwrap()
        .starts_with("created_at_i>=1700000000,"));
    let mut all: Vec<String> = sorted_ids(&second);
    all.extend(sorted_ids(&third));
    all.sort();
    all.dedup();
    let want: Vec<String> = (0..1150u64).map(|n| (10_000 + n).to_string()).collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    all.retain(|id| id != "1");
    assert_eq!(all, want_sorted, "every hit arrives across the two polls");
}

#[test]
fn the_same_hit_on_two_pages_or_two_terms_appears_once() {
    let hit = comment(77, 1_788_000_000, "Pedal and Pine again");
    let h = hit.clone();
    let server = FakeServer::start(move |req| {
        let page: u32 = req.query("page").unwrap().parse().unwrap();
        Reply::json(
            200,
            &json!({"hits": [h.clone()], "page": page, "nbPages": 2, "hitsPerPage": 100}),
        )
    });
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let out = run(&row, &["pedal", "pine"]).unwrap();
    assert_eq!(sorted_ids(&out), ["77"]);
    assert_eq!(
        server.requests().len(),
        4,
        "both pages of both terms were read"
    );
}

#[test]
fn a_429_is_rate_limited_with_the_wait_from_retry_after() {
    let server = FakeServer::start(|_| {
        Reply::status(
            429,
            "text/html",
            "<html><body>Too Many Requests</body></html>",
        )
        .with_header("Retry-After", "120")
    });
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let err = run(&row, &["pedalpine"]).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after_secs(), Some(120));
}

#[test]
fn bad_answers_are_errors_in_plain_words() {
    let cases: Vec<(Reply, &str, &str)> = vec![
        (
            Reply::status(500, "text/html", "<h1>oops</h1>"),
            "http_status",
            "500",
        ),
        (
            Reply::status(502, "application/json", "{}"),
            "http_status",
            "502",
        ),
        (
            Reply::ok("text/html", "<!DOCTYPE html><html>login</html>"),
            "malformed",
            "web page",
        ),
        (
            Reply::ok("application/json", "{\"hits\": [{\"objectID\": \"1\""),
            "malformed",
            "cut off",
        ),
        (
            Reply::ok("application/json", b"{\"hits\": [\xff]}".to_vec()),
            "malformed",
            "valid text",
        ),
        (
            Reply::json(
                400,
                &json!({"message": "you can only fetch the 1000 hits for this query. You can extend the number of hits returned via the paginationLimitedTo index parameter or use the browse method.", "status": 400}),
            ),
            "platform_error",
            "only fetch the 1000 hits",
        ),
    ];
    assert_answers_fail(cases, |r| {
        let server = FakeServer::start(move |_| r.clone());
        let row = source(Platform::HackerNews, &server.url(""), &[]);
        run(&row, &["pedalpine"]).unwrap_err()
    });
}

#[test]
fn a_failing_second_term_keeps_what_the_first_found_and_its_cursor() {
    let server = FakeServer::start(|req| {
        if req.query("query").as_deref() == Some("pedalpine") {
            Reply::json(
                200,
                &json!({"hits": [comment(5, 1_788_000_000, "found")], "page": 0, "nbPages": 1}),
            )
        } else {
            Reply::status(503, "text/plain", "busy")
        }
    });
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let out = run(&row, &["pedalpine", "zzz"]).unwrap();
    assert_eq!(sorted_ids(&out), ["5"]);
    let cursor: Value = serde_json::from_str(out.state.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor["terms"]["pedalpine"]["since"], 1_788_000_000);
    assert!(
        cursor["terms"].get("zzz").is_none(),
        "the failed term starts over"
    );
}

#[test]
fn created_at_is_read_with_or_without_millis_and_from_the_epoch() {
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &json!({"hits": [
            {"objectID": "1", "comment_text": "a", "created_at": "2015-08-03T21:32:01Z", "created_at_i": 1438637521},
            {"objectID": "2", "comment_text": "b", "created_at": "2015-08-03T21:32:01.000Z", "created_at_i": 1438637521},
            {"objectID": "3", "comment_text": "c", "created_at_i": 1438637521},
            {"objectID": "4", "title": null, "comment_text": null, "story_text": null, "created_at_i": 1438637521}
        ], "page": 0, "nbPages": 1}),
        )
    });
    let row = source(Platform::HackerNews, &server.url(""), &[]);
    let out = run(&row, &["pedalpine"]).unwrap();
    assert_eq!(
        sorted_ids(&out),
        ["1", "2", "3"],
        "an item with no text is skipped"
    );
    for m in &out.mentions {
        assert_eq!(m.created_at, "2015-08-03T21:32:01Z");
    }
}

#[test]
fn without_watch_terms_it_asks_for_setup() {
    let row = source(Platform::HackerNews, "http://127.0.0.1:9", &[]);
    let err = run(&row, &[]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("Watches"));
}

#[test]
fn a_comment_edited_within_hns_two_hours_is_stored_as_edited_not_twice() {
    let now = hearken_lib::clock::now().unix_timestamp();
    let index = Index::default();
    // Too old to be edited any more; then two that still can be.
    index.add(comment(
        41_000_010,
        now - 3 * 3600,
        "<p>Pedal &amp; Pine, old news</p>",
    ));
    index.add(comment(
        41_000_011,
        now - 3000,
        "<p>Pedal &amp; Pine fixed my fork</p>",
    ));
    index.add(comment(
        41_000_012,
        now - 600,
        "<p>Pedal &amp; Pine is open late</p>",
    ));
    let server = start(&index);
    let stash = Stash::new();
    let mut row = source(Platform::HackerNews, &server.url(""), &[]);
    let first = run(&row, &["pedal"]).unwrap();
    assert_eq!(stash.keep(&first), (3, 0));
    row = with_cursor(&row, &first);

    // The author edits within the window.
    {
        let mut hits = index.hits.lock().unwrap();
        let h = hits
            .iter_mut()
            .find(|h| h["objectID"] == "41000011")
            .unwrap();
        h["comment_text"] = json!("<p>Pedal &amp; Pine fixed my fork. EDIT: it broke again</p>");
    }
    let before = server.requests().len();
    let second = run(&row, &["pedal"]).unwrap();
    let asked = server.requests().split_off(before);
    assert_eq!(asked.len(), 1, "still one request");
    assert_eq!(
        asked[0].query("numericFilters"),
        Some(format!("created_at_i>={}", now - 3000)),
        "back to the oldest item that can still be edited, no further"
    );
    assert_eq!(sorted_ids(&second), ["41000011"]);
    assert_eq!(
        second.mentions[0].text,
        "Pedal & Pine fixed my fork. EDIT: it broke again"
    );
    assert_eq!(stash.keep(&second), (0, 1));
    assert_eq!(stash.count(), 3);
    assert_eq!(
        stash.text_of("41000011").as_deref(),
        Some("Pedal & Pine fixed my fork. EDIT: it broke again")
    );
    row = with_cursor(&row, &second);
    assert!(run(&row, &["pedal"]).unwrap().mentions.is_empty());
}
