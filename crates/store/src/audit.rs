//! The audit log: every write, in the same transaction as the write itself.
use crate::rows::read_row;
use crate::sql::{ROWS_PER_STATEMENT, Sql, col, insert_rows};
use crate::{Store, StoreError, now_rfc3339};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// Who makes a write: an account, or the system itself (`init`, seeding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    pub fn system() -> Actor {
        Actor("system".to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

fn to_text<T: Serialize>(value: Option<&T>) -> Result<Option<String>, StoreError> {
    value
        .map(|v| serde_json::to_string(v))
        .transpose()
        .map_err(|e| StoreError::Corrupt { what: "audit record".into(), reason: e.to_string() })
}

pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_rfc3339())
    .bind(&actor.0)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(to_text(before)?)
    .bind(to_text(after)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The audit entries of records of one kind just created (`(id, record)`, in order), a
/// statement per [`ROWS_PER_STATEMENT`] entries: what [`record`] writes for each.
pub(crate) async fn record_created<A: Serialize>(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    entity: &str,
    created: &[(&str, &A)],
) -> Result<(), StoreError> {
    let at = now_rfc3339();
    for chunk in created.chunks(ROWS_PER_STATEMENT) {
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, after) in chunk {
            rows.push(vec![
                col("at", &at),
                col("actor", &actor.0),
                col("action", "create"),
                col("entity", entity),
                col("entity_id", *id),
                col("before", None::<&str>),
                col("after", to_text(Some(after))?),
            ]);
        }
        insert_rows("audit_log", rows).execute_in(tx).await?;
    }
    Ok(())
}

/// A row shared with a community not in `list` (`x NOT IN (NULL)` would be NULL, never true).
fn outside(column: &str, list: &str) -> String {
    format!("{column} IS NOT NULL AND COALESCE({column} IN {list}, FALSE) = FALSE")
}

impl Store {
    /// Evidence migration 18 rescoped, by id: the scope its log leaf was appended with
    /// (`tlp`, `status`, `community` as the audit entry's `before` holds them).
    pub async fn rescoped_evidence(&self) -> Result<std::collections::HashMap<String, serde_json::Value>, StoreError> {
        let rows = sqlx::query(
            "SELECT entity_id, before FROM audit_log WHERE entity = 'incident-evidence' AND action = 'rescope' \
             AND actor = 'migration' ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = std::collections::HashMap::new();
        for r in rows {
            let before: Option<String> = r.try_get("before")?;
            if let Some(b) = before {
                // The first rescope holds what was logged; later ones start from a corrected scope.
                out.entry(r.try_get("entity_id")?).or_insert(crate::json_column("audit record", &b)?);
            }
        }
        Ok(out)
    }

    /// The newest entries first; `before` pages backwards by sequence number.
    pub async fn audit_log(
        &self,
        viewer: &normwatch_core::Viewer,
        entity: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut sql =
            Sql::new("SELECT seq, at, actor, action, entity, entity_id, before, after FROM audit_log WHERE 1 = 1");
        // The trail of a community's record (its text in `before`/`after`) is for the
        // community's members, as the record is.
        if let Some(mine) = &viewer.communities {
            let list = sql.bind_list(mine.iter().map(String::as_str));
            let mut scoped: Vec<String> = crate::tables::community_tables()
                .map(|(_, t)| format!("SELECT id FROM {t} WHERE {}", outside("community_id", &list)))
                .collect();
            // A vulnerability's events share its community.
            scoped.push(format!(
                "SELECT e.id FROM vulnerability_events e JOIN vulnerabilities v ON v.id = e.vulnerability_id \
                 WHERE {}",
                outside("v.community_id", &list)
            ));
            // A link between incidents is in the scope of both of its ends.
            scoped.push(format!(
                "SELECT l.id FROM incident_links l JOIN incidents i ON i.id = l.incident_a OR i.id = l.incident_b \
                 WHERE {}",
                outside("i.community_id", &list)
            ));
            sql.push(&format!(" AND entity_id NOT IN ({})", scoped.join(" UNION ALL ")));
        }
        sql.and_eq("entity", entity);
        if let Some(b) = before {
            let p = sql.bind_int(b);
            sql.push(&format!(" AND seq < {p}"));
        }
        let p = sql.bind_int(limit);
        sql.push(&format!(" ORDER BY seq DESC LIMIT {p}"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let parse = |col: &str| -> Result<Option<serde_json::Value>, StoreError> {
                    let text: Option<String> = r.try_get(col)?;
                    text.map(|t| crate::json_column("audit record", &t)).transpose()
                };
                Ok(read_row!(
                    r,
                    AuditEntry {
                        seq,
                        at,
                        actor,
                        action,
                        entity,
                        entity_id,
                        before: parse("before")?,
                        after: parse("after")?,
                    }
                ))
            })
            .collect()
    }
}

impl Store {
    /// The write clock (migration 0027): every committed write moves it, in commit order, so
    /// figures computed after reading it are at least as new as it, and stay true until it
    /// moves — also when another server or a CLI import beside this one wrote.
    pub async fn audit_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT n FROM write_clock WHERE id = 1").fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }
}
