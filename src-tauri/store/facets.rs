//! Each mention's unhappiness, status, label and platform, packed three
//! bytes an id in blocks of 256 ids (`facet_blocks`, migration 10), so that
//! the matches of a common word can be filtered and put in "most unhappy
//! first" order from a few thousand small rows, where reading each match's
//! row costs 1.5 µs (100 ms for the 60,000 matches of "price" on a million
//! mentions).
//!
//! An entry is three bytes:
//! - the unhappiness bucket: 0 for an unscored mention (sorted last), else
//!   `1 + trunc(concern × 254)`, so a higher bucket always means a higher
//!   `concern` (the buckets only rank: the order within one is read from the
//!   mentions themselves);
//! - 128 (the mention exists) | status code | label code << 3 (label 0: none);
//! - the platform code (0: a platform without a code).
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
const ENTRY: usize = 3;
/// The mention exists (the second byte).
const PRESENT: u8 = 128;

/// Rebuilds every block holding an id above ?1 from the mentions.
/// The entry here and in migration 10's trigger must agree (a test checks).
const REBUILD: &str = "
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 255),
    touched(block) AS (SELECT DISTINCT id >> 8 FROM mentions WHERE id > ?1)
    INSERT OR REPLACE INTO facet_blocks (block, keys)
    SELECT t.block, CAST(group_concat(CASE WHEN m.id IS NULL THEN x'000000' ELSE unhex(printf('%02x%02x%02x',
        CASE WHEN m.concern IS NULL THEN 0
             ELSE 1 + CAST(max(0.0, min(1.0, m.concern)) * 254 AS INTEGER) END,
        128 | coalesce((SELECT code FROM facet_codes WHERE kind = 'status' AND value = m.status), 7)
            | (CASE WHEN m.label IS NULL THEN 0
                    ELSE coalesce((SELECT code FROM facet_codes WHERE kind = 'label' AND value = m.label), 7)
               END << 3),
        coalesce((SELECT code FROM facet_codes WHERE kind = 'platform' AND value = m.platform), 0)
    )) END, '' ORDER BY n.i) AS BLOB)
    FROM touched t CROSS JOIN n LEFT JOIN mentions m ON m.id = (t.block << 8) + n.i
    GROUP BY t.block";

/// Packs the mentions stored since the last catch-up (rebuilding the
/// blocks they fall in). Cheap when nothing is new: run it in every write
/// that stores mentions.
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
    tx.prepare_cached(REBUILD).db()?.execute([through]).db()?;
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
        let mut codes: HashMap<(String, String), u8> = HashMap::new();
        let mut stmt = conn
            .prepare_cached("SELECT kind, value, code FROM facet_codes")
            .db()?;
        let rows = stmt
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .db()?;
        for row in rows {
            let (k, c) = row.db()?;
            codes.insert(k, c);
        }
        fn mask<const N: usize>(
            codes: &HashMap<(String, String), u8>,
            kind: &str,
            values: &[&str],
        ) -> Option<Option<[bool; N]>> {
            if values.is_empty() {
                return Some(None);
            }
            let mut m = [false; N];
            for v in values {
                let c = *codes.get(&(kind.to_string(), v.to_string()))? as usize;
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
        let through: i64 = conn
            .prepare_cached("SELECT through FROM facet_blocks_through")
            .db()?
            .query_row([], |r| r.get(0))
            .db()?;
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
        let Some(&[unhappy, facets, platform]) = entry else {
            // A packed id without a block: no mention was there.
            return Facet::Out;
        };
        if facets & PRESENT == 0 {
            return Facet::Out;
        }
        let status = (facets & 7) as usize;
        let label = ((facets >> 3) & 7) as usize;
        let ok = wanted.statuses.is_none_or(|m| m[status])
            && wanted.labels.is_none_or(|m| m[label])
            && wanted.platforms.is_none_or(|m| m[platform as usize]);
        if ok {
            Facet::In(unhappy)
        } else {
            Facet::Out
        }
    }
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

    fn blocks(store: &Store) -> (i64, Vec<(i64, Vec<u8>)>) {
        store
            .read(|c| {
                let through: i64 = c
                    .query_row("SELECT through FROM facet_blocks_through", [], |r| r.get(0))
                    .db()?;
                let mut stmt = c
                    .prepare("SELECT block, keys FROM facet_blocks ORDER BY block")
                    .db()?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .db()?
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .db()?;
                Ok((through, rows))
            })
            .unwrap()
    }

    /// The entry of `id` in `blocks` (absent: zeros).
    fn entry(blocks: &[(i64, Vec<u8>)], id: i64) -> [u8; 3] {
        blocks
            .iter()
            .find(|(b, _)| *b == id / BLOCK)
            .map(|(_, k)| {
                let at = (id % BLOCK) as usize * ENTRY;
                [k[at], k[at + 1], k[at + 2]]
            })
            .unwrap_or([0; 3])
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
        // Spot checks of what the entries say.
        let (status, platform) = store
            .read(|c| {
                c.query_row(
                    "SELECT status, platform FROM mentions WHERE id = 595",
                    [],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .db()
            })
            .unwrap();
        assert_eq!((status.as_str(), platform.as_str()), ("resolved", "x"));
        assert_eq!(entry(&packed, 595), [255, 128 | 3 | (1 << 3), 3]);
        assert_eq!(entry(&packed, 22)[0], 0, "unscored sorts last");
        assert_eq!((entry(&packed, 9)[1] >> 3) & 7, 7, "a label without a code");
        assert_eq!(entry(&packed, 38), [0; 3], "deleted");
        assert_eq!(entry(&packed, 0), [0; 3], "no mention 0");
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
