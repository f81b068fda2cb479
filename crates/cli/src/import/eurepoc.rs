//! EuRepoC v1.1: the global database (incidents, political and legal responses), the receiver
//! dataset (targets) and the attribution dataset (claims).
mod responses;

use super::kinds::{kind_of_name, same_actor};
use super::staging::{File, Stage};
use super::{Chunks, CsvInput, EUREPOC_URL, Import, Table, column, list_literal, missing, open, short, url_ok};
use anyhow::{Result, bail};
use normwatch_core::country_names::code_for_name;
use normwatch_core::incident::{
    ActorKind, FunctionalDuration, Impact, IncidentActor, IncidentInput, Origin, PartialDate, SourceLink, Target,
};
use normwatch_core::violation::{
    ActorCategory, AttributedActor, AttributionInput, AttributionType, GroupRelation, Speaker, SpeakerKind,
};
use normwatch_core::{Localized, RecordStatus, Tlp};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether `text` names the first day of month `month` (1–12): "1 May", "1st of May", "May 1".
fn names_first_of(text: &str, month: usize) -> bool {
    let Some(name) = month.checked_sub(1).and_then(|m| MONTHS.get(m)) else { return false };
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let first = |w: &str| matches!(w, "1" | "1st" | "first");
    words.iter().enumerate().filter(|(_, w)| w.as_str() == *name).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| words[j].as_str());
        let before_of = i.checked_sub(2).map(|j| words[j].as_str());
        let after = words.get(i + 1).map(String::as_str);
        before.is_some_and(first)
            || (before == Some("of") && before_of.is_some_and(first))
            || after.is_some_and(|w| matches!(w, "1" | "1st"))
    })
}

/// A EuRepoC date with the precision it has. EuRepoC writes a date known only to the month or
/// year as its first day (`2017-06-01`, `2017-01-01`), so such a value is read as the month or
/// the year — unless `day_shown` says the row shows that day (docs/importers.md gives the rule).
pub(super) fn eurepoc_date(value: &str, day_shown: bool) -> Option<PartialDate> {
    let v = value.trim().get(..10)?;
    let d = if day_shown {
        v
    } else if v.ends_with("-01-01") {
        &v[..4]
    } else if v.ends_with("-01") {
        &v[..7]
    } else {
        v
    };
    PartialDate::parse(d).ok()
}

fn month_of(v: &str) -> Option<(i32, usize)> {
    Some((v.get(..4)?.parse().ok()?, v.get(5..7)?.parse().ok()?))
}

/// Whether a first-of-month value in an incident row is a real day: the row's name or
/// description names that day, or it is an end date in the month after a start known to the
/// day (a short operation whose start and end come from the same reports: Estonia 2007 ran
/// from 27 April to 1 May).
fn first_of_month_is_day(value: &str, text: &str, start: Option<&str>) -> bool {
    let v = value.trim();
    let Some((year, month)) = month_of(v) else { return false };
    if v.get(8..10) != Some("01") {
        return false;
    }
    if names_first_of(text, month) {
        return true;
    }
    let Some(start) = start.map(str::trim).filter(|s| s.len() >= 10 && s.get(8..10) != Some("01")) else {
        return false;
    };
    let Some((sy, sm)) = month_of(start) else { return false };
    (sy, sm + 1) == (year, month) || (sm == 12 && (sy + 1, 1) == (year, month))
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

/// EuRepoC's incident types and MITRE ATT&CK impact techniques as our operation types.
/// "Hijacking" in EuRepoC is taking control of systems (an intrusion), not enlisting them in a
/// botnet: only MITRE's "Resource Hijacking" is `system-hijacking`.
fn eurepoc_operations(
    incident_type: &str,
    mitre_impact: &str,
    mitre_access: &str,
    state_initiator: bool,
    physical_effects: bool,
) -> Vec<String> {
    let mut ops: Vec<&str> = Vec::new();
    for t in incident_type.split(';').map(str::trim) {
        match t {
            "Disruption" => {
                ops.push("disruption");
                if physical_effects {
                    ops.push("sabotage");
                }
            }
            "Data theft" => {
                ops.push("data-theft");
                if state_initiator {
                    ops.push("espionage");
                }
            }
            "Data theft & Doxing" => ops.extend(["data-theft", "hack-and-leak"]),
            "Hijacking with Misuse" | "Hijacking without Misuse" => ops.push("system-compromise"),
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
            "Firmware Corruption" => ops.push("sabotage"),
            "Service Stop" | "System Shutdown/Reboot" | "Account Access Removal" | "Inhibit System Recovery" => {
                ops.push("disruption")
            }
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

/// Who made an attribution, by the actor named (attributing actor, IT company, country). Only
/// when the row names nobody whose kind shows does the basis, which says which community
/// spoke ("IT-security community attributes attacker"), give the kind.
fn attributor_kind(actor: &str, company: &str, country: &str, basis: &str, attributed: &str) -> SpeakerKind {
    if !missing(actor) {
        if same_actor(actor, attributed) {
            return SpeakerKind::SelfClaimed;
        }
        if let Some(k) = kind_of_name(actor) {
            return k;
        }
    }
    if !missing(company) {
        return kind_of_name(company).unwrap_or(SpeakerKind::SecurityCompany);
    }
    match basis {
        "Attacker confirms" => SpeakerKind::SelfClaimed,
        "IT-security community attributes attacker" => SpeakerKind::SecurityCompany,
        "Attribution by receiver government / state entity" => SpeakerKind::Government,
        "Media-based attribution" => SpeakerKind::Media,
        "Attribution by EU institution/agency" | "Attribution by international organization" => {
            SpeakerKind::Intergovernmental
        }
        "Receiver attributes attacker" => SpeakerKind::Victim,
        // A state named alone (no agency, no company) is its government speaking.
        _ if code_for_name(country).is_some() => SpeakerKind::Government,
        _ => SpeakerKind::Other,
    }
}

/// Reads the three EuRepoC v1.1 CSV files in the folder `dir`.
/// EuRepoC v1.1 staged (`staging.rs`): its three files, read a chunk of incidents at a time,
/// each with its targets, claims and responses.
#[derive(Debug)]
pub struct Eurepoc {
    stage: Stage,
    global: File,
    receiver: File,
    attribution: File,
    incidents: u64,
    /// Placeholder rows (no attribution) of incidents the global file does not hold.
    loose_placeholders: usize,
}

/// Incidents per chunk: what an import holds at once.
pub const EUREPOC_CHUNK: usize = 500;

/// Stages the three EuRepoC v1.1 CSV files of `dir`.
pub fn stage_eurepoc(dir: &Path) -> Result<Eurepoc> {
    let global_path = dir.join("EuRepoC_Global_Database_1.1.csv");
    let attribution_path = dir.join("EuRepoC_Attribution_dataset_1.1.csv");
    let receiver_path = dir.join("EuRepoC_Receiver_dataset_1.1.csv");
    for p in [&global_path, &attribution_path, &receiver_path] {
        if !p.is_file() {
            bail!("{} is missing: give the folder holding the three EuRepoC v1.1 CSV files", p.display());
        }
    }
    let [g, r, a] = [&global_path, &receiver_path, &attribution_path].map(|p| p.display().to_string());
    stage_from(
        CsvInput { name: &g, reader: open(&global_path)? },
        CsvInput { name: &r, reader: open(&receiver_path)? },
        CsvInput { name: &a, reader: open(&attribution_path)? },
    )
}

/// Stages the EuRepoC global, receiver and attribution CSVs, read from anywhere.
pub fn stage_from(
    global: CsvInput<'_, impl Read>,
    receiver: CsvInput<'_, impl Read>,
    attribution: CsvInput<'_, impl Read>,
) -> Result<Eurepoc> {
    let mut stage = Stage::new()?;
    let global = stage.load(global.reader, global.name, "ID")?;
    let receiver = stage.load(receiver.reader, receiver.name, "ID")?;
    let attribution = stage.load(attribution.reader, attribution.name, "incident_ID")?;
    // A claim about an incident the global file does not hold cannot be stored.
    let a_id = column(stage.headers(attribution), "attribution_ID", stage.name(attribution))?;
    let a_inc = column(stage.headers(attribution), "incident_ID", stage.name(attribution))?;
    let mut loose_placeholders = 0;
    for (n, row) in stage.unmatched(attribution, global)? {
        if row[a_id].trim_end_matches(".0").is_empty() {
            loose_placeholders += 1;
        } else {
            bail!("attribution row {n}: no incident {} in the global file; nothing was imported", row[a_inc]);
        }
    }
    let incidents = stage.len(global)?;
    Ok(Eurepoc { stage, global, receiver, attribution, incidents, loose_placeholders })
}

/// The EuRepoC CSV files of `dir`, read whole (for the classifier's training).
pub fn read_eurepoc(dir: &Path) -> Result<Import> {
    stage_eurepoc(dir)?.whole()
}

/// The EuRepoC global, receiver and attribution CSVs, read from anywhere, whole.
pub fn parse_eurepoc(
    global: CsvInput<'_, impl Read>,
    receiver: CsvInput<'_, impl Read>,
    attribution: CsvInput<'_, impl Read>,
) -> Result<Import> {
    stage_from(global, receiver, attribution)?.whole()
}

impl Eurepoc {
    /// The chunk of up to `size` incidents after global row `after`, and where it ends.
    fn chunk_after(&self, after: i64, size: usize) -> Result<Option<(Import, i64)>> {
        let Some(rows) = self.stage.rows_after(self.global, after, size)? else { return Ok(None) };
        let id_c = column(&rows.table.headers, "ID", &rows.table.name)?;
        let keys: Vec<&str> = rows.table.rows.iter().map(|r| r[id_c].as_str()).collect();
        let receiver = self.stage.rows_with_keys(self.receiver, &keys)?;
        let attribution = self.stage.rows_with_keys(self.attribution, &keys)?;
        Ok(Some((eurepoc_from(rows.table, receiver, attribution)?, rows.last)))
    }

    /// Everything in one [`Import`].
    pub fn whole(&self) -> Result<Import> {
        let mut all = Import::default();
        for chunk in self.chunks() {
            all.append(chunk?);
        }
        Ok(all)
    }
}

impl super::Chunks for Eurepoc {
    fn incidents(&self) -> u64 {
        self.incidents
    }

    fn chunks(&self) -> Box<dyn Iterator<Item = Result<Import>> + '_> {
        let mut after = Some(0);
        let mut first = true;
        Box::new(std::iter::from_fn(move || {
            let from = after?;
            match self.chunk_after(from, EUREPOC_CHUNK) {
                Ok(Some((mut chunk, last))) => {
                    after = Some(last);
                    if std::mem::take(&mut first) {
                        chunk.empty_attribution_rows += self.loose_placeholders;
                    }
                    Some(Ok(chunk))
                }
                Ok(None) => None,
                Err(e) => {
                    after = None;
                    Some(Err(e))
                }
            }
        }))
    }
}

fn receivers(table: &Table) -> Result<HashMap<String, Vec<Target>>> {
    let r = |name: &str| column(&table.headers, name, &table.name);
    let (r_id, r_country, r_name, r_cat, r_sub) = (
        r("ID")?,
        r("receiver_country")?,
        r("receiver_name")?,
        r("receiver_category")?,
        r("receiver_category_subcode")?,
    );
    // One row per incident × country × category (23 exact duplicates dropped).
    let mut targets: HashMap<String, Vec<Target>> = HashMap::new();
    for row in &table.rows {
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
    Ok(targets)
}

fn eurepoc_from(global: Table, receiver: Table, attribution: Table) -> Result<Import> {
    let mut targets = receivers(&receiver)?;
    let mut out = Import::default();
    incidents(&global, &mut targets, &mut out)?;
    claims(&attribution, &mut out)?;
    responses::responses(&global, &mut out)?;
    Ok(out)
}

fn incidents(global: &Table, targets: &mut HashMap<String, Vec<Target>>, out: &mut Import) -> Result<()> {
    let gh = &global.headers;
    let g = |name: &str| column(gh, name, &global.name);
    let (id_c, name_c, desc_c, start_c, end_c) =
        (g("ID")?, g("name")?, g("description")?, g("start_date")?, g("end_date")?);
    let (type_c, impact_c, access_c) = (g("incident_type")?, g("MITRE_impact")?, g("MITRE_initial_access")?);
    let (ic_c, icat_c, src_c) = (g("initiator_country")?, g("initiator_category")?, g("sources_url")?);
    let (func_c, econ_v_c, econ_cur_c) =
        (g("functional_impact")?, g("economic_impact_exact_value")?, g("economic_impact_currency")?);
    let (phys_s_c, phys_t_c) = (g("physical_effects_spatial")?, g("physical_effects_temporal")?);
    for row in &global.rows {
        let id = row[id_c].clone();
        let mut fields = BTreeMap::new();
        for (h, v) in gh.iter().zip(row) {
            if !v.is_empty() {
                fields.insert(h.clone(), v.clone());
            }
        }
        let text = format!("{} {}", row[name_c], row[desc_c]);
        let started = eurepoc_date(&row[start_c], first_of_month_is_day(&row[start_c], &text, None));
        let end_day = first_of_month_is_day(&row[end_c], &text, Some(&row[start_c]));
        let mut ended = eurepoc_date(&row[end_c], end_day);
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
        let operation_types = eurepoc_operations(
            &row[type_c],
            &row[impact_c],
            &row[access_c],
            state_initiator,
            physical_effects == Some(true),
        );
        out.incidents.push(IncidentInput {
            title: Localized::new("", if title.is_empty() { format!("EuRepoC incident {id}") } else { title }),
            description: Localized::new("", row[desc_c].chars().take(8000).collect::<String>()),
            started,
            ended,
            discovered: None,
            operation_types,
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
    Ok(())
}

fn claims(attribution: &Table, out: &mut Import) -> Result<()> {
    let a = |name: &str| column(&attribution.headers, name, &attribution.name);
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
    for row in &attribution.rows {
        let attribution_id = row[a_id].trim_end_matches(".0").to_owned();
        if attribution_id.is_empty() {
            out.empty_attribution_rows += 1;
            continue;
        }
        let n = ordinal.entry(attribution_id.clone()).or_insert(0);
        *n += 1;
        let basis = row[a_basis].as_str();
        let kind = attributor_kind(&row[a_actor], &row[a_company], &row[a_country], basis, &row[a_init]);
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
                attributed_on: eurepoc_date(&row[a_date], false),
                statement_url: None,
                evidence: vec![],
                tlp: Tlp::Clear,
                status: RecordStatus::Published,
                community: None,
                origin: Some(format!("eurepoc:{attribution_id}:{n}")),
                contested: basis == "Contested attribution",
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(v: &str, day: bool) -> Option<String> {
        eurepoc_date(v, day).map(|d| d.as_str().to_owned())
    }

    #[test]
    fn dates_keep_the_precision_the_row_shows() {
        assert_eq!(date("2017-01-01", false).as_deref(), Some("2017"));
        assert_eq!(date("2017-06-01", false).as_deref(), Some("2017-06"));
        assert_eq!(date("2017-06-27 00:00:00", false).as_deref(), Some("2017-06-27"));
        assert_eq!(date("2007-05-01", true).as_deref(), Some("2007-05-01"));
        // Estonia 2007: an end on 1 May after a start known to the day, 27 April.
        assert!(first_of_month_is_day("2007-05-01", "Estonia 2007", Some("2007-04-27")));
        assert!(first_of_month_is_day("2015-01-01", "x", Some("2014-12-20")));
        // A start known only to the month says nothing about the end's day.
        assert!(!first_of_month_is_day("2007-05-01", "Estonia 2007", Some("2007-04-01")));
        assert!(!first_of_month_is_day("2007-06-01", "Estonia 2007", Some("2007-04-27")));
        // The description names the day.
        assert!(first_of_month_is_day("2022-12-01", "Since 1 December, the systems were down", None));
        assert!(first_of_month_is_day("2022-03-01", "on March 1st, hackers", None));
        assert!(first_of_month_is_day("2023-01-01", "on the first of January", None));
        assert!(!first_of_month_is_day("2022-03-01", "on March 12, hackers", None));
        assert!(!first_of_month_is_day("2022-03-01", "1 April", None));
        assert!(!first_of_month_is_day("2022-03-15", "1 March", None));
    }

    #[test]
    fn every_incident_type_is_mapped() {
        let ops = |t: &str, m: &str| eurepoc_operations(t, m, "", true, false);
        assert_eq!(ops("Disruption", ""), ["disruption"]);
        assert_eq!(ops("Disruption", "Network Denial of Service"), ["disruption", "denial-of-service"]);
        assert_eq!(eurepoc_operations("Disruption", "", "", false, true), ["disruption", "sabotage"]);
        assert_eq!(ops("Hijacking with Misuse", ""), ["system-compromise"]);
        assert_eq!(ops("Hijacking without Misuse", "Resource Hijacking"), ["system-compromise", "system-hijacking"]);
        assert_eq!(ops("Data theft", ""), ["data-theft", "espionage"]);
        assert_eq!(eurepoc_operations("Data theft", "", "", false, false), ["data-theft"]);
        assert_eq!(ops("Data theft & Doxing", ""), ["data-theft", "hack-and-leak"]);
        assert_eq!(ops("Ransomware", ""), ["ransomware"]);
    }

    #[test]
    fn the_attributor_kind_comes_from_the_actor() {
        let basis = "Attribution by third-party";
        assert_eq!(
            attributor_kind("Government of Canada", "Not available", "Canada", basis, ""),
            SpeakerKind::Government
        );
        // An official quoted under "Attacker confirms" is still the government speaking.
        assert_eq!(
            attributor_kind("Merrick Garland (Attorney General, United States)", "", "", "Attacker confirms", "Conti"),
            SpeakerKind::Government
        );
        assert_eq!(
            attributor_kind("Killnet", "Not available", "Russia", "Attacker confirms", "Killnet"),
            SpeakerKind::SelfClaimed
        );
        assert_eq!(attributor_kind("", "Not available", "", "Attacker confirms", ""), SpeakerKind::SelfClaimed);
        assert_eq!(
            attributor_kind("AdvIntel", "", "", "IT-security community attributes attacker", ""),
            SpeakerKind::SecurityCompany
        );
        assert_eq!(attributor_kind("", "", "", "Contested attribution", ""), SpeakerKind::Other);
        assert_eq!(attributor_kind("", "", "Canada", basis, ""), SpeakerKind::Government);
        assert_eq!(
            attributor_kind("Council of the European Union", "", "EU (region)", basis, ""),
            SpeakerKind::Intergovernmental
        );
    }
}
