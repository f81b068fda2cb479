//! Incident search latency on SQLite: N synthetic published incidents (default 1,000,000; set
//! NORMWATCH_BENCH_INCIDENTS), then each query shape 200 times as an anonymous reader — a page
//! of 50, the total and every facet count. Prints p50 and p99 per shape.
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

fn incident(i: usize) -> IncidentInput {
    // A cheap deterministic spread over the vocabularies.
    let h = i.wrapping_mul(2_654_435_761) >> 7;
    let year = 2000 + (h % 24);
    let month = 1 + (h / 24) % 12;
    IncidentInput {
        title: Localized::new("", format!("Intrusion {i} at a {} in {}", WORDS[h % 8], COUNTRIES[h % 12])),
        description: Localized::new("", format!("Synthetic incident {i}: {} targeted.", WORDS[(h / 8) % 8])),
        started: PartialDate::parse(&format!("{year}-{month:02}")).ok(),
        ended: None,
        discovered: None,
        operation_types: vec![OPS[h % 6].to_owned(), OPS[(h / 6) % 6].to_owned()],
        actors: vec![IncidentActor { kind: ActorKind::NonState, name: None, country: None }],
        targets: vec![Target {
            name: "target".into(),
            country: Some(COUNTRIES[(h / 3) % 12].to_owned()),
            sector: Some(SECTORS[(h / 5) % 6].to_owned()),
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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let n: usize = std::env::var("NORMWATCH_BENCH_INCIDENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let store =
            Store::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.expect("store");
        let catalog = Catalog::embedded().expect("catalogue");
        store.load_catalog(&catalog).await.expect("catalogue");
        let t = Instant::now();
        let actor = Actor::system();
        for start in (0..n).step_by(5_000) {
            let batch: Vec<IncidentInput> = (start..(start + 5_000).min(n)).map(incident).collect();
            store.import_ledger_records(&actor, &batch).await.expect("import");
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "stored {n} incidents (record, facets, search text, audit, log leaf) in {secs:.0} s: {:.0}/s",
            n as f64 / secs
        );
        let viewer = Viewer::anonymous();
        let shapes: [(&str, Vec<(&str, &str)>); 6] = [
            ("first page, no filter", vec![]),
            ("country", vec![("country", "UA")]),
            ("country + year", vec![("country", "JP"), ("year", "2017")]),
            ("operation + sector + year", vec![("operation", "ransomware"), ("sector", "ci.health"), ("year", "2021")]),
            ("full text (trigram)", vec![("q", "pipeline")]),
            ("full text + country", vec![("q", "hospital"), ("country", "DE")]),
        ];
        for (name, params) in shapes {
            let q = IncidentQuery::parse(params.iter().copied(), &catalog).expect("query");
            let mut times = Vec::new();
            let mut total = 0;
            for _ in 0..200 {
                let t = Instant::now();
                let page = store.search_incidents(&viewer, &q).await.expect("search");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                total = page.total;
            }
            times.sort_by(|a, b| a.total_cmp(b));
            println!(
                "{name:<28} matches {total:>8}: p50 {:>8.1} ms  p99 {:>8.1} ms",
                percentile(&times, 0.5),
                percentile(&times, 0.99)
            );
        }
    });
}
