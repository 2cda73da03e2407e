//! Platform text → plain text: tags stripped, entities decoded, emoji kept,
//! whitespace tidied. The result is still untrusted: the UI renders it as text.

/// Strips HTML tags (dropping `<script>`/`<style>` contents), turns block
/// breaks into newlines and decodes entities.
pub fn html_to_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        // A '<' not followed by a tag-like character is just text ("a < b").
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        if !starts_tag {
            out.push('<');
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else {
            // An unterminated tag: drop the rest, it is not text.
            rest = "";
            break;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if !tag.starts_with('/') && (name == "script" || name == "style") {
            let close = format!("</{name}");
            match find_ascii_ci(rest, &close) {
                Some(i) => {
                    rest = &rest[i..];
                    if let Some(g) = rest.find('>') {
                        rest = &rest[g + 1..];
                    }
                }
                None => rest = "",
            }
            continue;
        }
        match name.as_str() {
            "br" => out.push('\n'),
            "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
                if !out.ends_with('\n') =>
            {
                out.push('\n')
            }
            _ => {}
        }
    }
    out.push_str(rest);
    tidy(&decode_entities(&out))
}

/// Decodes HTML entities (named, decimal and hex). Unknown entities stay as written.
pub fn decode_entities(input: &str) -> String {
    html_escape::decode_html_entities(input).into_owned()
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Collapses runs of spaces within lines, non-breaking spaces included, and
/// keeps at most one blank line.
fn tidy(s: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in s.lines() {
        let collapsed = line
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if collapsed.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(collapsed);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_alerts_bold_highlights_become_plain_words() {
        assert_eq!(
            html_to_text("Why <b>Pedal</b> &amp; Pine is the best&nbsp;..."),
            "Why Pedal & Pine is the best ..."
        );
    }

    #[test]
    fn scripts_and_styles_are_dropped_not_kept_as_text() {
        assert_eq!(
            html_to_text("hi<script>alert(1)</script> <style>p{}</style>there"),
            "hi there"
        );
    }

    #[test]
    fn emoji_and_accents_survive() {
        assert_eq!(html_to_text("<p>Café 🚲 great</p>"), "Café 🚲 great");
    }

    #[test]
    fn a_lone_less_than_sign_is_text() {
        assert_eq!(html_to_text("3 < 5 and 7 > 2"), "3 < 5 and 7 > 2");
    }

    #[test]
    fn escaped_markup_decodes_to_literal_text_once() {
        // Entity-escaped markup is text the author typed: it decodes to the
        // characters, which the UI then shows literally.
        assert_eq!(decode_entities("&lt;script&gt;"), "<script>");
    }

    #[test]
    fn paragraphs_become_lines() {
        assert_eq!(html_to_text("<p>one</p><p>two</p>"), "one\ntwo");
    }
}
