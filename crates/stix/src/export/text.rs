//! Text in two languages, small text helpers, and the vocabularies mapped to STIX.
use super::*;

pub(super) fn blank(t: &Localized) -> bool {
    t.ja.trim().is_empty() && t.en.trim().is_empty()
}

pub(super) fn fallback(t: Localized, other: &Localized) -> Localized {
    if blank(&t) { other.clone() } else { t }
}

/// Sets an object's text properties. The object shows English where the first text (the
/// record's own, not words made here) has it — STIX's default language — and Japanese otherwise,
/// saying so in `lang`; each property falls back to the other language when its own is empty.
/// What the other language says, where it differs, is returned for a `language-content` object.
pub(super) fn set_texts(
    o: &mut Map<String, Value>,
    fields: &[(&str, &Localized)],
) -> Option<(&'static str, Map<String, Value>)> {
    let first = fields.iter().map(|(_, t)| *t).find(|t| !blank(t));
    let japanese = first.is_some_and(|t| t.en.trim().is_empty());
    let (shown_lang, other_lang) = if japanese { ("ja", "en") } else { ("en", "ja") };
    let pick = |t: &Localized, lang: &str| if lang == "ja" { t.ja.trim().to_owned() } else { t.en.trim().to_owned() };
    let mut contents = Map::new();
    for (prop, text) in fields {
        let own = pick(text, shown_lang);
        let other = pick(text, other_lang);
        let shown = if own.is_empty() { other.clone() } else { own };
        if shown.is_empty() {
            continue;
        }
        if !other.is_empty() && other != shown {
            contents.insert((*prop).to_owned(), json!(other));
        }
        o.insert((*prop).to_owned(), json!(shown));
    }
    if japanese {
        o.insert("lang".into(), json!("ja"));
    }
    (!contents.is_empty()).then_some((other_lang, contents))
}

/// Pushes an object, and after it the `language-content` with its text in the other language.
pub(super) fn push_with_translation(
    out: &mut Vec<Value>,
    o: Map<String, Value>,
    alt: Option<(&'static str, Map<String, Value>)>,
) {
    if let Some((lang, contents)) = alt {
        let id = o.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut t = Map::new();
        t.insert("type".into(), json!("language-content"));
        t.insert("spec_version".into(), json!("2.1"));
        t.insert("id".into(), json!(stix_id("language-content", &format!("{id}:{lang}"))));
        for k in ["created_by_ref", "created", "modified", "revoked", "object_marking_refs"] {
            if let Some(v) = o.get(k) {
                t.insert(k.into(), v.clone());
            }
        }
        t.insert("object_ref".into(), json!(id));
        if let Some(m) = o.get("modified") {
            t.insert("object_modified".into(), m.clone());
        }
        let mut by_lang = Map::new();
        by_lang.insert(lang.into(), Value::Object(contents));
        t.insert("contents".into(), Value::Object(by_lang));
        out.push(Value::Object(o));
        out.push(Value::Object(t));
    } else {
        out.push(Value::Object(o));
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A name as a key: case and inner spacing do not make another group.
pub(super) fn normalised(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub(super) fn dedup(refs: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    refs.into_iter().filter(|r| seen.insert(r.clone())).collect()
}

pub(super) fn is_country(code: &str) -> bool {
    normwatch_core::country::is_country_code(code)
}

// ----------------------------------------------------------------------------------------------
// Vocabularies

/// ICD 203 likelihood terms on STIX's 0–100 confidence scale: the values the STIX 2.1 appendix
/// on confidence scales gives for the DNI scale.
pub(super) fn icd_confidence(term: &str) -> Option<u8> {
    Some(match term.strip_prefix("icd.").unwrap_or(term) {
        "almost-no-chance" => 5,
        "very-unlikely" => 15,
        "unlikely" => 30,
        "roughly-even-chance" => 50,
        "likely" => 70,
        "very-likely" => 85,
        "almost-certain" => 95,
        _ => return None,
    })
}

/// `identity_class` and `sectors` (STIX open vocabularies) of a stakeholder kind.
pub(super) fn stakeholder_class(kind: &str) -> (&'static str, &'static [&'static str]) {
    match kind {
        "state" => ("organization", &["government-national"]),
        "intergovernmental" => ("organization", &["government"]),
        "private-sector" => ("organization", &[]),
        "technical-community" => ("organization", &["technology"]),
        "academia" => ("organization", &["education"]),
        "civil-society" => ("organization", &["non-profit"]),
        "individual" => ("individual", &[]),
        _ => ("unknown", &[]),
    }
}

pub(super) fn speaker_class(kind: &str) -> (&'static str, &'static [&'static str]) {
    match kind {
        "government" => ("organization", &["government-national"]),
        "intergovernmental" => ("organization", &["government"]),
        "security-company" => ("organization", &["technology"]),
        "private-sector" | "media" => ("organization", &[]),
        "academia" => ("organization", &["education"]),
        "civil-society" => ("organization", &["non-profit"]),
        _ => ("unknown", &[]),
    }
}

pub(super) fn kind_en(kind: &str) -> String {
    match kind {
        "state" => "State".into(),
        "intergovernmental" => "Intergovernmental organisation".into(),
        "private-sector" => "Private sector".into(),
        "technical-community" => "Technical community".into(),
        "academia" => "Academia".into(),
        "civil-society" => "Civil society".into(),
        "individual" => "Individual".into(),
        other => capitalised(&other.replace('-', " ")),
    }
}

pub(super) fn kind_ja(kind: &str) -> String {
    match kind {
        "state" => "国家".into(),
        "intergovernmental" => "政府間機関".into(),
        "private-sector" => "民間部門".into(),
        "technical-community" => "技術コミュニティ".into(),
        "academia" => "学界".into(),
        "civil-society" => "市民社会".into(),
        "individual" => "個人".into(),
        other => other.to_owned(),
    }
}

/// Whether a CVE id has the form the STIX schema demands of `cve` external references.
pub(super) fn stix_cve(id: &str) -> bool {
    let mut parts = id.split('-');
    let (Some("CVE"), Some(year), Some(n), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(year) && year.len() == 4 && digits(n) && (n.len() == 4 || (n.len() > 4 && !n.starts_with('0')))
}
