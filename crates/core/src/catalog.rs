//! The catalogue: the reference data every record cites. Loaded from the TOML files of
//! `catalog/` (see its README), validated as a whole, and versioned by a content digest.
use crate::lang::{Lang, Localized};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

#[cfg(test)]
mod tests;
mod validate;

use validate::Validator;

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
