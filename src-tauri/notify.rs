//! Desktop notifications for new mentions: one per polling cycle, never one
//! per item, so a burst of fifty posts is one message. Complaints and
//! negative mentions are announced (each can be turned off); every other
//! new mention only when the owner asks for that too. Notifications never
//! quote a post: its text comes from a stranger, and some notification
//! servers read markup in the body.

use std::collections::BTreeMap;

use crate::model::{Label, Settings};

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one notification for what a cycle stored, as the owner's settings
/// ask, or None when there is nothing they want to hear about.
pub fn cycle_message(
    settings: &Settings,
    new_by_label: &BTreeMap<Label, i64>,
    new_by_watch: &BTreeMap<String, i64>,
) -> Option<(String, String)> {
    let count = |l: Label| new_by_label.get(&l).copied().unwrap_or(0).max(0);
    let complaints = if settings.notify_complaints {
        count(Label::Complaint)
    } else {
        0
    };
    let negative = if settings.notify_negative {
        count(Label::Negative)
    } else {
        0
    };
    let all: i64 = new_by_label.values().sum();
    // "Other" means neither a complaint nor negative, whichever are switched on.
    let others = all - count(Label::Complaint) - count(Label::Negative);
    if complaints + negative == 0 {
        return if settings.notify_new_mentions {
            new_mentions_message(new_by_watch)
        } else {
            None
        };
    }
    let title = match (complaints, negative) {
        (0, n) => format!(
            "{} to look at",
            plural(n, "new negative mention", "new negative mentions")
        ),
        (c, 0) => format!(
            "{} to look at",
            plural(c, "new complaint", "new complaints")
        ),
        (c, n) => format!(
            "{} and {}",
            plural(c, "new complaint", "new complaints"),
            plural(n, "negative mention", "negative mentions")
        ),
    };
    let mut body = String::from("Open Hearken's Inbox to see who may need a reply.");
    if settings.notify_new_mentions && others > 0 {
        body.push_str(&format!(
            " Also {}.",
            plural(others, "other new mention", "other new mentions")
        ));
    }
    Some((title, body))
}

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

/// The one notification for follow-ups that became due since the last
/// check (`newly_due`), with how many are due in all, or None when none
/// became due or the owner turned these off. Like the others, it names
/// nobody and quotes no message.
pub fn follow_up_message(
    settings: &Settings,
    newly_due: i64,
    due: i64,
) -> Option<(String, String)> {
    if newly_due <= 0 || !settings.notify_follow_ups {
        return None;
    }
    let title = if newly_due == 1 {
        "A follow-up is due".to_string()
    } else {
        format!("{newly_due} follow-ups are due")
    };
    let mut body =
        String::from("Open Hearken's Outreach screen to see who you said you'd get back to.");
    if due > newly_due {
        body.push_str(&format!(
            " {} due in all.",
            plural(due, "follow-up is", "follow-ups are")
        ));
    }
    Some((title, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ups_that_became_due_are_one_message_that_names_nobody() {
        let on = settings(true, true, false);
        assert_eq!(follow_up_message(&on, 0, 4), None);
        let (title, body) = follow_up_message(&on, 1, 1).unwrap();
        assert_eq!(title, "A follow-up is due");
        assert_eq!(
            body,
            "Open Hearken's Outreach screen to see who you said you'd get back to."
        );
        let (title, body) = follow_up_message(&on, 3, 5).unwrap();
        assert_eq!(title, "3 follow-ups are due");
        assert!(body.ends_with(" 5 follow-ups are due in all."), "{body}");
        // The owner turned these off: the Outreach screen still lists them.
        let off = Settings {
            notify_follow_ups: false,
            ..on
        };
        assert_eq!(follow_up_message(&off, 3, 5), None);
    }

    fn settings(complaints: bool, negative: bool, every: bool) -> Settings {
        Settings {
            theme: crate::model::Theme::System,
            business_name: String::new(),
            business_contact: String::new(),
            notify_complaints: complaints,
            notify_negative: negative,
            notify_new_mentions: every,
            tray_unread: true,
            notify_follow_ups: true,
        }
    }

    fn labels(c: i64, n: i64, other: i64) -> BTreeMap<Label, i64> {
        BTreeMap::from([
            (Label::Complaint, c),
            (Label::Negative, n),
            (Label::Neutral, other),
        ])
    }

    #[test]
    fn a_burst_of_complaints_is_one_message_that_quotes_nobody() {
        let by_watch = BTreeMap::from([("Shop name".to_string(), 40)]);
        let (title, body) =
            cycle_message(&settings(true, true, false), &labels(12, 3, 25), &by_watch).unwrap();
        assert_eq!(title, "12 new complaints and 3 negative mentions");
        assert_eq!(body, "Open Hearken's Inbox to see who may need a reply.");
        let (title, _) =
            cycle_message(&settings(true, true, false), &labels(1, 0, 0), &by_watch).unwrap();
        assert_eq!(title, "1 new complaint to look at");
        let (title, body) =
            cycle_message(&settings(true, true, true), &labels(0, 2, 5), &by_watch).unwrap();
        assert_eq!(title, "2 new negative mentions to look at");
        assert!(body.ends_with("Also 5 other new mentions."), "{body}");
    }

    #[test]
    fn each_kind_can_be_turned_off() {
        let by_watch = BTreeMap::from([("Shop name".to_string(), 9)]);
        // Complaints off: only the negative ones are announced, and the
        // complaints are not passed off as "other" mentions.
        let (title, body) =
            cycle_message(&settings(false, true, true), &labels(4, 1, 4), &by_watch).unwrap();
        assert_eq!(title, "1 new negative mention to look at");
        assert!(body.ends_with("Also 4 other new mentions."), "{body}");
        // Both off and "every mention" off: silence.
        assert_eq!(
            cycle_message(&settings(false, false, false), &labels(4, 1, 4), &by_watch),
            None
        );
        // Only happy news, and the owner asked for every mention.
        let (title, _) =
            cycle_message(&settings(true, true, true), &labels(0, 0, 9), &by_watch).unwrap();
        assert_eq!(title, "9 new mentions for Shop name");
        // ...but not by default.
        assert_eq!(
            cycle_message(&settings(true, true, false), &labels(0, 0, 9), &by_watch),
            None
        );
    }

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
