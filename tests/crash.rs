//! Killing Hearken (SIGKILL: no clean-up of any kind) in the middle of
//! polling loses and duplicates nothing: each source's new mentions and its
//! cursor (here the feed's ETag) are committed together, so a restart
//! either finds both or neither, and the database stays sound.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::{FakeServer, Reply};

const FEEDS: usize = 5;
/// More than the feed connector reads at a time (500), so each source's
/// mentions are stored chunk by chunk inside its one transaction.
const ENTRIES: usize = 1_200;

fn big_feed(feed: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:feed</id><title>Feed</title><updated>2026-11-01T00:00:00Z</updated>\n",
    );
    for i in 0..ENTRIES {
        s.push_str(&format!(
            "<entry><id>urn:f{feed}:e{i}</id><title>Customer post {i} in feed {feed}: the repair took three weeks and nobody answered my emails, still waiting for a refund</title><link href=\"https://forum.example/{feed}/{i}\"/><published>2026-11-{:02}T{:02}:{:02}:00Z</published><author><name>Customer {i}</name></author></entry>\n",
            1 + i % 28,
            i % 24,
            i % 60
        ));
    }
    s.push_str("</feed>\n");
    s
}

fn sqlite_value(db: &std::path::Path, sql: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| {
        Ok(match r.get_ref(0)? {
            rusqlite::types::ValueRef::Integer(i) => i.to_string(),
            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            other => format!("{other:?}"),
        })
    })
    .unwrap()
}

#[test]
fn a_kill_mid_poll_loses_and_duplicates_nothing() {
    let feeds: Vec<String> = (0..FEEDS).map(big_feed).collect();
    let server = FakeServer::start(move |req| {
        let n: usize = req.route().trim_start_matches("/feed").parse().unwrap_or(0);
        // Staggered answers, so the sources' commits are spread out in time
        // and the kills land before, between and during them.
        std::thread::sleep(Duration::from_millis(150 * n as u64));
        let etag = format!("\"feed{n}-v1\"");
        if req.header("if-none-match") == Some(etag.as_str()) {
            Reply::status(304, "application/atom+xml", "")
        } else {
            Reply::ok("application/atom+xml", feeds[n].clone()).with_header("ETag", &etag)
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for n in 0..FEEDS {
        let url = server.url(&format!("/feed{n}"));
        let (code, _, err) = support::hearken(
            dir.path(),
            &[
                "source",
                "add",
                "--platform",
                "rss",
                "--label",
                &format!("Forum {n}"),
                "--url",
                &url,
            ],
            None,
            &[],
        );
        assert_eq!(code, 0, "{err}");
    }

    // Kill `poll --once` at a spread of moments: before, during and after
    // fetching and writing.
    let db = dir.path().join("hearken.sqlite3");
    let total = (FEEDS * ENTRIES) as i64;
    let mut killed = 0;
    let mut partial_seen = false;
    // Growing delays until a poll finishes before its kill (the machine's
    // speed decides where the interesting moments are).
    let mut delay_ms = 20u64;
    while delay_ms < 20_000 {
        delay_ms = (delay_ms * 115 / 100).max(delay_ms + 5);
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearken"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["poll", "--once"])
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("poll-stderr.txt")).unwrap(),
            ))
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            // SIGKILL: the process gets no chance to finish anything.
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        let stored: i64 = sqlite_value(&db, "SELECT count(*) FROM mentions")
            .parse()
            .unwrap();
        // Whole sources only: never part of one feed's batch.
        assert_eq!(
            stored % ENTRIES as i64,
            0,
            "a source's batch was half stored"
        );
        eprintln!("kill after {delay_ms} ms: {stored} stored");
        partial_seen |= stored > 0 && stored < total;
        // A poll that ended by itself must have stored everything; if not,
        // say what it printed (seen once on a very busy machine).
        if finished && stored < total {
            let said =
                std::fs::read_to_string(dir.path().join("poll-stderr.txt")).unwrap_or_default();
            panic!(
                "poll --once finished after {delay_ms} ms with {stored} of {total} stored: {said}"
            );
        }
        if finished || stored == total {
            break;
        }
    }
    assert!(
        killed >= 3,
        "the polls finished too fast to be interrupted ({killed} kills)"
    );
    assert!(
        partial_seen,
        "no kill landed between one source's commit and the next"
    );

    // A normal restart completes the job.
    let (code, out, err) = support::hearken(dir.path(), &["poll", "--once"], None, &[]);
    assert_eq!(code, 0, "{out}{err}");

    assert!(db.exists(), "database file not where expected");
    assert_eq!(sqlite_value(&db, "PRAGMA integrity_check"), "ok");
    assert_eq!(
        sqlite_value(&db, "SELECT count(*) FROM mentions"),
        (FEEDS * ENTRIES).to_string(),
        "a mention was lost"
    );
    assert_eq!(
        sqlite_value(
            &db,
            "SELECT count(*) FROM (SELECT platform, external_id FROM mentions GROUP BY 1, 2 HAVING count(*) > 1)"
        ),
        "0"
    );
    // The full-text index holds exactly the stored mentions.
    assert_eq!(
        sqlite_value(&db, "SELECT count(*) FROM mentions_fts"),
        (FEEDS * ENTRIES).to_string()
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')",
        [],
    )
    .expect("full-text index consistent");
    // Every source ended with its ETag stored alongside its mentions.
    assert_eq!(
        sqlite_value(&db, "SELECT count(*) FROM sources WHERE etag IS NOT NULL"),
        FEEDS.to_string()
    );
}
