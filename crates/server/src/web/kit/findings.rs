//! Rows of published findings as the reading pages show them (the home dashboard, a norm's
//! page, a stakeholder's page), read through the store as the viewer may read them.
use crate::AppState;
use crate::error::ApiError;
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput};
use normwatch_core::{Localized, Viewer};
use normwatch_store::LedgerRecord;
use serde::Serialize;
use std::collections::HashMap;

/// The titles of the published incidents among `ids` the viewer may read.
pub async fn incident_titles(
    state: &AppState,
    viewer: &Viewer,
    ids: Vec<String>,
) -> Result<HashMap<String, Localized>, ApiError> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) {
            continue;
        }
        if let Some(i) = state.store.ledger_record::<IncidentInput>(viewer, &id).await?
            && i.body.status == normwatch_core::RecordStatus::Published
        {
            out.insert(id, i.body.title);
        }
    }
    Ok(out)
}

/// A published violation assessment with its incident.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentRow {
    pub assessment: String,
    pub published: String,
    pub incident: String,
    pub incident_title: Localized,
    pub norm: String,
    pub level: String,
    /// The alleged actor: a state's code, a group's name, or both.
    pub actor: String,
    #[serde(skip)]
    pub log_index: u64,
}

/// The standing published assessments (of `norm`, or all), newest publication first, whose
/// incident the viewer may read.
pub async fn assessments(
    state: &AppState,
    viewer: &Viewer,
    norm: Option<&str>,
) -> Result<Vec<AssessmentRow>, ApiError> {
    let records: Vec<LedgerRecord<AssessmentInput>> = state
        .store
        .standing_records::<AssessmentInput>(viewer)
        .await?
        .into_iter()
        .filter(|a| norm.is_none_or(|n| a.body.norm == n))
        .collect();
    let titles = incident_titles(state, viewer, records.iter().map(|a| a.body.incident.clone()).collect()).await?;
    let mut rows: Vec<AssessmentRow> = records
        .into_iter()
        .filter_map(|a| {
            let title = titles.get(&a.body.incident)?.clone();
            let actor = [a.body.actor.state.clone(), a.body.actor.group.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" / ");
            Some(AssessmentRow {
                published: a.updated_at.get(..10).unwrap_or(&a.updated_at).to_owned(),
                log_index: a.log_index.unwrap_or(0),
                assessment: a.id,
                incident: a.body.incident,
                incident_title: title,
                norm: a.body.norm,
                level: a.body.level,
                actor,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.log_index.cmp(&a.log_index).then_with(|| b.assessment.cmp(&a.assessment)));
    Ok(rows)
}

/// A published attribution claim with its incident.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    pub claim: String,
    pub attributed_on: Option<String>,
    pub incident: String,
    pub incident_title: Localized,
    pub attributor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributor_stakeholder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The standing published claims `keep` selects, oldest attribution first, whose incident the
/// viewer may read.
pub async fn claims(
    state: &AppState,
    viewer: &Viewer,
    keep: &(dyn Fn(&AttributionInput) -> bool + Send + Sync),
) -> Result<Vec<ClaimRow>, ApiError> {
    let records: Vec<LedgerRecord<AttributionInput>> =
        state.store.standing_records::<AttributionInput>(viewer).await?.into_iter().filter(|c| keep(&c.body)).collect();
    let titles = incident_titles(state, viewer, records.iter().map(|c| c.body.incident.clone()).collect()).await?;
    let mut rows: Vec<ClaimRow> = records
        .into_iter()
        .filter_map(|c| {
            let title = titles.get(&c.body.incident)?.clone();
            let kind = c.body.kind.map(|k| match k {
                normwatch_core::violation::AttributionType::Technical => "technical".to_owned(),
                normwatch_core::violation::AttributionType::Political => "political".to_owned(),
                normwatch_core::violation::AttributionType::Legal => "legal".to_owned(),
            });
            Some(ClaimRow {
                claim: c.id,
                attributed_on: c.body.attributed_on.map(|d| d.as_str().to_owned()),
                incident: c.body.incident,
                incident_title: title,
                attributor: c.body.attributor.name,
                attributor_stakeholder: c.body.attributor.stakeholder,
                attributed_state: c.body.attributed_to.state,
                attributed_group: c.body.attributed_to.group,
                kind,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.attributed_on.cmp(&b.attributed_on).then_with(|| a.claim.cmp(&b.claim)));
    Ok(rows)
}
