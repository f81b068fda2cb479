//! What the use cases need of storage, one narrow trait per capability (as lldap's handler
//! traits): a use case names only what it touches, and a test or another backend implements
//! only that. `normwatch_store::Store` implements each by delegating to its own method of the
//! same name and signature, which [`ports!`] writes once for every trait.
use normwatch_core::access::AccountUpdate;
use normwatch_core::adoption::{
    ImplementationEvidence, KeyInput, Position, Stakeholder, StakeholderInput, StakeholderKey,
};
use normwatch_core::capacity::{
    Assessment as HygieneAssessment, AssessmentInput as HygieneAssessmentInput, Programme, ProgrammeInput,
    TimelineInput, Vulnerability, VulnerabilityInput,
};
use normwatch_core::cbm::{ContactInput, HotlineInput, HotlineMessage, PointOfContact};
use normwatch_core::consultation::{Consultation, ConsultationInput, OutcomeInput};
use normwatch_core::evidence::EvidenceUpload;
use normwatch_core::incident::{Dimension, IncidentQuery, PartialDate};
use normwatch_core::linking::LinkStatus;
use normwatch_core::vep::{DecisionInput, VepCase, VepCaseInput};
use normwatch_core::violation::{ReviewRule, Verdict};
use normwatch_core::{Account, Localized, Viewer};
use normwatch_store::Community as StoredCommunity;
use normwatch_store::{
    Actor, BlobRef, IncidentEvidence, IncidentSummary, ItemDecision, ItemFilter, ItemPage, ItemRecord, LedgerKind,
    LedgerRecord, NewItem, NewSource, RecordFilter, SourceRecord, StakeholderFilter, StatementSignature, Store,
    StoreError, VepBoard, VulnerabilityEvent, WriteOptions,
};
use normwatch_store::{CommunicationCheck, IncidentLink, NewAccount, SuccessFactors, TokenRecord};
use normwatch_store::{
    Cosignature, FederatedFilter, FederatedRecord, NewFederatedRecord, NewPeer, PeerCursor, PeerFork, PeerRecord,
    PeerRefusal, StoredCheckpoint, WitnessRecord, WitnessedLog,
};
use normwatch_store::{FindingCount, IncidentPage, LatestFinding};
use std::collections::{HashMap, HashSet};
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
        fn incidents_from_origin(&self, viewer: &Viewer, dataset: &str, origin_id: &str) -> Vec<String>;
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
        fn claim_sources(&self, due: &[SourceRecord], until: &str) -> Vec<SourceRecord>;
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

    /// The peers followed, what each showed and sent, and the records kept from them.
    trait Federation: Send Sync {
        fn create_peer(&self, actor: &Actor, input: &NewPeer) -> PeerRecord;
        fn peers(&self) -> Vec<PeerRecord>;
        fn peer(&self, id: &str) -> Option<PeerRecord>;
        fn save_peer_checkpoint(&self, id: &str, note: &str) -> ();
        fn save_peer_frontier(&self, id: &str, frontier: &str) -> ();
        fn finish_peer_sync(&self, id: &str, error: Option<&str>) -> ();
        fn save_peer_fork(&self, id: &str, reason: &str, earlier_note: Option<&str>, later_note: &str) -> ();
        fn peer_forks(&self, id: &str) -> Vec<PeerFork>;
        fn save_peer_refusal(&self, id: &str, kind: &str, origin_id: &str, reason: &str) -> ();
        fn peer_refusals(&self, id: &str, limit: i64) -> Vec<PeerRefusal>;
        fn federated_ids(&self, peer: &str, kind: &str, ids: &[&str]) -> HashSet<String>;
        fn keep_federated(&self, records: &[NewFederatedRecord], cursor: Option<&PeerCursor<'_>>) -> u64;
        fn federated_records(&self, viewer: &Viewer, filter: &FederatedFilter) -> Vec<FederatedRecord>;
        fn add_witness(&self, actor: &Actor, verifier_key: &str, name: &str) -> bool;
        fn witnesses(&self) -> Vec<WitnessRecord>;
        fn checkpoint_at(&self, size: u64) -> Option<StoredCheckpoint>;
        fn save_cosignature(&self, size: u64, verifier_key: &str, line: &str, signed_at: u64) -> ();
        fn cosignatures(&self, size: u64) -> Vec<Cosignature>;
        fn witnessed_logs(&self) -> Vec<WitnessedLog>;
        fn save_witnessed(&self, origin: &str, size: u64, root: &normwatch_ledger::Hash, note: &str) -> ();
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

    /// Registering vulnerabilities and their timelines, capacity-building programmes and
    /// hygiene assessments.
    trait CapacityWrite: Send Sync {
        fn create_vulnerability(&self, actor: &Actor, input: &VulnerabilityInput) -> String;
        fn vulnerability(&self, viewer: &Viewer, id: &str) -> Option<Vulnerability>;
        fn vulnerability_events(&self, vulnerability: &str) -> Vec<VulnerabilityEvent>;
        fn add_vulnerability_event(
            &self,
            actor: &Actor,
            vulnerability: &Vulnerability,
            input: &TimelineInput,
        ) -> VulnerabilityEvent;
        fn create_programme(&self, actor: &Actor, input: &ProgrammeInput) -> Programme;
        fn create_assessment(&self, actor: &Actor, input: &HygieneAssessmentInput) -> HygieneAssessment;
    }

    /// What links incidents, registered vulnerabilities and VEP cases through CVE ids.
    trait CveLinks: Send Sync {
        fn incident_cve_ids(&self, viewer: &Viewer, incident: &str) -> Vec<String>;
        /// `(cve, vulnerability id)` of each registered record of the CVEs the viewer may read.
        fn vulnerabilities_for_cves(&self, viewer: &Viewer, cves: &[String]) -> Vec<(String, String)>;
        fn incidents_naming_cve(&self, viewer: &Viewer, cve: &str) -> Vec<IncidentSummary>;
        fn vep_cases_about_cve(&self, cve: &str, account: Option<&str>) -> Vec<VepCase>;
    }

    /// VEP boards, their members, cases and decisions.
    trait Vep: Send Sync {
        fn account_for_sign_in(&self, username: &str) -> Option<(Account, String)>;
        fn create_vep_board(
            &self,
            actor: &Actor,
            id: &str,
            stakeholder: &str,
            name: &Localized,
            members: &[(String, String)],
        ) -> VepBoard;
        fn vep_boards(&self) -> Vec<VepBoard>;
        fn vep_membership(&self, board: &str, account: &str) -> Option<String>;
        fn create_vep_case(&self, actor: &Actor, board: &str, input: &VepCaseInput) -> String;
        fn vep_case_for_member(&self, case: &str, account: &str) -> Option<VepCase>;
        fn add_vep_decision(&self, actor: &Actor, case: &str, input: &DecisionInput) -> ();
        fn vep_cases_for_report(&self, board: &str) -> Vec<VepCase>;
    }

    /// Stakeholders' positions and implementation evidence, as the adoption matrix reads them.
    trait AdoptionRead: Send Sync {
        fn stakeholders(&self, filter: &StakeholderFilter) -> Vec<Stakeholder>;
        fn positions(&self, viewer: &Viewer, filter: &RecordFilter) -> Vec<Position>;
        fn evidence(&self, viewer: &Viewer, filter: &RecordFilter) -> Vec<ImplementationEvidence>;
    }

    /// What the figures over published findings are computed from.
    trait FigureSources: AdoptionRead {
        /// Every standing published record of a kind the viewer may read.
        fn standing_records<T: LedgerKind>(&self, viewer: &Viewer) -> Vec<LedgerRecord<T>>;
        fn incident_dates(&self, viewer: &Viewer) -> HashMap<String, (Option<PartialDate>, Option<PartialDate>)>;
        /// Each incident in a confirmed linked group, with its group's id.
        fn incident_groups(&self, viewer: &Viewer) -> HashMap<String, String>;
        /// Every incident a query's filters match (paging ignored), as the viewer may read them.
        fn matching_incident_ids(&self, viewer: &Viewer, q: &IncidentQuery) -> HashSet<String>;
        /// Incidents a query's filters match, counted per pair of a row and a column value.
        fn incident_crosstab(&self, viewer: &Viewer, q: &IncidentQuery, row: Dimension, col: Dimension) -> Vec<(String, String, u64)>;
        /// The latest audit entry's sequence number: figures computed after it hold until it moves.
        fn audit_version(&self) -> i64;
    }

    /// What the home page and the world map count: the incident search's totals and facets
    /// (the incident list's own counts), and the standing published findings.
    trait OverviewSources: FigureSources {
        fn search_incidents(&self, viewer: &Viewer, q: &IncidentQuery) -> IncidentPage;
        fn finding_counts(&self, viewer: &Viewer) -> Vec<FindingCount>;
        fn latest_findings(&self, viewer: &Viewer, limit: usize) -> Vec<LatestFinding>;
    }
}
