//! Records received from peers, as local analysts use them: read one with its provenance, and
//! take a federated incident into our own ledger to assess it. The local copy is a draft of
//! ours (our review publishes it, our findings hang off it); its `origin` names the peer's log,
//! the record's id and leaf there and the checkpoint it was verified against, and one of its
//! sources is the record at the origin.
use crate::ports::{Federation, LedgerRead, LedgerWrite};
use crate::{Acting, App, AppError};
use normwatch_core::incident::{IncidentInput, Origin, SourceLink};
use normwatch_core::{RecordKind, RecordStatus, Tlp, Viewer};
use normwatch_store::{FederatedFilter, FederatedRecord, LedgerRecord};
use std::collections::BTreeMap;

/// The dataset name of incidents taken from a peer (`origin.dataset`).
pub const FEDERATION_DATASET: &str = "federation";

/// The fields of an incident that are its content, as the origin wrote them; the rest (status,
/// stakeholder, community, versions, log index) is the origin's and does not carry over.
const CONTENT: [&str; 10] = [
    "title",
    "description",
    "started",
    "ended",
    "discovered",
    "operation_types",
    "actors",
    "targets",
    "sources",
    "impact",
];

/// How an incident taken from a peer is named among ours (`origin.id`): its log and its id there.
pub fn federated_origin_id(origin: &str, origin_id: &str) -> String {
    format!("{origin}/{origin_id}")
}

impl<S: Federation> App<'_, S> {
    /// One received record the viewer may read.
    pub async fn federated_record(
        &self,
        viewer: &Viewer,
        peer: &str,
        kind: RecordKind,
        origin_id: &str,
    ) -> Result<FederatedRecord, AppError> {
        let filter = FederatedFilter {
            peer: Some(peer.to_owned()),
            kind: Some(kind.as_str().to_owned()),
            origin_id: Some(origin_id.to_owned()),
            limit: 1,
            offset: 0,
        };
        let found = self.store.federated_records(viewer, &filter).await?.pop();
        found.ok_or_else(|| AppError::NotFound { kind: "federated record", id: format!("{peer}/{kind}/{origin_id}") })
    }
}

impl<S: Federation + LedgerRead> App<'_, S> {
    /// Our incidents (the ids the viewer may read) taken from a received incident.
    pub async fn adopted_as(&self, viewer: &Viewer, record: &FederatedRecord) -> Result<Vec<String>, AppError> {
        let id = federated_origin_id(&record.origin, &record.origin_id);
        Ok(self.store.incidents_from_origin(viewer, FEDERATION_DATASET, &id).await?)
    }
}

impl<S: Federation + LedgerWrite> App<'_, S> {
    /// Files a draft incident of ours from a federated incident, for our own assessment.
    pub async fn adopt_federated_incident(
        &self,
        who: Acting<'_>,
        peer: &str,
        origin_id: &str,
    ) -> Result<LedgerRecord<IncidentInput>, AppError> {
        let account = who.signed_in()?;
        let record = self.federated_record(&who.viewer(), peer, RecordKind::Incident, origin_id).await?;
        if record.community.is_some() {
            return Err(AppError::field(
                "community",
                "this record is of one of the peer's communities: it stays with that community and is not filed here",
            ));
        }
        let mut content = serde_json::Map::new();
        if let Some(body) = record.record.as_object() {
            for field in CONTENT {
                if let Some(v) = body.get(field).filter(|v| !v.is_null()) {
                    content.insert(field.to_owned(), v.clone());
                }
            }
        }
        let mut input: IncidentInput = serde_json::from_value(serde_json::Value::Object(content)).map_err(|e| {
            AppError::field("record", format!("the peer's incident does not read as an incident here: {e}"))
        })?;
        let at_origin = format!("{}/incidents/{origin_id}", record.peer_url);
        if !input.sources.iter().any(|s| s.url == at_origin) {
            input.sources.push(SourceLink {
                url: at_origin.clone(),
                title: Some(format!("{} (leaf {} of its log)", record.origin, record.log_index)),
            });
        }
        // At least as strict as the origin marked it.
        input.tlp = record.tlp.parse::<Tlp>().unwrap_or(Tlp::Red);
        input.status = RecordStatus::Draft;
        input.stakeholder = account.stakeholder.clone();
        input.community = None;
        let fields = BTreeMap::from([
            ("origin_log".to_owned(), record.origin.clone()),
            ("log_index".to_owned(), record.log_index.to_string()),
            ("checkpoint_size".to_owned(), record.checkpoint_size.to_string()),
            ("stix_id".to_owned(), record.stix_id.clone()),
            ("peer".to_owned(), record.peer_id.clone()),
            ("received_at".to_owned(), record.received_at.clone()),
        ]);
        input.origin = Some(Origin {
            dataset: FEDERATION_DATASET.to_owned(),
            id: federated_origin_id(&record.origin, origin_id),
            url: Some(at_origin),
            fields,
        });
        self.file_record(who, &input).await
    }
}
