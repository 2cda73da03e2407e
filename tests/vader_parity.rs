//! Parity with the Python reference, on frozen data made by the scripts in
//! scripts/triage/:
//! - VADER: all 23,703 ground-truth texts shipped with vaderSentiment 3.3.2,
//!   with the scores the reference gave them (freeze_vader.py);
//! - the complaint model: texts with Python's complaint probability under
//!   the shipped weights (train.py), reproduced within 1e-9.

use std::io::{BufRead, BufReader};

use hearken_lib::triage;

const GROUND_TRUTH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/vader_ground_truth.tsv.gz"
);
const COMPLAINT_PARITY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/complaint_parity.jsonl"
);

#[test]
fn every_ground_truth_text_gets_the_reference_vader_scores() {
    let file = std::fs::File::open(GROUND_TRUTH).expect("frozen ground truth");
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut lines = reader.lines();
    let header = lines.next().unwrap().unwrap();
    assert_eq!(header, "source\tid\tmean\tneg\tneu\tpos\tcompound\ttext");
    let mut per_source = std::collections::BTreeMap::<String, usize>::new();
    let mut differ = Vec::new();
    let mut total = 0;
    for line in lines {
        let line = line.unwrap();
        let f: Vec<&str> = line.splitn(8, '\t').collect();
        assert_eq!(f.len(), 8, "{line}");
        let num = |i: usize| -> f64 { f[i].parse().unwrap() };
        let (neg, neu, pos, compound) = (num(3), num(4), num(5), num(6));
        let text = f[7];
        let s = triage::sentiment(text);
        if (s.neg, s.neu, s.pos, s.compound) != (neg, neu, pos, compound) {
            differ.push(format!(
                "{} {}: reference {neg} {neu} {pos} {compound}, ours {} {} {} {}: {text}",
                f[0], f[1], s.neg, s.neu, s.pos, s.compound
            ));
        }
        *per_source.entry(f[0].to_string()).or_default() += 1;
        total += 1;
    }
    assert_eq!(total, 23_703, "{per_source:?}");
    assert_eq!(per_source.len(), 4, "{per_source:?}");
    assert!(
        differ.is_empty(),
        "{} of {total} texts differ from the reference, first: {:#?}",
        differ.len(),
        &differ[..differ.len().min(5)]
    );
}

#[test]
fn the_complaint_model_gives_pythons_probabilities() {
    let text = std::fs::read_to_string(COMPLAINT_PARITY).expect("parity fixture");
    let mut n = 0;
    let mut complaints = 0;
    for line in text.lines() {
        let item: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = item["text"].as_str().unwrap();
        let t = triage::score(text);
        for (key, ours) in [
            ("neg", t.neg),
            ("neu", t.neu),
            ("pos", t.pos),
            ("compound", t.compound),
        ] {
            let theirs = item[key].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-12,
                "{key} {ours} vs {theirs}: {text:?}"
            );
        }
        let theirs = item["complaint"].as_f64().unwrap();
        assert!(
            (t.complaint - theirs).abs() <= 1e-9,
            "complaint {} vs Python's {theirs}: {text:?}",
            t.complaint
        );
        if theirs >= triage::complaint_threshold() {
            complaints += 1;
        }
        n += 1;
    }
    // Enough texts, and both sides of the threshold, for the check to mean something.
    assert!(n >= 300, "{n}");
    assert!(
        complaints >= 50 && n - complaints >= 50,
        "{complaints} of {n}"
    );
}
