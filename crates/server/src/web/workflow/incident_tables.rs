//! The incident list as tables for analysis, as users of datasets such as EuRepoC expect them:
//! one flat row per incident with every field (`incidents`), and tables to join on its id, one
//! row per target (`targets`), per published attribution claim (`attributions`) and per
//! published response (`responses`). A CSV holds one table; an Excel workbook holds all four, a
//! sheet each. Every record is read as the viewer may read it, so a download never holds a
//! record (or a finding) its reader could not open.
use crate::AppState;
use crate::web::kit::download::wire_name;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use normwatch_core::incident::{AttributionState, IncidentInput, PartialDate};
use normwatch_core::violation::{AttributionInput, ResponseInput};
use normwatch_core::{RecordStatus, Viewer};
use normwatch_store::{IncidentSummary, LedgerRecord, StoreError};
use std::collections::HashMap;

/// The tables, in the order a workbook's sheets take.
pub(super) const TABLES: [&str; 4] = ["incidents", "targets", "attributions", "responses"];

/// Several values in one cell.
const JOIN: &str = "; ";

pub(super) const INCIDENT_COLUMNS: [&str; 48] = [
    "id",
    "url",
    "title_ja",
    "title_en",
    "description_ja",
    "description_en",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "discovered",
    "discovered_precision",
    "status",
    "tlp",
    "community",
    "stakeholder",
    "operation_types",
    "targeted_countries",
    "target_names",
    "target_sectors",
    "target_asset_classes",
    "actor_kinds",
    "actor_names",
    "actor_countries",
    "attribution_state",
    "attributed_states",
    "attribution_claims",
    "responses",
    "impact_confidentiality",
    "impact_integrity",
    "impact_availability",
    "impact_functional_duration",
    "impact_countries_affected",
    "impact_victims_affected",
    "impact_physical_effects",
    "impact_economic_loss",
    "impact_economic_loss_currency",
    "impact_rights_affected",
    "impact_harm_ja",
    "impact_harm_en",
    "source_urls",
    "dataset",
    "origin_id",
    "origin_url",
    "linked_incidents",
    "log_index",
    "created_at",
    "updated_at",
];

const TARGET_COLUMNS: [&str; 8] =
    ["incident_id", "incident_url", "target", "name", "country", "sector", "asset_classes", "kind"];

const ATTRIBUTION_COLUMNS: [&str; 22] = [
    "incident_id",
    "claim_id",
    "attributor",
    "attributor_kind",
    "attributor_country",
    "attributor_stakeholder",
    "attributed_state",
    "attributed_group",
    "actor_category",
    "group_relation",
    "date",
    "date_precision",
    "type",
    "basis_ja",
    "basis_en",
    "confidence",
    "contested",
    "statement_url",
    "evidence",
    "tlp",
    "log_index",
    "origin",
];

const RESPONSE_COLUMNS: [&str; 19] = [
    "incident_id",
    "response_id",
    "responder",
    "responder_kind",
    "responder_country",
    "responder_stakeholder",
    "type",
    "legal_character",
    "date",
    "date_precision",
    "undated",
    "description_ja",
    "description_en",
    "norms",
    "claims",
    "source_url",
    "tlp",
    "log_index",
    "origin",
];

/// One table: its name, header and rows.
pub(super) struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// The address this instance is reached at, for absolute links: its configured public URL, or
/// the request's `Host` (when it is a plain host name), over plain HTTP.
pub(super) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.instance.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)))
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn date(d: Option<&PartialDate>) -> [String; 2] {
    match d {
        Some(d) => [d.as_str().to_owned(), wire_name(&d.precision())],
        None => [String::new(), String::new()],
    }
}

fn opt(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

fn joined<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        if !v.is_empty() && !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen.join(JOIN)
}

fn flag(b: bool) -> String {
    (if b { "true" } else { "false" }).to_owned()
}

fn log_index(i: Option<u64>) -> String {
    i.map(|i| i.to_string()).unwrap_or_default()
}

/// Published findings that still stand (not corrected, not retracted), by incident.
fn standing<T>(records: Vec<LedgerRecord<T>>, incident: impl Fn(&T) -> &str) -> HashMap<String, Vec<LedgerRecord<T>>> {
    let mut by: HashMap<String, Vec<LedgerRecord<T>>> = HashMap::new();
    for r in records.into_iter().filter(|r| r.is_standing()) {
        by.entry(incident(&r.body).to_owned()).or_default().push(r);
    }
    by
}

/// The four tables of the listed incidents, in the list's order, as `viewer` may read them.
pub(super) async fn tables(
    state: &AppState,
    viewer: &Viewer,
    listed: &[IncidentSummary],
    base: &str,
) -> Result<[Table; 4], StoreError> {
    let ids: Vec<&str> = listed.iter().map(|i| i.id.as_str()).collect();
    let mut records: HashMap<String, LedgerRecord<IncidentInput>> = state
        .store
        .ledger_records_of::<IncidentInput>(viewer, &ids, None)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let published = Some(RecordStatus::Published);
    let claims = standing(state.store.ledger_records_of::<AttributionInput>(viewer, &ids, published).await?, |c| {
        c.incident.as_str()
    });
    let responses = standing(state.store.ledger_records_of::<ResponseInput>(viewer, &ids, published).await?, |r| {
        r.incident.as_str()
    });
    let (no_claims, no_responses) = (Vec::new(), Vec::new());
    let (mut incidents, mut targets, mut attributions, mut answers) = (vec![], vec![], vec![], vec![]);
    for summary in listed {
        let Some(record) = records.remove(&summary.id) else { continue };
        let url = format!("{base}/incidents/{}", record.id);
        let claims = claims.get(&record.id).unwrap_or(&no_claims);
        let responses = responses.get(&record.id).unwrap_or(&no_responses);
        incidents.push(incident_row(&record, &url, summary, claims, responses.len()));
        for (n, t) in record.body.targets.iter().enumerate() {
            targets.push(vec![
                record.id.clone(),
                url.clone(),
                (n + 1).to_string(),
                t.name.clone(),
                opt(t.country.as_deref()),
                opt(t.sector.as_deref()),
                t.asset_classes.join(JOIN),
                opt(t.kind.as_deref()),
            ]);
        }
        attributions.extend(claims.iter().map(claim_row));
        answers.extend(responses.iter().map(response_row));
    }
    Ok([
        Table { name: "incidents", columns: &INCIDENT_COLUMNS, rows: incidents },
        Table { name: "targets", columns: &TARGET_COLUMNS, rows: targets },
        Table { name: "attributions", columns: &ATTRIBUTION_COLUMNS, rows: attributions },
        Table { name: "responses", columns: &RESPONSE_COLUMNS, rows: answers },
    ])
}

fn incident_row(
    record: &LedgerRecord<IncidentInput>,
    url: &str,
    summary: &IncidentSummary,
    claims: &[LedgerRecord<AttributionInput>],
    responses: usize,
) -> Vec<String> {
    let b = &record.body;
    let i = &b.impact;
    let attribution = AttributionState::from_marked_claims(
        claims.iter().map(|c| (c.body.attributed_to.state.as_deref(), c.body.contested)),
    );
    let (state, states) = match &attribution {
        AttributionState::Unattributed => ("unattributed", &Vec::new()),
        AttributionState::Attributed { states } => ("attributed", states),
        AttributionState::Contested { states } => ("contested", states),
    };
    let mut row = vec![
        record.id.clone(),
        url.to_owned(),
        b.title.ja.clone(),
        b.title.en.clone(),
        b.description.ja.clone(),
        b.description.en.clone(),
    ];
    for d in [&b.started, &b.ended, &b.discovered] {
        row.extend(date(d.as_ref()));
    }
    row.extend([
        b.status.name().to_owned(),
        b.tlp.name().to_owned(),
        opt(b.community.as_deref()),
        opt(b.stakeholder.as_deref()),
        b.operation_types.join(JOIN),
        joined(b.targets.iter().filter_map(|t| t.country.as_deref())),
        joined(b.targets.iter().map(|t| t.name.as_str())),
        joined(b.targets.iter().filter_map(|t| t.sector.as_deref())),
        joined(b.targets.iter().flat_map(|t| t.asset_classes.iter().map(String::as_str))),
        b.actors.iter().map(|a| wire_name(&a.kind)).collect::<Vec<_>>().join(JOIN),
        b.actors.iter().map(|a| a.name.as_deref().unwrap_or_default()).collect::<Vec<_>>().join(JOIN),
        b.actors.iter().map(|a| a.country.as_deref().unwrap_or_default()).collect::<Vec<_>>().join(JOIN),
        state.to_owned(),
        states.join(JOIN),
        claims.len().to_string(),
        responses.to_string(),
        i.confidentiality.map(|e| wire_name(&e)).unwrap_or_default(),
        i.integrity.map(|e| wire_name(&e)).unwrap_or_default(),
        i.availability.map(|e| wire_name(&e)).unwrap_or_default(),
        i.functional_duration.map(|d| wire_name(&d)).unwrap_or_default(),
        i.countries_affected.join(JOIN),
        i.victims_affected.map(|v| v.to_string()).unwrap_or_default(),
        i.physical_effects.map(flag).unwrap_or_default(),
        i.economic_loss.as_ref().map(|l| l.amount.to_string()).unwrap_or_default(),
        i.economic_loss.as_ref().map(|l| l.currency.clone()).unwrap_or_default(),
        i.rights_affected.join(JOIN),
        i.harm_to_people.as_ref().map(|h| h.ja.clone()).unwrap_or_default(),
        i.harm_to_people.as_ref().map(|h| h.en.clone()).unwrap_or_default(),
        b.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>().join(JOIN),
        opt(b.origin.as_ref().map(|o| o.dataset.as_str())),
        opt(b.origin.as_ref().map(|o| o.id.as_str())),
        opt(b.origin.as_ref().and_then(|o| o.url.as_deref())),
        summary.also_in.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(JOIN),
        log_index(record.log_index),
        record.created_at.clone(),
        record.updated_at.clone(),
    ]);
    row
}

fn claim_row(c: &LedgerRecord<AttributionInput>) -> Vec<String> {
    let b = &c.body;
    let mut row = vec![
        b.incident.clone(),
        c.id.clone(),
        b.attributor.name.clone(),
        b.attributor.kind.name().to_owned(),
        opt(b.attributor.country.as_deref()),
        opt(b.attributor.stakeholder.as_deref()),
        opt(b.attributed_to.state.as_deref()),
        opt(b.attributed_to.group.as_deref()),
        b.attributed_to.category.map(|c| wire_name(&c)).unwrap_or_default(),
        b.attributed_to.relation.map(|r| wire_name(&r)).unwrap_or_default(),
    ];
    row.extend(date(b.attributed_on.as_ref()));
    row.extend([
        b.kind.map(|k| wire_name(&k)).unwrap_or_default(),
        b.basis.ja.clone(),
        b.basis.en.clone(),
        opt(b.confidence.as_deref()),
        flag(b.contested),
        opt(b.statement_url.as_deref()),
        b.evidence.join(JOIN),
        b.tlp.name().to_owned(),
        log_index(c.log_index),
        opt(b.origin.as_deref()),
    ]);
    row
}

fn response_row(r: &LedgerRecord<ResponseInput>) -> Vec<String> {
    let b = &r.body;
    let mut row = vec![
        b.incident.clone(),
        r.id.clone(),
        b.responder.name.clone(),
        b.responder.kind.name().to_owned(),
        opt(b.responder.country.as_deref()),
        opt(b.responder.stakeholder.as_deref()),
        b.kind.clone(),
        wire_name(&b.legal_character),
    ];
    row.extend(date(Some(&b.responded_on)));
    row.extend([
        flag(b.undated),
        b.description.ja.clone(),
        b.description.en.clone(),
        b.norms.join(JOIN),
        b.claims.join(JOIN),
        opt(b.source_url.as_deref()),
        b.tlp.name().to_owned(),
        log_index(r.log_index),
        opt(b.origin.as_deref()),
    ]);
    row
}

/// Excel's limit on one cell's text, in characters.
const CELL_CHARS: usize = 32_767;

/// A workbook with a sheet per table, header row bold and kept in view. Cells are written as
/// text, never as formulas, whatever a record holds.
pub(super) fn workbook(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.name)?;
        for (c, name) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(0, col(c), *name, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
                let text: String = if cell.chars().count() > CELL_CHARS {
                    cell.chars().take(CELL_CHARS).collect()
                } else {
                    cell.clone()
                };
                sheet.write_string(r, col(c), text)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// The workbook as an attachment, named as the CSV downloads are.
pub(super) fn xlsx_attachment(bytes: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(crate::web::kit::download::XLSX_MEDIA));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"normwatch-incidents.xlsx\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_holds_a_sheet_per_table() {
        let tables = [
            Table { name: "incidents", columns: &["id", "title_en"], rows: vec![vec!["a".into(), "=1+1".into()]] },
            Table { name: "targets", columns: &["incident_id"], rows: vec![vec!["a".into()], vec!["a".into()]] },
        ];
        let bytes = workbook(&tables).expect("a workbook");
        assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
    }

    #[test]
    fn every_incident_column_is_named_once() {
        let mut names = INCIDENT_COLUMNS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), INCIDENT_COLUMNS.len());
        assert!(TABLES.iter().all(|t| !t.is_empty()));
    }
}
