//! The write clock that tells a server its figures are stale moves with every commit, in commit
//! order — also when two writers on PostgreSQL commit in the opposite order to the one in which
//! their audit rows were numbered (what two servers on one database do).
use crate::catalog::fresh_url;
use normwatch_store::{Backend, Store};
use sqlx::{Connection, Executor, PgConnection};
use std::time::Duration;

const WRITE: &str = "INSERT INTO audit_log (at, actor, action, entity, entity_id) \
                     VALUES ('2026-12-06T00:00:00Z', 'someone', 'create', 'incident', 'x')";

#[tokio::test]
async fn every_commit_moves_the_write_clock_on_postgres() {
    let (url, _dir) = fresh_url(Backend::Postgres).await;
    let store = Store::connect(&url).await.expect("connect and migrate");
    let start = store.audit_version().await.expect("version");

    // The first writer numbers its audit row and stays open.
    let mut first = PgConnection::connect(&url).await.expect("connect");
    first.execute("BEGIN").await.expect("begin");
    first.execute(WRITE).await.expect("first write");
    // The second numbers its row after the first's and commits as soon as it may.
    let second_url = url.clone();
    let second = tokio::spawn(async move {
        let mut c = PgConnection::connect(&second_url).await.expect("connect");
        c.execute("BEGIN").await.expect("begin");
        c.execute(WRITE).await.expect("second write");
        c.execute("COMMIT").await.expect("commit");
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = store.audit_version().await.expect("version");
    first.execute("COMMIT").await.expect("commit");
    let after_first = store.audit_version().await.expect("version");
    assert_ne!(after_first, before, "the first writer's commit moves the clock, whatever committed before it");
    second.await.expect("second writer");
    // The second may have committed already when the first's was read: it moved it too.
    let after_both = store.audit_version().await.expect("version");
    assert_eq!(after_both, start + 2, "one step per audited write");
}

#[tokio::test]
async fn every_commit_moves_the_write_clock_on_sqlite() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let store = Store::connect(&url).await.expect("connect and migrate");
    let start = store.audit_version().await.expect("version");
    let mut c = sqlx::SqliteConnection::connect(&url).await.expect("connect");
    c.execute(WRITE).await.expect("write");
    assert_eq!(store.audit_version().await.expect("version"), start + 1);
}
