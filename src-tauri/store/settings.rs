//! The owner's settings, as key/value rows.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::SqlResult;
use crate::error::Result;
use crate::model::{Settings, Theme};

pub const SAMPLE_LOADED: &str = "sample_loaded";

pub fn get_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .db()
}

pub fn set_value(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .db()?;
    Ok(())
}

pub fn load(conn: &Connection) -> Result<Settings> {
    let theme = match get_value(conn, "theme")?.as_deref() {
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        _ => Theme::System,
    };
    Ok(Settings {
        theme,
        business_name: get_value(conn, "business_name")?.unwrap_or_default(),
        business_contact: get_value(conn, "business_contact")?.unwrap_or_default(),
        notify_complaints: get_value(conn, "notify_complaints")?.as_deref() != Some("off"),
        notify_negative: get_value(conn, "notify_negative")?.as_deref() != Some("off"),
        notify_new_mentions: get_value(conn, "notify_new_mentions")?.as_deref() == Some("on"),
        tray_unread: get_value(conn, "tray_unread")?.as_deref() != Some("off"),
        notify_follow_ups: get_value(conn, "notify_follow_ups")?.as_deref() != Some("off"),
    })
}

pub fn save(tx: &Transaction<'_>, s: &Settings) -> Result<()> {
    let theme = match s.theme {
        Theme::System => "system",
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    set_value(tx, "theme", theme)?;
    set_value(tx, "business_name", s.business_name.trim())?;
    set_value(tx, "business_contact", s.business_contact.trim())?;
    let on_off = |b: bool| if b { "on" } else { "off" };
    set_value(tx, "notify_complaints", on_off(s.notify_complaints))?;
    set_value(tx, "notify_negative", on_off(s.notify_negative))?;
    set_value(tx, "notify_new_mentions", on_off(s.notify_new_mentions))?;
    set_value(tx, "tray_unread", on_off(s.tray_unread))?;
    set_value(tx, "notify_follow_ups", on_off(s.notify_follow_ups))
}

/// The names of the settings that differ, for the audit trail.
pub fn changed_names(before: &Settings, after: &Settings) -> Vec<&'static str> {
    let mut out = Vec::new();
    if before.theme != after.theme {
        out.push("theme");
    }
    if before.business_name != after.business_name {
        out.push("business_name");
    }
    if before.business_contact != after.business_contact {
        out.push("business_contact");
    }
    if before.notify_complaints != after.notify_complaints {
        out.push("notify_complaints");
    }
    if before.notify_negative != after.notify_negative {
        out.push("notify_negative");
    }
    if before.notify_new_mentions != after.notify_new_mentions {
        out.push("notify_new_mentions");
    }
    if before.tray_unread != after.tray_unread {
        out.push("tray_unread");
    }
    if before.notify_follow_ups != after.notify_follow_ups {
        out.push("notify_follow_ups");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn every_switch_defaults_as_documented_round_trips_and_is_named_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let fresh = store.read(load).unwrap();
        assert_eq!(
            (
                fresh.notify_complaints,
                fresh.notify_negative,
                fresh.notify_new_mentions,
                fresh.tray_unread,
                fresh.notify_follow_ups
            ),
            (true, true, false, true, true)
        );
        let flipped = Settings {
            notify_complaints: false,
            notify_negative: false,
            notify_new_mentions: true,
            tray_unread: false,
            notify_follow_ups: false,
            ..fresh.clone()
        };
        store.write(|tx| save(tx, &flipped)).unwrap();
        let back = store.read(load).unwrap();
        assert_eq!(
            (
                back.notify_complaints,
                back.notify_negative,
                back.notify_new_mentions,
                back.tray_unread,
                back.notify_follow_ups
            ),
            (false, false, true, false, false)
        );
        assert_eq!(
            changed_names(&fresh, &back),
            [
                "notify_complaints",
                "notify_negative",
                "notify_new_mentions",
                "tray_unread",
                "notify_follow_ups"
            ]
        );
    }
}
