//! Desktop notifications for new mentions: one per polling cycle, never one
//! per item, so a burst of fifty posts is one message.

use std::collections::BTreeMap;

/// The title and body of the one notification for a cycle that found
/// mentions caught by watches, or None when there is nothing to announce.
pub fn new_mentions_message(new_by_watch: &BTreeMap<String, i64>) -> Option<(String, String)> {
    let mut rows: Vec<(&String, &i64)> = new_by_watch.iter().filter(|(_, n)| **n > 0).collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let title = if rows.len() == 1 {
        let (name, n) = rows[0];
        format!(
            "{n} new mention{} for {name}",
            if *n == 1 { "" } else { "s" }
        )
    } else {
        format!("New mentions for {} watches", rows.len())
    };
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = rows
        .iter()
        .take(SHOWN)
        .map(|(name, n)| format!("{name}: {n}"))
        .collect();
    if rows.len() > SHOWN {
        parts.push(format!("and {} more", rows.len() - SHOWN));
    }
    let body = if rows.len() == 1 {
        "Open Hearken to read them.".to_string()
    } else {
        format!("{}. Open Hearken to read them.", parts.join(", "))
    };
    Some((title, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_one_message_and_quiet_cycles_say_nothing() {
        let mut m = BTreeMap::new();
        assert_eq!(new_mentions_message(&m), None);
        m.insert("Shop name".to_string(), 0);
        assert_eq!(new_mentions_message(&m), None);
        m.insert("Shop name".to_string(), 50);
        let (title, body) = new_mentions_message(&m).unwrap();
        assert_eq!(title, "50 new mentions for Shop name");
        assert!(body.contains("Open Hearken"));
        m.insert("#pedalandpine".to_string(), 1);
        m.insert("@pedalpine".to_string(), 2);
        m.insert("Saddles".to_string(), 1);
        let (title, body) = new_mentions_message(&m).unwrap();
        assert_eq!(title, "New mentions for 4 watches");
        assert_eq!(
            body,
            "Shop name: 50, @pedalpine: 2, #pedalandpine: 1, and 1 more. Open Hearken to read them."
        );
    }
}
