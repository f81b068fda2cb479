//! A stakeholder's own records: its positions on norms, the evidence that it implements them,
//! its legal positions. An editor writes them for anyone, a contributor for its own stakeholder.
use crate::{Acting, App, AppError};
use normwatch_core::adoption::{
    EvidenceInput, ImplementationEvidence, LegalPosition, LegalPositionInput, Position, PositionInput,
};
use normwatch_core::{Catalog, FieldError, Right, Viewer};
use normwatch_store::{Actor, Store, StoreError};
use std::future::Future;

/// What each kind of stakeholder record says of itself to be checked.
pub trait StakeholderRecord: Send + Sync {
    /// The record as stored and returned.
    type Stored;
    /// The right writing it needs (a contributor holds its own variant).
    const RIGHT: Right;
    fn stakeholder(&self) -> &str;
    /// The community of interest the record is marked for, where the kind has one.
    fn community(&self) -> Option<&str> {
        None
    }
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError>;
}

/// Storing one kind of stakeholder record (a capability per kind, as each has its own table).
pub trait StakeholderRecordWrite<T: StakeholderRecord>: Send + Sync {
    fn create_stakeholder_record(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        input: &T,
    ) -> impl Future<Output = Result<T::Stored, StoreError>> + Send;
}

impl StakeholderRecord for PositionInput {
    type Stored = Position;
    const RIGHT: Right = Right::WritePositions;
    fn stakeholder(&self) -> &str {
        &self.stakeholder
    }
    fn community(&self) -> Option<&str> {
        self.community.as_deref()
    }
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        PositionInput::validate(self, catalog, today)
    }
}

impl StakeholderRecord for EvidenceInput {
    type Stored = ImplementationEvidence;
    const RIGHT: Right = Right::WriteEvidence;
    fn stakeholder(&self) -> &str {
        &self.stakeholder
    }
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        EvidenceInput::validate(self, catalog, today)
    }
}

impl StakeholderRecord for LegalPositionInput {
    type Stored = LegalPosition;
    const RIGHT: Right = Right::WriteLegalPositions;
    fn stakeholder(&self) -> &str {
        &self.stakeholder
    }
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        LegalPositionInput::validate(self, catalog, today)
    }
}

impl StakeholderRecordWrite<PositionInput> for Store {
    fn create_stakeholder_record(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        input: &PositionInput,
    ) -> impl Future<Output = Result<Position, StoreError>> + Send {
        self.create_position(actor, viewer, input)
    }
}

impl StakeholderRecordWrite<EvidenceInput> for Store {
    fn create_stakeholder_record(
        &self,
        actor: &Actor,
        _viewer: &Viewer,
        input: &EvidenceInput,
    ) -> impl Future<Output = Result<ImplementationEvidence, StoreError>> + Send {
        self.create_evidence(actor, input)
    }
}

impl StakeholderRecordWrite<LegalPositionInput> for Store {
    fn create_stakeholder_record(
        &self,
        actor: &Actor,
        _viewer: &Viewer,
        input: &LegalPositionInput,
    ) -> impl Future<Output = Result<LegalPosition, StoreError>> + Send {
        self.create_legal_position(actor, input)
    }
}

impl<S> App<'_, S> {
    /// Records a stakeholder's position, evidence or legal position after the writer's right,
    /// the input and (for a marked record) the writer's community membership are checked.
    pub async fn record_for_stakeholder<T: StakeholderRecord>(
        &self,
        who: Acting<'_>,
        input: &T,
    ) -> Result<T::Stored, AppError>
    where
        S: StakeholderRecordWrite<T>,
    {
        who.require(T::RIGHT, Some(input.stakeholder()))?;
        input.validate(&self.catalog, self.today).map_err(AppError::InvalidField)?;
        who.require_member(input.community())?;
        Ok(self.store.create_stakeholder_record(&who.actor(), &who.viewer(), input).await?)
    }
}
