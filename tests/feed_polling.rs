//! The RSS/Atom connector and the poller against a fake feed server on
//! 127.0.0.1: conditional GET, de-duplication, and every way a feed can fail
//! without losing what is already stored.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hearken_lib::model::{NewSource, Platform};
use hearken_lib::poller::Poller;
use hearken_lib::sources::http::HttpConfig;
use hearken_lib::store::{self, Store};
use hearken_lib::workspace::Workspace;
use support::{atom_feed, FakeServer, Reply};

const ATOM: &str = "application/atom+xml";

fn two_entries() -> String {
    atom_feed(
        "Ashby news",
        &[
            (
                "urn:post:1",
                "Pedal &amp; Pine opens late on Thursdays",
                "2026-11-20T10:00:00Z",
            ),
            (
                "urn:post:2",
                "Bike shop praised for quick repairs 🚲",
                "2026-11-21T09:30:00Z",
            ),
        ],
    )
}

fn setup(url: &str) -> (tempfile::TempDir, Workspace, i64) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    let source = ws
        .add_source(NewSource {
            platform: Some(Platform::Rss),
            label: "Ashby news".into(),
            url: Some(url.into()),
            ..Default::default()
        })
        .unwrap();
    (dir, ws, source.id)
}

fn short_poller(store: &Store, timeout_ms: u64, max_body: u64) -> Poller {
    Poller::new(
        store.clone(),
        HttpConfig {
            connect_timeout: Duration::from_millis(timeout_ms),
            timeout: Duration::from_millis(timeout_ms),
            max_body_bytes: max_body,
            max_redirects: 3,
        },
    )
    .unwrap()
}

fn mention_count(ws: &Workspace) -> i64 {
    ws.store.read(store::mentions::count).unwrap()
}

#[tokio::test]
async fn a_feed_is_stored_once_and_rechecked_with_its_etag() {
    let feed = two_entries();
    let server = FakeServer::start(move |req| {
        if req.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304, ATOM, "")
        } else {
            Reply::ok(ATOM, feed.clone()).with_header("ETag", "\"v1\"")
        }
    });
    let (_dir, ws, id) = setup(&server.url("/feed.xml"));

    let first = ws.poller.poll_source(id).await.unwrap();
    assert!(first.ok, "{first:?}");
    assert_eq!((first.fetched, first.new_mentions), (2, 2));

    let second = ws.poller.poll_source(id).await.unwrap();
    assert!(second.ok && second.not_modified, "{second:?}");
    assert_eq!(second.new_mentions, 0);
    assert_eq!(server.requests()[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(mention_count(&ws), 2);

    let page = ws.mentions_page(None, 10).unwrap();
    assert_eq!(
        page.mentions[0].text,
        "Bike shop praised for quick repairs 🚲"
    );
    assert_eq!(
        page.mentions[1].text,
        "Pedal & Pine opens late on Thursdays"
    );
    assert_eq!(page.mentions[0].author_name.as_deref(), Some("Reporter"));
    let source = ws.source(id).unwrap();
    assert!(source.last_ok_at.is_some());
    assert_eq!(source.mention_count, 2);
}

#[tokio::test]
async fn last_modified_is_sent_back_as_if_modified_since() {
    let feed = two_entries();
    let server = FakeServer::start(move |_| {
        Reply::ok(ATOM, feed.clone()).with_header("Last-Modified", "Sat, 21 Nov 2026 09:30:00 GMT")
    });
    let (_dir, ws, id) = setup(&server.url("/feed"));
    ws.poller.poll_source(id).await.unwrap();
    ws.poller.poll_source(id).await.unwrap();
    assert_eq!(
        server.requests()[1].header("if-modified-since"),
        Some("Sat, 21 Nov 2026 09:30:00 GMT")
    );
}

#[tokio::test]
async fn an_item_seen_again_in_a_changed_feed_is_not_stored_twice() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = FakeServer::start(move |_| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        let mut entries = vec![("urn:post:1", "first", "2026-11-20T10:00:00Z")];
        if n > 0 {
            entries.push(("urn:post:3", "third", "2026-11-22T10:00:00Z"));
        }
        Reply::ok(ATOM, atom_feed("f", &entries))
    });
    let (_dir, ws, id) = setup(&server.url("/f"));
    assert_eq!(ws.poller.poll_source(id).await.unwrap().new_mentions, 1);
    let again = ws.poller.poll_source(id).await.unwrap();
    assert_eq!((again.fetched, again.new_mentions), (2, 1));
    assert_eq!(mention_count(&ws), 2);
}

/// Polls once successfully, then makes the server misbehave, and checks the
/// failure is reported in plain words while the stored mentions stay.
async fn failure_keeps_what_was_stored(
    bad: Reply,
    poller_timeout_ms: u64,
    max_body: u64,
    expect_code_words: &str,
) -> String {
    let feed = two_entries();
    let server = FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()));
    let (_dir, ws, id) = setup(&server.url("/feed"));
    assert!(ws.poller.poll_source(id).await.unwrap().ok);
    server.set(move |_| bad.clone());
    let poller = short_poller(&ws.store, poller_timeout_ms, max_body);
    let report = poller.poll_source(id).await.unwrap();
    assert!(!report.ok);
    let message = report.error.clone().unwrap();
    assert!(message.contains(expect_code_words), "{message}");
    assert_eq!(mention_count(&ws), 2, "stored mentions must survive");
    let source = ws.source(id).unwrap();
    assert_eq!(source.error_count, 1);
    assert_eq!(source.last_error.as_deref(), Some(message.as_str()));
    assert!(source.next_check_at.unwrap() > source.last_checked_at.unwrap());
    message
}

#[tokio::test]
async fn a_feed_that_answers_with_a_web_page_says_to_look_for_the_feed_link() {
    failure_keeps_what_was_stored(
        Reply::ok(
            "text/html",
            "<!DOCTYPE html><html><body>Welcome to our shop</body></html>",
        ),
        5000,
        1 << 20,
        "sent a web page, not a feed",
    )
    .await;
}

#[tokio::test]
async fn a_500_is_reported_as_temporary() {
    failure_keeps_what_was_stored(
        Reply::status(500, "text/html", "<h1>Internal Server Error</h1>"),
        5000,
        1 << 20,
        "HTTP 500 Internal Server Error",
    )
    .await;
}

#[tokio::test]
async fn a_feed_that_never_answers_times_out() {
    failure_keeps_what_was_stored(
        Reply::Silence(Duration::from_secs(5)),
        500,
        1 << 20,
        "took too long",
    )
    .await;
}

#[tokio::test]
async fn an_oversized_feed_is_refused_with_the_limit() {
    let huge = vec![b' '; 3 << 20];
    failure_keeps_what_was_stored(Reply::ok(ATOM, huge), 5000, 1 << 20, "more than 1 MB").await;
}

#[tokio::test]
async fn a_truncated_answer_is_reported_not_stored() {
    let body = two_entries().into_bytes();
    let half = body[..body.len() / 2].to_vec();
    failure_keeps_what_was_stored(
        Reply::CutOff {
            declared: body.len(),
            body: half,
        },
        5000,
        1 << 20,
        "couldn't read",
    )
    .await;
}

#[tokio::test]
async fn a_429_waits_at_least_as_long_as_retry_after() {
    let message = failure_keeps_what_was_stored(
        Reply::status(429, "text/html", "<html>Too Many Requests</html>")
            .with_header("Retry-After", "7200"),
        5000,
        1 << 20,
        "slow down",
    )
    .await;
    assert!(message.contains("2 hours"), "{message}");
}

#[tokio::test]
async fn a_refused_connection_is_reported_and_other_sources_carry_on() {
    let feed = two_entries();
    let good = FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()));
    let (_dir, ws, good_id) = setup(&good.url("/feed"));
    // A port that nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!(
        "http://127.0.0.1:{}/feed",
        closed.local_addr().unwrap().port()
    );
    drop(closed);
    let dead = ws
        .add_source(NewSource {
            platform: Some(Platform::Rss),
            label: "Gone".into(),
            url: Some(dead_url),
            ..Default::default()
        })
        .unwrap();
    let reports = ws.poller.poll_all().await.unwrap();
    let by_id = |id| reports.iter().find(|r| r.source_id == id).unwrap();
    assert!(by_id(good_id).ok);
    assert_eq!(by_id(good_id).new_mentions, 2);
    let failed = by_id(dead.id);
    assert!(!failed.ok);
    assert!(
        failed.error.as_ref().unwrap().contains("refused"),
        "{failed:?}"
    );
}

#[tokio::test]
async fn testing_a_source_describes_the_feed_and_stores_nothing() {
    let feed = two_entries();
    let server = FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()));
    let (_dir, ws, id) = setup(&server.url("/feed"));
    let report = ws.poller.test_source(id).await.unwrap();
    assert!(report.ok);
    assert_eq!(
        report.message,
        "It works. \"Ashby news\" answered with 2 items."
    );
    assert_eq!(mention_count(&ws), 0);
}

/// An Atom feed of `n` entries, `urn:big:0` .. `urn:big:<n-1>`.
fn big_feed(n: usize) -> String {
    let entries: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("urn:big:{i}"),
                format!("Item {i}: Pedal &amp; Pine trued my wheel"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|(id, text)| (id.as_str(), text.as_str(), "2026-11-20T10:00:00Z"))
        .collect();
    atom_feed("Big", &refs)
}

fn stored_etag(ws: &Workspace, id: i64) -> Option<String> {
    ws.store
        .read(move |c| store::sources::get(c, id))
        .unwrap()
        .state
        .etag
}

/// Several chunks' worth of entries (the connector reads 500 at a time).
const MANY: usize = 3_200;

#[tokio::test]
async fn a_long_feed_is_stored_whole_and_once_in_one_poll() {
    let feed = big_feed(MANY);
    let server =
        FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()).with_header("ETag", "\"big\""));
    let (_dir, ws, id) = setup(&server.url("/big.xml"));

    let first = ws.poller.poll_source(id).await.unwrap();
    assert!(first.ok, "{first:?}");
    assert_eq!(
        (first.fetched, first.new_mentions),
        (MANY as i64, MANY as i64)
    );
    assert_eq!(mention_count(&ws), MANY as i64);
    assert_eq!(stored_etag(&ws, id).as_deref(), Some("\"big\""));
    // Every entry once: first, either side of a chunk boundary, last.
    for i in [0, 499, 500, 501, 1999, MANY - 1] {
        let external_id = format!("urn:big:{i}");
        let n: i64 = ws
            .store
            .read(move |c| {
                c.query_row(
                    "SELECT count(*) FROM mentions WHERE external_id = ?1 AND text = ?2",
                    [
                        external_id,
                        format!("Item {i}: Pedal & Pine trued my wheel"),
                    ],
                    |r| r.get(0),
                )
                .map_err(|e| hearken_lib::error::Error::Database(e.to_string()))
            })
            .unwrap();
        assert_eq!(n, 1, "entry {i}");
    }

    // The same feed again (the fake ignores the ETag): nothing new.
    let again = ws.poller.poll_source(id).await.unwrap();
    assert!(again.ok, "{again:?}");
    assert_eq!((again.fetched, again.new_mentions), (MANY as i64, 0));
    assert_eq!(mention_count(&ws), MANY as i64);
}

#[tokio::test]
async fn a_long_feed_cut_off_part_way_stores_nothing_and_keeps_the_old_etag() {
    let full = big_feed(MANY);
    // A complete HTTP answer whose document stops after about 1,700
    // entries: more than one chunk has been stored when the cut is found.
    let cut_at = full.find("<entry><id>urn:big:1700<").unwrap() + 30;
    let truncated = full[..cut_at].to_string();
    let server =
        FakeServer::start(move |_| Reply::ok(ATOM, two_entries()).with_header("ETag", "\"v1\""));
    let (_dir, ws, id) = setup(&server.url("/feed"));
    assert!(ws.poller.poll_source(id).await.unwrap().ok);
    assert_eq!(mention_count(&ws), 2);

    server.set(move |_| Reply::ok(ATOM, truncated.clone()).with_header("ETag", "\"v2\""));
    let failed = ws.poller.poll_source(id).await.unwrap();
    assert!(!failed.ok, "{failed:?}");
    let message = failed.error.clone().unwrap();
    assert!(message.contains("couldn't read"), "{message}");
    assert_eq!(mention_count(&ws), 2, "nothing of the cut feed is kept");
    assert_eq!(stored_etag(&ws, id).as_deref(), Some("\"v1\""));
    let source = ws.source(id).unwrap();
    assert_eq!(source.error_count, 1);
    assert_eq!(source.last_error.as_deref(), Some(message.as_str()));
    assert_eq!(server.requests()[1].header("if-none-match"), Some("\"v1\""));

    // "Test" reads to the end too, and says the feed is unreadable.
    let test = ws.poller.test_source(id).await.unwrap();
    assert!(!test.ok, "{test:?}");
    assert!(test.message.contains("couldn't read"), "{}", test.message);

    let full_again = full.clone();
    server.set(move |_| Reply::ok(ATOM, full_again.clone()).with_header("ETag", "\"v3\""));
    // The failed poll did not advance the ETag: the next one still asks with v1.
    let good = ws.poller.poll_source(id).await.unwrap();
    assert!(good.ok, "{good:?}");
    let last = server.requests().last().unwrap().clone();
    assert_eq!(last.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        (good.fetched, good.new_mentions),
        (MANY as i64, MANY as i64)
    );
    assert_eq!(mention_count(&ws), 2 + MANY as i64);
    assert_eq!(stored_etag(&ws, id).as_deref(), Some("\"v3\""));
    assert_eq!(ws.source(id).unwrap().error_count, 0);
}

#[tokio::test]
async fn testing_a_long_feed_counts_every_item_and_stores_nothing() {
    let feed = big_feed(MANY);
    let server = FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()));
    let (_dir, ws, id) = setup(&server.url("/big.xml"));
    let report = ws.poller.test_source(id).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.items, MANY as i64);
    assert_eq!(
        report.message,
        format!("It works. \"Big\" answered with {MANY} items.")
    );
    assert_eq!(mention_count(&ws), 0);
}
