//! `Store::import_stix_objects`, the bulk import's way in (on SQLite the direct write connection,
//! on PostgreSQL sqlx): the same rules as every other write of STIX objects — a version held is
//! unchanged, a new version becomes the latest and the first stays the first, a new version whose
//! creator differs from the first version's is refused, and a page kept for TAXII is not handed
//! out once the import added something.
use crate::catalog::fresh_url;
use normwatch_core::{Tlp, Viewer};
use normwatch_store::{Backend, NewStixObject, StixFilter, StixScope, Store, VersionMatch};

const ACME: &str = "identity--0d4a4ac8-e8a3-4c8d-a3e8-5a7a9c1f0c11";
const OTHER: &str = "identity--8f3c9a5e-1b2d-4e6f-9a7b-3c4d5e6f7a8b";

fn version(n: usize, modified: &str, creator: &str) -> NewStixObject {
    let id = format!("malware--00000000-0000-4000-8000-{n:012}");
    NewStixObject {
        body: format!(
            r#"{{"type":"malware","spec_version":"2.1","id":"{id}","created":"2026-01-01T00:00:00.000Z","modified":"{modified}","name":"m{n}","is_family":true,"created_by_ref":"{creator}"}}"#
        ),
        stix_id: id,
        stix_type: "malware".to_owned(),
        spec_version: "2.1".to_owned(),
        version_key: normwatch_store::timestamp_key(modified).expect("timestamp"),
        modified: Some(modified.to_owned()),
        created_by_ref: Some(creator.to_owned()),
    }
}

fn filter(versions: VersionMatch) -> StixFilter {
    StixFilter { limit: 100, versions, ..Default::default() }
}

/// (id, modified) of each row of a page.
async fn read(store: &Store, scope: &StixScope, versions: VersionMatch) -> Vec<(String, Option<String>)> {
    let page = store.stix_objects_synced(&Viewer::anonymous(), scope, &filter(versions)).await.expect("page");
    let mut rows: Vec<_> = page.rows.iter().map(|r| (r.stix_id.clone(), r.modified.clone())).collect();
    rows.sort();
    rows
}

async fn imports_follow_the_versioning_rules(backend: Backend) {
    let (url, _dir) = fresh_url(backend).await;
    let store = Store::connect(&url).await.expect("store");
    let clear = StixScope::public(Tlp::Clear);
    let (jan, feb, mar) = ("2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z");

    let first =
        store.import_stix_objects(&clear, vec![version(1, jan, ACME), version(2, jan, ACME)]).await.expect("import");
    assert_eq!((first.added, first.unchanged, first.refused.len()), (2, 0, 0));
    let kept =
        store.stix_objects_synced(&Viewer::anonymous(), &clear, &filter(VersionMatch::Last)).await.expect("page");
    assert_eq!(kept.rows.len(), 2);

    // Again: nothing changes. Then a new version of 1 by its creator, one of 2 by someone else,
    // and the version of 1 held again, in one batch.
    let again = store.import_stix_objects(&clear, vec![version(1, jan, ACME)]).await.expect("again");
    assert_eq!((again.added, again.unchanged), (0, 1));
    let next = store
        .import_stix_objects(&clear, vec![version(1, feb, ACME), version(2, mar, OTHER), version(1, jan, ACME)])
        .await
        .expect("new versions");
    assert_eq!((next.added, next.unchanged), (1, 1), "{next:?}");
    assert_eq!(next.refused.len(), 1, "{next:?}");
    let (id, modified, why) = &next.refused[0];
    assert_eq!((id.as_str(), modified.as_deref()), (version(2, mar, OTHER).stix_id.as_str(), Some(mar)));
    assert!(why.contains("created_by_ref differs"), "{why}");

    let one = version(1, jan, ACME).stix_id;
    let two = version(2, jan, ACME).stix_id;
    let latest = read(&store, &clear, VersionMatch::Last).await;
    assert_eq!(latest, vec![(one.clone(), Some(feb.to_owned())), (two.clone(), Some(jan.to_owned()))]);
    let earliest = read(&store, &clear, VersionMatch::First).await;
    assert_eq!(earliest, vec![(one.clone(), Some(jan.to_owned())), (two.clone(), Some(jan.to_owned()))]);
    assert_eq!(read(&store, &clear, VersionMatch::All).await.len(), 3);

    // The page read before the import is not what a reader gets after it (the same query: on
    // SQLite the page kept for it).
    let after =
        store.stix_objects_synced(&Viewer::anonymous(), &clear, &filter(VersionMatch::Last)).await.expect("page");
    let modified = |p: &normwatch_store::StixPage| {
        let mut rows: Vec<_> = p.rows.iter().map(|r| (r.stix_id.clone(), r.modified.clone())).collect();
        rows.sort();
        rows
    };
    assert_ne!(modified(&kept), modified(&after), "a kept page outlived an import");
    assert_eq!(modified(&after), latest);

    // Another scope keeps its own copy; TLP:GREEN is not for a reader signed out.
    let green = StixScope::public(Tlp::Green);
    let other = store.import_stix_objects(&green, vec![version(1, jan, ACME)]).await.expect("green");
    assert_eq!(other.added, 1);
    assert!(read(&store, &green, VersionMatch::All).await.is_empty());
    let admin = store.stix_objects_synced(&Viewer::system(), &green, &filter(VersionMatch::All)).await.expect("page");
    assert_eq!(admin.rows.len(), 1);
    // An empty batch is no write at all: the head does not move, so a kept page stays kept.
    let before =
        store.stix_objects_synced(&Viewer::anonymous(), &clear, &filter(VersionMatch::All)).await.expect("page");
    assert_eq!(store.import_stix_objects(&clear, vec![]).await.expect("empty"), Default::default());
    let after =
        store.stix_objects_synced(&Viewer::anonymous(), &clear, &filter(VersionMatch::All)).await.expect("page");
    assert_eq!(after.rows.len(), 3);
    if backend == Backend::Sqlite {
        assert!(std::sync::Arc::ptr_eq(&before, &after), "an empty import moved the head");
    }
}

crate::on_both_backends!(imports_follow_the_versioning_rules);

/// A new SQLite file gets 16 KiB pages, which the bodies above a kilobyte need: the page size
/// is set on the connection that switches the file to WAL (that switch is its first write).
#[tokio::test]
async fn a_new_sqlite_file_has_large_pages() {
    use sqlx::{Connection, SqliteConnection};
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let store = Store::connect(&url).await.expect("store");
    store.close().await;
    let mut conn = SqliteConnection::connect(&url).await.expect("connect");
    let (size,): (i64,) = sqlx::query_as("PRAGMA page_size").fetch_one(&mut conn).await.expect("page_size");
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut conn).await.expect("journal_mode");
    assert_eq!((size, mode.as_str()), (16384, "wal"));
}
