//! The complaint model's tokens, exactly as `scripts/triage/features.py`
//! makes them (the weights were trained on those). Change one, change both:
//! `tests/data/complaint_parity.jsonl` holds Python's probabilities and the
//! tests assert this code reproduces them within 1e-9.
//!
//! Capitals (ASCII and Latin-1) are lowered and curly apostrophes made
//! straight; a token is a run of word characters (ASCII letters and digits,
//! Latin-1 and Latin Extended-A/B letters) and apostrophes, optionally led by
//! '#'. A final "'s" is dropped ("nobody's" → "nobody"), then apostrophes
//! ("don't" → "dont"); digits alone become `<num>`. Two neighbours form a phrase (bigram) only when nothing but
//! spaces, tabs, hyphens, quotes, apostrophes, '*' or '_' stands between them.

use std::ops::Range;

/// At most this many of one cue, '?' or '!' count.
pub const CAP: u32 = 3;

/// One token: its normalised form (a range of [`Tokens::norm`]) and where
/// it stands in the original text (bytes), for showing it as written.
#[derive(Debug, Clone)]
pub struct Token {
    norm: Range<usize>,
    pub span: Range<usize>,
    /// Joined to the token before it as one phrase.
    pub joined: bool,
}

/// A text's tokens, their normalised forms in one buffer.
#[derive(Debug, Default)]
pub struct Tokens {
    norm: String,
    pub list: Vec<Token>,
}

impl Tokens {
    pub fn text(&self, i: usize) -> &str {
        &self.norm[self.list[i].norm.clone()]
    }

    pub fn count(&self) -> usize {
        self.list.len()
    }
}

fn norm_char(c: char) -> char {
    let o = c as u32;
    if (65..=90).contains(&o) || ((0xC0..=0xDE).contains(&o) && o != 0xD7) {
        // Both ranges lower by adding 32, and the results are valid chars.
        return char::from_u32(o + 32).unwrap_or(c);
    }
    if matches!(o, 0x2019 | 0x2018 | 0x02BC) {
        return '\'';
    }
    c
}

fn is_word(c: char) -> bool {
    let o = c as u32;
    (48..=57).contains(&o)
        || (97..=122).contains(&o)
        || ((0xDF..=0xFF).contains(&o) && o != 0xF7)
        || (0x100..=0x24F).contains(&o)
}

fn is_joiner(c: char) -> bool {
    matches!(c, ' ' | '\t' | '-' | '\'' | '"' | '*' | '_')
}

/// The character at byte `at`, normalised, and its length in bytes; ASCII
/// without decoding.
#[inline]
fn char_at(text: &str, at: usize) -> (char, usize) {
    let b = text.as_bytes()[at];
    if b < 0x80 {
        (b.to_ascii_lowercase() as char, 1)
    } else {
        // `at` is always a character boundary: it only moves by whole characters.
        let c = text[at..].chars().next().unwrap_or(' ');
        (norm_char(c), c.len_utf8())
    }
}

/// Splits `text` into tokens (see the module's comment for the rules).
pub fn tokenize(text: &str) -> Tokens {
    let mut out = Tokens {
        norm: String::with_capacity(text.len() + 8),
        list: Vec::with_capacity(text.len() / 4 + 1),
    };
    let n = text.len();
    let mut word = String::new();
    let mut joinable = true;
    let mut at = 0;
    while at < n {
        let start = at;
        let (c, len) = char_at(text, at);
        let hashtag = if is_word(c) {
            false
        } else if c == '#' && at + 1 < n && is_word(char_at(text, at + 1).0) {
            at += 1;
            true
        } else {
            if !is_joiner(c) {
                joinable = false;
            }
            at += len;
            continue;
        };
        // Word characters and apostrophes, up to the last word character.
        word.clear();
        let mut kept = 0;
        let mut end = start;
        while at < n {
            let (c, len) = char_at(text, at);
            if !(is_word(c) || c == '\'') {
                break;
            }
            word.push(c);
            at += len;
            if c != '\'' {
                kept = word.len();
                end = at;
            }
        }
        word.truncate(kept);
        // A possessive or "is": "nobody's" → "nobody".
        if word.ends_with("'s") && word.chars().count() > 2 {
            word.truncate(word.len() - 2);
        }
        let norm_start = out.norm.len();
        if word.bytes().all(|b| b.is_ascii_digit() || b == b'\'') {
            out.norm.push_str("<num>");
        } else {
            if hashtag {
                out.norm.push('#');
            }
            out.norm.extend(word.chars().filter(|&c| c != '\''));
        }
        let joined = joinable && !out.list.is_empty();
        out.list.push(Token {
            norm: norm_start..out.norm.len(),
            span: start..end,
            joined,
        });
        joinable = true;
    }
    out
}

/// Whether a cue stands at token `i`: its words (as `keys` of the tokens,
/// one per token) in order, each later word joined to the one before it.
pub fn cue_matches_at(tokens: &Tokens, keys: &[u64], cue: &[u64], i: usize) -> bool {
    let k = cue.len();
    k > 0
        && i + k <= keys.len()
        && (0..k).all(|j| keys[i + j] == cue[j] && (j == 0 || tokens.list[i + j].joined))
}

/// The number of '?' and of '!' in the text, each at most [`CAP`].
pub fn punctuation(text: &str) -> (f64, f64) {
    let (mut q, mut e) = (0u32, 0u32);
    for b in text.bytes() {
        match b {
            b'?' => q += 1,
            b'!' => e += 1,
            _ => {}
        }
    }
    (q.min(CAP) as f64, e.min(CAP) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, bool)> {
        let t = tokenize(text);
        (0..t.count())
            .map(|i| (t.text(i).to_string(), t.list[i].joined))
            .collect()
    }

    #[test]
    fn apostrophes_go_hashtags_stay_and_numbers_are_one_token() {
        let w = words("Don’t wait 3 weeks #FAIL 'quoted' nobody's #2024 s's");
        let texts: Vec<&str> = w.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            ["dont", "wait", "<num>", "weeks", "#fail", "quoted", "nobody", "<num>", "s"]
        );
    }

    #[test]
    fn punctuation_breaks_a_phrase_but_spaces_and_hyphens_do_not() {
        let w = words("no refund, no reply - never again.");
        let joined: Vec<bool> = w.iter().map(|(_, j)| *j).collect();
        assert_eq!(joined, [false, true, false, true, true, true]);
    }

    #[test]
    fn spans_point_at_the_words_as_written() {
        let text = "Café: “DOESN'T work”";
        let t = tokenize(text);
        let shown: Vec<&str> = t.list.iter().map(|k| &text[k.span.clone()]).collect();
        assert_eq!(shown, ["Café", "DOESN'T", "work"]);
        assert_eq!(t.text(0), "café");
    }

    #[test]
    fn a_cue_matches_only_as_a_joined_phrase() {
        // Tokens: no reply . No , reply ! no reply
        let t = tokenize("no reply. No, reply! no reply");
        // Each word's first byte stands in for the model's fingerprints.
        let keys: Vec<u64> = (0..t.count())
            .map(|i| t.text(i).as_bytes()[0] as u64)
            .collect();
        let cue = [b'n' as u64, b'r' as u64];
        let hits: Vec<usize> = (0..t.count())
            .filter(|&i| cue_matches_at(&t, &keys, &cue, i))
            .collect();
        assert_eq!(hits, [0, 4]);
    }
}
