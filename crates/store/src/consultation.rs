//! Consultations and their comments; an adopted new norm enters the catalogue as `proposed`.
use crate::audit::Actor;
use crate::marked::Audited;
use crate::rows::read_row;
use crate::rows::{corrupt, enum_column, enum_name};
use crate::sql::col;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::consultation::{Comment, Consultation, ConsultationInput, Outcome, OutcomeInput, ProposedNorm};
use normwatch_core::{FieldError, Localized};
use sqlx::Row;
use sqlx::any::AnyRow;

impl Store {
    pub async fn create_consultation(&self, actor: &Actor, input: &ConsultationInput) -> Result<String, StoreError> {
        let id = new_id();
        let proposed = input.proposed_norm.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default());
        let columns = vec![
            col("id", &id),
            col("kind", enum_name(input.kind)),
            col("title_ja", &input.title.ja),
            col("title_en", &input.title.en),
            col("text_ja", &input.text.ja),
            col("text_en", &input.text.en),
            col("norm_id", &input.norm),
            col("proposed_norm", proposed),
            col("opens_on", &input.opens_on),
            col("closes_on", &input.closes_on),
            col("recorded_by", &actor.0),
            col("created_at", now_rfc3339()),
        ];
        let what = Some(serde_json::json!({"kind": enum_name(input.kind), "title": input.title}));
        let audit = Audited { action: "create", entity: "consultation", id: &id, what };
        self.insert_audited(actor, "consultations", columns, None, audit).await?;
        Ok(id)
    }

    async fn consultation_from(&self, r: &AnyRow) -> Result<Consultation, StoreError> {
        let id: String = r.try_get("id")?;
        let comments = sqlx::query(
            "SELECT c.id, c.stakeholder_id, s.kind, c.text, c.created_at FROM consultation_comments c
             JOIN stakeholders s ON s.id = c.stakeholder_id WHERE c.consultation_id = $1 ORDER BY c.created_at, c.id",
        )
        .bind(&id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| {
            Ok(read_row!(c, Comment {
                id, stakeholder = "stakeholder_id", stakeholder_kind = "kind", text, created_at,
            }))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let mut balance = std::collections::BTreeMap::new();
        for c in &comments {
            *balance.entry(c.stakeholder_kind.clone()).or_insert(0) += 1;
        }
        let outcome: Option<String> = r.try_get("outcome")?;
        let proposed: Option<String> = r.try_get("proposed_norm")?;
        let rationale =
            match (r.try_get::<Option<String>, _>("rationale_ja")?, r.try_get::<Option<String>, _>("rationale_en")?) {
                (None, None) => None,
                (ja, en) => Some(Localized::new(ja.unwrap_or_default(), en.unwrap_or_default())),
            };
        Ok(Consultation {
            id,
            kind: enum_column(r, "kind")?,
            title: Localized::new(r.try_get::<String, _>("title_ja")?, r.try_get::<String, _>("title_en")?),
            text: Localized::new(r.try_get::<String, _>("text_ja")?, r.try_get::<String, _>("text_en")?),
            norm: r.try_get("norm_id")?,
            proposed_norm: proposed
                .map(|p| serde_json::from_str::<ProposedNorm>(&p).map_err(|e| corrupt("proposed_norm", e.to_string())))
                .transpose()?,
            opens_on: r.try_get("opens_on")?,
            closes_on: r.try_get("closes_on")?,
            outcome: outcome
                .map(|o| {
                    serde_json::from_value::<Outcome>(serde_json::Value::String(o.clone()))
                        .map_err(|_| corrupt("outcome", o))
                })
                .transpose()?,
            rationale,
            decided_on: r.try_get("decided_on")?,
            comments,
            balance,
        })
    }

    pub async fn consultations(&self) -> Result<Vec<Consultation>, StoreError> {
        let rows = sqlx::query("SELECT * FROM consultations ORDER BY opens_on DESC, id").fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.consultation_from(r).await?);
        }
        Ok(out)
    }

    pub async fn consultation(&self, id: &str) -> Result<Option<Consultation>, StoreError> {
        let row = sqlx::query("SELECT * FROM consultations WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => Ok(Some(self.consultation_from(&r).await?)),
            None => Ok(None),
        }
    }

    pub async fn add_comment(
        &self,
        actor: &Actor,
        consultation: &str,
        stakeholder: &str,
        text: &str,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let columns = vec![
            col("id", &id),
            col("consultation_id", consultation),
            col("stakeholder_id", stakeholder),
            col("text", text),
            col("recorded_by", &actor.0),
            col("created_at", now_rfc3339()),
        ];
        let audit =
            Audited { action: "comment", entity: "consultation", id: consultation, what: Some(stakeholder.into()) };
        let named = Some(("stakeholder", stakeholder));
        self.insert_audited(actor, "consultation_comments", columns, named, audit).await?;
        Ok(id)
    }

    /// Decides a consultation, once. An adopted new norm enters the catalogue as `proposed`, in
    /// the same transaction, searchable and filterable like any other.
    pub async fn decide_consultation(
        &self,
        actor: &Actor,
        c: &Consultation,
        input: &OutcomeInput,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE consultations SET outcome = $1, rationale_ja = $2, rationale_en = $3, decided_on = $4 WHERE id = $5 AND outcome IS NULL",
        )
        .bind(enum_name(input.outcome))
        .bind(&input.rationale.ja)
        .bind(&input.rationale.en)
        .bind(&input.decided_on)
        .bind(&c.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("the consultation was decided already".into()));
        }
        if input.outcome == Outcome::Adopted
            && let Some(p) = &c.proposed_norm
        {
            let norm = p.to_norm();
            let version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM catalog_versions")
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
            let position: i64 = sqlx::query("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM catalog_entries")
                .fetch_one(&mut *tx)
                .await?
                .try_get("p")?;
            let taken = sqlx::query("SELECT 1 AS one FROM catalog_entries WHERE kind = 'norm' AND id = $1")
                .bind(&norm.id)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Rejected(FieldError::new(
                    "proposed_norm.id",
                    format!("`{}` is a norm already", norm.id),
                )));
            }
            let body = serde_json::to_string(&norm).map_err(|e| corrupt("norm", e.to_string()))?;
            sqlx::query(
                "INSERT INTO catalog_entries (kind, id, position, status, origin, since_version, body) VALUES ('norm', $1, $2, 'proposed', 'consultation', $3, $4)",
            )
            .bind(&norm.id)
            .bind(position)
            .bind(version)
            .bind(body)
            .execute(&mut *tx)
            .await?;
            for a in &norm.addressees {
                sqlx::query("INSERT INTO norm_addressees (norm_id, addressee) VALUES ($1, $2)")
                    .bind(&norm.id)
                    .bind(a)
                    .execute(&mut *tx)
                    .await?;
            }
            for pr in &norm.principles {
                sqlx::query("INSERT INTO norm_principles (norm_id, principle_id) VALUES ($1, $2)")
                    .bind(&norm.id)
                    .bind(pr)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("INSERT INTO norm_search (norm_id, body) VALUES ($1, $2)")
                .bind(&norm.id)
                .bind(norm.search_text())
                .execute(&mut *tx)
                .await?;
            crate::audit::record(&mut tx, actor, "adopt", "norm", &norm.id, None::<&()>, Some(&norm)).await?;
        }
        crate::audit::record(
            &mut tx,
            actor,
            "decide",
            "consultation",
            &c.id,
            None::<&()>,
            Some(&enum_name(input.outcome)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
