//! Incident links: records that describe the same real-world incident. The matcher (core)
//! proposes, a coder confirms or rejects; confirmed links make groups that lists and counts take
//! once. A link is readable only by a viewer who may read both incidents, checked in SQL with
//! `visible_to`. A link follows its incidents through supersession: each end is read as the
//! newest published version of the record it was made on.
use crate::audit::{Actor, record};
use crate::sql::{Sql, visible_to};
use crate::{Store, StoreError, json_column, new_id, now_rfc3339};
use normwatch_core::incident::IncidentInput;
use normwatch_core::linking::{self, Corpus, LinkStatus, MatchScore, Side};
use normwatch_core::violation::AttributionInput;
use normwatch_core::{FieldError, Localized, Viewer};
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// One end of a link as shown beside the other.
#[derive(Debug, Clone, Serialize)]
pub struct LinkEnd {
    pub id: String,
    pub title: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_id: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentLink {
    pub id: String,
    pub status: LinkStatus,
    /// 0 … 1, two decimals.
    pub score: f64,
    pub reasons: Vec<Localized>,
    pub incidents: [LinkEnd; 2],
    pub proposed_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkPage {
    pub links: Vec<IncidentLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// What `propose_links` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProposeReport {
    pub incidents: usize,
    pub candidates: usize,
    pub above_threshold: usize,
    pub proposed: usize,
    /// Pairs already linked, proposed or rejected (never proposed again).
    pub already_decided: usize,
    /// Confirmed links carried over, by origin, to records that replaced their ends.
    pub reapplied: usize,
}

/// A stored link row, before its ends are resolved.
#[derive(Debug, Clone)]
struct LinkRow {
    id: String,
    a: String,
    b: String,
    origin_a: Option<(String, String)>,
    origin_b: Option<(String, String)>,
    status: LinkStatus,
    score: i64,
    reasons: Vec<Localized>,
    proposed_by: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
}

/// Records read per query while the matcher profiles them.
const READ_PAGE: usize = 2_000;

const COLUMNS: &str = "id, incident_a, incident_b, origin_a_dataset, origin_a_id, origin_b_dataset, origin_b_id, \
    status, score, reasons, proposed_by, decided_by, decided_at, created_at, updated_at, version";

fn row_from(r: &sqlx::any::AnyRow) -> Result<LinkRow, StoreError> {
    let origin = |d: &str, i: &str| -> Result<Option<(String, String)>, StoreError> {
        let d: Option<String> = r.try_get(d)?;
        let i: Option<String> = r.try_get(i)?;
        Ok(d.zip(i))
    };
    let status: String = r.try_get("status")?;
    let reasons: String = r.try_get("reasons")?;
    Ok(LinkRow {
        id: r.try_get("id")?,
        a: r.try_get("incident_a")?,
        b: r.try_get("incident_b")?,
        origin_a: origin("origin_a_dataset", "origin_a_id")?,
        origin_b: origin("origin_b_dataset", "origin_b_id")?,
        status: LinkStatus::parse(&status)
            .map_err(|e| StoreError::Corrupt { what: "incident link".into(), reason: e.reason })?,
        score: r.try_get("score")?,
        reasons: json_column("incident link reasons", &reasons)?,
        proposed_by: r.try_get("proposed_by")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

fn ordered(a: String, b: String) -> (String, String) {
    if a <= b { (a, b) } else { (b, a) }
}

fn pair_key(a: &Option<(String, String)>, b: &Option<(String, String)>) -> Option<(String, String)> {
    let key = |o: &(String, String)| format!("{}:{}", o.0, o.1);
    Some(ordered(key(a.as_ref()?), key(b.as_ref()?)))
}

/// The newest published version of each superseded incident.
async fn heads(pool: &sqlx::AnyPool) -> Result<HashMap<String, String>, StoreError> {
    // `supersedes > ''` (every id is non-empty) lets SQLite range over the supersedes index; with
    // `status = ?` or `IS NOT NULL` in the query it walks every published incident instead (250 ms
    // per list at 100,000). Status and order are applied here.
    let rows =
        sqlx::query("SELECT id, supersedes, status FROM incidents WHERE supersedes > ''").fetch_all(pool).await?;
    let mut successors: Vec<(String, String)> = Vec::new();
    for r in &rows {
        let status: String = r.try_get("status")?;
        if status == "published" {
            successors.push((r.try_get("id")?, r.try_get("supersedes")?));
        }
    }
    successors.sort();
    let mut next: HashMap<String, String> = HashMap::new();
    for (id, old) in successors {
        // Two published successors of one version: the first stands (ids sort by creation).
        next.entry(old).or_insert(id);
    }
    Ok(next)
}

fn head(next: &HashMap<String, String>, id: &str) -> String {
    let mut cur = id.to_owned();
    // A chain is at most as long as the table; the bound guards against a cycle written by hand.
    for _ in 0..=next.len() {
        match next.get(&cur) {
            Some(n) => cur = n.clone(),
            None => break,
        }
    }
    cur
}

impl Store {
    /// The incidents among `ids` the viewer may read.
    async fn readable_incidents(&self, viewer: &Viewer, ids: &HashSet<String>) -> Result<HashSet<String>, StoreError> {
        let mut out = HashSet::new();
        let list: Vec<&String> = ids.iter().collect();
        for chunk in list.chunks(500) {
            let mut sql = Sql::new("SELECT r.id FROM incidents r WHERE ");
            let visible = visible_to(&mut sql, viewer, "r");
            let ids = sql.bind_list(chunk.iter().map(|s| s.as_str()));
            sql.push(&format!("{visible} AND r.id IN {ids}"));
            for r in sql.query().fetch_all(&self.pool).await? {
                out.insert(r.try_get("id")?);
            }
        }
        Ok(out)
    }

    /// Link rows with their ends resolved to the current versions, kept where the viewer may
    /// read both ends.
    async fn visible_link_rows(&self, viewer: &Viewer, status: Option<LinkStatus>) -> Result<Vec<LinkRow>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM incident_links WHERE 1 = 1"));
        if let Some(s) = status {
            let p = sql.bind(s.name());
            sql.push(&format!(" AND status = {p}"));
        }
        let rows: Vec<LinkRow> =
            sql.query().fetch_all(&self.pool).await?.iter().map(row_from).collect::<Result<_, _>>()?;
        let next = heads(&self.pool).await?;
        let mut rows: Vec<LinkRow> = rows
            .into_iter()
            .filter_map(|mut r| {
                let (a, b) = ordered(head(&next, &r.a), head(&next, &r.b));
                // Two ends that became one record link nothing.
                (a != b).then(|| {
                    r.a = a;
                    r.b = b;
                    r
                })
            })
            .collect();
        let ends: HashSet<String> = rows.iter().flat_map(|r| [r.a.clone(), r.b.clone()]).collect();
        let readable = self.readable_incidents(viewer, &ends).await?;
        rows.retain(|r| readable.contains(&r.a) && readable.contains(&r.b));
        Ok(rows)
    }

    pub(crate) async fn link_ends(&self, ids: &HashSet<String>) -> Result<HashMap<String, LinkEnd>, StoreError> {
        let mut out = HashMap::new();
        let list: Vec<&String> = ids.iter().collect();
        for chunk in list.chunks(500) {
            let mut sql = Sql::new("SELECT id, body FROM incidents WHERE id IN ");
            let ids = sql.bind_list(chunk.iter().map(|s| s.as_str()));
            sql.push(&ids);
            for r in sql.query().fetch_all(&self.pool).await? {
                let id: String = r.try_get("id")?;
                let body: String = r.try_get("body")?;
                let i: IncidentInput = json_column("incident", &body)?;
                out.insert(
                    id.clone(),
                    LinkEnd {
                        id,
                        title: i.title,
                        start: i.started.map(|d| d.as_str().to_owned()),
                        dataset: i.origin.as_ref().map(|o| o.dataset.clone()),
                        origin_id: i.origin.as_ref().map(|o| o.id.clone()),
                        sources: i.sources.into_iter().map(|s| s.url).collect(),
                    },
                );
            }
        }
        Ok(out)
    }

    async fn shown(&self, rows: Vec<LinkRow>) -> Result<Vec<IncidentLink>, StoreError> {
        let ids: HashSet<String> = rows.iter().flat_map(|r| [r.a.clone(), r.b.clone()]).collect();
        let ends = self.link_ends(&ids).await?;
        let end = |id: &str| ends.get(id).cloned().ok_or(StoreError::NotFound);
        rows.into_iter()
            .map(|r| {
                Ok(IncidentLink {
                    incidents: [end(&r.a)?, end(&r.b)?],
                    id: r.id,
                    status: r.status,
                    score: r.score as f64 / 100.0,
                    reasons: r.reasons,
                    proposed_by: r.proposed_by,
                    decided_by: r.decided_by,
                    decided_at: r.decided_at,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    version: r.version,
                })
            })
            .collect()
    }

    /// Links the viewer may read, best score first, `limit` at a time; `after` is the `next` of
    /// the previous page.
    pub async fn incident_links(
        &self,
        viewer: &Viewer,
        status: Option<LinkStatus>,
        incident: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<LinkPage, StoreError> {
        let mut rows = self.visible_link_rows(viewer, status).await?;
        if let Some(i) = incident {
            let current = head(&heads(&self.pool).await?, i);
            rows.retain(|r| r.a == current || r.b == current);
        }
        // The cursor is the sort key itself, so a page never repeats or skips a link when others
        // are decided in between.
        let key = |r: &LinkRow| format!("{:03}:{}", 100 - r.score.clamp(0, 100), r.id);
        rows.sort_by_key(key);
        if let Some(a) = after {
            rows.retain(|r| key(r).as_str() > a);
        }
        let next = (rows.len() > limit).then(|| key(&rows[limit - 1]));
        rows.truncate(limit);
        Ok(LinkPage { links: self.shown(rows).await?, next })
    }

    /// One link the viewer may read.
    pub async fn incident_link(&self, viewer: &Viewer, id: &str) -> Result<Option<IncidentLink>, StoreError> {
        let rows = self.visible_link_rows(viewer, None).await?;
        let Some(row) = rows.into_iter().find(|r| r.id == id) else { return Ok(None) };
        Ok(self.shown(vec![row]).await?.pop())
    }

    /// Confirms or rejects a proposed link. `version`, when given, is the one the coder read.
    pub async fn decide_incident_link(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        decision: LinkStatus,
        version: Option<i64>,
    ) -> Result<IncidentLink, StoreError> {
        if decision == LinkStatus::Proposed {
            return Err(StoreError::Rejected(FieldError::new("status", "a decision confirms or rejects")));
        }
        let Some(before) = self.incident_link(viewer, id).await? else { return Err(StoreError::NotFound) };
        if before.status != LinkStatus::Proposed {
            return Err(StoreError::Conflict(format!("the link is {} already", before.status.name())));
        }
        if let Some(v) = version
            && v != before.version
        {
            return Err(StoreError::Conflict(format!(
                "the link is at version {}, not {v}; read it again",
                before.version
            )));
        }
        let now = now_rfc3339();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE incident_links SET status = $1, decided_by = $2, decided_at = $3, updated_at = $3, \
             version = version + 1 WHERE id = $4 AND status = 'proposed' AND version = $5",
        )
        .bind(decision.name())
        .bind(&actor.0)
        .bind(&now)
        .bind(id)
        .bind(before.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("the link was decided meanwhile; read it again".into()));
        }
        let mut after = before.clone();
        after.status = decision;
        after.decided_by = Some(actor.0.clone());
        after.decided_at = Some(now.clone());
        after.updated_at = now;
        after.version += 1;
        let action = if decision == LinkStatus::Confirmed { "confirm" } else { "reject" };
        record(&mut tx, actor, action, "incident-link", id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// An editor links two incidents by hand: a confirmed link (or the proposal for the pair,
    /// confirmed). A rejected pair is a conflict: the rejection stands until reviewed.
    pub async fn link_incidents(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        a: &str,
        b: &str,
    ) -> Result<IncidentLink, StoreError> {
        if a == b {
            return Err(StoreError::Rejected(FieldError::new("incidents[1]", "an incident is not linked to itself")));
        }
        let next = heads(&self.pool).await?;
        let (ha, hb) = (head(&next, a), head(&next, b));
        let readable = self.readable_incidents(viewer, &HashSet::from([ha.clone(), hb.clone()])).await?;
        for (i, h) in [(0, &ha), (1, &hb)] {
            if !readable.contains(h) {
                return Err(StoreError::Rejected(FieldError::new(format!("incidents[{i}]"), "no such incident")));
            }
        }
        if ha == hb {
            return Err(StoreError::Rejected(FieldError::new("incidents[1]", "both are versions of one incident")));
        }
        let existing = self.visible_link_rows(&Viewer::system(), None).await?;
        let (x, y) = ordered(ha, hb);
        if let Some(found) = existing.iter().find(|r| r.a == x && r.b == y) {
            return match found.status {
                LinkStatus::Proposed => {
                    self.decide_incident_link(actor, viewer, &found.id, LinkStatus::Confirmed, None).await
                }
                s => {
                    Err(StoreError::Conflict(format!("the two incidents are {} already (link {})", s.name(), found.id)))
                }
            };
        }
        let origins = self.origins(&HashSet::from([x.clone(), y.clone()])).await?;
        let reasons = vec![Localized::new("編集者が手作業で関連付けた", "linked by hand by an editor")];
        let row = self
            .insert_link(actor, &x, &y, &origins, LinkStatus::Confirmed, 100, &reasons, Some(actor), "link")
            .await?;
        self.incident_link(viewer, &row).await?.ok_or(StoreError::NotFound)
    }

    async fn origins(&self, ids: &HashSet<String>) -> Result<HashMap<String, (String, String)>, StoreError> {
        let mut out = HashMap::new();
        let list: Vec<&String> = ids.iter().collect();
        for chunk in list.chunks(500) {
            let mut sql = Sql::new(
                "SELECT id, origin_dataset, origin_id FROM incidents WHERE origin_dataset IS NOT NULL AND id IN ",
            );
            let holders = sql.bind_list(chunk.iter().map(|s| s.as_str()));
            sql.push(&holders);
            for r in sql.query().fetch_all(&self.pool).await? {
                let d: Option<String> = r.try_get("origin_dataset")?;
                let o: Option<String> = r.try_get("origin_id")?;
                if let (Some(d), Some(o)) = (d, o) {
                    out.insert(r.try_get("id")?, (d, o));
                }
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_link(
        &self,
        actor: &Actor,
        a: &str,
        b: &str,
        origins: &HashMap<String, (String, String)>,
        status: LinkStatus,
        score: i64,
        reasons: &[Localized],
        decided_by: Option<&Actor>,
        action: &str,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = insert_in(&mut tx, actor, a, b, origins, status, score, reasons, decided_by, action).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Runs the matcher over the standing published incidents and records proposals at or above
    /// `threshold`. Idempotent: a pair linked, proposed or rejected before (by id, or by both
    /// origins) is not proposed again. Confirmed links whose ends were replaced by records with
    /// the same origins are carried over. `progress` hears (done, total) while scoring.
    pub async fn propose_links(
        &self,
        actor: &Actor,
        threshold: f64,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ProposeReport, StoreError> {
        let system = Viewer::system();
        // Read a page at a time, keeping of each record only what matching needs: the states and
        // groups claims name, and each incident's profile, id and origin.
        let mut states: HashMap<String, Vec<String>> = HashMap::new();
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        self.each_standing_record::<AttributionInput>(&system, READ_PAGE, |c| {
            let to = c.body.attributed_to;
            if let Some(s) = to.state {
                states.entry(c.body.incident.clone()).or_default().push(s);
            }
            if let Some(g) = to.group {
                groups.entry(c.body.incident).or_default().push(g);
            }
        })
        .await?;
        let none: Vec<String> = Vec::new();
        let mut profiles = Vec::new();
        let mut incidents: Vec<(String, Option<(String, String)>)> = Vec::new();
        self.each_standing_record::<IncidentInput>(&system, READ_PAGE, |r| {
            profiles.push(linking::Profile::of(&Side {
                incident: &r.body,
                claim_states: states.get(r.id.as_str()).unwrap_or(&none),
                claim_groups: groups.get(r.id.as_str()).unwrap_or(&none),
            }));
            incidents.push((r.id, r.body.origin.map(|o| (o.dataset, o.id))));
        })
        .await?;
        let corpus = Corpus::of_profiles(profiles);
        let mut report = ProposeReport { incidents: incidents.len(), ..ProposeReport::default() };
        let existing = self.visible_link_rows(&system, None).await?;
        let mut known: HashSet<(String, String)> = existing.iter().map(|r| (r.a.clone(), r.b.clone())).collect();
        let mut known_origins: HashSet<(String, String)> =
            existing.iter().filter_map(|r| pair_key(&r.origin_a, &r.origin_b)).collect();
        let origin_of = |i: usize| incidents[i].1.clone();
        let by_origin: HashMap<(String, String), usize> =
            (0..incidents.len()).filter_map(|i| origin_of(i).map(|o| (o, i))).collect();

        // Confirmed pairs whose records were replaced (not superseded) come back by origin.
        let all_rows = {
            let sql = Sql::new(&format!("SELECT {COLUMNS} FROM incident_links WHERE status = 'confirmed'"));
            sql.query().fetch_all(&self.pool).await?.iter().map(row_from).collect::<Result<Vec<_>, _>>()?
        };
        let mut origins: HashMap<String, (String, String)> = HashMap::new();
        for (i, r) in incidents.iter().enumerate() {
            if let Some(o) = origin_of(i) {
                origins.insert(r.0.clone(), o);
            }
        }
        for r in &all_rows {
            let (Some(oa), Some(ob)) = (&r.origin_a, &r.origin_b) else { continue };
            let (Some(&ia), Some(&ib)) = (by_origin.get(oa), by_origin.get(ob)) else { continue };
            let (a, b) = ordered(incidents[ia].0.clone(), incidents[ib].0.clone());
            if a == b || known.contains(&(a.clone(), b.clone())) {
                continue;
            }
            let decider = Actor(r.decided_by.clone().unwrap_or_else(|| actor.0.clone()));
            self.insert_link(
                actor,
                &a,
                &b,
                &origins,
                LinkStatus::Confirmed,
                r.score,
                &r.reasons,
                Some(&decider),
                "reapply",
            )
            .await?;
            known.insert((a, b));
            report.reapplied += 1;
        }

        let candidates = corpus.candidates();
        report.candidates = candidates.len();
        let total = candidates.len();
        let mut scored: Vec<(usize, usize, MatchScore)> = Vec::new();
        for (n, (a, b)) in candidates.into_iter().enumerate() {
            let s = corpus.score(a, b);
            if s.score >= threshold {
                scored.push((a, b, s));
            }
            if n % 1000 == 0 || n + 1 == total {
                progress(n + 1, total);
            }
        }
        report.above_threshold = scored.len();
        scored.sort_by(|x, y| y.2.score.total_cmp(&x.2.score));
        // One transaction for all the new proposals: a run records all or nothing.
        let mut tx = self.begin_write().await?;
        for (a, b, s) in scored {
            let (x, y) = ordered(incidents[a].0.clone(), incidents[b].0.clone());
            let okey = pair_key(&origin_of(a), &origin_of(b));
            if known.contains(&(x.clone(), y.clone())) || okey.as_ref().is_some_and(|k| known_origins.contains(k)) {
                report.already_decided += 1;
                continue;
            }
            let score = (s.score * 100.0).round() as i64;
            insert_in(&mut tx, actor, &x, &y, &origins, LinkStatus::Proposed, score, &s.reasons, None, "propose")
                .await?;
            known.insert((x, y));
            if let Some(k) = okey {
                known_origins.insert(k);
            }
            report.proposed += 1;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Group of each incident the viewer may read that has confirmed links to others it may
    /// read: the group id is the smallest member id. Incidents in no group are absent.
    pub async fn incident_groups(&self, viewer: &Viewer) -> Result<HashMap<String, String>, StoreError> {
        let rows = self.visible_link_rows(viewer, Some(LinkStatus::Confirmed)).await?;
        Ok(linking::groups(rows.iter().map(|r| (r.a.as_str(), r.b.as_str()))))
    }

    /// The other members of an incident's group the viewer may read, as link ends.
    pub async fn linked_incidents(&self, viewer: &Viewer, incident: &str) -> Result<Vec<LinkEnd>, StoreError> {
        let groups = self.incident_groups(viewer).await?;
        let current = head(&heads(&self.pool).await?, incident);
        let Some(group) = groups.get(&current) else { return Ok(vec![]) };
        let members: HashSet<String> =
            groups.iter().filter(|(id, g)| *g == group && **id != current).map(|(id, _)| id.clone()).collect();
        let ends = self.link_ends(&members).await?;
        let mut out: Vec<LinkEnd> = ends.into_values().collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    a: &str,
    b: &str,
    origins: &HashMap<String, (String, String)>,
    status: LinkStatus,
    score: i64,
    reasons: &[Localized],
    decided_by: Option<&Actor>,
    action: &str,
) -> Result<String, StoreError> {
    let id = new_id();
    let now = now_rfc3339();
    let reasons_text = serde_json::to_string(reasons)
        .map_err(|e| StoreError::Corrupt { what: "incident link reasons".into(), reason: e.to_string() })?;
    let (oa, ob) = (origins.get(a), origins.get(b));
    sqlx::query(
        "INSERT INTO incident_links (id, incident_a, incident_b, origin_a_dataset, origin_a_id, origin_b_dataset, \
         origin_b_id, status, score, reasons, proposed_by, decided_by, decided_at, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
    )
    .bind(&id)
    .bind(a)
    .bind(b)
    .bind(oa.map(|o| o.0.clone()))
    .bind(oa.map(|o| o.1.clone()))
    .bind(ob.map(|o| o.0.clone()))
    .bind(ob.map(|o| o.1.clone()))
    .bind(status.name())
    .bind(score)
    .bind(reasons_text)
    .bind(&actor.0)
    .bind(decided_by.map(|d| d.0.clone()))
    .bind(decided_by.map(|_| now.clone()))
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    let after = serde_json::json!({
        "incidents": [a, b], "status": status.name(), "score": score as f64 / 100.0, "reasons": reasons,
    });
    record(tx, actor, action, "incident-link", &id, None::<&()>, Some(&after)).await?;
    Ok(id)
}
