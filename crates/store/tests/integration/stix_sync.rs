//! Published records become STIX objects in steps of the log: a step's edge loses nothing and
//! makes nothing twice, each step is reported, and a second sync has nothing left to do.
use crate::catalog::fresh;
use normwatch_core::Catalog;
use normwatch_core::incident::IncidentInput;
use normwatch_store::{Actor, Backend, Store};
use serde_json::json;
use std::sync::Mutex;

fn incidents() -> Vec<IncidentInput> {
    (0..11)
        .map(|i| {
            serde_json::from_value(json!({
                "title": {"en": format!("Incident {i}")},
                "started": format!("{}", 2015 + i % 5),
                "operation_types": ["espionage"],
                "targets": [{"name": "t", "country": (["JP", "UA", "US"][i % 3])}],
                "status": "published", "tlp": (["clear", "green"][i % 2]),
                "origin": {"dataset": "eurepoc", "id": i.to_string()},
            }))
            .expect("incident")
        })
        .collect()
}

async fn published(backend: Backend) -> (Store, tempfile::TempDir) {
    let (store, dir) = fresh(backend).await;
    store.load_catalog(&Catalog::embedded().expect("catalogue")).await.expect("catalogue");
    let counts = store.import_ledger_records(&Actor::system(), &incidents()).await.expect("import");
    assert_eq!(counts.created, 11);
    (store, dir)
}

async fn steps_make_what_one_pass_makes(backend: Backend) {
    let (stepped, _a) = published(backend).await;
    let (whole, _b) = published(backend).await;
    let seen = Mutex::new(Vec::new());
    let in_steps = stepped
        .sync_published_stix_in_steps(3, |done, size| seen.lock().expect("lock").push((done, size)))
        .await
        .expect("sync in steps");
    let at_once = whole.sync_published_stix_in_steps(1_000, |_, _| {}).await.expect("sync at once");
    assert!(at_once > 11, "each incident and its identities: {at_once}");
    assert_eq!(in_steps, at_once, "steps of 3 leaves make what one pass makes");
    let seen = seen.into_inner().expect("lock");
    let size = seen.last().expect("a step was reported").1;
    assert!(size >= 11, "{seen:?}");
    assert_eq!(seen.len() as u64, size.div_ceil(3), "{seen:?}");
    let mut before = 0;
    for (done, s) in &seen {
        assert_eq!(*s, size);
        assert!(*done > before && *done - before <= 3, "{seen:?}");
        before = *done;
    }
    assert_eq!(before, size, "the last step ends at the log's size");
    assert_eq!(stepped.sync_published_stix().await.expect("again"), 0, "nothing left");
}

crate::on_both_backends!(steps_make_what_one_pass_makes);
