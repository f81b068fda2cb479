//! Importing a published dataset: the records new here are written together (a statement per
//! chunk of rows) and read, search, count, audit and log as records written one at a time do;
//! a record whose origin comes again is left alone when unchanged and superseded when changed.
use crate::catalog::fresh;
use normwatch_core::incident::{IncidentInput, IncidentQuery};
use normwatch_core::{Catalog, RecordStatus, Viewer};
use normwatch_store::{Actor, Backend, ImportCounts, LedgerKind, Store, WriteOptions};
use serde_json::json;

fn incident(i: usize, title: &str) -> IncidentInput {
    serde_json::from_value(json!({
        "title": {"en": format!("{title} {i}"), "ja": format!("事案 {i}")},
        "started": format!("{}", 2010 + i % 12),
        "operation_types": [(["espionage", "disruption"][i % 2])],
        "targets": [{"name": "t", "country": (["JP", "UA", "US"][i % 3]), "sector": "ci.health"}],
        "status": "published", "tlp": "clear",
        "origin": {"dataset": "eurepoc", "id": i.to_string()},
    }))
    .expect("incident")
}

async fn counted(store: &Store, catalog: &Catalog, params: &[(&str, &str)]) -> i64 {
    let query = IncidentQuery::parse(params.iter().copied(), catalog).expect("query");
    store.search_incidents(&Viewer::system(), &query).await.expect("search").total
}

async fn a_dataset_is_imported_as_records_one_by_one(backend: Backend) {
    let catalog = Catalog::embedded().expect("catalogue");
    let (store, _a) = fresh(backend).await;
    let (reference, _b) = fresh(backend).await;
    for s in [&store, &reference] {
        s.load_catalog(&catalog).await.expect("catalogue");
    }
    let actor = Actor::system();
    // 601 incidents (many statements' worth of rows), one of them twice changed and one twice
    // the same, one with no origin, and a draft among the published (no leaf).
    let mut inputs: Vec<IncidentInput> = (0..601).map(|i| incident(i, "Incident")).collect();
    inputs.push(incident(7, "Renamed incident"));
    inputs.push(incident(8, "Incident"));
    let mut loose = incident(999, "Loose");
    loose.origin = None;
    inputs.push(loose);
    let mut draft = incident(1000, "Draft");
    draft.status = RecordStatus::Draft;
    inputs.push(draft);
    let counts = store.import_ledger_records(&actor, &inputs).await.expect("import");
    assert_eq!(counts, ImportCounts { created: 603, superseded: 1, unchanged: 1 });
    assert_eq!(store.log_size().await.expect("size"), 603, "a leaf per published record written");

    // The reference writes the records that stand, one at a time.
    let publish = WriteOptions { publish_directly: true };
    let standing: Vec<&IncidentInput> =
        inputs.iter().enumerate().filter(|(i, _)| *i != 7 && *i != 602).map(|(_, x)| x).collect();
    for input in &standing {
        reference.create_ledger_record(&actor, *input, publish).await.expect("one");
    }
    for params in [&[][..], &[("country", "JP")], &[("operation", "espionage"), ("year", "2016")], &[("q", "Renamed")]]
    {
        let imported = counted(&store, &catalog, params).await;
        assert_eq!(imported, counted(&reference, &catalog, params).await, "{params:?}");
        assert!(imported > 0, "{params:?}");
    }

    // Each leaf is the digest of its record as written; each record has its one audit entry.
    let leaves = store.log_entries(0, 603).await.expect("leaves");
    let records = store.ledger_records::<IncidentInput>(&Viewer::system(), None, None).await.expect("records");
    assert_eq!(records.len(), 604);
    let audit = store.audit_log(&Viewer::system(), Some("incident"), None, 5_000).await.expect("audit");
    for leaf in &leaves {
        let record = records.iter().find(|r| r.id == leaf.entity_id).expect("a record per leaf");
        assert_eq!(record.log_index, Some(leaf.index));
        assert_eq!(record.body.status(), RecordStatus::Published);
        let entry = audit.iter().find(|e| e.entity_id == record.id && e.action == "create").expect("audited");
        let after = entry.after.as_ref().expect("after");
        let body = normwatch_ledger::jcs::leaf_body("incident", after).expect("leaf body");
        assert_eq!(leaf.body, body, "leaf {} is the record as audited", leaf.index);
    }

    // Again, from the ninth on (past the renamed one's first version), the draft left out:
    // every record is as the importer last wrote it.
    let again: Vec<IncidentInput> =
        inputs.iter().filter(|i| i.status == RecordStatus::Published).skip(8).cloned().collect();
    let counts = store.import_ledger_records(&actor, &again).await.expect("again");
    assert_eq!(counts, ImportCounts { created: 1, superseded: 0, unchanged: 595 }, "only the loose one again");

    // A newer release: one record changed, one changed twice in the same import (the second
    // version supersedes the first), the rest as before.
    let release = vec![
        incident(3, "Revised incident"),
        incident(4, "Incident"),
        incident(5, "Revised once"),
        incident(5, "Revised twice"),
    ];
    let counts = store.import_ledger_records(&actor, &release).await.expect("release");
    assert_eq!(counts, ImportCounts { created: 0, superseded: 3, unchanged: 1 });
    for (params, n) in [(&[("q", "Revised")][..], 2), (&[("q", "twice")], 1), (&[("q", "once")], 0)] {
        assert_eq!(counted(&store, &catalog, params).await, n, "{params:?}");
    }
}

crate::on_both_backends!(a_dataset_is_imported_as_records_one_by_one);

/// Standing records read a page at a time (what the link proposal profiles) are the standing
/// records read at once, in the same order: superseded versions and drafts left out.
async fn standing_records_come_a_page_at_a_time(backend: Backend) {
    let catalog = Catalog::embedded().expect("catalogue");
    let (store, _dir) = fresh(backend).await;
    store.load_catalog(&catalog).await.expect("catalogue");
    let actor = Actor::system();
    let first: Vec<IncidentInput> = (0..7).map(|i| incident(i, "Incident")).collect();
    store.import_ledger_records(&actor, &first).await.expect("import");
    // A newer release changes two: their first versions are superseded.
    let release: Vec<IncidentInput> =
        (0..7).map(|i| incident(i, if i == 2 || i == 5 { "Renamed" } else { "Incident" })).collect();
    let counts = store.import_ledger_records(&actor, &release).await.expect("release");
    assert_eq!(counts.superseded, 2);
    let at_once: Vec<String> = store
        .standing_records::<IncidentInput>(&Viewer::system())
        .await
        .expect("read")
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(at_once.len(), 7);
    for page in [1, 2, 3, 7, 100] {
        let mut paged = Vec::new();
        store
            .each_standing_record::<IncidentInput>(&Viewer::system(), page, |r| paged.push(r.id))
            .await
            .expect("paged read");
        assert_eq!(paged, at_once, "pages of {page}");
    }
}

crate::on_both_backends!(standing_records_come_a_page_at_a_time);
