//! Hearken's patch: a fast hasher for the analyzer's fixed tables.
//!
//! Every token is looked up in the lexicon and the booster table, several
//! times over for its neighbours, and every character of the text in the
//! emoji table. The standard library's SipHash guards maps that grow with
//! untrusted keys; these tables are built once from the vendored data and
//! never grow, so a hostile text can't make them slow. This is the
//! multiply-rotate hash of rustc's `FxHasher`, eight bytes at a time. Only
//! lookups change; no table is ever iterated, so the scores can't.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from the vendored tables, hashed with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// rustc's Fx hash: rotate, xor in a word, multiply.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0_u8; 8];
            w.copy_from_slice(word);
            self.add(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0_u8; 8];
            for (to, from) in w.iter_mut().zip(rest) {
                *to = *from;
            }
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::FastMap;

    #[test]
    fn keys_of_every_length_are_found_and_told_apart() {
        let words = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "no", "no ", "on"];
        let mut map = FastMap::default();
        for (i, w) in words.iter().enumerate() {
            map.insert(w.to_string(), i);
        }
        assert_eq!(map.len(), words.len());
        for (i, w) in words.iter().enumerate() {
            assert_eq!(map.get(*w).copied(), Some(i), "{w:?}");
        }
        assert_eq!(map.get("abcdefghij"), None);
    }
}
