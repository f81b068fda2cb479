//! The violation ledger's records (incidents, violation assessments, attribution claims,
//! collective statements, responses) share one life: draft → in review → published, reviews per
//! version, publication into the transparency log, and corrections that supersede without
//! editing. One generic path serves them all; each kind says only its table and index columns.
use crate::StoreError;
use crate::sql::ColumnValue;
use normwatch_core::incident::{IncidentInput, PartialDate};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput, Verdict};
use normwatch_core::{FieldError, Localized, RecordKind, RecordStatus, Tlp};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod import;
mod read;
mod review;
mod write;

fn text(v: impl Into<String>) -> ColumnValue {
    ColumnValue::Text(Some(v.into()))
}

fn opt_text(v: Option<impl Into<String>>) -> ColumnValue {
    ColumnValue::Text(v.map(Into::into))
}

/// One kind of ledger record: its table, log entity name, and the columns that index it.
pub trait LedgerKind: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The record kind, as logged and as named in errors (`violation-assessment`).
    const ENTITY: RecordKind;
    /// Its table: one mapping for every kind, in [`crate::tables::table`].
    const TABLE: &'static str = crate::tables::table(Self::ENTITY);
    fn status(&self) -> RecordStatus;
    fn set_status(&mut self, status: RecordStatus);
    fn tlp(&self) -> Tlp;
    fn community(&self) -> Option<&str>;
    fn stakeholder(&self) -> Option<&str>;
    /// The incident a finding is about (`None` for incidents and statements).
    fn incident(&self) -> Option<&str> {
        None
    }
    /// Index columns beyond the shared ones, with their values.
    fn columns(&self) -> Vec<(&'static str, ColumnValue)>;
    /// The columns and values that identify an imported record (`None`: not imported).
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        None
    }
    /// The facet a published finding adds to its incident (`norm`, `attributed_state`).
    fn facet(&self) -> Option<(&'static str, String)> {
        None
    }
    /// The attribution claims the record cites (statements, responses).
    fn claims(&self) -> &[String] {
        &[]
    }
    /// The evidence the record cites (assessments, attributions).
    fn evidence(&self) -> &[String] {
        &[]
    }
    /// The incident itself, for the kind whose writes keep the search index.
    fn as_incident(&self) -> Option<&IncidentInput> {
        None
    }
    /// The condition on a row `r` of the kind's table that it concerns the incident whose id is
    /// bound at placeholder `p`.
    fn about_incident(p: &str) -> String {
        format!("r.incident_id = {p}")
    }
}

/// The accessors every input type shares (its `status`, `tlp` and `community` fields).
macro_rules! marked_record {
    () => {
        fn status(&self) -> RecordStatus {
            self.status
        }
        fn set_status(&mut self, status: RecordStatus) {
            self.status = status;
        }
        fn tlp(&self) -> Tlp {
            self.tlp
        }
        fn community(&self) -> Option<&str> {
            self.community.as_deref()
        }
    };
}

impl LedgerKind for IncidentInput {
    const ENTITY: RecordKind = RecordKind::Incident;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.stakeholder.as_deref()
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        let start = self.started.as_ref().or(self.discovered.as_ref());
        vec![
            ("title_ja", text(&self.title.ja)),
            ("title_en", text(&self.title.en)),
            ("start_key", text(start.map_or_else(|| "0000-00-00".to_owned(), PartialDate::earliest_day))),
            ("start_year", ColumnValue::Int(start.map(|d| i64::from(d.year())))),
            ("discovered", opt_text(self.discovered.as_ref().map(PartialDate::as_str))),
            ("origin_dataset", opt_text(self.origin.as_ref().map(|o| o.dataset.as_str()))),
            ("origin_id", opt_text(self.origin.as_ref().map(|o| o.id.as_str()))),
        ]
    }
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        self.origin.as_ref().map(|o| vec![("origin_dataset", o.dataset.clone()), ("origin_id", o.id.clone())])
    }
    fn as_incident(&self) -> Option<&IncidentInput> {
        Some(self)
    }
}

impl LedgerKind for AssessmentInput {
    const ENTITY: RecordKind = RecordKind::ViolationAssessment;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.stakeholder.as_deref()
    }
    fn incident(&self) -> Option<&str> {
        Some(&self.incident)
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![
            ("incident_id", text(&self.incident)),
            ("norm_id", text(&self.norm)),
            ("level", text(&self.level)),
            ("actor_state", opt_text(self.actor.state.as_deref())),
        ]
    }
    fn facet(&self) -> Option<(&'static str, String)> {
        Some(("norm", self.norm.clone()))
    }
    fn evidence(&self) -> &[String] {
        &self.evidence
    }
}

impl LedgerKind for AttributionInput {
    const ENTITY: RecordKind = RecordKind::AttributionClaim;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.attributor.stakeholder.as_deref()
    }
    fn incident(&self) -> Option<&str> {
        Some(&self.incident)
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![
            ("incident_id", text(&self.incident)),
            ("attributed_state", opt_text(self.attributed_to.state.as_deref())),
            ("attributor_kind", text(self.attributor.kind.name())),
            ("attributed_on", opt_text(self.attributed_on.as_ref().map(PartialDate::as_str))),
            ("origin_id", opt_text(self.origin.as_deref())),
        ]
    }
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        self.origin.as_ref().map(|o| vec![("origin_id", o.clone())])
    }
    fn facet(&self) -> Option<(&'static str, String)> {
        self.attributed_to.state.clone().map(|s| ("attributed_state", s))
    }
    fn evidence(&self) -> &[String] {
        &self.evidence
    }
}

impl LedgerKind for StatementInput {
    const ENTITY: RecordKind = RecordKind::AttributionStatement;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        None
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![("issued_on", text(self.issued_on.as_str()))]
    }
    fn claims(&self) -> &[String] {
        &self.claims
    }
    /// A statement is about the incidents of the claims it makes its own.
    fn about_incident(p: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM attribution_claims c WHERE c.incident_id = {p} \
             AND r.body LIKE '%\"' || c.id || '\"%')"
        )
    }
}

impl LedgerKind for ResponseInput {
    const ENTITY: RecordKind = RecordKind::IncidentResponse;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.responder.stakeholder.as_deref()
    }
    fn incident(&self) -> Option<&str> {
        Some(&self.incident)
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![
            ("incident_id", text(&self.incident)),
            ("response_type", text(&self.kind)),
            ("responded_on", text(self.responded_on.as_str())),
            ("origin_id", opt_text(self.origin.as_deref())),
        ]
    }
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        self.origin.as_ref().map(|o| vec![("origin_id", o.clone())])
    }
    fn claims(&self) -> &[String] {
        &self.claims
    }
}

/// A review as shown with its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub reviewer: String,
    pub stakeholder_kind: String,
    pub verdict: Verdict,
    pub record_version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub created_at: String,
}

/// A ledger record as stored: the input it was made from, and its life.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRecord<T> {
    pub id: String,
    #[serde(flatten)]
    pub body: T,
    /// Set on a version that retracts the one it supersedes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retraction: Option<Localized>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// The published version that replaced this one, among those the reader may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    pub recorded_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}

impl<T> LedgerRecord<T> {
    /// Neither superseded by a published version nor a retraction: what stands today.
    pub fn is_standing(&self) -> bool {
        self.superseded_by.is_none() && self.retraction.is_none()
    }
}

fn rejected(field: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Rejected(FieldError::new(field, reason))
}

/// Limits on what a ledger write may do, given by the caller (the server's configuration).
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Publish at once, bypassing review: only for imports of already published datasets.
    pub publish_directly: bool,
}

/// What an import did with its records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    /// Records whose content changed: a new version now supersedes the one stored.
    pub superseded: usize,
    pub unchanged: usize,
}

impl std::ops::AddAssign for ImportCounts {
    fn add_assign(&mut self, other: ImportCounts) {
        self.created += other.created;
        self.superseded += other.superseded;
        self.unchanged += other.unchanged;
    }
}
