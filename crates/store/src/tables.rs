//! Where each kind of record is stored: a storage fact, so it lives here and not in core. The
//! log, the audit trail, the marked-record engine and the STIX export all read it.
use normwatch_core::RecordKind;

/// The table that holds each kind of record.
pub(crate) const fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Incident => "incidents",
        RecordKind::IncidentEvidence => "incident_evidence",
        RecordKind::ViolationAssessment => "violation_assessments",
        RecordKind::AttributionClaim => "attribution_claims",
        RecordKind::AttributionStatement => "attribution_statements",
        RecordKind::IncidentResponse => "incident_responses",
        RecordKind::Position => "positions",
        RecordKind::ImplementationEvidence => "implementation_evidence",
        RecordKind::LegalPosition => "legal_positions",
        RecordKind::Vulnerability => "vulnerabilities",
        RecordKind::VulnerabilityEvent => "vulnerability_events",
        RecordKind::CapacityProgramme => "capacity_programmes",
        RecordKind::HygieneAssessment => "hygiene_assessments",
        RecordKind::PointOfContact => "points_of_contact",
    }
}

/// The tables of the kinds that can be shared with a community (their `community_id` column
/// says with which).
pub(crate) fn community_tables() -> impl Iterator<Item = (RecordKind, &'static str)> {
    RecordKind::ALL.into_iter().filter(|k| k.community_shareable()).map(|k| (k, table(k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    /// The kind → table mapping names the tables the migrations create, and a kind a community
    /// can hold has the column that says which community.
    #[tokio::test]
    async fn every_kind_names_its_table_and_shared_kinds_a_community_column() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("k.db").display())).await.expect("store");
        for kind in RecordKind::ALL {
            let t = table(kind);
            let ids =
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT id FROM {t} WHERE 1 = 0"))).fetch_all(&store.pool);
            assert!(ids.await.is_ok(), "{kind}: no table {t}");
            let community = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT community_id FROM {t} WHERE 1 = 0")))
                .fetch_all(&store.pool);
            assert_eq!(community.await.is_ok(), kind.community_shareable(), "{kind}: community_id in {t}");
        }
        assert_eq!(community_tables().count(), 13);
        assert_eq!(crate::log::logged_kinds().count(), RecordKind::ALL.len());
    }
}
