//! The catalogue: the reference data every record cites. Loaded from the TOML files of
//! `catalog/` (see its README), validated as a whole, and versioned by a content digest.
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

include!(concat!(env!("OUT_DIR"), "/embedded_catalog.rs"));

/// One catalogue file: its path relative to the catalogue folder, and its text.
#[derive(Debug, Clone)]
pub struct CatalogFile {
    pub path: String,
    pub text: String,
}

impl CatalogFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        CatalogFile { path: path.into(), text: text.into() }
    }

    /// The files the binary was built with (the workspace's `catalog/` folder).
    pub fn embedded() -> Vec<CatalogFile> {
        EMBEDDED.iter().map(|(p, t)| CatalogFile::new(*p, *t)).collect()
    }
}

/// Where a norm or another entry is written down: a catalogue document and a paragraph,
/// item or section of it as the document prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub document: String,
    pub paragraph: String,
}

impl Source {
    /// A comparison key for paragraphs: `13 (f)`, `13(f)` and `13(F)` are the same paragraph.
    pub fn paragraph_key(paragraph: &str) -> String {
        paragraph.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogMeta {
    pub version: String,
    pub title: Localized,
    pub description: Localized,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub title: Localized,
    pub date: String,
    pub publisher: Localized,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principle {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkElement {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub sources: Vec<Source>,
    #[serde(default)]
    pub norms: Vec<String>,
}

/// A technical standard, mapped to the norms it helps implement and the assets it protects.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    pub id: String,
    pub title: Localized,
    pub publisher: String,
    pub url: String,
    pub summary: Localized,
    #[serde(default)]
    pub norms: Vec<String>,
    #[serde(default)]
    pub assets: Vec<String>,
}

/// A list of controls a stakeholder assesses itself against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    #[serde(default)]
    pub norms: Vec<String>,
    #[serde(alias = "control", default)]
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: Localized,
    #[serde(default)]
    pub standards: Vec<String>,
}

/// Whether a norm is in force in the catalogue, proposed in a consultation, or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NormStatus {
    Active,
    Proposed,
    Superseded,
}

/// A voluntary, non-binding norm of responsible behaviour in cyberspace.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Norm {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub sources: Vec<Source>,
    /// Terms of the `addressees` vocabulary: who the norm asks something of.
    pub addressees: Vec<String>,
    /// A term of the `norm-kinds` vocabulary: restraint, or requirement to act.
    pub kind: String,
    pub principles: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    /// Asset-class terms the norm protects.
    #[serde(default)]
    pub assets: Vec<String>,
    pub status: NormStatus,
}

impl Norm {
    /// Whether the norm asks something of this kind of addressee.
    pub fn addresses(&self, addressee: &str) -> bool {
        self.addressees.iter().any(|a| a == addressee)
    }

    /// The text the full-text search looks in: id, titles, summaries and cited paragraphs.
    pub fn search_text(&self) -> String {
        let mut text = vec![
            self.id.clone(),
            self.title.ja.clone(),
            self.title.en.clone(),
            self.summary.ja.clone(),
            self.summary.en.clone(),
        ];
        text.extend(self.sources.iter().map(|s| format!("{} {}", s.document, s.paragraph)));
        text.join("\n")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// Classes of assets that incidents affect and norms protect.
    Assets,
    /// A controlled list of terms that records use.
    Vocabulary,
}

/// An asset taxonomy or a controlled vocabulary.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub id: String,
    pub kind: TaxonomyKind,
    pub title: Localized,
    pub description: Localized,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(alias = "term", default)]
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For response types: their place on the GCSC continuum (a `response-levels` term).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// For ICD 203 likelihood terms: the probability range in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<[u8; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// The whole catalogue, validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    pub meta: CatalogMeta,
    /// SHA-256 over the files it was loaded from: a new digest is a new catalogue version.
    pub digest: String,
    pub documents: Vec<Document>,
    pub principles: Vec<Principle>,
    pub framework: Vec<FrameworkElement>,
    pub recommendations: Vec<Recommendation>,
    pub norms: Vec<Norm>,
    pub taxonomies: Vec<Taxonomy>,
    #[serde(default)]
    pub standards: Vec<Standard>,
    #[serde(default)]
    pub baselines: Vec<Baseline>,
}

/// What is wrong with one field of one catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    DuplicateId { id: String, first_in: String },
    DanglingReference { target: &'static str, id: String },
    MissingLanguage { lang: Lang },
    UnknownDocument { id: String },
    InvalidValue { reason: String },
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Defect::DuplicateId { id, first_in } => {
                write!(f, "duplicate id `{id}` (first defined in {first_in}); ids must be unique")
            }
            Defect::DanglingReference { target, id } => {
                write!(f, "refers to {target} `{id}`, which the catalogue does not define")
            }
            Defect::MissingLanguage { lang } => {
                write!(f, "the {} text is missing or empty; every text needs `ja` and `en`", lang)
            }
            Defect::UnknownDocument { id } => {
                write!(f, "cites document `{id}`, which is not in documents.toml; add it there or fix the id")
            }
            Defect::InvalidValue { reason } => f.write_str(reason),
        }
    }
}

/// One problem found in the catalogue, located by file, entry and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub entry: String,
    pub field: String,
    pub defect: Defect,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: field `{}`: {}", self.file, self.entry, self.field, self.defect)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{file}: not valid catalogue TOML: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: a required catalogue file is missing")]
    MissingFile { file: String },
    #[error(
        "{file}: not a catalogue file; expected one of catalog.toml, documents.toml, principles.toml, framework.toml, recommendations.toml, norms.toml, standards.toml, taxonomies/<id>.toml"
    )]
    UnexpectedFile { file: String },
    #[error("the catalogue has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

impl CatalogError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            CatalogError::Invalid(p) => p,
            _ => &[],
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsFile {
    #[serde(default)]
    document: Vec<Document>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrinciplesFile {
    #[serde(default)]
    principle: Vec<Principle>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFile {
    #[serde(default)]
    element: Vec<FrameworkElement>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecommendationsFile {
    #[serde(default)]
    recommendation: Vec<Recommendation>,
}
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StandardsFile {
    #[serde(default)]
    standard: Vec<Standard>,
    #[serde(default)]
    baseline: Vec<Baseline>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NormsFile {
    #[serde(default)]
    norm: Vec<Norm>,
}

fn parse<T: serde::de::DeserializeOwned>(file: &CatalogFile) -> Result<T, CatalogError> {
    toml::from_str(&file.text).map_err(|e| CatalogError::Parse { file: file.path.clone(), message: e.to_string() })
}

/// The vocabularies that the catalogue itself refers to.
pub const ADDRESSEES: &str = "addressees";
pub const NORM_KINDS: &str = "norm-kinds";
pub const RESPONSE_LEVELS: &str = "response-levels";

impl Catalog {
    /// The catalogue the binary was built with.
    pub fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::from_files(&CatalogFile::embedded())
    }

    /// Parses and validates a catalogue. Every problem is reported, not only the first.
    pub fn from_files(files: &[CatalogFile]) -> Result<Catalog, CatalogError> {
        let mut by_name: BTreeMap<&str, &CatalogFile> = BTreeMap::new();
        let mut taxonomy_files = Vec::new();
        for file in files {
            let path = file.path.trim_start_matches("./");
            match path {
                "catalog.toml"
                | "documents.toml"
                | "principles.toml"
                | "framework.toml"
                | "recommendations.toml"
                | "norms.toml"
                | "standards.toml" => {
                    by_name.insert(path, file);
                }
                p if p.starts_with("taxonomies/") && p.ends_with(".toml") => taxonomy_files.push(file),
                // The screening test set lives beside the norms it tests; it is not reference data.
                "screening-cases.toml" => {}
                _ => return Err(CatalogError::UnexpectedFile { file: file.path.clone() }),
            }
        }
        let need =
            |name: &str| by_name.get(name).copied().ok_or_else(|| CatalogError::MissingFile { file: name.to_owned() });
        let meta: CatalogMeta = parse(need("catalog.toml")?)?;
        let documents = parse::<DocumentsFile>(need("documents.toml")?)?.document;
        let principles = parse::<PrinciplesFile>(need("principles.toml")?)?.principle;
        let framework = parse::<FrameworkFile>(need("framework.toml")?)?.element;
        let recommendations = parse::<RecommendationsFile>(need("recommendations.toml")?)?.recommendation;
        let norms = parse::<NormsFile>(need("norms.toml")?)?.norm;
        // Optional: a catalogue without standards is still a catalogue.
        let standards_file = match by_name.get("standards.toml") {
            Some(f) => parse::<StandardsFile>(f)?,
            None => StandardsFile::default(),
        };
        taxonomy_files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut taxonomies = Vec::new();
        for file in &taxonomy_files {
            taxonomies.push(parse::<Taxonomy>(file)?);
        }

        let mut hasher = Sha256::new();
        let mut sorted: Vec<&CatalogFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        for f in sorted {
            hasher.update(f.path.as_bytes());
            hasher.update([0]);
            hasher.update(f.text.as_bytes());
            hasher.update([0]);
        }
        let digest = hex::encode(hasher.finalize());

        let mut catalog = Catalog {
            meta,
            digest,
            documents,
            principles,
            framework,
            recommendations,
            norms,
            taxonomies,
            standards: standards_file.standard,
            baselines: standards_file.baseline,
        };
        let taxonomy_paths: Vec<String> = taxonomy_files.iter().map(|f| f.path.clone()).collect();
        let problems = Validator::new(&catalog, &taxonomy_paths).run();
        if !problems.is_empty() {
            return Err(CatalogError::Invalid(problems));
        }
        catalog.make_relations_symmetric();
        Ok(catalog)
    }

    /// `related` is stated once in the files; readers expect to see it from both ends.
    fn make_relations_symmetric(&mut self) {
        let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
        for n in &self.norms {
            for r in &n.related {
                pairs.insert((n.id.clone(), r.clone()));
                pairs.insert((r.clone(), n.id.clone()));
            }
        }
        for n in &mut self.norms {
            n.related = pairs.iter().filter(|(a, _)| a == &n.id).map(|(_, b)| b.clone()).collect();
        }
    }

    pub fn norm(&self, id: &str) -> Option<&Norm> {
        self.norms.iter().find(|n| n.id == id)
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn principle(&self, id: &str) -> Option<&Principle> {
        self.principles.iter().find(|p| p.id == id)
    }

    pub fn baseline(&self, id: &str) -> Option<&Baseline> {
        self.baselines.iter().find(|b| b.id == id)
    }

    pub fn taxonomy(&self, id: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.id == id)
    }

    /// A term of any taxonomy, with the taxonomy it belongs to.
    pub fn term(&self, id: &str) -> Option<(&Taxonomy, &Term)> {
        self.taxonomies.iter().find_map(|t| t.term(id).map(|term| (t, term)))
    }

    /// The norms a document states, in any paragraph.
    pub fn norms_citing_document(&self, document: &str) -> Vec<&Norm> {
        self.norms.iter().filter(|n| n.sources.iter().any(|s| s.document == document)).collect()
    }

    /// The norms a document paragraph states (e.g. UN GGE 13(f) and G7 Lucca item 6 both give
    /// `gge-f`).
    pub fn norms_citing(&self, document: &str, paragraph: &str) -> Vec<&Norm> {
        let key = Source::paragraph_key(paragraph);
        self.norms
            .iter()
            .filter(|n| n.sources.iter().any(|s| s.document == document && Source::paragraph_key(&s.paragraph) == key))
            .collect()
    }
}

/// Collects every problem of a parsed catalogue.
struct Validator<'a> {
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
    fn new(catalog: &'a Catalog, taxonomy_paths: &'a [String]) -> Self {
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

    fn run(mut self) -> Vec<Problem> {
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
            for (i, n) in r.norms.iter().enumerate() {
                let ok = self.norms.contains(n.as_str());
                self.reference("recommendations.toml", &e, format!("norms[{i}]"), "norm", n, ok);
            }
        }
        self.norms();
        self.taxonomies();
        self.standards();
        self.problems
    }

    fn standards(&mut self) {
        let c = self.catalog;
        let file = "standards.toml";
        let mut seen: HashMap<&str, ()> = HashMap::new();
        let standard_ids: HashSet<&str> = c.standards.iter().map(|s| s.id.as_str()).collect();
        for s in &c.standards {
            let e = format!("standard `{}`", s.id);
            if seen.insert(s.id.as_str(), ()).is_some() {
                self.report(file, e.clone(), "id", Defect::DuplicateId { id: s.id.clone(), first_in: file.into() });
            }
            self.text(file, &e, "title", &s.title);
            self.text(file, &e, "summary", &s.summary);
            for (i, n) in s.norms.iter().enumerate() {
                let ok = self.norms.contains(n.as_str());
                self.reference(file, &e, format!("norms[{i}]"), "norm", n, ok);
            }
            for (i, a) in s.assets.iter().enumerate() {
                let ok = self.terms.contains_key(a.as_str());
                self.reference(file, &e, format!("assets[{i}]"), "asset class", a, ok);
            }
        }
        for b in &c.baselines {
            let e = format!("baseline `{}`", b.id);
            if seen.insert(b.id.as_str(), ()).is_some() {
                self.report(file, e.clone(), "id", Defect::DuplicateId { id: b.id.clone(), first_in: file.into() });
            }
            self.text(file, &e, "title", &b.title);
            self.text(file, &e, "summary", &b.summary);
            for (i, n) in b.norms.iter().enumerate() {
                let ok = self.norms.contains(n.as_str());
                self.reference(file, &e, format!("norms[{i}]"), "norm", n, ok);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A small catalogue that is valid; each test breaks one thing in it.
    fn fixture() -> Vec<CatalogFile> {
        vec![
            CatalogFile::new(
                "catalog.toml",
                r#"version = "t.1"
title = { ja = "目録", en = "Catalogue" }
description = { ja = "試験用", en = "For tests" }"#,
            ),
            CatalogFile::new(
                "documents.toml",
                r#"[[document]]
id = "un-gge-2015"
title = { ja = "国連GGE報告書", en = "UN GGE report" }
date = "2015-07-22"
publisher = { ja = "国際連合", en = "United Nations" }
url = "https://example.org/a-70-174"
[[document]]
id = "g7-lucca-2017"
title = { ja = "ルッカ宣言", en = "Lucca Declaration" }
date = "2017-04-11"
publisher = { ja = "G7", en = "G7" }
url = "https://example.org/lucca""#,
            ),
            CatalogFile::new(
                "principles.toml",
                r#"[[principle]]
id = "restraint"
title = { ja = "自制", en = "Restraint" }
summary = { ja = "控える", en = "Hold back" }
sources = [{ document = "un-gge-2015", paragraph = "1" }]"#,
            ),
            CatalogFile::new("framework.toml", ""),
            CatalogFile::new("recommendations.toml", ""),
            CatalogFile::new(
                "norms.toml",
                r#"[[norm]]
id = "gge-f"
title = { ja = "重要インフラ", en = "Critical infrastructure" }
summary = { ja = "損なわない", en = "Do not damage it" }
sources = [{ document = "un-gge-2015", paragraph = "13(f)" }, { document = "g7-lucca-2017", paragraph = "6" }]
addressees = ["states"]
kind = "restraint"
principles = ["restraint"]
related = ["gge-g"]
assets = ["ci"]
status = "active"
[[norm]]
id = "gge-g"
title = { ja = "防護", en = "Protection" }
summary = { ja = "守る", en = "Protect it" }
sources = [{ document = "un-gge-2015", paragraph = "13(g)" }]
addressees = ["states"]
kind = "restraint"
principles = ["restraint"]
status = "active""#,
            ),
            CatalogFile::new(
                "taxonomies/addressees.toml",
                r#"id = "addressees"
kind = "vocabulary"
title = { ja = "名宛人", en = "Addressees" }
description = { ja = "誰に", en = "Whom" }
[[term]]
id = "states"
label = { ja = "国家", en = "States" }"#,
            ),
            CatalogFile::new(
                "taxonomies/norm-kinds.toml",
                r#"id = "norm-kinds"
kind = "vocabulary"
title = { ja = "種類", en = "Kinds" }
description = { ja = "種類", en = "Kinds" }
[[term]]
id = "restraint-kind"
label = { ja = "自制", en = "Restraint" }
[[term]]
id = "restraint"
label = { ja = "自制", en = "Restraint" }"#,
            ),
            CatalogFile::new(
                "taxonomies/critical-infrastructure.toml",
                r#"id = "critical-infrastructure"
kind = "assets"
title = { ja = "重要インフラ", en = "Critical infrastructure" }
description = { ja = "分野", en = "Sectors" }
[[term]]
id = "ci"
label = { ja = "重要インフラ", en = "Critical infrastructure" }"#,
            ),
        ]
    }

    fn with(path: &str, edit: impl Fn(&str) -> String) -> Vec<CatalogFile> {
        fixture()
            .into_iter()
            .map(|f| if f.path == path { CatalogFile::new(f.path.clone(), edit(&f.text)) } else { f })
            .collect()
    }

    fn problems(files: &[CatalogFile]) -> Vec<Problem> {
        match Catalog::from_files(files) {
            Err(CatalogError::Invalid(p)) => p,
            other => panic!("expected validation problems, got {other:?}"),
        }
    }

    #[test]
    fn the_fixture_is_valid_and_relations_read_both_ways() {
        let c = Catalog::from_files(&fixture()).expect("fixture is valid");
        assert_eq!(c.norm("gge-g").map(|n| n.related.clone()), Some(vec!["gge-f".to_owned()]));
        assert_eq!(c.norms_citing("g7-lucca-2017", " 6 ").len(), 1);
        assert_eq!(c.norms_citing("un-gge-2015", "13 (F)")[0].id, "gge-f");
    }

    #[test]
    fn duplicate_id_names_file_entry_and_first_place() {
        // A term that reuses another taxonomy's term: terms are unique across taxonomies.
        let files = with("taxonomies/norm-kinds.toml", |t| t.replace("id = \"restraint-kind\"", "id = \"states\""));
        let p = problems(&files);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].file, "taxonomies/norm-kinds.toml");
        assert_eq!(p[0].entry, "term `states`");
        assert_eq!(p[0].field, "id");
        assert!(
            matches!(&p[0].defect, Defect::DuplicateId { id, first_in } if id == "states" && first_in == "taxonomies/addressees.toml")
        );
    }

    #[test]
    fn dangling_reference_names_the_field() {
        let files = with("norms.toml", |t| t.replace("related = [\"gge-g\"]", "related = [\"gge-z\"]"));
        let p = problems(&files);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            (p[0].file.as_str(), p[0].entry.as_str(), p[0].field.as_str()),
            ("norms.toml", "norm `gge-f`", "related[0]")
        );
        assert_eq!(p[0].defect, Defect::DanglingReference { target: "norm", id: "gge-z".into() });
        let text = CatalogError::Invalid(p).to_string();
        assert!(text.contains("norms.toml: norm `gge-f`: field `related[0]`"), "{text}");
    }

    #[test]
    fn missing_language_names_the_language() {
        let files = with("norms.toml", |t| {
            t.replace("summary = { ja = \"守る\", en = \"Protect it\" }", "summary = { en = \"Protect it\" }")
        });
        let p = problems(&files);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].entry.as_str(), p[0].field.as_str()), ("norm `gge-g`", "summary.ja"));
        assert_eq!(p[0].defect, Defect::MissingLanguage { lang: Lang::Ja });
    }

    #[test]
    fn unknown_document_names_the_source() {
        let files = with("norms.toml", |t| t.replace("document = \"g7-lucca-2017\"", "document = \"g7-lucca-2071\""));
        let p = problems(&files);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].entry.as_str(), p[0].field.as_str()), ("norm `gge-f`", "sources[1].document"));
        assert_eq!(p[0].defect, Defect::UnknownDocument { id: "g7-lucca-2071".into() });
    }

    #[test]
    fn a_norm_addressing_an_unknown_actor_is_refused() {
        let files = with("norms.toml", |t| t.replacen("addressees = [\"states\"]", "addressees = [\"pirates\"]", 1));
        let p = problems(&files);
        assert_eq!(p[0].field, "addressees[0]");
    }

    #[test]
    fn parse_errors_name_the_file() {
        let files = with("norms.toml", |t| t.replace("status = \"active\"", "status = \"maybe\""));
        let err = Catalog::from_files(&files).expect_err("bad status");
        assert!(matches!(&err, CatalogError::Parse { file, .. } if file == "norms.toml"), "{err}");
        let files = with("documents.toml", |t| format!("{t}\nauthor = \"x\""));
        let err = Catalog::from_files(&files).expect_err("unknown field");
        assert!(err.to_string().contains("documents.toml"), "{err}");
    }

    #[test]
    fn digest_changes_with_content() {
        let a = Catalog::from_files(&fixture()).expect("valid");
        let b = Catalog::from_files(&with("norms.toml", |t| t.replace("Protect it", "Protect them"))).expect("valid");
        assert_ne!(a.digest, b.digest);
        assert_eq!(a.digest, Catalog::from_files(&fixture()).expect("valid").digest);
    }
}
