//! The published RFC 6962 test vectors of transparency-dev/merkle (see tests/vectors/README.md):
//! known roots, and inclusion and consistency proofs that must verify or must fail.
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use normwatch_ledger::{Hash, MerkleTree, leaf_hash, verify_consistency, verify_inclusion};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).expect("json")
}

/// A base64 hash, or `None` when the vector holds something that is not one (those cases must
/// then fail verification, which they do by not being hashes at all).
fn hash(v: &Value) -> Option<Hash> {
    B64.decode(v.as_str()?).ok()?.try_into().ok()
}

fn proof(v: &Value) -> Option<Vec<Hash>> {
    match v {
        Value::Null => Some(vec![]),
        Value::Array(items) => items.iter().map(hash).collect(),
        _ => None,
    }
}

#[test]
fn roots_of_the_classic_leaves() {
    let v = load("roots.json");
    let leaves: Vec<Vec<u8>> = v["leaves_hex"]
        .as_array()
        .expect("leaves")
        .iter()
        .map(|l| hex::decode(l.as_str().expect("hex")).expect("hex"))
        .collect();
    let mut tree = MerkleTree::new();
    let expect = |size: usize| hex::decode(v["roots_hex"][size.to_string()].as_str().expect("root")).expect("hex");
    assert_eq!(tree.root().to_vec(), expect(0));
    for (i, leaf) in leaves.iter().enumerate() {
        tree.push(leaf_hash(leaf));
        assert_eq!(tree.root().to_vec(), expect(i + 1), "size {}", i + 1);
    }
}

#[test]
fn inclusion_vectors() {
    let cases = load("inclusion.json");
    let cases = cases.as_array().expect("cases");
    assert!(cases.len() >= 80);
    for c in cases {
        let outcome = match (hash(&c["leafHash"]), hash(&c["root"]), proof(&c["proof"])) {
            (Some(leaf), Some(root), Some(p)) => {
                let index = c["leafIdx"].as_u64().expect("leafIdx");
                let size = c["treeSize"].as_u64().expect("treeSize");
                verify_inclusion(index, size, &leaf, &p, &root).is_ok()
            }
            _ => false,
        };
        assert_eq!(outcome, !c["wantErr"].as_bool().expect("wantErr"), "{}: {}", c["source"], c["desc"]);
    }
}

#[test]
fn consistency_vectors() {
    let cases = load("consistency.json");
    let cases = cases.as_array().expect("cases");
    assert!(cases.len() >= 80);
    for c in cases {
        let outcome = match (hash(&c["root1"]), hash(&c["root2"]), proof(&c["proof"])) {
            (Some(r1), Some(r2), Some(p)) => {
                let (s1, s2) = (c["size1"].as_u64().expect("size1"), c["size2"].as_u64().expect("size2"));
                verify_consistency(s1, s2, &r1, &r2, &p).is_ok()
            }
            _ => false,
        };
        assert_eq!(outcome, !c["wantErr"].as_bool().expect("wantErr"), "{}: {}", c["source"], c["desc"]);
    }
}
