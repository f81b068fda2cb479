//! A tree's frontier: the hashes of the complete subtrees that make up a tree of `size` leaves
//! (one per set bit of `size`, largest first). A follower that checked every leaf of another
//! log keeps this instead of the leaves: it extends the tree with the next leaves and computes
//! the root, which must be the one the log signed — so the new tree extends the old one too.
use crate::tree::{Hash, empty_root, node_hash};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tree frontier: {0}")]
pub struct FrontierError(&'static str);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    pub fn new() -> Frontier {
        Frontier::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash, merging the subtrees it completes.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut size = self.size;
        while size & 1 == 1 {
            // A set low bit is a complete subtree to the left: its node is last in the list.
            let Some(left) = self.nodes.pop() else { break };
            hash = node_hash(&left, &hash);
            size >>= 1;
        }
        self.nodes.push(hash);
        self.size += 1;
    }

    /// The RFC 9162 root of the tree so far.
    pub fn root(&self) -> Hash {
        let mut nodes = self.nodes.iter().rev();
        let Some(last) = nodes.next() else { return empty_root() };
        nodes.fold(*last, |acc, left| node_hash(left, &acc))
    }

    /// `SIZE:HEX,HEX,…` (the nodes largest subtree first), as a follower stores it.
    pub fn encode(&self) -> String {
        let nodes: Vec<String> = self.nodes.iter().map(|h| h.iter().map(|b| format!("{b:02x}")).collect()).collect();
        format!("{}:{}", self.size, nodes.join(","))
    }

    pub fn parse(text: &str) -> Result<Frontier, FrontierError> {
        let (size, nodes) = text.split_once(':').ok_or(FrontierError("no `size:`"))?;
        let size: u64 = size.parse().map_err(|_| FrontierError("the size is not a number"))?;
        let nodes = nodes
            .split(',')
            .filter(|n| !n.is_empty())
            .map(|n| {
                if n.len() != 64 || !n.is_ascii() {
                    return Err(FrontierError("a node is not 64 hex digits"));
                }
                let mut h = [0u8; 32];
                for (i, b) in h.iter_mut().enumerate() {
                    *b =
                        u8::from_str_radix(&n[2 * i..2 * i + 2], 16).map_err(|_| FrontierError("a node is not hex"))?;
                }
                Ok(h)
            })
            .collect::<Result<Vec<Hash>, _>>()?;
        if nodes.len() != size.count_ones() as usize {
            return Err(FrontierError("the number of nodes does not match the size"));
        }
        Ok(Frontier { size, nodes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MerkleTree, leaf_hash};

    #[test]
    fn its_root_is_the_trees_at_every_size_and_it_round_trips() {
        let mut tree = MerkleTree::new();
        let mut frontier = Frontier::new();
        assert_eq!(frontier.root(), tree.root());
        for i in 0..70u32 {
            let leaf = leaf_hash(&i.to_be_bytes());
            tree.push(leaf);
            frontier.push(leaf);
            assert_eq!(frontier.root(), tree.root(), "size {}", i + 1);
            assert_eq!(Frontier::parse(&frontier.encode()), Ok(frontier.clone()));
        }
        assert!(Frontier::parse("3:00").is_err(), "3 leaves need two nodes");
        assert!(Frontier::parse("x:").is_err());
        assert_eq!(Frontier::parse("0:"), Ok(Frontier::new()));
    }
}
