//! The catalogue in the database: loaded once per distinct content (a new version), read back
//! whole or queried (norm filters, full-text search in Japanese and English).
use crate::{Backend, Store, StoreError, now_rfc3339};
use normwatch_core::catalog::{CatalogMeta, Document, FrameworkElement, Principle, Recommendation, Source};
use normwatch_core::{Catalog, Norm, NormQuery, Taxonomy};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{AssertSqlSafe, Row};

/// What loading a catalogue did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogLoad {
    /// The same content was already the current version.
    Unchanged { version: i64 },
    /// A new version was stored.
    Loaded { version: i64, entries: usize },
}

impl CatalogLoad {
    pub fn version(&self) -> i64 {
        match self {
            CatalogLoad::Unchanged { version } | CatalogLoad::Loaded { version, .. } => *version,
        }
    }
}

const ORIGIN_CATALOG: &str = "catalog";
const WITHDRAWN: &str = "withdrawn";

fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt { what: "catalogue entry".into(), reason: e.to_string() })
}

fn from_json<T: DeserializeOwned>(what: &str, id: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body)
        .map_err(|e| StoreError::Corrupt { what: format!("{what} `{id}`"), reason: e.to_string() })
}

/// One row of `catalog_entries`, before it is written.
struct Entry {
    kind: &'static str,
    id: String,
    status: String,
    body: String,
}

fn entries(catalog: &Catalog) -> Result<Vec<Entry>, StoreError> {
    let mut out = Vec::new();
    let active = || "active".to_owned();
    for d in &catalog.documents {
        out.push(Entry { kind: "document", id: d.id.clone(), status: active(), body: to_json(d)? });
    }
    for p in &catalog.principles {
        out.push(Entry { kind: "principle", id: p.id.clone(), status: active(), body: to_json(p)? });
    }
    for f in &catalog.framework {
        out.push(Entry { kind: "element", id: f.id.clone(), status: active(), body: to_json(f)? });
    }
    for r in &catalog.recommendations {
        out.push(Entry { kind: "recommendation", id: r.id.clone(), status: active(), body: to_json(r)? });
    }
    for n in &catalog.norms {
        let status = crate::rows::enum_name(n.status);
        out.push(Entry { kind: "norm", id: n.id.clone(), status, body: to_json(n)? });
    }
    for t in &catalog.taxonomies {
        out.push(Entry { kind: "taxonomy", id: t.id.clone(), status: active(), body: to_json(t)? });
    }
    for s in &catalog.standards {
        out.push(Entry { kind: "standard", id: s.id.clone(), status: active(), body: to_json(s)? });
    }
    for b in &catalog.baselines {
        out.push(Entry { kind: "baseline", id: b.id.clone(), status: active(), body: to_json(b)? });
    }
    Ok(out)
}

impl Store {
    /// Stores the catalogue as a new version unless its content is already current. Entries of
    /// an earlier catalogue that the new one lacks are marked withdrawn, not deleted: records may
    /// cite them.
    pub async fn load_catalog(&self, catalog: &Catalog) -> Result<CatalogLoad, StoreError> {
        let mut tx = self.begin_write().await?;
        let current = sqlx::query("SELECT version, digest FROM catalog_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
        let mut version = 1;
        if let Some(row) = current {
            let v: i64 = row.try_get("version")?;
            let digest: String = row.try_get("digest")?;
            if digest == catalog.digest {
                return Ok(CatalogLoad::Unchanged { version: v });
            }
            version = v + 1;
        }
        sqlx::query(
            "INSERT INTO catalog_versions (version, label, digest, loaded_at, meta) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version)
        .bind(&catalog.meta.version)
        .bind(&catalog.digest)
        .bind(now_rfc3339())
        .bind(to_json(&catalog.meta)?)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE catalog_entries SET status = $1 WHERE origin = $2")
            .bind(WITHDRAWN)
            .bind(ORIGIN_CATALOG)
            .execute(&mut *tx)
            .await?;
        let rows = entries(catalog)?;
        for (position, e) in rows.iter().enumerate() {
            sqlx::query(
                "INSERT INTO catalog_entries (kind, id, position, status, origin, since_version, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (kind, id) DO UPDATE SET position = excluded.position, status = excluded.status,
                   origin = excluded.origin, since_version = excluded.since_version, body = excluded.body",
            )
            .bind(e.kind)
            .bind(&e.id)
            .bind(position as i64)
            .bind(&e.status)
            .bind(ORIGIN_CATALOG)
            .bind(version)
            .bind(&e.body)
            .execute(&mut *tx)
            .await?;
        }
        for table in ["norm_sources", "norm_addressees", "norm_principles", "norm_search"] {
            // The table names are the constants of the loop above, never input.
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE norm_id IN (SELECT id FROM catalog_entries WHERE kind = 'norm' AND origin = $1)")))
                .bind(ORIGIN_CATALOG)
                .execute(&mut *tx)
                .await?;
        }
        for n in &catalog.norms {
            for s in &n.sources {
                sqlx::query(
                    "INSERT INTO norm_sources (norm_id, document_id, paragraph, paragraph_key) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING",
                )
                .bind(&n.id)
                .bind(&s.document)
                .bind(&s.paragraph)
                .bind(Source::paragraph_key(&s.paragraph))
                .execute(&mut *tx)
                .await?;
            }
            for a in &n.addressees {
                sqlx::query("INSERT INTO norm_addressees (norm_id, addressee) VALUES ($1, $2)")
                    .bind(&n.id)
                    .bind(a)
                    .execute(&mut *tx)
                    .await?;
            }
            for p in &n.principles {
                sqlx::query("INSERT INTO norm_principles (norm_id, principle_id) VALUES ($1, $2)")
                    .bind(&n.id)
                    .bind(p)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("INSERT INTO norm_search (norm_id, body) VALUES ($1, $2)")
                .bind(&n.id)
                .bind(n.search_text())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(version, entries = rows.len(), "catalogue loaded");
        Ok(CatalogLoad::Loaded { version, entries: rows.len() })
    }

    /// The current catalogue version number and its label, if one is loaded.
    pub async fn catalog_version(&self) -> Result<Option<(i64, String)>, StoreError> {
        let row = sqlx::query("SELECT version, label FROM catalog_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("version")?, r.try_get("label")?))).transpose()
    }

    /// The whole current catalogue, as stored.
    pub async fn catalog(&self) -> Result<Catalog, StoreError> {
        let head = sqlx::query("SELECT digest, meta FROM catalog_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NoCatalog)?;
        let digest: String = head.try_get("digest")?;
        let meta: String = head.try_get("meta")?;
        let meta: CatalogMeta = from_json("catalogue header", "meta", &meta)?;
        let rows = sqlx::query("SELECT kind, id, body FROM catalog_entries WHERE status <> $1 ORDER BY position, id")
            .bind(WITHDRAWN)
            .fetch_all(&self.pool)
            .await?;
        let mut catalog = Catalog {
            meta,
            digest,
            documents: vec![],
            principles: vec![],
            framework: vec![],
            recommendations: vec![],
            norms: vec![],
            taxonomies: vec![],
            standards: vec![],
            baselines: vec![],
        };
        for row in rows {
            let kind: String = row.try_get("kind")?;
            let id: String = row.try_get("id")?;
            let body: String = row.try_get("body")?;
            match kind.as_str() {
                "document" => catalog.documents.push(from_json::<Document>(&kind, &id, &body)?),
                "principle" => catalog.principles.push(from_json::<Principle>(&kind, &id, &body)?),
                "element" => catalog.framework.push(from_json::<FrameworkElement>(&kind, &id, &body)?),
                "recommendation" => catalog.recommendations.push(from_json::<Recommendation>(&kind, &id, &body)?),
                "norm" => catalog.norms.push(from_json::<Norm>(&kind, &id, &body)?),
                "taxonomy" => catalog.taxonomies.push(from_json::<Taxonomy>(&kind, &id, &body)?),
                "standard" => catalog.standards.push(from_json(&kind, &id, &body)?),
                "baseline" => catalog.baselines.push(from_json(&kind, &id, &body)?),
                other => {
                    return Err(StoreError::Corrupt {
                        what: format!("catalogue entry `{id}`"),
                        reason: format!("unknown kind `{other}`"),
                    });
                }
            }
        }
        Ok(catalog)
    }

    /// One norm by id, including withdrawn ones (records may still cite them).
    pub async fn norm(&self, id: &str) -> Result<Option<Norm>, StoreError> {
        let row = sqlx::query("SELECT body FROM catalog_entries WHERE kind = 'norm' AND id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| from_json("norm", id, &r.try_get::<String, _>("body")?)).transpose()
    }

    pub async fn taxonomy(&self, id: &str) -> Result<Option<Taxonomy>, StoreError> {
        let row = sqlx::query("SELECT body FROM catalog_entries WHERE kind = 'taxonomy' AND id = $1 AND status <> $2")
            .bind(id)
            .bind(WITHDRAWN)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| from_json("taxonomy", id, &r.try_get::<String, _>("body")?)).transpose()
    }

    /// Norms matching every filter of the query, in catalogue order.
    pub async fn norms(&self, query: &NormQuery) -> Result<Vec<Norm>, StoreError> {
        let mut sql =
            String::from("SELECT e.id, e.body FROM catalog_entries e WHERE e.kind = 'norm' AND e.status <> $1");
        let mut binds: Vec<String> = vec![WITHDRAWN.to_owned()];
        let next = |binds: &mut Vec<String>, value: String| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if let Some(source) = &query.source {
            let d = next(&mut binds, source.clone());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM norm_sources s WHERE s.norm_id = e.id AND s.document_id = {d}"
            ));
            if let Some(paragraph) = &query.paragraph {
                let p = next(&mut binds, Source::paragraph_key(paragraph));
                sql.push_str(&format!(" AND s.paragraph_key = {p}"));
            }
            sql.push(')');
        }
        for addressee in query.addressees() {
            let a = next(&mut binds, addressee.to_owned());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM norm_addressees a WHERE a.norm_id = e.id AND a.addressee = {a})"
            ));
        }
        if let Some(principle) = &query.principle {
            let p = next(&mut binds, principle.clone());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM norm_principles p WHERE p.norm_id = e.id AND p.principle_id = {p})"
            ));
        }
        for term in &query.terms {
            let condition = match self.backend {
                // Trigram MATCH needs 3+ characters; shorter terms (攻撃) scan with LIKE.
                Backend::Sqlite if term.chars().count() >= 3 => {
                    let t = next(&mut binds, format!("\"{}\"", term.replace('"', "\"\"")));
                    format!("norm_search MATCH {t}")
                }
                Backend::Sqlite => {
                    let t = next(&mut binds, like_pattern(term));
                    format!("body LIKE {t} ESCAPE '\\'")
                }
                Backend::Postgres => {
                    let t = next(&mut binds, like_pattern(term));
                    format!("body ILIKE {t} ESCAPE '\\'")
                }
            };
            sql.push_str(&format!(" AND e.id IN (SELECT norm_id FROM norm_search WHERE {condition})"));
        }
        sql.push_str(" ORDER BY e.position");
        // Only placeholders carry input; the SQL text is assembled from fixed fragments.
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let body: String = r.try_get("body")?;
                from_json("norm", &id, &body)
            })
            .collect()
    }
}

/// `%term%` with LIKE's wildcards escaped, so `100%` searches for a percent sign.
pub(crate) fn like_pattern(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
