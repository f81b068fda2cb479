//! Stakeholders, their norm positions (endorse / reject / abstain, GCSC §6B), implementation
//! evidence (Rec. 1), legal positions (G7 Lucca: how international law applies), and the
//! adoption matrix built from them. Inputs are validated here, against the catalogue and a
//! given date, so that every interface refuses the same bad input with the same words.
use crate::access::{RecordStatus, Tlp};
use crate::catalog::Catalog;
use crate::ids::{CountryCode, NormId, StakeholderId};
use crate::lang::Localized;
use crate::marking::Recorded;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

pub const STAKEHOLDER_KINDS: &str = "stakeholder-kinds";
pub const EVIDENCE_KINDS: &str = "evidence-kinds";
pub const LEGAL_TOPICS: &str = "legal-topics";

/// Longest free text we accept in one language (characters).
pub const MAX_TEXT_CHARS: usize = 8000;
const MAX_URL_CHARS: usize = 2048;

/// What a stakeholder says of a norm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Endorse,
    Reject,
    Abstain,
}

impl Stance {
    pub fn name(self) -> &'static str {
        match self {
            Stance::Endorse => "endorse",
            Stance::Reject => "reject",
            Stance::Abstain => "abstain",
        }
    }
}

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn parse_date(field: &str, value: &str) -> Result<time::Date, FieldError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let bad = || err(field, format!("`{value}` is not a date in the form YYYY-MM-DD"));
    let date = time::Date::parse(value, &format).map_err(|_| bad())?;
    // Dates are stored and compared as text: only the canonical spelling (no `+2020-…`) may pass.
    if date.to_string() != value {
        return Err(bad());
    }
    Ok(date)
}

/// A period given as `(field, date)` for its start and `(field, optional date)` for its end:
/// both dates, the end not before the start (`early` says what an early end is before).
pub fn date_period(start: (&str, &str), end: (&str, Option<&String>), early: &str) -> Result<(), FieldError> {
    parse_date(start.0, start.1)?;
    if let (field, Some(end)) = end {
        parse_date(field, end)?;
        // Canonical YYYY-MM-DD text orders as the dates do.
        if end.as_str() < start.1 {
            return Err(err(field, format!("before {early}")));
        }
    }
    Ok(())
}

/// A date that has happened: not after `today`, and not before 1970 (before any cyber norm).
pub fn past_date(field: &str, value: &str, today: time::Date) -> Result<(), FieldError> {
    let date = parse_date(field, value)?;
    if date > today {
        return Err(err(field, format!("{value} is in the future (today is {today})")));
    }
    if date.year() < 1970 {
        return Err(err(field, format!("{value} is before 1970")));
    }
    Ok(())
}

pub(crate) fn url(field: &str, value: &str) -> Result<(), FieldError> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && value.len() <= MAX_URL_CHARS
        && !value.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(err(field, format!("`{value}` is not an http(s) URL of at most {MAX_URL_CHARS} characters")))
    }
}

pub(crate) fn term_of(catalog: &Catalog, vocabulary: &str, field: &str, value: &str) -> Result<(), FieldError> {
    let Some(t) = catalog.taxonomy(vocabulary) else {
        return Err(err(field, format!("the catalogue lacks the `{vocabulary}` vocabulary")));
    };
    if t.term(value).is_some() {
        Ok(())
    } else {
        let known: Vec<&str> = t.terms.iter().map(|t| t.id.as_str()).collect();
        Err(err(field, format!("`{value}` is not one of {}", known.join(", "))))
    }
}

/// Free text in either or both languages: at least one non-empty, none too long.
pub(crate) fn some_text(field: &str, text: &Localized) -> Result<(), FieldError> {
    if text.ja.trim().is_empty() && text.en.trim().is_empty() {
        return Err(err(field, "give the text in Japanese (ja), English (en) or both"));
    }
    both_short(field, text)
}

pub(crate) fn both_short(field: &str, text: &Localized) -> Result<(), FieldError> {
    for (lang, t) in [("ja", &text.ja), ("en", &text.en)] {
        if t.chars().count() > MAX_TEXT_CHARS {
            return Err(err(&format!("{field}.{lang}"), format!("longer than {MAX_TEXT_CHARS} characters")));
        }
    }
    Ok(())
}

/// A state, company, community, university, organisation or person that takes positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stakeholder {
    pub id: String,
    pub name: Localized,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub keys: Vec<StakeholderKey>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// An Ed25519 public key registered to a stakeholder, for co-signing statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeholderKey {
    /// First 8 bytes of SHA-256 of the key, hex: a stable handle.
    pub id: String,
    pub label: String,
    /// Standard base64 of the 32-byte key.
    pub public_key: String,
    pub added_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakeholderInput {
    pub id: String,
    pub name: Localized,
    pub kind: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// For updates: the version read (optimistic concurrency).
    #[serde(default)]
    pub version: Option<i64>,
}

impl StakeholderInput {
    pub fn validate(&mut self, catalog: &Catalog) -> Result<(), FieldError> {
        StakeholderId::parse_field("id", &self.id)?;
        if let Some(lang) = self.name.missing().first() {
            return Err(err(&format!("name.{lang}"), "the name is needed in Japanese and English"));
        }
        both_short("name", &self.name)?;
        term_of(catalog, STAKEHOLDER_KINDS, "kind", &self.kind)?;
        if let Some(c) = &self.country {
            // Stakeholders are typed in by hand: `jp` is taken as `JP`.
            self.country = Some(CountryCode::parse_any_case(c).map_err(|e| e.at("country"))?.into());
        }
        if self.kind == "state" && self.country.is_none() {
            return Err(err("country", "a state needs its ISO 3166-1 alpha-2 country code"));
        }
        if let Some(w) = &self.website {
            url("website", w)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyInput {
    pub label: String,
    pub public_key: String,
}

impl KeyInput {
    /// Checks the key is a valid Ed25519 point and returns its 32 bytes.
    pub fn validate(&self) -> Result<[u8; 32], FieldError> {
        use base64::Engine;
        if self.label.trim().is_empty() || self.label.chars().count() > 200 {
            return Err(err("label", "give the key a label of 1–200 characters"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.public_key.trim())
            .map_err(|_| err("public_key", "not standard base64"))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| err("public_key", "an Ed25519 public key is 32 bytes"))?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| err("public_key", "not a valid Ed25519 public key"))?;
        Ok(bytes)
    }
}

/// Where a position, a piece of evidence or a legal position was stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A catalogue document id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<String>,
}

impl SourceRef {
    fn validate(&self, catalog: &Catalog) -> Result<(), FieldError> {
        if self.url.is_none() && self.document.is_none() {
            return Err(err("source", "give a source: a `url`, or a catalogue `document` (with `paragraph`)"));
        }
        if let Some(u) = &self.url {
            url("source.url", u)?;
        }
        if let Some(d) = &self.document
            && catalog.document(d).is_none()
        {
            return Err(err("source.document", format!("`{d}` is not a catalogue document")));
        }
        if self.paragraph.is_some() && self.document.is_none() {
            return Err(err("source.paragraph", "a paragraph needs its `document`"));
        }
        Ok(())
    }
}

/// A stakeholder's stance on a norm, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub id: String,
    pub stakeholder: String,
    pub norm: String,
    pub stance: Stance,
    pub stated_on: String,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Localized>,
    /// The position this one replaced as the stakeholder's current stance on the norm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    #[serde(flatten)]
    pub recorded: Recorded,
    /// The record's leaf in the transparency log, once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    pub stakeholder: String,
    pub norm: String,
    pub stance: Stance,
    pub stated_on: String,
    pub source: SourceRef,
    #[serde(default)]
    pub statement: Option<Localized>,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
    /// A community of interest the position is shared with, and only with.
    #[serde(default)]
    pub community: Option<String>,
}

impl PositionInput {
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        StakeholderId::parse_field("stakeholder", &self.stakeholder)?;
        NormId::of_field(catalog, "norm", &self.norm)?;
        past_date("stated_on", &self.stated_on, today)?;
        self.source.validate(catalog)?;
        if let Some(s) = &self.statement {
            both_short("statement", s)?;
        }
        Ok(())
    }
}

/// Evidence that a stakeholder implements a norm (Rec. 1: statements, policy, law, practice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImplementationEvidence {
    pub id: String,
    pub stakeholder: String,
    pub norm: String,
    pub kind: String,
    pub dated: String,
    pub url: String,
    pub summary: Localized,
    #[serde(flatten)]
    pub recorded: Recorded,
    /// The record's leaf in the transparency log, once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    pub stakeholder: String,
    pub norm: String,
    pub kind: String,
    pub dated: String,
    pub url: String,
    pub summary: Localized,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
}

impl EvidenceInput {
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        StakeholderId::parse_field("stakeholder", &self.stakeholder)?;
        NormId::of_field(catalog, "norm", &self.norm)?;
        term_of(catalog, EVIDENCE_KINDS, "kind", &self.kind)?;
        past_date("dated", &self.dated, today)?;
        url("url", &self.url)?;
        some_text("summary", &self.summary)
    }
}

/// A state's published view of how international law applies on one topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalPosition {
    pub id: String,
    pub stakeholder: String,
    pub topic: String,
    pub summary: Localized,
    pub source_url: String,
    pub dated: String,
    #[serde(flatten)]
    pub recorded: Recorded,
    /// The record's leaf in the transparency log, once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalPositionInput {
    pub stakeholder: String,
    pub topic: String,
    pub summary: Localized,
    pub source_url: String,
    pub dated: String,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
}

impl LegalPositionInput {
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        StakeholderId::parse_field("stakeholder", &self.stakeholder)?;
        term_of(catalog, LEGAL_TOPICS, "topic", &self.topic)?;
        some_text("summary", &self.summary)?;
        url("source_url", &self.source_url)?;
        past_date("dated", &self.dated, today)
    }
}

/// One cell of the adoption matrix: a stakeholder's stance on a norm as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdoptionCell {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance: Option<Stance>,
    /// The marking of the position the stance comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tlp: Option<Tlp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    pub evidence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdoptionRow {
    pub stakeholder: String,
    pub name: Localized,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Norm id → cell, for every norm of the matrix.
    pub cells: BTreeMap<String, AdoptionCell>,
}

/// Stakeholders × norms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdoptionMatrix {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub norms: Vec<String>,
    pub rows: Vec<AdoptionRow>,
}

impl AdoptionMatrix {
    /// The matrix as it stood on `as_of` (or now): each cell holds the latest published position
    /// stated on or before that date, and counts the published evidence dated on or before it.
    /// Drafts never show as a stance. The caller passes only records the viewer may read.
    pub fn build(
        stakeholders: &[Stakeholder],
        norms: &[String],
        positions: &[Position],
        evidence: &[ImplementationEvidence],
        as_of: Option<&str>,
    ) -> AdoptionMatrix {
        let within = |date: &str| as_of.is_none_or(|limit| date <= limit);
        let mut latest: HashMap<(&str, &str), &Position> = HashMap::new();
        let published = |s: RecordStatus| s == RecordStatus::Published;
        for p in positions.iter().filter(|p| published(p.recorded.status) && within(&p.stated_on)) {
            let slot = latest.entry((p.stakeholder.as_str(), p.norm.as_str())).or_insert(p);
            if (p.stated_on.as_str(), p.recorded.created_at.as_str())
                > (slot.stated_on.as_str(), slot.recorded.created_at.as_str())
            {
                *slot = p;
            }
        }
        let mut counts: HashMap<(&str, &str), u32> = HashMap::new();
        for e in evidence.iter().filter(|e| published(e.recorded.status) && within(&e.dated)) {
            *counts.entry((e.stakeholder.as_str(), e.norm.as_str())).or_default() += 1;
        }
        let rows = stakeholders
            .iter()
            .map(|s| {
                let cells = norms
                    .iter()
                    .map(|n| {
                        let p = latest.get(&(s.id.as_str(), n.as_str()));
                        let cell = AdoptionCell {
                            stance: p.map(|p| p.stance),
                            tlp: p.map(|p| p.recorded.tlp),
                            stated_on: p.map(|p| p.stated_on.clone()),
                            position: p.map(|p| p.id.clone()),
                            source: p.map(|p| p.source.clone()),
                            evidence: counts.get(&(s.id.as_str(), n.as_str())).copied().unwrap_or(0),
                        };
                        (n.clone(), cell)
                    })
                    .collect();
                AdoptionRow {
                    stakeholder: s.id.clone(),
                    name: s.name.clone(),
                    kind: s.kind.clone(),
                    country: s.country.clone(),
                    cells,
                }
            })
            .collect();
        AdoptionMatrix { as_of: as_of.map(str::to_owned), norms: norms.to_vec(), rows }
    }

    /// Tidy CSV: one line per stakeholder × norm (RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        fn q(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
        }
        let mut out = String::from(
            "stakeholder,name_en,name_ja,kind,country,norm,stance,stated_on,source_url,source_document,source_paragraph,evidence,tlp\r\n",
        );
        for r in &self.rows {
            for (norm, c) in &r.cells {
                let src = c.source.clone().unwrap_or_default();
                let fields = [
                    r.stakeholder.clone(),
                    r.name.en.clone(),
                    r.name.ja.clone(),
                    r.kind.clone(),
                    r.country.clone().unwrap_or_default(),
                    norm.clone(),
                    c.stance.map(|s| s.name().to_owned()).unwrap_or_default(),
                    c.stated_on.clone().unwrap_or_default(),
                    src.url.unwrap_or_default(),
                    src.document.unwrap_or_default(),
                    src.paragraph.unwrap_or_default(),
                    c.evidence.to_string(),
                    c.tlp.map(|t| t.name().to_owned()).unwrap_or_default(),
                ];
                out.push_str(&fields.iter().map(|f| q(f)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ends_on_or_after_its_start() {
        let until = |d: &str| Some(d.to_owned());
        assert!(date_period(("from", "2024-01-01"), ("until", None), "from").is_ok());
        assert!(date_period(("from", "2024-01-01"), ("until", until("2024-01-01").as_ref()), "from").is_ok());
        let e =
            date_period(("from", "2024-01-02"), ("until", until("2024-01-01").as_ref()), "from").expect_err("early");
        assert_eq!((e.field.as_str(), e.reason.as_str()), ("until", "before from"));
        assert_eq!(date_period(("from", "2024-1-2"), ("until", None), "from").expect_err("bad").field, "from");
        assert_eq!(
            date_period(("from", "2024-01-02"), ("until", until("soon").as_ref()), "from").expect_err("bad").field,
            "until"
        );
    }

    fn position(id: &str, stance: Stance, stated_on: &str, created_at: &str) -> Position {
        Position {
            id: id.into(),
            stakeholder: "jp".into(),
            norm: "gge-f".into(),
            stance,
            stated_on: stated_on.into(),
            source: SourceRef { url: Some("https://example.org/x".into()), document: None, paragraph: None },
            statement: None,
            supersedes: None,
            recorded: Recorded {
                tlp: Tlp::Clear,
                status: RecordStatus::Published,
                recorded_by: "t".into(),
                created_at: created_at.into(),
                updated_at: created_at.into(),
                version: 1,
            },
            log_index: None,
        }
    }

    fn japan() -> Stakeholder {
        Stakeholder {
            id: "jp".into(),
            name: Localized::new("日本", "Japan"),
            kind: "state".into(),
            country: Some("JP".into()),
            website: None,
            keys: vec![],
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            version: 1,
        }
    }

    #[test]
    fn matrix_takes_the_latest_stance_as_of_a_date() {
        let positions = vec![
            position("p1", Stance::Endorse, "2017-04-11", "2026-01-01T00:00:00Z"),
            position("p2", Stance::Abstain, "2020-01-01", "2026-01-02T00:00:00Z"),
        ];
        let norms = vec!["gge-f".to_owned(), "gge-a".to_owned()];
        let now = AdoptionMatrix::build(&[japan()], &norms, &positions, &[], None);
        assert_eq!(now.rows[0].cells["gge-f"].stance, Some(Stance::Abstain));
        assert_eq!(now.rows[0].cells["gge-a"].stance, None);
        let then = AdoptionMatrix::build(&[japan()], &norms, &positions, &[], Some("2018-12-31"));
        assert_eq!(then.rows[0].cells["gge-f"].stance, Some(Stance::Endorse));
        let before = AdoptionMatrix::build(&[japan()], &norms, &positions, &[], Some("2017-04-10"));
        assert_eq!(before.rows[0].cells["gge-f"].stance, None);
        let csv = now.to_csv();
        assert_eq!(csv.lines().count(), 3, "header + one line per cell");
        assert!(csv.contains("jp,Japan,日本,state,JP,gge-f,abstain,2020-01-01,https://example.org/x,,,0"));
    }

    #[test]
    fn dates_in_the_future_or_malformed_are_refused() {
        let today = time::macros::date!(2026 - 11 - 22);
        assert!(past_date("d", "2026-11-22", today).is_ok());
        assert_eq!(past_date("d", "2026-11-23", today).map_err(|e| e.field), Err("d".to_owned()));
        assert!(past_date("d", "2026-02-30", today).is_err());
        assert!(past_date("d", "22/11/2026", today).is_err());
        assert!(parse_date("d", "+2020-01-01").is_err(), "only the canonical spelling");
    }

    #[test]
    fn keys_must_be_ed25519_points() {
        let good = KeyInput { label: "k".into(), public_key: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=".into() };
        assert!(good.validate().is_ok());
        let short = KeyInput { label: "k".into(), public_key: "AAAA".into() };
        assert_eq!(short.validate().map_err(|e| e.field), Err("public_key".into()));
    }
}
