//! `hearken triage score`: the real binary, text lines in, JSON lines out.

mod support;

use support::hearken;

fn score(stdin: &[u8]) -> (i32, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, out, err) = hearken(&data, &["triage", "score"], Some(stdin), &[]);
    (code, out, err, dir)
}

fn lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn each_line_in_gives_one_json_object_out_in_order() {
    let input = "no refund, no reply, never again\r\nWhat a lovely bakery, thank you!\n\nDo you open on Sundays?";
    let (code, out, err, dir) = score(input.as_bytes());
    assert_eq!(code, 0, "{err}");
    let rows = lines(&out);
    assert_eq!(rows.len(), 4, "{out}");
    assert_eq!(rows[0]["label"], "complaint");
    assert_eq!(rows[1]["label"], "positive");
    assert_eq!(
        rows[2]["label"], "neutral",
        "an empty line is an empty text"
    );
    assert_ne!(rows[3]["label"], "complaint");
    for row in &rows {
        for key in ["compound", "pos", "neu", "neg", "complaint", "concern"] {
            assert!(row[key].is_f64() || row[key].is_i64(), "{key} in {row}");
        }
        assert!(row["reasons"].is_array());
    }
    // The CR of a CRLF line end is not part of the text.
    let reasons = rows[0]["reasons"].as_array().unwrap();
    assert!(!reasons.is_empty());
    for r in reasons {
        let text = r["text"].as_str().unwrap();
        assert!(!text.contains('\r'));
        assert!(["cue", "words", "sentiment"].contains(&r["kind"].as_str().unwrap()));
    }
    // A pure filter: it made no data folder.
    assert!(!dir.path().join("data").exists());
}

#[test]
fn the_cli_agrees_with_the_library() {
    let text = "Still waiting for my order, 3 weeks now. Why?";
    let (code, out, _, _dir) = score(format!("{text}\n").as_bytes());
    assert_eq!(code, 0);
    let row = &lines(&out)[0];
    let t = hearken_lib::triage::score(text);
    // JSON numbers read back within a unit in the last place.
    let close = |key: &str, ours: f64| {
        let theirs = row[key].as_f64().unwrap();
        assert!((theirs - ours).abs() < 1e-12, "{key}: {theirs} vs {ours}");
    };
    close("compound", t.compound);
    close("complaint", t.complaint);
    close("concern", t.concern);
    assert_eq!(row["label"], t.label.as_str());
    assert_eq!(row["reasons"].as_array().unwrap().len(), t.reasons.len());
}

#[test]
fn empty_input_writes_nothing_and_succeeds() {
    let (code, out, err, _dir) = score(b"");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn a_line_that_is_not_utf8_is_named_and_fails() {
    let mut input = b"fine first line\nsecond is fine too\n".to_vec();
    input.extend_from_slice(b"caf\xe9 latin-1\nnever reached\n");
    let (code, out, err, _dir) = score(&input);
    assert_ne!(code, 0);
    assert!(err.contains("Line 3"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
    // The lines before it were scored; nothing after it.
    assert_eq!(lines(&out).len(), 2, "{out}");
}
