//! The owner's search words: turned into a full-text query that can never be
//! read as FTS5 syntax, and matched back onto a mention's text to say where
//! to highlight.
//!
//! Words are cut the way the index's tokenizer (`unicode61
//! remove_diacritics 2`) cuts them: runs of letters and digits, with the
//! accents of Latin letters folded away and case ignored. Each word the
//! owner typed (between spaces) becomes one quoted phrase, so "won't" and
//! "e-bike" match as written; the phrases are ANDed, and the last one is
//! matched as a prefix while it is being typed. Quotes, `*`, `-`, `NEAR(`,
//! `OR` and the like are either dropped (punctuation) or quoted (words), so
//! no input is an error.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::model::Span;

/// Words beyond these are ignored: a pasted paragraph still searches fast.
pub const MAX_TOKENS: usize = 32;

/// The owner's search, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    phrases: Vec<Phrase>,
}

#[derive(Debug, Clone, PartialEq)]
struct Phrase {
    /// As typed (the index folds them itself).
    raw: Vec<String>,
    /// Folded as the index folds them, for highlighting.
    folded: Vec<String>,
    /// The last token is a prefix (the owner may still be typing it).
    prefix: bool,
}

impl Search {
    /// None when the input has no letters or digits to search for.
    pub fn parse(input: &str) -> Option<Search> {
        let typing = !input.ends_with(char::is_whitespace);
        let chunks: Vec<&str> = input.split_whitespace().collect();
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut budget = MAX_TOKENS;
        for (i, chunk) in chunks.iter().enumerate() {
            let mut raw = Vec::new();
            for (start, end) in token_ranges(chunk) {
                if budget == 0 {
                    break;
                }
                raw.push(chunk[start..end].to_string());
                budget -= 1;
            }
            if raw.is_empty() {
                continue;
            }
            let folded = raw.iter().map(|t| fold(t)).collect();
            let whole = raw.len() == token_ranges(chunk).len();
            phrases.push(Phrase {
                raw,
                folded,
                prefix: typing && whole && i == chunks.len() - 1,
            });
            if budget == 0 {
                break;
            }
        }
        (!phrases.is_empty()).then_some(Search { phrases })
    }

    /// The last word is matched as a prefix (the owner may still be typing it).
    pub fn has_prefix(&self) -> bool {
        self.phrases.iter().any(|p| p.prefix)
    }

    /// The FTS5 query: every token inside double quotes (which hold only
    /// letters and digits, so nothing in them is syntax), phrases ANDed.
    pub fn fts_query(&self) -> String {
        self.query(None)
    }

    /// The word being typed, in lower case, if the owner is typing one of
    /// ASCII letters and digits only (which the index folds to lower case
    /// and nothing else: no question of folding it differently).
    pub fn typing_ascii(&self) -> Option<&str> {
        let p = self.phrases.iter().find(|p| p.prefix)?;
        let raw = p.raw.last()?;
        raw.bytes()
            .all(|b| b.is_ascii_alphanumeric())
            .then(|| p.folded.last().map(String::as_str))
            .flatten()
    }

    /// The FTS5 query with the word being typed spelled out as `words`, the
    /// index's words that start with it: their phrases ORed, each an exact
    /// match (none: the word as typed, which then matches nothing).
    pub fn fts_query_spelled(&self, words: &[String]) -> String {
        self.query(Some(words))
    }

    fn query(&self, spelled: Option<&[String]>) -> String {
        let quote = |tokens: &[String]| format!("\"{}\"", tokens.join(" ").replace('"', "\"\""));
        self.phrases
            .iter()
            .map(|p| match (p.prefix, spelled) {
                (false, _) => quote(&p.raw),
                (true, None) => format!("{}*", quote(&p.raw)),
                (true, Some([])) => quote(&p.raw),
                (true, Some(words)) => {
                    let head = &p.raw[..p.raw.len() - 1];
                    let each: Vec<String> = words
                        .iter()
                        .map(|w| quote(&[head, std::slice::from_ref(w)].concat()))
                        .collect();
                    format!("({})", each.join(" OR "))
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Where the search matches `text`, in UTF-16 code units (JavaScript
    /// string indices), in order and not overlapping.
    pub fn highlights(&self, text: &str) -> Vec<Span> {
        let tokens: Vec<(String, u32, u32)> = {
            let mut utf16 = Vec::with_capacity(text.len() + 1);
            let mut at = 0u32;
            for (i, c) in text.char_indices() {
                utf16.resize(i + 1, at);
                at += c.len_utf16() as u32;
            }
            utf16.resize(text.len() + 1, at);
            token_ranges(text)
                .into_iter()
                .map(|(s, e)| (fold(&text[s..e]), utf16[s], utf16[e]))
                .collect()
        };
        let mut spans: Vec<Span> = Vec::new();
        for p in &self.phrases {
            let k = p.folded.len();
            if k == 0 || k > tokens.len() {
                continue;
            }
            for j in 0..=tokens.len() - k {
                let hit = p.folded.iter().enumerate().all(|(i, want)| {
                    let have = &tokens[j + i].0;
                    if p.prefix && i == k - 1 {
                        have.starts_with(want.as_str())
                    } else {
                        have == want
                    }
                });
                if hit {
                    spans.push(Span {
                        start: tokens[j].1,
                        end: tokens[j + k - 1].2,
                    });
                }
            }
        }
        spans.sort_by_key(|s| (s.start, s.end));
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        merged
    }
}

/// Combining accents the tokenizer keeps inside a word (and folds away).
fn is_diacritic(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F) || (is_combining_mark(c) && (c as u32) < 0x0370)
}

/// Letters and digits as the tokenizer sees them (Unicode L*, N*, private
/// use). A few symbols Unicode counts as alphabetic (circled and squared
/// letters) are symbols to the tokenizer, so they separate words here too.
fn is_token_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF) {
        return true;
    }
    let symbol = matches!(c as u32, 0x24B6..=0x24E9 | 0x1F130..=0x1F189);
    c.is_alphanumeric() && !is_combining_mark(c) && !symbol
}

/// Byte ranges of the tokens of `s`.
fn token_ranges(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let inside = is_token_char(c) || is_diacritic(c);
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    // A token of accents alone folds to nothing: the index skips it.
    out.retain(|&(a, b)| s[a..b].chars().any(is_token_char));
    out
}

/// Lower case, and Latin letters without their accents (é → e, Ł stays ł),
/// as `remove_diacritics 2` folds them.
fn fold(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        if is_diacritic(c) {
            continue;
        }
        for l in c.to_lowercase() {
            let latin = matches!(l as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF);
            if latin {
                let base: String = l.nfd().filter(|d| !is_combining_mark(*d)).collect();
                match base.chars().next() {
                    Some(b) if base.len() == 1 && b.is_ascii_alphabetic() => out.push(b),
                    _ => out.push(l),
                }
            } else {
                out.push(l);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(search: &str, text: &str) -> Vec<(u32, u32)> {
        Search::parse(search)
            .unwrap()
            .highlights(text)
            .into_iter()
            .map(|s| (s.start, s.end))
            .collect()
    }

    /// The highlighted parts of `text`, read the way JavaScript slices it.
    fn marked(search: &str, text: &str) -> Vec<String> {
        let units: Vec<u16> = text.encode_utf16().collect();
        Search::parse(search)
            .unwrap()
            .highlights(text)
            .into_iter()
            .map(|s| String::from_utf16(&units[s.start as usize..s.end as usize]).unwrap())
            .collect()
    }

    #[test]
    fn each_word_is_quoted_the_last_is_a_prefix_and_they_are_anded() {
        let s = Search::parse("  late   deliv").unwrap();
        assert_eq!(s.fts_query(), "\"late\" AND \"deliv\"*");
        // A finished word (a space after it) is matched whole.
        assert!(s.has_prefix());
        let s = Search::parse("late delivery ").unwrap();
        assert_eq!(s.fts_query(), "\"late\" AND \"delivery\"");
        assert!(!s.has_prefix());
        // Punctuation inside a word keeps its parts together as a phrase.
        let s = Search::parse("won't e-bike").unwrap();
        assert_eq!(s.fts_query(), "\"won t\" AND \"e bike\"*");
    }

    #[test]
    fn the_word_being_typed_is_spelled_out_as_the_words_it_starts() {
        let s = Search::parse("late Deliv").unwrap();
        assert_eq!(s.typing_ascii(), Some("deliv"));
        let words = ["delivered".to_string(), "delivery".to_string()];
        assert_eq!(
            s.fts_query_spelled(&words),
            "\"late\" AND (\"delivered\" OR \"delivery\")"
        );
        // No word starts with it: the word as typed, which matches nothing.
        assert_eq!(s.fts_query_spelled(&[]), "\"late\" AND \"Deliv\"");
        // In a phrase, only its last token is spelled out.
        let s = Search::parse("e-bi").unwrap();
        assert_eq!(s.typing_ascii(), Some("bi"));
        assert_eq!(
            s.fts_query_spelled(&["bike".to_string(), "bikes".to_string()]),
            "(\"e bike\" OR \"e bikes\")"
        );
        // A finished word is not being typed.
        assert_eq!(Search::parse("late ").unwrap().typing_ascii(), None);
        // Nor is a word with letters beyond ASCII, even ones folded to it.
        assert_eq!(Search::parse("Café").unwrap().typing_ascii(), None);
    }

    #[test]
    fn fts_syntax_in_the_input_is_only_ever_words_in_quotes() {
        let cases = [
            ("\"", None),
            ("*", None),
            ("-", None),
            ("\"\"\"", None),
            ("🚲😡", None),
            ("NEAR(", Some("\"NEAR\"*")),
            ("a OR", Some("\"a\" AND \"OR\"*")),
            (
                "refund NOT reply",
                Some("\"refund\" AND \"NOT\" AND \"reply\"*"),
            ),
            ("text:refund", Some("\"text refund\"*")),
            ("^start", Some("\"start\"*")),
            ("\"quoted phrase\"", Some("\"quoted\" AND \"phrase\"*")),
            ("x\" OR \"y", Some("\"x\" AND \"OR\" AND \"y\"*")),
            ("(a AND b)", Some("\"a\" AND \"AND\" AND \"b\"*")),
            ("Ⓐ", None),
        ];
        for (input, want) in cases {
            let got = Search::parse(input).map(|s| s.fts_query());
            assert_eq!(got.as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn a_pasted_essay_keeps_only_the_first_words() {
        let essay = "word ".repeat(2_000) + &"x".repeat(10_000);
        let s = Search::parse(&essay).unwrap();
        assert_eq!(s.fts_query().matches("\"word\"").count(), MAX_TOKENS);
        assert!(!s.fts_query().contains('x'));
    }

    #[test]
    fn highlights_are_utf16_offsets_of_the_words_matched() {
        // "🚲" is two UTF-16 units; "é" one.
        let text = "🚲 Café Noir: the CAFÉ was great, cafes too";
        assert_eq!(marked("cafe", text), ["Café", "CAFÉ", "cafes"]);
        assert_eq!(spans("cafe", text)[0], (3, 7));
        assert_eq!(marked("café ", text), ["Café", "CAFÉ"]);
        // Decomposed accents (e + combining acute) fold the same way.
        let text = "Cafe\u{301} 😡😡 cafe\u{301}";
        assert_eq!(spans("cafe ", text), [(0, 5), (11, 16)]);
    }

    #[test]
    fn a_phrase_is_highlighted_whole_and_only_where_its_words_are_adjacent() {
        let text = "I won't go back. Won the race, t-shirt";
        assert_eq!(marked("won't ", text), ["won't"]);
        // While typing, the last token is a prefix, as in the index.
        assert_eq!(marked("won't", text), ["won't", "Won the"]);
        assert_eq!(
            marked("late delivery ", "Late again: delivery late, no delivery"),
            ["Late", "delivery", "late", "delivery"]
        );
        assert_eq!(
            marked("e-bike", "My e‑bike and my e bike"),
            ["e‑bike", "e bike"]
        );
    }

    #[test]
    fn no_highlight_where_the_words_are_not_in_the_text() {
        assert!(spans("refund", "Lovely shop").is_empty());
        // The prefix only applies to the last word.
        assert!(spans("ref late", "refund is late").len() == 1);
    }
}
