//! EuRepoC's political and legal responses: the global file holds them as five parallel
//! `; `-separated lists per kind (date, type, sub-code, country, actor).
use super::eurepoc_date;
use crate::import::kinds::kind_of_name;
use crate::import::{Import, Table, column, missing, short};
use anyhow::Result;
use normwatch_core::country_names::code_for_name;
use normwatch_core::violation::{LegalCharacter, ResponseInput, Speaker, SpeakerKind};
use normwatch_core::{Localized, RecordStatus, Tlp};
use std::collections::HashSet;

/// EuRepoC's `; `-separated parallel lists, where an entry may hold `;` inside parentheses
/// ("Angus Taylor (Minister …; AUS)"). An empty value is an empty list.
fn entries(value: &str) -> Vec<String> {
    if value.trim().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (mut depth, mut current) = (0usize, String::new());
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                out.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_owned());
    out
}

/// A EuRepoC political response's type and sub-code as a `response-types` term. Statements are
/// public statements; awareness raising, inquiries, legislation, resignations, capacity building
/// and dialogues are measures at home or with partners, not aimed at the violator.
fn political_type(kind: &str, subcode: &str) -> Option<&'static str> {
    Some(match subcode {
        "Statement by head of state/head of government"
        | "Statement by other ministers/members of parliament"
        | "Statement by minister of foreign affairs"
        | "Statements by foreign ministers"
        | "Declaration of HR"
        | "Statement by secretary-general or similar" => "resp.public-statement",
        "Diplomatic protest notes" => "resp.private-demarche",
        "Awareness raising"
        | "Parliamentary investigation committee"
        | "Legislative initiative"
        | "Resignation"
        | "Removal from office"
        | "Capacity building in third countries"
        | "Confidence and security-building Dialogues" => "resp.domestic-measures",
        _ => {
            let category = kind.split_once(": ").map_or(kind, |(_, c)| c);
            match category {
                "Stabilizing measures" => "resp.public-statement",
                "Preventive measures" | "Legislative reactions" | "Executive reactions" | "Cooperative measures" => {
                    "resp.domestic-measures"
                }
                _ => return None,
            }
        }
    })
}

/// A EuRepoC legal response's type and sub-code as a term and its legal character.
fn legal_type(kind: &str, subcode: &str) -> Option<(&'static str, LegalCharacter)> {
    if kind.starts_with("Peaceful means: Retorsion") {
        return Some(match subcode {
            "Economic sanctions" => ("resp.sanctions", LegalCharacter::Retorsion),
            "Severance of diplomatic relations" => ("resp.severance-of-relations", LegalCharacter::Retorsion),
            _ => ("resp.retorsion", LegalCharacter::Retorsion),
        });
    }
    if kind.contains("ountermeasure") {
        return Some(("resp.countermeasures", LegalCharacter::Countermeasure));
    }
    if kind.starts_with("Other legal measures on national level") {
        return Some(("resp.law-enforcement-action", LegalCharacter::Other));
    }
    if kind.starts_with("Proclamation of public emergency") {
        return Some(("resp.domestic-measures", LegalCharacter::Other));
    }
    None
}

/// The kind of a responder: from its name, else from EuRepoC's response category ("State
/// Actors: …", "EU: …").
fn responder_kind(actor: &str, kind: &str) -> SpeakerKind {
    if let Some(k) = kind_of_name(actor) {
        return k;
    }
    match kind.split_once(':').map(|(who, _)| who) {
        Some("State Actors" | "EU member states") => SpeakerKind::Government,
        Some("EU" | "International organizations") => SpeakerKind::Intergovernmental,
        _ => SpeakerKind::Other,
    }
}

/// Entry `i` of a list, unless the source says it is not known.
fn at(list: &[String], i: usize) -> Option<&str> {
    list.get(i).map(String::as_str).filter(|v| !missing(v))
}

/// The political and legal responses of the global file: five parallel `; `-separated lists per
/// kind (date, type, sub-code, country, actor). Entry `i` of each list belongs to response `i`
/// when every non-empty list has as many entries as the type list; a row whose lists disagree
/// is not guessed at: its entries are counted as unaligned and stay in `origin.fields`.
pub(super) fn responses(global: &Table, out: &mut Import) -> Result<()> {
    let g = |name: &str| column(&global.headers, name, &global.name);
    let (id_c, start_c) = (g("ID")?, g("start_date")?);
    // The dates of the claims naming a state, by incident and attributor country: a statement
    // made that day by that country is the public attribution itself.
    let mut attributed: HashSet<(&str, &str, &str)> = HashSet::new();
    for (incident, c) in &out.claims {
        if let (Some(_), Some(country), Some(day)) = (&c.attributed_to.state, &c.attributor.country, &c.attributed_on) {
            attributed.insert((incident.as_str(), country.as_str(), day.as_str()));
        }
    }
    let mut made = Vec::new();
    for political in [true, false] {
        let prefix = if political { "political" } else { "legal" };
        let cols: Vec<usize> = ["date", "type", "type_subcode", "country", "actor"]
            .iter()
            .map(|c| g(&format!("{prefix}_response_{c}")))
            .collect::<Result<_>>()?;
        for row in &global.rows {
            let lists: Vec<Vec<String>> = cols.iter().map(|c| entries(&row[*c])).collect();
            let [dates, types, subcodes, countries, actors] = &lists[..] else { continue };
            let n = types.len();
            if lists.iter().any(|l| !l.is_empty() && l.len() != n) {
                out.responses_unaligned += lists.iter().map(Vec::len).max().unwrap_or(0);
                continue;
            }
            for (i, kind) in types.iter().enumerate() {
                let (kind, subcode) = (kind.as_str(), at(subcodes, i).unwrap_or(""));
                let typed = if political {
                    political_type(kind, subcode).map(|t| (t, LegalCharacter::Other))
                } else {
                    legal_type(kind, subcode)
                };
                // Undated: the incident's start, the earliest the response can be, marked so.
                let dated = at(dates, i).and_then(|d| eurepoc_date(d, false));
                let undated = dated.is_none();
                let date = dated.or_else(|| eurepoc_date(&row[start_c], false));
                let (Some((mut term, character)), Some(date)) = (typed, date) else {
                    out.responses_incomplete += 1;
                    continue;
                };
                let country_name = at(countries, i);
                let country = country_name.and_then(code_for_name).map(str::to_owned);
                let actor = at(actors, i);
                if term == "resp.public-statement"
                    && let Some(c) = &country
                    && attributed.contains(&(row[id_c].as_str(), c.as_str(), date.as_str()))
                {
                    term = "resp.public-attribution";
                }
                let name = actor.or(country_name).map_or_else(|| "unnamed responder".to_owned(), |n| short(n, 300));
                let what = [Some(kind), Some(subcode).filter(|s| !s.is_empty())].into_iter().flatten();
                let who = [actor, country_name].into_iter().flatten().collect::<Vec<_>>().join(", ");
                let description = format!(
                    "EuRepoC {prefix} response: {}. By: {}.",
                    what.collect::<Vec<_>>().join(" — "),
                    if who.is_empty() { "not named" } else { who.as_str() }
                );
                made.push((
                    row[id_c].clone(),
                    ResponseInput {
                        incident: String::new(),
                        responder: Speaker {
                            stakeholder: None,
                            name,
                            kind: responder_kind(actor.unwrap_or(""), kind),
                            country,
                        },
                        kind: term.to_owned(),
                        legal_character: character,
                        responded_on: date,
                        description: Localized::new("", description),
                        norms: vec![],
                        claims: vec![],
                        source_url: None,
                        tlp: Tlp::Clear,
                        status: RecordStatus::Published,
                        community: None,
                        origin: Some(format!("eurepoc:{}:{prefix}:{}", row[id_c], i + 1)),
                        undated,
                    },
                ));
            }
        }
    }
    out.responses.extend(made);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_lists_split_outside_parentheses() {
        assert_eq!(
            entries("The White House; Angus Taylor (Minister; AUS); Government of Canada"),
            ["The White House", "Angus Taylor (Minister; AUS)", "Government of Canada"]
        );
        assert_eq!(entries("; Economic sanctions"), ["", "Economic sanctions"]);
        assert!(entries("").is_empty());
    }

    #[test]
    fn response_types_follow_the_catalogue() {
        let catalog = normwatch_core::Catalog::embedded().expect("catalogue");
        let terms = [
            political_type("State Actors: Stabilizing measures", "Statement by head of state/head of government"),
            political_type("State Actors: Preventive measures", "Awareness raising"),
            political_type("State Actors: Executive reactions", ""),
            political_type("EU member states: Stabilizing measures", "Diplomatic protest notes"),
        ];
        assert_eq!(
            terms,
            [
                Some("resp.public-statement"),
                Some("resp.domestic-measures"),
                Some("resp.domestic-measures"),
                Some("resp.private-demarche")
            ]
        );
        assert_eq!(political_type("N", ""), None);
        let legal = [
            legal_type("Peaceful means: Retorsion (International Law)", "Economic sanctions"),
            legal_type("Peaceful means: Retorsion (International Law)", ""),
            legal_type("Other legal measures on national level (e.g. law enforcement investigations, arrests)", ""),
        ];
        assert_eq!(
            legal,
            [
                Some(("resp.sanctions", LegalCharacter::Retorsion)),
                Some(("resp.retorsion", LegalCharacter::Retorsion)),
                Some(("resp.law-enforcement-action", LegalCharacter::Other))
            ]
        );
        assert_eq!(legal_type("Not available", ""), None);
        for t in terms.into_iter().flatten().chain(legal.into_iter().flatten().map(|(t, _)| t)) {
            assert!(catalog.term(t).is_some(), "{t} is a catalogue term");
        }
        assert_eq!(responder_kind("Mondelez International", "Not available"), SpeakerKind::PrivateSector);
        assert_eq!(responder_kind("Lord Ahmad", "EU member states: Stabilizing measures"), SpeakerKind::Government);
    }
}
