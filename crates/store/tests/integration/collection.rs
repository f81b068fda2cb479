//! Collection in the database, on both backends: a source's name is unique among those polled,
//! an item is kept once by URL and by content, triage pages by relevance with a cursor, a
//! decision is made once and audited, and only a viewer who may triage reads any of it.
use crate::catalog::fresh;
use normwatch_core::collection::{ItemOrigin, ItemState};
use normwatch_core::{Role, Viewer};
use normwatch_store::{Actor, Backend, ItemDecision, ItemFilter, NewItem, NewSource, StoreError};
use serde_json::json;

fn viewer(role: Role) -> Viewer {
    Viewer { account: Some("v".into()), role: Some(role), stakeholder: None, communities: Some(vec![]) }
}

fn item(n: usize, url: &str, hash: &str, relevance: i64, cluster: Option<&str>) -> NewItem {
    NewItem {
        id: normwatch_store::new_id(),
        source_id: None,
        origin: ItemOrigin::Tip,
        canonical_url: url.into(),
        content_hash: hash.into(),
        signature: u64::MAX - n as u64,
        cluster: cluster.map(str::to_owned),
        title: format!("item {n}"),
        text: "text".into(),
        language: Some("en".into()),
        published: None,
        cves: vec!["CVE-2024-0001".into()],
        proposals: json!([]),
        norms: json!([]),
        matches: json!([]),
        relevance,
    }
}

async fn sources_items_and_decisions(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    let editor = viewer(Role::Editor);
    let actor = Actor("e1".into());
    let source = NewSource {
        name: "CERT advisories".into(),
        kind: "rss".into(),
        url: "https://cert.example/rss.xml".into(),
        interval_secs: 3600,
        health: json!({"failures": 0}),
        next_due: "2026-01-01T00:00:00.000Z".into(),
    };
    let s = store.create_source(&actor, &source).await.expect("create");
    assert!(matches!(store.create_source(&actor, &source).await, Err(StoreError::Rejected(e)) if e.field == "name"));
    assert_eq!(store.due_sources("2026-01-01T00:00:00.000Z").await.expect("due").len(), 1);
    assert!(store.due_sources("2025-12-31T23:59:59.000Z").await.expect("due").is_empty());
    // Two pollers read it due; the first takes it, the second (reading the same next poll) not.
    let lease = "2026-01-01T00:15:00.000Z";
    let read = store.due_sources("2026-01-01T00:00:00.000Z").await.expect("due");
    assert_eq!(store.claim_sources(&read, lease).await.expect("claim").len(), 1, "the first poller takes it");
    assert!(store.claim_sources(&read, lease).await.expect("claim").is_empty(), "the second leaves it");
    assert!(store.due_sources("2026-01-01T00:00:00.000Z").await.expect("due").is_empty(), "not due while taken");
    assert_eq!(store.due_sources(lease).await.expect("due").len(), 1, "due again after the lease");
    store.record_poll(&s.id, &json!({"failures": 1}), "2026-02-01T00:00:00.000Z", Some("c1")).await.expect("poll");
    let again = store.source(&editor, &s.id).await.expect("read").expect("there");
    assert_eq!((again.health["failures"].as_i64(), again.cursor.as_deref()), (Some(1), Some("c1")));

    let first = item(1, "https://a.example/1", "h1", 90, None);
    let kept = store
        .insert_items(&[
            first.clone(),
            item(2, "https://a.example/1", "h2", 10, None),
            item(3, "https://a.example/3", "h1", 10, None),
            item(4, "https://a.example/4", "h4", 50, Some(&first.id)),
            item(5, "https://a.example/5", "h5", 50, None),
        ])
        .await
        .expect("insert");
    assert_eq!(kept.iter().filter(|k| k.is_some()).count(), 3, "same URL and same content are skipped: {kept:?}");
    assert!(store.item_known("https://a.example/1", "zz").await.expect("known"));
    assert!(!store.item_known("https://a.example/9", "zz").await.expect("known"));

    let page = store.items(&editor, &ItemFilter { limit: 2, ..ItemFilter::default() }).await.expect("page");
    assert_eq!(page.items.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["item 1", "item 5"]);
    assert_eq!(page.items[0].cluster_size, 2, "item 4 retells item 1");
    let rest = store
        .items(&editor, &ItemFilter { limit: 2, cursor: page.next.clone(), ..ItemFilter::default() })
        .await
        .expect("page 2");
    assert_eq!(rest.items.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["item 4"]);
    assert!(rest.next.is_none());
    assert!(matches!(
        store.items(&editor, &ItemFilter { limit: 2, cursor: Some("x".into()), ..ItemFilter::default() }).await,
        Err(StoreError::Rejected(e)) if e.field == "cursor"
    ));

    for role in [Role::Reader, Role::Reviewer, Role::Contributor] {
        assert!(matches!(store.items(&viewer(role), &ItemFilter::default()).await, Err(StoreError::NotFound)));
        assert!(matches!(store.item(&viewer(role), &first.id).await, Err(StoreError::NotFound)));
        assert!(matches!(store.sources(&viewer(role)).await, Err(StoreError::NotFound)));
    }
    assert!(matches!(store.items(&Viewer::anonymous(), &ItemFilter::default()).await, Err(StoreError::NotFound)));

    let dismiss = ItemDecision {
        state: ItemState::Dismissed,
        incident_id: None,
        reason: Some("not a cyber operation".into()),
        version: Some(7),
        whole_cluster: true,
    };
    assert!(matches!(store.decide_item(&actor, &editor, &first.id, &dismiss).await, Err(StoreError::Conflict(_))));
    let decided = store
        .decide_item(&actor, &editor, &first.id, &ItemDecision { version: Some(1), ..dismiss.clone() })
        .await
        .expect("decide");
    assert_eq!(decided.len(), 2, "the whole cluster");
    assert!(decided.iter().all(|i| i.state == ItemState::Dismissed && i.version == 2));
    assert!(matches!(store.decide_item(&actor, &editor, &first.id, &dismiss).await, Err(StoreError::Conflict(_))));
    let open_only = ItemFilter { state: Some(ItemState::Open), limit: 10, ..Default::default() };
    assert_eq!(store.items(&editor, &open_only).await.expect("open").items.len(), 1);
    let audit = store.audit_log(&Viewer::system(), Some("item"), None, 50).await.expect("audit");
    assert_eq!(audit.iter().filter(|e| e.entity == "item" && e.action == "dismissed").count(), 2);
    let training = store.decided_items().await.expect("decided");
    assert_eq!(training.len(), 2);

    let coverage = store.collection_coverage(&editor).await.expect("coverage");
    let tips = coverage.iter().find(|c| c.name == "tips").expect("tips line");
    assert_eq!((tips.items, tips.dismissed, tips.share_used), (3, 2, Some(0.0)));

    store.remove_source(&actor, &s.id).await.expect("remove");
    assert!(store.sources(&editor).await.expect("list").is_empty());
    assert!(matches!(store.remove_source(&actor, &s.id).await, Err(StoreError::NotFound)));
    store.create_source(&actor, &source).await.expect("the name is free again");
}

crate::on_both_backends!(sources_items_and_decisions);
