//! What the observatory holds now (the home page) and where its incidents are (the world map):
//! figures kept until the next write ([`crate::figure_cache`]), read as the viewer may read
//! them, from the incident search's own totals and facets (so a map's count is the incident
//! list's count for the same filters) and the standing published findings.
use crate::ports::OverviewSources;
use crate::{Acting, App, AppError};
use normwatch_core::RecordStatus;
use normwatch_core::incident::IncidentQuery;
use normwatch_store::{FindingCount, IncidentSummary, LatestFinding, StakeholderFilter};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many of the latest incidents and findings the home page lists.
pub const LATEST: usize = 6;

/// The home page's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Published incidents (a confirmed linked group counts once).
    pub incidents: i64,
    /// Published incidents per year they started.
    pub incidents_by_year: BTreeMap<i32, i64>,
    /// The published incidents that started last, newest first.
    pub latest_incidents: Vec<IncidentSummary>,
    /// Published incidents per targeted country.
    pub targeted: BTreeMap<String, i64>,
    /// Standing published findings per kind and year of publication.
    pub findings: Vec<FindingCount>,
    /// The latest standing published findings, newest first.
    pub latest_findings: Vec<LatestFinding>,
    pub stakeholders: usize,
    /// Of the stakeholders, the states.
    pub states: usize,
}

/// Incidents per targeted country and per attributed state, over a query's selection.
#[derive(Debug, Clone, Serialize)]
pub struct CountryCounts {
    /// The incidents the query selects (a confirmed linked group counts once).
    pub incidents: i64,
    pub targeted: BTreeMap<String, i64>,
    pub attributed: BTreeMap<String, i64>,
}

fn facet(page: &normwatch_store::IncidentPage, name: &str) -> BTreeMap<String, i64> {
    page.facets.get(name).map(|f| f.iter().map(|c| (c.value.clone(), c.count)).collect()).unwrap_or_default()
}

impl<S: OverviewSources> App<'_, S> {
    /// The home page's figures for the viewer.
    pub async fn overview(&self, who: Acting<'_>) -> Result<Overview, AppError> {
        self.kept("overview", who, "", async {
            let viewer = who.viewer();
            let q = IncidentQuery { status: Some(RecordStatus::Published), limit: LATEST, ..IncidentQuery::default() };
            let page = self.store.search_incidents(&viewer, &q).await?;
            let incidents_by_year =
                facet(&page, "year").into_iter().filter_map(|(y, n)| y.parse::<i32>().ok().map(|y| (y, n))).collect();
            let stakeholders = self.store.stakeholders(&StakeholderFilter::default()).await?;
            Ok(Overview {
                incidents: page.total,
                incidents_by_year,
                targeted: facet(&page, "country"),
                latest_incidents: page.incidents,
                findings: self.store.finding_counts(&viewer).await?,
                latest_findings: self.store.latest_findings(&viewer, LATEST).await?,
                states: stakeholders.iter().filter(|s| s.kind == "state").count(),
                stakeholders: stakeholders.len(),
            })
        })
        .await
    }

    /// Incidents per targeted country and attributed state over the incidents `q`'s filters
    /// select, counted as the incident list counts its facets.
    pub async fn country_counts(&self, who: Acting<'_>, q: &IncidentQuery) -> Result<CountryCounts, AppError> {
        // Paging and order do not select; anything else does.
        let selection = format!("{:?}|{:?}|{:?}|{:?}", q.facets, q.year, q.status, q.terms);
        self.kept("countries", who, &selection, async {
            let q = IncidentQuery { cursor: None, limit: 1, ..q.clone() };
            let page = self.store.search_incidents(&who.viewer(), &q).await?;
            Ok(CountryCounts {
                incidents: page.total,
                targeted: facet(&page, "country"),
                attributed: facet(&page, "attributed_state"),
            })
        })
        .await
    }
}
