//! What the use cases need of storage, one narrow trait per capability (as lldap's handler
//! traits): a use case names only what it touches, and a test or another backend implements
//! only that. `normwatch_store::Store` implements each by delegating to its own method of the
//! same name and signature, which [`ports!`] writes once for every trait.
use normwatch_core::adoption::Stakeholder;
use normwatch_core::evidence::EvidenceUpload;
use normwatch_core::violation::{ReviewRule, Verdict};
use normwatch_core::{Localized, Viewer};
use normwatch_store::{
    Actor, BlobRef, IncidentEvidence, ItemDecision, ItemFilter, ItemPage, ItemRecord, LedgerKind, LedgerRecord,
    NewItem, NewSource, SourceRecord, StatementSignature, Store, StoreError, WriteOptions,
};
use std::future::Future;

/// Declares a capability trait and its implementation for `Store`, which calls `Store`'s own
/// method of the same name with the same arguments.
macro_rules! ports {
    ($(
        $(#[$doc:meta])*
        trait $trait:ident: $($super:ident)+ {
            $(
                $(#[$fdoc:meta])*
                fn $name:ident $(<$g:ident: $bound:ident>)? (&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ok:ty;
            )*
        }
    )*) => {$(
        $(#[$doc])*
        pub trait $trait: $($super +)+ {
            $(
                $(#[$fdoc])*
                fn $name $(<$g: $bound>)? (&self $(, $arg: $ty)*) -> impl Future<Output = Result<$ok, StoreError>> + Send;
            )*
        }

        impl $trait for Store {
            $(
                fn $name $(<$g: $bound>)? (&self $(, $arg: $ty)*) -> impl Future<Output = Result<$ok, StoreError>> + Send {
                    Store::$name(self $(, $arg)*)
                }
            )*
        }
    )*};
}

ports! {
    /// Reading one ledger record as a viewer may see it.
    trait LedgerRead: Send Sync {
        fn ledger_record<T: LedgerKind>(&self, viewer: &Viewer, id: &str) -> Option<LedgerRecord<T>>;
    }

    /// The life of a ledger record: filed, revised as a draft, submitted, reviewed, published,
    /// corrected.
    trait LedgerWrite: LedgerRead {
        fn create_ledger_record<T: LedgerKind>(&self, actor: &Actor, input: &T, options: WriteOptions) -> LedgerRecord<T>;
        fn update_ledger_draft<T: LedgerKind>(
            &self,
            actor: &Actor,
            viewer: &Viewer,
            id: &str,
            version: i64,
            input: &T,
        ) -> LedgerRecord<T>;
        fn submit_ledger_record<T: LedgerKind>(&self, actor: &Actor, viewer: &Viewer, id: &str) -> LedgerRecord<T>;
        fn review_ledger_record<T: LedgerKind>(
            &self,
            actor: &Actor,
            viewer: &Viewer,
            id: &str,
            reviewer_kind: &str,
            verdict: Verdict,
            comment: Option<&str>,
        ) -> LedgerRecord<T>;
        fn publish_ledger_record<T: LedgerKind>(
            &self,
            actor: &Actor,
            viewer: &Viewer,
            id: &str,
            rule: ReviewRule,
        ) -> LedgerRecord<T>;
        fn correct_ledger_record<T: LedgerKind>(
            &self,
            actor: &Actor,
            viewer: &Viewer,
            id: &str,
            input: &T,
            retraction: Option<&Localized>,
        ) -> LedgerRecord<T>;
    }

    /// Looking up a stakeholder (a reviewer's kind, an upload's owner).
    trait Stakeholders: Send Sync {
        fn stakeholder(&self, id: &str) -> Option<Stakeholder>;
    }

    /// Recording an incident's evidence once its bytes are stored.
    trait EvidenceStore: Send Sync {
        fn create_incident_evidence(
            &self,
            actor: &Actor,
            input: &EvidenceUpload,
            blob: &BlobRef,
            speaks_for_incident: bool,
        ) -> IncidentEvidence;
    }

    /// A stakeholder's registered keys and the co-signatures made with them.
    trait StatementSigning: Send Sync {
        /// `(key id, public key)` of each key not revoked.
        fn active_keys(&self, stakeholder: &str) -> Vec<(String, String)>;
        fn add_statement_signature(
            &self,
            actor: &Actor,
            statement: &str,
            stakeholder: &str,
            key_id: &str,
            signature: &str,
        ) -> StatementSignature;
    }

    /// Sources, the items their polls bring in, and triage decisions.
    trait Collection: Send Sync {
        fn create_source(&self, actor: &Actor, input: &NewSource) -> SourceRecord;
        fn sources(&self, viewer: &Viewer) -> Vec<SourceRecord>;
        fn source(&self, viewer: &Viewer, id: &str) -> Option<SourceRecord>;
        fn due_sources(&self, now: &str) -> Vec<SourceRecord>;
        fn remove_source(&self, actor: &Actor, id: &str) -> ();
        fn record_poll(&self, id: &str, health: &serde_json::Value, next_due: &str, cursor: Option<&str>) -> ();
        fn item_signatures(&self, since: &str) -> Vec<(u64, String, String)>;
        fn item_known(&self, canonical_url: &str, content_hash: &str) -> bool;
        fn insert_items(&self, items: &[NewItem]) -> Vec<Option<String>>;
        fn items(&self, viewer: &Viewer, filter: &ItemFilter) -> ItemPage;
        fn item(&self, viewer: &Viewer, id: &str) -> Option<ItemRecord>;
        fn decide_item(&self, actor: &Actor, viewer: &Viewer, id: &str, decision: &ItemDecision) -> Vec<ItemRecord>;
        /// Every standing incident the viewer may read (to match items against).
        fn standing_records<T: LedgerKind>(&self, viewer: &Viewer) -> Vec<LedgerRecord<T>>;
    }
}
