//! RFC 9162 §2.1 Merkle tree hashing over an append-only list of leaves, with every complete
//! subtree's hash kept so that proofs cost O(log n) hashes at any size.
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// SHA-256 of the empty string: the root of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("tree size {size} is larger than the log ({log_size} leaves)")]
    SizeOutOfRange { size: u64, log_size: u64 },
    #[error("a consistency proof goes from a smaller tree to a larger one; {from} > {to}")]
    SizesReversed { from: u64, to: u64 },
}

/// The largest power of two strictly smaller than `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// An append-only Merkle tree. `levels[k][i]` is the hash of the complete subtree of `2^k`
/// leaves starting at leaf `i · 2^k`; incomplete subtrees are computed when asked for.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    pub fn new() -> MerkleTree {
        MerkleTree { levels: vec![Vec::new()] }
    }

    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends a leaf hash (already `leaf_hash(data)`), completing the subtrees it closes.
    pub fn push(&mut self, leaf: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let mut level = 0;
        while self.levels[level].len().is_multiple_of(2) {
            let n = self.levels[level].len();
            let parent = node_hash(&self.levels[level][n - 2], &self.levels[level][n - 1]);
            if self.levels.len() == level + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[level + 1].push(parent);
            level += 1;
        }
    }

    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels.first().and_then(|l| l.get(index as usize)).copied()
    }

    /// The hash of leaves `[start, end)`, a range of the RFC's recursive split (so `start` is a
    /// multiple of the largest power of two not above `end - start`).
    fn range_hash(&self, start: u64, end: u64) -> Hash {
        let n = end - start;
        if n == 0 {
            return empty_root();
        }
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let level = n.trailing_zeros() as usize;
            return self.levels[level][(start >> level) as usize];
        }
        let k = split(n);
        node_hash(&self.range_hash(start, start + k), &self.range_hash(start + k, end))
    }

    /// The root of the tree when it had `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, ProofError> {
        if size > self.size() {
            return Err(ProofError::SizeOutOfRange { size, log_size: self.size() });
        }
        Ok(self.range_hash(0, size))
    }

    pub fn root(&self) -> Hash {
        self.range_hash(0, self.size())
    }

    /// RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        if size > self.size() {
            return Err(ProofError::SizeOutOfRange { size, log_size: self.size() });
        }
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size });
        }
        let mut path = Vec::new();
        self.path(index, 0, size, &mut path);
        Ok(path)
    }

    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, start, start + k, out);
            out.push(self.range_hash(start + k, end));
        } else {
            self.path(m - k, start + k, end, out);
            out.push(self.range_hash(start, start + k));
        }
    }

    /// RFC 9162 §2.1.4.1: the proof that the tree of `from` leaves is a prefix of that of `to`.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, ProofError> {
        if to > self.size() {
            return Err(ProofError::SizeOutOfRange { size: to, log_size: self.size() });
        }
        if from > to {
            return Err(ProofError::SizesReversed { from, to });
        }
        let mut proof = Vec::new();
        if from > 0 && from < to {
            self.subproof(from, 0, to, true, &mut proof);
        }
        Ok(proof)
    }

    fn subproof(&self, m: u64, start: u64, end: u64, whole: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !whole {
                out.push(self.range_hash(start, end));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, start, start + k, whole, out);
            out.push(self.range_hash(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.range_hash(start, start + k));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The definition, recursively over the leaves: what the cached tree must agree with.
    pub(crate) fn naive_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn roots_match_the_recursive_definition_at_every_size() {
        let leaves: Vec<Hash> = (0..300u32).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut tree = MerkleTree::new();
        assert_eq!(tree.root(), empty_root());
        for (i, l) in leaves.iter().enumerate() {
            tree.push(*l);
            assert_eq!(tree.root(), naive_root(&leaves[..=i]), "size {}", i + 1);
        }
        for size in 0..=300 {
            assert_eq!(tree.root_at(size), Ok(naive_root(&leaves[..size as usize])));
        }
        assert!(tree.root_at(301).is_err());
    }

    #[test]
    fn proofs_refuse_impossible_requests() {
        let mut tree = MerkleTree::new();
        for i in 0..5u8 {
            tree.push(leaf_hash(&[i]));
        }
        assert_eq!(tree.inclusion_proof(5, 5), Err(ProofError::IndexOutOfRange { index: 5, size: 5 }));
        assert_eq!(tree.inclusion_proof(0, 6), Err(ProofError::SizeOutOfRange { size: 6, log_size: 5 }));
        assert_eq!(tree.consistency_proof(4, 3), Err(ProofError::SizesReversed { from: 4, to: 3 }));
        assert_eq!(tree.consistency_proof(3, 3), Ok(vec![]));
    }
}
