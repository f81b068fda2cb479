//! Incidents (GCSC Rec. 4): what happened, to whom, when, with what impact, and on what sources.
//! Norm screening, which suggests the norms an incident may engage, is in `screening`.
use crate::access::{RecordStatus, Tlp};
use crate::adoption::{both_short, some_text, term_of, url};
use crate::catalog::Catalog;
use crate::ids::{CountryCode, NormId};
pub use crate::incident_sort::{IncidentCursor, IncidentSort, SortKey};
use crate::lang::Localized;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod dimension;
pub use dimension::Dimension;

pub const OPERATION_TYPES: &str = "operation-types";
/// Taxonomies whose terms are asset classes a target may be tagged with.
pub const ASSET_TAXONOMIES: [&str; 4] = ["public-core", "electoral", "critical-infrastructure", "emergency-response"];
const MAX_LIST: usize = 200;
const MAX_NAME_CHARS: usize = 300;

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

/// How precisely a date is known: sources often give only a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

/// A date known to a day, a month or a year: ISO 8601 `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, whose
/// spelling carries its precision. Text order is time order (a year sorts before its months).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate(String);

impl PartialDate {
    pub fn parse(value: &str) -> Result<PartialDate, String> {
        let bad = || format!("`{value}` is not a date: give YYYY-MM-DD, YYYY-MM or YYYY");
        let parts: Vec<&str> = value.split('-').collect();
        let num = |s: &str, len: usize| {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u16>().ok() } else { None }
        };
        let year = parts.first().and_then(|y| num(y, 4)).ok_or_else(bad)?;
        if !(1970..=2999).contains(&year) {
            return Err(format!("`{value}` is before 1970 or implausibly late"));
        }
        match parts.len() {
            1 => {}
            2 => {
                let month = num(parts[1], 2).ok_or_else(bad)?;
                if !(1..=12).contains(&month) {
                    return Err(bad());
                }
            }
            3 => {
                crate::adoption::parse_date("date", value).map_err(|_| bad())?;
            }
            _ => return Err(bad()),
        }
        Ok(PartialDate(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn precision(&self) -> DatePrecision {
        match self.0.len() {
            4 => DatePrecision::Year,
            7 => DatePrecision::Month,
            _ => DatePrecision::Day,
        }
    }

    pub fn year(&self) -> i32 {
        self.0[..4].parse().unwrap_or(1970)
    }

    /// The full day, when the date is known to the day.
    pub fn day(&self) -> Option<&str> {
        (self.precision() == DatePrecision::Day).then_some(self.0.as_str())
    }

    /// The earliest day the date may mean (`2017` → `2017-01-01`): for ordering and filters.
    pub fn earliest_day(&self) -> String {
        match self.precision() {
            DatePrecision::Year => format!("{}-01-01", self.0),
            DatePrecision::Month => format!("{}-01", self.0),
            DatePrecision::Day => self.0.clone(),
        }
    }
}

impl TryFrom<String> for PartialDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PartialDate::parse(&value)
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.0
    }
}

/// Whether an alleged actor is a state (its organs) or anyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorKind {
    State,
    NonState,
}

/// An actor an incident is alleged to involve (the subject of attribution, not its finding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentActor {
    pub kind: ActorKind,
    /// Group or organ name (`APT28`, `GRU Unit 26165`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 code of the state (a state actor) or the group's base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// Who or what was hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// A critical-infrastructure sector (`ci.*`) or another asset-taxonomy term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Asset classes from the catalogue taxonomies (`pc.naming`, `elec.tallying`, `cert.national`).
    #[serde(default)]
    pub asset_classes: Vec<String>,
    /// The target's kind, when it is a stakeholder kind (a `state` organ, `private-sector`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A public source an incident rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// How strongly a security property was affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    None,
    Low,
    Moderate,
    High,
}

/// How long the victims' systems did not work as they should.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionalDuration {
    None,
    Hours,
    Days,
    Weeks,
    Months,
}

/// Money lost, in whole units of an ISO 4217 currency (integers: published records are
/// canonical JSON, which carries no fractions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomicLoss {
    pub amount: u64,
    pub currency: String,
}

/// An incident's impact. Every part is optional: sources rarely give them all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functional_duration: Option<FunctionalDuration>,
    /// ISO 3166-1 codes of the countries affected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries_affected: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub victims_affected: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_effects: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economic_loss: Option<EconomicLoss>,
    /// Human rights affected (`privacy`, `expression`, `political-participation`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights_affected: Vec<String>,
    /// Harm to people: injuries, deaths, distress, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_to_people: Option<Localized>,
}

/// Where an imported incident came from, with every original field kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// `eurepoc`, `cfr`, `stix`, …
    pub dataset: String,
    /// The record's id in that dataset.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// An incident as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    #[serde(default)]
    pub title: Localized,
    #[serde(default)]
    pub description: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovered: Option<PartialDate>,
    #[serde(default)]
    pub operation_types: Vec<String>,
    #[serde(default)]
    pub actors: Vec<IncidentActor>,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub sources: Vec<SourceLink>,
    #[serde(default)]
    pub impact: Impact,
    #[serde(default)]
    pub tlp: Tlp,
    #[serde(default = "draft")]
    pub status: RecordStatus,
    /// The stakeholder recording it (a CERT, an observatory); a contributor's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stakeholder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

pub(crate) fn draft() -> RecordStatus {
    RecordStatus::Draft
}

fn short(field: &str, value: &str) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(err(field, "is empty"));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(err(field, format!("longer than {MAX_NAME_CHARS} characters")));
    }
    Ok(())
}

fn list_len<T>(field: &str, list: &[T]) -> Result<(), FieldError> {
    if list.len() > MAX_LIST { Err(err(field, format!("more than {MAX_LIST} entries"))) } else { Ok(()) }
}

/// An asset class from one of the asset taxonomies.
pub fn asset_class(catalog: &Catalog, field: &str, id: &str) -> Result<(), FieldError> {
    match catalog.term(id) {
        Some((t, _)) if ASSET_TAXONOMIES.contains(&t.id.as_str()) => Ok(()),
        _ => Err(err(
            field,
            format!(
                "`{id}` is not an asset class; see GET /api/v1/taxonomies/{{public-core,electoral,critical-infrastructure,emergency-response}}"
            ),
        )),
    }
}

impl IncidentInput {
    pub fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        if self.title.ja.trim().is_empty() && self.title.en.trim().is_empty() {
            return Err(err("title", "give the title in Japanese (ja), English (en) or both"));
        }
        for (lang, t) in [("ja", &self.title.ja), ("en", &self.title.en)] {
            if t.chars().count() > MAX_NAME_CHARS {
                return Err(err(&format!("title.{lang}"), format!("longer than {MAX_NAME_CHARS} characters")));
            }
        }
        both_short("description", &self.description)?;
        let latest = today.to_string();
        for (field, date) in [("started", &self.started), ("ended", &self.ended), ("discovered", &self.discovered)] {
            if let Some(d) = date
                && d.earliest_day() > latest
            {
                return Err(err(field, format!("{} is in the future (today is {today})", d.as_str())));
            }
        }
        if let (Some(s), Some(e)) = (&self.started, &self.ended)
            && e.as_str() < s.as_str()
            && !s.as_str().starts_with(e.as_str())
        {
            return Err(err("ended", format!("{} is before the start {}", e.as_str(), s.as_str())));
        }
        list_len("operation_types", &self.operation_types)?;
        for (i, op) in self.operation_types.iter().enumerate() {
            term_of(catalog, OPERATION_TYPES, &format!("operation_types[{i}]"), op)?;
        }
        list_len("actors", &self.actors)?;
        for (i, a) in self.actors.iter().enumerate() {
            if let Some(n) = &a.name {
                short(&format!("actors[{i}].name"), n)?;
            }
            if let Some(c) = &a.country {
                CountryCode::parse_field(&format!("actors[{i}].country"), c)?;
            }
            if a.kind == ActorKind::State && a.country.is_none() {
                return Err(err(&format!("actors[{i}].country"), "a state actor needs its country code"));
            }
        }
        list_len("targets", &self.targets)?;
        for (i, t) in self.targets.iter().enumerate() {
            short(&format!("targets[{i}].name"), &t.name)?;
            if let Some(c) = &t.country {
                CountryCode::parse_field(&format!("targets[{i}].country"), c)?;
            }
            if let Some(s) = &t.sector {
                asset_class(catalog, &format!("targets[{i}].sector"), s)?;
            }
            for (j, a) in t.asset_classes.iter().enumerate() {
                asset_class(catalog, &format!("targets[{i}].asset_classes[{j}]"), a)?;
            }
            if let Some(k) = &t.kind {
                term_of(catalog, crate::adoption::STAKEHOLDER_KINDS, &format!("targets[{i}].kind"), k)?;
            }
        }
        list_len("sources", &self.sources)?;
        for (i, s) in self.sources.iter().enumerate() {
            url(&format!("sources[{i}].url"), &s.url)?;
        }
        let impact = &self.impact;
        for (i, c) in impact.countries_affected.iter().enumerate() {
            CountryCode::parse_field(&format!("impact.countries_affected[{i}]"), c)?;
        }
        if let Some(loss) = &impact.economic_loss {
            if loss.amount > (1 << 53) {
                return Err(err("impact.economic_loss.amount", "larger than 2^53"));
            }
            if !(loss.currency.len() == 3 && loss.currency.bytes().all(|b| b.is_ascii_uppercase())) {
                return Err(err("impact.economic_loss.currency", "give an ISO 4217 code such as USD, EUR or JPY"));
            }
        }
        for (i, r) in impact.rights_affected.iter().enumerate() {
            short(&format!("impact.rights_affected[{i}]"), r)?;
        }
        if let Some(h) = &impact.harm_to_people {
            some_text("impact.harm_to_people", h)?;
        }
        if let Some(o) = &self.origin {
            short("origin.dataset", &o.dataset)?;
            short("origin.id", &o.id)?;
        }
        Ok(())
    }

    /// Every asset class the incident's targets carry (sectors included).
    pub fn asset_classes(&self) -> impl Iterator<Item = &str> {
        self.targets
            .iter()
            .flat_map(|t| t.sector.iter().map(String::as_str).chain(t.asset_classes.iter().map(String::as_str)))
    }
}

/// What the visible attribution claims of an incident say together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum AttributionState {
    #[default]
    Unattributed,
    /// Every claim names the same state (or none names one).
    Attributed { states: Vec<String> },
    /// Claims name different states, or a claim is itself contested.
    Contested { states: Vec<String> },
}

impl AttributionState {
    /// From the states named by each claim (`None`: a claim naming only a group).
    pub fn from_claims<'a>(claims: impl IntoIterator<Item = Option<&'a str>>) -> AttributionState {
        Self::from_marked_claims(claims.into_iter().map(|c| (c, false)))
    }

    /// From each claim's state and whether the claim is itself contested: one contested claim
    /// makes the whole attribution contested, even when every claim names the same state (a
    /// victim's accusation that others dispute is not a settled attribution).
    pub fn from_marked_claims<'a>(claims: impl IntoIterator<Item = (Option<&'a str>, bool)>) -> AttributionState {
        let mut any = false;
        let mut disputed = false;
        let mut states: Vec<String> = Vec::new();
        for (c, contested) in claims {
            any = true;
            disputed |= contested;
            if let Some(s) = c
                && !states.iter().any(|x| x == s)
            {
                states.push(s.to_owned());
            }
        }
        states.sort();
        match (any, states.len()) {
            (false, _) => AttributionState::Unattributed,
            (true, 0 | 1) if !disputed => AttributionState::Attributed { states },
            _ => AttributionState::Contested { states },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_carry_precision_and_refuse_nonsense() {
        assert_eq!(PartialDate::parse("2017").map(|d| d.precision()), Ok(DatePrecision::Year));
        assert_eq!(PartialDate::parse("2017-06").map(|d| d.precision()), Ok(DatePrecision::Month));
        assert_eq!(PartialDate::parse("2017-06-27").map(|d| d.precision()), Ok(DatePrecision::Day));
        for bad in ["17", "2017-13", "2017-02-30", "2017/06/27", "1969", "2017-6", ""] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(PartialDate::parse("2017-06").map(|d| d.earliest_day()), Ok("2017-06-01".to_owned()));
    }

    #[test]
    fn contested_when_claims_name_different_states() {
        assert_eq!(AttributionState::from_claims([]), AttributionState::Unattributed);
        assert_eq!(
            AttributionState::from_claims([Some("RU"), None, Some("RU")]),
            AttributionState::Attributed { states: vec!["RU".into()] }
        );
        assert_eq!(
            AttributionState::from_claims([Some("RU"), Some("KP")]),
            AttributionState::Contested { states: vec!["KP".into(), "RU".into()] }
        );
    }

    #[test]
    fn a_contested_claim_makes_the_attribution_contested() {
        assert_eq!(
            AttributionState::from_marked_claims([(Some("RU"), false), (None, false), (Some("RU"), true)]),
            AttributionState::Contested { states: vec!["RU".into()] }
        );
        assert_eq!(
            AttributionState::from_marked_claims([(Some("RU"), false), (Some("RU"), false)]),
            AttributionState::Attributed { states: vec!["RU".into()] }
        );
        assert_eq!(AttributionState::from_marked_claims([]), AttributionState::Unattributed);
    }
}

/// Filters over incidents, validated, shared by the API, the portal and the CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentQuery {
    /// (facet, value) pairs: `operation`, `country`, `sector`, `norm`, `attributed_state`, `cve`.
    pub facets: Vec<(&'static str, String)>,
    pub year: Option<i32>,
    pub status: Option<RecordStatus>,
    pub terms: Vec<String>,
    /// The order of the list (newest first unless asked).
    pub sort: IncidentSort,
    /// Where the previous page ended (opaque to clients); its order is `sort`.
    pub cursor: Option<IncidentCursor>,
    pub limit: usize,
}

/// The facets counted for a list. `cve` filters but is not counted: a list of every CVE named
/// would crowd out the facets that describe incidents.
pub const FACETS: [&str; 5] = ["operation", "country", "sector", "norm", "attributed_state"];

impl IncidentQuery {
    pub const PARAMETERS: [&'static str; 12] = [
        "norm",
        "year",
        "country",
        "sector",
        "attributed_state",
        "operation",
        "cve",
        "status",
        "q",
        "sort",
        "cursor",
        "limit",
    ];

    pub fn parse<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
        catalog: &Catalog,
    ) -> Result<Self, FieldError> {
        let mut q = IncidentQuery { limit: 50, ..Default::default() };
        let mut sort: Option<IncidentSort> = None;
        for (key, value) in params {
            let value = value.trim();
            if value.is_empty() {
                return Err(err(key, "is empty; leave the parameter out to not filter by it"));
            }
            match key {
                "norm" => {
                    NormId::of_field(catalog, "norm", value)?;
                    q.facets.push(("norm", value.to_owned()));
                }
                "country" | "attributed_state" => {
                    let code = CountryCode::parse_field(key, &value.to_ascii_uppercase())?;
                    q.facets.push((if key == "country" { "country" } else { "attributed_state" }, code.into()));
                }
                "sector" => {
                    asset_class(catalog, "sector", value)?;
                    q.facets.push(("sector", value.to_owned()));
                }
                "operation" => {
                    term_of(catalog, OPERATION_TYPES, "operation", value)?;
                    q.facets.push(("operation", value.to_owned()));
                }
                "cve" => q.facets.push(("cve", crate::vulnerability::parse_cve("cve", value)?)),
                "year" => {
                    q.year = Some(
                        value
                            .parse()
                            .ok()
                            .filter(|y| (1970..=2999).contains(y))
                            .ok_or_else(|| err("year", format!("`{value}` is not a year such as 2017")))?,
                    )
                }
                "status" => q.status = Some(value.parse().map_err(|e: String| err("status", e))?),
                "q" => {
                    if value.chars().count() > crate::query::MAX_QUERY_CHARS {
                        return Err(err("q", "longer than 200 characters"));
                    }
                    q.terms.extend(value.split_whitespace().map(str::to_owned));
                }
                "sort" if sort.is_some() => return Err(err("sort", "given twice; give it once")),
                "sort" => sort = Some(IncidentSort::parse(value)?),
                "cursor" if q.cursor.is_some() => return Err(err("cursor", "given twice; give it once")),
                "cursor" => q.cursor = Some(IncidentCursor::parse(value)?),
                "limit" => {
                    q.limit = value
                        .parse()
                        .ok()
                        .filter(|l| (1..=500).contains(l))
                        .ok_or_else(|| err("limit", "give a number from 1 to 500"))?
                }
                other => {
                    return Err(err(
                        other,
                        format!("unknown parameter; incidents can be filtered by {}", Self::PARAMETERS.join(", ")),
                    ));
                }
            }
        }
        // A cursor continues the order it was made in; a `sort` beside it must be that order.
        q.sort = match (&q.cursor, sort) {
            (Some(c), Some(s)) if c.sort != s => {
                return Err(err(
                    "cursor",
                    format!("continues the list in sort={}, not sort={}; drop one of them", c.sort.name(), s.name()),
                ));
            }
            (Some(c), _) => c.sort,
            (None, s) => s.unwrap_or_default(),
        };
        Ok(q)
    }
}
