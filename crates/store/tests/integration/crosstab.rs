//! Cross-tabulations count what the incident list counts: every cell equals the list's total
//! with the cell's two values added as filters, for several viewers and filters, on SQLite
//! (index and SQL paths agree) and on PostgreSQL.
use crate::catalog::fresh;
use normwatch_core::incident::{Dimension, IncidentInput, IncidentQuery};
use normwatch_core::violation::{AssessmentInput, AttributionInput};
use normwatch_core::{Catalog, RecordStatus, Role, Viewer};
use normwatch_store::{Actor, Backend, LedgerKind, Store, WriteOptions};
use serde_json::json;

fn incident(i: usize) -> IncidentInput {
    let statuses = ["published", "published", "published", "draft"];
    let tlps = ["clear", "clear", "green", "amber"];
    let started = if i.is_multiple_of(7) { json!(null) } else { json!(format!("{}", 2016 + i % 4)) };
    let origin = if i.is_multiple_of(3) { json!({"dataset": "eurepoc", "id": i.to_string()}) } else { json!(null) };
    serde_json::from_value(json!({
        "title": {"en": format!("Incident {i} at a {}", ["pipeline", "hospital"][i % 2])},
        "started": started,
        "operation_types": [(["espionage", "ransomware", "denial-of-service"][i % 3])],
        "targets": [{"name": "t", "country": (["JP", "UA", "US"][(i / 2) % 3]), "sector": (["ci.energy", "ci.health"][i % 2])}],
        "status": statuses[i % 4], "tlp": tlps[(i / 4) % 4], "origin": origin,
    }))
    .expect("incident")
}

async fn create<T: LedgerKind>(store: &Store, input: &T) -> String {
    let published = input.status() == RecordStatus::Published;
    store
        .create_ledger_record(&Actor("e1".into()), input, WriteOptions { publish_directly: published })
        .await
        .expect("create")
        .id
}

fn query(catalog: &Catalog, pairs: &[(&str, &str)]) -> IncidentQuery {
    IncidentQuery::parse(pairs.iter().copied(), catalog).expect("query")
}

async fn counts_as_the_list_does(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    let catalog = Catalog::embedded().expect("catalogue");
    store.load_catalog(&catalog).await.expect("catalogue");
    let mut ids = Vec::new();
    for i in 0..48 {
        let input = incident(i);
        let id = create(&store, &input).await;
        if input.status == RecordStatus::Published {
            ids.push((id, input.tlp));
        }
    }
    for (n, (id, tlp)) in ids.iter().enumerate() {
        let finding_tlp = if n % 3 == 0 { normwatch_core::Tlp::Amber } else { *tlp };
        let a: AssessmentInput = serde_json::from_value(json!({"incident": id, "norm": (["gcsc-1", "gcsc-3"][n % 2]),
            "actor": {"kind": "state", "state": "RU"}, "level": "likely", "rationale": {"en": "r"},
            "status": "published", "tlp": finding_tlp}))
        .expect("assessment");
        create(&store, &a).await;
        let c: AttributionInput = serde_json::from_value(json!({"incident": id,
            "attributor": {"name": "Lab", "kind": "security-company"}, "attributed_to": {"state": (["RU", "CN", "KP"][n % 3])},
            "type": "technical", "attributed_on": "2020-01-01", "status": "published", "tlp": finding_tlp}))
        .expect("claim");
        create(&store, &c).await;
    }
    // Linked records count once, as on the list.
    store.link_incidents(&Actor::system(), &Viewer::system(), &ids[0].0, &ids[4].0).await.expect("link");
    let anonymous = Viewer { account: None, role: None, stakeholder: None, communities: Some(vec![]) };
    let reader =
        Viewer { account: Some("r1".into()), role: Some(Role::Reader), stakeholder: None, communities: Some(vec![]) };
    let pairs = [
        (Dimension::Year, Dimension::OperationType),
        (Dimension::AttributedState, Dimension::TargetCountry),
        (Dimension::Norm, Dimension::Year),
        (Dimension::Sector, Dimension::AttributedState),
    ];
    let filters: [&[(&str, &str)]; 4] = [&[], &[("country", "JP")], &[("year", "2017")], &[("q", "hospital")]];
    let mut cells_seen = 0;
    for viewer in [anonymous.clone(), reader, Viewer::system()] {
        for f in filters {
            let q = query(&catalog, f);
            let page = store.search_incidents(&viewer, &q).await.expect("list");
            for (row, col) in pairs {
                let cells = store.incident_crosstab(&viewer, &q, row, col).await.expect("crosstab");
                let sql = store.incident_crosstab_sql(&viewer, &q, row, col).await.expect("crosstab in SQL");
                assert_eq!(cells, sql, "index and SQL: {viewer:?} {f:?} {row}×{col}");
                let values = |d: Dimension| -> Vec<String> {
                    page.facets.get(d.name()).map(|v| v.iter().map(|c| c.value.clone()).collect()).unwrap_or_default()
                };
                for rv in values(row) {
                    for cv in values(col) {
                        let mut with = f.to_vec();
                        with.extend([(row.name(), rv.as_str()), (col.name(), cv.as_str())]);
                        let total = store.search_incidents(&viewer, &query(&catalog, &with)).await.expect("list").total;
                        let n = cells.iter().find(|(r, c, _)| *r == rv && *c == cv).map_or(0, |c| c.2);
                        assert_eq!(n as i64, total, "{viewer:?} {f:?} {row}={rv} × {col}={cv}");
                        cells_seen += usize::from(n > 0);
                    }
                }
                // No cell names a value the list does not count.
                for (r, c, _) in &cells {
                    assert!(values(row).contains(r) && values(col).contains(c), "{r} × {c}");
                }
            }
        }
        // The dataset: not a list filter; counted over the incidents the viewer may read.
        let all = query(&catalog, &[]);
        let by_dataset = store.incident_crosstab(&viewer, &all, Dimension::Dataset, Dimension::Year).await.expect("ds");
        assert_eq!(
            by_dataset,
            store.incident_crosstab_sql(&viewer, &all, Dimension::Dataset, Dimension::Year).await.expect("ds sql")
        );
        assert!(by_dataset.iter().all(|(d, _, _)| d == "eurepoc"), "{by_dataset:?}");
    }
    assert!(cells_seen > 60, "{cells_seen} cells compared with the list");
    // A signed-out visitor counts no draft and no TLP:AMBER attribution.
    let all = query(&catalog, &[]);
    let anon_states = store.incident_crosstab(&anonymous, &all, Dimension::AttributedState, Dimension::Year).await;
    let admin_states =
        store.incident_crosstab(&Viewer::system(), &all, Dimension::AttributedState, Dimension::Year).await;
    let sum = |c: &[(String, String, u64)]| c.iter().map(|c| c.2).sum::<u64>();
    let (anon_states, admin_states) = (anon_states.expect("anon"), admin_states.expect("admin"));
    assert!(sum(&anon_states) < sum(&admin_states), "{anon_states:?} vs {admin_states:?}");
}

crate::on_both_backends!(counts_as_the_list_does);
