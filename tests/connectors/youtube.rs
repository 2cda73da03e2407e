//! YouTube Data API v3 against a fake server speaking its wire format:
//! commentThreads paging, the quota meter, Google's error envelope.

use super::*;
use crate::support::{FakeServer, Reply};
use serde_json::{json, Value};

const KEY: &str = "AIzaSyFAKE-test-key_123";
const CHANNEL: &str = "UCpedalpine0000000000000";

fn thread(id: &str, text: &str, published: &str, updated: &str) -> Value {
    json!({
        "kind": "youtube#commentThread",
        "etag": "e",
        "id": id,
        "snippet": {
            "channelId": CHANNEL,
            "videoId": "vid12345678",
            "topLevelComment": {
                "kind": "youtube#comment",
                "etag": "e",
                "id": id,
                "snippet": {
                    "channelId": CHANNEL,
                    "videoId": "vid12345678",
                    "textDisplay": text,
                    "textOriginal": text,
                    "authorDisplayName": "@sam_rides",
                    "authorProfileImageUrl": "https://yt3.ggpht.com/x",
                    "authorChannelUrl": "http://www.youtube.com/@sam_rides",
                    "authorChannelId": {"value": "UCsam000000000000000000"},
                    "canRate": true,
                    "viewerRating": "none",
                    "likeCount": 2,
                    "publishedAt": published,
                    "updatedAt": updated
                }
            },
            "canReply": true,
            "totalReplyCount": 0,
            "isPublic": true
        }
    })
}

fn page(items: Vec<Value>, next: Option<&str>) -> Value {
    let mut v = json!({
        "kind": "youtube#commentThreadListResponse",
        "etag": "etag-list",
        "pageInfo": {"totalResults": items.len(), "resultsPerPage": 100},
        "items": items
    });
    if let Some(n) = next {
        v["nextPageToken"] = json!(n);
    }
    v
}

fn google_error(code: u16, reason: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message, "errors": [
        {"message": message, "domain": "youtube.quota", "reason": reason}
    ]}})
}

fn comments_row(server: &FakeServer) -> hearken_lib::store::sources::SourceRow {
    source(
        Platform::Youtube,
        &server.url("/youtube/v3"),
        &[("channel_id", CHANNEL), ("search", "off")],
    )
}

fn run(
    row: &hearken_lib::store::sources::SourceRow,
    meter: &Meter,
    terms: &[&str],
) -> Result<FetchOutcome, FetchError> {
    let sessions = Sessions::default();
    let http = client();
    let mut f = Fetch::new(row, &sessions, meter, &http);
    f.secret = Some(KEY);
    f.terms = terms.iter().map(|t| t.to_string()).collect();
    f.run()
}

#[test]
fn channel_comments_follow_page_tokens_with_the_key_and_map_every_field() {
    let server = FakeServer::start(|req| {
        assert_eq!(req.route(), "/youtube/v3/commentThreads");
        match req.query("pageToken").as_deref() {
            None => Reply::json(
                200,
                &page(
                    vec![
                        thread(
                            "UgyNewest",
                            "Best tune-up in town 🚲 &quot;five stars&quot;<br>Thanks!",
                            "2026-05-02T10:00:00.000Z",
                            "2026-05-02T10:00:00.000Z",
                        ),
                        thread(
                            "UgySecond",
                            "I <3 Pedal & Pine",
                            "2026-05-01T09:30:00Z",
                            "2026-05-01T09:30:00Z",
                        ),
                    ],
                    Some("PAGE2"),
                ),
            ),
            Some("PAGE2") => Reply::json(
                200,
                &page(
                    vec![thread(
                        "UgyOldest",
                        "Chain snapped a day later 😡",
                        "2026-04-20T08:00:00Z",
                        "2026-04-20T08:00:00Z",
                    )],
                    None,
                ),
            ),
            other => panic!("unexpected page token {other:?}"),
        }
    });
    let row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    let out = run(&row, &meter, &[]).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["UgyNewest", "UgySecond", "UgyOldest"]);
    let m = &out.mentions[0];
    assert_eq!(m.text, "Best tune-up in town 🚲 \"five stars\"\nThanks!");
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.youtube.com/watch?v=vid12345678&lc=UgyNewest")
    );
    assert_eq!(m.author_id.as_deref(), Some("UCsam000000000000000000"));
    assert_eq!(m.author_handle.as_deref(), Some("@sam_rides"));
    assert_eq!(m.created_at, "2026-05-02T10:00:00Z");
    assert!(!m.from_search);
    // plainText comments stay exactly as typed.
    assert_eq!(out.mentions[1].text, "I <3 Pedal & Pine");
    assert_eq!(out.mentions[2].text, "Chain snapped a day later 😡");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.query("key").as_deref(), Some(KEY));
        assert_eq!(
            r.query("allThreadsRelatedToChannelId").as_deref(),
            Some(CHANNEL)
        );
        assert_eq!(r.query("order").as_deref(), Some("time"));
        assert_eq!(r.query("textFormat").as_deref(), Some("plainText"));
        assert_eq!(r.query("part").as_deref(), Some("snippet,replies"));
        assert_eq!(r.query("maxResults").as_deref(), Some("100"));
    }
    assert_eq!(reqs[1].query("pageToken").as_deref(), Some("PAGE2"));
    // One unit per commentThreads page.
    assert_eq!(meter.used_now(), 2);
    let cursor = out.state.cursor.unwrap();
    assert!(cursor.contains("2026-05-02T10:00:00Z"), "{cursor}");
    assert!(!cursor.contains(KEY));
}

/// A reply as commentThreads gives it in `replies.comments`.
fn reply(id: &str, parent: &str, text: &str, at: &str, author: (&str, &str)) -> Value {
    json!({
        "kind": "youtube#comment",
        "etag": "e",
        "id": format!("{parent}.{id}"),
        "snippet": {
            "channelId": CHANNEL,
            "videoId": "vid12345678",
            "textDisplay": text,
            "textOriginal": text,
            "parentId": parent,
            "authorDisplayName": author.1,
            "authorChannelUrl": format!("http://www.youtube.com/{}", author.1),
            "authorChannelId": {"value": author.0},
            "canRate": true,
            "viewerRating": "none",
            "likeCount": 0,
            "publishedAt": at,
            "updatedAt": at
        }
    })
}

fn with_replies(mut thread: Value, replies: Vec<Value>) -> Value {
    thread["snippet"]["totalReplyCount"] = json!(replies.len());
    thread["replies"] = json!({ "comments": replies });
    thread
}

#[test]
fn replies_in_a_thread_are_mentions_but_the_channels_own_are_not() {
    let replies = std::sync::Arc::new(std::sync::Mutex::new(vec![
        reply(
            "AAA1",
            "UgzT1",
            "Same happened to me 😬",
            "2026-05-01T10:30:00Z",
            ("UCjo0000000000000000000", "@jo_rides"),
        ),
        reply(
            "AAA2",
            "UgzT1",
            "Sorry! Bring it in and we'll fix it free.",
            "2026-05-01T10:40:00Z",
            (CHANNEL, "@pedalpine"),
        ),
    ]));
    let r = replies.clone();
    let server = FakeServer::start(move |_| {
        let t1 = thread(
            "UgzT1",
            "Wheel buckled after a week",
            "2026-05-01T10:00:00Z",
            "2026-05-01T10:00:00Z",
        );
        let t0 = thread(
            "UgzT0",
            "Great video",
            "2026-04-01T10:00:00Z",
            "2026-04-01T10:00:00Z",
        );
        Reply::json(
            200,
            &page(vec![with_replies(t1, r.lock().unwrap().clone()), t0], None),
        )
    });
    let mut row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    let first = run(&row, &meter, &[]).unwrap();
    let ids: Vec<_> = first
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["UgzT1", "UgzT1.AAA1", "UgzT0"]);
    let m = &first.mentions[1];
    assert_eq!(m.text, "Same happened to me 😬");
    assert_eq!(m.author_handle.as_deref(), Some("@jo_rides"));
    assert_eq!(m.author_id.as_deref(), Some("UCjo0000000000000000000"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.youtube.com/watch?v=vid12345678&lc=UgzT1.AAA1")
    );
    assert_eq!(m.created_at, "2026-05-01T10:30:00Z");
    assert!(!m.from_search);
    row.state = first.state;

    // A new reply on the (older) thread: only the reply comes.
    replies.lock().unwrap().push(reply(
        "AAA3",
        "UgzT1",
        "Thanks, will do",
        "2026-05-02T08:00:00Z",
        ("UCjo0000000000000000000", "@jo_rides"),
    ));
    let second = run(&row, &meter, &[]).unwrap();
    let ids: Vec<_> = second
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["UgzT1.AAA3"]);
    row.state = second.state;
    assert!(run(&row, &meter, &[]).unwrap().mentions.is_empty());
    assert_eq!(server.requests().len(), 3, "one page a check");
}

/// A channel whose thread UgzT1 has more replies than commentThreads
/// includes (it includes the first two): the replies, shared so a test can
/// add one; `comments?parentId=` serves them three a page, or fails with
/// `failing` while it is set.
fn long_thread_server(
    replies: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    failing: std::sync::Arc<std::sync::Mutex<Option<Reply>>>,
) -> FakeServer {
    FakeServer::start(move |req| {
        let all = replies.lock().unwrap().clone();
        if req.route() == "/youtube/v3/comments" {
            if let Some(reply) = failing.lock().unwrap().clone() {
                return reply;
            }
            assert_eq!(req.query("parentId").as_deref(), Some("UgzT1"));
            assert_eq!(req.query("part").as_deref(), Some("snippet"));
            assert_eq!(req.query("textFormat").as_deref(), Some("plainText"));
            assert_eq!(req.query("key").as_deref(), Some(KEY));
            let from: usize = req
                .query("pageToken")
                .map(|t| t[1..].parse().unwrap())
                .unwrap_or(0);
            let mut v = json!({
                "kind": "youtube#commentListResponse",
                "items": all.iter().skip(from).take(3).cloned().collect::<Vec<_>>()
            });
            if from + 3 < all.len() {
                v["nextPageToken"] = json!(format!("R{}", from + 3));
            }
            return Reply::json(200, &v);
        }
        assert_eq!(req.route(), "/youtube/v3/commentThreads");
        let mut t1 = with_replies(
            thread(
                "UgzT1",
                "Wheel buckled after a week",
                "2026-05-01T10:00:00Z",
                "2026-05-01T10:00:00Z",
            ),
            all.iter().take(2).cloned().collect(),
        );
        t1["snippet"]["totalReplyCount"] = json!(all.len());
        let t0 = thread(
            "UgzT0",
            "Great video",
            "2026-04-01T10:00:00Z",
            "2026-04-01T10:00:00Z",
        );
        Reply::json(200, &page(vec![t1, t0], None))
    })
}

fn numbered_reply(n: usize) -> Value {
    let author = if n == 4 {
        (CHANNEL, "@pedalpine")
    } else {
        ("UCjo0000000000000000000", "@jo_rides")
    };
    reply(
        &format!("R{n}"),
        "UgzT1",
        &format!("Reply number {n}"),
        &format!("2026-05-01T1{n}:00:00Z"),
        author,
    )
}

fn ids_of(out: &FetchOutcome) -> Vec<&str> {
    out.mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect()
}

#[test]
fn replies_youtube_left_out_are_read_once_per_new_reply_count() {
    let replies = std::sync::Arc::new(std::sync::Mutex::new(
        (1..=6).map(numbered_reply).collect::<Vec<_>>(),
    ));
    let server = long_thread_server(replies.clone(), Default::default());
    let mut row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    let first = run(&row, &meter, &[]).unwrap();
    // The two included, then the rest read from comments?parentId= (two
    // pages of three), once each; the channel's own reply (R4) is not a
    // mention.
    assert_eq!(
        ids_of(&first),
        ["UgzT1", "UgzT1.R1", "UgzT1.R2", "UgzT0", "UgzT1.R3", "UgzT1.R5", "UgzT1.R6"]
    );
    let r5 = &first.mentions[5];
    assert_eq!(r5.text, "Reply number 5");
    assert_eq!(r5.created_at, "2026-05-01T15:00:00Z");
    assert_eq!(
        r5.url.as_deref(),
        Some("https://www.youtube.com/watch?v=vid12345678&lc=UgzT1.R5")
    );
    assert_eq!(
        server.requests().len(),
        3,
        "one thread page, two reply pages"
    );
    assert_eq!(meter.used_now(), 3, "a unit a page");
    let cursor = first.state.cursor.clone().unwrap();
    assert!(!cursor.contains(KEY));
    row.state = first.state;

    // Nothing new: the count was read in full, so no reply page is asked for.
    let second = run(&row, &meter, &[]).unwrap();
    assert!(second.mentions.is_empty(), "{:?}", ids_of(&second));
    assert_eq!(server.requests().len(), 4);
    row.state = second.state;

    // A seventh reply: the thread's replies are read again (the store keeps
    // each once), and the new one is among them.
    replies.lock().unwrap().push(numbered_reply(7));
    let third = run(&row, &meter, &[]).unwrap();
    let ids = ids_of(&third);
    assert!(ids.contains(&"UgzT1.R7"), "{ids:?}");
    assert!(!ids.contains(&"UgzT1.R4"), "{ids:?}");
    assert_eq!(server.requests().len(), 4 + 1 + 3, "three pages of three");
}

#[test]
fn replies_that_fail_or_outrun_the_meter_are_read_on_a_later_check() {
    let replies = std::sync::Arc::new(std::sync::Mutex::new(
        (1..=6).map(numbered_reply).collect::<Vec<_>>(),
    ));
    let failing = std::sync::Arc::new(std::sync::Mutex::new(Some(Reply::json(
        500,
        &google_error(500, "backendError", "Backend Error"),
    ))));
    let server = long_thread_server(replies, failing.clone());
    let mut row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    // The replies can't be read: the thread and what was included still come.
    let first = run(&row, &meter, &[]).unwrap();
    assert_eq!(ids_of(&first), ["UgzT1", "UgzT1.R1", "UgzT1.R2", "UgzT0"]);
    assert_eq!(first.wait_secs, None);
    row.state = first.state;

    // Throttled: the same, and the next check waits as YouTube asked.
    *failing.lock().unwrap() = Some(
        Reply::json(429, &google_error(429, "rateLimitExceeded", "slow"))
            .with_header("Retry-After", "120"),
    );
    let throttled = run(&row, &meter, &[]).unwrap();
    assert_eq!(throttled.wait_secs, Some(120));
    assert!(throttled.mentions.is_empty(), "{:?}", ids_of(&throttled));
    row.state = throttled.state;

    // Two units left: the thread page and one page of replies, then the
    // meter stops the check with what it read.
    *failing.lock().unwrap() = None;
    let short = Meter::new(Some(100), 98);
    let second = run(&row, &short, &[]).unwrap();
    assert_eq!(ids_of(&second), ["UgzT1.R1", "UgzT1.R2", "UgzT1.R3"]);
    assert_eq!(short.remaining(), Some(0));
    row.state = second.state;

    // With units again, the thread's replies are read in full.
    let third = run(&row, &meter, &[]).unwrap();
    let ids = ids_of(&third);
    for id in ["UgzT1.R3", "UgzT1.R5", "UgzT1.R6"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    row.state = third.state;
    let fourth = run(&row, &meter, &[]).unwrap();
    assert!(fourth.mentions.is_empty(), "{:?}", ids_of(&fourth));
}

/// A channel's comment threads, `pages` of them newest first (page k > 0
/// asked for with the token "P{k}"), and each thread's replies from
/// `comments?parentId=` on one page: a thread in `gone` answers 404
/// `commentNotFound`, and `refuse` (when set) answers every reply request.
fn channel_of(
    pages: Vec<Vec<Value>>,
    replies: BTreeMap<String, Vec<Value>>,
    gone: &'static [&'static str],
    refuse: Option<Reply>,
) -> impl Fn(&crate::support::SeenRequest) -> Reply + Send + Sync + 'static {
    move |req| {
        if req.route() == "/youtube/v3/comments" {
            if let Some(reply) = refuse.clone() {
                return reply;
            }
            let parent = req.query("parentId").unwrap();
            if gone.contains(&parent.as_str()) {
                return Reply::json(
                    404,
                    &google_error(404, "commentNotFound", "The comment could not be found."),
                );
            }
            let items = replies.get(&parent).cloned().unwrap_or_default();
            return Reply::json(
                200,
                &json!({"kind": "youtube#commentListResponse", "items": items}),
            );
        }
        assert_eq!(req.route(), "/youtube/v3/commentThreads");
        let k: usize = req
            .query("pageToken")
            .map(|t| t[1..].parse().unwrap())
            .unwrap_or(0);
        let next = (k + 1 < pages.len()).then(|| format!("P{}", k + 1));
        Reply::json(200, &page(pages[k].clone(), next.as_deref()))
    }
}

/// Thread `id` on day `day` of May with `total` replies, of which
/// commentThreads includes none; its replies, two from customers.
fn long_thread(id: &str, day: u32, total: usize) -> (Value, Vec<Value>) {
    let at = format!("2026-05-{day:02}T10:00:00Z");
    let mut t = thread(id, &format!("Question {id}"), &at, &at);
    t["snippet"]["totalReplyCount"] = json!(total);
    let replies = (1..=total)
        .map(|n| {
            reply(
                &format!("R{n}"),
                id,
                &format!("Answer {n} to {id}"),
                &format!("2026-05-{day:02}T1{n}:00:00Z"),
                ("UCjo0000000000000000000", "@jo_rides"),
            )
        })
        .collect();
    (t, replies)
}

fn parents_asked(server: &FakeServer, from: usize) -> Vec<String> {
    server.requests()[from..]
        .iter()
        .filter(|r| r.route() == "/youtube/v3/comments")
        .map(|r| r.query("parentId").unwrap())
        .collect()
}

#[test]
fn replies_not_read_are_owed_and_read_when_a_later_check_stops_above_their_page() {
    let (t1, t1_replies) = long_thread("UgzT1", 1, 4);
    let replies = BTreeMap::from([("UgzT1".to_string(), t1_replies)]);
    let day = |d: u32| format!("2026-05-{d:02}T10:00:00Z");
    let t0 = thread("UgzT0", "Old news", &day(1), &day(1));
    let t2 = thread("UgzT2", "Nice bikes", &day(3), &day(3));
    let t3 = thread("UgzT3", "Open on Sunday?", &day(4), &day(4));
    let server = FakeServer::start(channel_of(
        vec![vec![t2.clone(), t1.clone()]],
        replies.clone(),
        &[],
        Some(Reply::json(
            500,
            &google_error(500, "backendError", "Backend Error"),
        )),
    ));
    let mut row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    // The replies of UgzT1 can't be read: the threads still come.
    let first = run(&row, &meter, &[]).unwrap();
    assert_eq!(ids_of(&first), ["UgzT2", "UgzT1"]);
    let cursor = first.state.cursor.clone().unwrap();
    assert!(cursor.contains("replies_owed"), "{cursor}");
    row.state = first.state;

    // A new thread pushes UgzT1 to a second page, which this check doesn't
    // reach (it stops at UgzT2, the watermark). The owed replies are asked
    // for anyway, and YouTube throttles them: the new thread is kept, the
    // next check waits as asked, and the replies stay owed.
    let pages = vec![vec![t3.clone(), t2.clone()], vec![t1.clone(), t0.clone()]];
    server.set(channel_of(
        pages.clone(),
        replies.clone(),
        &[],
        Some(
            Reply::json(429, &google_error(429, "rateLimitExceeded", "slow"))
                .with_header("Retry-After", "120"),
        ),
    ));
    let before = server.requests().len();
    let throttled = run(&row, &meter, &[]).unwrap();
    assert_eq!(ids_of(&throttled), ["UgzT3"]);
    assert_eq!(throttled.wait_secs, Some(120));
    assert_eq!(parents_asked(&server, before), ["UgzT1"]);
    row.state = throttled.state;

    // Answered now: one page of threads (not the second), then UgzT1's
    // replies, every one of them.
    server.set(channel_of(pages.clone(), replies.clone(), &[], None));
    let before = server.requests().len();
    let third = run(&row, &meter, &[]).unwrap();
    assert_eq!(
        ids_of(&third),
        ["UgzT1.R1", "UgzT1.R2", "UgzT1.R3", "UgzT1.R4"]
    );
    assert_eq!(third.mentions[2].text, "Answer 3 to UgzT1");
    assert_eq!(
        third.mentions[2].url.as_deref(),
        Some("https://www.youtube.com/watch?v=vid12345678&lc=UgzT1.R3")
    );
    let asked = &server.requests()[before..];
    assert_eq!(asked.len(), 2, "one page of threads, one of replies");
    assert_eq!(asked[0].query("pageToken"), None);
    let cursor = third.state.cursor.clone().unwrap();
    assert!(!cursor.contains("replies_owed"), "{cursor}");
    row.state = third.state;

    // Nothing is owed any more: the next check asks for one page only.
    let before = server.requests().len();
    assert!(run(&row, &meter, &[]).unwrap().mentions.is_empty());
    assert_eq!(server.requests().len(), before + 1);
}

#[test]
fn threads_over_a_checks_share_are_owed_oldest_first_and_a_deleted_one_is_dropped() {
    // Twenty-two threads with replies left out, newest (day 23) first: a
    // check reads the replies of twenty.
    let threads: Vec<(Value, Vec<Value>)> = (0..22)
        .rev()
        .map(|n| long_thread(&format!("UgzL{n:02}"), n + 2, 2))
        .collect();
    let replies: BTreeMap<String, Vec<Value>> = threads
        .iter()
        .map(|(t, r)| (t["id"].as_str().unwrap().to_string(), r.clone()))
        .collect();
    let all: Vec<Value> = threads.iter().map(|(t, _)| t.clone()).collect();
    let server = FakeServer::start(channel_of(vec![all.clone()], replies.clone(), &[], None));
    let mut row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    let first = run(&row, &meter, &[]).unwrap();
    let asked = parents_asked(&server, 0);
    assert_eq!(asked.len(), 20);
    assert_eq!(asked[0], "UgzL21");
    assert_eq!(asked[19], "UgzL02");
    let ids = ids_of(&first);
    assert!(ids.contains(&"UgzL02.R2"), "{ids:?}");
    assert!(!ids.contains(&"UgzL01.R1"), "{ids:?}");
    assert!(!ids.contains(&"UgzL00.R1"), "{ids:?}");
    row.state = first.state;

    // A new thread; the old ones move to a page this check doesn't read.
    // The two owed are read in the order they were owed; UgzL00 was
    // deleted meanwhile.
    let (new, _) = long_thread("UgzNEW", 28, 0);
    let mut pages = vec![vec![new, all[0].clone()]];
    pages.push(all[1..].to_vec());
    server.set(channel_of(
        pages.clone(),
        replies.clone(),
        &["UgzL00"],
        None,
    ));
    let before = server.requests().len();
    let second = run(&row, &meter, &[]).unwrap();
    assert_eq!(parents_asked(&server, before), ["UgzL01", "UgzL00"]);
    assert_eq!(ids_of(&second), ["UgzNEW", "UgzL01.R1", "UgzL01.R2"]);
    assert_eq!(
        server.requests().len(),
        before + 3,
        "one page of threads, two of replies"
    );
    row.state = second.state;

    // Nothing is owed: the deleted thread isn't asked for again.
    let before = server.requests().len();
    assert!(run(&row, &meter, &[]).unwrap().mentions.is_empty());
    assert!(parents_asked(&server, before).is_empty());
}

#[test]
fn a_later_check_stops_at_the_watermark_and_returns_only_new_comments() {
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &page(
                vec![thread(
                    "UgyA",
                    "first",
                    "2026-05-01T10:00:00Z",
                    "2026-05-01T10:00:00Z",
                )],
                None,
            ),
        )
    });
    let mut row = comments_row(&server);
    let meter = Meter::new(Some(10_000), 0);
    let first = run(&row, &meter, &[]).unwrap();
    assert_eq!(first.mentions.len(), 1);
    row.state = first.state;

    server.set(|req| {
        assert!(
            req.query("pageToken").is_none(),
            "must stop at the watermark"
        );
        Reply::json(
            200,
            &page(
                vec![
                    thread(
                        "UgyC",
                        "third",
                        "2026-05-01T12:00:00Z",
                        "2026-05-01T12:00:00Z",
                    ),
                    // Same second as the watermark but not seen before.
                    thread(
                        "UgyB",
                        "second",
                        "2026-05-01T10:00:00Z",
                        "2026-05-01T10:00:00Z",
                    ),
                    thread(
                        "UgyA",
                        "first",
                        "2026-05-01T10:00:00Z",
                        "2026-05-01T10:00:00Z",
                    ),
                ],
                Some("MORE-OLD-STUFF"),
            ),
        )
    });
    let second = run(&row, &meter, &[]).unwrap();
    let ids: Vec<_> = second
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["UgyC", "UgyB"]);
    assert_eq!(server.requests().len(), 2, "one request per check");
    row.state = second.state;

    let third = run(&row, &meter, &[]).unwrap();
    assert!(third.mentions.is_empty(), "{:?}", third.mentions);
}

#[test]
fn a_check_capped_at_ten_pages_carries_on_next_time_without_losing_comments() {
    // 14 pages of 2 comments each, newest first, all newer than the watermark.
    fn numbered_page(n: usize) -> Value {
        let at = |k: usize| format!("2026-06-01T{:02}:{:02}:00Z", 23 - k / 60, 59 - k % 60);
        let items = (0..2)
            .map(|i| {
                let k = n * 2 + i;
                thread(
                    &format!("Ugy{k:03}"),
                    &format!("comment {k}"),
                    &at(k),
                    &at(k),
                )
            })
            .collect();
        let next = if n < 13 {
            Some(format!("P{}", n + 1))
        } else {
            None
        };
        page(items, next.as_deref())
    }
    let server = FakeServer::start(|_| {
        Reply::json(
            200,
            &page(
                vec![thread(
                    "UgyOld",
                    "old",
                    "2026-05-01T00:00:00Z",
                    "2026-05-01T00:00:00Z",
                )],
                None,
            ),
        )
    });
    let mut row = comments_row(&server);
    let meter = Meter::unlimited();
    row.state = run(&row, &meter, &[]).unwrap().state;

    server.set(|req| {
        let n = req
            .query("pageToken")
            .map(|t| t.trim_start_matches('P').parse::<usize>().unwrap())
            .unwrap_or(0);
        if n == 14 {
            return Reply::json(
                200,
                &page(
                    vec![thread(
                        "UgyOld",
                        "old",
                        "2026-05-01T00:00:00Z",
                        "2026-05-01T00:00:00Z",
                    )],
                    None,
                ),
            );
        }
        Reply::json(200, &numbered_page(n))
    });
    let before = server.requests().len();
    let capped = run(&row, &meter, &[]).unwrap();
    assert_eq!(server.requests().len() - before, 10, "ten pages at most");
    assert_eq!(capped.mentions.len(), 20);
    row.state = capped.state;

    let before = server.requests().len();
    let rest = run(&row, &meter, &[]).unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[before].query("pageToken").as_deref(), Some("P10"));
    let ids: Vec<_> = rest
        .mentions
        .iter()
        .map(|m| m.external_id.clone())
        .collect();
    let want: Vec<_> = (20..28).map(|k| format!("Ugy{k:03}")).collect();
    assert_eq!(ids, want, "the rest, nothing lost, nothing repeated");
    row.state = rest.state;

    // Back to reading from the top, with the newest comment as the watermark.
    let before = server.requests().len();
    let again = run(&row, &meter, &[]).unwrap();
    assert_eq!(server.requests()[before].query("pageToken"), None);
    assert!(again.mentions.is_empty(), "{:?}", again.mentions.len());
}

#[test]
fn a_comment_on_two_pages_appears_once_and_an_edit_returns_with_its_new_text() {
    let server = FakeServer::start(|req| match req.query("pageToken").as_deref() {
        None => Reply::json(
            200,
            &page(
                vec![
                    thread(
                        "UgyX",
                        "hello",
                        "2026-05-03T10:00:00Z",
                        "2026-05-03T10:00:00Z",
                    ),
                    thread(
                        "UgyY",
                        "shop was shut",
                        "2026-05-02T10:00:00Z",
                        "2026-05-02T10:00:00Z",
                    ),
                ],
                Some("P2"),
            ),
        ),
        _ => Reply::json(
            200,
            &page(
                vec![thread(
                    "UgyY",
                    "shop was shut",
                    "2026-05-02T10:00:00Z",
                    "2026-05-02T10:00:00Z",
                )],
                None,
            ),
        ),
    });
    let mut row = comments_row(&server);
    let meter = Meter::unlimited();
    let out = run(&row, &meter, &[]).unwrap();
    let ids: Vec<_> = out
        .mentions
        .iter()
        .map(|m| m.external_id.as_str())
        .collect();
    assert_eq!(ids, ["UgyX", "UgyY"]);
    row.state = out.state;

    // The author edits UgyY: updatedAt moves past the watermark.
    server.set(|_| {
        Reply::json(
            200,
            &page(
                vec![
                    thread(
                        "UgyX",
                        "hello",
                        "2026-05-03T10:00:00Z",
                        "2026-05-03T10:00:00Z",
                    ),
                    thread(
                        "UgyY",
                        "shop was shut, but they called me back. Sorted!",
                        "2026-05-02T10:00:00Z",
                        "2026-05-04T08:00:00Z",
                    ),
                ],
                None,
            ),
        )
    });
    let edited = run(&row, &meter, &[]).unwrap();
    assert_eq!(edited.mentions.len(), 1);
    let m = &edited.mentions[0];
    assert_eq!(m.external_id, "UgyY");
    assert_eq!(m.text, "shop was shut, but they called me back. Sorted!");
    assert_eq!(
        m.created_at, "2026-05-02T10:00:00Z",
        "created, not edited, time"
    );
}

fn video(id: &str, title: &str, channel: &str, published: &str) -> Value {
    json!({
        "kind": "youtube#searchResult",
        "etag": "e",
        "id": {"kind": "youtube#video", "videoId": id},
        "snippet": {
            "publishedAt": published,
            "channelId": channel,
            "title": title,
            "description": "We rode to Pedal &amp; Pine&#39;s workshop...",
            "thumbnails": {},
            "channelTitle": "Ashby Riders",
            "liveBroadcastContent": "none",
            "publishTime": published
        }
    })
}

#[test]
fn search_finds_new_videos_for_the_watch_terms_with_titles_decoded_at_most_hourly() {
    let server = FakeServer::start(|req| {
        if req.route().ends_with("/commentThreads") {
            return Reply::json(200, &page(vec![], None));
        }
        Reply::json(
            200,
            &json!({"items": [
                video("dQw4w9WgXcQ", "Pedal &amp; Pine&#39;s best fix 🚲", "UCriders", "2026-05-02T10:00:00Z"),
                video("ownUpload01", "Our spring sale", CHANNEL, "2026-05-01T10:00:00Z"),
            ]}),
        )
    });
    let row = source(
        Platform::Youtube,
        &server.url("/youtube/v3"),
        &[("channel_id", CHANNEL)],
    );
    let meter = Meter::new(Some(10_000), 0);
    let out = run(&row, &meter, &["Pedal & Pine", "#pedalpine"]).unwrap();
    assert_eq!(
        out.mentions.len(),
        1,
        "the owner's own upload is not a mention"
    );
    let m = &out.mentions[0];
    assert_eq!(m.external_id, "dQw4w9WgXcQ");
    assert_eq!(
        m.text,
        "Pedal & Pine's best fix 🚲\nWe rode to Pedal & Pine's workshop..."
    );
    assert!(m.from_search);
    assert_eq!(m.author_name.as_deref(), Some("Ashby Riders"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
    let search = server
        .requests()
        .into_iter()
        .find(|r| r.route().ends_with("/search"))
        .unwrap();
    assert_eq!(
        search.query("q").as_deref(),
        Some("\"Pedal & Pine\"|#pedalpine")
    );
    assert_eq!(search.query("type").as_deref(), Some("video"));
    assert_eq!(search.query("order").as_deref(), Some("date"));
    assert_eq!(search.query("key").as_deref(), Some(KEY));
    assert!(search.query("publishedAfter").unwrap().ends_with('Z'));
    // 1 unit for the comment page, 100 for the search.
    assert_eq!(meter.used_now(), 101);

    // Straight after: comments are checked again, the search is not.
    let mut row = row;
    row.state = out.state;
    let before = server.requests().len();
    let meter = Meter::new(Some(10_000), 101);
    run(&row, &meter, &["Pedal & Pine", "#pedalpine"]).unwrap();
    let asked: Vec<_> = server.requests()[before..]
        .iter()
        .map(|r| r.route().to_string())
        .collect();
    assert_eq!(asked, ["/youtube/v3/commentThreads"]);
    assert_eq!(meter.used_now(), 1);
}

#[test]
fn the_quota_meter_is_never_exceeded() {
    let server = FakeServer::start(|req| {
        if req.route().ends_with("/search") {
            return Reply::json(200, &json!({"items": []}));
        }
        let n: usize = req
            .query("pageToken")
            .map(|t| t[1..].parse().unwrap())
            .unwrap_or(0);
        let at = format!("2026-05-0{}T10:00:00Z", 9 - n);
        Reply::json(
            200,
            &page(
                vec![thread(&format!("Ugy{n}"), "hi", &at, &at)],
                Some(&format!("P{}", n + 1)),
            ),
        )
    });
    let row = comments_row(&server);
    // Two units left: two pages, then stop with what was found.
    let meter = Meter::new(Some(100), 98);
    let out = run(&row, &meter, &[]).unwrap();
    assert_eq!(out.mentions.len(), 2);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(meter.remaining(), Some(0));

    // Nothing left: no request at all, a budget error.
    let meter = Meter::new(Some(100), 100);
    let err = run(&row, &meter, &[]).unwrap_err();
    assert_eq!(err.code(), "budget_reached");
    assert!(err.to_string().contains("midnight Pacific"), "{err}");
    assert_eq!(server.requests().len(), 2);

    // A search-only source without 100 units left: budget, no request.
    let search_only = source(Platform::Youtube, &server.url("/youtube/v3"), &[]);
    let meter = Meter::new(Some(10_000), 9_950);
    let err = run(&search_only, &meter, &["Pedal & Pine"]).unwrap_err();
    assert_eq!(err.code(), "budget_reached");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(meter.used_now(), 0);

    // With a channel, a search that would eat the comments' reserve is skipped.
    let both = source(
        Platform::Youtube,
        &server.url("/youtube/v3"),
        &[("channel_id", CHANNEL)],
    );
    let meter = Meter::new(Some(10_000), 9_750);
    run(&both, &meter, &["Pedal & Pine"]).unwrap();
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.route().ends_with("/search")));
}

#[test]
fn a_403_quota_exceeded_is_the_daily_quota_not_a_bad_key() {
    let quota = google_error(
        403,
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
    );
    let q = quota.clone();
    let server = FakeServer::start(move |_| Reply::json(403, &q));
    let row = comments_row(&server);
    let err = run(&row, &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "budget_reached");
    assert!(err.to_string().contains("quota"), "{err}");

    // After a page was read, keep it and wait until the quota resets.
    server.set(move |req| match req.query("pageToken") {
        None => Reply::json(
            200,
            &page(
                vec![thread(
                    "UgyKept",
                    "kept",
                    "2026-05-01T10:00:00Z",
                    "2026-05-01T10:00:00Z",
                )],
                Some("P2"),
            ),
        ),
        Some(_) => Reply::json(403, &quota),
    });
    let out = run(&row, &Meter::unlimited(), &[]).unwrap();
    assert_eq!(out.mentions.len(), 1);
    let wait = out.wait_secs.expect("wait for the quota to reset");
    assert!((60..=24 * 3600).contains(&wait), "{wait}");
}

#[test]
fn bad_keys_are_unauthorized_and_no_error_shows_the_key() {
    let cases = [
        (
            400,
            "keyInvalid",
            "API key not valid. Please pass a valid API key.",
        ),
        (403, "forbidden", "The request is not properly authorized."),
        (
            401,
            "unauthorized",
            "Request is missing required authentication credential.",
        ),
    ];
    for (status, reason, message) in cases {
        let body = google_error(status, reason, message);
        let server = FakeServer::start(move |_| Reply::json(status, &body));
        let err = run(&comments_row(&server), &Meter::unlimited(), &[]).unwrap_err();
        assert_eq!(err.code(), "credential_rejected", "{reason}");
        let shown = err.to_string();
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("127.0.0.1"), "{shown}");
        assert!(
            !shown.contains("youtube/v3"),
            "names the host only: {shown}"
        );
    }
}

#[test]
fn throttling_is_rate_limited_with_the_platforms_wait() {
    let server = FakeServer::start(|_| {
        Reply::json(
            403,
            &google_error(403, "rateLimitExceeded", "Too many requests"),
        )
        .with_header("Retry-After", "30")
    });
    let err = run(&comments_row(&server), &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after_secs(), Some(30));

    server.set(|_| {
        Reply::json(429, &google_error(429, "rateLimitExceeded", "slow"))
            .with_header("Retry-After", "120")
    });
    let err = run(&comments_row(&server), &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.retry_after_secs(), Some(120));
}

#[test]
fn throttled_after_a_first_page_keeps_it_and_waits_as_asked() {
    let server = FakeServer::start(|req| match req.query("pageToken").as_deref() {
        None => Reply::json(
            200,
            &page(
                vec![thread(
                    "UgyNew",
                    "Still no reply about my order",
                    "2026-05-02T10:00:00Z",
                    "2026-05-02T10:00:00Z",
                )],
                Some("P2"),
            ),
        ),
        _ => Reply::json(429, &google_error(429, "rateLimitExceeded", "slow"))
            .with_header("Retry-After", "90"),
    });
    let out = run(&comments_row(&server), &Meter::unlimited(), &[]).unwrap();
    assert_eq!(ids_of(&out), ["UgyNew"]);
    assert_eq!(out.wait_secs, Some(90));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn server_errors_and_bad_bodies_are_named_plainly() {
    let server = FakeServer::start(|_| Reply::status(500, "text/html", "<html>oops</html>"));
    let row = comments_row(&server);
    let err = run(&row, &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "http_status");

    let bodies: [(&[u8], &str); 3] = [
        (b"<!DOCTYPE html><html>Sign in</html>", "web page"),
        (b"{\"items\": [{\"id\": \"Ugy", "cut off"),
        (b"{\"items\": [], \"x\": \"\xff\xfe\"}", "valid text"),
    ];
    assert_bodies_are_malformed(bodies, |reply| {
        server.set(move |_| reply.clone());
        run(&row, &Meter::unlimited(), &[]).unwrap_err()
    });

    server.set(|_| {
        Reply::json(
            400,
            &google_error(
                400,
                "invalidChannelId",
                "The channel ID in the request is not valid.",
            ),
        )
    });
    let err = run(&row, &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    assert!(
        err.to_string()
            .contains("channel ID in the request is not valid"),
        "{err}"
    );

    server.set(|_| {
        Reply::json(
            403,
            &google_error(
                403,
                "accessNotConfigured",
                "YouTube Data API v3 has not been used in project 123.",
            ),
        )
    });
    let err = run(&row, &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "platform_error");
    assert!(err.to_string().contains("APIs & Services"), "{err}");

    server.set(|_| {
        Reply::json(
            404,
            &google_error(404, "channelNotFound", "Channel not found."),
        )
    });
    let err = run(&row, &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("channel id"), "{err}");
}

#[test]
fn nothing_to_check_asks_for_a_channel_or_a_watch() {
    let server = FakeServer::start(|_| Reply::json(200, &json!({"items": []})));
    let bare = source(Platform::Youtube, &server.url("/youtube/v3"), &[]);
    let err = run(&bare, &Meter::unlimited(), &[]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(err.to_string().contains("Watches"), "{err}");
    let search_off = source(
        Platform::Youtube,
        &server.url("/youtube/v3"),
        &[("search", "off")],
    );
    let err = run(&search_off, &Meter::unlimited(), &["Pedal & Pine"]).unwrap_err();
    assert_eq!(err.code(), "needs_setup");
    assert!(server.requests().is_empty());
}
