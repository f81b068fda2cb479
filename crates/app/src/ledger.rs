//! The life of a ledger record (an incident or a finding about one): filed, revised as a draft,
//! sent to review, reviewed, published, corrected or retracted. Every interface calls these.
use crate::ports::{LedgerWrite, Stakeholders};
use crate::{Acting, App, AppError};
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput, Verdict};
use normwatch_core::{Catalog, FieldError, Localized, RecordStatus, Right};
use normwatch_store::{LedgerKind, LedgerRecord};
use serde::Deserialize;

/// How a ledger kind checks its input before it is written, whoever sends it.
pub trait LedgerInput: LedgerKind {
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError>;
}

impl LedgerInput for IncidentInput {
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        IncidentInput::validate(self, catalog, today)
    }
}

impl LedgerInput for AssessmentInput {
    fn validate(&self, catalog: &Catalog, _today: time::Date) -> Result<(), FieldError> {
        AssessmentInput::validate(self, catalog)
    }
}

impl LedgerInput for AttributionInput {
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        AttributionInput::validate(self, catalog, today)
    }
}

impl LedgerInput for StatementInput {
    fn validate(&self, _catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        StatementInput::validate(self, today)
    }
}

impl LedgerInput for ResponseInput {
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        ResponseInput::validate(self, catalog, today)
    }
}

/// One reviewer's verdict on a record in review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub verdict: Verdict,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A correction (a new version) or a retraction of a published record.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput<T> {
    pub record: T,
    /// Set to retract: why the record no longer stands.
    #[serde(default)]
    pub retraction: Option<Localized>,
}

pub(crate) fn not_found<T: LedgerKind>(id: &str) -> AppError {
    AppError::NotFound { kind: T::ENTITY.as_str(), id: id.to_owned() }
}

/// Writing needs the write right for the record's stakeholder (a contributor: its own).
pub fn require_write<T: LedgerKind>(who: Acting<'_>, input: &T) -> Result<(), AppError> {
    who.require(Right::WriteIncidents, input.stakeholder())?;
    Ok(())
}

/// Refuses a status that would skip review.
fn check_new_status<T: LedgerKind>(input: &T) -> Result<(), AppError> {
    if input.status() == RecordStatus::Published {
        return Err(AppError::field(
            "status",
            "a record is published through review: create it as draft or in-review, then reviewers approve and POST …/publish",
        ));
    }
    Ok(())
}

impl<S: LedgerWrite> App<'_, S> {
    /// The checks every new version passes: the writer's right, a status that does not skip
    /// review, the kind's own validation.
    fn check_input<T: LedgerInput>(&self, who: Acting<'_>, input: &T) -> Result<(), AppError> {
        require_write(who, input)?;
        check_new_status(input)?;
        input.validate(&self.catalog, self.today).map_err(AppError::InvalidField)
    }

    async fn existing<T: LedgerKind>(&self, who: Acting<'_>, id: &str) -> Result<LedgerRecord<T>, AppError> {
        self.store.ledger_record::<T>(&who.viewer(), id).await?.ok_or_else(|| not_found::<T>(id))
    }

    /// Files a new record after every check a writer passes.
    pub async fn file_record<T: LedgerInput>(&self, who: Acting<'_>, input: &T) -> Result<LedgerRecord<T>, AppError> {
        who.signed_in()?;
        self.check_input(who, input)?;
        who.require_member(input.community())?;
        Ok(self.store.create_ledger_record(&who.actor(), input, Default::default()).await?)
    }

    /// Replaces a draft, based on the version the writer read (a concurrent edit is refused).
    pub async fn revise_draft<T: LedgerInput>(
        &self,
        who: Acting<'_>,
        id: &str,
        version: i64,
        input: &T,
    ) -> Result<LedgerRecord<T>, AppError> {
        self.check_input(who, input)?;
        who.require_member(input.community())?;
        let existing = self.existing::<T>(who, id).await?;
        require_write(who, &existing.body)?;
        Ok(self.store.update_ledger_draft(&who.actor(), &who.viewer(), id, version, input).await?)
    }

    /// The author, or anyone who may write such records for its stakeholder, moves it along.
    async fn require_author_or_writer<T: LedgerKind>(&self, who: Acting<'_>, id: &str) -> Result<(), AppError> {
        let account = who.signed_in()?;
        let record = self.existing::<T>(who, id).await?;
        if record.recorded_by != account.id {
            require_write(who, &record.body)?;
        }
        Ok(())
    }

    /// Sends a draft to review: its author, or anyone who may write for its stakeholder.
    pub async fn submit_record<T: LedgerKind>(&self, who: Acting<'_>, id: &str) -> Result<LedgerRecord<T>, AppError> {
        self.require_author_or_writer::<T>(who, id).await?;
        Ok(self.store.submit_ledger_record::<T>(&who.actor(), &who.viewer(), id).await?)
    }

    /// Publishes an approved record (the store checks the review rule and appends it to the log).
    pub async fn publish_record<T: LedgerKind>(&self, who: Acting<'_>, id: &str) -> Result<LedgerRecord<T>, AppError> {
        let account = who.signed_in()?;
        if !account.role.has(Right::ReviewRecords) {
            self.require_author_or_writer::<T>(who, id).await?;
        }
        Ok(self.store.publish_ledger_record::<T>(&who.actor(), &who.viewer(), id, self.review_rule).await?)
    }

    /// A new version of a published record, or its retraction.
    pub async fn correct_record<T: LedgerInput>(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &CorrectionInput<T>,
    ) -> Result<LedgerRecord<T>, AppError> {
        who.signed_in()?;
        self.check_input(who, &input.record)?;
        if let Some(r) = &input.retraction
            && r.ja.trim().is_empty()
            && r.en.trim().is_empty()
        {
            return Err(AppError::field("retraction", "say why the record is retracted"));
        }
        let retraction = input.retraction.as_ref();
        Ok(self.store.correct_ledger_record(&who.actor(), &who.viewer(), id, &input.record, retraction).await?)
    }
}

impl<S: LedgerWrite + Stakeholders> App<'_, S> {
    /// One reviewer's verdict; a request for changes must say what should change.
    pub async fn review_record<T: LedgerKind>(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &ReviewInput,
    ) -> Result<LedgerRecord<T>, AppError> {
        let account = who.require(Right::ReviewRecords, None)?;
        if input.verdict == Verdict::RequestChanges && input.comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(AppError::field("comment", "say what should change"));
        }
        if input.comment.as_deref().is_some_and(|c| c.chars().count() > 4000) {
            return Err(AppError::field("comment", "longer than 4000 characters"));
        }
        // Reviews count by the reviewer's stakeholder kind, so a reviewer must act for a stakeholder.
        let Some(stakeholder) = &account.stakeholder else {
            return Err(AppError::field(
                "reviewer",
                "your account acts for no stakeholder, so your review cannot count towards the stakeholder-kind rule; ask an admin to set one",
            ));
        };
        let kind = self
            .store
            .stakeholder(stakeholder)
            .await?
            .map(|s| s.kind)
            .ok_or_else(|| AppError::field("reviewer", "your stakeholder no longer exists"))?;
        let comment = input.comment.as_deref();
        Ok(self.store.review_ledger_record::<T>(&who.actor(), &who.viewer(), id, &kind, input.verdict, comment).await?)
    }
}
