//! The findings made about an incident (GCSC Rec. 2 and 4, §6D): violation assessments,
//! attribution claims, collective attribution statements and their co-signatures, responses,
//! and the review rule that gates their publication.
use crate::access::{RecordStatus, Tlp};
use crate::adoption::{both_short, some_text, term_of, url};
use crate::catalog::Catalog;
use crate::ids::{CountryCode, NormId, RecordId, StakeholderId, not_a_norm};
use crate::incident::{ActorKind, PartialDate, draft};
use crate::lang::Localized;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};

pub const ASSESSMENT_LEVELS: &str = "assessment-levels";
pub const CONFIDENCE: &str = "confidence";
pub const RESPONSE_TYPES: &str = "response-types";
/// The one norm a state breaks by knowingly allowing its territory to be used.
pub const TERRITORY_NORM: &str = "gge-c";
const MAX_REFS: usize = 100;

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

fn name(field: &str, value: &str) -> Result<(), FieldError> {
    if value.trim().is_empty() || value.chars().count() > 300 {
        Err(err(field, "give a name of 1–300 characters"))
    } else {
        Ok(())
    }
}

fn refs(field: &str, ids: &[String]) -> Result<(), FieldError> {
    if ids.len() > MAX_REFS {
        return Err(err(field, format!("more than {MAX_REFS} entries")));
    }
    for (i, id) in ids.iter().enumerate() {
        RecordId::parse_field(&format!("{field}[{i}]"), id)?;
    }
    Ok(())
}

fn urls(field: &str, list: &[String]) -> Result<(), FieldError> {
    if list.len() > MAX_REFS {
        return Err(err(field, format!("more than {MAX_REFS} entries")));
    }
    for (i, u) in list.iter().enumerate() {
        url(&format!("{field}[{i}]"), u)?;
    }
    Ok(())
}

fn not_future(field: &str, date: &PartialDate, today: time::Date) -> Result<(), FieldError> {
    if date.earliest_day() > today.to_string() {
        Err(err(field, format!("{} is in the future (today is {today})", date.as_str())))
    } else {
        Ok(())
    }
}

/// Why a state answers for a group's conduct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateResponsibility {
    /// The group acted on the state's instructions or under its direction or control.
    Proxy,
    /// The state knowingly allowed its territory to be used (UN GGE 13(c)).
    Territory,
}

/// The actor a violation is alleged against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllegedActor {
    pub kind: ActorKind,
    /// The state (ISO code): the actor itself, or the state answering for a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The group, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// With a state and a group: why the state answers for the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<StateResponsibility>,
}

/// A finding on whether an incident violates one norm, by one alleged actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    pub incident: String,
    pub norm: String,
    pub actor: AllegedActor,
    /// An `assessment-levels` term.
    pub level: String,
    pub rationale: Localized,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default = "draft")]
    pub status: RecordStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stakeholder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
}

impl AssessmentInput {
    pub fn validate(&self, catalog: &Catalog) -> Result<(), FieldError> {
        let norm = catalog.norm(&self.norm).ok_or_else(|| not_a_norm(&self.norm).at("norm"))?;
        term_of(catalog, ASSESSMENT_LEVELS, "level", &self.level)?;
        some_text("rationale", &self.rationale)?;
        refs("evidence", &self.evidence)?;
        urls("sources", &self.sources)?;
        check_addressee(&norm.id, &norm.addressees, &self.actor)
    }
}

/// The addressee rule: an assessment must be against an actor the norm addresses. A group may
/// be assessed under a state-only norm only through the state answering for it.
pub fn check_addressee(norm: &str, addressees: &[String], actor: &AllegedActor) -> Result<(), FieldError> {
    let to_states = addressees.iter().any(|a| a == "states");
    let to_others = addressees.iter().any(|a| a == "non-state-actors" || a == "producers");
    if let Some(s) = &actor.state {
        CountryCode::parse_field("actor.state", s)?;
    }
    if let Some(g) = &actor.group {
        name("actor.group", g)?;
    }
    match actor.kind {
        ActorKind::State => {
            if actor.state.is_none() {
                return Err(err("actor.state", "an assessment against a state needs the state's ISO code"));
            }
            if !to_states {
                return Err(err(
                    "actor.kind",
                    format!("`{norm}` is not addressed to states (it addresses {})", addressees.join(", ")),
                ));
            }
            match (&actor.group, actor.responsibility) {
                (Some(_), None) => Err(err(
                    "actor.responsibility",
                    "with a group, say why the state answers for it: proxy (acting on its instructions) or territory (knowingly allowing its territory to be used, gge-c)",
                )),
                (None, Some(_)) => Err(err("actor.group", "a responsibility needs the group the state answers for")),
                (_, Some(StateResponsibility::Territory)) if norm != TERRITORY_NORM => Err(err(
                    "actor.responsibility",
                    format!(
                        "knowingly allowing territory to be used engages `{TERRITORY_NORM}`, not `{norm}`; use proxy if the group acted on the state's instructions"
                    ),
                )),
                _ => Ok(()),
            }
        }
        ActorKind::NonState => {
            if actor.group.is_none() {
                return Err(err("actor.group", "an assessment against a non-state actor needs its name"));
            }
            if actor.responsibility.is_some() {
                return Err(err("actor.responsibility", "only a state answers for a group; set actor.kind to state"));
            }
            if !to_others {
                return Err(err(
                    "actor.kind",
                    format!(
                        "`{norm}` is addressed to states only, so a non-state group cannot violate it; to assess a state's responsibility for the group, set actor.kind = state, actor.state and actor.responsibility = proxy (or territory, for {TERRITORY_NORM})"
                    ),
                ));
            }
            Ok(())
        }
    }
}

/// Who makes an attribution or a response: a registered stakeholder, or a named outside actor
/// (imports name governments, companies and media that are not registered here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stakeholder: Option<String>,
    pub name: String,
    pub kind: SpeakerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The kind of actor that attributes or responds; attribution-lag figures are grouped by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpeakerKind {
    Government,
    Intergovernmental,
    SecurityCompany,
    PrivateSector,
    Media,
    Academia,
    CivilSociety,
    Victim,
    /// The attacker itself claims the operation.
    SelfClaimed,
    Other,
}

impl SpeakerKind {
    pub const ALL: [SpeakerKind; 10] = [
        SpeakerKind::Government,
        SpeakerKind::Intergovernmental,
        SpeakerKind::SecurityCompany,
        SpeakerKind::PrivateSector,
        SpeakerKind::Media,
        SpeakerKind::Academia,
        SpeakerKind::CivilSociety,
        SpeakerKind::Victim,
        SpeakerKind::SelfClaimed,
        SpeakerKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SpeakerKind::Government => "government",
            SpeakerKind::Intergovernmental => "intergovernmental",
            SpeakerKind::SecurityCompany => "security-company",
            SpeakerKind::PrivateSector => "private-sector",
            SpeakerKind::Media => "media",
            SpeakerKind::Academia => "academia",
            SpeakerKind::CivilSociety => "civil-society",
            SpeakerKind::Victim => "victim",
            SpeakerKind::SelfClaimed => "self-claimed",
            SpeakerKind::Other => "other",
        }
    }

    /// The kind a registered stakeholder speaks as.
    pub fn of_stakeholder(kind: &str) -> SpeakerKind {
        match kind {
            "state" => SpeakerKind::Government,
            "intergovernmental" => SpeakerKind::Intergovernmental,
            "private-sector" => SpeakerKind::PrivateSector,
            "academia" => SpeakerKind::Academia,
            "civil-society" | "technical-community" => SpeakerKind::CivilSociety,
            _ => SpeakerKind::Other,
        }
    }
}

impl Speaker {
    fn validate(&self, field: &str) -> Result<(), FieldError> {
        name(&format!("{field}.name"), &self.name)?;
        if let Some(c) = &self.country {
            CountryCode::parse_field(&format!("{field}.country"), c)?;
        }
        if let Some(s) = &self.stakeholder {
            StakeholderId::parse_field(&format!("{field}.stakeholder"), s)?;
        }
        Ok(())
    }
}

/// How the attributed group relates to a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupRelation {
    /// Part of the state (an agency, a military unit).
    Organ,
    /// Acting on the state's instructions or under its control.
    Proxy,
    /// Operating with the state's knowledge, unhindered.
    Tolerated,
    Unknown,
}

/// What kind of actor an attribution names, as the attributor put it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorCategory {
    State,
    StateAffiliated,
    NonStateGroup,
    Individual,
    Unknown,
}

/// Whom an attribution names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributedActor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ActorCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<GroupRelation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributionType {
    Technical,
    Political,
    Legal,
}

/// One actor's claim of who is behind an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionInput {
    pub incident: String,
    pub attributor: Speaker,
    pub attributed_to: AttributedActor,
    /// Technical, political or legal; imports may leave it open when the source's type is none
    /// of these (a self-claim, a media report), keeping the original in `basis`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AttributionType>,
    #[serde(default)]
    pub basis: Localized,
    /// An ICD 203 `confidence` term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<String>,
    /// When the attribution was made (imports may not know).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_url: Option<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default = "draft")]
    pub status: RecordStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// The claim's key in the dataset it was imported from (`eurepoc:8664:1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The claim itself is disputed (EuRepoC's "Contested attribution"): whoever reads it, and
    /// the incident's attribution state, must see that it is not a settled finding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub contested: bool,
}

impl AttributionInput {
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        self.attributor.validate("attributor")?;
        let to = &self.attributed_to;
        if to.state.is_none() && to.group.is_none() && to.category.is_none() {
            return Err(err("attributed_to", "name a state (ISO code), a group, or both"));
        }
        // Records made here say what and when; imported ones keep what their source knew.
        if self.origin.is_none() {
            if self.kind.is_none() {
                return Err(err("type", "say whether the attribution is technical, political or legal"));
            }
            if self.attributed_on.is_none() {
                return Err(err("attributed_on", "give the date of the attribution (YYYY-MM-DD, YYYY-MM or YYYY)"));
            }
        }
        if let Some(s) = &to.state {
            CountryCode::parse_field("attributed_to.state", s)?;
        }
        if let Some(g) = &to.group {
            name("attributed_to.group", g)?;
        }
        if to.relation.is_some() && (to.group.is_none() || to.state.is_none()) {
            return Err(err("attributed_to.relation", "a relation links a group to a state: give both"));
        }
        both_short("basis", &self.basis)?;
        if let Some(c) = &self.confidence {
            term_of(catalog, CONFIDENCE, "confidence", c)?;
        }
        if let Some(d) = &self.attributed_on {
            not_future("attributed_on", d, today)?;
        }
        if let Some(u) = &self.statement_url {
            url("statement_url", u)?;
        }
        refs("evidence", &self.evidence)
    }
}

/// A joint statement: one text, the claims it makes, co-signed over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementInput {
    pub text: Localized,
    /// The attribution claims the statement makes.
    pub claims: Vec<String>,
    pub issued_on: PartialDate,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default = "draft")]
    pub status: RecordStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
}

impl StatementInput {
    pub fn validate(&self, today: time::Date) -> Result<(), FieldError> {
        some_text("text", &self.text)?;
        if self.claims.is_empty() {
            return Err(err("claims", "a collective attribution statement makes at least one attribution claim"));
        }
        refs("claims", &self.claims)?;
        not_future("issued_on", &self.issued_on, today)
    }
}

/// The bytes every co-signer signs: RFC 8785 canonical JSON of what the statement says (not of
/// its review state or signatures, which change over time while the statement does not).
pub fn statement_signing_value(id: &str, text: &Localized, claims: &[String], issued_on: &str) -> serde_json::Value {
    let mut claims = claims.to_vec();
    claims.sort();
    serde_json::json!({
        "type": "normwatch-collective-statement",
        "id": id,
        "text": { "ja": text.ja, "en": text.en },
        "claims": claims,
        "issued_on": issued_on,
    })
}

/// Checks a base64 Ed25519 signature over `message` with a base64 public key.
pub fn verify_signature(public_key: &str, message: &[u8], signature: &str) -> Result<(), String> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let key: [u8; 32] = b64
        .decode(public_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the public key is not 32 bytes of base64")?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| "not an Ed25519 public key")?;
    let sig: [u8; 64] = b64
        .decode(signature.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of base64")?;
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| "the signature does not verify".to_owned())
}

/// Legal character of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LegalCharacter {
    Retorsion,
    Countermeasure,
    Other,
}

/// A response to an incident, placed on the GCSC continuum by its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    pub incident: String,
    pub responder: Speaker,
    /// A `response-types` term (`resp.sanctions`, …).
    #[serde(rename = "type")]
    pub kind: String,
    pub legal_character: LegalCharacter,
    pub responded_on: PartialDate,
    #[serde(default)]
    pub description: Localized,
    #[serde(default)]
    pub norms: Vec<String>,
    #[serde(default)]
    pub claims: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default = "draft")]
    pub status: RecordStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// The response's key in the dataset it was imported from (`eurepoc:1032:political:1`), so
    /// that importing the same release again adds nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The source gives no date for the response (the CFR tracker never does): `responded_on` is
    /// then the incident's date, the earliest the response can be, not the day it was made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undated: bool,
}

impl ResponseInput {
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        self.responder.validate("responder")?;
        term_of(catalog, RESPONSE_TYPES, "type", &self.kind)?;
        not_future("responded_on", &self.responded_on, today)?;
        both_short("description", &self.description)?;
        for (i, n) in self.norms.iter().enumerate() {
            NormId::of_field(catalog, &format!("norms[{i}]"), n)?;
        }
        refs("claims", &self.claims)?;
        if let Some(u) = &self.source_url {
            url("source_url", u)?;
        }
        Ok(())
    }

    /// The response's level on the continuum (`minor`, `significant`, `dramatic`).
    pub fn level<'a>(&self, catalog: &'a Catalog) -> Option<&'a str> {
        catalog.taxonomy(RESPONSE_TYPES)?.term(&self.kind)?.level.as_deref()
    }
}

/// A reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Approve,
    RequestChanges,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::RequestChanges => "request-changes",
        }
    }
}

/// How many approvals publication needs, and from how many stakeholder kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRule {
    pub approvals: usize,
    pub stakeholder_kinds: usize,
}

impl Default for ReviewRule {
    fn default() -> Self {
        ReviewRule { approvals: 2, stakeholder_kinds: 2 }
    }
}

/// One approval counted towards publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub reviewer: String,
    pub stakeholder_kind: String,
}

impl ReviewRule {
    /// `Ok` when the approvals suffice; otherwise what is missing, in words.
    pub fn check(&self, approvals: &[Approval]) -> Result<(), String> {
        let mut reviewers: Vec<&str> = approvals.iter().map(|a| a.reviewer.as_str()).collect();
        reviewers.sort_unstable();
        reviewers.dedup();
        let mut kinds: Vec<&str> = approvals.iter().map(|a| a.stakeholder_kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        if reviewers.len() >= self.approvals && kinds.len() >= self.stakeholder_kinds {
            Ok(())
        } else {
            Err(format!(
                "publication needs approvals by {} reviewers of {} different stakeholder kinds; it has {} by {} kind(s) ({})",
                self.approvals,
                self.stakeholder_kinds,
                reviewers.len(),
                kinds.len(),
                if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") }
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states() -> Vec<String> {
        vec!["states".into()]
    }

    #[test]
    fn a_group_cannot_break_a_state_norm_except_through_a_state() {
        let group =
            AllegedActor { kind: ActorKind::NonState, state: None, group: Some("X".into()), responsibility: None };
        let e = check_addressee("gge-f", &states(), &group).err().map(|e| e.field);
        assert_eq!(e.as_deref(), Some("actor.kind"));
        let proxy = AllegedActor {
            kind: ActorKind::State,
            state: Some("RU".into()),
            group: Some("X".into()),
            responsibility: Some(StateResponsibility::Proxy),
        };
        assert!(check_addressee("gge-f", &states(), &proxy).is_ok());
        let territory = AllegedActor { responsibility: Some(StateResponsibility::Territory), ..proxy };
        assert!(check_addressee("gge-c", &states(), &territory).is_ok());
        assert_eq!(
            check_addressee("gge-f", &states(), &territory).err().map(|e| e.field).as_deref(),
            Some("actor.responsibility")
        );
        let both = vec!["states".into(), "non-state-actors".into()];
        let group =
            AllegedActor { kind: ActorKind::NonState, state: None, group: Some("X".into()), responsibility: None };
        assert!(check_addressee("gcsc-8", &both, &group).is_ok());
    }

    #[test]
    fn review_rule_needs_distinct_reviewers_and_kinds() {
        let rule = ReviewRule::default();
        let a = |r: &str, k: &str| Approval { reviewer: r.into(), stakeholder_kind: k.into() };
        assert!(rule.check(&[a("r1", "academia")]).is_err());
        assert!(rule.check(&[a("r1", "academia"), a("r2", "academia")]).is_err());
        assert!(rule.check(&[a("r1", "academia"), a("r1", "state")]).is_err());
        assert!(rule.check(&[a("r1", "academia"), a("r2", "civil-society")]).is_ok());
    }
}
