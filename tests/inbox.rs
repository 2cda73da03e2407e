//! The Inbox from the command line: `hearken mentions search|status|label`
//! on the sample workspace in a real data folder, the export of triage and
//! corrections, and bad or hostile input.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use support::hearken;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    hearken(dir, args, None, &[])
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// `hearken --json ARGS…`, which must succeed.
fn ok_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    json(&out)
}

/// The sample workspace, with triage's labels and concern filled in the
/// way a scorer would (so the label filters and the unhappy order have
/// something to work on whether or not triage has run).
fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["demo"]);
    assert_eq!(code, 0, "{err}");
    let db = rusqlite::Connection::open(dir.path().join("hearken.sqlite3")).unwrap();
    db.execute_batch(
        "UPDATE mentions SET
             label = CASE WHEN text LIKE '%refund%' OR text LIKE '%never%' THEN 'complaint'
                          WHEN text LIKE '%not%' THEN 'negative'
                          WHEN text LIKE '%thank%' OR text LIKE '%love%' THEN 'positive'
                          ELSE 'neutral' END,
             concern = (id * 37 % 100) / 100.0;
         UPDATE mentions SET model_label = label;
         UPDATE mentions SET concern = NULL WHERE id % 10 = 0;",
    )
    .unwrap();
    dir
}

fn mentions(page: &serde_json::Value) -> &Vec<serde_json::Value> {
    page["mentions"].as_array().unwrap()
}

fn strs<'a>(page: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    mentions(page)
        .iter()
        .map(|m| m[field].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn search_finds_the_words_with_any_filters_in_either_order() {
    let dir = sample();
    let d = dir.path();

    let page = ok_json(d, &["mentions", "search", "refund", "--limit", "500"]);
    let found = mentions(&page);
    assert!(!found.is_empty());
    assert_eq!(page["total"].as_u64().unwrap() as usize, found.len());
    for m in found {
        let haystack =
            format!("{} {} {}", m["text"], m["author_name"], m["author_handle"]).to_lowercase();
        assert!(haystack.contains("refund"), "{m}");
        // Highlights are UTF-16 ranges of the text that read "refund…".
        let units: Vec<u16> = m["text"].as_str().unwrap().encode_utf16().collect();
        for h in m["highlights"].as_array().unwrap() {
            let (s, e) = (
                h["start"].as_u64().unwrap() as usize,
                h["end"].as_u64().unwrap() as usize,
            );
            let word = String::from_utf16(&units[s..e]).unwrap().to_lowercase();
            assert!(word.starts_with("refund"), "{word}");
        }
    }
    assert!(found
        .iter()
        .any(|m| !m["highlights"].as_array().unwrap().is_empty()));

    // Filters narrow, and combine.
    let page = ok_json(
        d,
        &[
            "mentions",
            "search",
            "--platform",
            "x",
            "--platform",
            "reddit",
            "--status",
            "new",
            "--label",
            "complaint",
            "--label",
            "negative",
            "--limit",
            "500",
        ],
    );
    assert!(!mentions(&page).is_empty());
    for m in mentions(&page) {
        assert!(
            ["x", "reddit"].contains(&m["platform"].as_str().unwrap()),
            "{m}"
        );
        assert_eq!(m["status"], "new");
        assert!(
            ["complaint", "negative"].contains(&m["label"].as_str().unwrap()),
            "{m}"
        );
    }

    // Dates: whole days (UTC unless --utc-offset says otherwise), both ends included.
    let all = ok_json(d, &["mentions", "list", "--limit", "500"]);
    let day = &strs(&all, "created_at")[20][..10];
    let page = ok_json(
        d,
        &[
            "mentions", "search", "--from", day, "--to", day, "--limit", "500",
        ],
    );
    let days: BTreeSet<&str> = strs(&page, "created_at").iter().map(|t| &t[..10]).collect();
    assert_eq!(days, BTreeSet::from([day]));
    let on_that_day = strs(&all, "created_at")
        .iter()
        .filter(|t| t.starts_with(day))
        .count();
    assert_eq!(mentions(&page).len(), on_that_day);
    // In New York (UTC-5) that day runs from 05:00 UTC to 05:00 UTC the next.
    let page = ok_json(
        d,
        &[
            "mentions",
            "search",
            "--from",
            day,
            "--to",
            day,
            "--utc-offset",
            "-300",
            "--limit",
            "500",
        ],
    );
    let start = format!("{day}T05:00:00Z");
    let next = time::Date::parse(
        day,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
    .next_day()
    .unwrap();
    let end = format!("{next}T05:00:00Z");
    let in_new_york = |t: &str| t >= start.as_str() && t < end.as_str();
    assert_eq!(
        mentions(&page).len(),
        strs(&all, "created_at")
            .into_iter()
            .filter(|t| in_new_york(t))
            .count()
    );
    assert!(strs(&page, "created_at").into_iter().all(in_new_york));

    // A watch: only what it caught.
    let watches = ok_json(d, &["watch", "list"]);
    let market = watches
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Ashby Market")
        .unwrap();
    let page = ok_json(
        d,
        &[
            "mentions",
            "search",
            "--watch",
            &market["id"].to_string(),
            "--limit",
            "500",
        ],
    );
    assert_eq!(page["total"], market["mention_count"]);

    // Most unhappy first: concern never rises, unscored last.
    let page = ok_json(
        d,
        &["mentions", "search", "--sort", "unhappy", "--limit", "500"],
    );
    let concern: Vec<f64> = mentions(&page)
        .iter()
        .map(|m| m["concern"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(concern.windows(2).all(|w| w[0] >= w[1]), "{concern:?}");
    assert_eq!(concern.last(), Some(&-1.0));

    // Human lines: one per mention and a summary.
    let (code, out, _) = run(d, &["mentions", "search", "refund", "--limit", "2"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[2].starts_with("2 shown of "), "{out}");
    let (_, out, _) = run(d, &["mentions", "search", "zzyzx-nothing-like-it"]);
    assert_eq!(out.trim(), "No mentions match.");
}

#[test]
fn status_and_label_changes_are_kept_and_exported_with_the_corrections() {
    let dir = sample();
    let d = dir.path();
    let page = ok_json(
        d,
        &["mentions", "search", "--label", "neutral", "--limit", "3"],
    );
    let ids: Vec<String> = mentions(&page)
        .iter()
        .map(|m| m["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 3);

    let mut args = vec!["mentions", "status"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--set", "needs-reply"]);
    let changed = ok_json(d, &args);
    assert_eq!(changed["changed"], 3);
    // Again: nothing left to change.
    let (code, out, _) = run(d, &args);
    assert_eq!(code, 0);
    assert!(
        out.contains("Set 0 mentions to needs_reply. 3 already had that status."),
        "{out}"
    );
    let page = ok_json(
        d,
        &[
            "mentions",
            "search",
            "--status",
            "needs_reply",
            "--limit",
            "500",
        ],
    );
    let found: BTreeSet<String> = mentions(&page)
        .iter()
        .map(|m| m["id"].to_string())
        .collect();
    assert!(ids.iter().all(|id| found.contains(id)));

    let (code, out, err) = run(d, &["mentions", "label", &ids[0], "--set", "complaint"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("is now labelled complaint (triage said neutral)"),
        "{out}"
    );
    let detail = ok_json(d, &["mentions", "label", &ids[0], "--set", "Positive"]);
    assert_eq!(detail["mention"]["label"], "positive");
    assert_eq!(detail["mention"]["model_label"], "neutral");
    assert_eq!(detail["mention"]["corrected"], true);
    let corrections = detail["corrections"].as_array().unwrap();
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["from"], "neutral");
    assert_eq!(corrections[0]["to"], "complaint");
    assert_eq!(corrections[1]["from"], "complaint");
    assert_eq!(corrections[1]["to"], "positive");

    let out_file = d.join("export.json");
    let (code, out, err) = run(d, &["export", "--out", out_file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 label corrections"), "{out}");
    let export = json(&std::fs::read_to_string(&out_file).unwrap());
    let corrected = export["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"].as_i64() == ids[0].parse().ok())
        .unwrap();
    assert_eq!(corrected["label"], "positive");
    assert_eq!(corrected["model_label"], "neutral");
    assert_eq!(corrected["status"], "needs_reply");
    for field in [
        "sentiment",
        "complaint",
        "concern",
        "reasons",
        "seen",
        "corrected",
    ] {
        assert!(corrected.get(field).is_some(), "export lacks {field}");
    }
    let exported = export["label_corrections"].as_array().unwrap();
    assert_eq!(exported.len(), 2);
    assert_eq!(exported[1]["platform"], corrected["platform"]);
    assert_eq!(exported[1]["external_id"], corrected["external_id"]);
    assert_eq!(exported[1]["from"], "complaint");
    assert_eq!(exported[1]["to"], "positive");
}

#[test]
fn bad_input_fails_with_exit_1_and_says_what_to_do() {
    let dir = sample();
    let d = dir.path();
    let cases: [(&[&str], &str); 12] = [
        (
            &["mentions", "search", "--from", "2026-13-01"],
            "year-month-day",
        ),
        (
            &["mentions", "search", "--to", "last tuesday"],
            "year-month-day",
        ),
        (
            &[
                "mentions",
                "search",
                "--from",
                "2026-05-02",
                "--to",
                "2026-05-01",
            ],
            "is after",
        ),
        (&["mentions", "search", "--label", "angry"], "isn't a label"),
        (
            &["mentions", "search", "--status", "done"],
            "isn't a status",
        ),
        (
            &["mentions", "search", "--platform", "myspace"],
            "isn't a platform",
        ),
        (
            &["mentions", "search", "--sort", "oldest"],
            "--sort newest or --sort unhappy",
        ),
        (
            &["mentions", "search", "--limit", "0"],
            "--limit must be between 1 and 500",
        ),
        (
            &["mentions", "search", "--watch", "999"],
            "Watch 999 not found",
        ),
        (
            &["mentions", "status", "1", "999999", "--set", "resolved"],
            "Mention 999999 not found",
        ),
        (
            &["mentions", "status", "1", "--set", "finished"],
            "isn't a status",
        ),
        (
            &["mentions", "label", "999999", "--set", "complaint"],
            "Mention 999999 not found",
        ),
    ];
    for (args, says) in cases {
        let (code, out, err) = run(d, args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
    let (code, _, err) = run(d, &["mentions", "label", "1", "--set", "furious"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Use complaint, negative, neutral or positive"),
        "{err}"
    );
    // In JSON mode the error carries a code.
    let (code, _, err) = run(
        d,
        &[
            "--json",
            "mentions",
            "label",
            "999999",
            "--set",
            "complaint",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(json(err.trim())["code"], "not_found");
    // The failed bulk change changed nothing.
    let page = ok_json(
        d,
        &[
            "mentions", "search", "--status", "resolved", "--limit", "500",
        ],
    );
    assert!(
        mentions(&page).iter().all(|m| m["id"] != 1),
        "mention 1 was not resolved"
    );
}

#[test]
fn hostile_search_words_never_fail() {
    let dir = sample();
    let d = dir.path();
    let long = "x".repeat(10 * 1024);
    let hostile = [
        "\"",
        "NEAR(",
        "*",
        "a OR",
        "-",
        "🚲😡",
        "\"refund",
        "refund\"*",
        "OR refund",
        "NEAR(refund reply, 3)",
        "{text}:refund",
        "^refund",
        "'; DROP TABLE mentions; --",
        "\u{202e}refund",
        long.as_str(),
    ];
    for h in hostile {
        let (code, out, err) = run(d, &["--json", "mentions", "search", "--", h]);
        assert_eq!(code, 0, "{h:?}: {err}");
        let page = json(&out);
        assert!(page["total"].as_i64().unwrap() >= 0, "{h:?}");
    }
    // A lone "-" is a word to search for (it has no letters: everything shows).
    let (code, out, _) = run(d, &["--json", "mentions", "search", "-"]);
    assert_eq!(code, 0);
    let all = ok_json(d, &["mentions", "list", "--limit", "500"]);
    assert_eq!(json(&out)["total"], all["total"]);
    // Operators are only words: "OR refund" finds what "refund" finds
    // and also says OR, i.e. fewer, never an error or everything.
    let refund = ok_json(d, &["mentions", "search", "refund", "--limit", "500"]);
    let quoted = ok_json(d, &["mentions", "search", "--", "\"refund\""]);
    assert_eq!(quoted["total"], refund["total"]);
    // The database is intact after all that.
    let after = ok_json(d, &["mentions", "list", "--limit", "500"]);
    assert_eq!(after["total"], all["total"]);
}
