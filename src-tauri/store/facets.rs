//! Each mention's unhappiness, status, label, platform and time, packed
//! seven bytes an id in blocks of 256 ids (`facet_blocks`, migrations 10
//! and 11), so that the matches of a common word can be filtered and put in
//! order from a few thousand small rows, where reading each match's row
//! costs 1.5 µs (100 ms for the 60,000 matches of "price" on a million
//! mentions).
//!
//! An entry is seven bytes:
//! - the unhappiness bucket: 0 for an unscored mention (sorted last), else
//!   `1 + trunc(concern × 254)`, so a higher bucket always means a higher
//!   `concern` (the buckets only rank: the order within one is read from the
//!   mentions themselves);
//! - 128 (the mention exists) | status code | label code << 3 (label 0: none);
//! - the platform code (0: a platform without a code);
//! - the time, seconds since 1970 in four bytes (big-endian), or
//!   [`UNKNOWN_TIME`]. Stored times are whole seconds in UTC, so this orders
//!   as `created_at` does.
//!
//! Each block also keeps the newest and oldest time of its entries (bounds
//! that hold every entry, not always tight), so "newest first" can visit
//! blocks newest first and stop at the first too old for the page.
//!
//! Codes are in `facet_codes`; a value without one never matches a filter
//! with codes (a status or label without one is 7). Ids up to
//! `facet_blocks_through.through` are packed: newer ones by [`catch_up`]
//! where mentions are stored, changes to packed ones by triggers. An id
//! above `through` is not packed yet and must be read from its row.

use std::collections::HashMap;

use rusqlite::{params, Connection, Transaction};

use super::SqlResult;
use crate::error::Result;

/// Ids per block.
pub const BLOCK: i64 = 256;
/// Bytes per id.
const ENTRY: usize = 7;
/// A time outside what four bytes of seconds since 1970 hold: the row
/// says.
pub const UNKNOWN_TIME: u32 = u32::MAX;
/// The mention exists (the second byte).
const PRESENT: u8 = 128;

/// A mention's time as packed: seconds since 1970, or [`UNKNOWN_TIME`].
/// The same expression is in migration 11's trigger.
const TIME_OF_M: &str = "coalesce(CASE WHEN unixepoch(m.created_at) BETWEEN 0 AND 4294967294
    THEN unixepoch(m.created_at) END, 4294967295)";

/// Packs the mentions stored since the last catch-up (rebuilding the
/// blocks they fall in). Cheap when nothing is new: run it in every write
/// that stores mentions. The rows are read once, in id order, and packed
/// here rather than in SQL (where each entry was a row of a recursive
/// query with three lookups of its codes: a twentieth of storing a poll).
/// Entries are as migration 11's trigger packs them (a test checks).
pub fn catch_up(tx: &Transaction<'_>) -> Result<()> {
    let (through, newest): (i64, i64) = tx
        .prepare_cached(
            "SELECT through, (SELECT coalesce(max(id), 0) FROM mentions) FROM facet_blocks_through",
        )
        .db()?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .db()?;
    if newest <= through {
        return Ok(());
    }
    let codes = Codes::read(tx)?;
    let mut rows_stmt = tx
        .prepare_cached(&format!(
            "SELECT m.id, m.concern, m.status, m.label, m.platform, {TIME_OF_M}
             FROM mentions m WHERE m.id >= ?1 ORDER BY m.id"
        ))
        .db()?;
    let mut put = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO facet_blocks (block, keys, newest, oldest)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?;
    /// A block being packed: number, entries, newest and oldest time,
    /// and whether it holds an id above `through` (else it stands).
    struct Packing {
        block: i64,
        keys: Vec<u8>,
        newest: Option<u32>,
        oldest: Option<u32>,
        touched: bool,
    }
    let mut flush = |p: &Packing| -> Result<()> {
        if p.touched {
            put.execute(params![p.block, p.keys, p.newest, p.oldest])
                .db()?;
        }
        Ok(())
    };
    let mut packing: Option<Packing> = None;
    // From the start of the block after `through`'s last packed id.
    let mut rows = rows_stmt.query([((through + 1) / BLOCK) * BLOCK]).db()?;
    while let Some(r) = rows.next().db()? {
        let id: i64 = r.get(0).db()?;
        let block = id / BLOCK;
        if packing.as_ref().is_none_or(|p| p.block != block) {
            if let Some(p) = &packing {
                flush(p)?;
            }
            packing = Some(Packing {
                block,
                keys: vec![0; BLOCK as usize * ENTRY],
                newest: None,
                oldest: None,
                touched: false,
            });
        }
        let Some(p) = packing.as_mut() else {
            continue;
        };
        let concern: Option<f64> = r.get(1).db()?;
        let status = r.get_ref(2).db()?.as_str().unwrap_or("");
        let label = r.get_ref(3).db()?.as_str_or_null().unwrap_or(None);
        let platform = r.get_ref(4).db()?.as_str().unwrap_or("");
        let time = u32::try_from(r.get::<_, i64>(5).db()?).unwrap_or(UNKNOWN_TIME);
        // As the trigger packs it: a stored concern below 0 is bucket 1
        // (`bucket` takes -1 for "none").
        let unhappy = match concern {
            None => 0,
            Some(c) => 1 + (c.clamp(0.0, 1.0) * 254.0) as u8,
        };
        let label_code = label.map_or(0, |l| codes.get("label", l).unwrap_or(7));
        let facets = PRESENT | codes.get("status", status).unwrap_or(7) | (label_code << 3);
        let at = (id % BLOCK) as usize * ENTRY;
        p.keys[at] = unhappy;
        p.keys[at + 1] = facets;
        p.keys[at + 2] = codes.get("platform", platform).unwrap_or(0);
        p.keys[at + 3..at + ENTRY].copy_from_slice(&time.to_be_bytes());
        p.newest = p.newest.max(Some(time));
        p.oldest = Some(p.oldest.map_or(time, |o| o.min(time)));
        p.touched |= id > through;
    }
    if let Some(p) = &packing {
        flush(p)?;
    }
    tx.prepare_cached("UPDATE facet_blocks_through SET through = ?1")
        .db()?
        .execute([newest])
        .db()?;
    Ok(())
}

/// The unhappiness bucket of a `concern` (`coalesce(concern, -1)`), as the
/// packed entries have it.
pub fn bucket(unhappy: f64) -> u8 {
    if unhappy < 0.0 {
        0
    } else {
        1 + (unhappy.clamp(0.0, 1.0) * 254.0) as u8
    }
}

/// The codes of `facet_codes`, by kind and value.
struct Codes(HashMap<String, HashMap<String, u8>>);

impl Codes {
    fn read(conn: &Connection) -> Result<Codes> {
        let mut codes: HashMap<String, HashMap<String, u8>> = HashMap::new();
        let mut stmt = conn
            .prepare_cached("SELECT kind, value, code FROM facet_codes")
            .db()?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .db()?;
        for row in rows {
            let (kind, value, code): (String, String, u8) = row.db()?;
            codes.entry(kind).or_default().insert(value, code);
        }
        Ok(Codes(codes))
    }

    fn get(&self, kind: &str, value: &str) -> Option<u8> {
        self.0.get(kind)?.get(value).copied()
    }
}

/// Which codes a filter lets through.
#[derive(Debug, Clone)]
pub struct Wanted {
    statuses: Option<[bool; 8]>,
    labels: Option<[bool; 8]>,
    platforms: Option<[bool; 256]>,
}

impl Wanted {
    /// The codes of the values wanted (an empty list: any value); None if a
    /// value has no code (then the blocks can't say).
    pub fn new(
        conn: &Connection,
        statuses: &[&str],
        labels: &[&str],
        platforms: &[&str],
    ) -> Result<Option<Wanted>> {
        let codes = Codes::read(conn)?;
        fn mask<const N: usize>(
            codes: &Codes,
            kind: &str,
            values: &[&str],
        ) -> Option<Option<[bool; N]>> {
            if values.is_empty() {
                return Some(None);
            }
            let mut m = [false; N];
            for v in values {
                let c = codes.get(kind, v)? as usize;
                *m.get_mut(c)? = true;
            }
            Some(Some(m))
        }
        let (Some(statuses), Some(labels), Some(platforms)) = (
            mask::<8>(&codes, "status", statuses),
            mask::<8>(&codes, "label", labels),
            mask::<256>(&codes, "platform", platforms),
        ) else {
            return Ok(None);
        };
        Ok(Some(Wanted {
            statuses,
            labels,
            platforms,
        }))
    }
}

/// The packed entries of an id range, as far as they are packed.
pub struct Packed {
    through: i64,
    first: i64,
    blocks: Vec<Option<Vec<u8>>>,
}

/// What the blocks say of one id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Facet {
    /// Not packed yet: read its row.
    Unknown,
    /// No such mention, or one the filter doesn't want.
    Out,
    /// Wanted, with this unhappiness bucket.
    In(u8),
}

impl Packed {
    /// The blocks holding ids `lo..=hi`.
    pub fn read(conn: &Connection, lo: i64, hi: i64) -> Result<Packed> {
        let through = through(conn)?;
        let first = lo.max(0) / BLOCK;
        let last = hi.min(through).max(-1) / BLOCK;
        let mut blocks: Vec<Option<Vec<u8>>> = Vec::new();
        if hi >= 0 && lo <= through {
            blocks.resize((last - first + 1).max(0) as usize, None);
            let mut stmt = conn
                .prepare_cached(
                    "SELECT block, keys FROM facet_blocks WHERE block BETWEEN ?1 AND ?2",
                )
                .db()?;
            let mut rows = stmt.query(params![first, last]).db()?;
            while let Some(r) = rows.next().db()? {
                let b: i64 = r.get(0).db()?;
                let keys: Vec<u8> = r.get(1).db()?;
                if let Some(slot) = blocks.get_mut((b - first) as usize) {
                    *slot = Some(keys);
                }
            }
        }
        Ok(Packed {
            through,
            first,
            blocks,
        })
    }

    /// Whether `id` is a mention `wanted` lets through, and its bucket.
    pub fn facet(&self, id: i64, wanted: &Wanted) -> Facet {
        if id > self.through || id < 0 {
            return Facet::Unknown;
        }
        let entry = self
            .blocks
            .get((id / BLOCK - self.first) as usize)
            .and_then(Option::as_ref)
            .and_then(|b| {
                let at = (id % BLOCK) as usize * ENTRY;
                b.get(at..at + ENTRY)
            });
        match entry {
            Some(e) if wanted.allows(e) => Facet::In(e[0]),
            // A packed id without a block: no mention was there.
            _ => Facet::Out,
        }
    }
}

impl Wanted {
    /// Whether the packed entry `e` (one id's `ENTRY` bytes) is a mention
    /// this lets through.
    pub fn allows(&self, e: &[u8]) -> bool {
        let (Some(&facets), Some(&platform)) = (e.get(1), e.get(2)) else {
            return false;
        };
        if facets & PRESENT == 0 {
            return false;
        }
        let status = (facets & 7) as usize;
        let label = ((facets >> 3) & 7) as usize;
        self.statuses.is_none_or(|m| m[status])
            && self.labels.is_none_or(|m| m[label])
            && self.platforms.is_none_or(|m| m[platform as usize])
    }
}

/// The packed time of `created_at` (stored times: RFC 3339, whole seconds).
pub fn time_of(created_at: &str) -> u32 {
    crate::clock::parse(created_at)
        .map(|t| t.unix_timestamp())
        .and_then(|t| u32::try_from(t).ok())
        .filter(|&t| t != UNKNOWN_TIME)
        .unwrap_or(UNKNOWN_TIME)
}

/// The blocks that may hold a mention with a time from ?1 to ?2, newest
/// (by their bounds) first: number, newest time, entries.
pub const BLOCKS_NEWEST_FIRST: &str = "SELECT block, newest, keys FROM facet_blocks
    INDEXED BY facet_blocks_newest WHERE newest >= ?1 AND oldest <= ?2 ORDER BY newest DESC";

/// The entry of the `i`th id of a block's `keys`, if `wanted` lets it
/// through: its packed time.
pub fn wanted_time(keys: &[u8], i: usize, wanted: &Wanted) -> Option<u32> {
    let e = keys.get(i * ENTRY..(i + 1) * ENTRY)?;
    wanted
        .allows(e)
        .then(|| u32::from_be_bytes([e[3], e[4], e[5], e[6]]))
}

/// The last id packed: higher ones must be read from their rows.
pub fn through(conn: &Connection) -> Result<i64> {
    conn.prepare_cached("SELECT through FROM facet_blocks_through")
        .db()?
        .query_row([], |r| r.get(0))
        .db()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Platform;
    use crate::store::mentions::{store_batch, NewMention};
    use crate::store::Store;

    fn mention(i: usize, text: &str) -> NewMention {
        NewMention {
            platform: Platform::ALL[i % Platform::ALL.len()],
            external_id: format!("e{i}"),
            url: None,
            author_id: None,
            author_handle: Some(format!("h{i}")),
            author_name: None,
            text: text.into(),
            language: None,
            created_at: format!("2026-03-{:02}T10:00:00Z", 1 + i % 28),
            from_search: false,
        }
    }

    fn add(store: &Store, from: usize, to: usize) {
        store
            .write(|tx| {
                let ms: Vec<NewMention> = (from..to)
                    .map(|i| {
                        mention(
                            i,
                            if i % 3 == 0 {
                                "Still no refund, never again"
                            } else {
                                "Lovely shop"
                            },
                        )
                    })
                    .collect();
                let batch: Vec<_> = ms.iter().map(|m| (m, &[][..])).collect();
                store_batch(tx, None, &batch, "t").map(|_| ())
            })
            .unwrap();
    }

    /// `through`, and each block: number, entries, newest, oldest.
    type Blocks = Vec<(i64, Vec<u8>, Option<u32>, Option<u32>)>;

    fn blocks(store: &Store) -> (i64, Blocks) {
        store
            .read(|c| {
                let through: i64 = c
                    .query_row("SELECT through FROM facet_blocks_through", [], |r| r.get(0))
                    .db()?;
                let mut stmt = c
                    .prepare("SELECT block, keys, newest, oldest FROM facet_blocks ORDER BY block")
                    .db()?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .db()?
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .db()?;
                Ok((through, rows))
            })
            .unwrap()
    }

    /// The entry of `id` in `blocks` (absent: zeros).
    fn entry(blocks: &Blocks, id: i64) -> [u8; ENTRY] {
        blocks
            .iter()
            .find(|b| b.0 == id / BLOCK)
            .map(|b| {
                let at = (id % BLOCK) as usize * ENTRY;
                b.1[at..at + ENTRY].try_into().unwrap()
            })
            .unwrap_or([0; ENTRY])
    }

    /// The packed time of an entry.
    fn time(e: [u8; ENTRY]) -> u32 {
        u32::from_be_bytes([e[3], e[4], e[5], e[6]])
    }

    #[test]
    fn the_packed_entries_follow_every_change_and_match_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        add(&store, 0, 700);
        let (through, _) = blocks(&store);
        assert_eq!(through, 700, "stored mentions are packed in the same write");
        store
            .write(|tx| {
                tx.execute_batch(
                    "UPDATE mentions SET status = 'resolved' WHERE id % 5 = 0;
                     UPDATE mentions SET label = 'complaint', concern = 1.0 WHERE id % 7 = 0;
                     UPDATE mentions SET concern = NULL, label = NULL WHERE id % 11 = 0;
                     UPDATE mentions SET concern = 0.0 WHERE id % 13 = 0;
                     UPDATE mentions SET platform = 'x' WHERE id % 17 = 0;
                     UPDATE mentions SET label = 'somewhere_new' WHERE id = 9;
                     UPDATE mentions SET created_at = '2026-07-04T12:30:05Z' WHERE id = 300;
                     UPDATE mentions SET created_at = '1969-12-31T23:59:59Z' WHERE id = 301;
                     UPDATE mentions SET created_at = '2025-01-01T00:00:00Z' WHERE id = 302;
                     DELETE FROM mentions WHERE id % 19 = 0;
                     DELETE FROM mentions WHERE id >= 690;",
                )
                .db()
            })
            .unwrap();
        let (through, after_changes) = blocks(&store);
        assert_eq!(through, 689, "deleting the newest lowers `through`");
        // Newer mentions take the freed ids and are packed when stored.
        add(&store, 1000, 1020);
        let (through, packed) = blocks(&store);
        assert_eq!(through, 709);
        // A rebuild from the mentions themselves gives the same entries.
        store
            .write(|tx| {
                tx.execute_batch(
                    "DELETE FROM facet_blocks; UPDATE facet_blocks_through SET through = -1",
                )
                .db()?;
                catch_up(tx)
            })
            .unwrap();
        let (_, rebuilt) = blocks(&store);
        for id in 0..=800 {
            assert_eq!(entry(&packed, id), entry(&rebuilt, id), "id {id}");
        }
        for id in 0..689 {
            assert_eq!(entry(&after_changes, id), entry(&rebuilt, id), "id {id}");
        }
        // The bounds hold every entry: exactly after a rebuild, widened by
        // changes of time, left by deletes.
        for (b, keys, newest, oldest) in rebuilt.iter().chain(&packed) {
            let times: Vec<u32> = keys
                .chunks_exact(ENTRY)
                .filter(|e| e[1] & PRESENT != 0)
                .map(|e| time(e.try_into().unwrap()))
                .collect();
            assert!(
                times
                    .iter()
                    .all(|t| Some(*t) <= *newest && Some(*t) >= *oldest),
                "block {b}"
            );
        }
        for (b, keys, newest, oldest) in &rebuilt {
            let times = keys
                .chunks_exact(ENTRY)
                .filter(|e| e[1] & PRESENT != 0)
                .map(|e| time(e.try_into().unwrap()));
            assert_eq!(
                (times.clone().max(), times.min()),
                (*newest, *oldest),
                "block {b}"
            );
        }
        assert_eq!(packed[1].3, Some(1_735_689_600), "widened to 2025-01-01");
        // Spot checks of what the entries say.
        let (status, platform, at) = store
            .read(|c| {
                c.query_row(
                    "SELECT status, platform, created_at FROM mentions WHERE id = 595",
                    [],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    },
                )
                .db()
            })
            .unwrap();
        assert_eq!((status.as_str(), platform.as_str()), ("resolved", "x"));
        let t = time_of(&at).to_be_bytes();
        assert_eq!(
            entry(&packed, 595),
            [255, 128 | 3 | (1 << 3), 3, t[0], t[1], t[2], t[3]]
        );
        assert_eq!(
            time(entry(&packed, 300)),
            1_783_168_205,
            "2026-07-04T12:30:05Z"
        );
        assert_eq!(time(entry(&packed, 301)), UNKNOWN_TIME, "before 1970");
        assert_eq!(entry(&packed, 22)[0], 0, "unscored sorts last");
        assert_eq!((entry(&packed, 9)[1] >> 3) & 7, 7, "a label without a code");
        assert_eq!(entry(&packed, 38), [0; ENTRY], "deleted");
        assert_eq!(entry(&packed, 0), [0; ENTRY], "no mention 0");
    }

    #[test]
    fn a_bucket_is_higher_only_for_a_higher_concern() {
        assert_eq!(bucket(-1.0), 0);
        assert_eq!(bucket(0.0), 1);
        assert_eq!(bucket(1.0), 255);
        assert_eq!(bucket(7.0), 255);
        let mut last = 0;
        for i in 0..=10_000 {
            let b = bucket(i as f64 / 10_000.0);
            assert!(b >= last);
            last = b;
        }
        // The same buckets SQLite gives.
        let conn = Connection::open_in_memory().unwrap();
        for c in [0.0, 0.001, 0.3, 0.5, 0.999_999, 1.0] {
            let sql: i64 = conn
                .query_row(
                    "SELECT 1 + CAST(max(0.0, min(1.0, ?1)) * 254 AS INTEGER)",
                    [c],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(sql, bucket(c) as i64, "{c}");
        }
    }
}
