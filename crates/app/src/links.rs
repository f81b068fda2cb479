//! Links between incident records of the same real-world incident: an editor links two by hand
//! (confirmed at once), or confirms or rejects the matcher's proposals.
use crate::ports::IncidentLinks;
use crate::{Acting, App, AppError};
use normwatch_core::Right;
use normwatch_core::linking::LinkStatus;
use normwatch_store::IncidentLink;

impl<S: IncidentLinks> App<'_, S> {
    /// Links exactly two incidents, both of which the editor may read.
    pub async fn link_incidents(&self, who: Acting<'_>, incidents: &[String]) -> Result<IncidentLink, AppError> {
        who.require(Right::WriteIncidents, None)?;
        let [a, b] = incidents else {
            return Err(AppError::field("incidents", "give exactly two incident ids"));
        };
        Ok(self.store.link_incidents(&who.actor(), &who.viewer(), a, b).await?)
    }

    /// Confirms or rejects link `id`; a `version` other than the link's is refused (stale).
    pub async fn decide_incident_link(
        &self,
        who: Acting<'_>,
        id: &str,
        decision: LinkStatus,
        version: Option<i64>,
    ) -> Result<IncidentLink, AppError> {
        who.require(Right::WriteIncidents, None)?;
        Ok(self.store.decide_incident_link(&who.actor(), &who.viewer(), id, decision, version).await?)
    }
}
