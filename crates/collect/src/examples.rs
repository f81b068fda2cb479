//! Training examples from coded incidents (EuRepoC as the CLI reads it, or our own records):
//! the text is the title and description; the labels are what coders recorded.
use crate::classify::{Example, Family};
use normwatch_core::incident::{ActorKind, IncidentInput};
use normwatch_core::violation::{AttributionInput, ResponseInput};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// One example per incident with text. `claims` and `responses` name their incident by its id
/// in the dataset (`origin.id`).
pub fn examples(
    incidents: &[IncidentInput],
    claims: &[(String, AttributionInput)],
    responses: &[(String, ResponseInput)],
) -> Vec<Example> {
    let claimed: HashSet<&str> = claims.iter().map(|(id, _)| id.as_str()).collect();
    let responded: HashSet<&str> = responses.iter().map(|(id, _)| id.as_str()).collect();
    incidents
        .iter()
        .filter_map(|inc| {
            let text = [&inc.title.en, &inc.description.en, &inc.title.ja, &inc.description.ja]
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim())
                .collect::<Vec<_>>()
                .join("\n");
            if text.is_empty() {
                return None;
            }
            let id = inc.origin.as_ref().map(|o| o.id.as_str()).unwrap_or_default();
            let mut labels: BTreeMap<Family, BTreeSet<String>> = BTreeMap::new();
            let mut put = |family: Family, label: &str| {
                labels.entry(family).or_default().insert(label.to_owned());
            };
            for op in &inc.operation_types {
                put(Family::OperationTypes, op);
            }
            for t in &inc.targets {
                if let Some(s) = &t.sector {
                    put(Family::Sectors, s);
                }
                if let Some(c) = &t.country {
                    put(Family::TargetCountries, c);
                }
            }
            for a in inc.actors.iter().filter(|a| a.kind == ActorKind::State) {
                if let Some(c) = &a.country {
                    put(Family::AttributedState, c);
                }
            }
            for (_, claim) in claims.iter().filter(|(cid, _)| cid == id) {
                if let Some(s) = &claim.attributed_to.state {
                    put(Family::AttributedState, s);
                }
            }
            if claimed.contains(id) {
                put(Family::Reports, "attribution");
            }
            if responded.contains(id) {
                put(Family::Reports, "response");
            }
            Some(Example { text, labels })
        })
        .collect()
}
