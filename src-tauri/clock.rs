//! Timestamps as Hearken stores them: RFC 3339 in UTC, whole seconds, so that
//! text order is time order.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn format(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// The owner's time zone as the window gives it: minutes east of UTC (as
/// `-new Date().getTimezoneOffset()`), clamped to the ±14 hours real zones
/// span.
pub fn utc_offset(minutes_east: i32) -> UtcOffset {
    const MAX_MINUTES: i32 = 14 * 60;
    UtcOffset::from_whole_seconds(minutes_east.clamp(-MAX_MINUTES, MAX_MINUTES) * 60)
        .unwrap_or(UtcOffset::UTC)
}

pub fn now_string() -> String {
    format(now())
}

pub fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Reads the timestamp forms platforms send, leniently: RFC 3339 with any
/// number of fractional digits (`…Z`, `…+02:00`), Meta's offset without a
/// colon (`2021-07-04T19:50:58+0000`), a zone-less `2016-08-10 07:56:44` or
/// `2016-08-10T07:56:44` (read as UTC), and epoch seconds as an integer or a
/// float (`1456821458.0`, Reddit's `created_utc`).
pub fn parse_lenient(s: &str) -> Option<OffsetDateTime> {
    use time::macros::format_description;
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    if let Ok(t) = OffsetDateTime::parse(
        s,
        format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]][offset_hour sign:mandatory][offset_minute]"
        ),
    ) {
        return Some(t);
    }
    if let Ok(t) = time::PrimitiveDateTime::parse(
        s,
        format_description!(
            "[year]-[month]-[day][first [T][ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
        ),
    ) {
        return Some(t.assume_utc());
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = s.parse().ok()?;
        if secs.is_finite() && secs >= 0.0 {
            return from_unix(secs.trunc() as i64);
        }
    }
    None
}

/// `parse_lenient`, formatted as Hearken stores times.
pub fn normalise(s: &str) -> Option<String> {
    parse_lenient(s).map(format)
}

pub fn from_unix(secs: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

pub fn in_secs(secs: i64) -> String {
    format(now() + Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_are_utc_whole_seconds_and_sort_as_text() {
        let a = parse("2026-01-02T03:04:05.999+02:00").unwrap();
        assert_eq!(format(a), "2026-01-02T01:04:05Z");
        let b = parse("2026-01-02T01:04:06Z").unwrap();
        assert!(format(a) < format(b));
    }

    #[test]
    fn every_platform_timestamp_form_is_read() {
        let cases = [
            ("2019-12-08T03:48:33.901Z", "2019-12-08T03:48:33Z"), // Mastodon
            ("2026-05-01T10:00:12.000Z", "2026-05-01T10:00:12Z"), // X
            ("2014-10-02T15:01:23.045123456Z", "2014-10-02T15:01:23Z"), // Google
            ("2014-10-02T15:01:23Z", "2014-10-02T15:01:23Z"),
            ("2021-07-04T19:50:58+0000", "2021-07-04T19:50:58Z"), // Meta
            ("2021-07-04T21:50:58+0200", "2021-07-04T19:50:58Z"),
            ("2016-08-10 07:56:44", "2016-08-10T07:56:44Z"), // Yelp
            ("2016-08-10T07:56:44", "2016-08-10T07:56:44Z"),
            ("1456821458.0", "2016-03-01T08:37:38Z"), // Reddit
            ("1456821458", "2016-03-01T08:37:38Z"),   // Algolia
            ("2026-08-01T14:00:00.070144Z", "2026-08-01T14:00:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(normalise(input).as_deref(), Some(want), "{input}");
        }
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "-5", "NaN"] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
    }
}
