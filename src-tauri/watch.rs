//! Matching mentions against watches: whole-word, case-insensitive and
//! accent-insensitive, for any script.
//!
//! Text and terms are normalised the same way (Unicode decomposition, marks
//! removed, lower-cased, curly apostrophes straightened, runs of spaces
//! collapsed), then a term matches where it is not glued to letters or digits
//! on either side. Scripts written without spaces between words (Chinese,
//! Japanese, Thai, Lao, Khmer, Myanmar) and Korean (particles attach to
//! nouns) have no word boundaries to check, so a term in those scripts
//! matches anywhere.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::model::Watch;

/// Lower-cased, accent-free, space-collapsed characters.
pub fn normalise(s: &str) -> Vec<char> {
    // ASCII text is its own compatibility decomposition and has no
    // combining marks: most posts skip the Unicode tables (a tenth of
    // ingesting a post went to them).
    if s.is_ascii() {
        collapse(s.chars(), s.len())
    } else {
        collapse(s.nfkd().filter(|c| !is_combining_mark(*c)), s.len())
    }
}

/// Lower-cases and collapses the spaces of decomposed, mark-free `chars`.
fn collapse(chars: impl Iterator<Item = char>, capacity: usize) -> Vec<char> {
    let mut out = Vec::with_capacity(capacity);
    let mut space = true; // drops leading space
    for c in chars {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Scripts whose words are not separated by spaces.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x1100..=0x11FF    // Hangul jamo
        | 0xF900..=0xFAFF    // CJK compatibility
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FFFF) // CJK extensions B–F
}

/// True when `needle` occurs in `hay` as a whole word.
pub fn contains_word(hay: &[char], needle: &[char]) -> bool {
    let n = needle.len();
    if n == 0 || n > hay.len() {
        return false;
    }
    let first = needle[0];
    let last = needle[n - 1];
    let mut i = 0;
    while i + n <= hay.len() {
        if hay[i] == first && hay[i..i + n] == *needle {
            let before_ok = i == 0 || {
                let b = hay[i - 1];
                // A handle or hashtag glued to a word is an e-mail
                // address or part of something else, not a mention.
                !is_word(b)
                    || unspaced(b)
                    || unspaced(first)
                    || (!is_word(first) && first != '@' && first != '#')
            };
            let after_ok = i + n == hay.len() || {
                let a = hay[i + n];
                !is_word(a) || !is_word(last) || unspaced(a) || unspaced(last)
            };
            if before_ok && after_ok {
                return true;
            }
        }
        i += 1;
    }
    false
}

struct Compiled {
    id: i64,
    terms: Vec<Vec<char>>,
    include: Vec<Vec<char>>,
    exclude: Vec<Vec<char>>,
}

/// The watches that may listen, ready to match many texts: enabled, with
/// their purpose and whole legitimate-interests note recorded. A watch
/// without its note catches nothing (it is paused until completed).
pub struct Matcher {
    watches: Vec<Compiled>,
}

fn compile(terms: &[String]) -> Vec<Vec<char>> {
    terms
        .iter()
        .map(|t| normalise(t))
        .filter(|t| !t.is_empty())
        .collect()
}

impl Matcher {
    pub fn new(watches: &[Watch]) -> Matcher {
        Matcher {
            watches: watches
                .iter()
                .filter(|w| w.enabled && w.notes_complete)
                .map(|w| Compiled {
                    id: w.id,
                    terms: compile(&w.terms),
                    include: compile(&w.include_terms),
                    exclude: compile(&w.exclude_terms),
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.watches.is_empty()
    }

    /// The ids of the watches that catch this text.
    pub fn matches(&self, text: &str) -> Vec<i64> {
        if self.watches.is_empty() {
            return Vec::new();
        }
        let hay = normalise(text);
        self.watches
            .iter()
            .filter(|w| {
                w.terms.iter().any(|t| contains_word(&hay, t))
                    && (w.include.is_empty() || w.include.iter().any(|t| contains_word(&hay, t)))
                    && !w.exclude.iter().any(|t| contains_word(&hay, t))
            })
            .map(|w| w.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(id: i64, terms: &[&str], include: &[&str], exclude: &[&str]) -> Watch {
        let v = |t: &[&str]| t.iter().map(|s| s.to_string()).collect();
        Watch {
            id,
            name: format!("w{id}"),
            terms: v(terms),
            include_terms: v(include),
            exclude_terms: v(exclude),
            purpose: "care".into(),
            legitimate_interests: Some("interest".into()),
            necessity: Some("necessity".into()),
            balance: Some("balance".into()),
            notes_complete: true,
            enabled: true,
            mention_count: 0,
        }
    }

    fn hit(terms: &[&str], text: &str) -> bool {
        !Matcher::new(&[watch(1, terms, &[], &[])])
            .matches(text)
            .is_empty()
    }

    #[test]
    fn ascii_text_is_normalised_as_by_the_unicode_tables() {
        let every: String = (0u8..128).map(char::from).collect();
        for s in [
            every.as_str(),
            "  Pedal &  Pine\t\nSAID:  'no refund' \r\n ",
            "ÀB  c",
        ] {
            let slow = collapse(s.nfkd().filter(|c| !is_combining_mark(*c)), 0);
            assert_eq!(normalise(s), slow, "{s:?}");
        }
        assert_eq!(normalise("ÀB  c"), vec!['a', 'b', ' ', 'c']);
    }

    #[test]
    fn whole_words_only_and_case_does_not_matter() {
        assert!(hit(&["Pine"], "Went to PINE today"));
        assert!(hit(&["pine"], "pine."));
        assert!(!hit(&["pine"], "pineapple for lunch"));
        assert!(!hit(&["pine"], "porcupine"));
        assert!(hit(&["Pedal & Pine"], "Pedal  &\nPine fixed my wheel"));
        assert!(!hit(&["pine"], ""));
    }

    #[test]
    fn accents_are_ignored_both_ways() {
        assert!(hit(&["Café Noir"], "best cafe noir in town"));
        assert!(hit(&["cafe noir"], "Le CAFÉ NOIR est fermé"));
        assert!(hit(&["Zürich"], "zurich branch"));
        assert!(!hit(&["café"], "cafeteria"));
    }

    #[test]
    fn handles_and_hashtags() {
        assert!(hit(&["@pedalpine"], "thanks @PedalPine!"));
        assert!(hit(&["pedalpine"], "thanks @pedalpine"));
        assert!(hit(&["#pedalandpine"], "love this #PedalAndPine"));
        assert!(!hit(&["#pedal"], "#pedalandpine"));
        assert!(!hit(&["@pedalpine"], "mail me at shop@pedalpine.example"));
    }

    #[test]
    fn non_latin_scripts() {
        // Greek and Cyrillic have spaces and case.
        assert!(hit(&["Πεταλο"], "Το ΠΈΤΑΛΟ είναι καλό"));
        assert!(hit(&["Велосипед"], "мой велосипед сломался"));
        assert!(!hit(&["вело"], "мой велосипед"));
        // Japanese and Chinese have no spaces between words.
        assert!(hit(&["自転車"], "この自転車屋は最高です"));
        assert!(hit(&["ペダル"], "ペダルアンドパインで修理した"));
        // Korean particles attach to the noun.
        assert!(hit(&["자전거"], "자전거가 고장났어요"));
        // Arabic.
        assert!(hit(&["دراجة"], "اشتريت دراجة جديدة"));
        // Emoji survive and don't break boundaries.
        assert!(hit(&["pine"], "🚲pine🌲"));
    }

    #[test]
    fn include_and_exclude_terms() {
        let m = Matcher::new(&[
            watch(1, &["Pine"], &["bike", "cycle"], &["pine tree"]),
            watch(2, &["Pedal"], &[], &[]),
        ]);
        assert_eq!(m.matches("Pine fixed my bike"), vec![1]);
        assert!(
            m.matches("Pine is great").is_empty(),
            "include term missing"
        );
        assert!(m.matches("a pine tree fell on my bike").is_empty());
        assert_eq!(m.matches("Pedal and Pine, best bike shop"), vec![1, 2]);
    }

    #[test]
    fn a_watch_without_its_whole_note_catches_nothing() {
        let mut w = watch(1, &["pine"], &[], &[]);
        w.balance = None;
        w.notes_complete = false;
        let m = Matcher::new(&[w, watch(2, &["pedal"], &[], &[])]);
        assert!(m.matches("pine").is_empty());
        assert_eq!(m.matches("pine pedal"), vec![2]);
    }

    #[test]
    fn disabled_watches_catch_nothing() {
        let mut w = watch(1, &["pine"], &[], &[]);
        w.enabled = false;
        let m = Matcher::new(&[w]);
        assert!(m.is_empty());
        assert!(m.matches("pine").is_empty());
    }
}
