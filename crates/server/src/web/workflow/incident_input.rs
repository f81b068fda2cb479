//! An incident and its filing form, both ways: the form read into the API's input, and an
//! incident written back into the fields its edit form starts from.
use super::forms::{Fields, MAX_TARGET_ROWS, TARGET_ROWS, intent, localized, typed, upper, whole_number};
use crate::auth::Caller;
use normwatch_core::incident::IncidentInput;
use serde_json::{Value, json};

/// The incident a filing form describes, in the API's own shape.
pub(super) fn incident_from(fields: &Fields, stakeholder: Option<&str>) -> Result<IncidentInput, String> {
    let mut actors = vec![];
    if let Some(kind) = fields.opt("actor_kind") {
        actors.push(json!({ "kind": kind, "name": fields.opt("actor_name"), "country": fields.opt("actor_country").map(upper) }));
    }
    let mut targets = vec![];
    // As many target rows as were posted (a draft being edited may have more than the blank form).
    let rows =
        (1..=MAX_TARGET_ROWS).take_while(|i| fields.0.iter().any(|(k, _)| k == &format!("target_name_{i}"))).count();
    for i in 1..=rows.max(TARGET_ROWS) {
        let name = fields.opt(&format!("target_name_{i}"));
        let country = fields.opt(&format!("target_country_{i}")).map(upper);
        let sector = fields.opt(&format!("target_sector_{i}"));
        let assets = fields.all(&format!("target_assets_{i}"));
        match name {
            Some(name) => {
                targets.push(json!({ "name": name, "country": country, "sector": sector, "asset_classes": assets }))
            }
            None if country.is_some() || sector.is_some() || !assets.is_empty() => {
                return Err(format!("targets[{}].name: give the target's name", targets.len()));
            }
            None => {}
        }
    }
    let loss = whole_number(fields, "loss_amount", "impact.economic_loss.amount")?
        .map(|amount| json!({ "amount": amount, "currency": fields.one("loss_currency").to_uppercase() }));
    let harm = (fields.opt("harm_ja").is_some() || fields.opt("harm_en").is_some()).then(|| localized(fields, "harm"));
    let countries: Vec<String> = fields
        .one("countries_affected")
        .split([',', ' ', '、'])
        .filter(|c| !c.is_empty())
        .map(|c| c.to_uppercase())
        .collect();
    let impact = json!({
        "confidentiality": fields.opt("confidentiality"),
        "integrity": fields.opt("integrity"),
        "availability": fields.opt("availability"),
        "functional_duration": fields.opt("functional_duration"),
        "countries_affected": countries,
        "victims_affected": whole_number(fields, "victims_affected", "impact.victims_affected")?,
        "physical_effects": fields.has("physical_effects", "yes").then_some(true),
        "economic_loss": loss,
        "harm_to_people": harm,
    });
    let sources: Vec<Value> =
        fields.one("sources").lines().map(str::trim).filter(|l| !l.is_empty()).map(|u| json!({ "url": u })).collect();
    typed(json!({
        "title": localized(fields, "title"),
        "description": localized(fields, "description"),
        "started": fields.opt("started"),
        "ended": fields.opt("ended"),
        "discovered": fields.opt("discovered"),
        "operation_types": fields.all("operation"),
        "actors": actors,
        "targets": targets,
        "sources": sources,
        "impact": impact,
        "tlp": fields.opt("tlp").unwrap_or_else(|| "clear".into()),
        "status": intent(fields),
        "stakeholder": stakeholder,
        "community": fields.opt("community"),
    }))
}

pub(super) fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The form's fields for an incident: what the filing form would have sent for it.
pub(super) fn fields_of(i: &IncidentInput) -> Fields {
    let mut f: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
    put("title_ja", i.title.ja.clone());
    put("title_en", i.title.en.clone());
    put("description_ja", i.description.ja.clone());
    put("description_en", i.description.en.clone());
    for (k, d) in [("started", &i.started), ("ended", &i.ended), ("discovered", &i.discovered)] {
        put(k, d.as_ref().map(|d| d.as_str().to_owned()).unwrap_or_default());
    }
    for o in &i.operation_types {
        put("operation", o.clone());
    }
    if let Some(a) = i.actors.first() {
        put("actor_kind", text_of(&a.kind));
        put("actor_name", a.name.clone().unwrap_or_default());
        put("actor_country", a.country.clone().unwrap_or_default());
    }
    for (n, t) in i.targets.iter().enumerate() {
        let n = n + 1;
        put(&format!("target_name_{n}"), t.name.clone());
        put(&format!("target_country_{n}"), t.country.clone().unwrap_or_default());
        put(&format!("target_sector_{n}"), t.sector.clone().unwrap_or_default());
        for a in &t.asset_classes {
            put(&format!("target_assets_{n}"), a.clone());
        }
    }
    let m = &i.impact;
    for (k, e) in [("confidentiality", m.confidentiality), ("integrity", m.integrity), ("availability", m.availability)]
    {
        put(k, e.map(|e| text_of(&e)).unwrap_or_default());
    }
    put("functional_duration", m.functional_duration.map(|d| text_of(&d)).unwrap_or_default());
    put("countries_affected", m.countries_affected.join(", "));
    put("victims_affected", m.victims_affected.map(|v| v.to_string()).unwrap_or_default());
    if m.physical_effects == Some(true) {
        put("physical_effects", "yes".into());
    }
    if let Some(loss) = &m.economic_loss {
        put("loss_amount", loss.amount.to_string());
        put("loss_currency", loss.currency.clone());
    }
    if let Some(h) = &m.harm_to_people {
        put("harm_ja", h.ja.clone());
        put("harm_en", h.en.clone());
    }
    put("sources", i.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>().join("\n"));
    put("tlp", i.tlp.name().to_owned());
    put("community", i.community.clone().unwrap_or_default());
    Fields(f)
}

/// Whether the form carries everything the incident says: one that holds more (several actors,
/// target kinds, source titles, rights affected, an import's origin) is revised through the
/// API, so that saving the form never drops a fact.
pub(super) fn form_holds(i: &IncidentInput, caller: &Caller) -> bool {
    // The form offers critical-infrastructure sectors, a yes-or-unknown for physical effects and
    // the communities of the one editing.
    let sector_offered = |s: &str| s.starts_with("ci.");
    i.actors.len() <= 1
        && i.targets.len() <= MAX_TARGET_ROWS
        && i.targets.iter().all(|t| t.kind.is_none() && t.sector.as_deref().is_none_or(sector_offered))
        && i.impact.physical_effects != Some(false)
        && i.community.as_ref().is_none_or(|c| caller.communities.contains(c))
        && i.sources.iter().all(|s| s.title.is_none())
        && i.impact.rights_affected.is_empty()
        && i.origin.is_none()
}
