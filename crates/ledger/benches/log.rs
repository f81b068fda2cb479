//! Transparency-log figures for docs/benchmarks.md: append throughput, proof generation and
//! verification at 10,000,000 leaves. A plain timing harness (medians of repeated runs), run with
//! `cargo bench -p normwatch-ledger --bench log` (release). `NW_BENCH_LEAVES` changes the size.
use normwatch_ledger::{MerkleTree, leaf_hash, verify_consistency, verify_inclusion};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A small deterministic generator (no dependency): xorshift64*.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn main() {
    let leaves: u64 = std::env::var("NW_BENCH_LEAVES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);

    // Append: hash a 100-byte leaf body and add it, in batches of 1,000,000, five runs.
    let body = [7u8; 100];
    let mut runs = Vec::new();
    for _ in 0..5 {
        let mut tree = MerkleTree::new();
        let t = Instant::now();
        for i in 0..1_000_000u64 {
            let mut b = body;
            b[..8].copy_from_slice(&i.to_be_bytes());
            tree.push(leaf_hash(&b));
        }
        runs.push(t.elapsed());
    }
    let append = median(runs);
    println!(
        "append (leaf hash + tree update), 1,000,000 leaves: median {append:?} = {:.0} leaves/s",
        1e6 / append.as_secs_f64()
    );

    // Build the big tree once.
    let t = Instant::now();
    let mut tree = MerkleTree::new();
    for i in 0..leaves {
        tree.push(leaf_hash(&i.to_be_bytes()));
    }
    println!("built a tree of {leaves} leaves in {:?}", t.elapsed());
    let size = tree.size();
    let root = tree.root();

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let samples = 10_000;
    let mut gen_inclusion = Vec::with_capacity(samples);
    let mut ver_inclusion = Vec::with_capacity(samples);
    let mut gen_consistency = Vec::with_capacity(samples);
    let mut ver_consistency = Vec::with_capacity(samples);
    let mut hashes = 0usize;
    for _ in 0..samples {
        let index = rng.below(size);
        let t = Instant::now();
        let proof = tree.inclusion_proof(index, size).expect("proof");
        gen_inclusion.push(t.elapsed());
        hashes += proof.len();
        let leaf = tree.leaf(index).expect("leaf");
        let t = Instant::now();
        verify_inclusion(index, size, &leaf, &proof, &root).expect("verifies");
        ver_inclusion.push(t.elapsed());

        let from = 1 + rng.below(size - 1);
        let t = Instant::now();
        let proof = tree.consistency_proof(from, size).expect("proof");
        gen_consistency.push(t.elapsed());
        let from_root = tree.root_at(from).expect("root");
        let t = Instant::now();
        verify_consistency(from, size, &from_root, &root, &proof).expect("verifies");
        ver_consistency.push(t.elapsed());
    }
    println!(
        "at {size} leaves, {samples} random proofs each (mean path {:.1} hashes):",
        hashes as f64 / samples as f64
    );
    println!("  inclusion proof generation:    median {:?}", median(gen_inclusion));
    println!("  inclusion proof verification:  median {:?}", median(ver_inclusion));
    println!("  consistency proof generation:  median {:?}", median(gen_consistency));
    println!("  consistency proof verification: median {:?}", median(ver_consistency));
}
