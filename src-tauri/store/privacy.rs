//! Privacy by design, in the store: how long things are kept (retention and
//! the daily purge), people's access and erasure requests, and everything
//! held about one person. The settings live in `settings` rows:
//! `retention_mention_days`, `retention_outreach_days`, `retention_mode`
//! and `notice_template` (the transparency notice the outreach log fills in).

pub mod person;
pub mod requests;
pub mod retention;

use rusqlite::{Connection, Transaction};

use super::audit;
use super::settings::{get_value, set_value};
use crate::error::{Error, Result};
use crate::model::{PrivacySettings, PurgeMode};

pub const MENTION_DAYS: &str = "retention_mention_days";
pub const OUTREACH_DAYS: &str = "retention_outreach_days";
pub const MODE: &str = "retention_mode";
pub const NOTICE_TEMPLATE: &str = "notice_template";

pub const DEFAULT_MENTION_DAYS: u32 = 90;
pub const DEFAULT_OUTREACH_DAYS: u32 = 730;
/// Ten years: longer than any retention a small business could justify.
pub const MAX_DAYS: u32 = 3650;
pub const MAX_NOTICE_CHARS: usize = 2000;
/// What a notice may ask to be filled in.
pub const NOTICE_PLACEHOLDERS: [&str; 4] = ["{platform}", "{business}", "{days}", "{contact}"];

/// The transparency notice given with a first contact, until the owner
/// writes their own: where the post was seen, what is kept and for how
/// long, and how to opt out.
pub fn default_notice_template() -> String {
    "We saw your post on {platform} and wanted to help. {business} keeps only what you posted \
     publicly (the text, its link and your username) to follow up with you, for up to {days} \
     days. If you'd rather we didn't contact you, just say so here or at {contact}, and we won't \
     again."
        .to_string()
}

fn days(raw: Option<String>, default: u32) -> u32 {
    raw.and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|d| (1..=MAX_DAYS).contains(d))
        .unwrap_or(default)
}

/// The owner's settings; a missing or damaged value reads as its default.
pub fn load(conn: &Connection) -> Result<PrivacySettings> {
    Ok(PrivacySettings {
        mention_days: days(get_value(conn, MENTION_DAYS)?, DEFAULT_MENTION_DAYS),
        outreach_days: days(get_value(conn, OUTREACH_DAYS)?, DEFAULT_OUTREACH_DAYS),
        mode: match get_value(conn, MODE)?.as_deref() {
            Some("anonymise") => PurgeMode::Anonymise,
            _ => PurgeMode::Delete,
        },
        notice_template: get_value(conn, NOTICE_TEMPLATE)?
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(default_notice_template),
    })
}

/// Checks and tidies what the owner typed.
pub fn check(p: PrivacySettings) -> Result<PrivacySettings> {
    for (days, what) in [
        (p.mention_days, "Mentions nobody acted on"),
        (p.outreach_days, "Closed outreach"),
    ] {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(Error::invalid(format!(
                "{what} can be kept for 1 to {MAX_DAYS} days (ten years); {days} isn't in that range. Type a whole number of days."
            )));
        }
    }
    let notice = p.notice_template.trim().to_string();
    if notice.is_empty() {
        return Err(Error::invalid(
            "The transparency notice can't be empty: a first contact must say where the post was seen, what is kept and how to opt out. Write one, or restore the default.",
        ));
    }
    let chars = notice.chars().count();
    if chars > MAX_NOTICE_CHARS {
        return Err(Error::invalid(format!(
            "The transparency notice is {chars} characters; keep it under {MAX_NOTICE_CHARS} so people read it."
        )));
    }
    if let Some(unknown) = unknown_placeholder(&notice) {
        return Err(Error::invalid(format!(
            "The notice asks for {unknown}, which Hearken can't fill in. Use {}.",
            NOTICE_PLACEHOLDERS.join(", ")
        )));
    }
    Ok(PrivacySettings {
        notice_template: notice,
        ..p
    })
}

/// The first `{word}` that is not one of the placeholders.
fn unknown_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let word = &after[..end];
        let looks_like_one = !word.is_empty()
            && word.len() <= 30
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let token = format!("{{{word}}}");
        if looks_like_one && !NOTICE_PLACEHOLDERS.contains(&token.as_str()) {
            return Some(token);
        }
        rest = &after[end + 1..];
    }
    None
}

/// Saves checked settings and, in the same transaction, audits which
/// settings changed (their names, never their values).
pub fn save(tx: &Transaction<'_>, p: &PrivacySettings, now: &str) -> Result<PrivacySettings> {
    let before = load(tx)?;
    let mode = match p.mode {
        PurgeMode::Delete => "delete",
        PurgeMode::Anonymise => "anonymise",
    };
    let mut changed = Vec::new();
    if before.mention_days != p.mention_days {
        changed.push(MENTION_DAYS);
    }
    if before.outreach_days != p.outreach_days {
        changed.push(OUTREACH_DAYS);
    }
    if before.mode != p.mode {
        changed.push(MODE);
    }
    if before.notice_template != p.notice_template {
        changed.push(NOTICE_TEMPLATE);
    }
    set_value(tx, MENTION_DAYS, &p.mention_days.to_string())?;
    set_value(tx, OUTREACH_DAYS, &p.outreach_days.to_string())?;
    set_value(tx, MODE, mode)?;
    set_value(tx, NOTICE_TEMPLATE, &p.notice_template)?;
    if !changed.is_empty() {
        audit::append(
            tx,
            audit::OWNER,
            "setting_changed",
            Some("privacy_settings"),
            Some(&changed.join(", ")),
            now,
        )?;
    }
    load(tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn settings(mention_days: u32, outreach_days: u32, notice: &str) -> PrivacySettings {
        PrivacySettings {
            mention_days,
            outreach_days,
            mode: PurgeMode::Delete,
            notice_template: notice.into(),
        }
    }

    #[test]
    fn a_new_workspace_keeps_mentions_90_days_and_closed_outreach_two_years() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let p = store.read(load).unwrap();
        assert_eq!((p.mention_days, p.outreach_days), (90, 730));
        assert_eq!(p.mode, PurgeMode::Delete);
        assert_eq!(p.notice_template, default_notice_template());
        for placeholder in NOTICE_PLACEHOLDERS {
            assert!(p.notice_template.contains(placeholder), "{placeholder}");
        }
    }

    #[test]
    fn days_out_of_range_an_empty_or_long_notice_and_unknown_placeholders_are_refused() {
        let ok = default_notice_template();
        for (p, words) in [
            (settings(0, 730, &ok), "1 to 3650"),
            (settings(3651, 730, &ok), "3651"),
            (settings(90, 0, &ok), "Closed outreach"),
            (settings(90, 730, "   "), "can't be empty"),
            (settings(90, 730, &"a".repeat(2001)), "2001 characters"),
            (settings(90, 730, "Seen on {platfrom}."), "{platfrom}"),
        ] {
            let err = check(p).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains(words), "{err}");
        }
        let tidy = check(settings(1, 3650, "  Hello from {business} {x y} {}  ")).unwrap();
        assert_eq!(tidy.notice_template, "Hello from {business} {x y} {}");
        assert!(check(settings(90, 730, &"a".repeat(2000))).is_ok());
    }

    #[test]
    fn saving_audits_the_names_of_the_changed_settings_never_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let mut p = store.read(load).unwrap();
        p.mention_days = 30;
        p.notice_template = "Private words from {business}".into();
        let saved = store
            .write(|tx| save(tx, &p, "2026-11-30T10:00:00Z"))
            .unwrap();
        assert_eq!(saved.mention_days, 30);
        // Saving the same again changes nothing, so it records nothing.
        store
            .write(|tx| save(tx, &p, "2026-11-30T10:01:00Z"))
            .unwrap();
        let entries = store.read(|c| audit::list(c, None, 10)).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, "setting_changed");
        assert_eq!(
            entries[0].detail.as_deref(),
            Some("retention_mention_days, notice_template")
        );
        assert!(!format!("{entries:?}").contains("Private words"));
        assert!(store.read(audit::verify).unwrap().ok);
    }

    #[test]
    fn damaged_stored_values_read_as_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        store
            .write(|tx| {
                set_value(tx, MENTION_DAYS, "ninety")?;
                set_value(tx, OUTREACH_DAYS, "99999")?;
                set_value(tx, MODE, "shred")
            })
            .unwrap();
        let p = store.read(load).unwrap();
        assert_eq!((p.mention_days, p.outreach_days), (90, 730));
        assert_eq!(p.mode, PurgeMode::Delete);
    }
}
