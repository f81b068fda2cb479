//! Registering and revising stakeholders (editors), and adding a stakeholder's signing key
//! (editors for anyone, a contributor for its own).
use crate::ports::StakeholderWrite;
use crate::{Acting, App, AppError};
use normwatch_core::Right;
use normwatch_core::adoption::{KeyInput, Stakeholder, StakeholderInput, StakeholderKey};

fn no_stakeholder(id: &str) -> AppError {
    AppError::NotFound { kind: "stakeholder", id: id.to_owned() }
}

impl<S: StakeholderWrite> App<'_, S> {
    pub async fn create_stakeholder(
        &self,
        who: Acting<'_>,
        mut input: StakeholderInput,
    ) -> Result<Stakeholder, AppError> {
        who.require(Right::WriteStakeholders, None)?;
        input.validate(&self.catalog).map_err(AppError::InvalidField)?;
        Ok(self.store.create_stakeholder(&who.actor(), &input).await?)
    }

    /// Revises stakeholder `id`; the body names the same stakeholder.
    pub async fn update_stakeholder(
        &self,
        who: Acting<'_>,
        id: &str,
        mut input: StakeholderInput,
    ) -> Result<Stakeholder, AppError> {
        who.require(Right::WriteStakeholders, None)?;
        if input.id != id {
            return Err(AppError::field("id", format!("the body is for `{}`, the URL for `{id}`", input.id)));
        }
        input.validate(&self.catalog).map_err(AppError::InvalidField)?;
        if self.store.stakeholder(id).await?.is_none() {
            return Err(no_stakeholder(id));
        }
        Ok(self.store.update_stakeholder(&who.actor(), &input).await?)
    }

    /// Registers an Ed25519 key the stakeholder co-signs statements with.
    pub async fn add_key(&self, who: Acting<'_>, id: &str, input: &KeyInput) -> Result<StakeholderKey, AppError> {
        who.require(Right::WriteKeys, Some(id))?;
        let key = input.validate().map_err(AppError::InvalidField)?;
        if self.store.stakeholder(id).await?.is_none() {
            return Err(no_stakeholder(id));
        }
        Ok(self.store.add_stakeholder_key(&who.actor(), id, input, &key).await?)
    }
}
