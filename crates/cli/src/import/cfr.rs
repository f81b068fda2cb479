//! The CFR Cyber Operations Tracker's CSV export: one row per operation, with the suspected
//! state sponsor (→ attribution claims), the response (→ responses) and the victims (→ targets).
use super::kinds::has_words;
use super::{CFR_URL, CsvInput, Import, Table, column, missing, open, read_csv, short, url_ok};
use anyhow::Result;
use normwatch_core::country_names::code_for_name;
use normwatch_core::incident::{
    ActorKind, Impact, IncidentActor, IncidentInput, Origin, PartialDate, SourceLink, Target,
};
use normwatch_core::violation::{
    ActorCategory, AttributedActor, AttributionInput, GroupRelation, LegalCharacter, ResponseInput, Speaker,
    SpeakerKind,
};
use normwatch_core::{Localized, RecordStatus, Tlp};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The tracker as the source of its sponsor claims: it compiles what governments, companies and
/// media reported, so it speaks as `other`, not as any of them.
pub const CFR_SPEAKER: &str = "Council on Foreign Relations Cyber Operations Tracker";

/// CFR's `M/D/YYYY`.
fn cfr_date(value: &str) -> Option<PartialDate> {
    let mut parts = value.trim().split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    let (m, d, y): (u8, u8, u16) = (m.parse().ok()?, d.parse().ok()?, y.parse().ok()?);
    PartialDate::parse(&format!("{y:04}-{m:02}-{d:02}")).ok()
}

/// Sponsor lists (`China, Russian Federation`), where names may contain a comma themselves
/// (`Palestine, State of`).
fn cfr_sponsors(value: &str) -> Vec<String> {
    // A stray quote sticks to a name in a few rows (`United Kingdom"`).
    let tokens: Vec<&str> =
        value.split(',').map(|t| t.trim().trim_matches('"').trim()).filter(|t| !t.is_empty()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if i + 1 < tokens.len()
            && let Some(c) = code_for_name(&format!("{}, {}", tokens[i], tokens[i + 1]))
        {
            out.push(c.to_owned());
            i += 2;
            continue;
        }
        if let Some(c) = code_for_name(tokens[i]) {
            out.push(c.to_owned());
        }
        i += 1;
    }
    out.dedup();
    out
}

/// Adjectives the Victims column uses for countries ("Ukrainian government agencies").
const DEMONYMS: &[(&str, &str)] = &[
    ("afghan", "AF"),
    ("albanian", "AL"),
    ("american", "US"),
    ("armenian", "AM"),
    ("australian", "AU"),
    ("austrian", "AT"),
    ("azerbaijani", "AZ"),
    ("bahraini", "BH"),
    ("bangladeshi", "BD"),
    ("belarusian", "BY"),
    ("belgian", "BE"),
    ("brazilian", "BR"),
    ("british", "GB"),
    ("bulgarian", "BG"),
    ("canadian", "CA"),
    ("chinese", "CN"),
    ("colombian", "CO"),
    ("croatian", "HR"),
    ("czech", "CZ"),
    ("danish", "DK"),
    ("dutch", "NL"),
    ("egyptian", "EG"),
    ("emirati", "AE"),
    ("estonian", "EE"),
    ("filipino", "PH"),
    ("finnish", "FI"),
    ("french", "FR"),
    ("georgian", "GE"),
    ("german", "DE"),
    ("greek", "GR"),
    ("hungarian", "HU"),
    ("indian", "IN"),
    ("indonesian", "ID"),
    ("iranian", "IR"),
    ("iraqi", "IQ"),
    ("irish", "IE"),
    ("israeli", "IL"),
    ("italian", "IT"),
    ("japanese", "JP"),
    ("jordanian", "JO"),
    ("kazakh", "KZ"),
    ("kuwaiti", "KW"),
    ("kyrgyz", "KG"),
    ("latvian", "LV"),
    ("lebanese", "LB"),
    ("lithuanian", "LT"),
    ("malaysian", "MY"),
    ("mexican", "MX"),
    ("moldovan", "MD"),
    ("mongolian", "MN"),
    ("montenegrin", "ME"),
    ("north korean", "KP"),
    ("norwegian", "NO"),
    ("pakistani", "PK"),
    ("palestinian", "PS"),
    ("philippine", "PH"),
    ("polish", "PL"),
    ("portuguese", "PT"),
    ("qatari", "QA"),
    ("romanian", "RO"),
    ("russian", "RU"),
    ("saudi", "SA"),
    ("serbian", "RS"),
    ("singaporean", "SG"),
    ("slovak", "SK"),
    ("south korean", "KR"),
    ("spanish", "ES"),
    ("swedish", "SE"),
    ("swiss", "CH"),
    ("syrian", "SY"),
    ("taiwanese", "TW"),
    ("thai", "TH"),
    ("turkish", "TR"),
    ("ukrainian", "UA"),
    ("uzbek", "UZ"),
    ("venezuelan", "VE"),
    ("vietnamese", "VN"),
];

/// The countries a free text names, by name (any run of up to four words the country gazetteer
/// knows) or adjective, in the order they first appear.
fn countries_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '.' | ':'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut step = 1;
        for n in (1..=4).rev() {
            let Some(run) = words.get(i..i + n) else { continue };
            let run = run.join(" ").trim_end_matches("'s").trim_end_matches("’s").to_lowercase();
            // Two-letter runs ("US", "in") are too ambiguous to read as countries.
            let code = if run.len() <= 2 {
                None
            } else {
                code_for_name(&run).or_else(|| DEMONYMS.iter().find(|(d, _)| *d == run).map(|(_, c)| *c))
            };
            if let Some(c) = code {
                if !found.iter().any(|f| f == c) {
                    found.push(c.to_owned());
                }
                step = n;
                break;
            }
        }
        i += step;
    }
    found
}

/// Critical-infrastructure sectors and electoral or CERT assets a victim's description names.
const SECTOR_WORDS: &[(&str, &[&str])] = &[
    ("elec", &["election", "elections", "electoral", "voter", "voters", "ballot"]),
    (
        "ci.energy",
        &[
            "power grid",
            "electric",
            "electricity",
            "energy",
            "power plant",
            "nuclear",
            "oil",
            "gas",
            "pipeline",
            "utility",
            "utilities",
        ],
    ),
    ("ci.finance", &["bank", "banks", "banking", "financial", "stock exchange", "cryptocurrency exchange", "swift"]),
    ("ci.health", &["hospital", "hospitals", "health", "healthcare", "medical", "pharmaceutical", "vaccine"]),
    (
        "ci.telecom",
        &[
            "telecom",
            "telecoms",
            "telecommunications",
            "telecommunication",
            "mobile operator",
            "internet service provider",
            "isp",
        ],
    ),
    ("ci.water", &["water", "wastewater"]),
    (
        "ci.transport",
        &[
            "airport",
            "airports",
            "airline",
            "airlines",
            "railway",
            "railways",
            "port",
            "ports",
            "shipping",
            "transport",
            "transportation",
            "aviation",
        ],
    ),
    ("ci.space", &["satellite", "satellites", "space agency"]),
    (
        "ci.defence-industry",
        &[
            "defense contractor",
            "defense contractors",
            "defence contractor",
            "defense industry",
            "defence industry",
            "aerospace",
        ],
    ),
    ("ci.chemical", &["chemical", "petrochemical"]),
    ("ci.manufacturing", &["manufacturer", "manufacturers", "manufacturing"]),
    ("ci.food", &["food", "agriculture"]),
    ("cert", &["cert", "computer emergency response team"]),
];

/// The asset classes a victim text names, in the catalogue's order above.
fn sectors_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    SECTOR_WORDS.iter().filter(|(_, words)| words.iter().any(|w| has_words(&lower, w))).map(|(s, _)| *s).collect()
}

/// CFR's free-text Response as a `response-types` term, when it names one we know. A victim's
/// "Confirmation", an accused state's "Denial" or "Unknown" are not responses to the operation.
fn cfr_response(text: &str) -> Option<(&'static str, LegalCharacter)> {
    let lower = text.to_lowercase();
    let has = |w: &str| lower.contains(w);
    Some(if has("criminal charge") || has("indict") {
        ("resp.indictment", LegalCharacter::Other)
    } else if has("sanction") {
        ("resp.sanctions", LegalCharacter::Retorsion)
    } else if has("expel") || has("expulsion") {
        ("resp.diplomatic-expulsion", LegalCharacter::Retorsion)
    } else if has("démarche") || has("demarche") || has("summon") {
        ("resp.private-demarche", LegalCharacter::Other)
    } else if has("hack back") || has("hack-back") || has("countermeasure") {
        ("resp.countermeasures", LegalCharacter::Countermeasure)
    } else if has("takedown") || has("take down") || has("seiz") {
        ("resp.infrastructure-takedown", LegalCharacter::Other)
    } else if has("arrest") {
        ("resp.law-enforcement-action", LegalCharacter::Other)
    } else if has("attribut") {
        ("resp.public-attribution", LegalCharacter::Other)
    } else if has("denounce") || has("condemn") {
        ("resp.public-statement", LegalCharacter::Other)
    } else {
        return None;
    })
}

/// Who responded, as far as the response's source shows it: a `.gov` address is the United
/// States government, `.gov.xx` the government of country `xx`; otherwise CFR does not say.
fn cfr_responder(url: Option<&str>) -> Speaker {
    let host = url
        .and_then(|u| u.split("://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let country = if host.ends_with(".gov") || host.ends_with(".mil") {
        Some("US".to_owned())
    } else if let Some((_, cc)) = host.rsplit_once(".gov.") {
        let cc = if cc == "uk" { "GB".to_owned() } else { cc.to_uppercase() };
        normwatch_core::country::is_country_code(&cc).then_some(cc)
    } else {
        None
    };
    match country {
        Some(c) => Speaker {
            stakeholder: None,
            name: format!("Government ({c}), per {host}"),
            kind: SpeakerKind::Government,
            country: Some(c),
        },
        None => Speaker {
            stakeholder: None,
            name: "Responder not named by the CFR tracker".to_owned(),
            kind: SpeakerKind::Other,
            country: None,
        },
    }
}

/// The CFR tracker has no ids: a record is keyed by its title, date and affiliations (unique
/// across the 768 rows, where title and date alone are not).
pub fn cfr_key(title: &str, date: &str, affiliations: &str) -> String {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let digest = Sha256::digest(format!("{}\u{1f}{}\u{1f}{}", norm(title), date.trim(), norm(affiliations)));
    format!("cfr-{}", &hex::encode(digest)[..16])
}

/// Reads the CFR tracker's CSV export.
pub fn read_cfr(path: &Path) -> Result<Import> {
    parse_cfr(CsvInput { name: &path.display().to_string(), reader: open(path)? })
}

/// The CFR tracker's CSV, read from anywhere.
pub fn parse_cfr(input: CsvInput<'_, impl Read>) -> Result<Import> {
    let Table { name: path, headers: h, rows } = read_csv(input.reader, input.name)?;
    let c = |name: &str| column(&h, name, &path);
    let (title_c, date_c, aff_c, desc_c, victims_c) =
        (c("Title")?, c("Date")?, c("Affiliations")?, c("Description")?, c("Victims")?);
    let (sponsor_c, type_c, cat_c, response_c) = (c("Sponsor")?, c("Type")?, c("Category")?, c("Response")?);
    let sources_c = [c("Sources_1")?, c("Sources_2")?, c("Sources_3")?];
    let mut out = Import::default();
    for row in &rows {
        let mut fields = BTreeMap::new();
        for (name, v) in h.iter().zip(row) {
            if !v.is_empty() {
                fields.insert(name.clone(), v.clone());
            }
        }
        let key = cfr_key(&row[title_c], &row[date_c], &row[aff_c]);
        let op = match row[type_c].as_str() {
            "Espionage" => Some("espionage"),
            "Sabotage" => Some("sabotage"),
            "Denial of service" => Some("denial-of-service"),
            "Data destruction" => Some("data-destruction"),
            "Financial Theft" => Some("financial-theft"),
            "Defacement" => Some("defacement"),
            "Doxing" => Some("hack-and-leak"),
            _ => None,
        };
        let sponsors = cfr_sponsors(&row[sponsor_c]);
        let actors: Vec<IncidentActor> = sponsors
            .iter()
            .map(|c| IncidentActor { kind: ActorKind::State, name: None, country: Some(c.clone()) })
            .collect();
        let categories: Vec<&str> = row[cat_c].split(',').map(str::trim).collect();
        let kind = categories.iter().find_map(|k| match *k {
            "Government" | "Military" => Some("state"),
            "Private sector" => Some("private-sector"),
            "Civil society" => Some("civil-society"),
            _ => None,
        });
        let started = cfr_date(&row[date_c]);
        let victims = &row[victims_c];
        let countries = countries_in(victims);
        let mut sectors = sectors_in(victims);
        if sectors.is_empty() && categories.contains(&"Government") {
            sectors.push("ci.government");
        }
        let targets = if missing(victims) {
            vec![]
        } else {
            // One target per country the victims text names (a target has one country).
            let one = |country: Option<String>| Target {
                name: short(victims, 300),
                country,
                sector: sectors.first().map(|s| (*s).to_owned()),
                asset_classes: sectors.iter().skip(1).map(|s| (*s).to_owned()).collect(),
                kind: kind.map(str::to_owned),
            };
            if countries.is_empty() {
                vec![one(None)]
            } else {
                countries.iter().take(50).map(|c| one(Some(c.clone()))).collect()
            }
        };
        let sources = sources_c
            .iter()
            .map(|i| row[*i].clone())
            .filter(|u| url_ok(u))
            .map(|url| SourceLink { url, title: None })
            .collect();
        let title = short(&row[title_c], 300);
        let group = Some(short(&row[aff_c], 300)).filter(|g| !missing(g));
        for state in &sponsors {
            out.claims.push((
                key.clone(),
                AttributionInput {
                    incident: String::new(),
                    attributor: Speaker {
                        stakeholder: None,
                        name: CFR_SPEAKER.to_owned(),
                        kind: SpeakerKind::Other,
                        country: None,
                    },
                    attributed_to: AttributedActor {
                        category: Some(ActorCategory::State),
                        state: Some(state.clone()),
                        relation: group.as_ref().map(|_| GroupRelation::Unknown),
                        group: group.clone(),
                    },
                    kind: None,
                    basis: Localized::new(
                        "",
                        format!("CFR Cyber Operations Tracker lists {} as sponsor", short(&row[sponsor_c], 500)),
                    ),
                    confidence: None,
                    attributed_on: None,
                    statement_url: None,
                    evidence: vec![],
                    tlp: Tlp::Clear,
                    status: RecordStatus::Published,
                    community: None,
                    origin: Some(format!("cfr:{key}:sponsor:{state}")),
                    contested: false,
                },
            ));
        }
        let response = row[response_c].trim();
        if !response.is_empty() {
            let url = response.split_whitespace().find(|w| url_ok(w));
            let text = response.split_whitespace().filter(|w| !url_ok(w)).collect::<Vec<_>>().join(" ");
            match (cfr_response(&text), &started) {
                (Some((term, character)), Some(date)) => out.responses.push((
                    key.clone(),
                    ResponseInput {
                        incident: String::new(),
                        responder: cfr_responder(url),
                        kind: term.to_owned(),
                        legal_character: character,
                        responded_on: date.clone(),
                        description: Localized::new("", format!("CFR Cyber Operations Tracker response: {text}")),
                        norms: vec![],
                        claims: vec![],
                        source_url: url.map(str::to_owned),
                        tlp: Tlp::Clear,
                        status: RecordStatus::Published,
                        community: None,
                        origin: Some(format!("cfr:{key}:response")),
                        // CFR never dates a response: the operation's date is the earliest.
                        undated: true,
                    },
                )),
                _ => out.responses_incomplete += 1,
            }
        }
        out.incidents.push(IncidentInput {
            title: Localized::new("", if title.is_empty() { "untitled CFR record".to_owned() } else { title }),
            description: Localized::new("", row[desc_c].chars().take(8000).collect::<String>()),
            started,
            ended: None,
            discovered: None,
            operation_types: op.map(|o| vec![o.to_owned()]).unwrap_or_default(),
            actors,
            targets,
            sources,
            impact: Impact { countries_affected: countries, ..Impact::default() },
            tlp: Tlp::Clear,
            status: RecordStatus::Published,
            stakeholder: None,
            community: None,
            origin: Some(Origin { dataset: "cfr".into(), id: key, url: Some(CFR_URL.into()), fields }),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_sponsors_and_countries() {
        assert_eq!(cfr_date("9/28/2021").map(|d| d.as_str().to_owned()).as_deref(), Some("2021-09-28"));
        assert_eq!(cfr_sponsors("Palestine, State of, Israel"), ["PS", "IL"]);
        assert_eq!(cfr_sponsors("Iran (Islamic Republic of)"), ["IR"]);
        assert_eq!(cfr_sponsors("United Kingdom\""), ["GB"]);
        assert_eq!(countries_in("Ukrainian government agencies"), ["UA"]);
        assert_eq!(countries_in("Government agencies of EU member states"), Vec::<String>::new());
        assert_eq!(countries_in("The government of Ukraine, Maersk, Port of Rosario"), ["UA"]);
        assert_eq!(countries_in("Banks in the United States and South Korean media"), ["US", "KR"]);
        assert_eq!(sectors_in("The Ukrainian power grid"), ["ci.energy"]);
        assert_eq!(sectors_in("Election commission servers and a hospital"), ["elec", "ci.health"]);
        assert!(sectors_in("Political dissidents").is_empty());
    }

    #[test]
    fn responses_named_in_free_text() {
        assert_eq!(cfr_response("Criminal charges"), Some(("resp.indictment", LegalCharacter::Other)));
        assert_eq!(cfr_response("Sanctions"), Some(("resp.sanctions", LegalCharacter::Retorsion)));
        assert_eq!(cfr_response("Denouncement"), Some(("resp.public-statement", LegalCharacter::Other)));
        assert_eq!(cfr_response("Hack Back"), Some(("resp.countermeasures", LegalCharacter::Countermeasure)));
        assert_eq!(cfr_response("Confirmation"), None);
        assert_eq!(cfr_response("Denial"), None);
        assert_eq!(cfr_response("Pakistan"), None);
        let us = cfr_responder(Some("https://www.justice.gov/opa/pr/x"));
        assert_eq!((us.kind, us.country.as_deref()), (SpeakerKind::Government, Some("US")));
        let ua = cfr_responder(Some("https://cert.gov.ua/article/39086"));
        assert_eq!(ua.country.as_deref(), Some("UA"));
        assert_eq!(cfr_responder(Some("https://www.wsj.com/a")).kind, SpeakerKind::Other);
        assert_eq!(cfr_responder(None).kind, SpeakerKind::Other);
    }

    const CFR_HEADER: &str =
        "Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,Sources_1,Sources_2,Sources_3\n";

    #[test]
    fn csv_read_from_bytes_is_named_in_errors() {
        fn input(text: &str) -> CsvInput<'_, &[u8]> {
            CsvInput { name: "upload.csv", reader: text.as_bytes() }
        }
        let row = "Ministry breach,9/28/2021,Group X,d,Sanctions   https://home.treasury.gov/news/x,A ministry in Israel,Russian Federation,Espionage,Government,https://example.org/a,,\n";
        let data = parse_cfr(input(&format!("{CFR_HEADER}{row}"))).expect("reads");
        assert_eq!(data.incidents.len(), 1);
        let incident = &data.incidents[0];
        assert_eq!(incident.started.as_ref().map(PartialDate::as_str), Some("2021-09-28"));
        assert_eq!(incident.operation_types, ["espionage"]);
        assert_eq!(incident.targets[0].country.as_deref(), Some("IL"));
        assert_eq!(incident.targets[0].sector.as_deref(), Some("ci.government"));
        let (_, claim) = &data.claims[0];
        assert_eq!(claim.attributed_to.state.as_deref(), Some("RU"));
        assert_eq!(claim.basis.en, "CFR Cyber Operations Tracker lists Russian Federation as sponsor");
        let (_, response) = &data.responses[0];
        assert_eq!((response.kind.as_str(), response.undated), ("resp.sanctions", true));
        assert_eq!(response.responder.country.as_deref(), Some("US"));

        let e = parse_cfr(input("Title,Date\nx,1/1/2020\n")).expect_err("columns missing");
        assert!(e.to_string().starts_with("upload.csv has no column `Affiliations`"), "{e}");
        let e = parse_cfr(input(&format!("{CFR_HEADER}too,few\n"))).expect_err("short row");
        assert_eq!(e.to_string(), "upload.csv: record 1 is not valid CSV");
        let e = super::super::parse_eurepoc(input("ID\n1\n"), input("ID\n"), input("incident_ID\n"))
            .expect_err("columns missing");
        assert!(e.to_string().starts_with("upload.csv has no column"), "{e}");
    }
}
