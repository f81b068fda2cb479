//! The catalogue in the database, on SQLite and on PostgreSQL.
use normwatch_core::{Catalog, NormQuery};
use normwatch_store::{Backend, CatalogLoad, Store};

/// A fresh database: an SQLite file in a temp dir, or a new PostgreSQL database on the server the
/// test script started (`NORMWATCH_TEST_POSTGRES`). Without that server, the PostgreSQL case fails
/// and says how to get one (it never skips).
pub(crate) async fn fresh(backend: Backend) -> (Store, tempfile::TempDir) {
    let (url, dir) = fresh_url(backend).await;
    (Store::connect(&url).await.expect("connect and migrate"), dir)
}

/// The URL of a fresh, empty database (and the folder a SQLite one lives in).
pub(crate) async fn fresh_url(backend: Backend) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("t.db").display()),
        Backend::Postgres => {
            let admin = match std::env::var("NORMWATCH_TEST_POSTGRES") {
                Ok(u) if !u.is_empty() => u,
                _ => panic!(
                    "needs PostgreSQL: run `bash scripts/test`, or set NORMWATCH_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres"
                ),
            };
            use sqlx::{Connection, Executor, PgConnection};
            let name = format!("nw_store_{}", uuid::Uuid::new_v4().simple());
            let mut conn = PgConnection::connect(&admin).await.expect("connect");
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")))
                .await
                .expect("create db");
            format!("{}/{name}", admin.rsplit_once('/').expect("url with a database").0)
        }
    };
    (url, dir)
}

async fn versions_and_withdrawals(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    assert!(store.catalog_version().await.expect("query").is_none());
    let catalog = Catalog::embedded().expect("valid");
    assert_eq!(
        store.load_catalog(&catalog).await.expect("load"),
        CatalogLoad::Loaded {
            version: 1,
            entries: catalog.documents.len()
                + catalog.principles.len()
                + catalog.framework.len()
                + catalog.recommendations.len()
                + catalog.norms.len()
                + catalog.taxonomies.len()
                + catalog.standards.len()
                + catalog.baselines.len(),
        }
    );
    assert_eq!(store.load_catalog(&catalog).await.expect("load"), CatalogLoad::Unchanged { version: 1 });
    let stored = store.catalog().await.expect("read back");
    assert_eq!(stored.digest, catalog.digest);
    assert_eq!(stored.norms.len(), 20);
    assert_eq!(
        stored.norms.iter().map(|n| &n.id).collect::<Vec<_>>(),
        catalog.norms.iter().map(|n| &n.id).collect::<Vec<_>>(),
        "file order kept"
    );

    // A new catalogue without gcsc-8: version 2; gcsc-8 leaves the lists but stays readable.
    let mut next = catalog.clone();
    next.norms.retain(|n| n.id != "gcsc-8");
    next.digest = format!("{}-next", catalog.digest);
    assert_eq!(store.load_catalog(&next).await.expect("load").version(), 2);
    let list = store.norms(&NormQuery::default()).await.expect("list");
    assert_eq!(list.len(), 19);
    assert!(list.iter().all(|n| n.id != "gcsc-8"));
    assert!(store.norm("gcsc-8").await.expect("get").is_some(), "records may still cite a withdrawn norm");
    assert_eq!(store.catalog().await.expect("read").norms.len(), 19);
    // Loading the first catalogue again brings it back as version 3.
    assert_eq!(store.load_catalog(&catalog).await.expect("load").version(), 3);
    assert_eq!(store.norms(&NormQuery::default()).await.expect("list").len(), 20);
}

async fn search_and_filters(backend: Backend) {
    let (store, _dir) = fresh(backend).await;
    let catalog = Catalog::embedded().expect("valid");
    store.load_catalog(&catalog).await.expect("load");
    let q = |pairs: &[(&str, &str)]| NormQuery::parse(pairs.iter().copied(), &catalog).expect("valid query");
    let ids = |norms: Vec<normwatch_core::Norm>| norms.into_iter().map(|n| n.id).collect::<Vec<_>>();
    let found = ids(store.norms(&q(&[("q", "脆弱性")])).await.expect("search"));
    assert!(found.contains(&"gcsc-5".into()) && found.contains(&"gcsc-6".into()), "{found:?}");
    // Every result really contains the word; every non-result really lacks it.
    for n in &catalog.norms {
        assert_eq!(found.contains(&n.id), n.search_text().contains("脆弱性"), "{}", n.id);
    }
    let short = ids(store.norms(&q(&[("q", "選挙")])).await.expect("search"));
    for n in &catalog.norms {
        assert_eq!(short.contains(&n.id), n.search_text().contains("選挙"), "{}", n.id);
    }
    let lucca6 = ids(store.norms(&q(&[("source", "g7-lucca-2017"), ("paragraph", "6")])).await.expect("filter"));
    assert_eq!(lucca6, vec!["gge-f"]);
    let combined = ids(store
        .norms(&q(&[("addressee", "states"), ("principle", "restraint"), ("q", "infrastructure")]))
        .await
        .expect("filter"));
    for id in &combined {
        let n = catalog.norm(id).expect("norm");
        assert!(n.addresses("states") && n.principles.contains(&"restraint".into()));
        assert!(n.search_text().to_lowercase().contains("infrastructure"));
    }
    assert!(!combined.is_empty());
}

crate::on_both_backends!(versions_and_withdrawals, search_and_filters);
