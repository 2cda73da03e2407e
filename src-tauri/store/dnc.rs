//! Do-not-contact: the `suppression` table. Every entry is found by a keyed
//! hash (HMAC-SHA-256) of platform + normalised handle, so the entry still
//! works after the person's data is erased and only the hash is left.
//!
//! The key is 32 random bytes in a file beside the database (`privacy.key`,
//! owner-only), not in the database: someone holding only the database file
//! cannot test handles against the hashes, and copying the data folder to a
//! new computer keeps every objection honoured.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use sha2::{Digest, Sha256};

use super::SqlResult;
use crate::error::{Error, Result};
use crate::model::{DncEntry, Platform};

pub const KEY_FILE: &str = "privacy.key";
pub const DEFAULT_REASON: &str = "Asked us to stop";

/// The form a handle is compared in: no surrounding spaces, no leading "@",
/// compatibility-normalised and lower-case ("@Jo_Bakes " = "jo_bakes").
pub fn normalise_handle(handle: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let h = handle.trim();
    let h = h.strip_prefix('@').unwrap_or(h).trim();
    h.nfkc().collect::<String>().to_lowercase()
}

/// HMAC-SHA-256 (RFC 2104) of `msg` under `key`.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The keyed fingerprint of a person on a platform.
pub fn fingerprint(key: &[u8], platform: Platform, handle: &str) -> String {
    let msg = format!("{}\u{0}{}", platform.as_str(), normalise_handle(handle));
    hex::encode(hmac_sha256(key, msg.as_bytes()))
}

/// Reads the key beside the database, making it on first use.
pub fn load_or_create_key(data_dir: &Path) -> Result<Vec<u8>> {
    let path = data_dir.join(KEY_FILE);
    let unreadable = |e: std::io::Error| {
        Error::invalid(format!(
            "Hearken can't read its privacy key at {} ({e}), so it can't check the do-not-contact list. Nothing was recorded. Check the data folder's permissions, or restore the file from a backup.",
            path.display()
        ))
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            hex::decode(text.trim())
                .ok()
                .filter(|k| k.len() == 32)
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "Hearken's privacy key at {} is damaged, so it can't check the do-not-contact list. Nothing was recorded. Restore the file from a backup of the data folder.",
                        path.display()
                    ))
                })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::random();
            write_key(&path, &hex::encode(key)).map_err(|e| {
                Error::invalid(format!(
                    "Hearken couldn't create its privacy key at {} ({e}). Nothing was recorded. Check that you can write to the data folder and the disk isn't full.",
                    path.display()
                ))
            })?;
            Ok(key.to_vec())
        }
        Err(e) => Err(unreadable(e)),
    }
}

fn write_key(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

const COLUMNS: &str = "id, platform, handle, reason, since";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DncEntry> {
    let platform: Option<String> = r.get(1)?;
    let handle: Option<String> = r.get(2)?;
    Ok(DncEntry {
        id: r.get(0)?,
        platform: platform.as_deref().and_then(Platform::parse),
        erased: handle.is_none(),
        handle,
        reason: r
            .get::<_, Option<String>>(3)?
            .unwrap_or_else(|| DEFAULT_REASON.into()),
        since: r.get(4)?,
    })
}

/// Adds a person to the list; adding someone already on it returns their entry.
pub fn add(
    tx: &Transaction<'_>,
    key: &[u8],
    platform: Platform,
    handle: &str,
    reason: Option<&str>,
    now: &str,
) -> Result<(DncEntry, bool)> {
    let shown = handle.trim().trim_start_matches('@').trim();
    if shown.is_empty() {
        return Err(Error::invalid(
            "Type the person's handle or username, as it appears on the platform.",
        ));
    }
    let hash = fingerprint(key, platform, handle);
    if let Some(existing) = find_by_hash(tx, &hash)? {
        return Ok((existing, false));
    }
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or(DEFAULT_REASON);
    tx.execute(
        "INSERT INTO suppression (platform, handle, handle_hash, reason, since)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![platform.as_str(), shown, hash, reason, now],
    )
    .db()?;
    let id = tx.last_insert_rowid();
    Ok((get(tx, id)?, true))
}

pub fn get(conn: &Connection, id: i64) -> Result<DncEntry> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM suppression WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound("That do-not-contact entry".into()))
}

/// Newest first.
pub fn list(conn: &Connection) -> Result<Vec<DncEntry>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM suppression ORDER BY since DESC, id DESC"
        ))
        .db()?;
    let rows = stmt.query_map([], from_row).db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// The entry with this fingerprint, if there is one.
pub fn find_by_hash(conn: &Connection, hash: &str) -> Result<Option<DncEntry>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM suppression WHERE handle_hash = ?1"),
        [hash],
        from_row,
    )
    .optional()
    .db()
}

/// The entry that stops contact with this person, if there is one.
pub fn find(
    conn: &Connection,
    key: &[u8],
    platform: Platform,
    handle: &str,
) -> Result<Option<DncEntry>> {
    find_by_hash(conn, &fingerprint(key, platform, handle))
}

/// Whether the list has any entry (when it has none, nothing need be hashed).
pub fn any(conn: &Connection) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM suppression LIMIT 1")
        .db()?
        .exists([])
        .db()
}

/// An entry's fingerprint, for the audit trail.
pub fn hash_of(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row(
        "SELECT handle_hash FROM suppression WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()
    .db()?
    .ok_or_else(|| Error::NotFound("That do-not-contact entry".into()))
}

/// Sets `do_not_contact` on the mentions whose author is on the list. Each
/// distinct author is hashed once; `key` is asked for only when the list
/// has entries.
pub fn mark(
    conn: &Connection,
    key: impl FnOnce() -> Result<Vec<u8>>,
    mentions: &mut [crate::model::Mention],
) -> Result<()> {
    if mentions.is_empty() || !any(conn)? {
        return Ok(());
    }
    let key = key()?;
    let mut stmt = conn
        .prepare_cached("SELECT handle_hash FROM suppression")
        .db()?;
    let listed = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .db()?
        .collect::<rusqlite::Result<std::collections::HashSet<String>>>()
        .db()?;
    let mut seen: std::collections::HashMap<(Platform, &str), bool> = Default::default();
    let mut flags = Vec::with_capacity(mentions.len());
    for m in mentions.iter() {
        let flag = match m.author_handle.as_deref() {
            Some(h) if !h.trim().is_empty() => *seen
                .entry((m.platform, h))
                .or_insert_with(|| listed.contains(&fingerprint(&key, m.platform, h))),
            _ => false,
        };
        flags.push(flag);
    }
    for (m, flag) in mentions.iter_mut().zip(flags) {
        m.do_not_contact = flag;
    }
    Ok(())
}

/// Removes an entry (the person asked to hear from the business again).
pub fn remove(tx: &Transaction<'_>, id: i64) -> Result<DncEntry> {
    let entry = get(tx, id)?;
    tx.execute("DELETE FROM suppression WHERE id = ?1", [id])
        .db()?;
    Ok(entry)
}

/// Keeps only the keyed hash of an entry (erasure): the objection still
/// holds. The owner's reason goes too (it may say something about the
/// person); it reads as the default reason.
pub fn reduce_to_fingerprint(
    tx: &Transaction<'_>,
    key: &[u8],
    platform: Platform,
    handle: &str,
) -> Result<bool> {
    let n = tx
        .execute(
            "UPDATE suppression SET platform = NULL, handle = NULL, reason = NULL WHERE handle_hash = ?1",
            [fingerprint(key, platform, handle)],
        )
        .db()?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Case 6: a key longer than the block is hashed first.
        let mac = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn handles_compare_without_at_case_or_width() {
        let key = [7u8; 32];
        let a = fingerprint(&key, Platform::Reddit, "@Jo_Bakes ");
        assert_eq!(a, fingerprint(&key, Platform::Reddit, "jo_bakes"));
        assert_eq!(a, fingerprint(&key, Platform::Reddit, "ｊｏ_ｂａｋｅｓ"));
        assert_ne!(a, fingerprint(&key, Platform::X, "jo_bakes"));
        assert_ne!(a, fingerprint(&[8u8; 32], Platform::Reddit, "jo_bakes"));
    }

    #[test]
    fn the_key_is_made_once_kept_private_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let k1 = load_or_create_key(dir.path()).unwrap();
        let k2 = load_or_create_key(dir.path()).unwrap();
        assert_eq!(k1, k2);
        assert_eq!(k1.len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key file is readable by others");
        }
        std::fs::write(dir.path().join(KEY_FILE), "not hex").unwrap();
        let err = load_or_create_key(dir.path()).unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
    }

    #[test]
    fn an_entry_is_found_by_any_spelling_and_still_found_once_reduced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let key = load_or_create_key(dir.path()).unwrap();
        let (e, new) = store
            .write(|tx| {
                add(
                    tx,
                    &key,
                    Platform::Mastodon,
                    "@Sam@toot.example",
                    None,
                    "t1",
                )
            })
            .unwrap();
        assert!(new);
        assert_eq!(e.handle.as_deref(), Some("Sam@toot.example"));
        assert_eq!(e.reason, DEFAULT_REASON);
        let (again, new) = store
            .write(|tx| {
                add(
                    tx,
                    &key,
                    Platform::Mastodon,
                    "sam@toot.example",
                    Some("x"),
                    "t2",
                )
            })
            .unwrap();
        assert!(!new);
        assert_eq!(again.id, e.id);

        assert!(store
            .read(|c| find(c, &key, Platform::Mastodon, "SAM@toot.example"))
            .unwrap()
            .is_some());
        assert!(store
            .read(|c| find(c, &key, Platform::Bluesky, "sam@toot.example"))
            .unwrap()
            .is_none());

        assert!(store
            .write(|tx| reduce_to_fingerprint(tx, &key, Platform::Mastodon, "sam@toot.example"))
            .unwrap());
        let kept = store
            .read(|c| find(c, &key, Platform::Mastodon, "@sam@toot.example"))
            .unwrap()
            .expect("still honoured after erasure");
        assert!(kept.erased);
        assert_eq!(kept.handle, None);
        assert_eq!(kept.platform, None);
        assert!(store
            .write(|tx| add(tx, &key, Platform::X, " @ ", None, "t"))
            .is_err());
        store.write(|tx| remove(tx, e.id)).unwrap();
        assert!(store.read(list).unwrap().is_empty());
    }
}
