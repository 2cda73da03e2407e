//! The scheduler and the store together, against fake servers on 127.0.0.1:
//! watches tag what they catch, edits and deletions, rate limits delay the
//! next check, one failing source never holds up the others, and offline
//! pauses quietly and resumes by itself.

mod support;

use hearken_lib::model::{NewSource, NewWatch, Platform};
use hearken_lib::store::{self, Store};
use hearken_lib::workspace::Workspace;
use support::{atom_feed, FakeServer, Reply};

const ATOM: &str = "application/atom+xml";

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    (dir, ws)
}

fn add_feed(ws: &Workspace, label: &str, url: &str) -> i64 {
    ws.add_source(NewSource {
        platform: Some(Platform::Rss),
        label: label.into(),
        url: Some(url.into()),
        ..Default::default()
    })
    .unwrap()
    .id
}

fn add_watch(ws: &Workspace, name: &str, terms: &[&str], exclude: &[&str]) -> i64 {
    ws.add_watch(NewWatch {
        name: name.into(),
        terms: terms.iter().map(|s| s.to_string()).collect(),
        exclude_terms: exclude.iter().map(|s| s.to_string()).collect(),
        purpose: "To answer customers who talk about the shop.".into(),
        legitimate_interests: Some("Looking after our customers is our business.".into()),
        necessity: Some("Customers post about us in public instead of writing to us.".into()),
        balance: Some("Public posts only, answered in service, never marketing.".into()),
        enabled: true,
        ..Default::default()
    })
    .unwrap()
    .id
}

fn texts(store: &Store) -> Vec<String> {
    store
        .read(|c| {
            let mut stmt = c
                .prepare("SELECT text FROM mentions ORDER BY text")
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            Ok(rows.map(|r| r.unwrap()).collect())
        })
        .unwrap()
}

fn watches_of(store: &Store, text: &str) -> Vec<String> {
    store
        .read(|c| {
            let id: i64 = c
                .query_row("SELECT id FROM mentions WHERE text = ?1", [text], |r| {
                    r.get(0)
                })
                .unwrap();
            store::watches::names_for_mention(c, id)
        })
        .unwrap()
}

#[tokio::test]
async fn every_mention_records_the_watches_that_caught_it() {
    let feed = atom_feed(
        "Town news",
        &[
            (
                "urn:1",
                "Pedal &amp; Pine fixed my wheel",
                "2026-11-20T10:00:00Z",
            ),
            (
                "urn:2",
                "The old pine tree on Mill Road fell",
                "2026-11-20T11:00:00Z",
            ),
            (
                "urn:3",
                "Thanks @PedalPine for the quick repair",
                "2026-11-20T12:00:00Z",
            ),
            (
                "urn:4",
                "Road closures this weekend",
                "2026-11-20T13:00:00Z",
            ),
        ],
    );
    let server = FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()));
    let (_dir, ws) = workspace();
    add_watch(&ws, "Shop name", &["Pedal & Pine", "Pine"], &["pine tree"]);
    add_watch(&ws, "Our handle", &["@pedalpine"], &[]);
    let id = add_feed(&ws, "Town news", &server.url("/feed"));

    let report = ws.poller.poll_source(id).await.unwrap();
    assert!(report.ok, "{report:?}");
    // A feed is chosen by the owner, so everything in it is kept; the
    // watches say which entries matter.
    assert_eq!(report.new_mentions, 4);
    assert_eq!(
        watches_of(&ws.store, "Pedal & Pine fixed my wheel"),
        vec!["Shop name"]
    );
    assert!(watches_of(&ws.store, "The old pine tree on Mill Road fell").is_empty());
    assert_eq!(
        watches_of(&ws.store, "Thanks @PedalPine for the quick repair"),
        vec!["Our handle"]
    );
    assert!(watches_of(&ws.store, "Road closures this weekend").is_empty());
    let watches = ws.list_watches().unwrap();
    let counts: Vec<(String, i64)> = watches
        .iter()
        .map(|w| (w.name.clone(), w.mention_count))
        .collect();
    assert_eq!(
        counts,
        vec![("Our handle".to_string(), 1), ("Shop name".to_string(), 1)]
    );
}

#[tokio::test]
async fn edited_entries_update_and_deleted_entries_stay() {
    let server = FakeServer::start(|_| {
        Reply::ok(
            ATOM,
            atom_feed(
                "Reviews",
                &[
                    ("urn:a", "Great service", "2026-11-20T10:00:00Z"),
                    ("urn:b", "Slow repair", "2026-11-21T10:00:00Z"),
                ],
            ),
        )
    });
    let (_dir, ws) = workspace();
    let id = add_feed(&ws, "Reviews", &server.url("/feed"));
    ws.poller.poll_source(id).await.unwrap();

    // urn:a is edited; urn:b is deleted upstream.
    server.set(|_| {
        Reply::ok(
            ATOM,
            atom_feed(
                "Reviews",
                &[(
                    "urn:a",
                    "Great service, but the bell broke",
                    "2026-11-20T10:00:00Z",
                )],
            ),
        )
    });
    let report = ws.poller.poll_source(id).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.new_mentions, report.edited), (0, 1));
    assert_eq!(
        texts(&ws.store),
        vec!["Great service, but the bell broke", "Slow repair"]
    );
    let edited_at: Option<String> = ws
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT edited_at FROM mentions WHERE external_id = 'urn:a'",
                [],
                |r| r.get(0),
            )
            .unwrap())
        })
        .unwrap();
    assert!(edited_at.is_some());
}

#[tokio::test]
async fn a_rate_limited_source_waits_and_the_others_carry_on() {
    let limited = FakeServer::start(|_| {
        Reply::status(
            429,
            "text/html",
            "<html><body>Too Many Requests</body></html>",
        )
        .with_header("Retry-After", "3600")
    });
    let refused = FakeServer::start(|_| Reply::status(401, "text/plain", "no"));
    let fine = FakeServer::start(|_| {
        Reply::ok(
            ATOM,
            atom_feed(
                "News",
                &[(
                    "urn:x",
                    "Pedal &amp; Pine wins award",
                    "2026-11-22T10:00:00Z",
                )],
            ),
        )
    });
    let (_dir, ws) = workspace();
    let a = add_feed(&ws, "Busy", &limited.url("/feed"));
    let b = add_feed(&ws, "Refused", &refused.url("/feed"));
    let c = add_feed(&ws, "Fine", &fine.url("/feed"));

    let reports = ws.poller.poll_due().await.unwrap();
    assert_eq!(reports.len(), 3);
    let by_id = |id: i64| reports.iter().find(|r| r.source_id == id).unwrap();
    assert!(!by_id(a).ok && !by_id(b).ok && by_id(c).ok);
    assert_eq!(by_id(c).new_mentions, 1);

    let busy = ws.source(a).unwrap();
    let until = busy.rate_limited_until.expect("rate limit recorded");
    let in_50_min = hearken_lib::clock::in_secs(50 * 60);
    assert!(until > in_50_min, "{until}");
    assert!(busy.next_check_at.unwrap() >= until);
    assert!(busy.last_error.unwrap().contains("slow down"));

    let rows = ws.store.read(store::sources::list).unwrap();
    let refused_row = rows.iter().find(|r| r.id == b).unwrap();
    assert!(refused_row.credential_rejected);
    assert_eq!(refused_row.error_count, 1);

    // Nothing is due again right away: the next cycle asks nobody.
    let again = ws.poller.poll_due().await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(limited.requests().len(), 1);
}

#[tokio::test]
async fn offline_pauses_quietly_and_resumes_by_itself() {
    let (_dir, ws) = workspace();
    // Two different hosts that cannot be found: the network, not one typo.
    let a = add_feed(&ws, "Blog", "https://blog.hearken-test.invalid/feed");
    let b = add_feed(&ws, "Forum", "https://forum.hearken-test.invalid/rss");

    let reports = ws.poller.poll_due().await.unwrap();
    assert!(reports.iter().all(|r| r.offline), "{reports:?}");
    let status = ws.poller.status();
    assert!(!status.online);
    assert!(status.message.unwrap().contains("offline"));
    for id in [a, b] {
        let s = ws.source(id).unwrap();
        assert_eq!(s.error_count, 0, "offline is not the source's fault");
        assert_eq!(s.last_error, None);
    }

    // The connection comes back (here: the addresses now answer).
    let server = FakeServer::start(|req| {
        Reply::ok(
            ATOM,
            atom_feed(
                "Back",
                &[(
                    if req.path.contains("rss") {
                        "urn:f"
                    } else {
                        "urn:b"
                    },
                    "Open again",
                    "2026-11-22T10:00:00Z",
                )],
            ),
        )
    });
    ws.store
        .write(|tx| {
            store::sources::set_base_url(tx, a, Some(&server.url("/feed")))?;
            store::sources::set_base_url(tx, b, Some(&server.url("/rss")))
        })
        .unwrap();
    // While offline, the next cycle probes even though no check is due yet.
    let summary = ws.poller.cycle().await.unwrap();
    assert!(summary.online_changed);
    assert!(ws.poller.status().online);
    assert_eq!(summary.added(), 2, "{:?}", summary.reports);
}

#[tokio::test]
async fn one_unknown_host_is_a_typo_not_offline() {
    let fine = FakeServer::start(|_| Reply::ok(ATOM, atom_feed("News", &[])));
    let (_dir, ws) = workspace();
    let typo = add_feed(&ws, "Typo", "https://blgo.hearken-test.invalid/feed");
    add_feed(&ws, "Fine", &fine.url("/feed"));
    ws.poller.poll_due().await.unwrap();
    assert!(ws.poller.status().online);
    let s = ws.source(typo).unwrap();
    assert_eq!(s.error_count, 1);
    assert!(s.last_error.unwrap().contains("Couldn't find"));
}

#[tokio::test]
async fn a_20_mb_answer_is_cut_off_at_the_cap_with_a_clear_error() {
    let huge = vec![b'x'; 20 * 1024 * 1024];
    let server = FakeServer::start(move |_| Reply::ok(ATOM, huge.clone()));
    let (_dir, ws) = workspace();
    let id = add_feed(&ws, "Huge", &server.url("/feed"));
    let report = ws.poller.poll_source(id).await.unwrap();
    assert!(!report.ok);
    let error = report.error.unwrap();
    assert!(error.contains("more than 8 MB"), "{error}");
    assert_eq!(ws.source(id).unwrap().mention_count, 0);
}

#[tokio::test]
async fn a_redirect_loop_is_given_up_on_in_plain_words() {
    let server = FakeServer::start(|req| {
        if req.route() == "/a" {
            Reply::redirect("/b")
        } else {
            Reply::redirect("/a")
        }
    });
    let (_dir, ws) = workspace();
    let id = add_feed(&ws, "Loop", &server.url("/a"));
    let report = ws.poller.poll_source(id).await.unwrap();
    let error = report.error.unwrap();
    assert!(error.contains("kept redirecting"), "{error}");
    // Bounded: a handful of hops, not an endless chase.
    let hops = server.requests().len();
    assert!((2..=10).contains(&hops), "{hops} requests");
}

#[tokio::test]
async fn a_watch_without_its_whole_note_catches_nothing_until_completed() {
    let feed = atom_feed(
        "Town news",
        &[(
            "urn:1",
            "Pedal &amp; Pine fixed my wheel",
            "2026-11-20T10:00:00Z",
        )],
    );
    let server = FakeServer::start(move |_| Reply::ok(ATOM, feed.clone()));
    let (_dir, ws) = workspace();
    // As an older version of Hearken made it: a purpose and nothing more.
    let paused = ws
        .add_watch(NewWatch {
            name: "Shop name".into(),
            terms: vec!["Pedal & Pine".into()],
            purpose: "To answer customers who talk about the shop.".into(),
            enabled: true,
            ..Default::default()
        })
        .unwrap();
    assert!(!paused.notes_complete);
    let id = add_feed(&ws, "Town news", &server.url("/feed"));
    let report = ws.poller.poll_source(id).await.unwrap();
    // The feed is the owner's choice, so its entry is kept, but the
    // paused watch tags nothing.
    assert_eq!(report.new_mentions, 1);
    assert!(watches_of(&ws.store, "Pedal & Pine fixed my wheel").is_empty());
    assert_eq!(ws.list_watches().unwrap()[0].mention_count, 0);
}

#[tokio::test]
async fn a_source_that_only_searches_is_not_asked_until_a_watch_may_listen() {
    let hit = serde_json::json!({
        "hits": [{
            "objectID": "41", "comment_text": "Pedal &amp; Pine fixed my wheel", "author": "rider",
            "created_at": "2026-11-20T10:00:00.000Z", "created_at_i": 1_795_168_800i64,
            "story_id": 1, "story_title": "Bikes", "parent_id": 1, "points": null,
            "_tags": ["comment", "author_rider", "story_1"]
        }],
        "page": 0, "nbHits": 1, "nbPages": 1, "hitsPerPage": 100,
        "exhaustiveNbHits": true, "query": "x", "params": "query=x", "processingTimeMS": 1
    });
    let server = FakeServer::start(move |_| Reply::json(200, &hit));
    let (_dir, ws) = workspace();
    let watch = ws
        .add_watch(NewWatch {
            name: "Shop name".into(),
            terms: vec!["Pedal & Pine".into()],
            purpose: "To answer customers who talk about the shop.".into(),
            legitimate_interests: Some("Looking after our customers is our business.".into()),
            enabled: true,
            ..Default::default()
        })
        .unwrap();
    let id = ws
        .add_source(NewSource {
            platform: Some(Platform::HackerNews),
            label: "HN".into(),
            url: Some(server.url("")),
            ..Default::default()
        })
        .unwrap()
        .id;
    let report = ws.poller.poll_source(id).await.unwrap();
    assert!(!report.ok);
    let error = report.error.unwrap();
    assert!(error.starts_with("Paused"), "{error}");
    assert!(error.contains("legitimate-interests note"), "{error}");
    assert!(server.requests().is_empty(), "Hacker News was asked");
    let source = ws.source(id).unwrap();
    assert_eq!(source.error_count, 0, "a pause is not a failure");
    assert_eq!(source.last_error.as_deref(), Some(error.as_str()));

    // The owner completes the note: the next poll asks, and keeps what the watch catches.
    let mut done = NewWatch {
        name: watch.name.clone(),
        terms: watch.terms.clone(),
        purpose: watch.purpose.clone(),
        legitimate_interests: watch.legitimate_interests.clone(),
        necessity: Some("Customers post about us in public instead of writing to us.".into()),
        balance: Some("Public posts only, answered in service, never marketing.".into()),
        enabled: true,
        ..Default::default()
    };
    assert!(
        ws.update_watch(watch.id, done.clone())
            .unwrap()
            .notes_complete
    );
    let report = ws.poller.poll_source(id).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.new_mentions, 1);
    assert!(!server.requests().is_empty());
    assert_eq!(
        watches_of(&ws.store, "Pedal & Pine fixed my wheel"),
        vec!["Shop name"]
    );
    // Paused again (the note emptied): asked no more.
    done.balance = None;
    ws.update_watch(watch.id, done).unwrap();
    let asked = server.requests().len();
    let report = ws.poller.poll_source(id).await.unwrap();
    assert!(report.error.unwrap().starts_with("Paused"));
    assert_eq!(server.requests().len(), asked);
}
