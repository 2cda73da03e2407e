//! Credentials against the real OS keyring: gnome-keyring on a private D-Bus
//! session started by the test. A recognisable token is planted and must be
//! found nowhere but the keyring.

mod support;

use std::path::Path;
use std::process::Command;

use support::{atom_feed, file_contains, files_under, hearken, FakeServer, KeyringSession, Reply};

const CANARY: &str = "HkCanary7f3e9b21Secret";

fn secret_tool_lookup(session: &KeyringSession, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "hearken", "username", user])
        .env("DBUS_SESSION_BUS_ADDRESS", &session.bus_address)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// `secret` is in no file under `data` and in none of the CLI's `outputs`.
fn assert_nowhere(data: &Path, outputs: &[String], secret: &str) {
    for text in outputs {
        assert!(
            !text.contains(secret),
            "{secret} leaked into CLI output: {text}"
        );
    }
    for f in files_under(data) {
        assert!(
            !file_contains(&f, secret.as_bytes()),
            "{secret} leaked into {}",
            f.display()
        );
    }
}

#[test]
fn a_planted_token_reaches_the_keyring_and_nothing_else() {
    let session = KeyringSession::start();
    let env = [("DBUS_SESSION_BUS_ADDRESS", session.bus_address.as_str())];
    let feed = atom_feed(
        "Google Alert - Pedal",
        &[(
            "tag:google.com,2013:googlealerts/feed:123",
            "Pedal &amp; Pine in the news",
            "2026-11-28T10:00:00Z",
        )],
    );
    let server = FakeServer::start(move |req| {
        if req.path.contains(CANARY) {
            Reply::ok("application/atom+xml", feed.clone())
        } else {
            Reply::status(404, "text/plain", "no")
        }
    });
    let secret_url = server.url(&format!("/alerts/feeds/0123/{CANARY}"));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut outputs = Vec::new();
    let mut step = |args: &[&str], stdin: Option<&[u8]>| {
        let (code, out, err) = hearken(data, args, stdin, &env);
        outputs.push(format!("{args:?}\n{out}\n{err}"));
        (code, out, err)
    };

    let (code, out, err) = step(
        &[
            "--json",
            "source",
            "add",
            "--platform",
            "google_alerts",
            "--label",
            "Alert: Pedal",
            "--secret-stdin",
        ],
        Some(format!("{secret_url}\n").as_bytes()),
    );
    assert_eq!(code, 0, "{err}");
    let id = serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        secret_tool_lookup(&session, &format!("source-{id}")).as_deref(),
        Some(secret_url.as_str()),
        "the secret must be in the keyring under service hearken"
    );
    let id = id.to_string();

    // The poll can only reach the feed through the secret from the keyring.
    let (code, out, err) = step(&["--json", "poll", "--once"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"new_mentions\": 1"), "{out}");
    step(&["--json", "source", "test", &id], None);
    step(&["source", "test", &id], None);
    step(&["--json", "source", "list"], None);
    step(&["source", "list"], None);
    step(&["--json", "mentions", "list"], None);
    let export = data.join("export.json");
    let (code, _, err) = step(&["export", "--out", export.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");

    // A poll that fails must not put the address in its error either.
    server.set(|_| Reply::status(500, "text/html", "<h1>oops</h1>"));
    let (code, out, _) = step(&["poll", "--once"], None);
    assert_eq!(code, 3);
    assert!(out.contains("HTTP 500"), "{out}");
    step(&["--json", "source", "list"], None);

    let (code, _, err) = step(&["source", "remove", &id], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        secret_tool_lookup(&session, &format!("source-{id}")),
        None,
        "removal deletes the key"
    );

    let files = files_under(data);
    assert!(files.iter().any(|f| f.ends_with("hearken.sqlite3")));
    assert!(files.iter().any(|f| f.to_string_lossy().contains("logs")));
    assert_nowhere(data, &outputs, CANARY);
}

#[test]
fn the_ipc_replies_never_carry_the_secret() {
    // The window's commands return exactly these workspace results; check them serialised.
    let session = KeyringSession::start();
    // SAFETY: set before any thread of this test binary talks to D-Bus.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &session.bus_address) };
    assert_eq!(hearken_lib::secrets::init_os_keyring(), None);
    let feed = atom_feed(
        "Alert",
        &[(
            "tag:google.com,2013:googlealerts/feed:9",
            "hello",
            "2026-11-28T10:00:00Z",
        )],
    );
    let server = FakeServer::start(move |_| Reply::ok("application/atom+xml", feed.clone()));
    let dir = tempfile::tempdir().unwrap();
    let ws = hearken_lib::workspace::Workspace::open(dir.path()).unwrap();
    let source = ws
        .add_source(hearken_lib::model::NewSource {
            platform: Some(hearken_lib::model::Platform::GoogleAlerts),
            label: "Alert".into(),
            secret: Some(server.url(&format!("/feeds/{CANARY}"))),
            ..Default::default()
        })
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let replies = vec![
        serde_json::to_string(&source).unwrap(),
        serde_json::to_string(&rt.block_on(ws.poller.poll_source(source.id)).unwrap()).unwrap(),
        serde_json::to_string(&rt.block_on(ws.poller.test_source(source.id)).unwrap()).unwrap(),
        serde_json::to_string(&rt.block_on(ws.poller.poll_all()).unwrap()).unwrap(),
        serde_json::to_string(&ws.list_sources().unwrap()).unwrap(),
        serde_json::to_string(&ws.mentions_page(None, 50).unwrap()).unwrap(),
        serde_json::to_string(&ws.app_info().unwrap()).unwrap(),
        serde_json::to_string(&hearken_lib::sources::catalog::all()).unwrap(),
    ];
    assert!(replies[1].contains("\"new_mentions\":1"), "{}", replies[1]);
    for r in &replies {
        assert!(!r.contains(CANARY), "secret in an IPC reply: {r}");
    }
    ws.remove_source(source.id).unwrap();
    assert_eq!(
        hearken_lib::secrets::load(&format!("source-{}", source.id)).unwrap(),
        None
    );
    drop(ws);
    for f in files_under(dir.path()) {
        assert!(
            !file_contains(&f, CANARY.as_bytes()),
            "secret in {}",
            f.display()
        );
    }
}

fn add_alert(data: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    hearken(
        data,
        &[
            "source",
            "add",
            "--platform",
            "google_alerts",
            "--label",
            "Alert",
            "--secret-stdin",
        ],
        Some(format!("https://www.google.com/alerts/feeds/1/{CANARY}").as_bytes()),
        env,
    )
}

#[test]
fn with_no_keyring_the_secret_is_refused_and_saved_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    // `hearken()` points D-Bus at a socket that does not exist.
    let (code, out, err) = add_alert(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("keyring can't be reached") && err.contains("was not saved"),
        "{err}"
    );
    assert!(!err.contains(CANARY) && !out.contains(CANARY));
    let (_, out, _) = hearken(dir.path(), &["--json", "source", "list"], None, &[]);
    assert_eq!(out.trim(), "[]");
    for f in files_under(dir.path()) {
        assert!(
            !file_contains(&f, CANARY.as_bytes()),
            "secret in {}",
            f.display()
        );
    }
}

#[test]
fn with_a_locked_keyring_the_secret_is_refused_and_saved_nowhere() {
    let session = KeyringSession::start();
    session.lock_all();
    let env = [("DBUS_SESSION_BUS_ADDRESS", session.bus_address.as_str())];
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = add_alert(dir.path(), &env);
    assert_eq!(code, 1);
    assert!(
        err.contains("keyring is locked") || err.contains("keyring can't be reached"),
        "{err}"
    );
    assert!(
        err.contains("Nothing was saved elsewhere") || err.contains("was not saved"),
        "{err}"
    );
    let (_, out, _) = hearken(dir.path(), &["--json", "source", "list"], None, &env);
    assert_eq!(out.trim(), "[]");
    for f in files_under(dir.path()) {
        assert!(
            !file_contains(&f, CANARY.as_bytes()),
            "secret in {}",
            f.display()
        );
    }
}

/// A token the platform stops accepting marks only that source "needs new
/// credentials"; the others carry on. A new key from `source key` goes to
/// the keyring, replacing the old one, and polling works again. Neither
/// token appears anywhere but the keyring.
#[test]
fn a_revoked_token_asks_for_a_new_one_and_the_other_sources_carry_on() {
    const OLD: &str = "HkOldToken5a1c0e9d";
    const NEW: &str = "HkNewToken8b2d1f7c";
    let session = KeyringSession::start();
    let env = [("DBUS_SESSION_BUS_ADDRESS", session.bus_address.as_str())];
    let accepted = std::sync::Arc::new(std::sync::Mutex::new(OLD.to_string()));
    let accepted_in_server = accepted.clone();
    let x = FakeServer::start(move |req| {
        let want = format!("Bearer {}", accepted_in_server.lock().unwrap());
        if req.header("authorization") != Some(want.as_str()) {
            return Reply::json(
                401,
                &serde_json::json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
            );
        }
        Reply::json(
            200,
            &serde_json::json!({
                "data": [{"id": "1862000000000000007", "author_id": "77", "text": "Pedal &amp; Pine, still no refund",
                          "created_at": "2026-11-29T10:00:00.000Z", "edit_history_tweet_ids": ["1862000000000000007"]}],
                "includes": {"users": [{"id": "77", "username": "jo", "name": "Jo"}]},
                "meta": {"newest_id": "1862000000000000007", "oldest_id": "1862000000000000007", "result_count": 1}
            }),
        )
    });
    let feed = atom_feed(
        "Town news",
        &[(
            "urn:t1",
            "Pedal &amp; Pine opens a second shop",
            "2026-11-28T10:00:00Z",
        )],
    );
    let news = FakeServer::start(move |_| Reply::ok("application/atom+xml", feed.clone()));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut outputs = Vec::new();
    let mut run = |args: &[&str], stdin: Option<&[u8]>| {
        let (code, out, err) = hearken(data, args, stdin, &env);
        outputs.push(format!("{args:?}\n{out}\n{err}"));
        (code, out, err)
    };
    let (code, _, err) = run(
        &[
            "watch",
            "add",
            "--name",
            "Shop",
            "--term",
            "Pedal & Pine",
            "--purpose",
            "To answer customers who talk about the shop.",
            "--legitimate-interests",
            "Looking after our customers is our business.",
            "--necessity",
            "Customers post about us in public instead of writing to us.",
            "--balance",
            "Public posts only, answered in service, never marketing.",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(
        &[
            "--json",
            "source",
            "add",
            "--platform",
            "x",
            "--label",
            "X search",
            "--url",
            &x.url(""),
            "--setting",
            "monthly_cap_usd=5",
            "--secret-stdin",
        ],
        Some(format!("{OLD}\n").as_bytes()),
    );
    assert_eq!(code, 0, "{err}");
    let x_id = serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (code, _, err) = run(
        &[
            "source",
            "add",
            "--platform",
            "rss",
            "--label",
            "News",
            "--url",
            &news.url("/feed"),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");

    // The token is revoked upstream.
    *accepted.lock().unwrap() = NEW.to_string();
    let (code, out, _) = run(&["--json", "poll", "--once"], None);
    assert_eq!(code, 3, "a failed source makes poll exit 3");
    let reports: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by_label = |l: &str| {
        reports
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"] == l)
            .unwrap()
            .clone()
    };
    assert_eq!(by_label("News")["ok"], true);
    assert_eq!(by_label("News")["new_mentions"], 1);
    assert_eq!(by_label("X search")["ok"], false);
    let (_, out, _) = run(&["--json", "source", "list"], None);
    let sources: serde_json::Value = serde_json::from_str(&out).unwrap();
    let x_row = sources
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == x_id)
        .unwrap();
    assert_eq!(x_row["credential"], "rejected");
    let (_, human, _) = run(&["source", "list"], None);
    assert!(human.contains("needs new credentials"), "{human}");

    // The owner saves the new token.
    let (code, _, err) = run(
        &["source", "key", &x_id.to_string(), "--secret-stdin"],
        Some(format!("{NEW}\n").as_bytes()),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        secret_tool_lookup(&session, &format!("source-{x_id}")).as_deref(),
        Some(NEW)
    );
    let (code, out, err) = run(&["--json", "poll", "--once"], None);
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(&["--json", "source", "list"], None);
    assert!(out.contains("\"credential\": \"configured\""), "{out}");
    let (_, out, _) = run(&["--json", "mentions", "list"], None);
    assert!(out.contains("Pedal & Pine, still no refund"), "{out}");

    for token in [OLD, NEW] {
        assert_nowhere(data, &outputs, token);
    }
}

/// A Page token without the permission one edge needs: the check reads the
/// others, counts as done (no error counted, the next check at the usual
/// time) and says on the source, in `poll --once` and in `source test` what
/// it couldn't read and why. The token appears nowhere but the keyring.
#[test]
fn an_edge_the_token_may_not_read_is_said_on_the_source_and_the_check_still_counts() {
    const TOKEN: &str = "HkPageToken3c9d2e71";
    const PAGE: &str = "104857361234567";
    let session = KeyringSession::start();
    let env = [("DBUS_SESSION_BUS_ADDRESS", session.bus_address.as_str())];
    let graph = FakeServer::start(move |req| {
        assert_eq!(
            req.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        let route = req.route();
        if route == format!("/v21.0/{PAGE}") || route.ends_with("/feed") {
            return Reply::json(
                403,
                &serde_json::json!({"error": {"message": "(#10) This endpoint requires the 'pages_read_user_content' permission.", "type": "OAuthException", "code": 10}}),
            );
        }
        let data = if route.ends_with("/tagged") {
            serde_json::json!([{"id": "5550002_77", "message": "Thanks Pedal & Pine for the quick fix",
                "created_time": "2026-11-28T10:00:00+0000", "from": {"id": "5550002", "name": "Ashby Cycling Club"},
                "permalink_url": "https://www.facebook.com/5550002/posts/77"}])
        } else {
            serde_json::json!([])
        };
        Reply::json(200, &serde_json::json!({ "data": data }))
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut outputs = Vec::new();
    let mut run = |args: &[&str], stdin: Option<&[u8]>| {
        let (code, out, err) = hearken(data, args, stdin, &env);
        outputs.push(format!("{args:?}\n{out}\n{err}"));
        (code, out, err)
    };
    let (code, out, err) = run(
        &[
            "--json",
            "source",
            "add",
            "--platform",
            "facebook",
            "--label",
            "Shop page",
            "--url",
            &graph.url(""),
            "--setting",
            &format!("page_id={PAGE}"),
            "--secret-stdin",
        ],
        Some(format!("{TOKEN}\n").as_bytes()),
    );
    assert_eq!(code, 0, "{err}");
    let id = serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap();

    let (code, out, err) = run(&["--json", "poll", "--once"], None);
    assert_eq!(
        code, 0,
        "a check that partly worked is not a failure: {out}{err}"
    );
    let report = serde_json::from_str::<serde_json::Value>(&out).unwrap()[0].clone();
    assert_eq!(report["ok"], true);
    assert_eq!(report["new_mentions"], 1);
    let partial = report["partial"].as_str().unwrap().to_string();
    assert!(
        partial.starts_with("Facebook wouldn't let Hearken read the Page's feed"),
        "{partial}"
    );
    assert!(partial.contains("pages_read_user_content"), "{partial}");

    let first = |out: &str| serde_json::from_str::<serde_json::Value>(out).unwrap()[0].clone();
    let row = first(&run(&["--json", "source", "list"], None).1);
    assert_eq!(row["last_error"].as_str(), Some(partial.as_str()));
    assert_eq!(row["error_count"], 0);
    assert_eq!(row["credential"], "configured");
    assert!(row["last_ok_at"].is_string(), "{row}");

    // Nothing new on the other edges: still a check that worked, still said.
    let (code, human, err) = run(&["poll", "--once"], None);
    assert_eq!(code, 0, "{human}{err}");
    assert!(human.contains("Shop page: 0 new of "), "{human}");
    assert!(
        human.contains(" — but: Facebook wouldn't let Hearken read the Page's feed"),
        "{human}"
    );
    let row = first(&run(&["--json", "source", "list"], None).1);
    assert_eq!(row["error_count"], 0);
    assert!(row["last_error"]
        .as_str()
        .is_some_and(|e| e.contains("pages_read_user_content")));

    let (code, human, err) = run(&["source", "test", &id.to_string()], None);
    assert_eq!(code, 0, "{human}{err}");
    assert!(human.contains("It partly works."), "{human}");
    assert!(human.contains("the Page's feed"), "{human}");

    assert_nowhere(data, &outputs, TOKEN);
}
