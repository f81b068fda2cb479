//! Records received from a peer, on both backends (on SQLite they are written on the direct
//! path, on PostgreSQL through sqlx): kept once with their provenance, the page's cursor moved in
//! the same transaction, a batch that fails leaves neither records nor cursor, and a correction
//! at the origin is read as superseding what it corrects.
use crate::catalog::fresh;
use normwatch_core::Viewer;
use normwatch_store::{Actor, Backend, FederatedFilter, NewFederatedRecord, NewPeer, PeerCursor};
use serde_json::json;

fn record(peer: &str, id: &str, index: u64, supersedes: Option<&str>) -> NewFederatedRecord {
    let mut body = json!({"id": id, "title": format!("incident {id} «ü»"), "tlp": "clear", "log_index": index});
    if let Some(s) = supersedes {
        body["supersedes"] = json!(s);
    }
    NewFederatedRecord {
        peer_id: peer.into(),
        record_kind: "incident".into(),
        origin_id: id.into(),
        origin: "a.example/normwatch".into(),
        log_index: index,
        checkpoint_size: 10,
        stix_id: format!("incident--{id}"),
        tlp: "clear".into(),
        community: None,
        body,
    }
}

async fn records_are_kept_once_with_their_cursor(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    let actor = Actor("admin".into());
    let peer = store
        .create_peer(
            &actor,
            &NewPeer {
                url: "https://a.example".into(),
                origin: "a.example/normwatch".into(),
                verifier_key: "a.example/normwatch+00000000+AAAA".into(),
                token: None,
            },
        )
        .await
        .expect("peer");
    let cursor = |last: &'static str| PeerCursor { peer_id: &peer.id, collection: "clear", last_added: last };

    let page = vec![record(&peer.id, "r1", 1, None), record(&peer.id, "r2", 2, None)];
    let kept = store.keep_federated(&page, Some(&cursor("2026-12-01T00:00:00.000Z"))).await.expect("keep");
    assert_eq!(kept, 2);
    // The same page again (a sync that resumes) keeps nothing twice; the cursor moves on.
    let again = vec![record(&peer.id, "r2", 2, None), record(&peer.id, "r3", 3, Some("r1"))];
    let kept = store.keep_federated(&again, Some(&cursor("2026-12-02T00:00:00.000Z"))).await.expect("keep");
    assert_eq!(kept, 1);
    let read = store.peer(&peer.id).await.expect("read").expect("peer");
    assert_eq!(read.records, 3);
    assert_eq!(read.cursors.get("clear").map(String::as_str), Some("2026-12-02T00:00:00.000Z"));

    // A batch that fails (a peer that does not exist) keeps nothing of it and moves no cursor.
    let broken = vec![record(&peer.id, "r4", 4, None), record("no-such-peer", "r5", 5, None)];
    assert!(store.keep_federated(&broken, Some(&cursor("2026-12-03T00:00:00.000Z"))).await.is_err());
    let read = store.peer(&peer.id).await.expect("read").expect("peer");
    assert_eq!(read.records, 3, "nothing of the failed batch is kept");
    assert_eq!(read.cursors.get("clear").map(String::as_str), Some("2026-12-02T00:00:00.000Z"));

    // Provenance and body as received; the correction supersedes what it corrects.
    let filter = FederatedFilter { limit: 10, ..FederatedFilter::default() };
    let listed = store.federated_records(&Viewer::anonymous(), &filter).await.expect("list");
    let r1 = listed.iter().find(|r| r.origin_id == "r1").expect("r1 listed");
    assert_eq!((r1.log_index, r1.checkpoint_size, r1.origin.as_str()), (1, 10, "a.example/normwatch"));
    assert_eq!(r1.record["title"], "incident r1 «ü»");
    assert_eq!(r1.superseded_by.as_deref(), Some("r3"));
    assert_eq!(r1.peer_url, "https://a.example");
}

crate::on_both_backends!(records_are_kept_once_with_their_cursor);
