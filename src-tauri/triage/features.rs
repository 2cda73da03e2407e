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

/// Splits `text` into tokens (see the module's comment for the rules).
pub fn tokenize(text: &str) -> Tokens {
    // (byte offset, normalised char, byte length of the original char)
    let chars: Vec<(usize, char, usize)> = text
        .char_indices()
        .map(|(i, c)| (i, norm_char(c), c.len_utf8()))
        .collect();
    let n = chars.len();
    let mut out = Tokens {
        norm: String::with_capacity(text.len()),
        list: Vec::with_capacity(n / 4 + 1),
    };
    let mut word = String::new();
    let mut i = 0;
    let mut joinable = true;
    while i < n {
        let (start, c, _) = chars[i];
        let hashtag = if is_word(c) {
            false
        } else if c == '#' && i + 1 < n && is_word(chars[i + 1].1) {
            i += 1;
            true
        } else {
            if !is_joiner(c) {
                joinable = false;
            }
            i += 1;
            continue;
        };
        // Word characters and apostrophes, up to the last word character.
        word.clear();
        let mut kept = 0;
        let mut end = start;
        while i < n && (is_word(chars[i].1) || chars[i].1 == '\'') {
            let (at, c, len) = chars[i];
            word.push(c);
            if c != '\'' {
                kept = word.len();
                end = at + len;
            }
            i += 1;
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

/// Where a cue (normalised words) occurs: the index of each first token.
/// Each later word must be joined to the one before it.
pub fn cue_hits<'a>(tokens: &'a Tokens, cue: &'a [String]) -> impl Iterator<Item = usize> + 'a {
    let k = cue.len();
    (0..(tokens.count() + 1).saturating_sub(k)).filter(move |&i| {
        k > 0
            && tokens.text(i) == cue[0]
            && (1..k).all(|j| tokens.text(i + j) == cue[j] && tokens.list[i + j].joined)
    })
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
        let cue = vec!["no".to_string(), "reply".to_string()];
        assert_eq!(cue_hits(&t, &cue).collect::<Vec<_>>(), [0, 4]);
    }
}
