//! The kinds of marked record: those the transparency log holds leaves for, the audit trail
//! names and the STIX export maps. One enum, so that a kind is spelled once; its string is the
//! value stored in the database, hashed in log leaves and shown in the API, and must not change.

use std::fmt;
use std::str::FromStr;

/// A kind of marked record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Incident,
    IncidentEvidence,
    ViolationAssessment,
    AttributionClaim,
    /// A collective attribution: several stakeholders attributing one incident together.
    AttributionStatement,
    IncidentResponse,
    Position,
    ImplementationEvidence,
    LegalPosition,
    Vulnerability,
    VulnerabilityEvent,
    CapacityProgramme,
    HygieneAssessment,
    PointOfContact,
}

/// A kind string that names no record kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kind: `{0}` is not a record kind (one of {list})", list = RecordKind::list())]
pub struct UnknownKind(pub String);

impl RecordKind {
    /// Every kind, in the order the log page and the STIX fixtures list them.
    pub const ALL: [RecordKind; 14] = [
        RecordKind::Incident,
        RecordKind::IncidentEvidence,
        RecordKind::ViolationAssessment,
        RecordKind::AttributionClaim,
        RecordKind::AttributionStatement,
        RecordKind::IncidentResponse,
        RecordKind::Position,
        RecordKind::ImplementationEvidence,
        RecordKind::LegalPosition,
        RecordKind::Vulnerability,
        RecordKind::VulnerabilityEvent,
        RecordKind::CapacityProgramme,
        RecordKind::HygieneAssessment,
        RecordKind::PointOfContact,
    ];

    /// The kind as stored, logged and sent over the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::Incident => "incident",
            RecordKind::IncidentEvidence => "incident-evidence",
            RecordKind::ViolationAssessment => "violation-assessment",
            RecordKind::AttributionClaim => "attribution-claim",
            RecordKind::AttributionStatement => "attribution-statement",
            RecordKind::IncidentResponse => "incident-response",
            RecordKind::Position => "position",
            RecordKind::ImplementationEvidence => "implementation-evidence",
            RecordKind::LegalPosition => "legal-position",
            RecordKind::Vulnerability => "vulnerability",
            RecordKind::VulnerabilityEvent => "vulnerability-event",
            RecordKind::CapacityProgramme => "capacity-programme",
            RecordKind::HygieneAssessment => "hygiene-assessment",
            RecordKind::PointOfContact => "point-of-contact",
        }
    }

    /// Parses a kind string, naming the field and the kinds it could have been.
    pub fn parse(text: &str) -> Result<RecordKind, UnknownKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == text).ok_or_else(|| UnknownKind(text.to_owned()))
    }

    /// A kind named at an edge (a query, a path, a peer's TAXII extension) that the log holds.
    pub fn parse_logged(text: &str) -> Option<RecordKind> {
        RecordKind::parse(text).ok().filter(|k| k.is_logged())
    }

    /// Whether the transparency log holds a leaf for a published record of this kind.
    pub const fn is_logged(self) -> bool {
        // Every marked record is logged when published; the method keeps the rule in one place
        // should a kind that is audited but not logged be added.
        true
    }

    /// Whether a record of this kind can be shared with a community of its own. An event of a
    /// vulnerability cannot: it is in the scope of its vulnerability.
    pub const fn community_shareable(self) -> bool {
        !matches!(self, RecordKind::VulnerabilityEvent)
    }

    /// The kind strings, comma-separated, for messages.
    pub fn list() -> String {
        RecordKind::ALL.map(RecordKind::as_str).join(", ")
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::parse(s)
    }
}

impl AsRef<str> for RecordKind {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_string() {
        for kind in RecordKind::ALL {
            assert_eq!(kind.as_str().parse::<RecordKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        let mut strings: Vec<_> = RecordKind::ALL.map(RecordKind::as_str).to_vec();
        strings.sort_unstable();
        strings.dedup();
        assert_eq!(strings.len(), RecordKind::ALL.len(), "no two kinds share a string");
    }

    #[test]
    fn the_stored_strings_do_not_change() {
        // These strings are in databases, hashed log leaves and the API: a rename breaks them.
        assert_eq!(RecordKind::AttributionStatement.as_str(), "attribution-statement");
        assert_eq!(RecordKind::PointOfContact.as_str(), "point-of-contact");
        assert_eq!(RecordKind::VulnerabilityEvent.as_str(), "vulnerability-event");
        assert_eq!(RecordKind::CapacityProgramme.as_str(), "capacity-programme");
    }

    #[test]
    fn an_unknown_kind_is_refused_by_name() {
        let e = "statement".parse::<RecordKind>().expect_err("not a kind");
        assert_eq!(e, UnknownKind("statement".into()));
        let message = e.to_string();
        assert!(message.starts_with("kind: `statement` is not a record kind"), "{message}");
        assert!(message.contains("attribution-statement"), "{message}");
        assert!("Incident".parse::<RecordKind>().is_err(), "kinds are lower case");
        assert!("".parse::<RecordKind>().is_err());
    }

    #[test]
    fn only_vulnerability_events_are_not_shared_on_their_own() {
        let unshared: Vec<_> = RecordKind::ALL.into_iter().filter(|k| !k.community_shareable()).collect();
        assert_eq!(unshared, [RecordKind::VulnerabilityEvent]);
        assert!(RecordKind::ALL.into_iter().all(RecordKind::is_logged));
    }
}
