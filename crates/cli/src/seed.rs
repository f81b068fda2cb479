//! Loads the recorded G7 Lucca positions into a new instance (once).
use anyhow::{Context, Result, bail};
use normwatch_core::adoption::{PositionInput, SourceRef, StakeholderInput, Stance};
use normwatch_core::{Catalog, Localized, RecordStatus, Tlp};
use normwatch_store::{Actor, Store};
use serde::Deserialize;

const G7_LUCCA: &str = include_str!("../../../seed/g7-lucca-2017.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedStakeholder {
    id: String,
    kind: String,
    #[serde(default)]
    country: Option<String>,
    name: Localized,
    #[serde(default)]
    website: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionSeed {
    document: String,
    stated_on: String,
    stance: Stance,
    norms: Vec<String>,
    stakeholder: Vec<SeedStakeholder>,
}

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    AlreadyThere,
    Loaded { stakeholders: usize, positions: usize },
}

pub async fn g7_lucca(store: &Store, catalog: &Catalog) -> Result<Seeded> {
    let seed: PositionSeed = toml::from_str(G7_LUCCA).context("seed/g7-lucca-2017.toml is not valid")?;
    if store.has_positions_from(&seed.document).await? {
        return Ok(Seeded::AlreadyThere);
    }
    let document = catalog.document(&seed.document).context("the catalogue lacks the G7 Lucca document")?;
    // The seed's norm list must be exactly the norms the catalogue says the declaration states.
    let mut cited: Vec<&str> = catalog.norms_citing_document(&seed.document).iter().map(|n| n.id.as_str()).collect();
    let mut listed: Vec<&str> = seed.norms.iter().map(String::as_str).collect();
    cited.sort();
    listed.sort();
    if cited != listed {
        bail!("seed/g7-lucca-2017.toml lists {listed:?} but the catalogue cites the declaration for {cited:?}");
    }
    let actor = Actor::system();
    let today = time::OffsetDateTime::now_utc().date();
    let mut batch = Vec::new();
    for s in &seed.stakeholder {
        let mut input = StakeholderInput {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind.clone(),
            country: s.country.clone(),
            website: s.website.clone(),
            version: None,
        };
        input.validate(catalog).map_err(|e| anyhow::anyhow!("seed stakeholder `{}`: {e}", s.id))?;
        let mut inputs = Vec::new();
        for norm_id in &seed.norms {
            let paragraph = catalog
                .norm(norm_id)
                .and_then(|n| n.sources.iter().find(|src| src.document == seed.document))
                .map(|src| src.paragraph.clone());
            let input = PositionInput {
                stakeholder: s.id.clone(),
                norm: norm_id.clone(),
                stance: seed.stance,
                stated_on: seed.stated_on.clone(),
                source: SourceRef { url: Some(document.url.clone()), document: Some(seed.document.clone()), paragraph },
                statement: None,
                tlp: Tlp::Clear,
                status: RecordStatus::Published,
                community: None,
            };
            input.validate(catalog, today).map_err(|e| anyhow::anyhow!("seed position {}/{norm_id}: {e}", s.id))?;
            inputs.push(input);
        }
        batch.push((input, inputs));
    }
    // One transaction for the whole seed: the stakeholders, their positions and the positions'
    // log leaves land together, with one commit (a fresh instance's start waits for it).
    let (stakeholders, positions) = store.seed_positions(&actor, &batch).await?;
    Ok(Seeded::Loaded { stakeholders, positions })
}
