//! A ledger record's life after creation: draft edits, submission, reviews, publication and
//! corrections by a superseding version.
use super::read::read_in_tx;
use super::write::{Found, check_references, create_in, publish_tail, write_incident_index};
use super::{LedgerKind, LedgerRecord, WriteOptions, rejected};
use crate::audit::{Actor, record};
use crate::incident_evidence::follow_incident;
use crate::rows::corrupt;
use crate::sql::{Sql, bind_column, bind_opt};
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::violation::{Approval, ReviewRule, Verdict};
use normwatch_core::{Localized, RecordStatus, Viewer};
impl Store {
    /// Replaces a draft's content. `version` is the one the writer read; a stale one gets 409.
    pub async fn update_ledger_draft<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        version: i64,
        input: &T,
    ) -> Result<LedgerRecord<T>, StoreError> {
        if self.ledger_record::<T>(viewer, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let Some(before) = read_in_tx::<T>(&mut tx, id).await? else { return Err(StoreError::NotFound) };
        expect_status(
            &before,
            RecordStatus::Draft,
            "only a draft is edited (published records are corrected by a new version)",
        )?;
        check_references(&mut tx, input, "stakeholder", &mut Found::default()).await?;
        let mut input = input.clone();
        input.set_status(RecordStatus::Draft);
        let body = serde_json::to_string(&input).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
        let mut sql = Sql::new("");
        let mut sets = vec![
            format!("body = {}", sql.bind(body)),
            format!("tlp = {}", sql.bind(input.tlp().name())),
            format!("stakeholder_id = {}", bind_opt(&mut sql, input.stakeholder())),
            format!("community_id = {}", bind_opt(&mut sql, input.community())),
            format!("updated_at = {}", sql.bind(now_rfc3339())),
            "version = version + 1".to_owned(),
        ];
        for (name, value) in input.columns() {
            sets.push(format!("{name} = {}", bind_column(&mut sql, value)));
        }
        let idp = sql.bind(id);
        let vp = sql.bind_int(version);
        sql.push(&format!(
            "UPDATE {} SET {} WHERE id = {idp} AND version = {vp} AND status = 'draft'",
            T::TABLE,
            sets.join(", ")
        ));
        if sql.query().execute(&mut *tx).await?.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "version {version} is stale: the {} is at version {}; read it again",
                T::ENTITY.as_str(),
                before.version
            )));
        }
        if let Some(incident) = input.as_incident() {
            write_incident_index(&mut tx, id, incident, true).await?;
            follow_incident(&mut tx, id, input.tlp(), input.community()).await?;
        }
        let after = read_in_tx::<T>(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        record(&mut tx, actor, "update", T::ENTITY.as_str(), id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sends a draft to review.
    pub async fn submit_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
    ) -> Result<LedgerRecord<T>, StoreError> {
        self.transition::<T>(actor, viewer, id, RecordStatus::Draft, RecordStatus::InReview, "submit").await
    }

    async fn transition<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        from: RecordStatus,
        to: RecordStatus,
        action: &str,
    ) -> Result<LedgerRecord<T>, StoreError> {
        if self.ledger_record::<T>(viewer, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {} SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND status = $4",
            T::TABLE
        )))
        .bind(to.name())
        .bind(now_rfc3339())
        .bind(id)
        .bind(from.name())
        .execute(&mut *tx)
        .await?;
        let after = read_in_tx::<T>(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "the {} is {}, not {}: it cannot be {action}ted now",
                T::ENTITY.as_str(),
                after.body.status().name(),
                from.name()
            )));
        }
        record(&mut tx, actor, action, T::ENTITY.as_str(), id, None::<&()>, Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a review of the record's current version. Asking for changes sends it back to draft.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        reviewer_kind: &str,
        verdict: Verdict,
        comment: Option<&str>,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let Some(current) = self.ledger_record::<T>(viewer, id).await? else { return Err(StoreError::NotFound) };
        expect_status(&current, RecordStatus::InReview, "only a record in review is reviewed (submit it first)")?;
        if current.recorded_by == actor.0 {
            return Err(rejected("reviewer", "an author does not review their own record"));
        }
        if current.reviews.iter().any(|r| r.reviewer == actor.0 && r.record_version == current.version) {
            return Err(StoreError::Conflict("you have reviewed this version already".into()));
        }
        let mut tx = self.begin_write().await?;
        // The version check makes a review of a version that changed meanwhile a conflict.
        let still = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT version FROM {} WHERE id = $1 AND version = $2 AND status = 'in-review'",
            T::TABLE
        )))
        .bind(id)
        .bind(current.version)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            return Err(StoreError::Conflict("the record changed while you reviewed it; read it again".into()));
        }
        sqlx::query(
            "INSERT INTO record_reviews (id, entity, record_id, record_version, reviewer, stakeholder_kind, verdict, comment, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(T::ENTITY.as_str())
        .bind(id)
        .bind(current.version)
        .bind(&actor.0)
        .bind(reviewer_kind)
        .bind(verdict.name())
        .bind(comment.map(str::to_owned))
        .bind(now_rfc3339())
        .execute(&mut *tx)
        .await?;
        if verdict == Verdict::RequestChanges {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {} SET status = 'draft', updated_at = $1, version = version + 1 WHERE id = $2",
                T::TABLE
            )))
            .bind(now_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let what = serde_json::json!({ "verdict": verdict.name(), "version": current.version, "comment": comment });
        record(&mut tx, actor, "review", T::ENTITY.as_str(), id, None::<&()>, Some(&what)).await?;
        tx.commit().await?;
        self.ledger_record::<T>(viewer, id).await?.ok_or(StoreError::NotFound)
    }

    /// Publishes a record in review whose current version has the approvals `rule` needs, and
    /// appends it to the transparency log in the same transaction.
    pub async fn publish_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        rule: ReviewRule,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let Some(current) = self.ledger_record::<T>(viewer, id).await? else { return Err(StoreError::NotFound) };
        expect_status(&current, RecordStatus::InReview, "only a record in review is published")?;
        let approvals: Vec<Approval> = current
            .reviews
            .iter()
            .filter(|r| r.record_version == current.version && r.verdict == Verdict::Approve)
            .map(|r| Approval { reviewer: r.reviewer.clone(), stakeholder_kind: r.stakeholder_kind.clone() })
            .collect();
        rule.check(&approvals).map_err(|reason| rejected("reviews", reason))?;
        let mut tx = self.begin_write().await?;
        let mut published = current.body.clone();
        published.set_status(RecordStatus::Published);
        check_references(&mut tx, &published, "stakeholder", &mut Found::default()).await?;
        let mut sql = Sql::new("");
        let now = sql.bind(now_rfc3339());
        let idp = sql.bind(id);
        let vp = sql.bind_int(current.version);
        let published_on = sql.bind(now_rfc3339()[..10].to_owned());
        sql.push(&format!(
            "UPDATE {} SET status = 'published', updated_at = {now}, version = version + 1, published_on = {published_on} \
             WHERE id = {idp} AND version = {vp} AND status = 'in-review'",
            T::TABLE
        ));
        let done = sql.query().execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("the record changed meanwhile; read it again".into()));
        }
        let mut after = read_in_tx::<T>(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        publish_tail(&mut tx, actor, &mut after).await?;
        record(&mut tx, actor, "publish", T::ENTITY.as_str(), id, None::<&()>, Some(&after)).await?;
        tx.commit().await?;
        self.ledger_record::<T>(viewer, id).await?.ok_or(StoreError::NotFound)
    }

    /// A correction or retraction of a published record: a new draft that supersedes it once
    /// published. The old version stays, readable and in the log.
    pub async fn correct_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        input: &T,
        retraction: Option<&Localized>,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let Some(old) = self.ledger_record::<T>(viewer, id).await? else { return Err(StoreError::NotFound) };
        expect_status(&old, RecordStatus::Published, "edit the draft instead — only published records are corrected")?;
        if old.body.incident() != input.incident() {
            return Err(rejected("incident", "a correction is about the same incident as what it corrects"));
        }
        let mut tx = self.begin_write().await?;
        let mut input = input.clone();
        input.set_status(RecordStatus::Draft);
        let created = create_in(&mut tx, actor, &input, WriteOptions::default(), Some(id), retraction).await?;
        tx.commit().await?;
        Ok(created)
    }
}

/// A conflict unless the record is `wanted`; `hint` says which records the action takes.
fn expect_status<T: LedgerKind>(record: &LedgerRecord<T>, wanted: RecordStatus, hint: &str) -> Result<(), StoreError> {
    let status = record.body.status();
    if status != wanted {
        return Err(StoreError::Conflict(format!("the {} is {}; {hint}", T::ENTITY.as_str(), status.name())));
    }
    Ok(())
}
