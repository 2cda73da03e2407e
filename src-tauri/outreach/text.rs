//! Filling templates and the transparency notice. Placeholders are words in
//! braces; a brace that is not a known placeholder is left as written.

/// The placeholders a message template may use.
pub const MESSAGE_PLACEHOLDERS: [&str; 5] = ["name", "handle", "platform", "business", "link"];

/// Replaces `{key}` for each known key; anything else stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Placeholders in `template` that are not among `known`, each once.
pub fn unknown_placeholders(template: &str, known: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let key = &after[..close];
        // Only word-like keys are placeholders: "{ }" or "{:-)}" is text.
        let word = !key.is_empty()
            && key.len() <= 30
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if word && !known.contains(&key) && !out.iter().any(|k| k == key) {
            out.push(key.to_string());
        }
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_placeholders_are_filled_and_others_left_alone() {
        let values = [("name", "Priya"), ("business", "Pedal & Pine {link}")];
        assert_eq!(
            fill("Hi {name}, – {business} {unknown} {name}", &values),
            "Hi Priya, – Pedal & Pine {link} {unknown} Priya"
        );
        // A value is never filled again, so text from a stranger can't add placeholders.
        assert_eq!(fill("{name} {", &[("name", "{name}")]), "{name} {");
        assert_eq!(fill("no braces", &values), "no braces");
        assert_eq!(fill("é{name}ü", &values), "éPriyaü");
    }

    #[test]
    fn unknown_placeholders_are_named_once() {
        assert_eq!(
            unknown_placeholders(
                "Hi {name} {firstname} {firstname} {Link} :-{ } {}",
                &MESSAGE_PLACEHOLDERS
            ),
            vec!["firstname", "Link"]
        );
        assert!(unknown_placeholders("Hi {name}, {link}", &MESSAGE_PLACEHOLDERS).is_empty());
    }
}
