//! What the use cases need of storage, one narrow trait per capability (as lldap's handler
//! traits): a use case names only what it touches, and a test or another backend implements
//! only that. `normwatch_store::Store` implements each by delegating to its own method of the
//! same name and signature, which [`ports!`] writes once for every trait.
use normwatch_core::Account;
use normwatch_core::access::AccountUpdate;
use normwatch_core::adoption::Stakeholder;
use normwatch_core::adoption::{KeyInput, StakeholderInput, StakeholderKey};
use normwatch_core::cbm::{ContactInput, HotlineInput, HotlineMessage, PointOfContact};
use normwatch_core::consultation::{Consultation, ConsultationInput, OutcomeInput};
use normwatch_core::evidence::EvidenceUpload;
use normwatch_core::linking::LinkStatus;
use normwatch_core::violation::{ReviewRule, Verdict};
use normwatch_core::{Localized, Viewer};
use normwatch_store::Community as StoredCommunity;
use normwatch_store::{
    Actor, BlobRef, IncidentEvidence, ItemDecision, ItemFilter, ItemPage, ItemRecord, LedgerKind, LedgerRecord,
    NewItem, NewSource, SourceRecord, StatementSignature, Store, StoreError, WriteOptions,
};
use normwatch_store::{CommunicationCheck, IncidentLink, NewAccount, SuccessFactors, TokenRecord};
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

    /// Accounts, their passwords and their API tokens.
    trait Accounts: Send Sync {
        fn create_account(&self, actor: &Actor, new: &NewAccount) -> Account;
        fn set_password_hash(&self, actor: &Actor, account_id: &str, hash: &str, one_time: bool) -> ();
        fn account(&self, id: &str) -> Option<Account>;
        fn update_account(&self, actor: &Actor, account_id: &str, update: &AccountUpdate) -> Account;
        fn token(&self, id: &str) -> Option<TokenRecord>;
        fn create_token(
            &self,
            actor: &Actor,
            account_id: &str,
            name: &str,
            secret_hash: &str,
            expires_at: Option<&str>,
        ) -> TokenRecord;
        fn revoke_token(&self, actor: &Actor, id: &str) -> TokenRecord;
    }

    /// Registering and revising stakeholders, and their signing keys.
    trait StakeholderWrite: Stakeholders {
        fn create_stakeholder(&self, actor: &Actor, input: &StakeholderInput) -> Stakeholder;
        fn update_stakeholder(&self, actor: &Actor, input: &StakeholderInput) -> Stakeholder;
        fn add_stakeholder_key(&self, actor: &Actor, stakeholder: &str, input: &KeyInput, key: &[u8; 32]) -> StakeholderKey;
    }

    /// Communities of interest and the decisions they log.
    trait Communities: Send Sync {
        fn communities(&self) -> Vec<StoredCommunity>;
        #[allow(clippy::too_many_arguments)]
        fn create_community(
            &self,
            actor: &Actor,
            id: &str,
            name: &Localized,
            purpose: &Localized,
            focus_norms: &[String],
            factors: &SuccessFactors,
            members: &[(String, String)],
        ) -> ();
        fn add_community_decision(
            &self,
            actor: &Actor,
            community: &str,
            decided_on: &str,
            text: &Localized,
            participants: &[String],
        ) -> String;
    }

    /// Consultations, their comments and outcomes.
    trait Consultations: Send Sync {
        fn create_consultation(&self, actor: &Actor, input: &ConsultationInput) -> String;
        fn consultation(&self, id: &str) -> Option<Consultation>;
        fn add_comment(&self, actor: &Actor, consultation: &str, stakeholder: &str, text: &str) -> String;
        fn decide_consultation(&self, actor: &Actor, c: &Consultation, input: &OutcomeInput) -> ();
    }

    /// Points of contact, communication checks, hotline messages and their webhooks.
    trait Contacts: Stakeholders {
        fn create_contact(&self, actor: &Actor, input: &ContactInput) -> PointOfContact;
        fn contact(&self, viewer: &Viewer, id: &str) -> Option<PointOfContact>;
        fn contacts(&self, viewer: &Viewer, stakeholder: Option<&str>) -> Vec<PointOfContact>;
        fn create_check(
            &self,
            actor: &Actor,
            organiser: &str,
            title: &str,
            targets: &[(String, String, String)],
        ) -> CommunicationCheck;
        fn acknowledge_check(&self, token_hash: &str) -> Option<bool>;
        fn checks(&self) -> Vec<CommunicationCheck>;
        fn create_hotline_message(
            &self,
            actor: &Actor,
            from: &PointOfContact,
            to: &[PointOfContact],
            input: &HotlineInput,
        ) -> String;
        fn hotline_messages(&self, stakeholder: Option<&str>) -> Vec<HotlineMessage>;
        fn acknowledge_hotline(&self, actor: &Actor, message: &str, contact: &str) -> Option<bool>;
        fn queue_webhooks(&self, stakeholders: &[String], event: &str, subject: &str, body: &str) -> usize;
        fn create_webhook(&self, actor: &Actor, stakeholder: &str, url: &str, secret: &str) -> String;
    }

    /// Links between incident records of the same real-world incident.
    trait IncidentLinks: Send Sync {
        fn link_incidents(&self, actor: &Actor, viewer: &Viewer, a: &str, b: &str) -> IncidentLink;
        fn decide_incident_link(
            &self,
            actor: &Actor,
            viewer: &Viewer,
            id: &str,
            decision: LinkStatus,
            version: Option<i64>,
        ) -> IncidentLink;
    }
}
