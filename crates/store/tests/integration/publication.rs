//! Batched publication (`Store::create_positions`): many marked records written with a statement
//! per chunk of rows, read back, audited and logged as creating each one alone does — on both
//! backends, across chunk boundaries, drafts among them; a batch that fails writes nothing.
use crate::catalog::fresh;
use normwatch_core::adoption::{Position, PositionInput, SourceRef, StakeholderInput, Stance};
use normwatch_core::{Catalog, Localized, RecordStatus, Tlp, Viewer};
use normwatch_store::{Actor, Backend, RecordFilter};
use std::collections::HashMap;

fn input(stakeholder: &str, i: usize, status: RecordStatus) -> PositionInput {
    PositionInput {
        stakeholder: stakeholder.into(),
        norm: if i.is_multiple_of(2) { "gcsc-1" } else { "gcsc-2" }.into(),
        stance: Stance::Endorse,
        stated_on: format!("20{:02}-{:02}-{:02}", 10 + i % 12, 1 + i % 12, 1 + i % 28),
        source: SourceRef { url: Some(format!("https://example.org/{i}")), document: None, paragraph: None },
        statement: None,
        tlp: Tlp::Clear,
        status,
        community: None,
    }
}

/// The leaf body of a record as it was when logged (before its index was known).
fn leaf_of(p: &Position) -> String {
    let mut logged = p.clone();
    logged.log_index = None;
    let value = serde_json::to_value(&logged).expect("json");
    normwatch_ledger::jcs::leaf_body("position", &value).expect("leaf body")
}

async fn a_batch_is_written_as_one_by_one(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    let catalog = Catalog::embedded().expect("catalogue");
    store.load_catalog(&catalog).await.expect("catalogue");
    let actor = Actor::system();
    let viewer = Viewer::system();
    let name = Localized::new("試験", "Bench");
    let bench = StakeholderInput {
        id: "bench".into(),
        name,
        kind: "academia".into(),
        country: None,
        website: None,
        version: None,
    };
    store.create_stakeholder(&actor, &bench).await.expect("stakeholder");
    let one = store.create_position(&actor, &viewer, &input("bench", 0, RecordStatus::Published)).await.expect("one");
    let start = store.log_size().await.expect("size");

    // 1,203 records: three statements' worth of rows, every tenth a draft (no leaf).
    let status = |i: usize| if i % 10 == 3 { RecordStatus::Draft } else { RecordStatus::Published };
    let inputs: Vec<PositionInput> = (1..=1_203).map(|i| input("bench", i, status(i))).collect();
    let stored = store.create_positions(&actor, &inputs).await.expect("batch");
    assert_eq!(stored.len(), inputs.len());

    // Each as a read gives it (the batch leaves `supersedes` out, as creating one does), in order.
    let filter = RecordFilter { stakeholder: Some("bench".into()), ..Default::default() };
    let read: HashMap<String, Position> =
        store.positions(&viewer, &filter).await.expect("read").into_iter().map(|p| (p.id.clone(), p)).collect();
    assert_eq!(read.len(), 1 + inputs.len());
    for (i, (p, given)) in stored.iter().zip(&inputs).enumerate() {
        assert_eq!((p.stated_on.as_str(), &p.source.url), (given.stated_on.as_str(), &given.source.url), "#{i}");
        let mut as_read = read[&p.id].clone();
        as_read.supersedes = None;
        assert_eq!(&as_read, p, "#{i} as read");
        assert_eq!(p.recorded.status, given.status);
    }
    // Same shape as one created alone: the same fields, marked and versioned alike.
    assert_eq!(
        (one.recorded.version, &one.recorded.recorded_by),
        (stored[0].recorded.version, &stored[0].recorded.recorded_by)
    );

    // The published ones' leaves follow the log's head in input order, each the digest of the
    // record as stored; drafts have none.
    let published: Vec<&Position> = stored.iter().filter(|p| p.recorded.status == RecordStatus::Published).collect();
    let end = store.log_size().await.expect("size");
    assert_eq!(end - start, published.len() as u64);
    let leaves = store.log_entries(start, end).await.expect("leaves");
    assert_eq!(leaves.len(), published.len());
    for (leaf, p) in leaves.iter().zip(&published) {
        assert_eq!((leaf.entity.as_str(), leaf.entity_id.as_str()), ("position", p.id.as_str()));
        assert_eq!(p.log_index, Some(leaf.index));
        assert_eq!(leaf.body, leaf_of(p), "leaf {}", leaf.index);
    }
    assert!(stored.iter().filter(|p| p.recorded.status == RecordStatus::Draft).all(|p| p.log_index.is_none()));
    let one_leaf = store.log_entries(start - 1, start).await.expect("leaf");
    assert_eq!(one_leaf[0].body, leaf_of(&one), "one created alone is logged the same way");

    // One audit entry per record, holding the record as stored.
    let audit = store.audit_log(&viewer, Some("position"), None, 5_000).await.expect("audit");
    let created: HashMap<&str, &serde_json::Value> = audit
        .iter()
        .filter(|e| e.action == "create")
        .map(|e| (e.entity_id.as_str(), e.after.as_ref().expect("after")))
        .collect();
    assert_eq!(created.len(), 1 + inputs.len());
    for p in &stored {
        let mut as_created = p.clone();
        as_created.log_index = None;
        assert_eq!(created[p.id.as_str()], &serde_json::to_value(&as_created).expect("json"), "audit of {}", p.id);
    }

    // A batch naming a stakeholder that does not exist writes nothing at all.
    let bad = vec![input("bench", 2_000, RecordStatus::Published), input("nobody", 2_001, RecordStatus::Published)];
    assert!(store.create_positions(&actor, &bad).await.is_err());
    assert_eq!(store.log_size().await.expect("size"), end);
    assert_eq!(store.positions(&viewer, &filter).await.expect("read").len(), 1 + inputs.len());
}

crate::on_both_backends!(a_batch_is_written_as_one_by_one);
