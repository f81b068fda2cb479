//! Importers for public incident datasets: EuRepoC v1.1 (global, attribution and receiver CSVs)
//! and the CFR Cyber Operations Tracker CSV. Their vocabularies are mapped onto ours; every
//! original field is kept in the incident's `origin.fields`, so nothing the source said is lost.
use anyhow::{Context, Result, bail};
use normwatch_core::country_names::code_for_name;
use normwatch_core::incident::{
    ActorKind, FunctionalDuration, Impact, IncidentActor, IncidentInput, Origin, PartialDate, SourceLink, Target,
};
use normwatch_core::violation::{
    ActorCategory, AttributedActor, AttributionInput, AttributionType, GroupRelation, Speaker, SpeakerKind,
};
use normwatch_core::{Localized, RecordStatus, Tlp};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;

pub const EUREPOC_URL: &str = "https://doi.org/10.5281/zenodo.7848941";
pub const CFR_URL: &str = "https://www.cfr.org/cyber-operations";

/// Values the datasets use for "nothing known".
fn missing(v: &str) -> bool {
    matches!(v.trim(), "" | "Not available" | "Unknown" | "none" | "None" | "nan" | "NaT" | "NA" | "[]")
}

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("cannot open {}", path.display()))
}

/// A CSV file's header and rows, and how errors name it (its path, when it is a file).
struct Table {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(input: impl Read, name: &str) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{name}: record {} is not valid CSV", i + 1))?;
        rows.push(record.iter().map(|f| f.trim().to_owned()).collect());
    }
    Ok(Table { name: name.to_owned(), headers, rows })
}

fn column(headers: &[String], name: &str, input: &str) -> Result<usize> {
    headers.iter().position(|h| h == name).with_context(|| {
        format!("{input} has no column `{name}`: is it the EuRepoC v1.1 / CFR export normwatch reads?")
    })
}

/// A Python list literal as EuRepoC writes it (`['a', "b's"]`, possibly nested): its strings.
fn list_literal(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let quote = c;
            let mut s = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        if let Some(e) = chars.next() {
                            s.push(e);
                        }
                    }
                    d if d == quote => break,
                    d => s.push(d),
                }
            }
            out.push(s);
        }
    }
    out
}

/// EuRepoC writes a date known only to the month or year as its first day (`2017-01-01`,
/// `2017-06-01`): read those as `2017` and `2017-06`, keeping the raw value in the origin.
fn eurepoc_date(value: &str) -> Option<PartialDate> {
    let v = value.trim().get(..10)?;
    let d = if v.ends_with("-01-01") {
        &v[..4]
    } else if v.ends_with("-01") {
        &v[..7]
    } else {
        v
    };
    PartialDate::parse(d).ok()
}

fn url_ok(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2048 && !u.contains(char::is_whitespace)
}

fn short(s: &str, max: usize) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(max).collect()
}

/// One EuRepoC receiver category/sub-code as a target's sector and stakeholder kind.
fn receiver_target(category: &str, subcode: &str) -> (Option<&'static str>, Option<&'static str>) {
    let sector = match subcode {
        "Telecommunications" => Some("ci.telecom"),
        "Energy" => Some("ci.energy"),
        "Defence industry" => Some("ci.defence-industry"),
        "Finance" => Some("ci.finance"),
        "Transportation" => Some("ci.transport"),
        "Health" => Some("ci.health"),
        "Chemicals" => Some("ci.chemical"),
        "Water" => Some("ci.water"),
        "Food" => Some("ci.food"),
        "Space" => Some("ci.space"),
        "Critical Manufacturing" => Some("ci.manufacturing"),
        "Government / ministries" | "Civil service / administration" | "Legislative" | "Judiciary" => {
            Some("ci.government")
        }
        "Police" => Some("ci.emergency-services"),
        "Election infrastructure / related systems" => Some("elec"),
        "" if category == "Critical infrastructure" => Some("ci"),
        _ => None,
    };
    let kind = if subcode == "Political parties" {
        Some("civil-society")
    } else if category.starts_with("State institutions") {
        Some("state")
    } else if category.starts_with("Corporate") || category == "Media" {
        Some("private-sector")
    } else if category == "Science" {
        Some("academia")
    } else if category == "Social groups" {
        Some("civil-society")
    } else if category.starts_with("End user") {
        Some("individual")
    } else if category.starts_with("International") {
        Some("intergovernmental")
    } else {
        None
    };
    (sector, kind)
}

fn eurepoc_operations(
    incident_type: &str,
    mitre_impact: &str,
    mitre_access: &str,
    state_initiator: bool,
) -> Vec<String> {
    let mut ops: Vec<&str> = Vec::new();
    for t in incident_type.split(';').map(str::trim) {
        match t {
            "Data theft" => {
                ops.push("data-theft");
                if state_initiator {
                    ops.push("espionage");
                }
            }
            "Data theft & Doxing" => ops.extend(["data-theft", "hack-and-leak"]),
            "Hijacking with Misuse" | "Hijacking without Misuse" => ops.push("system-hijacking"),
            "Ransomware" => ops.push("ransomware"),
            _ => {}
        }
    }
    for t in mitre_impact.split(';').map(str::trim) {
        match t {
            "Network Denial of Service" | "Endpoint Denial of Service" => ops.push("denial-of-service"),
            "Defacement" => ops.push("defacement"),
            "Data Destruction" | "Disk Wipe" => ops.push("data-destruction"),
            "Data Manipulation" => ops.push("data-manipulation"),
            "Data Encrypted for Impact" => ops.push("ransomware"),
            "Resource Hijacking" => ops.push("system-hijacking"),
            "Data Exfiltration" => ops.push("data-theft"),
            _ => {}
        }
    }
    if mitre_access.contains("Supply Chain Compromise") {
        ops.push("supply-chain-compromise");
    }
    let mut out: Vec<String> = Vec::new();
    for o in ops {
        if !out.iter().any(|x| x == o) {
            out.push(o.to_owned());
        }
    }
    out
}

/// What an EuRepoC import holds before it is stored.
#[derive(Debug, Default)]
pub struct EurepocImport {
    pub incidents: Vec<IncidentInput>,
    /// Claims with the EuRepoC incident id they are about (our id is known once stored).
    pub claims: Vec<(String, AttributionInput)>,
    /// Placeholder rows with no attribution at all (skipped).
    pub empty_attribution_rows: usize,
    /// Incidents whose end date precedes their start: the end is left out (kept in the origin).
    pub end_before_start: usize,
}

/// One CSV input and how errors name it.
#[derive(Debug)]
pub struct CsvInput<'a, R> {
    pub name: &'a str,
    pub reader: R,
}

/// Reads the three EuRepoC v1.1 CSV files in the folder `dir`.
pub fn read_eurepoc(dir: &Path) -> Result<EurepocImport> {
    let global_path = dir.join("EuRepoC_Global_Database_1.1.csv");
    let attribution_path = dir.join("EuRepoC_Attribution_dataset_1.1.csv");
    let receiver_path = dir.join("EuRepoC_Receiver_dataset_1.1.csv");
    for p in [&global_path, &attribution_path, &receiver_path] {
        if !p.is_file() {
            bail!("{} is missing: give the folder holding the three EuRepoC v1.1 CSV files", p.display());
        }
    }
    // Opened and read one after the other, so the first bad file is the one reported.
    let file = |p: &Path| read_csv(open(p)?, &p.display().to_string());
    let global = file(&global_path)?;
    let receiver = file(&receiver_path)?;
    let attribution = file(&attribution_path)?;
    eurepoc_from(global, receiver, attribution)
}

/// The EuRepoC global, receiver and attribution CSVs, read from anywhere.
pub fn parse_eurepoc(
    global: CsvInput<'_, impl Read>,
    receiver: CsvInput<'_, impl Read>,
    attribution: CsvInput<'_, impl Read>,
) -> Result<EurepocImport> {
    let global = read_csv(global.reader, global.name)?;
    let receiver = read_csv(receiver.reader, receiver.name)?;
    let attribution = read_csv(attribution.reader, attribution.name)?;
    eurepoc_from(global, receiver, attribution)
}

fn eurepoc_from(global: Table, receiver: Table, attribution: Table) -> Result<EurepocImport> {
    let Table { name: global_path, headers: gh, rows: grows } = global;
    let Table { name: receiver_path, headers: rh, rows: rrows } = receiver;
    let Table { name: attribution_path, headers: ah, rows: arows } = attribution;
    let g = |name: &str| column(&gh, name, &global_path);
    let (id_c, name_c, desc_c, start_c, end_c) =
        (g("ID")?, g("name")?, g("description")?, g("start_date")?, g("end_date")?);
    let (type_c, impact_c, access_c) = (g("incident_type")?, g("MITRE_impact")?, g("MITRE_initial_access")?);
    let (ic_c, icat_c, src_c) = (g("initiator_country")?, g("initiator_category")?, g("sources_url")?);
    let (func_c, econ_v_c, econ_cur_c) =
        (g("functional_impact")?, g("economic_impact_exact_value")?, g("economic_impact_currency")?);
    let (phys_s_c, phys_t_c) = (g("physical_effects_spatial")?, g("physical_effects_temporal")?);

    // Receivers: one row per incident × country × category (23 exact duplicates dropped).
    let r = |name: &str| column(&rh, name, &receiver_path);
    let (r_id, r_country, r_name, r_cat, r_sub) = (
        r("ID")?,
        r("receiver_country")?,
        r("receiver_name")?,
        r("receiver_category")?,
        r("receiver_category_subcode")?,
    );
    let mut targets: HashMap<String, Vec<Target>> = HashMap::new();
    for row in &rrows {
        let country = code_for_name(&row[r_country]).map(str::to_owned);
        let (sector, kind) = receiver_target(&row[r_cat], &row[r_sub]);
        let name = if !missing(&row[r_name]) {
            short(&row[r_name], 300)
        } else if !row[r_sub].is_empty() {
            short(&row[r_sub], 300)
        } else if !missing(&row[r_cat]) {
            short(&row[r_cat], 300)
        } else {
            "unnamed receiver".to_owned()
        };
        let target = Target {
            name,
            country,
            sector: sector.map(str::to_owned),
            asset_classes: vec![],
            kind: kind.map(str::to_owned),
        };
        let list = targets.entry(row[r_id].clone()).or_default();
        if !list.contains(&target) {
            list.push(target);
        }
    }

    let mut out = EurepocImport::default();
    for row in &grows {
        let id = row[id_c].clone();
        let mut fields = BTreeMap::new();
        for (h, v) in gh.iter().zip(row) {
            if !v.is_empty() {
                fields.insert(h.clone(), v.clone());
            }
        }
        let started = eurepoc_date(&row[start_c]);
        let mut ended = eurepoc_date(&row[end_c]);
        if let (Some(s), Some(e)) = (&started, &ended)
            && e.as_str() < s.as_str()
            && !s.as_str().starts_with(e.as_str())
        {
            out.end_before_start += 1;
            ended = None;
        }
        let countries = list_literal(&row[ic_c]);
        let categories = list_literal(&row[icat_c]);
        let mut actors = Vec::new();
        for (i, cat) in categories.iter().enumerate() {
            // The two lists line up in most rows only: a country is used when the lengths agree.
            let country = if countries.len() == categories.len() {
                code_for_name(&countries[i]).map(str::to_owned)
            } else {
                None
            };
            let actor = match (cat.as_str(), country) {
                ("State", Some(c)) => IncidentActor { kind: ActorKind::State, name: None, country: Some(c) },
                (c, country) if c.starts_with("Non-state") || c.starts_with("Individual") => {
                    IncidentActor { kind: ActorKind::NonState, name: None, country }
                }
                _ => continue,
            };
            if !actors.contains(&actor) {
                actors.push(actor);
            }
        }
        let state_initiator = categories.iter().any(|c| c == "State" || c.contains("state-affiliation"));
        let sources: Vec<SourceLink> = list_literal(&row[src_c])
            .into_iter()
            .filter(|u| url_ok(u))
            .take(200)
            .map(|url| SourceLink { url, title: None })
            .collect();
        let targets = targets.remove(&id).unwrap_or_default();
        let mut affected: Vec<String> = targets.iter().filter_map(|t| t.country.clone()).collect();
        affected.sort();
        affected.dedup();
        let functional_duration = match row[func_c].as_str() {
            "No system interference/disruption" => Some(FunctionalDuration::None),
            "Day (< 24h)" => Some(FunctionalDuration::Hours),
            "Days (< 7 days)" => Some(FunctionalDuration::Days),
            "Weeks (< 4 weeks)" => Some(FunctionalDuration::Weeks),
            "Months" => Some(FunctionalDuration::Months),
            _ => None,
        };
        let physical = |v: &str| if missing(v) || v == "NA" { None } else { Some(!v.starts_with("none")) };
        let physical_effects = match (physical(&row[phys_s_c]), physical(&row[phys_t_c])) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(false) || b.unwrap_or(false)),
        };
        let economic_loss = row[econ_v_c].parse::<f64>().ok().filter(|v| *v > 0.0 && *v < 9.0e15).and_then(|v| {
            let currency = match row[econ_cur_c].as_str() {
                "euro" => "EUR",
                "dollar" => "USD",
                _ => return None,
            };
            Some(normwatch_core::incident::EconomicLoss { amount: v.round() as u64, currency: currency.to_owned() })
        });
        let title = short(&row[name_c], 300);
        out.incidents.push(IncidentInput {
            title: Localized::new("", if title.is_empty() { format!("EuRepoC incident {id}") } else { title }),
            description: Localized::new("", row[desc_c].chars().take(8000).collect::<String>()),
            started,
            ended,
            discovered: None,
            operation_types: eurepoc_operations(&row[type_c], &row[impact_c], &row[access_c], state_initiator),
            actors,
            targets: targets.into_iter().take(200).collect(),
            sources,
            impact: Impact {
                functional_duration,
                countries_affected: affected,
                physical_effects,
                economic_loss,
                ..Impact::default()
            },
            tlp: Tlp::Clear,
            status: RecordStatus::Published,
            stakeholder: None,
            community: None,
            origin: Some(Origin { dataset: "eurepoc".into(), id, url: Some(EUREPOC_URL.into()), fields }),
        });
    }

    let a = |name: &str| column(&ah, name, &attribution_path);
    let (a_inc, a_id, a_date, a_type, a_basis) = (
        a("incident_ID")?,
        a("attribution_ID")?,
        a("attribution_date")?,
        a("attribution_type")?,
        a("attribution_basis")?,
    );
    let (a_actor, a_company, a_country) =
        (a("attributing_actor")?, a("attribution_it_company")?, a("attributing_country")?);
    let (a_init, a_init_country, a_init_cat) =
        (a("attributed_initiator")?, a("attributed_initiator_country")?, a("attributed_initiator_category")?);
    let mut ordinal: HashMap<String, usize> = HashMap::new();
    for row in &arows {
        let attribution_id = row[a_id].trim_end_matches(".0").to_owned();
        if attribution_id.is_empty() {
            out.empty_attribution_rows += 1;
            continue;
        }
        let n = ordinal.entry(attribution_id.clone()).or_insert(0);
        *n += 1;
        let basis = row[a_basis].as_str();
        let kind = match basis {
            "Attacker confirms" => SpeakerKind::SelfClaimed,
            "IT-security community attributes attacker" => SpeakerKind::SecurityCompany,
            "Attribution by receiver government / state entity" => SpeakerKind::Government,
            "Media-based attribution" => SpeakerKind::Media,
            "Attribution by EU institution/agency" | "Attribution by international organization" => {
                SpeakerKind::Intergovernmental
            }
            "Receiver attributes attacker" => SpeakerKind::Victim,
            _ => SpeakerKind::Other,
        };
        let name = [&row[a_actor], &row[a_company], &row[a_country]]
            .into_iter()
            .map(|v| short(v, 300))
            .find(|v| !missing(v))
            .unwrap_or_else(|| if missing(basis) { "unnamed attributor".to_owned() } else { short(basis, 300) });
        let category = match row[a_init_cat].as_str() {
            "State" => Some(ActorCategory::State),
            "Non-state actor, state-affiliation suggested" => Some(ActorCategory::StateAffiliated),
            "Non-state-group" => Some(ActorCategory::NonStateGroup),
            "Individual hacker(s)" => Some(ActorCategory::Individual),
            _ => Some(ActorCategory::Unknown),
        };
        let country = code_for_name(&row[a_init_country]).map(str::to_owned);
        let state = match category {
            Some(ActorCategory::State | ActorCategory::StateAffiliated) => country,
            _ => None,
        };
        let group = Some(short(&row[a_init], 300)).filter(|g| !missing(g));
        let relation = match (category, &state, &group) {
            (Some(ActorCategory::State), Some(_), Some(_)) => Some(GroupRelation::Organ),
            (Some(ActorCategory::StateAffiliated), Some(_), Some(_)) => Some(GroupRelation::Unknown),
            _ => None,
        };
        let kind_of = match row[a_type].as_str() {
            t if t.starts_with("Technical report") => Some(AttributionType::Technical),
            t if t.starts_with("Political statement / report") => Some(AttributionType::Political),
            t if t.starts_with("Domestic legal action") || t.contains("indictment / sanctions") => {
                Some(AttributionType::Legal)
            }
            _ => None,
        };
        let basis_text =
            [basis, row[a_type].as_str()].iter().filter(|v| !missing(v)).copied().collect::<Vec<_>>().join("; ");
        out.claims.push((
            row[a_inc].clone(),
            AttributionInput {
                incident: String::new(),
                attributor: Speaker {
                    stakeholder: None,
                    name,
                    kind,
                    country: code_for_name(&row[a_country]).map(str::to_owned),
                },
                attributed_to: AttributedActor { category, state, group, relation },
                kind: kind_of,
                basis: Localized::new("", basis_text.chars().take(8000).collect::<String>()),
                confidence: None,
                attributed_on: eurepoc_date(&row[a_date]),
                statement_url: None,
                evidence: vec![],
                tlp: Tlp::Clear,
                status: RecordStatus::Published,
                community: None,
                origin: Some(format!("eurepoc:{attribution_id}:{n}")),
            },
        ));
    }
    Ok(out)
}

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
    let tokens: Vec<&str> = value.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
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

/// The CFR tracker has no ids: a record is keyed by its title, date and affiliations (unique
/// across the 768 rows, where title and date alone are not).
pub fn cfr_key(title: &str, date: &str, affiliations: &str) -> String {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let digest = Sha256::digest(format!("{}\u{1f}{}\u{1f}{}", norm(title), date.trim(), norm(affiliations)));
    format!("cfr-{}", &hex::encode(digest)[..16])
}

/// Reads the CFR tracker's CSV export.
pub fn read_cfr(path: &Path) -> Result<Vec<IncidentInput>> {
    parse_cfr(CsvInput { name: &path.display().to_string(), reader: open(path)? })
}

/// The CFR tracker's CSV, read from anywhere.
pub fn parse_cfr(input: CsvInput<'_, impl Read>) -> Result<Vec<IncidentInput>> {
    let Table { name: path, headers: h, rows } = read_csv(input.reader, input.name)?;
    let c = |name: &str| column(&h, name, &path);
    let (title_c, date_c, aff_c, desc_c, victims_c) =
        (c("Title")?, c("Date")?, c("Affiliations")?, c("Description")?, c("Victims")?);
    let (sponsor_c, type_c, cat_c) = (c("Sponsor")?, c("Type")?, c("Category")?);
    let sources_c = [c("Sources_1")?, c("Sources_2")?, c("Sources_3")?];
    let mut out = Vec::new();
    for row in &rows {
        let mut fields = BTreeMap::new();
        for (name, v) in h.iter().zip(row) {
            if !v.is_empty() {
                fields.insert(name.clone(), v.clone());
            }
        }
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
        let actors: Vec<IncidentActor> = cfr_sponsors(&row[sponsor_c])
            .into_iter()
            .map(|c| IncidentActor { kind: ActorKind::State, name: None, country: Some(c) })
            .collect();
        let kind = row[cat_c].split(',').map(str::trim).find_map(|k| match k {
            "Government" | "Military" => Some("state"),
            "Private sector" => Some("private-sector"),
            "Civil society" => Some("civil-society"),
            _ => None,
        });
        let targets = if missing(&row[victims_c]) {
            vec![]
        } else {
            vec![Target {
                name: short(&row[victims_c], 300),
                country: None,
                sector: None,
                asset_classes: vec![],
                kind: kind.map(str::to_owned),
            }]
        };
        let sources = sources_c
            .iter()
            .map(|i| row[*i].clone())
            .filter(|u| url_ok(u))
            .map(|url| SourceLink { url, title: None })
            .collect();
        let title = short(&row[title_c], 300);
        out.push(IncidentInput {
            title: Localized::new("", if title.is_empty() { "untitled CFR record".to_owned() } else { title }),
            description: Localized::new("", row[desc_c].chars().take(8000).collect::<String>()),
            started: cfr_date(&row[date_c]),
            ended: None,
            discovered: None,
            operation_types: op.map(|o| vec![o.to_owned()]).unwrap_or_default(),
            actors,
            targets,
            sources,
            impact: Impact::default(),
            tlp: Tlp::Clear,
            status: RecordStatus::Published,
            stakeholder: None,
            community: None,
            origin: Some(Origin {
                dataset: "cfr".into(),
                id: cfr_key(&row[title_c], &row[date_c], &row[aff_c]),
                url: Some(CFR_URL.into()),
                fields,
            }),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_lists_and_partial_dates() {
        assert_eq!(list_literal("[['a', \"b's\"], ['c']]"), ["a", "b's", "c"]);
        assert_eq!(list_literal("[]"), Vec::<String>::new());
        assert_eq!(eurepoc_date("2017-01-01").map(|d| d.as_str().to_owned()).as_deref(), Some("2017"));
        assert_eq!(eurepoc_date("2017-06-01").map(|d| d.as_str().to_owned()).as_deref(), Some("2017-06"));
        assert_eq!(eurepoc_date("2017-06-27 00:00:00").map(|d| d.as_str().to_owned()).as_deref(), Some("2017-06-27"));
        assert_eq!(cfr_date("9/28/2021").map(|d| d.as_str().to_owned()).as_deref(), Some("2021-09-28"));
        assert_eq!(cfr_sponsors("Palestine, State of, Israel"), ["PS", "IL"]);
        assert_eq!(cfr_sponsors("Iran (Islamic Republic of)"), ["IR"]);
    }

    const CFR_HEADER: &str =
        "Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,Sources_1,Sources_2,Sources_3\n";

    #[test]
    fn csv_read_from_bytes_is_named_in_errors() {
        fn input(text: &str) -> CsvInput<'_, &[u8]> {
            CsvInput { name: "upload.csv", reader: text.as_bytes() }
        }
        let row =
            "Ministry breach,9/28/2021,Group X,d,,A ministry,Israel,Espionage,Government,https://example.org/a,,\n";
        let rows = parse_cfr(input(&format!("{CFR_HEADER}{row}"))).expect("reads");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].started.as_ref().map(PartialDate::as_str), Some("2021-09-28"));
        assert_eq!(rows[0].operation_types, ["espionage"]);

        let e = parse_cfr(input("Title,Date\nx,1/1/2020\n")).expect_err("columns missing");
        assert!(e.to_string().starts_with("upload.csv has no column `Affiliations`"), "{e}");
        let e = parse_cfr(input(&format!("{CFR_HEADER}too,few\n"))).expect_err("short row");
        assert_eq!(e.to_string(), "upload.csv: record 1 is not valid CSV");
        let e = parse_eurepoc(input("ID\n1\n"), input("ID\n"), input("incident_ID\n")).expect_err("columns missing");
        assert!(e.to_string().starts_with("upload.csv has no column `name`"), "{e}");
    }
}
