//! Figures over the published findings a viewer may read: violations per norm and year, the
//! attribution lag, response rates, and states assessed as violating a norm they endorse. The
//! API's `/metrics/…`, the portal's metrics page and its dashboard read them here.
use crate::ports::FigureSources;
use crate::{Acting, App, AppError};
use normwatch_core::adoption::{Position, Stance};
use normwatch_core::incident::{IncidentQuery, PartialDate};
use normwatch_core::metrics::{
    AttributionLagYear, ClaimDate, LagFigures, ResponseRates, VIOLATION_LEVELS, ViolationCount, YearResponseRate,
    attribution_lag, response_rates, response_rates_by_year, violations_per_norm_year,
};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput};
use normwatch_core::{RecordStatus, Viewer};
use normwatch_store::{LedgerRecord, RecordFilter, StakeholderFilter};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How the attribution lag is computed, for readers of the figure.
pub const LAG_RULE: &str = "days from the incident's start (or its discovery when the start is unknown) to its first attribution by each kind of attributor; a date known only to the month or year is the interval of its days, so each lag is an interval [lower, upper] (lower clamped at 0 when the dates overlap; left out only when the attribution certainly precedes the start); the medians of the lower and of the upper bounds bound the median; day_precise_median_days uses only incidents with both dates known to the day; a linked group of records counts as one incident";

/// Every figure at once: `GET /api/v1/metrics` and the portal page's JSON download.
#[derive(Debug, Clone, Serialize)]
pub struct AllMetrics {
    pub violation_levels: [&'static str; 2],
    pub violations: Vec<ViolationCount>,
    pub attribution_lag: LagReport,
    pub responses: ResponseRates,
    pub endorsed_violations: Vec<EndorsedViolation>,
}

/// The attribution lag with its rule and the number of claims read.
#[derive(Debug, Clone, Serialize)]
pub struct LagReport {
    pub rule: &'static str,
    pub claims: usize,
    #[serde(flatten)]
    pub figures: LagFigures,
}

/// Published violations (established or likely) per norm and incident year, with the levels
/// that count as a violation.
#[derive(Debug, Clone, Serialize)]
pub struct ViolationFigures {
    pub levels: [&'static str; 2],
    pub violations: Vec<ViolationCount>,
}

/// States assessed as violating a norm they endorse.
#[derive(Debug, Clone, Serialize)]
pub struct EndorsedViolations {
    pub count: usize,
    pub violations: Vec<EndorsedViolation>,
}

/// A state assessed as violating a norm it endorses.
#[derive(Debug, Clone, Serialize)]
pub struct EndorsedViolation {
    pub state: String,
    pub stakeholder: String,
    pub norm: String,
    pub level: String,
    pub incident: String,
    pub assessment: String,
    pub endorsed_on: String,
    pub position: String,
}

/// How attribution and response have gone over the years, over the incidents a query selects:
/// the attribution lag per year of the incident's start and kind of attributor, and the response
/// rate per year (`/analysis/attribution`).
#[derive(Debug, Clone, Serialize)]
pub struct AttributionTrends {
    pub rule: &'static str,
    /// Published standing attribution claims counted (those about the selected incidents).
    pub claims: usize,
    pub lag_by_year: Vec<AttributionLagYear>,
    pub responses_by_year: Vec<YearResponseRate>,
}

/// Violations over time per norm, and who was assessed as violating a norm it endorses, over the
/// incidents a query selects (`/analysis/norms`).
#[derive(Debug, Clone, Serialize)]
pub struct NormTrends {
    pub levels: [&'static str; 2],
    pub violations: Vec<ViolationCount>,
    pub endorsed_violations: Vec<EndorsedViolation>,
}

/// What the figures are computed from, read once per request: the standing published records
/// the viewer may read, incident dates, and the linked groups (confirmed links between incidents
/// the viewer may read, so one real-world incident counts once).
struct Sources {
    assessments: Vec<LedgerRecord<AssessmentInput>>,
    claims: Vec<LedgerRecord<AttributionInput>>,
    responses: Vec<LedgerRecord<ResponseInput>>,
    dates: HashMap<String, (Option<PartialDate>, Option<PartialDate>)>,
    groups: HashMap<String, String>,
}

/// Which records a figure needs.
#[derive(Clone, Copy, Default)]
struct Wanted {
    assessments: bool,
    claims: bool,
    responses: bool,
    dates: bool,
}

const EVERYTHING: Wanted = Wanted { assessments: true, claims: true, responses: true, dates: true };

impl Sources {
    async fn read<S: FigureSources>(store: &S, viewer: &Viewer, wanted: Wanted) -> Result<Sources, AppError> {
        Ok(Sources {
            assessments: if wanted.assessments { store.standing_records(viewer).await? } else { Vec::new() },
            claims: if wanted.claims { store.standing_records(viewer).await? } else { Vec::new() },
            responses: if wanted.responses { store.standing_records(viewer).await? } else { Vec::new() },
            dates: if wanted.dates { store.incident_dates(viewer).await? } else { HashMap::new() },
            groups: if wanted.claims { store.incident_groups(viewer).await? } else { HashMap::new() },
        })
    }

    /// Keeps only the findings about `incidents` (a filtered page's selection).
    fn only(mut self, incidents: &HashSet<String>) -> Sources {
        self.assessments.retain(|a| incidents.contains(&a.body.incident));
        self.claims.retain(|c| incidents.contains(&c.body.incident));
        self.responses.retain(|r| incidents.contains(&r.body.incident));
        self
    }

    fn start_year(&self, incident: &str) -> Option<i32> {
        self.dates.get(incident).and_then(|(s, d)| s.as_ref().or(d.as_ref())).map(PartialDate::year)
    }

    fn trends(&self) -> AttributionTrends {
        let lag = self.lag();
        AttributionTrends {
            rule: LAG_RULE,
            claims: lag.claims,
            lag_by_year: lag.figures.by_year,
            responses_by_year: response_rates_by_year(
                self.claims.iter().filter(|c| c.body.attributed_to.state.is_some()).map(|c| c.body.incident.as_str()),
                self.responses.iter().map(|r| r.body.incident.as_str()),
                &self.groups,
                |i| self.start_year(i),
            ),
        }
    }

    fn violation_counts(&self) -> Vec<ViolationCount> {
        let year = |incident: &str| {
            self.dates.get(incident).and_then(|(s, d)| s.as_ref().or(d.as_ref())).map(PartialDate::year)
        };
        violations_per_norm_year(
            self.assessments
                .iter()
                .filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str()))
                .map(|a| (a.body.norm.as_str(), year(&a.body.incident))),
        )
    }

    fn lag(&self) -> LagReport {
        let inputs: Vec<ClaimDate<'_>> = self
            .claims
            .iter()
            .map(|c| ClaimDate {
                incident: c.body.incident.as_str(),
                kind: c.body.attributor.kind,
                attributed_on: c.body.attributed_on.as_ref(),
            })
            .collect();
        LagReport {
            rule: LAG_RULE,
            claims: self.claims.len(),
            figures: attribution_lag(&inputs, &self.dates, &self.groups),
        }
    }

    /// The response rate of incidents attributed to a state, overall and per kind of attributor.
    fn response_rates(&self) -> ResponseRates {
        response_rates(
            self.claims
                .iter()
                .filter(|c| c.body.attributed_to.state.is_some())
                .map(|c| (c.body.incident.as_str(), c.body.attributor.kind)),
            self.responses.iter().map(|r| r.body.incident.as_str()),
            &self.groups,
        )
    }

    /// States assessed as violating a norm they endorse (their latest published stance).
    async fn endorsed_violations<S: FigureSources>(
        &self,
        store: &S,
        viewer: &Viewer,
    ) -> Result<Vec<EndorsedViolation>, AppError> {
        let states = store.stakeholders(&StakeholderFilter { kind: Some("state".into()), country: None }).await?;
        // Every position the viewer may read, once; the latest published one per (stakeholder,
        // norm) is its stance (positions come oldest first).
        let positions = store.positions(viewer, &RecordFilter::default()).await?;
        let mut stance: HashMap<(&str, &str), &Position> = HashMap::new();
        for p in positions.iter().filter(|p| p.recorded.status == RecordStatus::Published) {
            stance.insert((p.stakeholder.as_str(), p.norm.as_str()), p);
        }
        let mut rows = Vec::new();
        for a in self.assessments.iter().filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str())) {
            let Some(code) = &a.body.actor.state else { continue };
            for s in states.iter().filter(|s| s.country.as_deref() == Some(code.as_str())) {
                if let Some(p) =
                    stance.get(&(s.id.as_str(), a.body.norm.as_str())).filter(|p| p.stance == Stance::Endorse)
                {
                    rows.push(EndorsedViolation {
                        state: code.clone(),
                        stakeholder: s.id.clone(),
                        norm: a.body.norm.clone(),
                        level: a.body.level.clone(),
                        incident: a.body.incident.clone(),
                        assessment: a.id.clone(),
                        endorsed_on: p.stated_on.clone(),
                        position: p.id.clone(),
                    });
                }
            }
        }
        Ok(rows)
    }
}

impl<S: FigureSources> App<'_, S> {
    async fn figure_sources(&self, who: Acting<'_>, wanted: Wanted) -> Result<Sources, AppError> {
        Sources::read(self.store, &who.viewer(), wanted).await
    }

    /// A figure kept until the next write (see [`crate::figure_cache`]): under its name, the
    /// viewer and its query.
    pub(crate) async fn kept<T, F>(&self, name: &str, who: Acting<'_>, query: &str, compute: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, AppError>>,
    {
        let version = self.store.audit_version().await?;
        let key = format!("{name}|{:?}|{query}", who.viewer());
        Ok((*self.figures.get_or(key, version, compute).await?).clone())
    }

    /// Every figure at once.
    pub async fn all_metrics(&self, who: Acting<'_>) -> Result<AllMetrics, AppError> {
        self.kept("all", who, "", async {
            let sources = self.figure_sources(who, EVERYTHING).await?;
            Ok(AllMetrics {
                violation_levels: VIOLATION_LEVELS,
                violations: sources.violation_counts(),
                attribution_lag: sources.lag(),
                responses: sources.response_rates(),
                endorsed_violations: sources.endorsed_violations(self.store, &who.viewer()).await?,
            })
        })
        .await
    }

    pub async fn violation_figures(&self, who: Acting<'_>) -> Result<ViolationFigures, AppError> {
        self.kept("violations", who, "", async {
            let wanted = Wanted { assessments: true, dates: true, ..Wanted::default() };
            let violations = self.figure_sources(who, wanted).await?.violation_counts();
            Ok(ViolationFigures { levels: VIOLATION_LEVELS, violations })
        })
        .await
    }

    /// The attribution lag by attributor kind and by year, and how many claims it was drawn from.
    pub async fn attribution_lag(&self, who: Acting<'_>) -> Result<LagReport, AppError> {
        self.kept("lag", who, "", async {
            let wanted = Wanted { claims: true, dates: true, ..Wanted::default() };
            Ok(self.figure_sources(who, wanted).await?.lag())
        })
        .await
    }

    pub async fn response_figures(&self, who: Acting<'_>) -> Result<ResponseRates, AppError> {
        self.kept("responses", who, "", async {
            let wanted = Wanted { claims: true, responses: true, ..Wanted::default() };
            Ok(self.figure_sources(who, wanted).await?.response_rates())
        })
        .await
    }

    /// The attribution lag and the response rate per year, over the incidents `q`'s filters
    /// select (all the viewer may read when it has none).
    pub async fn attribution_trends(&self, who: Acting<'_>, q: &IncidentQuery) -> Result<AttributionTrends, AppError> {
        // Paging and order do not select; anything else does.
        let filtered = !(q.facets.is_empty() && q.year.is_none() && q.status.is_none() && q.terms.is_empty());
        let selection =
            if filtered { format!("{:?}|{:?}|{:?}|{:?}", q.facets, q.year, q.status, q.terms) } else { String::new() };
        self.kept("trends", who, &selection, async {
            let wanted = Wanted { claims: true, responses: true, dates: true, ..Wanted::default() };
            let mut sources = self.figure_sources(who, wanted).await?;
            if filtered {
                let ids = self.store.matching_incident_ids(&who.viewer(), q).await?;
                sources = sources.only(&ids);
            }
            Ok(sources.trends())
        })
        .await
    }

    /// Violations per norm and year, and states assessed as violating a norm they endorse, over
    /// the incidents `q`'s filters select (`/analysis/norms`).
    pub async fn norm_trends(&self, who: Acting<'_>, q: &IncidentQuery) -> Result<NormTrends, AppError> {
        let (filtered, selection) = crate::analysis::selection(q);
        self.kept("norm-trends", who, &selection, async {
            let wanted = Wanted { assessments: true, dates: true, ..Wanted::default() };
            let mut sources = self.figure_sources(who, wanted).await?;
            if filtered {
                let ids = self.store.matching_incident_ids(&who.viewer(), q).await?;
                sources = sources.only(&ids);
            }
            Ok(NormTrends {
                levels: VIOLATION_LEVELS,
                violations: sources.violation_counts(),
                endorsed_violations: sources.endorsed_violations(self.store, &who.viewer()).await?,
            })
        })
        .await
    }

    pub async fn endorsed_violations(&self, who: Acting<'_>) -> Result<EndorsedViolations, AppError> {
        self.kept("endorsed", who, "", async {
            let wanted = Wanted { assessments: true, ..Wanted::default() };
            let violations =
                self.figure_sources(who, wanted).await?.endorsed_violations(self.store, &who.viewer()).await?;
            Ok(EndorsedViolations { count: violations.len(), violations })
        })
        .await
    }
}
