//! The complaint model: a logistic regression whose weights ship in
//! `complaint-model.json` (written by `scripts/triage/train.py`), read once.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::features::{cue_hits, punctuation, tokenize, CAP};
use vader_parity::SentimentScores;

const WEIGHTS: &str = include_str!("complaint-model.json");

#[derive(Deserialize)]
struct WeightsFile {
    threshold: f64,
    bias: f64,
    dense: Dense,
    cues: Vec<CueWeight>,
    unigrams: HashMap<String, f64>,
    bigrams: HashMap<String, f64>,
}

#[derive(Deserialize)]
struct Dense {
    vader_neg: f64,
    vader_pos: f64,
    vader_down: f64,
    vader_up: f64,
    questions: f64,
    exclamations: f64,
}

#[derive(Deserialize)]
struct CueWeight {
    cue: String,
    weight: f64,
}

pub struct Model {
    pub threshold: f64,
    bias: f64,
    dense: Dense,
    /// (words, weight)
    cues: Vec<(Vec<String>, f64)>,
    unigrams: HashMap<String, f64>,
    bigrams: HashMap<String, f64>,
    pub version: String,
}

/// The shipped model, parsed on first use.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The file is part of the binary and tested: it cannot be malformed.
        let w: WeightsFile =
            serde_json::from_str(WEIGHTS).expect("complaint-model.json is valid (tested)");
        let digest = Sha256::digest(WEIGHTS.as_bytes());
        Model {
            threshold: w.threshold,
            bias: w.bias,
            dense: w.dense,
            cues: w
                .cues
                .into_iter()
                .map(|c| (c.cue.split(' ').map(str::to_string).collect(), c.weight))
                .collect(),
            unigrams: w.unigrams,
            bigrams: w.bigrams,
            version: format!("vader-3.3.2+complaint-{}", &hex::encode(digest)[..12]),
        }
    })
}

/// What pushed a text towards "complaint": a cue or an n-gram, where it
/// first stands in the text, and its contribution to the log-odds.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub span: Range<usize>,
    pub weight: f64,
    pub cue: bool,
}

/// The model's verdict on one text.
pub struct Verdict {
    pub probability: f64,
    /// What the VADER scores added to the log-odds.
    pub sentiment_weight: f64,
    pub evidence: Vec<Evidence>,
}

impl Model {
    pub fn judge(&self, text: &str, s: &SentimentScores) -> Verdict {
        let tokens = tokenize(text);
        let mut z = self.bias;
        let mut evidence: Vec<Evidence> = Vec::new();
        // Each distinct n-gram counts once (presence), shown where it first stands.
        let mut seen: Vec<*const f64> = Vec::with_capacity(tokens.count() * 2);
        let mut key = String::with_capacity(64);
        for i in 0..tokens.count() {
            let span = tokens.list[i].span.clone();
            if let Some(w) = self.unigrams.get(tokens.text(i)) {
                if !seen.contains(&(w as *const f64)) {
                    seen.push(w);
                    z += w;
                    evidence.push(Evidence {
                        span,
                        weight: *w,
                        cue: false,
                    });
                }
            }
            if i > 0 && tokens.list[i].joined {
                key.clear();
                key.push_str(tokens.text(i - 1));
                key.push(' ');
                key.push_str(tokens.text(i));
                if let Some(w) = self.bigrams.get(key.as_str()) {
                    if !seen.contains(&(w as *const f64)) {
                        seen.push(w);
                        z += w;
                        evidence.push(Evidence {
                            span: tokens.list[i - 1].span.start..tokens.list[i].span.end,
                            weight: *w,
                            cue: false,
                        });
                    }
                }
            }
        }
        for (words, w) in &self.cues {
            let mut hits = cue_hits(&tokens, words);
            if let Some(first) = hits.next() {
                let n = (1 + hits.count() as u32).min(CAP) as f64;
                z += w * n;
                let last = first + words.len() - 1;
                evidence.push(Evidence {
                    span: tokens.list[first].span.start..tokens.list[last].span.end,
                    weight: w * n,
                    cue: true,
                });
            }
        }
        let d = &self.dense;
        let sentiment_weight = d.vader_neg * s.neg
            + d.vader_pos * s.pos
            + d.vader_down * (-s.compound).max(0.0)
            + d.vader_up * s.compound.max(0.0);
        let (questions, exclamations) = punctuation(text);
        z += sentiment_weight + d.questions * questions + d.exclamations * exclamations;
        Verdict {
            probability: sigmoid(z),
            sentiment_weight,
            evidence,
        }
    }
}

/// 1 / (1 + e^-z), without overflow for large |z| (as features.py).
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
