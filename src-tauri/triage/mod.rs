//! Triage, offline: VADER sentiment (exact parity with vaderSentiment 3.3.2,
//! through the `vader-parity` crate) and a small complaint model, giving each
//! text a label, a "how unhappy" score and the reasons it was flagged.
//!
//! Negative is not complaint: "no refund, no reply, never again" is a
//! complaint that VADER calls barely negative. The complaint model (a logistic
//! regression over word 1–2-grams, complaint cues and the VADER scores,
//! trained by `scripts/triage/train.py`) catches those.

mod complaint;
mod features;

use std::sync::OnceLock;

use serde::Serialize;
use vader_parity::SentimentIntensityAnalyzer;

use crate::model::{Label, Reason, ReasonKind};

/// VADER's own cut-offs on the compound score.
pub const POSITIVE_FROM: f64 = 0.05;
pub const NEGATIVE_FROM: f64 = -0.05;
/// At most this many cues and words are given as reasons.
pub const MAX_WORD_REASONS: usize = 5;
/// A word or cue must add at least this much to the log-odds of
/// "complaint" to be given as a reason.
const MIN_REASON_WEIGHT: f64 = 0.1;

/// VADER's four scores for a text, as the reference rounds them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sentiment {
    pub compound: f64,
    pub pos: f64,
    pub neu: f64,
    pub neg: f64,
}

/// Everything triage says about one text. Serialises as the CLI's
/// `triage score` line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Triage {
    pub compound: f64,
    pub pos: f64,
    pub neu: f64,
    pub neg: f64,
    /// The complaint model's probability, 0 to 1.
    pub complaint: f64,
    pub label: Label,
    /// How unhappy, 0 to 1 (see [`concern`]).
    pub concern: f64,
    /// Why, strongest first.
    pub reasons: Vec<Reason>,
}

fn analyzer() -> &'static SentimentIntensityAnalyzer {
    static VADER: OnceLock<SentimentIntensityAnalyzer> = OnceLock::new();
    VADER.get_or_init(SentimentIntensityAnalyzer::new)
}

/// VADER alone.
pub fn sentiment(text: &str) -> Sentiment {
    let s = analyzer().polarity_scores(text);
    Sentiment {
        compound: s.compound,
        pos: s.pos,
        neu: s.neu,
        neg: s.neg,
    }
}

/// Names the weights the app scores with: it changes whenever the VADER
/// version or the complaint model's weights file changes, so mentions scored
/// by an older model are scored again (`store::mentions::rescore_stale`).
pub fn model_version() -> &'static str {
    &complaint::model().version
}

/// The probability above which (inclusive) a text is a complaint; chosen
/// on validation data by the training script.
pub fn complaint_threshold() -> f64 {
    complaint::model().threshold
}

/// How unhappy a text is, 0 to 1, for "most unhappy first":
/// `1 − (1 − p)(1 − d)`, where `p` is the complaint probability and `d` how
/// negative VADER finds it, `max(0, −compound)`. It reads as "a complaint,
/// or negative, or both": either alone can make it high, both make it
/// higher, and a happy text that is no complaint is near 0.
pub fn concern(complaint: f64, compound: f64) -> f64 {
    let down = (-compound).clamp(0.0, 1.0);
    1.0 - (1.0 - complaint.clamp(0.0, 1.0)) * (1.0 - down)
}

/// The label: complaint when the model says so, else VADER's own rule.
pub fn label(complaint: f64, compound: f64) -> Label {
    if complaint >= complaint_threshold() {
        Label::Complaint
    } else if compound >= POSITIVE_FROM {
        Label::Positive
    } else if compound <= NEGATIVE_FROM {
        Label::Negative
    } else {
        Label::Neutral
    }
}

/// Scores one text: sentiment, complaint probability, label, concern and
/// reasons. About 15 µs for a 100-character post on one core.
pub fn score(text: &str) -> Triage {
    let s = analyzer().polarity_scores(text);
    let verdict = complaint::model().judge(text, &s);
    let p = verdict.probability;
    Triage {
        compound: s.compound,
        pos: s.pos,
        neu: s.neu,
        neg: s.neg,
        complaint: p,
        label: label(p, s.compound),
        concern: concern(p, s.compound),
        reasons: reasons(text, s.compound, &verdict),
    }
}

/// The cues and words that weighed most towards "complaint", as written,
/// strongest first. A phrase's weight is all inside it that pushed towards
/// "complaint" (its words, the phrase itself, a cue it matches), so "no
/// reply" is one reason rather than "no", "reply" and "no reply"; reasons
/// never overlap. When VADER finds the text negative, its tone is a reason
/// too.
fn reasons(text: &str, compound: f64, verdict: &complaint::Verdict) -> Vec<Reason> {
    let evidence = &verdict.evidence;
    let inside = |outer: &std::ops::Range<usize>, e: &complaint::Evidence| {
        outer.start <= e.span.start && e.span.end <= outer.end
    };
    let mut candidates: Vec<(std::ops::Range<usize>, f64, bool)> = Vec::new();
    for e in evidence {
        if candidates.iter().any(|(span, _, _)| *span == e.span) {
            continue;
        }
        let weight = evidence
            .iter()
            .filter(|x| inside(&e.span, x))
            .map(|x| x.weight)
            .sum();
        let cue = evidence.iter().any(|x| x.cue && inside(&e.span, x));
        candidates.push((e.span.clone(), weight, cue));
    }
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.start.cmp(&b.0.start)));
    let mut chosen: Vec<&(std::ops::Range<usize>, f64, bool)> = Vec::new();
    for c in &candidates {
        if c.1 < MIN_REASON_WEIGHT || chosen.len() == MAX_WORD_REASONS {
            break;
        }
        if !chosen
            .iter()
            .any(|k| k.0.start < c.0.end && c.0.start < k.0.end)
        {
            chosen.push(c);
        }
    }
    let mut out: Vec<Reason> = chosen
        .into_iter()
        .map(|(span, weight, cue)| Reason {
            kind: if *cue {
                ReasonKind::Cue
            } else {
                ReasonKind::Words
            },
            text: text[span.clone()].to_string(),
            weight: round3(*weight),
        })
        .collect();
    if compound <= NEGATIVE_FROM {
        out.push(Reason {
            kind: ReasonKind::Sentiment,
            text: negative_tone(compound),
            weight: round3(verdict.sentiment_weight),
        });
        out.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    }
    out
}

/// "negative tone (-0.62)", without float formatting (a tenth of the
/// scoring time when measured).
fn negative_tone(compound: f64) -> String {
    let hundredths = (compound.abs() * 100.0).round() as u32;
    let sign = if compound < 0.0 && hundredths > 0 {
        "-"
    } else {
        ""
    };
    format!(
        "negative tone ({sign}{}.{:02})",
        hundredths / 100,
        hundredths % 100
    )
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests;
