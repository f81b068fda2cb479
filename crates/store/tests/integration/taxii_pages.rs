//! TAXII pages as a server reads them again and again: a page read before may be handed out again
//! (on SQLite it is kept), but never once an object was added — by this store or by another one
//! on the same database — and never to a reader whose markings would not have read it.
use crate::catalog::fresh_url;
use normwatch_core::{Tlp, Viewer};
use normwatch_store::{Backend, NewStixObject, StixFilter, StixScope, Store, VersionMatch};

fn object(n: usize) -> NewStixObject {
    let id = format!("indicator--00000000-0000-4000-8000-{n:012}");
    let modified = "2026-01-01T00:00:00.000Z".to_owned();
    NewStixObject {
        body: format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"{id}","created":"{modified}","modified":"{modified}","pattern":"[ipv4-addr:value = '10.0.0.{n}']","pattern_type":"stix","valid_from":"{modified}"}}"#
        ),
        stix_id: id,
        stix_type: "indicator".to_owned(),
        spec_version: "2.1".to_owned(),
        version_key: normwatch_store::timestamp_key(&modified).expect("timestamp"),
        modified: Some(modified),
        created_by_ref: None,
    }
}

fn first_page(limit: usize) -> StixFilter {
    StixFilter { limit, versions: VersionMatch::Last, ..Default::default() }
}

fn ids(page: &normwatch_store::StixPage) -> Vec<String> {
    page.rows.iter().map(|r| r.stix_id.clone()).collect()
}

async fn pages_follow_every_write(backend: Backend) {
    let (url, _dir) = fresh_url(backend).await;
    let a = Store::connect(&url).await.expect("first server");
    let b = Store::connect(&url).await.expect("second server");
    let clear = StixScope::public(Tlp::Clear);
    let green = StixScope::public(Tlp::Green);
    let anyone = Viewer::anonymous();
    let admin = Viewer::system();

    a.add_stix_objects(&clear, "import", None, &[object(1), object(2), object(3)]).await.expect("add");
    let once = a.stix_objects_synced(&anyone, &clear, &first_page(2)).await.expect("page");
    let again = a.stix_objects_synced(&anyone, &clear, &first_page(2)).await.expect("page again");
    assert_eq!(ids(&once), ids(&again));
    assert_eq!(once.rows.len(), 2);
    assert!(once.more);
    if backend == Backend::Sqlite {
        assert!(std::sync::Arc::ptr_eq(&once, &again), "SQLite keeps a page read before");
    }

    // A write through the other store, then through this one: each is seen at once.
    b.add_stix_objects(&clear, "import", None, &[object(4)]).await.expect("add through b");
    let all = a.stix_objects_synced(&anyone, &clear, &first_page(10)).await.expect("page");
    assert_eq!(all.rows.len(), 4, "{:?}", ids(&all));
    let first = a.stix_objects_synced(&anyone, &clear, &first_page(2)).await.expect("page");
    assert_eq!(ids(&first), ids(&once), "the first page is the same objects");
    a.add_stix_objects(&clear, "import", None, &[object(5)]).await.expect("add through a");
    let b_reads = b.stix_objects_synced(&anyone, &clear, &first_page(10)).await.expect("page");
    assert_eq!(b_reads.rows.len(), 5);
    let a_reads = a.stix_objects_synced(&anyone, &clear, &first_page(10)).await.expect("page");
    assert_eq!(ids(&a_reads), ids(&b_reads));

    // A page an administrator read is not a page for a reader without the marking.
    a.add_stix_objects(&green, "import", None, &[object(6)]).await.expect("add green");
    let seen = a.stix_objects_synced(&admin, &green, &first_page(10)).await.expect("admin page");
    assert_eq!(ids(&seen), vec![object(6).stix_id]);
    let hidden = a.stix_objects_synced(&anyone, &green, &first_page(10)).await.expect("anonymous page");
    assert!(hidden.rows.is_empty(), "TLP:GREEN is not for a reader signed out: {:?}", ids(&hidden));
    let seen_again = a.stix_objects_synced(&admin, &green, &first_page(10)).await.expect("admin page");
    assert_eq!(ids(&seen_again), ids(&seen));
}

crate::on_both_backends!(pages_follow_every_write);
