//! Violation assessments for an imported data set, for the portal benchmark
//! (`scripts/bench-portal`): the EuRepoC importer brings incidents and attribution claims but no
//! assessments, so the `norm` facet would be empty. For one incident in four that has a
//! published claim naming a state, this publishes one assessment against that state under a
//! norm addressed to states, through the store's import path (record, facet, audit entry, log
//! leaf), after the same validation the API applies. Deterministic.
//! Usage: `cargo run --release -p normwatch-store --example seed_assessments -- sqlite://DIR/normwatch.db`
use normwatch_core::incident::ActorKind;
use normwatch_core::violation::{AllegedActor, AssessmentInput, AttributionInput};
use normwatch_core::{Catalog, Localized, RecordStatus, Tlp, Viewer};
use normwatch_store::{Actor, Store};
use std::collections::BTreeMap;

/// FNV-1a: a stable choice per incident, independent of the run.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("give the database URL, e.g. sqlite://DIR/normwatch.db")?;
    let store = Store::connect(&url).await?;
    let catalog = Catalog::embedded()?;
    let norms: Vec<&str> =
        catalog.norms.iter().filter(|n| n.addressees.iter().any(|a| a == "states")).map(|n| n.id.as_str()).collect();
    let levels: Vec<&str> = catalog
        .taxonomy("assessment-levels")
        .ok_or("no assessment-levels taxonomy")?
        .terms
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    if norms.is_empty() || levels.is_empty() {
        return Err("the catalogue has no state-addressed norm or no assessment level".into());
    }
    let claims =
        store.ledger_records::<AttributionInput>(&Viewer::system(), None, Some(RecordStatus::Published)).await?;
    // The first state-naming claim per incident, in a stable order.
    let mut first: BTreeMap<String, (String, String)> = BTreeMap::new();
    for c in &claims {
        if let Some(state) = &c.body.attributed_to.state {
            first.entry(c.body.incident.clone()).or_insert_with(|| (state.clone(), c.body.attributor.name.clone()));
        }
    }
    let mut inputs = Vec::new();
    for (incident, (state, attributor)) in &first {
        let h = hash(incident);
        if !h.is_multiple_of(4) {
            continue;
        }
        let input = AssessmentInput {
            incident: incident.clone(),
            norm: norms[(h / 4 % norms.len() as u64) as usize].to_owned(),
            actor: AllegedActor {
                kind: ActorKind::State,
                state: Some(state.clone()),
                group: None,
                responsibility: None,
            },
            level: levels[(h / 64 % levels.len() as u64) as usize].to_owned(),
            rationale: Localized::new("", format!("Assessed from the attribution to {state} by {attributor}.")),
            evidence: vec![],
            sources: vec![],
            tlp: Tlp::Clear,
            status: RecordStatus::Published,
            stakeholder: None,
            community: None,
        };
        input.validate(&catalog).map_err(|e| format!("assessment of {incident}: {e}"))?;
        inputs.push(input);
    }
    let mut created = 0;
    for chunk in inputs.chunks(250) {
        created += store.import_ledger_records(&Actor::system(), chunk).await?.created;
    }
    println!("{created} assessments published ({} incidents with a claim naming a state)", first.len());
    store.close().await;
    Ok(())
}
