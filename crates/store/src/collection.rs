//! Collection: registered sources with their health, the items their polls bring in, and the
//! triage decisions on them. Items are read only by a viewer who may triage (core's
//! `collection::may_triage`), checked here in every read: a tip may name a person.
use crate::audit::{Actor, record};
use crate::rows::{corrupt, json_column, read_row};
use crate::sql::{Sql, col, insert};
use crate::{Store, StoreError, new_id, now_rfc3339};

use normwatch_core::Viewer;
use normwatch_core::collection::{ItemOrigin, ItemState, check_open, may_triage};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A source as registered (already checked by the collector's parser).
#[derive(Debug, Clone)]
pub struct NewSource {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub interval_secs: i64,
    /// The collector's health record, as JSON.
    pub health: Value,
    pub next_due: String,
}

/// A registered source, with what it has brought in.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRecord {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub interval_secs: i64,
    pub health: Value,
    pub next_due: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    pub created_by: String,
    pub created_at: String,
    /// Items kept from this source (duplicates are not counted).
    pub items: i64,
    /// Of those, promoted to an incident or attached to one.
    pub used: i64,
}

/// An item as the collector keeps it.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// From [`crate::new_id`], so that the collector can cluster before it writes.
    pub id: String,
    pub source_id: Option<String>,
    pub origin: ItemOrigin,
    pub canonical_url: String,
    pub content_hash: String,
    pub signature: u64,
    /// The cluster of the near-duplicate it retells; `None` starts its own.
    pub cluster: Option<String>,
    pub title: String,
    pub text: String,
    pub language: Option<String>,
    pub published: Option<String>,
    pub cves: Vec<String>,
    pub proposals: Value,
    pub norms: Value,
    pub matches: Value,
    /// 0 … 100.
    pub relevance: i64,
}

/// A collected item in triage.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRecord {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    pub origin: ItemOrigin,
    pub canonical_url: String,
    pub title: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    pub fetched_at: String,
    pub cves: Vec<String>,
    /// The classifier's proposals, each with its score and reason.
    pub proposals: Value,
    /// Norms the proposals may engage, each with its reason (core's screening).
    pub norms: Value,
    /// Existing incidents the item may be about.
    pub matches: Value,
    /// 0 … 1, two decimals.
    pub relevance: f64,
    pub cluster: String,
    /// Items in the cluster, this one included.
    pub cluster_size: i64,
    pub state: ItemState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemPage {
    pub items: Vec<ItemRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Which items a triage list shows.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// `None`: every state.
    pub state: Option<ItemState>,
    pub source: Option<String>,
    pub origin: Option<ItemOrigin>,
    pub cluster: Option<String>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    pub limit: usize,
}

/// A triage decision on an item (and, for a cluster, on its open near-duplicates).
#[derive(Debug, Clone)]
pub struct ItemDecision {
    pub state: ItemState,
    pub incident_id: Option<String>,
    pub reason: Option<String>,
    /// The version the coder read; a stale one is a conflict.
    pub version: Option<i64>,
    pub whole_cluster: bool,
}

/// Per source: what collection yields.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCoverage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// The source's name, or `tips`.
    pub name: String,
    pub items: i64,
    /// Items per day since the first one (at least one day).
    pub items_per_day: f64,
    pub promoted: i64,
    pub attached: i64,
    pub dismissed: i64,
    /// Promoted or attached, of the items decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_used: Option<f64>,
    /// Median days from an item's arrival to its incident's publication, over items whose
    /// incident is published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days_to_published: Option<f64>,
    pub published_incidents: i64,
}

const SOURCE_COLUMNS: &str = "s.id, s.name, s.kind, s.url, s.interval_secs, s.health, s.next_due, s.cursor, \
    s.created_by, s.created_at, \
    (SELECT COUNT(*) FROM items i WHERE i.source_id = s.id) AS items, \
    (SELECT COUNT(*) FROM items i WHERE i.source_id = s.id AND i.state IN ('promoted', 'attached')) AS used";

fn source_from(r: &AnyRow) -> Result<SourceRecord, StoreError> {
    Ok(read_row!(
        r,
        SourceRecord {
            id,
            name,
            kind,
            url,
            interval_secs,
            health: json_column(r, "health")?,
            next_due,
            cursor,
            created_by,
            created_at,
            items,
            used,
        }
    ))
}

const ITEM_COLUMNS: &str = "i.id, i.source_id, s.name AS source_name, i.origin, i.canonical_url, i.title, i.text, \
    i.language, i.published, i.fetched_at, i.cves, i.proposals, i.norms, i.matches, i.relevance, i.cluster, \
    (SELECT COUNT(*) FROM items c WHERE c.cluster = i.cluster) AS cluster_size, \
    i.state, i.incident_id, i.reason, i.decided_by, i.decided_at, i.version";

fn item_from(r: &AnyRow) -> Result<ItemRecord, StoreError> {
    let origin: String = r.try_get("origin")?;
    let state: String = r.try_get("state")?;
    let relevance: i64 = r.try_get("relevance")?;
    Ok(read_row!(
        r,
        ItemRecord {
            id,
            source_id,
            source_name,
            origin: ItemOrigin::parse("origin", &origin).map_err(|e| corrupt("item origin", e.reason))?,
            canonical_url,
            title,
            text,
            language,
            published,
            fetched_at,
            cves: json_column(r, "cves")?,
            proposals: json_column(r, "proposals")?,
            norms: json_column(r, "norms")?,
            matches: json_column(r, "matches")?,
            relevance: relevance as f64 / 100.0,
            cluster,
            cluster_size,
            state: ItemState::parse("state", &state).map_err(|e| corrupt("item state", e.reason))?,
            incident_id,
            reason,
            decided_by,
            decided_at,
            version,
        }
    ))
}

fn text(value: &Value) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| corrupt("collection JSON", e))
}

/// Refuses a viewer who may not triage: the items are not theirs to read.
fn triager(viewer: &Viewer) -> Result<(), StoreError> {
    if may_triage(viewer) { Ok(()) } else { Err(StoreError::NotFound) }
}

impl Store {
    pub async fn create_source(&self, actor: &Actor, input: &NewSource) -> Result<SourceRecord, StoreError> {
        let id = new_id();
        let now = now_rfc3339();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM sources WHERE name = $1 AND removed_at IS NULL")
            .bind(&input.name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Rejected(normwatch_core::FieldError::new(
                "name",
                format!("a source named `{}` exists already; choose another name or remove it first", input.name),
            )));
        }
        let sql = insert(
            "sources",
            vec![
                col("id", id.as_str()),
                col("name", input.name.as_str()),
                col("kind", input.kind.as_str()),
                col("url", input.url.as_str()),
                col("interval_secs", input.interval_secs),
                col("health", text(&input.health)?),
                col("next_due", input.next_due.as_str()),
                col("created_by", actor.0.as_str()),
                col("created_at", now.as_str()),
            ],
        );
        sql.query().execute(&mut *tx).await?;
        let after = serde_json::json!({"name": input.name, "kind": input.kind, "url": input.url, "interval_secs": input.interval_secs});
        record(&mut tx, actor, "create", "source", &id, None::<&Value>, Some(&after)).await?;
        tx.commit().await?;
        self.source(&Viewer::system(), &id).await?.ok_or(StoreError::NotFound)
    }

    /// Sources not removed, by name.
    pub async fn sources(&self, viewer: &Viewer) -> Result<Vec<SourceRecord>, StoreError> {
        triager(viewer)?;
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.removed_at IS NULL ORDER BY s.name, s.id");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?.iter().map(source_from).collect()
    }

    pub async fn source(&self, viewer: &Viewer, id: &str) -> Result<Option<SourceRecord>, StoreError> {
        triager(viewer)?;
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.id = $1 AND s.removed_at IS NULL");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(source_from)
            .transpose()
    }

    /// Sources due at `now` (a stored timestamp), most overdue first.
    pub async fn due_sources(&self, now: &str) -> Result<Vec<SourceRecord>, StoreError> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.removed_at IS NULL AND s.next_due <= $1 ORDER BY s.next_due, s.id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).fetch_all(&self.pool).await?.iter().map(source_from).collect()
    }

    /// Takes due sources for one poll, in one transaction: each one's next poll moves to `until`
    /// if it is still where this poller read it. Those another poller (the background one, a
    /// "poll now", another server) took first are left out — two polls at once would each save
    /// the health they started from, and the later would undo the earlier's.
    pub async fn claim_sources(&self, due: &[SourceRecord], until: &str) -> Result<Vec<SourceRecord>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut taken = Vec::with_capacity(due.len());
        for source in due {
            let done =
                sqlx::query("UPDATE sources SET next_due = $1 WHERE id = $2 AND next_due = $3 AND removed_at IS NULL")
                    .bind(until)
                    .bind(&source.id)
                    .bind(&source.next_due)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 1 {
                taken.push(source.clone());
            }
        }
        tx.commit().await?;
        Ok(taken)
    }

    /// Stops polling a source; its items stay, with their decisions.
    pub async fn remove_source(&self, actor: &Actor, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE sources SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL")
            .bind(now_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        record(&mut tx, actor, "remove", "source", id, None::<&Value>, None::<&Value>).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What one poll left: the source's health, when it is next due, and a TAXII cursor.
    pub async fn record_poll(
        &self,
        id: &str,
        health: &Value,
        next_due: &str,
        cursor: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sources SET health = $1, next_due = $2, cursor = COALESCE($3, cursor) WHERE id = $4")
            .bind(text(health)?)
            .bind(next_due)
            .bind(cursor)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `(signature, id, cluster)` of the items fetched since `since`, to cluster new ones with.
    pub async fn item_signatures(&self, since: &str) -> Result<Vec<(u64, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT signature, id, cluster FROM items WHERE fetched_at >= $1 ORDER BY id")
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>("signature")? as u64, r.try_get("id")?, r.try_get("cluster")?)))
            .collect()
    }

    /// Whether an item with this URL or content is kept already.
    pub async fn item_known(&self, canonical_url: &str, content_hash: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS one FROM items WHERE canonical_url = $1 OR content_hash = $2 LIMIT 1")
            .bind(canonical_url)
            .bind(content_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Keeps new items in one transaction; an item whose URL or content is kept already is
    /// skipped. Returns the id given to each item, `None` for a skipped one.
    pub async fn insert_items(&self, items: &[NewItem]) -> Result<Vec<Option<String>>, StoreError> {
        let now = now_rfc3339();
        let mut out = Vec::with_capacity(items.len());
        let mut tx = self.begin_write().await?;
        for item in items {
            let id = item.id.clone();
            let cves = serde_json::to_string(&item.cves).map_err(|e| corrupt("item CVEs", e))?;
            let mut sql = insert(
                "items",
                vec![
                    col("id", id.as_str()),
                    col("source_id", item.source_id.as_deref()),
                    col("origin", item.origin.name()),
                    col("canonical_url", item.canonical_url.as_str()),
                    col("content_hash", item.content_hash.as_str()),
                    // Stored as the signed integer of the same bits: both backends hold i64.
                    col("signature", item.signature as i64),
                    col("cluster", item.cluster.clone().unwrap_or_else(|| id.clone())),
                    col("title", item.title.as_str()),
                    col("text", item.text.as_str()),
                    col("language", item.language.as_deref()),
                    col("published", item.published.as_deref()),
                    col("fetched_at", now.as_str()),
                    col("cves", cves),
                    col("proposals", text(&item.proposals)?),
                    col("norms", text(&item.norms)?),
                    col("matches", text(&item.matches)?),
                    col("relevance", item.relevance.clamp(0, 100)),
                    col("state", ItemState::Open.name()),
                    col("version", 1i64),
                ],
            );
            sql.push(" ON CONFLICT DO NOTHING");
            let done = sql.query().execute(&mut *tx).await?;
            out.push((done.rows_affected() == 1).then_some(id));
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Items for triage, most relevant first (newest first among equals), `limit` at a time.
    pub async fn items(&self, viewer: &Viewer, filter: &ItemFilter) -> Result<ItemPage, StoreError> {
        triager(viewer)?;
        let mut sql = Sql::new(&format!(
            "SELECT {ITEM_COLUMNS} FROM items i LEFT JOIN sources s ON s.id = i.source_id WHERE 1 = 1"
        ));
        sql.and_eq("i.state", filter.state.map(ItemState::name));
        sql.and_eq("i.source_id", filter.source.as_deref());
        sql.and_eq("i.origin", filter.origin.map(ItemOrigin::name));
        sql.and_eq("i.cluster", filter.cluster.as_deref());
        if let Some(cursor) = &filter.cursor {
            let Some((rel, id)) = cursor.split_once(':').and_then(|(r, id)| Some((r.parse::<i64>().ok()?, id))) else {
                return Err(StoreError::Rejected(normwatch_core::FieldError::new(
                    "cursor",
                    "not a cursor from this list: pass the `next` of the previous page",
                )));
            };
            let r = sql.bind_int(rel);
            let r2 = sql.bind_int(rel);
            let i = sql.bind(id);
            sql.push(&format!(" AND (i.relevance < {r} OR (i.relevance = {r2} AND i.id < {i}))"));
        }
        let limit = filter.limit.max(1);
        let l = sql.bind_int(limit as i64 + 1);
        sql.push(&format!(" ORDER BY i.relevance DESC, i.id DESC LIMIT {l}"));
        let mut items: Vec<ItemRecord> =
            sql.query().fetch_all(&self.pool).await?.iter().map(item_from).collect::<Result<_, _>>()?;
        let next = (items.len() > limit).then(|| {
            let last = &items[limit - 1];
            format!("{}:{}", (last.relevance * 100.0).round() as i64, last.id)
        });
        items.truncate(limit);
        Ok(ItemPage { items, next })
    }

    pub async fn item(&self, viewer: &Viewer, id: &str) -> Result<Option<ItemRecord>, StoreError> {
        triager(viewer)?;
        let sql =
            format!("SELECT {ITEM_COLUMNS} FROM items i LEFT JOIN sources s ON s.id = i.source_id WHERE i.id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(item_from)
            .transpose()
    }

    /// Decides an open item (and, with `whole_cluster`, the open items of its cluster). Returns
    /// the items decided, the asked one first.
    pub async fn decide_item(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        decision: &ItemDecision,
    ) -> Result<Vec<ItemRecord>, StoreError> {
        let Some(before) = self.item(viewer, id).await? else { return Err(StoreError::NotFound) };
        check_open(before.state).map_err(|e| StoreError::Conflict(e.reason))?;
        if let Some(v) = decision.version
            && v != before.version
        {
            return Err(StoreError::Conflict(format!(
                "the item is at version {}, not {v}; read it again",
                before.version
            )));
        }
        let mut ids = vec![before.id.clone()];
        if decision.whole_cluster {
            let page = self
                .items(
                    viewer,
                    &ItemFilter {
                        state: Some(ItemState::Open),
                        cluster: Some(before.cluster.clone()),
                        limit: 10_000,
                        ..ItemFilter::default()
                    },
                )
                .await?;
            ids.extend(page.items.into_iter().map(|i| i.id).filter(|i| *i != before.id));
        }
        let now = now_rfc3339();
        let mut tx = self.begin_write().await?;
        for (n, item) in ids.iter().enumerate() {
            let done = sqlx::query(
                "UPDATE items SET state = $1, incident_id = $2, reason = $3, decided_by = $4, decided_at = $5, \
                 version = version + 1 WHERE id = $6 AND state = 'open'",
            )
            .bind(decision.state.name())
            .bind(decision.incident_id.as_deref())
            .bind(decision.reason.as_deref())
            .bind(&actor.0)
            .bind(&now)
            .bind(item)
            .execute(&mut *tx)
            .await?;
            if n == 0 && done.rows_affected() != 1 {
                return Err(StoreError::Conflict("the item was decided meanwhile; read it again".into()));
            }
            let after = serde_json::json!({
                "state": decision.state.name(), "incident_id": decision.incident_id, "reason": decision.reason,
            });
            record(&mut tx, actor, decision.state.name(), "item", item, None::<&Value>, Some(&after)).await?;
        }
        tx.commit().await?;
        let mut out = Vec::with_capacity(ids.len());
        for i in &ids {
            if let Some(r) = self.item(viewer, i).await? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Decided items with their text, for the next training run: `(text, state, incident)`.
    pub async fn decided_items(&self) -> Result<Vec<(String, ItemState, Option<String>)>, StoreError> {
        let rows = sqlx::query("SELECT title, text, state, incident_id FROM items WHERE state <> 'open' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let title: String = r.try_get("title")?;
                let body: String = r.try_get("text")?;
                let state: String = r.try_get("state")?;
                let state = ItemState::parse("state", &state).map_err(|e| corrupt("item state", e.reason))?;
                Ok((format!("{title}\n{body}"), state, r.try_get("incident_id")?))
            })
            .collect()
    }

    /// Coverage per source (tips as one more line): items, items per day, decisions, and the
    /// time from an item's arrival to its incident's publication.
    pub async fn collection_coverage(&self, viewer: &Viewer) -> Result<Vec<SourceCoverage>, StoreError> {
        triager(viewer)?;
        let rows = sqlx::query(
            "SELECT i.source_id, s.name, i.state, i.fetched_at, inc.status AS incident_status, \
             inc.updated_at AS incident_published \
             FROM items i LEFT JOIN sources s ON s.id = i.source_id \
             LEFT JOIN incidents inc ON inc.id = i.incident_id ORDER BY i.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by: std::collections::BTreeMap<(String, Option<String>), Vec<&AnyRow>> = Default::default();
        for r in &rows {
            let source: Option<String> = r.try_get("source_id")?;
            let name: Option<String> = r.try_get("name")?;
            by.entry((name.unwrap_or_else(|| "tips".into()), source)).or_default().push(r);
        }
        let mut out = Vec::new();
        for ((name, source_id), rows) in by {
            let mut c = SourceCoverage {
                source_id,
                name,
                items: rows.len() as i64,
                items_per_day: 0.0,
                promoted: 0,
                attached: 0,
                dismissed: 0,
                share_used: None,
                median_days_to_published: None,
                published_incidents: 0,
            };
            let mut first: Option<time::OffsetDateTime> = None;
            let mut last: Option<time::OffsetDateTime> = None;
            let mut lags = Vec::new();
            for r in rows {
                let state: String = r.try_get("state")?;
                match state.as_str() {
                    "promoted" => c.promoted += 1,
                    "attached" => c.attached += 1,
                    "dismissed" => c.dismissed += 1,
                    _ => {}
                }
                let fetched: String = r.try_get("fetched_at")?;
                let at = parse_time(&fetched)?;
                first = Some(first.map_or(at, |f| f.min(at)));
                last = Some(last.map_or(at, |l| l.max(at)));
                let status: Option<String> = r.try_get("incident_status")?;
                let published: Option<String> = r.try_get("incident_published")?;
                if status.as_deref() == Some("published")
                    && let Some(p) = published
                {
                    c.published_incidents += 1;
                    lags.push((parse_time(&p)? - at).as_seconds_f64() / 86_400.0);
                }
            }
            if let (Some(f), Some(l)) = (first, last) {
                let days = ((l - f).as_seconds_f64() / 86_400.0).max(1.0);
                c.items_per_day = (c.items as f64 / days * 100.0).round() / 100.0;
            }
            let decided = c.promoted + c.attached + c.dismissed;
            if decided > 0 {
                c.share_used = Some(((c.promoted + c.attached) as f64 / decided as f64 * 1000.0).round() / 1000.0);
            }
            if !lags.is_empty() {
                lags.sort_by(f64::total_cmp);
                let m = lags.len() / 2;
                let median = if lags.len() % 2 == 1 { lags[m] } else { (lags[m - 1] + lags[m]) / 2.0 };
                c.median_days_to_published = Some((median.max(0.0) * 100.0).round() / 100.0);
            }
            out.push(c);
        }
        Ok(out)
    }
}

/// A stored timestamp (RFC 3339), or a date (`published_on` of older records).
fn parse_time(s: &str) -> Result<time::OffsetDateTime, StoreError> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let date = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| corrupt("collection timestamp", e))?;
    Ok(date.midnight().assume_utc())
}
