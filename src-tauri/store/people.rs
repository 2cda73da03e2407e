//! `person_handles`: handles the owner says belong to one person, so a
//! person's timeline, first contact and do-not-contact entry reach across
//! platforms. Links, not profiles: nothing about the person is stored here
//! but the handles the owner linked.
//!
//! Handles are compared in one form everywhere: no surrounding spaces, no
//! leading "@", lower-case (`store::dnc::normalise_handle`): in Rust, after
//! SQL has narrowed the candidates ([`mention_ids`]; the outreach log is
//! small enough to compare whole).

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::SqlResult;
use crate::error::{Error, Result};
use crate::model::{HandleRef, Platform};

/// The form handles are compared in.
pub fn key(handle: &str) -> String {
    super::dnc::normalise_handle(handle)
}

/// A column's handle in the compared form for ASCII letters (SQLite's
/// lower() knows no others): a cheap first filter, never the last word.
pub fn key_sql(column: &str) -> String {
    format!("lower(trim(ltrim(trim({column}), '@')))")
}

/// At most this many case spellings of a handle's first characters are
/// sought in `mentions_author`, an index that compares exactly.
const MAX_SPELLINGS: usize = 128;

/// The ranges of `mentions.author_handle` (exact, byte order) that can
/// hold this handle in any letter case, with or without a leading "@":
/// each case spelling of as many of its first characters as
/// [`MAX_SPELLINGS`] allows (all of a short handle), as `[low, high)`.
fn seek_ranges(k: &str) -> Vec<(String, Option<String>)> {
    let mut prefixes = vec![String::new()];
    for c in k.chars() {
        let mut spellings = vec![c];
        for other in c.to_uppercase().chain(c.to_lowercase()) {
            // A letter whose other case is two letters (ß, ŉ) is matched as written.
            if c.to_uppercase().count() == 1 && !spellings.contains(&other) {
                spellings.push(other);
            }
        }
        if prefixes.len() * spellings.len() > MAX_SPELLINGS {
            break;
        }
        prefixes = prefixes
            .iter()
            .flat_map(|p| spellings.iter().map(move |s| format!("{p}{s}")))
            .collect();
    }
    prefixes
        .into_iter()
        .flat_map(|p| [p.clone(), format!("@{p}")])
        .map(|low| {
            let mut chars: Vec<char> = low.chars().collect();
            let high = chars.pop().and_then(|last| {
                let mut next = last as u32 + 1;
                if (0xD800..0xE000).contains(&next) {
                    next = 0xE000;
                }
                char::from_u32(next).map(|n| chars.iter().chain([&n]).collect::<String>())
            });
            (low, high)
        })
        .collect()
}

/// The ids of the mentions this handle wrote on this platform, in id order:
/// by `author_handle`, or by `author_name` where a post has no handle
/// (reviews). Candidates come from the `mentions_author` index a few narrow
/// ranges at a time, so it takes milliseconds among millions of mentions;
/// each is then compared in [`key`] form, so any letter case matches.
pub fn mention_ids(conn: &Connection, platform: Platform, handle: &str) -> Result<Vec<i64>> {
    let k = key(handle);
    if k.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut keep = |rows: Vec<(i64, Option<String>)>| {
        for (id, who) in rows {
            if who.is_some_and(|w| key(&w) == k) {
                ids.insert(id);
            }
        }
    };
    let pair = |r: &rusqlite::Row<'_>| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?));
    // SQLite's lower() knows ASCII letters only: a handle equal in that
    // form, or holding other characters, goes on to the exact comparison.
    let rough = format!(
        "({} = ?3 OR author_handle GLOB '*[^ -~]*')",
        key_sql("author_handle")
    );
    let mut bounded = conn
        .prepare_cached(&format!(
            "SELECT id, author_handle FROM mentions
             WHERE platform = ?1 AND author_handle >= ?2 AND author_handle < ?4 AND {rough}"
        ))
        .db()?;
    let mut open = conn
        .prepare_cached(&format!(
            "SELECT id, author_handle FROM mentions
             WHERE platform = ?1 AND author_handle >= ?2 AND {rough}"
        ))
        .db()?;
    for (low, high) in seek_ranges(&k) {
        let found = match &high {
            Some(high) => bounded
                .query_map(params![platform.as_str(), low, k, high], pair)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>(),
            None => open
                .query_map(params![platform.as_str(), low, k], pair)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>(),
        }
        .db()?;
        keep(found);
    }
    let mut nameless = conn
        .prepare_cached(
            // Two index seeks (an OR here made SQLite read the whole platform).
            "SELECT id, author_name FROM mentions WHERE platform = ?1 AND author_handle IS NULL
             UNION ALL
             SELECT id, author_name FROM mentions WHERE platform = ?1 AND author_handle IN ('', ' ')",
        )
        .db()?;
    let found = nameless
        .query_map(params![platform.as_str()], pair)
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    keep(found);
    Ok(ids.into_iter().collect())
}

/// Who a handle belongs to: a linked person, or just the handle itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersonKey {
    Linked(i64),
    Handle(Platform, String),
}

/// Every link, for deciding who many handles belong to at once.
#[derive(Debug, Default)]
pub struct Links(HashMap<(Platform, String), i64>);

impl Links {
    pub fn load(conn: &Connection) -> Result<Links> {
        let mut stmt = conn
            .prepare_cached("SELECT platform, handle, person_id FROM person_handles")
            .db()?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .db()?;
        let mut map = HashMap::new();
        for row in rows {
            let (platform, handle, person) = row.db()?;
            if let Some(p) = Platform::parse(&platform) {
                map.insert((p, handle), person);
            }
        }
        Ok(Links(map))
    }

    pub fn person(&self, platform: Platform, handle: &str) -> PersonKey {
        let k = key(handle);
        match self.0.get(&(platform, k.clone())) {
            Some(id) => PersonKey::Linked(*id),
            None => PersonKey::Handle(platform, k),
        }
    }
}

fn person_id(conn: &Connection, platform: Platform, k: &str) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT person_id FROM person_handles WHERE platform = ?1 AND handle = ?2",
        params![platform.as_str(), k],
        |r| r.get(0),
    )
    .optional()
    .db()
}

/// The handle asked for (as given, trimmed), then the handles linked to it
/// (in the compared form), by platform and handle.
pub fn handles_of(conn: &Connection, platform: Platform, handle: &str) -> Result<Vec<HandleRef>> {
    let mut out = vec![HandleRef {
        platform,
        handle: handle.trim().to_string(),
    }];
    let k = key(handle);
    let Some(person) = person_id(conn, platform, &k)? else {
        return Ok(out);
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT platform, handle FROM person_handles WHERE person_id = ?1
             ORDER BY platform, handle",
        )
        .db()?;
    let rows = stmt
        .query_map([person], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .db()?;
    for row in rows {
        let (p, h) = row.db()?;
        let Some(p) = Platform::parse(&p) else {
            continue;
        };
        if p == platform && h == k {
            continue;
        }
        out.push(HandleRef {
            platform: p,
            handle: h,
        });
    }
    Ok(out)
}

/// Says two handles are one person. Two people already linked to others
/// become one. Returns false when they were already linked.
pub fn link(tx: &Transaction<'_>, a: &HandleRef, b: &HandleRef) -> Result<bool> {
    let (ka, kb) = (key(&a.handle), key(&b.handle));
    if ka.is_empty() || kb.is_empty() {
        return Err(Error::invalid(
            "Type both handles, as they appear on the platforms.",
        ));
    }
    if a.platform == b.platform && ka == kb {
        return Err(Error::invalid(
            "That is the same handle twice: a handle can't be linked to itself. Choose the person's handle on another platform (or another account on the same one).",
        ));
    }
    let pa = person_id(tx, a.platform, &ka)?;
    let pb = person_id(tx, b.platform, &kb)?;
    let insert = |platform: Platform, k: &str, person: i64| -> Result<()> {
        tx.execute(
            "INSERT INTO person_handles (platform, handle, person_id) VALUES (?1, ?2, ?3)",
            params![platform.as_str(), k, person],
        )
        .db()?;
        Ok(())
    };
    match (pa, pb) {
        (Some(x), Some(y)) if x == y => return Ok(false),
        (Some(x), Some(y)) => {
            // Two people become one: the second's handles join the first.
            tx.execute(
                "UPDATE person_handles SET person_id = ?1 WHERE person_id = ?2",
                params![x, y],
            )
            .db()?;
        }
        (Some(x), None) => insert(b.platform, &kb, x)?,
        (None, Some(y)) => insert(a.platform, &ka, y)?,
        (None, None) => {
            let next: i64 = tx
                .query_row(
                    "SELECT coalesce(max(person_id), 0) + 1 FROM person_handles",
                    [],
                    |r| r.get(0),
                )
                .db()?;
            insert(a.platform, &ka, next)?;
            insert(b.platform, &kb, next)?;
        }
    }
    Ok(true)
}

/// Takes a handle out of its person. A person left with one handle is no
/// longer a link at all, so that handle's row goes too.
pub fn unlink(tx: &Transaction<'_>, h: &HandleRef) -> Result<()> {
    let k = key(&h.handle);
    let Some(person) = person_id(tx, h.platform, &k)? else {
        return Err(Error::invalid(
            "That handle isn't linked to any other handle, so there is nothing to unlink.",
        ));
    };
    tx.execute(
        "DELETE FROM person_handles WHERE platform = ?1 AND handle = ?2",
        params![h.platform.as_str(), k],
    )
    .db()?;
    tx.execute(
        "DELETE FROM person_handles WHERE person_id = ?1
         AND (SELECT count(*) FROM person_handles WHERE person_id = ?1) = 1",
        [person],
    )
    .db()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn h(platform: Platform, handle: &str) -> HandleRef {
        HandleRef {
            platform,
            handle: handle.into(),
        }
    }

    #[test]
    fn linking_merges_two_people_and_unlinking_the_last_pair_leaves_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let sam_x = h(Platform::X, "@Sam");
        let sam_m = h(Platform::Mastodon, "@sam@toot.example");
        let sam_r = h(Platform::Reddit, "sam_r");
        let sam_b = h(Platform::Bluesky, "sam.bsky.social");
        assert!(store.write(|tx| link(tx, &sam_x, &sam_m)).unwrap());
        assert!(store.write(|tx| link(tx, &sam_r, &sam_b)).unwrap());
        // Already one person: nothing to do.
        assert!(!store
            .write(|tx| link(tx, &h(Platform::Mastodon, "SAM@toot.example"), &sam_x))
            .unwrap());
        // Two people of two handles each become one of four.
        assert!(store.write(|tx| link(tx, &sam_m, &sam_b)).unwrap());
        let all = store.read(|c| handles_of(c, Platform::X, " sam ")).unwrap();
        assert_eq!(all.len(), 4, "{all:?}");
        assert_eq!(all[0], h(Platform::X, "sam"));
        let links = store.read(Links::load).unwrap();
        assert_eq!(
            links.person(Platform::Reddit, "SAM_R"),
            links.person(Platform::X, "@sam")
        );
        assert_eq!(
            links.person(Platform::Youtube, "sam"),
            PersonKey::Handle(Platform::Youtube, "sam".into())
        );

        store.write(|tx| unlink(tx, &sam_x)).unwrap();
        store.write(|tx| unlink(tx, &sam_m)).unwrap();
        store.write(|tx| unlink(tx, &sam_r)).unwrap();
        // Sam's Bluesky handle is alone now: no link is left at all.
        let rows: i64 = store
            .read(|c| {
                c.query_row("SELECT count(*) FROM person_handles", [], |r| r.get(0))
                    .db()
            })
            .unwrap();
        assert_eq!(rows, 0);
        let err = store.write(|tx| unlink(tx, &sam_b)).unwrap_err();
        assert!(err.to_string().contains("isn't linked"), "{err}");
    }

    #[test]
    fn a_handle_is_never_linked_to_itself_or_to_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let err = store
            .write(|tx| link(tx, &h(Platform::X, "@Jo"), &h(Platform::X, "jo ")))
            .unwrap_err();
        assert!(err.to_string().contains("itself"), "{err}");
        let err = store
            .write(|tx| link(tx, &h(Platform::X, "jo"), &h(Platform::Reddit, " @ ")))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        // The same name on two platforms is two handles, and may be linked.
        assert!(store
            .write(|tx| link(tx, &h(Platform::X, "jo"), &h(Platform::Reddit, "jo")))
            .unwrap());
    }

    #[test]
    fn a_handles_mentions_are_found_in_any_case_with_or_without_at() {
        use crate::store::mentions::{insert_new, NewMention};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let post = |id: &str, handle: Option<&str>, name: Option<&str>| NewMention {
            platform: Platform::X,
            external_id: id.into(),
            url: None,
            author_id: None,
            author_handle: handle.map(str::to_string),
            author_name: name.map(str::to_string),
            text: "about the shop".into(),
            language: None,
            created_at: "2026-11-01T00:00:00Z".into(),
            from_search: false,
        };
        let posts = [
            post("1", Some("@Jo_Bakes"), None),
            post("2", Some("jo_bakes"), None),
            post("3", Some("JO_BAKES"), None),
            post("4", Some("@jo_bakes2"), None),
            post("5", Some("jo"), None),
            post("6", None, Some("Jo_Bakes")),
            post("7", Some(""), Some("jo_bakes")),
            post("8", None, Some("Someone")),
            post("9", Some("@ÉLODIE"), None),
        ];
        store
            .write(|tx| insert_new(tx, None, &posts, "t").map(|_| ()))
            .unwrap();
        let ids = |h: &str| store.read(|c| mention_ids(c, Platform::X, h)).unwrap();
        let ext = |h: &str| -> Vec<String> {
            let found = ids(h);
            store
                .read(|c| {
                    found
                        .iter()
                        .map(|id| {
                            c.query_row(
                                "SELECT external_id FROM mentions WHERE id = ?1",
                                [id],
                                |r| r.get(0),
                            )
                            .db()
                        })
                        .collect()
                })
                .unwrap()
        };
        assert_eq!(ext(" @JO_bakes "), vec!["1", "2", "3", "6", "7"]);
        assert_eq!(ext("jo"), vec!["5"]);
        assert_eq!(ext("@élodie"), vec!["9"]);
        assert!(ids("@").is_empty());
        assert!(store
            .read(|c| mention_ids(c, Platform::Reddit, "jo_bakes"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_sql_key_matches_the_rust_key_for_ascii_handles() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        for handle in [
            "@Priya_Raman ",
            "kettle_dave",
            "@gethin@Toot.Wales",
            "Priya R.",
        ] {
            let sql: String = store
                .read(|c| {
                    c.query_row(&format!("SELECT {}", key_sql("?1")), [handle], |r| r.get(0))
                        .db()
                })
                .unwrap();
            assert_eq!(sql, key(handle), "{handle}");
        }
    }
}
