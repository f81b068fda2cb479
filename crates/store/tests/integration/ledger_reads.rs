//! Reading many ledger records at once (`Store::ledger_records_by_id`, which the STIX sync reads
//! a step with) gives what reading each alone gives: the same records, their reviews in the same
//! order, the same visibility, across more ids than one read takes (500).
use crate::catalog::fresh;
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::Verdict;
use normwatch_core::{Catalog, Viewer};
use normwatch_store::{Actor, Backend, WriteOptions};

fn incident(i: usize, status: &str) -> IncidentInput {
    serde_json::from_value(serde_json::json!({
        "title": {"en": format!("Incident {i}")},
        "started": "2020",
        "operation_types": ["espionage"],
        "targets": [{"name": "t", "country": "JP"}],
        "status": status,
        "tlp": (["clear", "green", "amber"][i % 3]),
        "origin": {"dataset": "eurepoc", "id": i.to_string()},
    }))
    .expect("incident")
}

async fn batched_reads_match_single_reads(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    store.load_catalog(&Catalog::embedded().expect("catalogue")).await.expect("catalogue");
    let published: Vec<IncidentInput> = (0..520).map(|i| incident(i, "published")).collect();
    store.import_ledger_records(&Actor::system(), &published).await.expect("import");
    let origins: Vec<String> = (0..520).map(|i| i.to_string()).collect();
    let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
    let mut ids: Vec<String> =
        store.incidents_by_origin("eurepoc", &origins).await.expect("ids").into_values().collect();
    assert_eq!(ids.len(), 520);
    // Records in review carry their reviews: two reviewers each.
    let (author, system) = (Actor("author".into()), Viewer::system());
    for i in 0..3 {
        let draft = store
            .create_ledger_record(&author, &incident(1_000 + i, "draft"), WriteOptions::default())
            .await
            .expect("draft");
        store.submit_ledger_record::<IncidentInput>(&author, &system, &draft.id).await.expect("submit");
        for (who, kind) in [("r1", "government"), ("r2", "academia")] {
            store
                .review_ledger_record::<IncidentInput>(
                    &Actor(who.into()),
                    &system,
                    &draft.id,
                    kind,
                    Verdict::Approve,
                    Some(who),
                )
                .await
                .expect("review");
        }
        ids.push(draft.id);
    }
    ids.push("incident-that-is-not-there".to_owned());
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    for viewer in [Viewer::system(), Viewer::anonymous()] {
        let batched = store.ledger_records_by_id::<IncidentInput>(&viewer, &refs).await.expect("batched");
        let mut found = 0;
        for id in &ids {
            let single = store.ledger_record::<IncidentInput>(&viewer, id).await.expect("single");
            let json = |r: &normwatch_store::LedgerRecord<IncidentInput>| serde_json::to_value(r).expect("json");
            assert_eq!(batched.get(id).map(json), single.as_ref().map(json), "{id} as {viewer:?}");
            found += usize::from(single.is_some());
        }
        assert_eq!(batched.len(), found, "as {viewer:?}");
        if viewer == Viewer::system() {
            assert_eq!(found, 523);
            let reviewed = &batched[&ids[521]];
            assert_eq!(reviewed.reviews.len(), 2, "{:?}", reviewed.reviews);
        } else {
            // Published and TLP:CLEAR only: every third imported incident.
            assert_eq!(found, 174);
        }
    }
}

crate::on_both_backends!(batched_reads_match_single_reads);
