//! The filing forms' decoding, reachable without a server or a store: the fuzz targets in
//! `fuzz/` feed it whatever a posted body decodes to.
use super::findings::About;
use super::forms::Fields;
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};

pub fn incident_from(fields: &Fields, stakeholder: Option<&str>) -> Result<IncidentInput, String> {
    super::incident_input::incident_from(fields, stakeholder)
}

/// What the filing form would have sent for `incident` (the edit page's values).
pub fn fields_of(incident: &IncidentInput) -> Fields {
    super::incident_input::fields_of(incident)
}

pub fn assessment_from(
    incident: &str,
    community: Option<&str>,
    fields: &Fields,
    stakeholder: Option<&str>,
) -> Result<AssessmentInput, String> {
    super::findings::assessment_from(&About { id: incident, community }, fields, stakeholder)
}

pub fn attribution_from(incident: &str, community: Option<&str>, fields: &Fields) -> Result<AttributionInput, String> {
    super::findings::attribution_from(&About { id: incident, community }, fields)
}

pub fn response_from(incident: &str, community: Option<&str>, fields: &Fields) -> Result<ResponseInput, String> {
    super::findings::response_from(&About { id: incident, community }, fields)
}

pub fn statement_from(incident: &str, community: Option<&str>, fields: &Fields) -> Result<StatementInput, String> {
    super::findings::statement_from(&About { id: incident, community }, fields)
}
