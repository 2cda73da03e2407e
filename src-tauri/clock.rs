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

pub fn now_string() -> String {
    format(now())
}

pub fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
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
}
