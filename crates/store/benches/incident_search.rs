//! Incident search latency: N synthetic published incidents (default 1,000,000; set
//! NORMWATCH_BENCH_INCIDENTS) on SQLite, or on PostgreSQL with NORMWATCH_BENCH_POSTGRES set to a
//! server's admin URL (a fresh database is made there). Each query shape then runs as an
//! anonymous reader — a page of 50, the total and every facet count — through the search index
//! (200 times) and, side by side, through the SQL search alone (NORMWATCH_BENCH_SQL_RUNS times,
//! default 10; 0 skips it). Prints p50 and p99 per shape and path. With NORMWATCH_BENCH_SQLITE set
//! to a SQLite file (a data dir's `normwatch.db` after `normwatch init`) the incidents go there and
//! stay, so that a server can be run on them afterwards (`scripts/bench-scale` with
//! BENCH_KEEP_SQLITE); NORMWATCH_BENCH_SEEDED=1 then measures such a file again without seeding.
//! Run with `cargo bench -p normwatch-store --bench incident_search`.
use normwatch_core::incident::{
    ActorKind, Impact, IncidentActor, IncidentInput, IncidentQuery, Origin, PartialDate, Target,
};
use normwatch_core::{Catalog, Localized, RecordStatus, Tlp, Viewer};
use normwatch_store::{Actor, Store};
use std::time::Instant;

const COUNTRIES: [&str; 12] = ["US", "UA", "JP", "DE", "FR", "GB", "IN", "KR", "IL", "BR", "AU", "CA"];
const OPS: [&str; 6] = ["espionage", "data-theft", "denial-of-service", "ransomware", "defacement", "sabotage"];
const SECTORS: [&str; 6] = ["ci.energy", "ci.health", "ci.finance", "ci.government", "ci.telecom", "ci.transport"];
const WORDS: [&str; 8] = ["ministry", "hospital", "pipeline", "election", "bank", "utility", "telecom", "railway"];

/// A cheap deterministic hash, different per attribute so that attributes vary independently.
fn pick(i: usize, salt: usize, n: usize) -> usize {
    // splitmix64 over (i, salt): attributes independent of one another.
    let mut z = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (salt as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % n as u64) as usize
}

fn incident(i: usize) -> IncidentInput {
    let year = 2000 + pick(i, 1, 24);
    let month = 1 + pick(i, 2, 12);
    let country = COUNTRIES[pick(i, 3, 12)];
    IncidentInput {
        title: Localized::new("", format!("Intrusion {i} at a {} in {country}", WORDS[pick(i, 4, 8)])),
        description: Localized::new("", format!("Synthetic incident {i}: {} targeted.", WORDS[pick(i, 5, 8)])),
        started: PartialDate::parse(&format!("{year}-{month:02}")).ok(),
        ended: None,
        discovered: None,
        operation_types: vec![OPS[pick(i, 6, 6)].to_owned(), OPS[pick(i, 7, 6)].to_owned()],
        actors: vec![IncidentActor { kind: ActorKind::NonState, name: None, country: None }],
        targets: vec![Target {
            name: "target".into(),
            country: Some(country.to_owned()),
            sector: Some(SECTORS[pick(i, 8, 6)].to_owned()),
            asset_classes: vec![],
            kind: None,
        }],
        sources: vec![],
        impact: Impact::default(),
        tlp: Tlp::Clear,
        status: RecordStatus::Published,
        stakeholder: None,
        community: None,
        origin: Some(Origin { dataset: "bench".into(), id: i.to_string(), url: None, fields: Default::default() }),
    }
}

/// Rows beyond the first 20,000 go straight into the tables the search reads (incidents, their
/// facets and search text), as the store writes them, without audit entries or log leaves:
/// the publication path's own rate is measured on the first 20,000.
async fn bulk_insert(url: &str, range: std::ops::Range<usize>) {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let mut tx = conn.begin().await.expect("tx");
    for i in range {
        let input = incident(i);
        let id = uuid::Uuid::now_v7().to_string();
        let start = input.started.as_ref().map(PartialDate::earliest_day).unwrap_or_else(|| "0000-00-00".into());
        let year = input.started.as_ref().map(|d| i64::from(d.year()));
        sqlx::query(
            "INSERT INTO incidents (id, title_ja, title_en, start_key, start_year, origin_dataset, origin_id, tlp, status,
               recorded_by, body, published_on, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, 'bench', $6, 'clear', 'published', 'system', $7, '2026-01-01', '2026-01-01T00:00:00.000Z',
               '2026-01-01T00:00:00.000Z', 1)",
        )
        .bind(&id)
        .bind(&input.title.ja)
        .bind(&input.title.en)
        .bind(&start)
        .bind(year)
        .bind(i.to_string())
        .bind(serde_json::to_string(&input).expect("json"))
        .execute(&mut *tx)
        .await
        .expect("incident");
        let t = &input.targets[0];
        let mut facets =
            vec![("country", t.country.clone().unwrap_or_default()), ("sector", t.sector.clone().unwrap_or_default())];
        for op in &input.operation_types {
            if !facets.iter().any(|(f, v)| *f == "operation" && v == op) {
                facets.push(("operation", op.clone()));
            }
        }
        for (facet, value) in facets {
            sqlx::query("INSERT INTO incident_facets (incident_id, facet, value, source_id) VALUES ($1, $2, $3, $4)")
                .bind(&id)
                .bind(facet)
                .bind(value)
                .bind(&id)
                .execute(&mut *tx)
                .await
                .expect("facet");
        }
        sqlx::query("INSERT INTO incident_search (incident_id, body) VALUES ($1, $2)")
            .bind(&id)
            .bind(format!("{}\n{}", input.title.en, input.description.en))
            .execute(&mut *tx)
            .await
            .expect("search");
    }
    tx.commit().await.expect("commit");
}

/// A query shape: its name, its filters, which page (following cursors), and how many times it runs.
type Shape = (&'static str, Vec<(&'static str, &'static str)>, usize, usize);

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let n: usize = std::env::var("NORMWATCH_BENCH_INCIDENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let url = match std::env::var("NORMWATCH_BENCH_POSTGRES") {
            Ok(admin) if !admin.is_empty() => {
                use sqlx::{Connection, Executor, PgConnection};
                // NORMWATCH_BENCH_POSTGRES_DB=NAME: a database kept by name (made when missing), so
                // that a seeded one can be measured again (NORMWATCH_BENCH_SEEDED=1).
                let kept = std::env::var("NORMWATCH_BENCH_POSTGRES_DB").ok().filter(|n| !n.is_empty());
                let name = kept.clone().unwrap_or_else(|| format!("nw_bench_{}", uuid::Uuid::now_v7().simple()));
                assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "NORMWATCH_BENCH_POSTGRES_DB: letters, digits and _");
                let mut conn = PgConnection::connect(&admin).await.expect("connect to NORMWATCH_BENCH_POSTGRES");
                let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&name)
                    .fetch_optional(&mut conn)
                    .await
                    .expect("list databases")
                    .is_some();
                let seeded = std::env::var("NORMWATCH_BENCH_SEEDED").is_ok_and(|v| v == "1");
                assert!(
                    !exists || seeded,
                    "NORMWATCH_BENCH_POSTGRES_DB={name} exists: set NORMWATCH_BENCH_SEEDED=1 to measure it again, or drop it to seed it anew"
                );
                if !exists {
                    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")))
                        .await
                        .expect("create the bench database");
                }
                format!("{}/{name}", admin.rsplit_once('/').expect("a URL ending in /DATABASE").0)
            }
            _ => match std::env::var("NORMWATCH_BENCH_SQLITE") {
                Ok(path) if !path.is_empty() => format!("sqlite://{path}"),
                _ => format!("sqlite://{}", dir.path().join("bench.db").display()),
            },
        };
        let sql_runs: usize =
            std::env::var("NORMWATCH_BENCH_SQL_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
        let store = Store::connect(&url).await.expect("store");
        println!("backend: {}", store.backend().name());
        let catalog = Catalog::embedded().expect("catalogue");
        store.load_catalog(&catalog).await.expect("catalogue");
        // NORMWATCH_BENCH_SEEDED=1: the file holds the N incidents of an earlier run already.
        let seeded = std::env::var("NORMWATCH_BENCH_SEEDED").is_ok_and(|v| v == "1");
        let t = Instant::now();
        let actor = Actor::system();
        let through_store = if seeded { 0 } else { n.min(20_000) };
        for start in (0..through_store).step_by(5_000) {
            let batch: Vec<IncidentInput> = (start..(start + 5_000).min(through_store)).map(incident).collect();
            store.import_ledger_records(&actor, &batch).await.expect("import");
        }
        let secs = t.elapsed().as_secs_f64();
        if seeded {
            let held = store.search_incidents(&Viewer::system(), &IncidentQuery::parse(std::iter::empty::<(&str, &str)>(), &catalog).expect("query")).await.expect("count").total;
            assert_eq!(held, n as i64, "NORMWATCH_BENCH_SEEDED: the file holds {held} incidents, not {n}");
            println!("seeded before: {n} incidents");
        } else {
        println!(
            "publication path: {through_store} incidents (record, facets, search text, audit, log leaf) in {secs:.0} s: {:.0}/s",
            through_store as f64 / secs
        );
        let t = Instant::now();
        for start in (through_store..n).step_by(50_000) {
            bulk_insert(&url, start..(start + 50_000).min(n)).await;
        }
        if n > through_store {
            println!("bulk rows: {} more incidents in {:.0} s", n - through_store, t.elapsed().as_secs_f64());
        }
        }
        if store.backend() == normwatch_store::Backend::Postgres {
            // As autovacuum would soon after a large import: without statistics PostgreSQL
            // plans the SQL search's subqueries as nested loops (minutes at 30,000).
            use sqlx::{Connection, Executor};
            let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
            conn.execute("ANALYZE").await.expect("analyze");
        }
        let rss = || {
            std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|t| t.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
                .unwrap_or(0)
        };
        let before = rss();
        let t = Instant::now();
        store.warm_search_index().await.expect("index");
        println!(
            "search index built over {n} incidents in {:.1} s; resident memory {} MiB before, {} MiB after",
            t.elapsed().as_secs_f64(),
            before / 1024,
            rss() / 1024
        );
        let viewer = Viewer::anonymous();
        // (name, filters, page, runs). Full-text terms are matched in the database on their first
        // run and kept after that; the first run is printed on its own.
        let shapes: [Shape; 10] = [
            ("first page, no filter", vec![], 1, 200),
            ("page 6, no filter", vec![], 6, 200),
            ("by title, no filter", vec![("sort", "title_en")], 1, 200),
            ("by title desc + country", vec![("sort", "-title_ja"), ("country", "UA")], 1, 200),
            ("country", vec![("country", "UA")], 1, 200),
            ("country + year", vec![("country", "JP"), ("year", "2017")], 1, 200),
            ("operation + sector + year", vec![("operation", "ransomware"), ("sector", "ci.health"), ("year", "2021")], 1, 200),
            ("full text, rare term", vec![("q", "123457")], 1, 200),
            ("full text, common word", vec![("q", "pipeline")], 1, 200),
            ("common word + country", vec![("q", "hospital"), ("country", "DE")], 1, 200),
        ];
        for (name, params, page, runs) in shapes {
            let mut q = IncidentQuery::parse(params.iter().copied(), &catalog).expect("query");
            // Page N: the cursor the page before it hands on.
            for _ in 1..page {
                let before = store.search_incidents(&viewer, &q).await.expect("search");
                let next = before.next.expect("a next page");
                q.cursor = Some(normwatch_core::incident::IncidentCursor::parse(&next).expect("cursor"));
            }
            // The index with the match set, its counts and the link groups kept from the run
            // before (as the same search asked again before any write), the index with nothing
            // kept (as for a search not asked since the last write; the write's own cost, the
            // index taking in its changes, is not timed), then the SQL search alone, alternating
            // per run so that all see the same machine.
            let (mut index, mut cold, mut sql) = (Vec::new(), Vec::new(), Vec::new());
            let mut total = 0;
            for run in 0..runs {
                let t = Instant::now();
                let page = store.search_incidents(&viewer, &q).await.expect("search");
                index.push(t.elapsed().as_secs_f64() * 1000.0);
                total = page.total;
                store.forget_search_counts().await;
                let t = Instant::now();
                let again = store.search_incidents(&viewer, &q).await.expect("search");
                cold.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(again.facets, page.facets, "{name}: kept counts are the counts");
                if run < sql_runs {
                    let t = Instant::now();
                    let by_sql = store.search_incidents_sql(&viewer, &q).await.expect("sql search");
                    sql.push(t.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(by_sql.total, total, "{name}: the SQL search counts what the index counts");
                    let ids = |p: &normwatch_store::IncidentPage| p.incidents.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
                    assert_eq!(ids(&by_sql), ids(&page), "{name}: the SQL search lists what the index lists");
                }
            }
            let line = |times: &mut Vec<f64>| {
                times.sort_by(|a, b| a.total_cmp(b));
                format!(
                    "p50 {:>8.2} ms  p99 {:>8.2} ms  ({} runs)",
                    percentile(times, 0.5),
                    percentile(times, 0.99),
                    times.len()
                )
            };
            let first = index[0];
            println!("{name:<28} matches {total:>8}: index {}, first {first:.1} ms", line(&mut index));
            println!("{:<46}cold  {}", "", line(&mut cold));
            if !sql.is_empty() {
                println!("{:<46}SQL   {}", "", line(&mut sql));
            }
        }
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|t| t.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
            .unwrap_or_default();
        println!("peak resident memory of the bench process: {}", rss.trim_start_matches("VmHWM:").trim());
    });
}
