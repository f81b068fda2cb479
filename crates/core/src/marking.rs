//! Rules on how marked records may be marked relative to the records they hang off: a finding or
//! a piece of evidence never reveals more than its incident, and only states hold legal
//! positions. Plain functions, so that the store applies them and tests pin them without SQL.
use crate::{FieldError, RecordStatus, Tlp};
use serde::{Deserialize, Serialize};

/// How a marked record stands, the same for every kind: its marking (TLP, status), who recorded
/// it, when, and its version. A record carries it flattened: its JSON has these fields inline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub tlp: Tlp,
    pub status: RecordStatus,
    pub recorded_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// How an incident is marked, as a record about it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentMarking {
    pub tlp: Tlp,
    pub status: RecordStatus,
    pub community: Option<String>,
}

/// A record about an incident (`what`, e.g. "a finding about it", "its evidence") is marked at
/// least as strictly as the incident.
pub fn at_least_as_strict(incident: Tlp, own: Tlp, what: &str) -> Result<(), FieldError> {
    if own < incident {
        return Err(FieldError::new(
            "tlp",
            format!("the incident is TLP:{}; {what} must be marked at least as strictly", incident.name()),
        ));
    }
    Ok(())
}

/// A finding is at least as strict as its incident: it stays in the incident's community, is
/// marked at least as strictly, and is published only after it.
pub fn finding_within(
    incident: &ParentMarking,
    tlp: Tlp,
    status: RecordStatus,
    community: Option<&str>,
) -> Result<(), FieldError> {
    if let Some(c) = &incident.community
        && community != Some(c.as_str())
    {
        return Err(FieldError::new(
            "community",
            format!("the incident is shared with community `{c}` only; a finding about it must be marked `{c}` too"),
        ));
    }
    at_least_as_strict(incident.tlp, tlp, "a finding about it")?;
    if status == RecordStatus::Published && incident.status != RecordStatus::Published {
        return Err(FieldError::new("incident", "publish the incident before the findings about it"));
    }
    Ok(())
}

/// Legal positions are states' views of international law: refused for other stakeholders.
pub fn legal_position_holder(stakeholder: &str, kind: &str) -> Result<(), FieldError> {
    if kind != "state" {
        return Err(FieldError::new(
            "stakeholder",
            format!("`{stakeholder}` is a {kind}, not a state: legal positions are states' views of international law"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(tlp: Tlp, status: RecordStatus, community: Option<&str>) -> ParentMarking {
        ParentMarking { tlp, status, community: community.map(str::to_owned) }
    }

    #[test]
    fn a_finding_may_be_stricter_but_not_looser() {
        let i = incident(Tlp::Amber, RecordStatus::Published, None);
        assert!(finding_within(&i, Tlp::Amber, RecordStatus::Draft, None).is_ok());
        assert!(finding_within(&i, Tlp::Red, RecordStatus::Published, None).is_ok());
        let e = finding_within(&i, Tlp::Green, RecordStatus::Draft, None).expect_err("refused");
        assert_eq!(e.field, "tlp");
        assert_eq!(e.reason, "the incident is TLP:amber; a finding about it must be marked at least as strictly");
    }

    #[test]
    fn a_finding_stays_in_its_incidents_community() {
        let i = incident(Tlp::Clear, RecordStatus::Draft, Some("c1"));
        assert!(finding_within(&i, Tlp::Clear, RecordStatus::Draft, Some("c1")).is_ok());
        assert_eq!(finding_within(&i, Tlp::Clear, RecordStatus::Draft, None).expect_err("refused").field, "community");
        assert_eq!(
            finding_within(&i, Tlp::Clear, RecordStatus::Draft, Some("c2")).expect_err("refused").field,
            "community"
        );
        // An incident shared with everyone leaves the finding free to narrow itself.
        let open = incident(Tlp::Clear, RecordStatus::Draft, None);
        assert!(finding_within(&open, Tlp::Clear, RecordStatus::Draft, Some("c1")).is_ok());
    }

    #[test]
    fn a_finding_is_published_after_its_incident() {
        let draft = incident(Tlp::Clear, RecordStatus::InReview, None);
        let e = finding_within(&draft, Tlp::Clear, RecordStatus::Published, None).expect_err("refused");
        assert_eq!(e.field, "incident");
        assert!(finding_within(&draft, Tlp::Clear, RecordStatus::InReview, None).is_ok());
    }

    #[test]
    fn evidence_is_at_least_as_strict_as_its_incident() {
        assert!(at_least_as_strict(Tlp::Green, Tlp::Green, "its evidence").is_ok());
        let e = at_least_as_strict(Tlp::Red, Tlp::Amber, "its evidence").expect_err("refused");
        assert_eq!(e.reason, "the incident is TLP:red; its evidence must be marked at least as strictly");
    }

    #[test]
    fn legal_positions_only_from_states() {
        assert!(legal_position_holder("jp", "state").is_ok());
        let e = legal_position_holder("acme", "company").expect_err("refused");
        assert_eq!(e.field, "stakeholder");
        assert_eq!(
            e.reason,
            "`acme` is a company, not a state: legal positions are states' views of international law"
        );
    }
}
