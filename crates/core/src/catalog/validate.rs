//! Whole-catalogue validation: every cross-reference, vocabulary and date checked at once.
use super::*;

/// Collects every problem of a parsed catalogue.
pub(super) struct Validator<'a> {
    catalog: &'a Catalog,
    taxonomy_paths: &'a [String],
    problems: Vec<Problem>,
    documents: HashSet<&'a str>,
    principles: HashSet<&'a str>,
    norms: HashSet<&'a str>,
    /// term id → taxonomy id
    terms: HashMap<&'a str, &'a str>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(catalog: &'a Catalog, taxonomy_paths: &'a [String]) -> Self {
        let mut v = Validator {
            catalog,
            taxonomy_paths,
            problems: Vec::new(),
            documents: catalog.documents.iter().map(|d| d.id.as_str()).collect(),
            principles: catalog.principles.iter().map(|p| p.id.as_str()).collect(),
            norms: catalog.norms.iter().map(|n| n.id.as_str()).collect(),
            terms: HashMap::new(),
        };
        // The first definition wins, so a duplicate is reported once, not again at every use.
        for t in &catalog.taxonomies {
            for term in &t.terms {
                v.terms.entry(term.id.as_str()).or_insert(t.id.as_str());
            }
        }
        v
    }

    fn report(&mut self, file: &str, entry: String, field: impl Into<String>, defect: Defect) {
        self.problems.push(Problem { file: file.to_owned(), entry, field: field.into(), defect });
    }

    fn text(&mut self, file: &str, entry: &str, field: &str, text: &Localized) {
        for lang in text.missing() {
            self.report(file, entry.to_owned(), format!("{field}.{lang}"), Defect::MissingLanguage { lang });
        }
    }

    fn sources(&mut self, file: &str, entry: &str, sources: &[Source], required: bool) {
        if required && sources.is_empty() {
            self.report(
                file,
                entry.to_owned(),
                "sources",
                Defect::InvalidValue { reason: "cite at least one source (document + paragraph)".into() },
            );
        }
        for (i, s) in sources.iter().enumerate() {
            if !self.documents.contains(s.document.as_str()) {
                self.report(
                    file,
                    entry.to_owned(),
                    format!("sources[{i}].document"),
                    Defect::UnknownDocument { id: s.document.clone() },
                );
            }
            if s.paragraph.trim().is_empty() {
                self.report(
                    file,
                    entry.to_owned(),
                    format!("sources[{i}].paragraph"),
                    Defect::InvalidValue { reason: "the paragraph is empty; say where in the document".into() },
                );
            }
        }
    }

    fn reference(&mut self, file: &str, entry: &str, field: String, target: &'static str, id: &str, ok: bool) {
        if !ok {
            self.report(file, entry.to_owned(), field, Defect::DanglingReference { target, id: id.to_owned() });
        }
    }

    /// Ids are unique within each namespace: entries (documents, principles, framework elements,
    /// recommendations, norms and taxonomies) and taxonomy terms. Records cite an entry or a
    /// term by id alone, so two things of one namespace must never share one.
    fn unique_ids(&mut self) {
        let c = self.catalog;
        let mut entries: Vec<(String, String, String)> = Vec::new();
        entries.extend(
            c.documents.iter().map(|d| ("documents.toml".into(), format!("document `{}`", d.id), d.id.clone())),
        );
        entries.extend(
            c.principles.iter().map(|d| ("principles.toml".into(), format!("principle `{}`", d.id), d.id.clone())),
        );
        entries
            .extend(c.framework.iter().map(|d| ("framework.toml".into(), format!("element `{}`", d.id), d.id.clone())));
        entries.extend(
            c.recommendations
                .iter()
                .map(|d| ("recommendations.toml".into(), format!("recommendation `{}`", d.id), d.id.clone())),
        );
        entries.extend(c.norms.iter().map(|d| ("norms.toml".into(), format!("norm `{}`", d.id), d.id.clone())));
        let mut terms: Vec<(String, String, String)> = Vec::new();
        for (t, path) in c.taxonomies.iter().zip(self.taxonomy_paths) {
            entries.push((path.clone(), format!("taxonomy `{}`", t.id), t.id.clone()));
            terms.extend(t.terms.iter().map(|term| (path.clone(), format!("term `{}`", term.id), term.id.clone())));
        }
        for namespace in [entries, terms] {
            let mut seen: HashMap<String, String> = HashMap::new();
            for (file, entry, id) in namespace {
                let valid = !id.is_empty()
                    && id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '.');
                if !valid {
                    self.report(
                        &file,
                        entry.clone(),
                        "id",
                        Defect::InvalidValue {
                            reason: format!(
                                "`{id}` is not a catalogue id: use lower-case letters, digits, `-` and `.`"
                            ),
                        },
                    );
                }
                match seen.get(&id) {
                    Some(first) => {
                        let first_in = first.clone();
                        self.report(&file, entry, "id", Defect::DuplicateId { id, first_in })
                    }
                    None => {
                        seen.insert(id, file);
                    }
                }
            }
        }
    }

    pub(super) fn run(mut self) -> Vec<Problem> {
        let c = self.catalog;
        self.unique_ids();
        let meta = &c.meta;
        self.text("catalog.toml", "catalogue", "title", &meta.title);
        self.text("catalog.toml", "catalogue", "description", &meta.description);
        if meta.version.trim().is_empty() {
            self.report(
                "catalog.toml",
                "catalogue".into(),
                "version",
                Defect::InvalidValue { reason: "give the catalogue a version, e.g. \"2026.1\"".into() },
            );
        }

        for d in &c.documents {
            let e = format!("document `{}`", d.id);
            self.text("documents.toml", &e, "title", &d.title);
            self.text("documents.toml", &e, "publisher", &d.publisher);
            if !is_iso_date(&d.date) {
                self.report(
                    "documents.toml",
                    e.clone(),
                    "date",
                    Defect::InvalidValue { reason: format!("`{}` is not a date in the form YYYY-MM-DD", d.date) },
                );
            }
            if !(d.url.starts_with("https://") || d.url.starts_with("http://")) {
                self.report(
                    "documents.toml",
                    e,
                    "url",
                    Defect::InvalidValue { reason: format!("`{}` is not an http(s) URL", d.url) },
                );
            }
        }
        for p in &c.principles {
            let e = format!("principle `{}`", p.id);
            self.text("principles.toml", &e, "title", &p.title);
            self.text("principles.toml", &e, "summary", &p.summary);
            self.sources("principles.toml", &e, &p.sources, true);
        }
        for f in &c.framework {
            let e = format!("element `{}`", f.id);
            self.text("framework.toml", &e, "title", &f.title);
            self.text("framework.toml", &e, "summary", &f.summary);
            self.sources("framework.toml", &e, &f.sources, true);
        }
        for r in &c.recommendations {
            let e = format!("recommendation `{}`", r.id);
            self.text("recommendations.toml", &e, "title", &r.title);
            self.text("recommendations.toml", &e, "summary", &r.summary);
            self.sources("recommendations.toml", &e, &r.sources, true);
            self.norm_refs("recommendations.toml", &e, &r.norms);
        }
        self.norms();
        self.taxonomies();
        self.standards();
        self.problems
    }

    /// Each entry of `norms` must name a catalogue norm.
    fn norm_refs(&mut self, file: &str, entry: &str, norms: &[String]) {
        for (i, n) in norms.iter().enumerate() {
            let ok = self.norms.contains(n.as_str());
            self.reference(file, entry, format!("norms[{i}]"), "norm", n, ok);
        }
    }

    /// What a standard and a baseline share in standards.toml: an id unique across both lists,
    /// a title and summary in both languages, and references to catalogue norms.
    fn standards_entry(
        &mut self,
        seen: &mut HashSet<&'a str>,
        entry: &str,
        id: &'a str,
        title: &Localized,
        summary: &Localized,
        norms: &[String],
    ) {
        let file = "standards.toml";
        if !seen.insert(id) {
            self.report(
                file,
                entry.to_string(),
                "id",
                Defect::DuplicateId { id: id.to_string(), first_in: file.into() },
            );
        }
        self.text(file, entry, "title", title);
        self.text(file, entry, "summary", summary);
        self.norm_refs(file, entry, norms);
    }

    fn standards(&mut self) {
        let c = self.catalog;
        let file = "standards.toml";
        let mut seen: HashSet<&str> = HashSet::new();
        let standard_ids: HashSet<&str> = c.standards.iter().map(|s| s.id.as_str()).collect();
        for s in &c.standards {
            let e = format!("standard `{}`", s.id);
            self.standards_entry(&mut seen, &e, &s.id, &s.title, &s.summary, &s.norms);
            for (i, a) in s.assets.iter().enumerate() {
                let ok = self.terms.contains_key(a.as_str());
                self.reference(file, &e, format!("assets[{i}]"), "asset class", a, ok);
            }
        }
        for b in &c.baselines {
            let e = format!("baseline `{}`", b.id);
            self.standards_entry(&mut seen, &e, &b.id, &b.title, &b.summary, &b.norms);
            let mut controls = HashSet::new();
            for (i, ctl) in b.controls.iter().enumerate() {
                if !controls.insert(ctl.id.as_str()) {
                    self.report(
                        file,
                        e.clone(),
                        format!("control[{i}].id"),
                        Defect::DuplicateId { id: ctl.id.clone(), first_in: file.into() },
                    );
                }
                self.text(file, &e, &format!("control[{i}].title"), &ctl.title);
                for (j, st) in ctl.standards.iter().enumerate() {
                    let ok = standard_ids.contains(st.as_str());
                    self.reference(file, &e, format!("control[{i}].standards[{j}]"), "standard", st, ok);
                }
            }
        }
    }

    fn in_vocabulary(&self, vocabulary: &str, term: &str) -> bool {
        self.terms.get(term).is_some_and(|t| *t == vocabulary)
    }

    fn norms(&mut self) {
        let c = self.catalog;
        let file = "norms.toml";
        for n in &c.norms {
            let e = format!("norm `{}`", n.id);
            self.text(file, &e, "title", &n.title);
            self.text(file, &e, "summary", &n.summary);
            self.sources(file, &e, &n.sources, true);
            if n.addressees.is_empty() {
                self.report(
                    file,
                    e.clone(),
                    "addressees",
                    Defect::InvalidValue {
                        reason: "name at least one addressee (states, non-state-actors, producers)".into(),
                    },
                );
            }
            for (i, a) in n.addressees.iter().enumerate() {
                let ok = self.in_vocabulary(ADDRESSEES, a);
                self.reference(file, &e, format!("addressees[{i}]"), "addressee", a, ok);
            }
            let ok = self.in_vocabulary(NORM_KINDS, &n.kind);
            self.reference(file, &e, "kind".into(), "norm kind", &n.kind, ok);
            if n.principles.is_empty() {
                self.report(
                    file,
                    e.clone(),
                    "principles",
                    Defect::InvalidValue { reason: "name at least one principle the norm serves".into() },
                );
            }
            for (i, p) in n.principles.iter().enumerate() {
                let ok = self.principles.contains(p.as_str());
                self.reference(file, &e, format!("principles[{i}]"), "principle", p, ok);
            }
            for (i, r) in n.related.iter().enumerate() {
                let ok = self.norms.contains(r.as_str()) && r != &n.id;
                self.reference(file, &e, format!("related[{i}]"), "norm", r, ok);
            }
            for (i, a) in n.assets.iter().enumerate() {
                let ok = self
                    .terms
                    .get(a.as_str())
                    .and_then(|t| c.taxonomy(t))
                    .is_some_and(|t| t.kind == TaxonomyKind::Assets);
                self.reference(file, &e, format!("assets[{i}]"), "asset class", a, ok);
            }
        }
    }

    fn taxonomies(&mut self) {
        let c = self.catalog;
        for (t, path) in c.taxonomies.iter().zip(self.taxonomy_paths) {
            let e = format!("taxonomy `{}`", t.id);
            let expected = format!("taxonomies/{}.toml", t.id);
            if path.trim_start_matches("./") != expected {
                self.report(
                    path,
                    e.clone(),
                    "id",
                    Defect::InvalidValue {
                        reason: format!("the file of taxonomy `{}` must be named {expected}", t.id),
                    },
                );
            }
            self.text(path, &e, "title", &t.title);
            self.text(path, &e, "description", &t.description);
            self.sources(path, &e, &t.sources, false);
            if t.terms.is_empty() {
                self.report(path, e.clone(), "term", Defect::InvalidValue { reason: "a taxonomy needs terms".into() });
            }
            for term in &t.terms {
                let e = format!("term `{}`", term.id);
                self.text(path, &e, "label", &term.label);
                if let Some(d) = &term.description {
                    self.text(path, &e, "description", d);
                }
                self.sources(path, &e, &term.sources, false);
                if let Some(parent) = &term.parent {
                    let ok = t.term(parent).is_some() && parent != &term.id;
                    self.reference(path, &e, "parent".into(), "term of the same taxonomy", parent, ok);
                }
                if let Some(level) = &term.level {
                    let ok = self.in_vocabulary(RESPONSE_LEVELS, level);
                    self.reference(path, &e, "level".into(), "response level", level, ok);
                }
                if let Some([lo, hi]) = term.probability
                    && !(lo < hi && hi <= 100)
                {
                    self.report(
                        path,
                        e,
                        "probability",
                        Defect::InvalidValue { reason: format!("[{lo}, {hi}] is not a range of percentages") },
                    );
                }
            }
        }
        for required in [ADDRESSEES, NORM_KINDS] {
            if c.taxonomy(required).is_none() {
                self.report(
                    &format!("taxonomies/{required}.toml"),
                    format!("taxonomy `{required}`"),
                    "id",
                    Defect::InvalidValue { reason: "this vocabulary is required: norms refer to it".into() },
                );
            }
        }
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}
