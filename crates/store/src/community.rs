//! Communities of interest: members, focus norms, success factors, decisions log.
use crate::audit::Actor;
use crate::rows::corrupt;
use crate::sql::{col, insert};
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::{FieldError, Localized};
use serde::Serialize;
use sqlx::Row;

pub use normwatch_core::community::SuccessFactors;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityMember {
    pub stakeholder: String,
    pub role: String,
    pub joined_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommunityDecision {
    pub id: String,
    pub decided_on: String,
    pub text: Localized,
    pub participants: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Community {
    pub id: String,
    pub name: Localized,
    pub purpose: Localized,
    pub focus_norms: Vec<String>,
    pub success_factors: SuccessFactors,
    pub members: Vec<CommunityMember>,
    pub decisions: Vec<CommunityDecision>,
}

impl Store {
    #[allow(clippy::too_many_arguments)]
    pub async fn create_community(
        &self,
        actor: &Actor,
        id: &str,
        name: &Localized,
        purpose: &Localized,
        focus_norms: &[String],
        factors: &SuccessFactors,
        members: &[(String, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let today = now_rfc3339()[..10].to_owned();
        let columns = vec![
            col("id", id),
            col("name_ja", &name.ja),
            col("name_en", &name.en),
            col("purpose_ja", &purpose.ja),
            col("purpose_en", &purpose.en),
            col("focus_norms", serde_json::to_string(focus_norms).map_err(|e| corrupt("norms", e))?),
            col("success_factors", serde_json::to_string(factors).map_err(|e| corrupt("factors", e))?),
            col("recorded_by", &actor.0),
            col("created_at", now_rfc3339()),
        ];
        insert("communities", columns).query().execute(&mut *tx).await?;
        for (i, (stakeholder, role)) in members.iter().enumerate() {
            require_stakeholder(&mut tx, &format!("members[{i}].stakeholder"), stakeholder).await?;
            sqlx::query(
                "INSERT INTO community_members (community_id, stakeholder_id, role, joined_on) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(stakeholder)
            .bind(role)
            .bind(&today)
            .execute(&mut *tx)
            .await?;
        }
        let what = serde_json::json!({"name": name, "members": members.iter().map(|m| &m.0).collect::<Vec<_>>()});
        crate::audit::record(&mut tx, actor, "create", "community", id, None::<&()>, Some(&what)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The communities a stakeholder belongs to.
    pub async fn communities_of(&self, stakeholder: &str) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT community_id FROM community_members WHERE stakeholder_id = $1 ORDER BY community_id")
                .bind(stakeholder)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(r.try_get("community_id")?)).collect()
    }

    pub async fn communities(&self) -> Result<Vec<Community>, StoreError> {
        let rows = sqlx::query("SELECT * FROM communities ORDER BY id").fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            let members = sqlx::query("SELECT stakeholder_id, role, joined_on FROM community_members WHERE community_id = $1 ORDER BY stakeholder_id")
                .bind(&id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|m| Ok(CommunityMember { stakeholder: m.try_get("stakeholder_id")?, role: m.try_get("role")?, joined_on: m.try_get("joined_on")? }))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let decisions = sqlx::query(
                "SELECT id, decided_on, text_ja, text_en, participants FROM community_decisions WHERE community_id = $1 ORDER BY decided_on, id",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|d| {
                let p: String = d.try_get("participants")?;
                Ok(CommunityDecision {
                    id: d.try_get("id")?,
                    decided_on: d.try_get("decided_on")?,
                    text: Localized::new(d.try_get::<String, _>("text_ja")?, d.try_get::<String, _>("text_en")?),
                    participants: serde_json::from_str(&p).map_err(|e| corrupt("participants", e))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
            let norms: String = r.try_get("focus_norms")?;
            let factors: String = r.try_get("success_factors")?;
            out.push(Community {
                name: Localized::new(r.try_get::<String, _>("name_ja")?, r.try_get::<String, _>("name_en")?),
                purpose: Localized::new(r.try_get::<String, _>("purpose_ja")?, r.try_get::<String, _>("purpose_en")?),
                focus_norms: serde_json::from_str(&norms).map_err(|e| corrupt("focus_norms", e))?,
                success_factors: serde_json::from_str(&factors).map_err(|e| corrupt("success_factors", e))?,
                id,
                members,
                decisions,
            });
        }
        Ok(out)
    }

    /// Logs a decision; its participants must be members.
    pub async fn add_community_decision(
        &self,
        actor: &Actor,
        community: &str,
        decided_on: &str,
        text: &Localized,
        participants: &[String],
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        for (i, p) in participants.iter().enumerate() {
            let member =
                sqlx::query("SELECT 1 AS one FROM community_members WHERE community_id = $1 AND stakeholder_id = $2")
                    .bind(community)
                    .bind(p)
                    .fetch_optional(&mut *tx)
                    .await?;
            if member.is_none() {
                return Err(StoreError::Rejected(FieldError::new(
                    format!("participants[{i}]"),
                    format!("`{p}` is not a member"),
                )));
            }
        }
        let id = new_id();
        let columns = vec![
            col("id", &id),
            col("community_id", community),
            col("decided_on", decided_on),
            col("text_ja", &text.ja),
            col("text_en", &text.en),
            col("participants", serde_json::to_string(participants).map_err(|e| corrupt("participants", e))?),
            col("recorded_by", &actor.0),
            col("created_at", now_rfc3339()),
        ];
        insert("community_decisions", columns).query().execute(&mut *tx).await?;
        crate::audit::record(&mut tx, actor, "decide", "community", community, None::<&()>, Some(&id)).await?;
        tx.commit().await?;
        Ok(id)
    }
}
