//! An incident and the findings made about it (evidence, assessments, attribution claims and
//! statements, responses), and the reviews of any record.
use super::*;

pub(super) fn incident(cx: &mut Ctx) -> Result<(), ExportError> {
    let title = cx.rec.loc("title")?;
    if blank(&title) {
        return Err(cx.rec.missing("title"));
    }
    let description = cx.rec.loc("description")?;
    let by = cx.stakeholder_or_normwatch("stakeholder")?;
    let mut o = cx.primary("incident", &by);
    let mut refs = Vec::new();
    for (i, s) in cx.rec.array("sources")?.iter().enumerate() {
        let url = s.get("url").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("sources[{i}].url")))?;
        refs.push(url_ref(None, url, s.get("title").and_then(Value::as_str)));
    }
    if let Some(origin) = cx.rec.v.get("origin").filter(|o| o.is_object()) {
        let dataset = origin.get("dataset").and_then(Value::as_str).unwrap_or("origin");
        let id = origin.get("id").and_then(Value::as_str).unwrap_or_default();
        let url = origin.get("url").and_then(Value::as_str);
        refs.push(id_ref(dataset, id, url));
    }
    set_refs(&mut o, refs);
    let alt = set_texts(&mut o, &[("name", &title), ("description", &description)]);
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

pub(super) fn incident_evidence(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let sha256 = cx.rec.s("sha256")?;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(cx.rec.bad("sha256", "is not 64 hex digits"));
    }
    let filename = cx.rec.s("filename")?;
    let media_type = cx.rec.s("media_type")?;
    let size = cx.rec.v.get("size").and_then(Value::as_u64).ok_or_else(|| cx.rec.bad("size", "is not a size"))?;
    let sha256 = sha256.to_ascii_lowercase();
    // The observable: ids of cyber observables are UUIDv5 of their id-contributing properties.
    let file_id = file_id(&sha256, filename);
    let mut file = Map::new();
    file.insert("type".into(), json!("file"));
    file.insert("spec_version".into(), json!("2.1"));
    file.insert("id".into(), json!(file_id));
    file.insert("hashes".into(), json!({ "SHA-256": sha256 }));
    file.insert("size".into(), json!(size));
    file.insert("name".into(), json!(filename));
    file.insert("mime_type".into(), json!(media_type));
    if let Some(t) = cx.marking {
        file.insert("object_marking_refs".into(), json!([tlp_marking(t)]));
    }
    let by = cx.stakeholder_or_normwatch("stakeholder")?;
    let mut o = cx.primary("note", &by);
    let protocol = cx.rec.v.get("protocol").and_then(Value::as_object);
    let step = |f: &str| protocol.and_then(|p| p.get(f)).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let mut content = format!("{filename} ({media_type}, {size} bytes), SHA-256 {sha256}.");
    for (f, label) in [("source", "Source"), ("method", "Method"), ("tool", "Tool"), ("handling", "Handling")] {
        if let Some(v) = step(f) {
            let version = if f == "tool" { step("tool_version").map(|v| format!(" {v}")) } else { None };
            content.push_str(&format!("\n{label}: {v}{}", version.unwrap_or_default()));
        }
    }
    let abstract_ = Localized::new(format!("証拠: {filename}"), format!("Evidence: {filename}"));
    let alt = set_texts(&mut o, &[("abstract", &abstract_), ("content", &Localized::new("", content))]);
    o.insert("object_refs".into(), json!([incident, file_id]));
    cx.finish_primary(o, alt, Vec::new());
    cx.out.push(Value::Object(file));
    Ok(())
}

pub(super) fn violation_assessment(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let norm = cx.rec.s("norm")?;
    let level = cx.rec.s("level")?;
    let rationale = cx.rec.loc("rationale")?;
    let kind = cx.rec.s("actor.kind")?;
    let state = cx.rec.opt("actor.state")?;
    let group = cx.rec.opt("actor.group")?;
    let responsibility = cx.rec.opt("actor.responsibility")?;
    let mut refs = vec![incident];
    let state = state.filter(|_| kind == "state");
    if let Some(s) = state {
        refs.push(cx.state_actor(s));
    }
    if let Some(g) = group {
        refs.push(cx.group_actor(g));
    }
    for e in cx.rec.strs("evidence")? {
        refs.push(cx.refer("incident-evidence", e)?);
    }
    let (actor_ja, actor_en) = match (state, group, responsibility) {
        (Some(s), Some(g), Some("territory")) => (
            format!("国家 {s}（その領域から活動する {g}）"),
            format!("the state {s}, for group {g} operating from its territory"),
        ),
        (Some(s), Some(g), _) => (
            format!("国家 {s}（その代理として行動する {g}）"),
            format!("the state {s}, for group {g} acting as its proxy"),
        ),
        (Some(s), None, _) => (format!("国家 {s}"), format!("the state {s}")),
        (None, Some(g), _) => (format!("グループ {g}"), format!("group {g}")),
        (None, None, _) => ("特定されていない主体".to_owned(), "an unnamed actor".to_owned()),
    };
    let by = cx.stakeholder_or_normwatch("stakeholder")?;
    let mut o = cx.primary("note", &by);
    let abstract_ = Localized::new(
        format!("規範 {norm} の違反評価（{level}）: {actor_ja}"),
        format!("Violation of norm {norm} by {actor_en}: {level}"),
    );
    let alt = set_texts(&mut o, &[("content", &fallback(rationale, &abstract_)), ("abstract", &abstract_)]);
    set_refs(&mut o, cx.rec.strs("sources")?.into_iter().map(|u| url_ref(None, u, None)).collect());
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

pub(super) fn attribution_claim(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let attributor = cx.speaker("attributor")?;
    let attributor_name = cx.rec.s("attributor.name")?;
    let state = cx.rec.opt("attributed_to.state")?;
    let group = cx.rec.opt("attributed_to.group")?;
    let category = cx.rec.opt("attributed_to.category")?;
    let relation = cx.rec.opt("attributed_to.relation")?;
    let confidence = cx.rec.opt("confidence")?.and_then(icd_confidence);
    let kind = cx.rec.opt("type")?;
    let (target, named) = match (group, state) {
        (Some(g), _) if category == Some("individual") => (cx.individual_actor(g), g.to_owned()),
        (Some(g), _) => (cx.group_actor(g), g.to_owned()),
        (None, Some(s)) => (cx.state_actor(s), format!("the state {s}")),
        (None, None) => {
            let c = category.ok_or_else(|| cx.rec.missing("attributed_to"))?;
            (cx.unidentified_actor(c), format!("an unidentified {} actor", c.replace('-', " ")))
        }
    };
    let mut o = cx.primary("relationship", &attributor);
    o.insert("relationship_type".into(), json!("attributed-to"));
    o.insert("source_ref".into(), json!(incident));
    o.insert("target_ref".into(), json!(target));
    if let Some(c) = confidence {
        o.insert("confidence".into(), json!(c));
    }
    let on = cx.rec.opt("attributed_on")?.map(|d| format!(" on {d}")).unwrap_or_default();
    let how = kind.map(|k| format!("{k} attribution")).unwrap_or_else(|| "attribution".into());
    let summary = Localized::new("", format!("{attributor_name} attributes the incident to {named} ({how}{on})."));
    let basis = cx.rec.loc("basis")?;
    let alt = set_texts(&mut o, &[("description", &fallback(basis, &summary))]);
    let mut refs = Vec::new();
    if let Some(u) = cx.rec.opt("statement_url")? {
        refs.push(url_ref(Some(attributor_name), u, Some("statement of attribution")));
    }
    if let Some(origin) = cx.rec.opt("origin")? {
        let (dataset, id) = origin.split_once(':').unwrap_or(("origin", origin));
        refs.push(id_ref(dataset, id, None));
    }
    set_refs(&mut o, refs);
    cx.finish_primary(o, alt, Vec::new());
    // The group's link to the state it is attributed to, as the same claim makes it.
    if let (Some(g), Some(s)) = (group, state) {
        let state_ref = cx.state_actor(s);
        let link = match relation {
            Some("organ") => format!("{g} is an organ of the state {s} (an agency or a military unit)."),
            Some("proxy") => format!("{g} acts on the instructions or under the control of the state {s}."),
            Some("tolerated") => format!("{g} operates with the knowledge of the state {s}, unhindered."),
            _ => format!("{g} is attributed to the state {s}; the relation is not stated."),
        };
        let mut rel = cx.meta.object("relationship", stix_id("relationship", &cx.key(":state")));
        rel.insert("created_by_ref".into(), json!(attributor));
        rel.insert("relationship_type".into(), json!("attributed-to"));
        rel.insert("source_ref".into(), json!(cx.group_or_individual_id(g, category)));
        rel.insert("target_ref".into(), json!(state_ref));
        rel.insert("description".into(), json!(link));
        if let Some(c) = confidence {
            rel.insert("confidence".into(), json!(c));
        }
        cx.out.push(Value::Object(rel));
    }
    Ok(())
}

pub(super) fn attribution_statement(cx: &mut Ctx) -> Result<(), ExportError> {
    let text = cx.rec.loc("text")?;
    let claims: Vec<String> = cx.rec.strs("claims")?.into_iter().map(str::to_owned).collect();
    let issued_on = cx.rec.s("issued_on")?;
    let mut refs = Vec::new();
    for c in &claims {
        refs.push(cx.refer("attribution-claim", c)?);
    }
    if refs.is_empty() {
        return Err(cx.rec.missing("claims"));
    }
    let mut signatures = Vec::new();
    for (i, s) in cx.rec.array("signatures")?.iter().enumerate() {
        let field = |f: &str| {
            s.get(f)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| cx.rec.missing(&format!("signatures[{i}].{f}")))
        };
        let signer = field("stakeholder")?;
        let signer_ref = stakeholder_identity_id(&signer);
        refs.push(signer_ref.clone());
        let mut sig = Map::new();
        sig.insert("stakeholder".into(), json!(signer));
        sig.insert("signer_ref".into(), json!(signer_ref));
        for f in ["key_id", "public_key", "signature"] {
            sig.insert(f.into(), json!(field(f)?));
        }
        let at = field("signed_at")?;
        sig.insert(
            "signed_at".into(),
            json!(
                stix_timestamp(&at)
                    .ok_or_else(|| cx.rec.bad(&format!("signatures[{i}].signed_at"), "is not a time"))?
            ),
        );
        if let Some(v) = s.get("valid").and_then(Value::as_bool) {
            sig.insert("valid".into(), json!(v));
        }
        signatures.push(Value::Object(sig));
    }
    let signers = signatures.len();
    let mut extra = vec![(
        "signed_value",
        normwatch_core::violation::statement_signing_value(&cx.rec.id, &text, &claims, issued_on),
    )];
    if !signatures.is_empty() {
        extra.push(("signatures", Value::Array(signatures)));
    }
    let mut o = cx.primary("note", &normwatch_identity_id());
    let abstract_ = Localized::new(
        format!("共同帰属声明（{issued_on}、署名 {signers}）"),
        format!("Collective attribution statement of {issued_on} ({signers} co-signature{})", plural(signers)),
    );
    let alt = set_texts(&mut o, &[("content", &fallback(text, &abstract_)), ("abstract", &abstract_)]);
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, extra);
    Ok(())
}

pub(super) fn incident_response(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let responder = cx.speaker("responder")?;
    let name = cx.rec.s("responder.name")?;
    let kind = cx.rec.s("type")?;
    let character = cx.rec.s("legal_character")?;
    let on = cx.rec.s("responded_on")?;
    let mut refs = vec![incident, responder.clone()];
    for c in cx.rec.strs("claims")? {
        refs.push(cx.refer("attribution-claim", c)?);
    }
    let mut o = cx.primary("note", &responder);
    let what = kind.strip_prefix("resp.").unwrap_or(kind).replace('-', " ");
    let abstract_ = Localized::new(
        format!("{name} の対応: {what}（{character}、{on}）"),
        format!("Response by {name}: {what} ({character}, {on})"),
    );
    let description = cx.rec.loc("description")?;
    let alt = set_texts(&mut o, &[("content", &fallback(description, &abstract_)), ("abstract", &abstract_)]);
    if let Some(u) = cx.rec.opt("source_url")? {
        set_refs(&mut o, vec![url_ref(Some(name), u, None)]);
    }
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

/// Reviewer positions on the record (approve / request changes) as opinions on its object.
pub(super) fn reviews(cx: &mut Ctx) -> Result<(), ExportError> {
    let target = cx.primary_id();
    let list = cx.rec.array("reviews")?;
    for (i, r) in list.iter().enumerate() {
        let field =
            |f: &str| r.get(f).and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("reviews[{i}].{f}")));
        let reviewer = field("reviewer")?;
        let verdict = field("verdict")?;
        let at = stix_timestamp(field("created_at")?)
            .ok_or_else(|| cx.rec.bad(&format!("reviews[{i}].created_at"), "is not a time"))?;
        let version = r.get("record_version").and_then(Value::as_i64).unwrap_or_default();
        let opinion = match verdict {
            "approve" => "agree",
            "request-changes" => "disagree",
            _ => "neutral",
        };
        let meta = Meta {
            created: at.clone(),
            modified: at,
            created_by: normwatch_identity_id(),
            marking: cx.marking,
            revoked: false,
        };
        let key = format!("review:{}:{}:{reviewer}:{version}", cx.rec.kind, cx.rec.id);
        let mut o = meta.object("opinion", stix_id("opinion", &key));
        o.insert("opinion".into(), json!(opinion));
        o.insert("authors".into(), json!([reviewer]));
        if let Some(c) = r.get("comment").and_then(Value::as_str).filter(|c| !c.trim().is_empty()) {
            o.insert("explanation".into(), json!(c));
        }
        o.insert("object_refs".into(), json!([target]));
        o.insert("extensions".into(), extension_value("review", &cx.rec.id, Some(cx.root), r.clone(), Vec::new()));
        cx.out.push(Value::Object(o));
    }
    Ok(())
}
