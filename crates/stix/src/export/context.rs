//! The record being exported: its accessors (`Rec`), the common properties of its objects
//! (`Meta`) and what it made so far (`Ctx`), with the shared objects it names.
use super::*;

/// A record's JSON with the accessors that name the field when it is missing or malformed.
pub(super) struct Rec<'a> {
    pub(super) kind: &'a str,
    pub(super) id: String,
    pub(super) v: &'a Value,
}

impl<'a> Rec<'a> {
    pub(super) fn new(kind: &'a str, v: &'a Value) -> Result<Rec<'a>, ExportError> {
        let id = v.get("id").and_then(Value::as_str).filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            ExportError::MissingField { kind: kind.to_owned(), id: "(no id)".into(), field: "id".into() }
        })?;
        Ok(Rec { kind, id: id.to_owned(), v })
    }

    pub(super) fn missing(&self, field: &str) -> ExportError {
        ExportError::MissingField { kind: self.kind.to_owned(), id: self.id.clone(), field: field.to_owned() }
    }

    pub(super) fn bad(&self, field: &str, reason: &str) -> ExportError {
        ExportError::BadField {
            kind: self.kind.to_owned(),
            id: self.id.clone(),
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// The value at a dotted path (`attributor.name`); `None` when absent or null.
    pub(super) fn get(&self, path: &str) -> Option<&'a Value> {
        path.split('.').try_fold(self.v, |v, part| v.get(part)).filter(|v| !v.is_null())
    }

    /// A text field that must be there.
    pub(super) fn s(&self, path: &str) -> Result<&'a str, ExportError> {
        self.opt(path)?.ok_or_else(|| self.missing(path))
    }

    /// A text field that may be absent (blank text counts as absent).
    pub(super) fn opt(&self, path: &str) -> Result<Option<&'a str>, ExportError> {
        match self.get(path) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.trim().is_empty())),
            Some(_) => Err(self.bad(path, "is not text")),
        }
    }

    /// Text in Japanese and English (`{"ja": …, "en": …}`); absent is empty.
    pub(super) fn loc(&self, path: &str) -> Result<Localized, ExportError> {
        let Some(v) = self.get(path) else { return Ok(Localized::default()) };
        let Some(o) = v.as_object() else { return Err(self.bad(path, "is not text in ja and en")) };
        let lang = |l: &str| match o.get(l) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(self.bad(&format!("{path}.{l}"), "is not text")),
        };
        Ok(Localized::new(lang("ja")?, lang("en")?))
    }

    /// A list; absent is empty.
    pub(super) fn array(&self, path: &str) -> Result<&'a [Value], ExportError> {
        match self.get(path) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(_) => Err(self.bad(path, "is not a list")),
        }
    }

    /// A list of text; absent is empty.
    pub(super) fn strs(&self, path: &str) -> Result<Vec<&'a str>, ExportError> {
        self.array(path)?
            .iter()
            .enumerate()
            .map(|(i, v)| v.as_str().ok_or_else(|| self.bad(&format!("{path}[{i}]"), "is not text")))
            .collect()
    }

    /// A time, at STIX's millisecond precision.
    pub(super) fn time(&self, path: &str) -> Result<String, ExportError> {
        stix_timestamp(self.s(path)?).ok_or_else(|| self.bad(path, "is not an RFC 3339 time"))
    }

    pub(super) fn tlp(&self) -> Result<Option<Tlp>, ExportError> {
        match self.get("tlp") {
            None => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|_| self.bad("tlp", "is not one of clear, green, amber, amber+strict, red")),
        }
    }
}

/// The common properties of the objects of one record (or of shared ones).
#[derive(Debug, Clone)]
pub(super) struct Meta {
    pub(super) created: String,
    pub(super) modified: String,
    pub(super) created_by: String,
    pub(super) marking: Option<Tlp>,
    pub(super) revoked: bool,
}

impl Meta {
    /// Objects named by a stable key (actors, locations, speakers): one version for all records,
    /// marked as the record that names them.
    pub(super) fn shared(marking: Option<Tlp>) -> Meta {
        Meta {
            created: STABLE_TIME.into(),
            modified: STABLE_TIME.into(),
            created_by: normwatch_identity_id(),
            marking,
            revoked: false,
        }
    }

    pub(super) fn object(&self, stix_type: &str, id: String) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("type".into(), json!(stix_type));
        o.insert("spec_version".into(), json!("2.1"));
        o.insert("id".into(), json!(id));
        o.insert("created_by_ref".into(), json!(self.created_by));
        o.insert("created".into(), json!(self.created));
        o.insert("modified".into(), json!(self.modified));
        if self.revoked {
            o.insert("revoked".into(), json!(true));
        }
        if let Some(t) = self.marking {
            o.insert("object_marking_refs".into(), json!([tlp_marking(t)]));
        }
        o
    }
}

/// One record on its way out: its accessors, the meta of its own objects, and what it made.
pub(super) struct Ctx<'a> {
    pub(super) rec: Rec<'a>,
    pub(super) root: &'a str,
    pub(super) root_of: &'a dyn Fn(&str, &str) -> String,
    pub(super) meta: Meta,
    pub(super) marking: Option<Tlp>,
    pub(super) out: Vec<Value>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        kind: &'a str,
        root: &'a str,
        v: &'a Value,
        root_of: &'a dyn Fn(&str, &str) -> String,
    ) -> Result<Ctx<'a>, ExportError> {
        let rec = Rec::new(kind, v)?;
        if root.trim().is_empty() {
            return Err(ExportError::BadField {
                kind: kind.to_owned(),
                id: rec.id.clone(),
                field: "version_root".into(),
                reason: "is empty".into(),
            });
        }
        // Every version of a record is one STIX object: `created` must be the same for all of
        // them. The store's ids are UUIDv7, whose first 48 bits are the creation time of the
        // chain's first version; other ids fall back to the version's own creation time.
        let created = match uuid7_time(root) {
            Some(t) => t,
            None => rec.time("created_at")?,
        };
        let updated = match rec.opt("updated_at")? {
            Some(_) => rec.time("updated_at")?,
            None => rec.time("created_at")?,
        };
        // Fixed-width UTC timestamps: text order is time order.
        let modified = updated.max(created.clone());
        let marking = rec.tlp()?;
        if marking.is_none() && kind != "vulnerability-event" {
            return Err(rec.missing("tlp"));
        }
        let revoked = rec.get("retraction").is_some();
        let meta = Meta { created, modified, created_by: normwatch_identity_id(), marking, revoked };
        Ok(Ctx { rec, root, root_of, meta, marking, out: Vec::new() })
    }

    pub(super) fn key(&self, suffix: &str) -> String {
        format!("{}:{}{suffix}", self.rec.kind, self.root)
    }

    pub(super) fn primary_id(&self) -> String {
        // The kind was checked when the context was made.
        primary_type(self.rec.kind).map(|t| stix_id(t, &self.key(""))).unwrap_or_default()
    }

    /// The primary object of a record that is a note about one stakeholder: its `content` (the
    /// abstract when blank), the abstract, its references, and the stakeholder it is about.
    pub(super) fn stakeholder_note(&mut self, who: &str, abstract_: &Localized, content: Localized, refs: Vec<Value>) {
        let mut o = self.primary("note", &normwatch_identity_id());
        let alt = set_texts(&mut o, &[("content", &fallback(content, abstract_)), ("abstract", abstract_)]);
        set_refs(&mut o, refs);
        o.insert("object_refs".into(), json!([stakeholder_identity_id(who)]));
        self.finish_primary(o, alt, Vec::new());
    }

    pub(super) fn primary(&self, stix_type: &str, created_by: &str) -> Map<String, Value> {
        let mut o = self.meta.object(stix_type, stix_id(stix_type, &self.key("")));
        o.insert("created_by_ref".into(), json!(created_by));
        o
    }

    /// Adds the extension with the record to the record's object, and the object (with its
    /// translation) to the output.
    pub(super) fn finish_primary(
        &mut self,
        mut o: Map<String, Value>,
        alt: Option<(&'static str, Map<String, Value>)>,
        extra: Vec<(&str, Value)>,
    ) {
        let mut record = self.rec.v.clone();
        if let Some(r) = record.as_object_mut().filter(|_| self.rec.kind == RecordKind::AttributionStatement.as_str()) {
            // Kept once, in the extension's own `signatures`, with the signer's identity.
            r.remove("signatures");
        }
        o.insert("extensions".into(), extension_value(self.rec.kind, &self.rec.id, Some(self.root), record, extra));
        push_with_translation(&mut self.out, o, alt);
    }

    pub(super) fn shared_meta(&self) -> Meta {
        Meta::shared(self.marking)
    }

    pub(super) fn refer(&self, kind: &str, id: &str) -> Result<String, ExportError> {
        primary_id(kind, &(self.root_of)(kind, id))
    }

    /// The identity that stands behind a record: its registered stakeholder, or normwatch.
    pub(super) fn stakeholder_or_normwatch(&self, field: &str) -> Result<String, ExportError> {
        Ok(self.rec.opt(field)?.map_or_else(normwatch_identity_id, stakeholder_identity_id))
    }

    /// The identity of an attributor or responder: the registered stakeholder's, or one made
    /// for the named outsider (shared by every record that names it alike).
    pub(super) fn speaker(&mut self, field: &str) -> Result<String, ExportError> {
        if let Some(s) = self.rec.opt(&format!("{field}.stakeholder"))? {
            return Ok(stakeholder_identity_id(s));
        }
        let name = self.rec.s(&format!("{field}.name"))?;
        let kind = self.rec.s(&format!("{field}.kind"))?;
        let country = self.rec.opt(&format!("{field}.country"))?;
        let id = stix_id("identity", &format!("speaker:{kind}:{}", normalised(name)));
        let mut o = self.shared_meta().object("identity", id.clone());
        let (class, sectors) = speaker_class(kind);
        o.insert("name".into(), json!(name));
        let what = kind.replace('-', " ");
        o.insert("description".into(), json!(country.map_or_else(|| what.clone(), |c| format!("{what} ({c})"))));
        o.insert("identity_class".into(), json!(class));
        if !sectors.is_empty() {
            o.insert("sectors".into(), json!(sectors));
        }
        self.out.push(Value::Object(o));
        Ok(id)
    }

    /// A state as a threat actor, with its country.
    pub(super) fn state_actor(&mut self, code: &str) -> String {
        let meta = self.shared_meta();
        let id = stix_id("threat-actor", &format!("state:{code}"));
        let mut o = meta.object("threat-actor", id.clone());
        o.insert("name".into(), json!(format!("{code} (state)")));
        o.insert(
            "description".into(),
            json!(format!("The state {code} (ISO 3166-1 alpha-2): its organs and those acting for it.")),
        );
        o.insert("threat_actor_types".into(), json!(["nation-state"]));
        o.insert("resource_level".into(), json!("government"));
        self.out.push(Value::Object(o));
        if is_country(code) {
            let (loc_id, loc) = country_location(&meta, code);
            self.out.push(loc);
            let rel = relationship(&meta, &format!("state:{code}:located-at"), "located-at", &id, &loc_id);
            self.out.push(Value::Object(rel));
        }
        id
    }

    /// A named group as an intrusion set.
    pub(super) fn group_actor(&mut self, name: &str) -> String {
        let id = stix_id("intrusion-set", &format!("group:{}", normalised(name)));
        let mut o = self.shared_meta().object("intrusion-set", id.clone());
        o.insert("name".into(), json!(name.trim()));
        self.out.push(Value::Object(o));
        id
    }

    /// A named individual as a threat actor.
    pub(super) fn individual_actor(&mut self, name: &str) -> String {
        let id = self.individual_id(name);
        let mut o = self.shared_meta().object("threat-actor", id.clone());
        o.insert("name".into(), json!(name.trim()));
        o.insert("threat_actor_types".into(), json!(["unknown"]));
        o.insert("resource_level".into(), json!("individual"));
        self.out.push(Value::Object(o));
        id
    }

    pub(super) fn individual_id(&self, name: &str) -> String {
        stix_id("threat-actor", &format!("individual:{}", normalised(name)))
    }

    pub(super) fn group_or_individual_id(&self, name: &str, category: Option<&str>) -> String {
        if category == Some("individual") {
            self.individual_id(name)
        } else {
            stix_id("intrusion-set", &format!("group:{}", normalised(name)))
        }
    }

    /// The actor of a claim that names neither state nor group, only what kind of actor it is:
    /// one per claim, since nothing says two such claims mean the same actor.
    pub(super) fn unidentified_actor(&mut self, category: &str) -> String {
        let id = stix_id("threat-actor", &self.key(":unidentified"));
        let mut o = self.meta.object("threat-actor", id.clone());
        o.insert("name".into(), json!(format!("Unidentified {} actor", category.replace('-', " "))));
        let types = match category {
            "state" | "state-affiliated" => "nation-state",
            _ => "unknown",
        };
        o.insert("threat_actor_types".into(), json!([types]));
        self.out.push(Value::Object(o));
        id
    }
}

pub(super) fn extension_value(
    kind: &str,
    id: &str,
    root: Option<&str>,
    record: Value,
    extra: Vec<(&str, Value)>,
) -> Value {
    let mut e = Map::new();
    e.insert("extension_type".into(), json!("property-extension"));
    e.insert("record_kind".into(), json!(kind));
    e.insert("record_id".into(), json!(id));
    if let Some(r) = root {
        e.insert("version_root".into(), json!(r));
    }
    e.insert("record".into(), record);
    for (k, v) in extra {
        e.insert(k.into(), v);
    }
    let mut x = Map::new();
    x.insert(EXTENSION_DEFINITION_ID.into(), Value::Object(e));
    Value::Object(x)
}

pub(super) fn relationship(meta: &Meta, key: &str, rel_type: &str, source: &str, target: &str) -> Map<String, Value> {
    let mut o = meta.object("relationship", stix_id("relationship", key));
    o.insert("relationship_type".into(), json!(rel_type));
    o.insert("source_ref".into(), json!(source));
    o.insert("target_ref".into(), json!(target));
    o
}

pub(super) fn country_location(meta: &Meta, code: &str) -> (String, Value) {
    let id = stix_id("location", &format!("country:{code}"));
    let mut o = meta.object("location", id.clone());
    o.insert("name".into(), json!(code));
    o.insert("country".into(), json!(code));
    (id, Value::Object(o))
}
