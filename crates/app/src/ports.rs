//! What the use cases need of storage, one narrow trait per capability (as lldap's handler
//! traits): a use case names only what it touches, and a test or another backend implements
//! only that. `normwatch_store::Store` implements each by delegating to its own methods.
use normwatch_core::adoption::Stakeholder;
use normwatch_core::evidence::EvidenceUpload;
use normwatch_core::violation::{ReviewRule, Verdict};
use normwatch_core::{Localized, Viewer};
use normwatch_store::{
    Actor, BlobRef, IncidentEvidence, LedgerKind, LedgerRecord, StatementSignature, Store, StoreError, WriteOptions,
};
use std::future::Future;

/// Reading one ledger record as a viewer may see it.
pub trait LedgerRead: Send + Sync {
    fn ledger_record<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> impl Future<Output = Result<Option<LedgerRecord<T>>, StoreError>> + Send;
}

/// The life of a ledger record: filed, revised as a draft, submitted, reviewed, published,
/// corrected.
pub trait LedgerWrite: LedgerRead {
    fn create_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        input: &T,
        options: WriteOptions,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send;

    fn update_ledger_draft<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        version: i64,
        input: &T,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send;

    fn submit_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send;

    fn review_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        reviewer_kind: &str,
        verdict: Verdict,
        comment: Option<&str>,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send;

    fn publish_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        rule: ReviewRule,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send;

    fn correct_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        input: &T,
        retraction: Option<&Localized>,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send;
}

/// Looking up a stakeholder (a reviewer's kind, an upload's owner).
pub trait Stakeholders: Send + Sync {
    fn stakeholder(&self, id: &str) -> impl Future<Output = Result<Option<Stakeholder>, StoreError>> + Send;
}

/// Recording an incident's evidence once its bytes are stored.
pub trait EvidenceStore: Send + Sync {
    fn create_incident_evidence(
        &self,
        actor: &Actor,
        input: &EvidenceUpload,
        blob: &BlobRef,
        speaks_for_incident: bool,
    ) -> impl Future<Output = Result<IncidentEvidence, StoreError>> + Send;
}

/// A stakeholder's registered keys and the co-signatures made with them.
pub trait StatementSigning: Send + Sync {
    /// `(key id, public key)` of each key not revoked.
    fn active_keys(&self, stakeholder: &str) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;

    fn add_statement_signature(
        &self,
        actor: &Actor,
        statement: &str,
        stakeholder: &str,
        key_id: &str,
        signature: &str,
    ) -> impl Future<Output = Result<StatementSignature, StoreError>> + Send;
}

impl LedgerRead for Store {
    fn ledger_record<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> impl Future<Output = Result<Option<LedgerRecord<T>>, StoreError>> + Send {
        Store::ledger_record(self, viewer, id)
    }
}

impl LedgerWrite for Store {
    fn create_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        input: &T,
        options: WriteOptions,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send {
        Store::create_ledger_record(self, actor, input, options)
    }

    fn update_ledger_draft<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        version: i64,
        input: &T,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send {
        Store::update_ledger_draft(self, actor, viewer, id, version, input)
    }

    fn submit_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send {
        Store::submit_ledger_record(self, actor, viewer, id)
    }

    fn review_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        reviewer_kind: &str,
        verdict: Verdict,
        comment: Option<&str>,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send {
        Store::review_ledger_record(self, actor, viewer, id, reviewer_kind, verdict, comment)
    }

    fn publish_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        rule: ReviewRule,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send {
        Store::publish_ledger_record(self, actor, viewer, id, rule)
    }

    fn correct_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        input: &T,
        retraction: Option<&Localized>,
    ) -> impl Future<Output = Result<LedgerRecord<T>, StoreError>> + Send {
        Store::correct_ledger_record(self, actor, viewer, id, input, retraction)
    }
}

impl Stakeholders for Store {
    fn stakeholder(&self, id: &str) -> impl Future<Output = Result<Option<Stakeholder>, StoreError>> + Send {
        Store::stakeholder(self, id)
    }
}

impl EvidenceStore for Store {
    fn create_incident_evidence(
        &self,
        actor: &Actor,
        input: &EvidenceUpload,
        blob: &BlobRef,
        speaks_for_incident: bool,
    ) -> impl Future<Output = Result<IncidentEvidence, StoreError>> + Send {
        Store::create_incident_evidence(self, actor, input, blob, speaks_for_incident)
    }
}

impl StatementSigning for Store {
    fn active_keys(&self, stakeholder: &str) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send {
        Store::active_keys(self, stakeholder)
    }

    fn add_statement_signature(
        &self,
        actor: &Actor,
        statement: &str,
        stakeholder: &str,
        key_id: &str,
        signature: &str,
    ) -> impl Future<Output = Result<StatementSignature, StoreError>> + Send {
        Store::add_statement_signature(self, actor, statement, stakeholder, key_id, signature)
    }
}
