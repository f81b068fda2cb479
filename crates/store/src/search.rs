//! Incident search: filters, full-text terms, facet counts and keyset pagination, all inside
//! the viewer's visibility filter (facet values that come from findings count only where the
//! viewer may read those findings).
use crate::catalog::like_pattern;
use crate::sql::{Sql, visible_to};
use crate::{Backend, Store, StoreError};
use normwatch_core::incident::{FACETS, IncidentCursor, IncidentQuery, IncidentSort, SortKey};
use normwatch_core::{Localized, Viewer};
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// An incident as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentSummary {
    pub id: String,
    pub title: Localized,
    /// The earliest day the incident may have started (`None`: unknown).
    pub start: Option<String>,
    pub status: String,
    pub tlp: String,
    /// The other records of the same incident (confirmed links) the viewer may read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<crate::LinkEnd>,
    /// The dataset the incident was imported from (`eurepoc`, `cfr`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// Targeted countries (ISO 3166-1 alpha-2).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// States named by the published attribution claims the viewer may read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributed_states: Vec<String>,
    /// Operation types (taxonomy terms).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentPage {
    pub total: i64,
    pub incidents: Vec<IncidentSummary>,
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Where a facet row's source (a finding) is readable by the viewer.
pub(crate) fn facet_source_visible(sql: &mut Sql, viewer: &Viewer, alias: &str) -> String {
    if viewer.is_admin() && viewer.communities.is_none() {
        return "1 = 1".to_owned();
    }
    let markings = sql.bind_list(viewer.published_markings().iter().map(|t| t.name()));
    let community = match &viewer.communities {
        None => "1 = 1".to_owned(),
        Some(c) => format!(
            "({alias}.community_id IS NULL OR {alias}.community_id IN {})",
            sql.bind_list(c.iter().map(String::as_str))
        ),
    };
    format!("({alias}.source_tlp IS NULL OR ({alias}.source_tlp IN {markings} AND {community}))")
}

pub(crate) fn summary_from(r: &sqlx::any::AnyRow) -> Result<IncidentSummary, StoreError> {
    let start: String = r.try_get("start_key")?;
    Ok(IncidentSummary {
        id: r.try_get("id")?,
        title: Localized::new(r.try_get::<String, _>("title_ja")?, r.try_get::<String, _>("title_en")?),
        start: (start != "0000-00-00").then_some(start),
        status: r.try_get("status")?,
        tlp: r.try_get("tlp")?,
        also_in: Vec::new(),
        dataset: r.try_get("origin_dataset")?,
        countries: Vec::new(),
        attributed_states: Vec::new(),
        operations: Vec::new(),
    })
}

/// Where the next page starts: after this incident, in this order.
fn cursor_of(sort: IncidentSort, i: &IncidentSummary) -> String {
    let key = match sort.key {
        SortKey::Start => i.start.as_deref().unwrap_or("0000-00-00"),
        key => key.title(&i.title.ja, &i.title.en),
    };
    IncidentCursor { sort, key: key.to_owned(), id: i.id.clone() }.encode()
}

/// The next page's cursor as the query's (a `next` this store wrote).
pub(crate) fn next_cursor(next: Option<&str>) -> Result<Option<IncidentCursor>, StoreError> {
    next.map(|n| IncidentCursor::parse(n).map_err(|e| crate::rows::corrupt("cursor", e))).transpose()
}

/// The value a sort compares, in SQL: compared byte by byte on both backends (SQLite's columns
/// are `BINARY`; PostgreSQL is told `COLLATE "C"`), as the in-memory index compares, so that
/// every path gives one order. See `SortKey::title` for the titles' fallback.
fn sort_value(backend: Backend, key: SortKey) -> String {
    let collate = if backend == Backend::Postgres { " COLLATE \"C\"" } else { "" };
    match key {
        SortKey::Start => format!("r.start_key{collate}"),
        SortKey::TitleEn => format!("(CASE WHEN r.title_en = '' THEN r.title_ja ELSE r.title_en END){collate}"),
        SortKey::TitleJa => format!("(CASE WHEN r.title_ja = '' THEN r.title_en ELSE r.title_ja END){collate}"),
    }
}

/// The rows of `incident_search` a full-text term selects: FTS5's trigram MATCH on SQLite (it
/// needs 3+ characters; shorter terms such as 攻撃 scan with LIKE), ILIKE over the trigram index
/// on PostgreSQL. The SQL search and the index's term lookup both use it.
pub(crate) fn term_condition(backend: Backend, sql: &mut Sql, term: &str) -> String {
    match backend {
        Backend::Sqlite if term.chars().count() >= 3 => {
            format!("incident_search MATCH {}", sql.bind(format!("\"{}\"", term.replace('"', "\"\""))))
        }
        Backend::Sqlite => format!("body LIKE {} ESCAPE '\\'", sql.bind(like_pattern(term))),
        Backend::Postgres => format!("body ILIKE {} ESCAPE '\\'", sql.bind(like_pattern(term))),
    }
}

/// Most frequent first, then by value.
fn sort_facets(facets: &mut BTreeMap<String, Vec<FacetCount>>) {
    for list in facets.values_mut() {
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
}

impl Store {
    pub(crate) fn incident_where(
        &self,
        sql: &mut Sql,
        viewer: &Viewer,
        q: &IncidentQuery,
        others: &[String],
    ) -> String {
        let mut parts = vec![visible_to(sql, viewer, "r")];
        // A version whose published successor the viewer may read is listed as that successor.
        let successor = visible_to(sql, viewer, "n");
        parts.push(format!(
            "NOT EXISTS (SELECT 1 FROM incidents n WHERE n.supersedes = r.id \
               AND (CASE WHEN n.status = 'published' AND {successor} THEN 1 ELSE 0 END) = 1)"
        ));
        if !others.is_empty() {
            let list = sql.bind_list(others.iter().map(String::as_str));
            parts.push(format!("r.id NOT IN {list}"));
        }
        if let Some(y) = q.year {
            parts.push(format!("r.start_year = {}", sql.bind_int(i64::from(y))));
        }
        if let Some(s) = q.status {
            parts.push(format!("r.status = {}", sql.bind(s.name())));
        }
        for (facet, value) in &q.facets {
            let f = sql.bind(*facet);
            let v = sql.bind(value.clone());
            let source = facet_source_visible(sql, viewer, "f");
            parts.push(format!(
                "EXISTS (SELECT 1 FROM incident_facets f WHERE f.facet = {f} AND f.value = {v} AND f.incident_id = r.id AND {source})"
            ));
        }
        for term in &q.terms {
            let condition = term_condition(self.backend, sql, term);
            parts.push(format!("r.id IN (SELECT incident_id FROM incident_search WHERE {condition})"));
        }
        parts.join(" AND ")
    }

    /// Every incident matching `q` in page order, up to `cap`, paging through
    /// [`Store::search_incidents`] (500 at a time): with the total matched and whether the cap
    /// cut the list short. For a portal page's downloads and the timeline.
    pub async fn search_incidents_upto(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        cap: usize,
    ) -> Result<(Vec<IncidentSummary>, i64, bool), StoreError> {
        let mut q = q.clone();
        q.limit = 500;
        q.cursor = None;
        let mut all = Vec::new();
        loop {
            let page = self.search_incidents(viewer, &q).await?;
            all.extend(page.incidents);
            let next = next_cursor(page.next.as_deref())?;
            match next {
                Some(_) | None if all.len() >= cap => {
                    let truncated = next.is_some() || all.len() > cap;
                    all.truncate(cap);
                    return Ok((all, page.total, truncated));
                }
                Some(c) => q.cursor = Some(c),
                None => return Ok((all, page.total, false)),
            }
        }
    }

    /// One page of the incidents matching `q`, in its order (newest start first unless asked),
    /// with the total and facet counts, from the in-memory index (`search_index.rs`) on either
    /// backend.
    pub async fn search_incidents(&self, viewer: &Viewer, q: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        let answer = self.index_answer(viewer, q).await?;
        // The index holds what the list shows of a row (no read per page, which at a million
        // incidents costs random reads of a large table); the links come from the store.
        let mut incidents = answer.page;
        let next = if answer.more { incidents.last().map(|i| cursor_of(q.sort, i)) } else { None };
        let mut facets: BTreeMap<String, Vec<FacetCount>> = BTreeMap::new();
        for (facet, value, n) in answer.facets {
            facets.entry(facet).or_default().push(FacetCount { value, count: i64::try_from(n).unwrap_or(i64::MAX) });
        }
        sort_facets(&mut facets);
        self.add_also_in(&answer.groups, &mut incidents).await?;
        Ok(IncidentPage { total: i64::try_from(answer.total).unwrap_or(i64::MAX), incidents, facets, next })
    }

    /// The same search in SQL alone: the reference the index is tested against.
    pub async fn search_incidents_sql(&self, viewer: &Viewer, q: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        let groups = self.incident_groups(viewer).await?;
        let others = self.group_others(viewer, q, &groups).await?;
        let mut sql = Sql::new("");
        let mut condition = self.incident_where(&mut sql, viewer, q, &others);
        let value = sort_value(self.backend, q.sort.key);
        let id = if self.backend == Backend::Postgres { "r.id COLLATE \"C\"" } else { "r.id" };
        let (after, direction) = if q.sort.descending { ("<", "DESC") } else { (">", "ASC") };
        if let Some(c) = &q.cursor {
            let (k1, k2, i) = (sql.bind(c.key.clone()), sql.bind(c.key.clone()), sql.bind(c.id.clone()));
            condition.push_str(&format!(" AND ({value} {after} {k1} OR ({value} = {k2} AND {id} {after} {i}))"));
        }
        let limit = sql.bind_int(i64::try_from(q.limit).unwrap_or(50) + 1);
        sql.push(&format!(
            "SELECT r.id, r.title_ja, r.title_en, r.start_key, r.status, r.tlp, r.origin_dataset FROM incidents r WHERE {condition} \
             ORDER BY {value} {direction}, {id} {direction} LIMIT {limit}"
        ));
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut incidents = rows.iter().map(summary_from).collect::<Result<Vec<_>, _>>()?;
        let next = if incidents.len() > q.limit {
            incidents.truncate(q.limit);
            incidents.last().map(|i| cursor_of(q.sort, i))
        } else {
            None
        };

        let mut count = Sql::new("");
        let condition = self.incident_where(&mut count, viewer, q, &others);
        count.push(&format!("SELECT COUNT(*) AS n FROM incidents r WHERE {condition}"));
        let total: i64 = count.query().fetch_one(&self.pool).await?.try_get("n")?;

        let mut facets: BTreeMap<String, Vec<FacetCount>> = BTreeMap::new();
        let mut fsql = Sql::new("");
        let condition = self.incident_where(&mut fsql, viewer, q, &others);
        let source = facet_source_visible(&mut fsql, viewer, "f");
        let names = fsql.bind_list(FACETS);
        fsql.push(&format!(
            "SELECT f.facet, f.value, COUNT(DISTINCT f.incident_id) AS n FROM incident_facets f \
             WHERE f.facet IN {names} AND {source} AND f.incident_id IN (SELECT r.id FROM incidents r WHERE {condition}) \
             GROUP BY f.facet, f.value"
        ));
        for r in fsql.query().fetch_all(&self.pool).await? {
            let facet: String = r.try_get("facet")?;
            facets.entry(facet).or_default().push(FacetCount { value: r.try_get("value")?, count: r.try_get("n")? });
        }
        let mut ysql = Sql::new("");
        let condition = self.incident_where(&mut ysql, viewer, q, &others);
        ysql.push(&format!(
            "SELECT r.start_year, COUNT(*) AS n FROM incidents r WHERE {condition} AND r.start_year IS NOT NULL GROUP BY r.start_year"
        ));
        for r in ysql.query().fetch_all(&self.pool).await? {
            let year: i64 = r.try_get("start_year")?;
            facets
                .entry("year".into())
                .or_default()
                .push(FacetCount { value: year.to_string(), count: r.try_get("n")? });
        }
        sort_facets(&mut facets);
        self.add_also_in(&groups, &mut incidents).await?;
        self.add_facet_values(viewer, &mut incidents).await?;
        Ok(IncidentPage { total, incidents, facets, next })
    }

    /// The matching members of linked groups that another matching member stands for (a group
    /// counts once, by its smallest matching member) — as the index does it, in SQL.
    pub(crate) async fn group_others(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        groups: &HashMap<String, String>,
    ) -> Result<Vec<String>, StoreError> {
        if groups.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new("");
        let condition = self.incident_where(&mut sql, viewer, q, &[]);
        let ids = sql.bind_list(groups.keys().map(String::as_str));
        sql.push(&format!("SELECT r.id FROM incidents r WHERE {condition} AND r.id IN {ids}"));
        let mut standing: HashMap<&str, String> = HashMap::new();
        let mut others = Vec::new();
        for r in sql.query().fetch_all(&self.pool).await? {
            let id: String = r.try_get("id")?;
            let Some(group) = groups.get(&id) else { continue };
            match standing.get_mut(group.as_str()) {
                Some(best) if *best < id => others.push(id),
                Some(best) => others.push(std::mem::replace(best, id)),
                None => {
                    standing.insert(group, id);
                }
            }
        }
        others.sort();
        Ok(others)
    }

    /// Each listed incident's targeted countries, attributed states and operation types, read in
    /// one query for the page (attributed states only from findings the viewer may read).
    async fn add_facet_values(&self, viewer: &Viewer, incidents: &mut [IncidentSummary]) -> Result<(), StoreError> {
        if incidents.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new("");
        let ids = sql.bind_list(incidents.iter().map(|i| i.id.as_str()));
        let source = facet_source_visible(&mut sql, viewer, "f");
        let names = sql.bind_list(["country", "attributed_state", "operation"]);
        // The facet test sits in a CASE so that SQLite looks the page's incidents up by id rather
        // than walking every country, state and operation row by the primary key (80 ms at
        // 100,000 incidents, against 2 ms).
        sql.push(&format!(
            "SELECT DISTINCT f.incident_id, f.facet, f.value FROM incident_facets f \
             WHERE f.incident_id IN {ids} AND (CASE WHEN f.facet IN {names} THEN 1 ELSE 0 END) = 1 \
             AND {source} ORDER BY f.value"
        ));
        let mut values: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for r in sql.query().fetch_all(&self.pool).await? {
            values.entry(r.try_get("incident_id")?).or_default().push((r.try_get("facet")?, r.try_get("value")?));
        }
        for i in incidents.iter_mut() {
            for (facet, value) in values.remove(&i.id).unwrap_or_default() {
                match facet.as_str() {
                    "country" => i.countries.push(value),
                    "attributed_state" => i.attributed_states.push(value),
                    _ => i.operations.push(value),
                }
            }
            // In byte order on either backend (a PostgreSQL database's collation may differ), as
            // the index lists them.
            for list in [&mut i.countries, &mut i.attributed_states, &mut i.operations] {
                list.sort();
            }
        }
        Ok(())
    }

    /// Each listed incident's other group members (the groups hold only what the viewer may
    /// read), read in one query for the page.
    async fn add_also_in(
        &self,
        groups: &HashMap<String, String>,
        incidents: &mut [IncidentSummary],
    ) -> Result<(), StoreError> {
        let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
        for (id, group) in groups {
            members.entry(group.as_str()).or_default().push(id.as_str());
        }
        let listed: std::collections::HashSet<String> = incidents
            .iter()
            .filter_map(|i| groups.get(&i.id))
            .flat_map(|g| members.get(g.as_str()).into_iter().flatten().map(|m| (*m).to_owned()))
            .collect();
        if listed.is_empty() {
            return Ok(());
        }
        let ends = self.link_ends(&listed).await?;
        for i in incidents.iter_mut() {
            let Some(group) = groups.get(&i.id) else { continue };
            let mut others: Vec<crate::LinkEnd> = members
                .get(group.as_str())
                .into_iter()
                .flatten()
                .filter(|m| **m != i.id)
                .filter_map(|m| ends.get(*m).cloned())
                .collect();
            others.sort_by(|a, b| a.id.cmp(&b.id));
            i.also_in = others;
        }
        Ok(())
    }
}
