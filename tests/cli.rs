//! The `hearken` binary as a script would use it: a real data folder, a fake
//! feed server on 127.0.0.1, exit codes and messages.

mod support;

use std::path::Path;

use support::{atom_feed, hearken, FakeServer, Reply};

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    hearken(dir, args, None, &[])
}

#[test]
fn the_sample_workspace_loads_once_with_hundreds_of_mentions_across_platforms() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["--json", "demo"]);
    assert_eq!(code, 0, "{err}");
    let summary = json(&out);
    assert_eq!(summary["loaded_now"], true);
    assert!(summary["mentions"].as_i64().unwrap() >= 200, "{summary}");
    assert!(summary["outreach"].as_i64().unwrap() > 0);

    let (code, out, _) = run(dir.path(), &["--json", "demo"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["loaded_now"], false);

    let (_, out, _) = run(
        dir.path(),
        &["--json", "mentions", "list", "--limit", "500"],
    );
    let page = json(&out);
    let mentions = page["mentions"].as_array().unwrap();
    assert!(mentions.len() >= 200);
    let platforms: std::collections::BTreeSet<&str> = mentions
        .iter()
        .map(|m| m["platform"].as_str().unwrap())
        .collect();
    for p in [
        "x",
        "facebook",
        "youtube",
        "reddit",
        "mastodon",
        "bluesky",
        "google_reviews",
        "rss",
    ] {
        assert!(platforms.contains(p), "no {p} mentions in the sample");
    }
    let times: Vec<&str> = mentions
        .iter()
        .map(|m| m["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");

    let (_, out, _) = run(dir.path(), &["--json", "source", "list"]);
    let sources = json(&out);
    assert!(sources
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["sample"] == true));
}

#[test]
fn a_feed_source_is_added_polled_listed_tested_and_removed() {
    let feed = atom_feed(
        "Ashby Gazette",
        &[(
            "urn:g:1",
            "Pedal &amp; Pine wins award",
            "2026-11-25T08:00:00Z",
        )],
    );
    let server = FakeServer::start(move |_| Reply::ok("application/atom+xml", feed.clone()));
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/gazette.xml");

    let (code, out, err) = run(
        dir.path(),
        &[
            "--json",
            "source",
            "add",
            "--platform",
            "rss",
            "--label",
            "Gazette",
            "--url",
            &url,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let id = json(&out)["id"].as_i64().unwrap().to_string();

    let (code, out, _) = run(dir.path(), &["source", "test", &id]);
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        "It works. \"Ashby Gazette\" answered with 1 item."
    );

    let (code, out, err) = run(dir.path(), &["--json", "poll", "--once"]);
    assert_eq!(code, 0, "{err}");
    let reports = json(&out);
    assert_eq!(reports[0]["new_mentions"], 1);

    let (code, out, _) = run(dir.path(), &["poll", "--once"]);
    assert_eq!(code, 0);
    assert!(out.contains("Gazette: 0 new of 1 fetched"), "{out}");

    let (_, out, _) = run(dir.path(), &["mentions", "list"]);
    assert!(out.contains("Pedal & Pine wins award"), "{out}");

    let (_, out, _) = run(dir.path(), &["source", "list"]);
    assert!(
        out.contains("Gazette") && out.contains("1 mentions"),
        "{out}"
    );

    let (code, out, _) = run(dir.path(), &["source", "remove", &id]);
    assert_eq!(code, 0);
    assert!(out.contains("Its mentions are kept"));
    let (_, out, _) = run(dir.path(), &["--json", "source", "list"]);
    assert_eq!(json(&out), serde_json::json!([]));
    let (_, out, _) = run(dir.path(), &["--json", "mentions", "list"]);
    assert_eq!(json(&out)["total"], 1);
}

#[test]
fn a_duplicate_label_fails_with_advice_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let add = |label: &str| {
        run(
            dir.path(),
            &[
                "source",
                "add",
                "--platform",
                "rss",
                "--label",
                label,
                "--url",
                "https://a.example/feed",
            ],
        )
    };
    assert_eq!(add("Blog").0, 0);
    let (code, out, err) = add("Blog");
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(
        err.trim(),
        "hearken: You already have a source called \"Blog\". Give this one a different name."
    );
}

#[test]
fn errors_in_json_mode_carry_a_code() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["--json", "source", "remove", "42"]);
    assert_eq!(code, 1);
    let e = json(err.trim());
    assert_eq!(e["code"], "not_found");
}

#[test]
fn polling_a_feed_that_answers_html_exits_3_and_says_what_to_do() {
    let server =
        FakeServer::start(|_| Reply::ok("text/html", "<html><body>Shop home</body></html>"));
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/");
    run(
        dir.path(),
        &[
            "source",
            "add",
            "--platform",
            "rss",
            "--label",
            "Home",
            "--url",
            &url,
        ],
    );
    let (code, out, _) = run(dir.path(), &["poll", "--once"]);
    assert_eq!(code, 3);
    assert!(out.contains("sent a web page, not a feed"), "{out}");
    let (_, out, _) = run(dir.path(), &["source", "list"]);
    assert!(out.contains("last error: "), "{out}");
}

#[test]
fn a_feed_that_cannot_be_kept_on_disk_says_so_and_loses_nothing() {
    let entries = |n: usize| {
        let items: Vec<(String, String, String)> = (1..=n)
            .map(|i| {
                (
                    format!("urn:post:{i}"),
                    format!("Post {i} about Pedal &amp; Pine"),
                    format!("2026-11-2{i}T10:00:00Z"),
                )
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = items
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        atom_feed("Ashby news", &refs)
    };
    let feed = std::sync::Arc::new(std::sync::Mutex::new(entries(2)));
    let serve = feed.clone();
    let server = FakeServer::start(move |_| {
        Reply::ok("application/atom+xml", serve.lock().unwrap().clone())
    });
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/feed");
    let add = [
        "source",
        "add",
        "--platform",
        "rss",
        "--label",
        "News",
        "--url",
        &url,
    ];
    assert_eq!(run(dir.path(), &add).0, 0);
    assert_eq!(run(dir.path(), &["poll", "--once"]).0, 0);
    *feed.lock().unwrap() = entries(3);

    // The folder for temporary files is a plain file: nothing can be kept there.
    let not_a_folder = dir.path().join("not-a-folder");
    std::fs::write(&not_a_folder, b"x").unwrap();
    let (code, out, _) = hearken(
        dir.path(),
        &["poll", "--once"],
        None,
        &[("TMPDIR", not_a_folder.to_str().unwrap())],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("couldn't keep what"), "{out}");
    assert!(out.contains("disk isn't full"), "{out}");
    let listed = json(&run(dir.path(), &["--json", "mentions", "list"]).1);
    assert_eq!(
        listed["mentions"].as_array().unwrap().len(),
        2,
        "what was stored stays"
    );

    // Once there is room again, the next check stores the new post.
    assert_eq!(run(dir.path(), &["poll", "--once"]).0, 0);
    let listed = json(&run(dir.path(), &["--json", "mentions", "list"]).1);
    assert_eq!(listed["mentions"].as_array().unwrap().len(), 3);
}

#[test]
fn a_feed_that_never_answers_times_out_in_plain_words() {
    let server = FakeServer::start(|_| Reply::Silence(std::time::Duration::from_secs(5)));
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/slow");
    run(
        dir.path(),
        &[
            "source",
            "add",
            "--platform",
            "rss",
            "--label",
            "Slow",
            "--url",
            &url,
        ],
    );
    let (code, out, _) = hearken(
        dir.path(),
        &["poll", "--once"],
        None,
        &[("HEARKEN_HTTP_TIMEOUT_MS", "700")],
    );
    assert_eq!(code, 3);
    assert!(out.contains("took too long to answer"), "{out}");
}

#[test]
fn a_damaged_database_is_reported_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hearken.sqlite3");
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&db, &junk).unwrap();
    let (code, _, err) = run(dir.path(), &["mentions", "list"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("damaged") && err.contains("left it untouched"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), junk);
}

#[test]
fn a_data_dir_that_cannot_be_created_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let (code, _, err) = run(&file.join("data"), &["source", "list"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("can't use its data folder") && err.contains("--data-dir"),
        "{err}"
    );
}

/// Root ignores file permissions, so as root the test drops to `nobody` for
/// the write (with `setpriv`, from util-linux).
#[test]
fn a_read_only_database_refuses_changes_and_keeps_its_data() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = run(dir.path(), &["demo"]);
    assert_eq!(code, 0);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in support::files_under(dir.path()) {
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    std::fs::set_permissions(
        dir.path().join("logs"),
        std::fs::Permissions::from_mode(0o555),
    )
    .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = std::fs::read(dir.path().join("hearken.sqlite3")).unwrap();
    let is_root = unsafe_geteuid() == 0;
    let mut cmd = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_hearken"),
        ]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_hearken"))
    };
    // The temp dir's parents must be reachable by `nobody`.
    let out = cmd
        .args(["--data-dir"])
        .arg(dir.path())
        .args([
            "source",
            "add",
            "--platform",
            "rss",
            "--label",
            "New",
            "--url",
            "https://a.example/f",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("read-only") || err.contains("can't use its data folder"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("hearken.sqlite3")).unwrap(),
        before
    );
    let (_, out, _) = run(dir.path(), &["--json", "mentions", "list", "--limit", "1"]);
    assert!(json(&out)["total"].as_i64().unwrap() >= 200);
}

fn unsafe_geteuid() -> u32 {
    // Avoids a libc dependency: the effective uid is in /proc/self/status.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(u32::MAX)
}

#[test]
fn a_secret_is_never_accepted_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &[
            "source",
            "add",
            "--platform",
            "google_alerts",
            "--label",
            "A",
            "--secret",
            "tok",
        ],
    );
    assert_eq!(code, 2, "clap refuses the unknown flag");
    assert!(err.contains("--secret"));
}

#[test]
fn a_secret_with_a_line_break_or_10_kb_long_is_refused_before_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let add = |secret: &[u8]| {
        hearken(
            dir.path(),
            &[
                "source",
                "add",
                "--platform",
                "google_alerts",
                "--label",
                "Alert",
                "--secret-stdin",
            ],
            Some(secret),
            &[],
        )
    };
    let (code, _, err) = add(b"https://www.google.com/alerts/feeds/1/2\nsecond line\n");
    assert_eq!(code, 1);
    assert!(err.contains("line break"), "{err}");
    assert!(!err.contains("second line"));
    let long = format!(
        "https://www.google.com/alerts/feeds/1/{}",
        "x".repeat(10 * 1024)
    );
    let (code, _, err) = add(long.as_bytes());
    assert_eq!(code, 1);
    assert!(err.contains("KB long"), "{err}");
    assert!(!err.contains("xxxx"));
    let (_, out, _) = run(dir.path(), &["--json", "source", "list"]);
    assert_eq!(json(&out), serde_json::json!([]));
}

#[test]
fn unknown_platforms_and_bad_limits_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["source", "add", "--platform", "myspace", "--label", "M"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("isn't a platform Hearken knows") && err.contains("mastodon"),
        "{err}"
    );
    let (code, _, err) = run(dir.path(), &["mentions", "list", "--limit", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("--limit must be between 1 and 500"), "{err}");
}

#[test]
fn guide_handout_writes_a_printable_checklist_for_the_chosen_apps() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["demo"]);
    let out = dir.path().join("handout.html");
    let (code, stdout, err) = run(
        dir.path(),
        &[
            "guide",
            "handout",
            "--platforms",
            "facebook,instagram",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("for Facebook, Instagram"), "{stdout}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("Pedal &amp; Pine Cycles"),
        "the business name from settings"
    );
    assert!(html.contains("Check these settings again around"));
    assert!(
        html.contains("<strong>Facebook</strong>") && html.contains("<strong>Instagram</strong>")
    );
    assert!(!html.contains("<strong>X</strong>"));
    assert!(html.contains("In the app:</span>"));
    assert!(!html.contains("<script"), "a handout runs no scripts");
    assert!(
        !html.contains("Checklist code"),
        "a blank CLI handout has no walk code"
    );
    // The blank handout leaves no walk behind in the database.
    let (_, list, _) = run(dir.path(), &["--json", "guide", "list"]);
    let guides = json(&list);
    assert_eq!(guides.as_array().unwrap().len(), 9);
    for g in guides.as_array().unwrap() {
        assert!(g["guide"]["steps"].as_array().unwrap().len() >= 6);
    }
}

#[test]
fn guide_handout_explains_bad_choices_and_unwritable_folders() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["guide", "handout", "--platforms", "myspace", "--out", "-"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("no guide for \"myspace\"") && err.contains("google_maps"),
        "{err}"
    );
    let (code, _, err) = run(
        dir.path(),
        &["guide", "handout", "--goal", "everything", "--out", "-"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("isn't a goal"), "{err}");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let target = blocker.join("handout.html");
    let (code, _, err) = run(
        dir.path(),
        &[
            "guide",
            "handout",
            "--goal",
            "findability",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("Couldn't save") && err.contains("folder you can write to"),
        "{err}"
    );
    let (code, out, _) = run(
        dir.path(),
        &["guide", "handout", "--goal", "findability", "--out", "-"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("<strong>WhatsApp</strong>") && out.contains("<strong>LinkedIn</strong>"));
}
