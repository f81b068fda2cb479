//! What stakeholders record: positions, implementation evidence, legal positions,
//! vulnerabilities and their events, capacity programmes, hygiene assessments, points of contact.
use super::*;

pub(super) fn position(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let norm = cx.rec.s("norm")?;
    let stance = cx.rec.s("stance")?;
    let on = cx.rec.s("stated_on")?;
    let (en, ja) = match stance {
        "endorse" => ("endorses", "支持"),
        "reject" => ("rejects", "拒否"),
        _ => ("abstains on", "棄権"),
    };
    let abstract_ =
        Localized::new(format!("{who}: 規範 {norm} を{ja}（{on}）"), format!("{who} {en} norm {norm} ({on})"));
    let statement = cx.rec.loc("statement")?;
    let mut refs = Vec::new();
    let paragraph = cx.rec.opt("source.paragraph")?;
    let document = cx.rec.opt("source.document")?;
    if let Some(u) = cx.rec.opt("source.url")? {
        refs.push(url_ref(None, u, document.map(|d| format!("{d} {}", paragraph.unwrap_or_default())).as_deref()));
    }
    if let Some(d) = document {
        let mut r = Map::new();
        r.insert("source_name".into(), json!("normwatch-catalogue"));
        r.insert("external_id".into(), json!(d));
        r.insert("description".into(), json!(paragraph.map_or_else(|| d.to_owned(), |p| format!("{d}, {p}"))));
        refs.push(Value::Object(r));
    }
    cx.stakeholder_note(who, &abstract_, statement, refs);
    Ok(())
}

pub(super) fn implementation_evidence(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let norm = cx.rec.s("norm")?;
    let kind = cx.rec.s("kind")?;
    let dated = cx.rec.s("dated")?;
    let url = cx.rec.s("url")?;
    let abstract_ = Localized::new(
        format!("{who} による規範 {norm} の実施: {kind}（{dated}）"),
        format!("{who} implements norm {norm}: {kind} ({dated})"),
    );
    let summary = cx.rec.loc("summary")?;
    cx.stakeholder_note(who, &abstract_, summary, vec![url_ref(None, url, Some(kind))]);
    Ok(())
}

pub(super) fn legal_position(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let topic = cx.rec.s("topic")?;
    let dated = cx.rec.s("dated")?;
    let url = cx.rec.s("source_url")?;
    let abstract_ = Localized::new(
        format!("{who} の国際法適用に関する立場: {topic}（{dated}）"),
        format!("{who} on how international law applies: {topic} ({dated})"),
    );
    let summary = cx.rec.loc("summary")?;
    cx.stakeholder_note(who, &abstract_, summary, vec![url_ref(None, url, None)]);
    Ok(())
}

pub(super) fn vulnerability(cx: &mut Ctx) -> Result<(), ExportError> {
    let product = cx.rec.s("product")?;
    let vendor = cx.rec.s("vendor")?;
    let cve = cx.rec.opt("cve_id")?;
    let mut o = cx.primary("vulnerability", &normwatch_identity_id());
    let name = cve.map_or_else(|| format!("{product} ({vendor})"), str::to_owned);
    o.insert("name".into(), json!(name));
    let mut lines = vec![format!("{product} by {vendor}; reported to the vendor on {}.", cx.rec.s("reported_on")?)];
    for (f, label) in [("acknowledged_on", "Acknowledged"), ("fixed_on", "Fixed"), ("disclosed_on", "Disclosed")] {
        if let Some(d) = cx.rec.opt(f)? {
            lines.push(format!("{label} on {d}."));
        }
    }
    if let Some(s) = cx.rec.opt("mitigation_status")? {
        lines.push(format!("Mitigation status: {s}."));
    }
    o.insert("description".into(), json!(lines.join(" ")));
    let mut refs = Vec::new();
    if let Some(c) = cve {
        if stix_cve(c) {
            refs.push(json!({ "source_name": "cve", "external_id": c }));
        } else {
            refs.push(json!({ "source_name": "cve-id", "description": c }));
        }
    }
    if let Some(u) = cx.rec.opt("advisory_url")? {
        refs.push(url_ref(Some(vendor), u, Some("vendor advisory")));
    }
    set_refs(&mut o, refs);
    cx.finish_primary(o, None, Vec::new());
    Ok(())
}

pub(super) fn vulnerability_event(cx: &mut Ctx) -> Result<(), ExportError> {
    let vulnerability = cx.refer("vulnerability", cx.rec.s("vulnerability")?)?;
    let event = cx.rec.s("event")?;
    let on = cx.rec.s("on")?;
    let ja = match event {
        "acknowledged" => "ベンダーが受領を確認",
        "mitigated" => "緩和策を提供",
        "fixed" => "修正",
        "disclosed" => "公開",
        other => other,
    };
    let text = Localized::new(format!("{ja}（{on}）"), format!("The vendor's timeline: {event} on {on}"));
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("abstract", &text), ("content", &text)]);
    o.insert("object_refs".into(), json!([vulnerability]));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

pub(super) fn capacity_programme(cx: &mut Ctx) -> Result<(), ExportError> {
    let provider = cx.rec.s("provider")?;
    let title = cx.rec.loc("title")?;
    if blank(&title) {
        return Err(cx.rec.missing("title"));
    }
    let mut refs = vec![stakeholder_identity_id(provider)];
    for b in cx.rec.strs("beneficiaries")? {
        if is_country(b) {
            let loc = country_location(&cx.shared_meta(), b);
            refs.push(loc.0);
            cx.out.push(loc.1);
        } else {
            refs.push(stakeholder_identity_id(b));
        }
    }
    let outcomes = cx.rec.loc("outcomes")?;
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("abstract", &title), ("content", &fallback(outcomes, &title))]);
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

pub(super) fn hygiene_assessment(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let baseline = cx.rec.s("baseline")?;
    let on = cx.rec.s("assessed_on")?;
    let score = cx.rec.v.get("score").and_then(Value::as_f64).map(|s| format!(": {s}%")).unwrap_or_default();
    let abstract_ = Localized::new(
        format!("{who} の衛生自己評価（{baseline}、{on}）{score}"),
        format!("{who} self-assessment against {baseline} on {on}{score}"),
    );
    let mut lines = Vec::new();
    for (i, r) in cx.rec.array("results")?.iter().enumerate() {
        let control =
            r.get("control").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("results[{i}].control")))?;
        let status =
            r.get("status").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("results[{i}].status")))?;
        let evidence = r.get("evidence").and_then(Value::as_str).map(|e| format!(" ({e})")).unwrap_or_default();
        lines.push(format!("{control}: {status}{evidence}"));
    }
    cx.stakeholder_note(who, &abstract_, Localized::new("", lines.join("\n")), Vec::new());
    Ok(())
}

pub(super) fn point_of_contact(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let name = cx.rec.s("name")?;
    let kind = cx.rec.s("kind")?;
    let mut o = cx.primary("identity", &normwatch_identity_id());
    o.insert("name".into(), json!(name));
    o.insert("identity_class".into(), json!("individual"));
    if let Some(r) = cx.rec.opt("role_title")? {
        o.insert("roles".into(), json!([r]));
    }
    let mut channels = Vec::new();
    for (i, c) in cx.rec.array("channels")?.iter().enumerate() {
        let k = c.get("kind").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("channels[{i}].kind")))?;
        let v =
            c.get("value").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("channels[{i}].value")))?;
        channels.push(format!("{k}: {v}"));
    }
    if !channels.is_empty() {
        o.insert("contact_information".into(), json!(channels.join("; ")));
    }
    let mut about = format!("{} point of contact of {who}", capitalised(kind));
    let languages = cx.rec.strs("languages")?;
    if !languages.is_empty() {
        about.push_str(&format!("; languages: {}", languages.join(", ")));
    }
    if let Some(h) = cx.rec.opt("hours")? {
        about.push_str(&format!("; hours: {h}"));
        if let Some(z) = cx.rec.opt("time_zone")? {
            about.push_str(&format!(" ({z})"));
        }
    }
    if let Some(f) = cx.rec.opt("valid_from")? {
        about.push_str(&format!("; valid from {f}"));
    }
    if let Some(u) = cx.rec.opt("valid_until")? {
        about.push_str(&format!(" until {u}"));
    }
    o.insert("description".into(), json!(about));
    let contact_id = cx.primary_id();
    cx.finish_primary(o, None, Vec::new());
    let mut rel = cx.meta.object("relationship", stix_id("relationship", &cx.key(":stakeholder")));
    rel.insert("relationship_type".into(), json!("related-to"));
    rel.insert("source_ref".into(), json!(contact_id));
    rel.insert("target_ref".into(), json!(stakeholder_identity_id(who)));
    rel.insert("description".into(), json!(format!("{} point of contact of {who}", capitalised(kind))));
    cx.out.push(Value::Object(rel));
    Ok(())
}
