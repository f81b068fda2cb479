//! Publications per second through the store on SQLite: each one a transaction that writes the
//! record, its audit entry and its log leaf. Run with `cargo bench -p normwatch-store --bench publish`.
use normwatch_core::adoption::{PositionInput, SourceRef, StakeholderInput, Stance};
use normwatch_core::{Catalog, Localized, RecordStatus, Tlp, Viewer};
use normwatch_store::{Actor, Store};
use std::time::Instant;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let store =
            Store::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.expect("store");
        let catalog = Catalog::embedded().expect("catalogue");
        store.load_catalog(&catalog).await.expect("catalogue");
        let mut s = StakeholderInput {
            id: "bench".into(),
            name: Localized::new("試験", "Bench"),
            kind: "academia".into(),
            country: None,
            website: None,
            version: None,
        };
        s.validate(&catalog).expect("valid");
        let actor = Actor::system();
        store.create_stakeholder(&actor, &s).await.expect("stakeholder");
        let viewer = Viewer::system();
        let mut rates = Vec::new();
        for run in 0..5 {
            let t = Instant::now();
            for i in 0..500 {
                let input = PositionInput {
                    stakeholder: "bench".into(),
                    norm: "gcsc-1".into(),
                    stance: Stance::Endorse,
                    stated_on: format!("20{:02}-01-{:02}", 10 + run, 1 + i % 28),
                    source: SourceRef { url: Some("https://example.org/".into()), document: None, paragraph: None },
                    statement: None,
                    tlp: Tlp::Clear,
                    status: RecordStatus::Published,
                    community: None,
                };
                store.create_position(&actor, &viewer, &input).await.expect("publish");
            }
            rates.push(500.0 / t.elapsed().as_secs_f64());
        }
        rates.sort_by(|a, b| a.total_cmp(b));
        println!(
            "SQLite publications (record + audit + leaf, one transaction each): median {:.0}/s over 5 runs of 500",
            rates[2]
        );
        // Batched: 10,000 publications in one transaction (records, audit entries and leaves).
        let mut batched = Vec::new();
        for run in 0..5 {
            let inputs: Vec<PositionInput> = (0..10_000)
                .map(|i| PositionInput {
                    stakeholder: "bench".into(),
                    norm: "gcsc-2".into(),
                    stance: Stance::Abstain,
                    stated_on: format!("20{:02}-02-{:02}", 10 + run, 1 + i % 28),
                    source: SourceRef { url: Some("https://example.org/".into()), document: None, paragraph: None },
                    statement: None,
                    tlp: Tlp::Clear,
                    status: RecordStatus::Published,
                    community: None,
                })
                .collect();
            let t = Instant::now();
            store.create_positions(&actor, &inputs).await.expect("publish batch");
            batched.push(10_000.0 / t.elapsed().as_secs_f64());
        }
        batched.sort_by(|a, b| a.total_cmp(b));
        println!(
            "SQLite publications batched 10,000 per transaction: median {:.0}/s (leaves/s) over 5 batches",
            batched[2]
        );
        println!("log size now {}", store.log_size().await.expect("size"));
    });
}
