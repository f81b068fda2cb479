//! Communities of interest: created by those who manage consultations; their decisions logged
//! by a coordinator member's account, or by an admin or editor.
use crate::ports::Communities;
use crate::{Acting, App, AppError};
use normwatch_core::Right;
use normwatch_core::community::{Community, CommunityInput, DecisionInput, coordinates};

impl<S: Communities> App<'_, S> {
    /// Creates a community once its input parses against the catalogue.
    pub async fn create_community(&self, who: Acting<'_>, input: CommunityInput) -> Result<Community, AppError> {
        who.require(Right::ManageConsultations, None)?;
        let community = input.parse(&self.catalog).map_err(AppError::InvalidField)?;
        let focus_norms: Vec<String> = community.focus_norms.iter().map(|n| n.to_string()).collect();
        let members: Vec<(String, String)> =
            community.members.iter().map(|m| (m.stakeholder.to_string(), m.role.as_str().to_owned())).collect();
        self.store
            .create_community(
                &who.actor(),
                community.id.as_str(),
                &community.name,
                &community.purpose,
                &focus_norms,
                &community.success_factors,
                &members,
            )
            .await?;
        Ok(community)
    }

    /// Logs a decision of community `id`; returns the decision's id.
    pub async fn decide_for_community(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &DecisionInput,
    ) -> Result<String, AppError> {
        let account = who.signed_in()?;
        let community = self
            .store
            .communities()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| AppError::NotFound { kind: "community", id: id.to_owned() })?;
        let members = community.members.iter().map(|m| (m.stakeholder.as_str(), m.role.as_str()));
        if !account.stakeholder.as_ref().is_some_and(|s| coordinates(members, s)) {
            who.require(Right::ManageConsultations, None)?;
        }
        input.validate(self.today).map_err(AppError::InvalidField)?;
        Ok(self
            .store
            .add_community_decision(&who.actor(), id, &input.decided_on, &input.text, &input.participants)
            .await?)
    }
}
