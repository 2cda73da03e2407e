//! The complaint model: a logistic regression whose weights ship in
//! `complaint-model.json` (written by `scripts/triage/train.py`), read once.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::features::{cue_matches_at, punctuation, tokenize, CAP};
use vader_parity::SentimentScores;

const WEIGHTS: &str = include_str!("complaint-model.json");

/// A word's fingerprint: the Fx hash of its UTF-8 bytes, finished with
/// MurmurHash3's mixer. The model's n-grams are stored by fingerprint, not
/// by string: a lookup then touches one small table entry instead of a
/// string elsewhere in memory (measured: the string table's cache misses
/// cost more than VADER). Two of the model's n-grams sharing a fingerprint
/// would be noticed when loading (tested); a text's word that is not in the
/// model matching one by chance has odds of about 1 in 10^14.
fn word_key(word: &str) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h: u64 = 0;
    let bytes = word.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let mut rest = [0u8; 8];
    let tail = chunks.remainder();
    rest[..tail.len()].copy_from_slice(tail);
    h = (h.rotate_left(5) ^ u64::from_le_bytes(rest)).wrapping_mul(K);
    mix(h ^ bytes.len() as u64)
}

/// The fingerprint of the phrase "a b" from its words' fingerprints.
fn pair_key(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(23) ^ b ^ 0x9e37_79b9_7f4a_7c15)
}

/// MurmurHash3's 64-bit finaliser.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Keys are fingerprints already: use them as their own hash.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = k;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

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
    /// Unigrams and bigrams by fingerprint ([`word_key`], [`pair_key`]).
    ngrams: KeyMap<f64>,
    /// Each cue's words (fingerprints) and weight, found through its first word.
    cues: Vec<(Vec<u64>, f64)>,
    cues_by_first_word: KeyMap<Vec<u32>>,
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
        let mut ngrams = KeyMap::default();
        ngrams.reserve(w.unigrams.len() + w.bigrams.len());
        for (word, weight) in w.unigrams {
            ngrams.insert(word_key(&word), weight);
        }
        for (pair, weight) in w.bigrams {
            let (a, b) = pair.split_once(' ').unwrap_or((&pair, ""));
            ngrams.insert(pair_key(word_key(a), word_key(b)), weight);
        }
        let cues: Vec<(Vec<u64>, f64)> = w
            .cues
            .into_iter()
            .map(|c| (c.cue.split(' ').map(word_key).collect(), c.weight))
            .collect();
        let mut cues_by_first_word: KeyMap<Vec<u32>> = KeyMap::default();
        for (i, (words, _)) in cues.iter().enumerate() {
            cues_by_first_word
                .entry(words[0])
                .or_default()
                .push(i as u32);
        }
        Model {
            threshold: w.threshold,
            bias: w.bias,
            dense: w.dense,
            ngrams,
            cues,
            cues_by_first_word,
            version: format!("vader-3.3.2+complaint-{}", &hex::encode(digest)[..12]),
        }
    })
}

impl Model {
    /// Distinct fingerprints: as many as the file's n-grams, or two collided.
    #[cfg(test)]
    pub fn ngram_count(&self) -> usize {
        self.ngrams.len()
    }
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
        let keys: Vec<u64> = (0..tokens.count())
            .map(|i| word_key(tokens.text(i)))
            .collect();
        let mut z = self.bias;
        // Only what pushes towards "complaint" can be a reason.
        let mut evidence: Vec<Evidence> = Vec::new();
        let mut note = |span: Range<usize>, weight: f64, cue: bool| {
            if weight > 0.0 {
                evidence.push(Evidence { span, weight, cue });
            }
        };
        // Each distinct n-gram counts once (presence), shown where it first stands.
        let mut seen: Vec<u64> = Vec::with_capacity(tokens.count() * 2);
        // (cue, occurrences, first token)
        let mut cue_hits: Vec<(u32, u32, usize)> = Vec::new();
        {
            let mut add = |key: u64, span: Range<usize>, z: &mut f64| {
                if let Some(&w) = self.ngrams.get(&key) {
                    if !seen.contains(&key) {
                        seen.push(key);
                        *z += w;
                        note(span, w, false);
                    }
                }
            };
            for (i, &key) in keys.iter().enumerate() {
                let token = &tokens.list[i];
                add(key, token.span.clone(), &mut z);
                if i > 0 && token.joined {
                    let span = tokens.list[i - 1].span.start..token.span.end;
                    add(pair_key(keys[i - 1], key), span, &mut z);
                }
                for &c in self.cues_by_first_word.get(&key).into_iter().flatten() {
                    if cue_matches_at(&tokens, &keys, &self.cues[c as usize].0, i) {
                        match cue_hits.iter_mut().find(|h| h.0 == c) {
                            Some(h) => h.1 += 1,
                            None => cue_hits.push((c, 1, i)),
                        }
                    }
                }
            }
        }
        for (c, count, first) in cue_hits {
            let (words, w) = &self.cues[c as usize];
            let contribution = w * count.min(CAP) as f64;
            z += contribution;
            let last = first + words.len() - 1;
            note(
                tokens.list[first].span.start..tokens.list[last].span.end,
                contribution,
                true,
            );
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
