//! Vulnerabilities and their vendors' mitigation timelines (GCSC norm 6, UN GGE (j)), and
//! capacity-building programmes (Recommendation 3, framework element 6).
use crate::access::{RecordStatus, Tlp};
use crate::adoption::{date_period, past_date};
use crate::catalog::Catalog;
use crate::figures::{days_between, median};
use crate::ids::{CountryCode, NormId, StakeholderId};
use crate::lang::Localized;
use crate::marking::Recorded;
use crate::query::FieldError;
use crate::vep::valid_cve;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const REGIONS: &str = "regions";

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

fn short(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(err(field, "is empty"));
    }
    if value.chars().count() > max {
        return Err(err(field, format!("longer than {max} characters")));
    }
    Ok(())
}

fn http_url(field: &str, value: &str) -> Result<(), FieldError> {
    if (value.starts_with("https://") || value.starts_with("http://")) && value.len() <= 2048 && !value.contains(' ') {
        Ok(())
    } else {
        Err(err(field, format!("`{value}` is not an http(s) URL")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MitigationStatus {
    Unpatched,
    Mitigated,
    Fixed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityInput {
    #[serde(default)]
    pub cve_id: Option<String>,
    pub product: String,
    pub vendor: String,
    /// The vendor as a registered stakeholder, if it is one.
    #[serde(default)]
    pub vendor_stakeholder: Option<String>,
    #[serde(default)]
    pub advisory_url: Option<String>,
    /// When the vendor was told.
    pub reported_on: String,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
}

impl VulnerabilityInput {
    pub fn validate(&self, today: time::Date) -> Result<(), FieldError> {
        if let Some(c) = &self.cve_id
            && !valid_cve(c)
        {
            return Err(err("cve_id", format!("`{c}` is not a CVE id such as CVE-2024-12345")));
        }
        short("product", &self.product, 200)?;
        short("vendor", &self.vendor, 200)?;
        if let Some(s) = &self.vendor_stakeholder {
            StakeholderId::parse_field("vendor_stakeholder", s)?;
        }
        if let Some(u) = &self.advisory_url {
            http_url("advisory_url", u)?;
        }
        past_date("reported_on", &self.reported_on, today)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vulnerability {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cve_id: Option<String>,
    pub product: String,
    pub vendor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_stakeholder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory_url: Option<String>,
    pub mitigation_status: MitigationStatus,
    pub reported_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosed_on: Option<String>,
    /// Days from report to fix, once fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_to_fix: Option<i64>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// A step of the vendor's mitigation timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimelineEvent {
    Acknowledged,
    Mitigated,
    Fixed,
    Disclosed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineInput {
    pub event: TimelineEvent,
    pub on: String,
}

impl TimelineInput {
    /// Checks the step against the timeline so far (`recorded`: the events already there). Each
    /// step happens once; steps are recorded in date order; an acknowledgement comes before
    /// anything else the vendor does, and a mitigation before the fix.
    pub fn validate(
        &self,
        v: &Vulnerability,
        recorded: &[(TimelineEvent, String)],
        today: time::Date,
    ) -> Result<(), FieldError> {
        past_date("on", &self.on, today)?;
        if self.on < v.reported_on {
            return Err(err("on", format!("before the vendor was told ({})", v.reported_on)));
        }
        if let Some((_, d)) = recorded.iter().find(|(e, _)| *e == self.event) {
            return Err(err("event", format!("already recorded, on {d}")));
        }
        if let Some(latest) = recorded.iter().map(|(_, d)| d).max()
            && self.on < *latest
        {
            return Err(err("on", format!("before the latest step of the timeline ({latest})")));
        }
        let has = |e: TimelineEvent| recorded.iter().any(|(x, _)| *x == e);
        if self.event == TimelineEvent::Acknowledged && !recorded.is_empty() {
            return Err(err("event", "an acknowledgement comes before the vendor's other steps"));
        }
        if self.event == TimelineEvent::Mitigated && has(TimelineEvent::Fixed) {
            return Err(err("event", "already fixed"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorFigures {
    pub vendor: String,
    pub count: usize,
    pub fixed: usize,
    pub median_days_to_fix: Option<f64>,
}

/// Time-to-fix figures over a list of vulnerabilities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VulnerabilityFigures {
    pub count: usize,
    pub fixed: usize,
    pub median_days_to_acknowledge: Option<f64>,
    pub median_days_to_fix: Option<f64>,
    pub by_vendor: Vec<VendorFigures>,
}

impl VulnerabilityFigures {
    pub fn compute(list: &[Vulnerability]) -> VulnerabilityFigures {
        let to_fix = |l: &[&Vulnerability]| median(&mut l.iter().filter_map(|v| v.days_to_fix).collect::<Vec<_>>());
        let all: Vec<&Vulnerability> = list.iter().collect();
        let mut vendors: BTreeMap<&str, Vec<&Vulnerability>> = BTreeMap::new();
        for v in list {
            vendors.entry(v.vendor.as_str()).or_default().push(v);
        }
        VulnerabilityFigures {
            count: list.len(),
            fixed: list.iter().filter(|v| v.fixed_on.is_some()).count(),
            median_days_to_acknowledge: median(
                &mut list
                    .iter()
                    .filter_map(|v| v.acknowledged_on.as_deref().and_then(|a| days_between(&v.reported_on, a)))
                    .collect::<Vec<_>>(),
            ),
            median_days_to_fix: to_fix(&all),
            by_vendor: vendors
                .into_iter()
                .map(|(vendor, vs)| VendorFigures {
                    vendor: vendor.to_owned(),
                    count: vs.len(),
                    fixed: vs.iter().filter(|v| v.fixed_on.is_some()).count(),
                    median_days_to_fix: to_fix(&vs),
                })
                .collect(),
        }
    }
}

/// Days from report to fix.
pub fn days_to_fix(reported_on: &str, fixed_on: Option<&str>) -> Option<i64> {
    fixed_on.and_then(|f| days_between(reported_on, f))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Progress {
    Planned,
    Running,
    Completed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    /// The providing stakeholder.
    pub provider: String,
    pub title: Localized,
    /// Beneficiaries: stakeholder ids or ISO 3166-1 country codes.
    pub beneficiaries: Vec<String>,
    pub region: String,
    #[serde(default)]
    pub norms: Vec<String>,
    #[serde(default)]
    pub elements: Vec<String>,
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: Option<String>,
    pub progress: Progress,
    #[serde(default)]
    pub outcomes: Localized,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
}

impl ProgrammeInput {
    pub fn validate(&mut self, catalog: &Catalog) -> Result<(), FieldError> {
        StakeholderId::parse_field("provider", &self.provider)?;
        if let Some(lang) = self.title.missing().first() {
            return Err(err(&format!("title.{lang}"), "the title is needed in Japanese and English"));
        }
        if self.beneficiaries.is_empty() {
            return Err(err("beneficiaries", "name at least one beneficiary (a stakeholder id or a country code)"));
        }
        for (i, b) in self.beneficiaries.iter_mut().enumerate() {
            if let Ok(code) = CountryCode::parse(&b.to_ascii_uppercase()) {
                *b = code.into();
            } else {
                StakeholderId::parse_field(&format!("beneficiaries[{i}]"), b)?;
            }
        }
        if catalog.taxonomy(REGIONS).is_none_or(|t| t.term(&self.region).is_none()) {
            return Err(err(
                "region",
                format!("`{}` is not a region: africa, americas, asia, europe, oceania, worldwide", self.region),
            ));
        }
        if self.norms.is_empty() && self.elements.is_empty() {
            return Err(err("norms", "name the norms or framework elements the programme addresses"));
        }
        for (i, n) in self.norms.iter().enumerate() {
            NormId::of_field(catalog, &format!("norms[{i}]"), n)?;
        }
        for (i, e) in self.elements.iter().enumerate() {
            if !catalog.framework.iter().any(|f| &f.id == e) {
                return Err(err(&format!("elements[{i}]"), format!("`{e}` is not a framework element (fw-1 … fw-7)")));
            }
        }
        date_period(("starts_on", &self.starts_on), ("ends_on", self.ends_on.as_ref()), "the programme starts")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub id: String,
    pub provider: String,
    pub title: Localized,
    pub beneficiaries: Vec<String>,
    pub region: String,
    pub norms: Vec<String>,
    pub elements: Vec<String>,
    pub starts_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<String>,
    pub progress: Progress,
    pub outcomes: Localized,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// How many programmes address each norm in each region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub regions: Vec<String>,
    /// Norm id → region → number of programmes.
    pub norms: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Coverage {
    pub fn compute(catalog: &Catalog, programmes: &[Programme]) -> Coverage {
        let regions: Vec<String> =
            catalog.taxonomy(REGIONS).map(|t| t.terms.iter().map(|t| t.id.clone()).collect()).unwrap_or_default();
        let mut norms: BTreeMap<String, BTreeMap<String, usize>> =
            catalog.norms.iter().map(|n| (n.id.clone(), regions.iter().map(|r| (r.clone(), 0)).collect())).collect();
        for p in programmes {
            for n in &p.norms {
                if let Some(row) = norms.get_mut(n) {
                    *row.entry(p.region.clone()).or_default() += 1;
                }
            }
        }
        Coverage { regions, norms }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    Implemented,
    Partial,
    NotImplemented,
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlResult {
    pub control: String,
    pub status: ControlStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    pub stakeholder: String,
    pub baseline: String,
    pub assessed_on: String,
    pub results: Vec<ControlResult>,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
}

impl AssessmentInput {
    /// Every control of the baseline assessed exactly once; nothing else.
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        StakeholderId::parse_field("stakeholder", &self.stakeholder)?;
        let Some(baseline) = catalog.baseline(&self.baseline) else {
            let known: Vec<&str> = catalog.baselines.iter().map(|b| b.id.as_str()).collect();
            return Err(err("baseline", format!("`{}` is not a baseline; known: {}", self.baseline, known.join(", "))));
        };
        past_date("assessed_on", &self.assessed_on, today)?;
        let mut seen = std::collections::HashSet::new();
        for (i, r) in self.results.iter().enumerate() {
            if !baseline.controls.iter().any(|c| c.id == r.control) {
                return Err(err(
                    &format!("results[{i}].control"),
                    format!("`{}` is not a control of {}", r.control, baseline.id),
                ));
            }
            if !seen.insert(r.control.as_str()) {
                return Err(err(&format!("results[{i}].control"), format!("`{}` is assessed twice", r.control)));
            }
            if let Some(e) = &r.evidence {
                short(&format!("results[{i}].evidence"), e, 2000)?;
            }
        }
        if let Some(missing) = baseline.controls.iter().find(|c| !seen.contains(c.id.as_str())) {
            return Err(err(
                "results",
                format!("control `{}` is not assessed; assess every control of the baseline", missing.id),
            ));
        }
        Ok(())
    }
}

/// The share of applicable controls in place, in percent: a partial one counts half.
pub fn hygiene_score(results: &[ControlResult]) -> Option<f64> {
    let applicable: Vec<&ControlResult> = results.iter().filter(|r| r.status != ControlStatus::NotApplicable).collect();
    if applicable.is_empty() {
        return None;
    }
    let points: f64 = applicable
        .iter()
        .map(|r| match r.status {
            ControlStatus::Implemented => 1.0,
            ControlStatus::Partial => 0.5,
            _ => 0.0,
        })
        .sum();
    Some((points / applicable.len() as f64 * 1000.0).round() / 10.0)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: String,
    pub stakeholder: String,
    pub baseline: String,
    pub assessed_on: String,
    pub results: Vec<ControlResult>,
    /// Derived from the results when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

/// `?norm=&region=` over the programmes: each, when given, must name a catalogue norm or region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeFilter {
    pub norm: Option<String>,
    pub region: Option<String>,
}

impl ProgrammeFilter {
    /// The query parameters the filter reads (besides the language ones).
    pub const PARAMETERS: [&'static str; 2] = ["norm", "region"];

    /// The first `norm` and `region` of the query's pairs, checked against the catalogue; other
    /// parameters are the caller's to refuse.
    pub fn parse<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
        catalog: &Catalog,
    ) -> Result<ProgrammeFilter, FieldError> {
        let mut filter = ProgrammeFilter::default();
        for (key, value) in params {
            let slot = match key {
                "norm" => &mut filter.norm,
                "region" => &mut filter.region,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.to_owned());
        }
        if let Some(n) = &filter.norm
            && catalog.norm(n).is_none()
        {
            return Err(err("norm", format!("`{n}` is not a norm of the catalogue")));
        }
        if let Some(r) = &filter.region
            && catalog.taxonomy(REGIONS).is_none_or(|t| t.term(r).is_none())
        {
            return Err(err("region", format!("`{r}` is not a region")));
        }
        Ok(filter)
    }

    /// Whether a programme is one the filter lets through.
    pub fn admits(&self, p: &Programme) -> bool {
        self.norm.as_ref().is_none_or(|n| p.norms.contains(n)) && self.region.as_ref().is_none_or(|r| &p.region == r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hygiene_score_counts_partial_as_half_and_ignores_not_applicable() {
        let r = |s| ControlResult { control: "c".into(), status: s, evidence: None };
        use ControlStatus::*;
        assert_eq!(hygiene_score(&[r(Implemented), r(Partial), r(NotImplemented), r(NotApplicable)]), Some(50.0));
        assert_eq!(hygiene_score(&[r(NotApplicable)]), None);
        assert_eq!(hygiene_score(&[r(Implemented), r(Implemented), r(Partial)]), Some(83.3));
    }
}
