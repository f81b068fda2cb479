//! Vulnerabilities with their vendors' mitigation events, and capacity-building programmes:
//! marked records, read through the viewer's visibility filter, logged when published.
use crate::audit::Actor;
use crate::marked::{MarkedKind, audited, marked_kind, marked_row, visible_select};
use crate::rows::read_row;
use crate::rows::{corrupt, enum_column, enum_name, json_column};
use crate::sql::{Column, col, insert};
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::capacity::{
    Assessment, AssessmentInput, ControlResult, MitigationStatus, Programme, ProgrammeInput, TimelineEvent,
    TimelineInput, Vulnerability, VulnerabilityInput, days_to_fix, hygiene_score,
};
use normwatch_core::{Localized, RecordKind, RecordStatus, Viewer};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// One step of a vendor's mitigation timeline, as recorded (and logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VulnerabilityEvent {
    pub id: String,
    pub vulnerability: String,
    pub event: TimelineEvent,
    pub on: String,
    pub recorded_by: String,
    pub created_at: String,
}

const VULN_COLUMNS: &str = "v.id, v.cve_id, v.product, v.vendor, v.stakeholder_id, v.advisory_url, v.reported_on, v.tlp, \
    v.status, v.recorded_by, v.created_at, v.updated_at, v.version";

impl Store {
    /// The steps of a vulnerability's timeline, in date order (the caller has checked it may read
    /// the vulnerability).
    pub async fn vulnerability_events(&self, vulnerability: &str) -> Result<Vec<VulnerabilityEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, vulnerability_id, event, happened_on, recorded_by, created_at FROM vulnerability_events
             WHERE vulnerability_id = $1 ORDER BY happened_on, created_at, id",
        )
        .bind(vulnerability)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(read_row!(r, VulnerabilityEvent {
                    id, vulnerability = "vulnerability_id", event: enum_column(r, "event")?, on = "happened_on",
                    recorded_by, created_at,
                }))
            })
            .collect()
    }

    /// The vulnerability with its timeline applied (the derived fields filled in).
    async fn vulnerability_from(&self, r: &AnyRow) -> Result<Vulnerability, StoreError> {
        let mut v = vulnerability_base(r)?;
        let events = self.vulnerability_events(&v.id).await?;
        let first = |e: TimelineEvent| events.iter().find(|x| x.event == e).map(|x| x.on.clone());
        v.acknowledged_on = first(TimelineEvent::Acknowledged);
        v.fixed_on = first(TimelineEvent::Fixed);
        v.disclosed_on = first(TimelineEvent::Disclosed);
        v.mitigation_status = if v.fixed_on.is_some() {
            MitigationStatus::Fixed
        } else if first(TimelineEvent::Mitigated).is_some() {
            MitigationStatus::Mitigated
        } else {
            MitigationStatus::Unpatched
        };
        v.days_to_fix = days_to_fix(&v.reported_on, v.fixed_on.as_deref());
        Ok(v)
    }

    pub async fn create_vulnerability(&self, actor: &Actor, input: &VulnerabilityInput) -> Result<String, StoreError> {
        Ok(self.create_marked(actor, input).await?.id)
    }

    pub async fn vulnerabilities(&self, viewer: &Viewer) -> Result<Vec<Vulnerability>, StoreError> {
        let mut sql = visible_select::<VulnerabilityInput>(&not_as_vendor(viewer));
        sql.push(" ORDER BY v.reported_on, v.id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.vulnerability_from(r).await?);
        }
        Ok(out)
    }

    pub async fn vulnerability(&self, viewer: &Viewer, id: &str) -> Result<Option<Vulnerability>, StoreError> {
        let mut sql = visible_select::<VulnerabilityInput>(&not_as_vendor(viewer));
        let p = sql.bind(id);
        sql.push(&format!(" AND v.id = {p}"));
        match sql.query().fetch_optional(&self.pool).await? {
            Some(r) => Ok(Some(self.vulnerability_from(&r).await?)),
            None => Ok(None),
        }
    }

    /// The registered vulnerabilities the viewer may read among those with these CVE ids, as
    /// (CVE id, record id) pairs in CVE order: what an incident or a triage item links to.
    pub async fn vulnerabilities_for_cves(
        &self,
        viewer: &Viewer,
        cves: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        if cves.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = visible_select::<VulnerabilityInput>(&not_as_vendor(viewer));
        let list = sql.bind_list(cves.iter().map(String::as_str));
        sql.push(&format!(" AND v.cve_id IN {list} ORDER BY v.cve_id, v.reported_on, v.id"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get("cve_id")?, r.try_get("id")?))).collect()
    }

    /// Adds a step to a vulnerability's timeline (validated against it by the caller).
    pub async fn add_vulnerability_event(
        &self,
        actor: &Actor,
        vulnerability: &Vulnerability,
        input: &TimelineInput,
    ) -> Result<VulnerabilityEvent, StoreError> {
        let mut tx = self.begin_write().await?;
        let event = VulnerabilityEvent {
            id: new_id(),
            vulnerability: vulnerability.id.clone(),
            event: input.event,
            on: input.on.clone(),
            recorded_by: actor.0.clone(),
            created_at: now_rfc3339(),
        };
        let columns = vec![
            col("id", &event.id),
            col("vulnerability_id", &event.vulnerability),
            col("event", enum_name(event.event)),
            col("happened_on", &event.on),
            col("recorded_by", &event.recorded_by),
            col("created_at", &event.created_at),
        ];
        insert("vulnerability_events", columns).query().execute(&mut *tx).await?;
        let published = vulnerability.recorded.status == RecordStatus::Published;
        crate::log::audit_and_log(&mut tx, actor, RecordKind::VulnerabilityEvent, &event.id, &event, published).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Published vulnerabilities and their events, as they stand (for `log audit`).
    pub(crate) async fn published_capacity_records(
        &self,
    ) -> Result<Vec<(String, String, serde_json::Value)>, StoreError> {
        let mut out = Vec::new();
        for r in &self.published_rows::<VulnerabilityInput>().await? {
            let v = self.vulnerability_from(r).await?;
            for e in self.vulnerability_events(&v.id).await? {
                out.push(audited(RecordKind::VulnerabilityEvent, e.id.clone(), &e)?);
            }
            out.push(audited(RecordKind::Vulnerability, v.id.clone(), &v)?);
        }
        out.extend(self.published_marked::<AssessmentInput>(|a| a.id.clone()).await?);
        out.extend(self.published_marked::<ProgrammeInput>(|p| p.id.clone()).await?);
        Ok(out)
    }

    pub async fn create_programme(&self, actor: &Actor, input: &ProgrammeInput) -> Result<Programme, StoreError> {
        self.create_marked(actor, input).await
    }

    pub async fn create_assessment(&self, actor: &Actor, input: &AssessmentInput) -> Result<Assessment, StoreError> {
        self.create_marked(actor, input).await
    }

    /// One assessment, if the viewer may read it.
    pub async fn assessment(&self, viewer: &Viewer, id: &str) -> Result<Option<Assessment>, StoreError> {
        self.visible_marked::<AssessmentInput>(viewer, id).await
    }

    /// One programme, if the viewer may read it.
    pub async fn programme(&self, viewer: &Viewer, id: &str) -> Result<Option<Programme>, StoreError> {
        self.visible_marked::<ProgrammeInput>(viewer, id).await
    }

    /// One timeline step, if the viewer may read its vulnerability.
    pub async fn vulnerability_event(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> Result<Option<VulnerabilityEvent>, StoreError> {
        let row = sqlx::query("SELECT vulnerability_id FROM vulnerability_events WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let vulnerability: String = row.try_get("vulnerability_id")?;
        if self.vulnerability(viewer, &vulnerability).await?.is_none() {
            return Ok(None);
        }
        Ok(self.vulnerability_events(&vulnerability).await?.into_iter().find(|e| e.id == id))
    }

    /// Assessments the viewer may read, oldest first.
    pub async fn assessments(
        &self,
        viewer: &Viewer,
        stakeholder: Option<&str>,
        baseline: Option<&str>,
    ) -> Result<Vec<Assessment>, StoreError> {
        let mut sql = visible_select::<AssessmentInput>(viewer);
        sql.and_eq("h.stakeholder_id", stakeholder);
        sql.and_eq("h.baseline_id", baseline);
        self.marked_list::<AssessmentInput>(sql, "h.assessed_on, h.created_at, h.id").await
    }

    /// Programmes the viewer may read, optionally about one norm or in one region.
    pub async fn programmes(
        &self,
        viewer: &Viewer,
        norm: Option<&str>,
        region: Option<&str>,
    ) -> Result<Vec<Programme>, StoreError> {
        let mut sql = visible_select::<ProgrammeInput>(viewer);
        sql.and_eq("p.region", region);
        sql.push(" ORDER BY p.starts_on, p.id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let all = rows.iter().map(programme_from).collect::<Result<Vec<_>, _>>()?;
        Ok(all.into_iter().filter(|p| norm.is_none_or(|n| p.norms.iter().any(|x| x == n))).collect())
    }
}

/// The vulnerability record itself (what was published): its events are records of their own.
/// A vulnerability's `stakeholder_id` is its vendor, not its author: acting for the vendor gives
/// no sight of drafts or restricted records about it.
fn not_as_vendor(viewer: &Viewer) -> Viewer {
    Viewer { stakeholder: None, ..viewer.clone() }
}

/// The vulnerability as published: without its timeline, which is events of its own.
fn vulnerability_base(r: &AnyRow) -> Result<Vulnerability, StoreError> {
    Ok(marked_row!(
        r,
        Vulnerability {
            id, cve_id, product, vendor, vendor_stakeholder = "stakeholder_id", advisory_url,
            mitigation_status: MitigationStatus::Unpatched, reported_on, acknowledged_on: None, fixed_on: None,
            disclosed_on: None, days_to_fix: None,
        }
    ))
}

const PROGRAMME_COLUMNS: &str = "p.id, p.stakeholder_id, p.title_ja, p.title_en, p.beneficiaries, p.region, p.norms, p.elements, \
    p.starts_on, p.ends_on, p.progress, p.outcomes_ja, p.outcomes_en, p.tlp, p.status, p.recorded_by, p.created_at, \
    p.updated_at, p.version";

fn programme_from(r: &AnyRow) -> Result<Programme, StoreError> {
    Ok(marked_row!(
        r,
        Programme {
            id, provider = "stakeholder_id",
            title: Localized::new(r.try_get::<String, _>("title_ja")?, r.try_get::<String, _>("title_en")?),
            beneficiaries: json_column(r, "beneficiaries")?, region, norms: json_column(r, "norms")?,
            elements: json_column(r, "elements")?, starts_on, ends_on, progress: enum_column(r, "progress")?,
            outcomes: Localized::new(r.try_get::<String, _>("outcomes_ja")?, r.try_get::<String, _>("outcomes_en")?),
        }
    ))
}

const ASSESSMENT_COLUMNS: &str = "h.id, h.stakeholder_id, h.baseline_id, h.assessed_on, h.results, h.tlp, h.status, \
    h.recorded_by, h.created_at, h.updated_at, h.version";

fn assessment_from(r: &AnyRow) -> Result<Assessment, StoreError> {
    let results: Vec<ControlResult> = json_column(r, "results")?;
    Ok(marked_row!(
        r,
        Assessment {
            id, stakeholder = "stakeholder_id", baseline = "baseline_id", assessed_on, score: hygiene_score(&results),
            results: results,
        }
    ))
}

impl MarkedKind for VulnerabilityInput {
    marked_kind!(Vulnerability, "v", VULN_COLUMNS, vulnerability_base -> Vulnerability);
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        self.vendor_stakeholder.as_deref().map(|s| ("vendor_stakeholder", s))
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            col("cve_id", &self.cve_id),
            col("product", self.product.trim()),
            col("vendor", self.vendor.trim()),
            col("stakeholder_id", &self.vendor_stakeholder),
            col("advisory_url", &self.advisory_url),
            col("reported_on", &self.reported_on),
        ])
    }
}

impl MarkedKind for ProgrammeInput {
    marked_kind!(CapacityProgramme, "p", PROGRAMME_COLUMNS, programme_from -> Programme);
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        Some(("provider", &self.provider))
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        let list = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        Ok(vec![
            col("stakeholder_id", &self.provider),
            col("title_ja", &self.title.ja),
            col("title_en", &self.title.en),
            col("beneficiaries", list(&self.beneficiaries)),
            col("region", &self.region),
            col("norms", list(&self.norms)),
            col("elements", list(&self.elements)),
            col("starts_on", &self.starts_on),
            col("ends_on", &self.ends_on),
            col("progress", enum_name(self.progress)),
            col("outcomes_ja", &self.outcomes.ja),
            col("outcomes_en", &self.outcomes.en),
        ])
    }
}

impl MarkedKind for AssessmentInput {
    marked_kind!(HygieneAssessment, "h", ASSESSMENT_COLUMNS, assessment_from -> Assessment);
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        Some(("stakeholder", &self.stakeholder))
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        let results = serde_json::to_string(&self.results).map_err(|e| corrupt("results", e.to_string()))?;
        Ok(vec![
            col("stakeholder_id", &self.stakeholder),
            col("baseline_id", &self.baseline),
            col("assessed_on", &self.assessed_on),
            col("results", results),
        ])
    }
}
