//! Evidence for an incident: checked, its bytes streamed into the content-addressed blob store
//! under the instance's size limit, then recorded.
use crate::ports::{EvidenceStore, LedgerRead, Stakeholders};
use crate::{Acting, App, AppError};
use bytes::Bytes;
use normwatch_core::evidence::EvidenceUpload;
use normwatch_core::incident::IncidentInput;
use normwatch_core::{FieldError, RecordKind, Right};
use normwatch_store::{BlobError, BlobStore, IncidentEvidence};

/// Where evidence bytes go, and how many a single upload may have.
#[derive(Debug, Clone, Copy)]
pub struct Blobs<'a> {
    pub store: &'a BlobStore,
    pub max_bytes: u64,
}

impl<S: LedgerRead + Stakeholders + EvidenceStore> App<'_, S> {
    /// Checks an upload, then streams its bytes into the blob store and records it.
    pub async fn store_evidence<B, E>(
        &self,
        who: Acting<'_>,
        blobs: Blobs<'_>,
        upload: &EvidenceUpload,
        bytes: B,
    ) -> Result<IncidentEvidence, AppError>
    where
        B: futures_util::Stream<Item = Result<Bytes, E>> + Send + Unpin,
        E: std::fmt::Display,
    {
        let incident = upload.incident.clone();
        who.require(Right::WriteIncidents, upload.stakeholder.as_deref())?;
        // Everything that could refuse the upload is checked before a byte is stored.
        let Some(about) = self.store.ledger_record::<IncidentInput>(&who.viewer(), &incident).await? else {
            return Err(AppError::NotFound { kind: RecordKind::Incident.as_str(), id: incident });
        };
        if upload.tlp < about.body.tlp {
            return Err(AppError::field(
                "tlp",
                format!(
                    "the incident is TLP:{}; its evidence must be marked at least as strictly",
                    about.body.tlp.name()
                ),
            ));
        }
        if let Some(s) = &upload.stakeholder
            && self.store.stakeholder(s).await?.is_none()
        {
            return Err(AppError::field("stakeholder", format!("no stakeholder `{s}`")));
        }
        let blob = blobs.store.put_stream(bytes, blobs.max_bytes).await.map_err(|e| match e {
            BlobError::TooLarge { limit } => {
                AppError::PayloadTooLarge { limit: usize::try_from(limit).unwrap_or(usize::MAX) }
            }
            BlobError::Interrupted(reason) => AppError::InvalidBody(FieldError::new("body", reason)),
            other => AppError::Blob(other),
        })?;
        // Editors speak for every incident, a contributor for its own stakeholder's; anyone else's
        // evidence on a published incident waits for the review of a finding that cites it.
        let owner = about.body.stakeholder.as_deref();
        let speaks_for_incident = who.account.is_some_and(|a| {
            a.may(Right::WriteIncidents, None) || (owner.is_some() && a.may(Right::WriteIncidents, owner))
        });
        Ok(self.store.create_incident_evidence(&who.actor(), upload, &blob, speaks_for_incident).await?)
    }
}
