//! Vulnerabilities with their mitigation timelines, capacity-building programmes and hygiene
//! assessments: registering them, and what links a vulnerability to incidents and VEP cases.
use crate::ports::{CapacityWrite, CveLinks};
use crate::{Acting, App, AppError};
use normwatch_core::capacity::{
    Assessment, AssessmentInput, Programme, ProgrammeInput, TimelineInput, Vulnerability, VulnerabilityInput,
};
use normwatch_core::vep::VepCase;
use normwatch_core::{RecordKind, Right, Viewer};
use normwatch_store::IncidentSummary;
use serde::Serialize;

/// A CVE an incident names, with the registry's record of it when there is one the viewer may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedVulnerability {
    pub cve: String,
    /// The registry's record (`GET /vulnerabilities/{id}`); none when the CVE is not registered.
    pub id: Option<String>,
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound { kind: RecordKind::Vulnerability.as_str(), id: id.to_owned() }
}

impl<S: CapacityWrite> App<'_, S> {
    /// One vulnerability as `who` may read it.
    async fn readable_vulnerability(&self, who: Acting<'_>, id: &str) -> Result<Vulnerability, AppError> {
        self.store.vulnerability(&who.viewer(), id).await?.ok_or_else(|| not_found(id))
    }

    /// Registers a vulnerability (a coordinator's right) and returns it as stored.
    pub async fn create_vulnerability(
        &self,
        who: Acting<'_>,
        input: &VulnerabilityInput,
    ) -> Result<Vulnerability, AppError> {
        who.require(Right::WriteVulnerabilities, None)?;
        input.validate(self.today).map_err(AppError::InvalidField)?;
        let id = self.store.create_vulnerability(&who.actor(), input).await?;
        self.readable_vulnerability(who, &id).await
    }

    /// Adds an event to a vulnerability's timeline, checked against the events it already has.
    pub async fn add_vulnerability_event(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &TimelineInput,
    ) -> Result<Vulnerability, AppError> {
        who.require(Right::WriteVulnerabilities, None)?;
        let v = self.readable_vulnerability(who, id).await?;
        let recorded: Vec<_> =
            self.store.vulnerability_events(id).await?.into_iter().map(|e| (e.event, e.on)).collect();
        input.validate(&v, &recorded, self.today).map_err(AppError::InvalidField)?;
        self.store.add_vulnerability_event(&who.actor(), &v, input).await?;
        self.readable_vulnerability(who, id).await
    }

    /// Records a capacity-building programme for its provider (a contributor: its own).
    pub async fn create_programme(&self, who: Acting<'_>, mut input: ProgrammeInput) -> Result<Programme, AppError> {
        who.require(Right::WriteProgrammes, Some(&input.provider))?;
        input.validate(&self.catalog).map_err(AppError::InvalidField)?;
        Ok(self.store.create_programme(&who.actor(), &input).await?)
    }

    /// Records a stakeholder's hygiene assessment against a baseline (a contributor: its own).
    pub async fn create_hygiene_assessment(
        &self,
        who: Acting<'_>,
        input: &AssessmentInput,
    ) -> Result<Assessment, AppError> {
        who.require(Right::WriteEvidence, Some(&input.stakeholder))?;
        input.validate(&self.catalog, self.today).map_err(AppError::InvalidField)?;
        Ok(self.store.create_assessment(&who.actor(), input).await?)
    }
}

impl<S: CveLinks> App<'_, S> {
    /// What exploited a vulnerability and what was decided about it: the incidents naming its
    /// CVE that `who` may read, and the VEP cases about it on the boards `who` sits on.
    pub async fn vulnerability_links(
        &self,
        who: Acting<'_>,
        cve: Option<&str>,
    ) -> Result<(Vec<IncidentSummary>, Vec<VepCase>), AppError> {
        let Some(cve) = cve else { return Ok((Vec::new(), Vec::new())) };
        let incidents = self.store.incidents_naming_cve(&who.viewer(), cve).await?;
        let account = who.account.map(|a| a.id.as_str());
        let cases = self.store.vep_cases_about_cve(cve, account).await?;
        Ok((incidents, cases))
    }

    /// The vulnerabilities an incident names: one entry per registered record of each CVE, or one
    /// without a record for a CVE the registry does not hold.
    pub async fn incident_vulnerabilities(
        &self,
        viewer: &Viewer,
        incident: &str,
    ) -> Result<Vec<NamedVulnerability>, AppError> {
        let cves = self.store.incident_cve_ids(viewer, incident).await?;
        let registered = self.store.vulnerabilities_for_cves(viewer, &cves).await?;
        let mut out = Vec::with_capacity(cves.len());
        for cve in cves {
            let ids: Vec<&(String, String)> = registered.iter().filter(|(c, _)| *c == cve).collect();
            if ids.is_empty() {
                out.push(NamedVulnerability { cve, id: None });
            } else {
                out.extend(ids.into_iter().map(|(c, id)| NamedVulnerability { cve: c.clone(), id: Some(id.clone()) }));
            }
        }
        Ok(out)
    }
}
