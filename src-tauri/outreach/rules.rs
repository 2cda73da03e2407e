//! The outreach log's rules that need no database: what reads as promotion,
//! how dates are read, and what makes a message acceptable.

use time::{Duration, OffsetDateTime, Time};

use crate::clock;

/// The longest message (and outcome or note) Hearken records.
pub const MAX_TEXT: usize = 5_000;
/// The longest handle: platforms allow far fewer characters.
pub const MAX_HANDLE: usize = 200;

/// Words and phrases that read as promotion in a direct message or email,
/// where marketing rules treat the message as electronic mail. Matched as
/// whole words (or consecutive whole words), ignoring case; a hyphenated
/// word is one word ("after-sales" is not "sales"). Left out on purpose,
/// because service messages use them: "code" alone (post code, job code;
/// "discount code" is caught by "discount"), "free" alone ("free of
/// charge" repairs; "free gift" is caught), "offered", and "deal with"
/// ("I'll deal with it today").
pub const PROMOTIONAL: &[&str] = &[
    "% off",
    "percent off",
    "discount",
    "discounts",
    "discounted",
    "offer",
    "offers",
    "sale",
    "sales",
    "promo",
    "promos",
    "promotion",
    "promotions",
    "promotional",
    "coupon",
    "coupons",
    "voucher",
    "vouchers",
    "buy",
    "deal",
    "deals",
    "bargain",
    "bargains",
    "free gift",
    "free gifts",
    "subscribe",
    "newsletter",
    "newsletters",
    "limited time",
    "shop now",
];

/// The text as lower-case words; every '%' is a word of its own.
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let joins = matches!(c, '-' | '\'' | '’')
            && !word.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() || joins {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c == '%' {
            out.push("%".into());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The promotional words and phrases in `text`, each once, in the order
/// they first appear.
pub fn promotional_words(text: &str) -> Vec<String> {
    let words = words(text);
    let mut found: Vec<String> = Vec::new();
    for i in 0..words.len() {
        for entry in PROMOTIONAL {
            let parts: Vec<&str> = if let Some(rest) = entry.strip_prefix('%') {
                std::iter::once("%")
                    .chain(rest.split_whitespace())
                    .collect()
            } else {
                entry.split_whitespace().collect()
            };
            let hit = parts
                .iter()
                .enumerate()
                .all(|(k, p)| words.get(i + k).is_some_and(|w| w == p));
            if !hit {
                continue;
            }
            if (*entry == "deal" || *entry == "deals")
                && words.get(i + 1).is_some_and(|w| w == "with")
            {
                continue;
            }
            if !found.iter().any(|f| f == entry) {
                found.push(entry.to_string());
            }
        }
    }
    found
}

/// A date or time as the owner gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A whole day (`2026-12-07`): the UI's date field, the CLI's `--follow-up`.
    Day(time::Date),
    At(OffsetDateTime),
}

/// Reads RFC 3339 (`2026-12-07T09:30:00Z`, any offset), a day
/// (`2026-12-07`), or a day and time without a zone (`2026-12-07T09:30`,
/// `2026-12-07 09:30[:00]`, read as UTC).
pub fn parse_when(s: &str) -> Option<When> {
    use time::macros::format_description;
    let s = s.trim();
    if let Ok(d) = time::Date::parse(s, format_description!("[year]-[month]-[day]")) {
        return Some(When::Day(d));
    }
    if let Ok(t) = time::PrimitiveDateTime::parse(
        s,
        format_description!("[year]-[month]-[day][first [T][ ]][hour]:[minute]"),
    ) {
        return Some(When::At(t.assume_utc()));
    }
    // Epoch seconds are not a date anyone types.
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    clock::parse_lenient(s).map(When::At)
}

fn shown(s: &str) -> String {
    s.trim().chars().take(40).collect()
}

/// A follow-up date in the form it is stored in, without checking when it is.
pub fn stored_follow_up(raw: &str) -> Option<String> {
    match parse_when(raw)? {
        When::Day(d) => Some(clock::format(
            d.with_time(Time::from_hms(9, 0, 0).unwrap_or(Time::MIDNIGHT))
                .assume_utc(),
        )),
        When::At(t) => Some(clock::format(t)),
    }
}

/// The follow-up date as stored: a day means 09:00 UTC that day. It must not
/// be in the past (today is fine; a time earlier than now, by more than a
/// minute, is not).
pub fn follow_up_at(raw: &str, now: OffsetDateTime) -> Result<String, String> {
    match parse_when(raw) {
        None => Err(format!(
            "The follow-up date \"{}\" isn't a date Hearken understands. Write it as year-month-day, for example {}.",
            shown(raw),
            (now + Duration::days(7)).date()
        )),
        Some(When::Day(d)) if d < now.date() => Err(format!(
            "The follow-up date {d} is in the past. Choose today or a later day."
        )),
        Some(When::At(t)) if t < now - Duration::minutes(1) => Err(format!(
            "The follow-up date {} is in the past. Choose a later time.",
            clock::format(t)
        )),
        Some(_) => stored_follow_up(raw).ok_or_else(|| "The follow-up date isn't a date Hearken understands.".to_string()),
    }
}

/// When the contact happened, as stored. A day means now (today) or noon
/// UTC that day. Only a planned contact may be in the future (five minutes
/// of clock difference are allowed).
pub fn occurred_at(raw: &str, planned: bool, now: OffsetDateTime) -> Result<String, String> {
    let t = match parse_when(raw) {
        None => {
            return Err(format!(
                "The date of the contact \"{}\" isn't a date Hearken understands. Write it as year-month-day, for example {}.",
                shown(raw),
                now.date()
            ))
        }
        Some(When::Day(d)) if d == now.date() => now,
        Some(When::Day(d)) => d
            .with_time(Time::from_hms(12, 0, 0).unwrap_or(Time::MIDNIGHT))
            .assume_utc(),
        Some(When::At(t)) => t,
    };
    if !planned && t > now + Duration::minutes(5) {
        return Err(format!(
            "The contact is dated {}, which is in the future. Choose \"planned\" for a contact you haven't made yet, or correct the date.",
            clock::format(t)
        ));
    }
    Ok(clock::format(t))
}

/// A problem with a message, outcome or note, if there is one.
pub fn text_problem(what: &str, text: &str, required: bool) -> Option<String> {
    let n = text.trim().chars().count();
    if required && n == 0 {
        return Some(format!("Write the {what}; it can't be empty."));
    }
    (n > MAX_TEXT)
        .then(|| format!("The {what} is {n} characters long; keep it to {MAX_TEXT} or fewer."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_is_found_as_whole_words_in_any_case() {
        assert_eq!(
            promotional_words(
                "Sorry! Here's a DISCOUNT code: 20% off your next order, or a free gift."
            ),
            vec!["discount", "% off", "free gift"]
        );
        assert_eq!(promotional_words("20 % Off today only"), vec!["% off"]);
        assert_eq!(
            promotional_words("Subscribe to our newsletter for the SALE. Buy now!"),
            vec!["subscribe", "newsletter", "sale", "buy"]
        );
        // Inside other words, or service language that shares them: nothing.
        for service in [
            "Our after-sales team will phone you. Whatever you'd like to do, we'll deal with it.",
            "The repair is free of charge; we offered a replacement and your post code is on the job sheet.",
            "The wholesale supplier was late, and our salesperson is away.",
            "Buyer protection applies; the offering plate is at the church.",
            "",
        ] {
            assert_eq!(promotional_words(service), Vec::<String>::new(), "{service}");
        }
        // A deal that is not "deal with" is still a deal.
        assert_eq!(
            promotional_words("A great deal for you, with more to come"),
            vec!["deal"]
        );
        assert_eq!(promotional_words("Great deals."), vec!["deals"]);
        assert_eq!(promotional_words("offer offer Offer"), vec!["offer"]);
    }

    #[test]
    fn hearkens_own_templates_read_as_service() {
        for (name, body) in crate::store::templates::BUILTIN {
            assert_eq!(promotional_words(body), Vec::<String>::new(), "{name}");
        }
    }

    fn at(s: &str) -> OffsetDateTime {
        clock::parse(s).unwrap()
    }

    #[test]
    fn a_follow_up_is_a_day_or_a_time_and_never_in_the_past() {
        let now = at("2026-11-30T15:00:00Z");
        assert_eq!(
            follow_up_at("2026-12-07", now).as_deref(),
            Ok("2026-12-07T09:00:00Z")
        );
        // Today is fine even after nine: it is due at once.
        assert_eq!(
            follow_up_at(" 2026-11-30 ", now).as_deref(),
            Ok("2026-11-30T09:00:00Z")
        );
        assert_eq!(
            follow_up_at("2026-12-01T10:30:00+02:00", now).as_deref(),
            Ok("2026-12-01T08:30:00Z")
        );
        assert_eq!(
            follow_up_at("2026-12-01T10:30", now).as_deref(),
            Ok("2026-12-01T10:30:00Z")
        );
        let past = follow_up_at("2026-11-29", now).unwrap_err();
        assert!(past.contains("in the past"), "{past}");
        let past = follow_up_at("2026-11-30T14:00:00Z", now).unwrap_err();
        assert!(past.contains("in the past"), "{past}");
        for bad in ["next week", "", "2026-02-30", "1796000000", "31/12/2026"] {
            let e = follow_up_at(bad, now).unwrap_err();
            assert!(e.contains("isn't a date"), "{bad}: {e}");
        }
    }

    #[test]
    fn only_a_planned_contact_may_be_dated_in_the_future() {
        let now = at("2026-11-30T15:00:00Z");
        assert_eq!(
            occurred_at("2026-11-30", false, now).as_deref(),
            Ok("2026-11-30T15:00:00Z")
        );
        assert_eq!(
            occurred_at("2026-11-28", false, now).as_deref(),
            Ok("2026-11-28T12:00:00Z")
        );
        assert_eq!(
            occurred_at("2026-11-30T15:03:00Z", false, now).as_deref(),
            Ok("2026-11-30T15:03:00Z")
        );
        let e = occurred_at("2026-12-02", false, now).unwrap_err();
        assert!(e.contains("in the future") && e.contains("planned"), "{e}");
        assert_eq!(
            occurred_at("2026-12-02", true, now).as_deref(),
            Ok("2026-12-02T12:00:00Z")
        );
        assert!(occurred_at("soon", true, now).is_err());
    }

    #[test]
    fn messages_must_say_something_and_not_too_much() {
        assert!(text_problem("message", " \n\t ", true)
            .unwrap()
            .contains("can't be empty"));
        assert_eq!(text_problem("note", "", false), None);
        assert_eq!(text_problem("message", &"é".repeat(MAX_TEXT), true), None);
        let long = text_problem("message", &"a".repeat(MAX_TEXT + 1), true).unwrap();
        assert!(long.contains("5001") && long.contains("5000"), "{long}");
    }
}
