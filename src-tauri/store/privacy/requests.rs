//! People's requests to see (access) or remove (erasure) what is held about
//! them, each due one calendar month after it was received. A request keeps
//! the person's keyed fingerprint; its handle goes when their data is erased.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use time::{Date, Month};

use crate::error::{Error, Result};
use crate::model::{NewPrivacyRequest, Platform, PrivacyRequest, RequestKind, RequestState};
use crate::store::{audit, dnc, SqlResult};

/// A handle longer than this is not a handle.
pub const MAX_HANDLE_CHARS: usize = 200;

/// One calendar month after `received`: the same day next month, or that
/// month's last day when it has no such day (31 January → 28 or 29 February).
pub fn due_on(received: Date) -> Date {
    let (year, month) = match received.month() {
        Month::December => (received.year() + 1, Month::January),
        m => (received.year(), m.next()),
    };
    let last = month.length(year);
    Date::from_calendar_date(year, month, received.day().min(last)).unwrap_or(received)
}

pub fn parse_day(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// The handle as the owner typed it, tidied: no spaces around, no leading "@".
pub fn tidy_handle(handle: &str) -> Result<String> {
    let h = handle.trim();
    let h = h.strip_prefix('@').unwrap_or(h).trim();
    if h.is_empty() {
        return Err(Error::invalid(
            "Type the person's handle or username, as it appears on the platform.",
        ));
    }
    if h.chars().count() > MAX_HANDLE_CHARS || h.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "That doesn't look like a handle: handles are one line of at most {MAX_HANDLE_CHARS} characters."
        )));
    }
    Ok(h.to_string())
}

const COLUMNS: &str =
    "id, kind, platform, handle, received_at, due_at, state, completed_at, result";

fn from_row(r: &Row<'_>, today: Date) -> rusqlite::Result<PrivacyRequest> {
    let kind: String = r.get(1)?;
    let platform: String = r.get(2)?;
    let state: String = r.get(6)?;
    let due: String = r.get(5)?;
    let state = if state == "done" {
        RequestState::Done
    } else {
        RequestState::Open
    };
    Ok(PrivacyRequest {
        id: r.get(0)?,
        kind: if kind == "erasure" {
            RequestKind::Erasure
        } else {
            RequestKind::Access
        },
        platform: Platform::parse(&platform).unwrap_or(Platform::Rss),
        handle: r.get(3)?,
        received_on: r.get(4)?,
        overdue: state == RequestState::Open && parse_day(&due).is_some_and(|d| today > d),
        due_on: due,
        state,
        completed_at: r.get(7)?,
        result: r.get(8)?,
    })
}

fn kind_str(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "access",
        RequestKind::Erasure => "erasure",
    }
}

/// Records a request (and audits it, by fingerprint). `received_on`
/// defaults to `today`, and may not be after it.
pub fn add(
    tx: &Transaction<'_>,
    key: &[u8],
    r: &NewPrivacyRequest,
    today: Date,
    now: &str,
) -> Result<PrivacyRequest> {
    let handle = tidy_handle(&r.handle)?;
    let received = match r.received_on.as_deref().map(str::trim) {
        None | Some("") => today,
        Some(s) => parse_day(s).ok_or_else(|| {
            Error::invalid(format!(
                "\"{}\" isn't a date. Give the day the request was received as YYYY-MM-DD, for example 2026-11-30.",
                s.chars().take(40).collect::<String>()
            ))
        })?,
    };
    if received > today {
        return Err(Error::invalid(format!(
            "The request can't have been received on {received}: that's after today ({today})."
        )));
    }
    let due = due_on(received);
    let hash = dnc::fingerprint(key, r.platform, &handle);
    tx.execute(
        "INSERT INTO privacy_requests (kind, platform, handle, handle_hash, received_at, due_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            kind_str(r.kind),
            r.platform.as_str(),
            handle,
            hash,
            received.to_string(),
            due.to_string()
        ],
    )
    .db()?;
    let id = tx.last_insert_rowid();
    audit::append(
        tx,
        audit::OWNER,
        "request_added",
        Some(&hash),
        Some(&format!(
            "request {id}: {} on {}, received {received}, due {due}",
            kind_str(r.kind),
            r.platform.as_str()
        )),
        now,
    )?;
    get(tx, id, today)
}

pub fn get(conn: &Connection, id: i64, today: Date) -> Result<PrivacyRequest> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM privacy_requests WHERE id = ?1"),
        [id],
        |r| from_row(r, today),
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound(format!("Request {id}")))
}

/// The person's fingerprint on a request.
pub fn fingerprint_of(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row(
        "SELECT handle_hash FROM privacy_requests WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound(format!("Request {id}")))
}

/// Newest first (by the day received, then the order recorded).
pub fn list(conn: &Connection, today: Date) -> Result<Vec<PrivacyRequest>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM privacy_requests ORDER BY received_at DESC, id DESC"
        ))
        .db()?;
    let rows = stmt.query_map([], |r| from_row(r, today)).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// Closes a request with a sentence saying what was done.
pub fn complete(tx: &Transaction<'_>, id: i64, result: &str, now: &str) -> Result<()> {
    let n = tx
        .execute(
            "UPDATE privacy_requests SET state = 'done', completed_at = ?2, result = ?3 WHERE id = ?1",
            params![id, now, result],
        )
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(format!("Request {id}")));
    }
    Ok(())
}

/// Forgets the handle on every request from this person (erasure); the
/// fingerprint stays so the requests still count and can be told apart.
pub fn forget_handle(tx: &Transaction<'_>, hash: &str) -> Result<usize> {
    tx.execute(
        "UPDATE privacy_requests SET handle = NULL WHERE handle_hash = ?1",
        [hash],
    )
    .db()
}

/// Closes the person's other open requests once their data is erased:
/// nothing is held about them any more, which is the answer to each.
pub fn close_others(tx: &Transaction<'_>, hash: &str, erasure_id: i64, now: &str) -> Result<usize> {
    tx.execute(
        "UPDATE privacy_requests SET state = 'done', completed_at = ?3, result = ?4
         WHERE handle_hash = ?1 AND id <> ?2 AND state = 'open'",
        params![
            hash,
            erasure_id,
            now,
            format!("Closed: the person's data was erased (request {erasure_id}), so nothing is held about them any more.")
        ],
    )
    .db()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use time::macros::date;

    #[test]
    fn due_one_calendar_month_later_at_the_end_of_shorter_months() {
        assert_eq!(due_on(date!(2026 - 01 - 31)), date!(2026 - 02 - 28));
        assert_eq!(due_on(date!(2028 - 01 - 31)), date!(2028 - 02 - 29));
        assert_eq!(due_on(date!(2028 - 01 - 29)), date!(2028 - 02 - 29));
        assert_eq!(due_on(date!(2026 - 03 - 31)), date!(2026 - 04 - 30));
        assert_eq!(due_on(date!(2026 - 11 - 15)), date!(2026 - 12 - 15));
        assert_eq!(due_on(date!(2026 - 12 - 31)), date!(2027 - 01 - 31));
        assert_eq!(due_on(date!(2026 - 02 - 28)), date!(2026 - 03 - 28));
    }

    fn request(kind: RequestKind, handle: &str, received: Option<&str>) -> NewPrivacyRequest {
        NewPrivacyRequest {
            kind,
            platform: Platform::X,
            handle: handle.into(),
            received_on: received.map(str::to_string),
        }
    }

    #[test]
    fn requests_are_listed_newest_first_and_overdue_once_past_due() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let key = [3u8; 32];
        let today = date!(2026 - 03 - 05);
        let old = store
            .write(|tx| {
                add(
                    tx,
                    &key,
                    &request(RequestKind::Access, " @Jo ", Some("2026-01-31")),
                    today,
                    "t",
                )
            })
            .unwrap();
        assert_eq!(old.handle.as_deref(), Some("Jo"));
        assert_eq!(
            (old.received_on.as_str(), old.due_on.as_str()),
            ("2026-01-31", "2026-02-28")
        );
        assert!(old.overdue);
        let new = store
            .write(|tx| {
                add(
                    tx,
                    &key,
                    &request(RequestKind::Erasure, "sam", None),
                    today,
                    "t",
                )
            })
            .unwrap();
        assert_eq!(new.received_on, "2026-03-05");
        assert!(!new.overdue);
        let listed = store.read(|c| list(c, today)).unwrap();
        assert_eq!(
            listed.iter().map(|r| r.id).collect::<Vec<_>>(),
            [new.id, old.id]
        );
        store
            .write(|tx| complete(tx, old.id, "Exported.", "t2"))
            .unwrap();
        let done = store.read(|c| get(c, old.id, today)).unwrap();
        assert_eq!(done.state, RequestState::Done);
        assert!(!done.overdue, "a request done late is no longer overdue");
        // Audited by fingerprint, never by handle.
        let trail = store.read(|c| audit::list(c, None, 10)).unwrap();
        assert_eq!(trail.len(), 2);
        assert!(trail.iter().all(|e| e.action == "request_added"));
        assert_eq!(
            trail[1].subject.as_deref(),
            Some(dnc::fingerprint(&key, Platform::X, "jo").as_str())
        );
        assert!(!format!("{trail:?}").to_lowercase().contains("jo\""));
    }

    #[test]
    fn a_bad_date_a_future_date_and_an_empty_handle_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let today = date!(2026 - 03 - 05);
        for (r, words) in [
            (
                request(RequestKind::Access, "jo", Some("5/3/2026")),
                "isn't a date",
            ),
            (
                request(RequestKind::Access, "jo", Some("2026-03-06")),
                "after today",
            ),
            (request(RequestKind::Access, " @ ", None), "handle"),
            (
                request(RequestKind::Access, &"j".repeat(201), None),
                "at most 200",
            ),
        ] {
            let err = store
                .write(|tx| add(tx, &[1u8; 32], &r, today, "t"))
                .unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains(words), "{err}");
        }
        assert!(store.read(|c| list(c, today)).unwrap().is_empty());
    }
}
