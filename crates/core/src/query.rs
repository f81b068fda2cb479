//! Validated queries over the catalogue, shared by the HTTP API, the portal and the CLI so that a
//! bad filter gets the same precise error everywhere.
use crate::catalog::{ADDRESSEES, Catalog};
use std::fmt;

/// A request field that failed validation, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}`: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError { field: field.into(), reason: reason.into() }
    }
}

/// Filters over norms. Every filter narrows the result (they combine with AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormQuery {
    /// A catalogue document the norm cites.
    pub source: Option<String>,
    /// With `source`: the paragraph of that document (`13(f)`, `6`, …).
    pub paragraph: Option<String>,
    /// An `addressees` term; `both` means states and non-state actors.
    pub addressee: Option<String>,
    pub principle: Option<String>,
    /// Words that must all occur in the norm's id, title, summary (either language) or sources.
    pub terms: Vec<String>,
}

/// Longest full-text query we accept, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

impl NormQuery {
    /// The query parameters this query understands (besides the language ones).
    pub const PARAMETERS: [&'static str; 5] = ["source", "paragraph", "addressee", "principle", "q"];

    /// Validates raw parameters against the catalogue. Unknown values are errors, not empty
    /// results: a typo in a filter should not look like "no such norms".
    pub fn parse<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
        catalog: &Catalog,
    ) -> Result<NormQuery, FieldError> {
        let mut query = NormQuery::default();
        for (key, value) in params {
            let value = value.trim();
            let slot = match key {
                "source" => &mut query.source,
                "paragraph" => &mut query.paragraph,
                "addressee" => &mut query.addressee,
                "principle" => &mut query.principle,
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(FieldError::new("q", format!("longer than {MAX_QUERY_CHARS} characters")));
                    }
                    query.terms.extend(value.split_whitespace().map(str::to_owned));
                    continue;
                }
                other => {
                    return Err(FieldError::new(
                        other,
                        format!("unknown parameter; norms can be filtered by {}", Self::PARAMETERS.join(", ")),
                    ));
                }
            };
            if value.is_empty() {
                return Err(FieldError::new(key, "is empty; leave the parameter out to not filter by it"));
            }
            if slot.is_some() {
                return Err(FieldError::new(key, "given twice; give it once"));
            }
            *slot = Some(value.to_owned());
        }
        if let Some(source) = &query.source
            && catalog.document(source).is_none()
        {
            let known: Vec<&str> = catalog.documents.iter().map(|d| d.id.as_str()).collect();
            return Err(FieldError::new("source", format!("unknown document `{source}`; known: {}", known.join(", "))));
        }
        if query.paragraph.is_some() && query.source.is_none() {
            return Err(FieldError::new("paragraph", "needs `source`: say which document the paragraph is in"));
        }
        if let Some(addressee) = &query.addressee
            && addressee != "both"
            && catalog.taxonomy(ADDRESSEES).is_none_or(|t| t.term(addressee).is_none())
        {
            let known: Vec<&str> = catalog
                .taxonomy(ADDRESSEES)
                .map(|t| t.terms.iter().map(|t| t.id.as_str()).collect())
                .unwrap_or_default();
            return Err(FieldError::new(
                "addressee",
                format!("unknown addressee `{addressee}`; use one of {}, or both", known.join(", ")),
            ));
        }
        if let Some(principle) = &query.principle
            && catalog.principle(principle).is_none()
        {
            let known: Vec<&str> = catalog.principles.iter().map(|p| p.id.as_str()).collect();
            return Err(FieldError::new(
                "principle",
                format!("unknown principle `{principle}`; known: {}", known.join(", ")),
            ));
        }
        Ok(query)
    }

    /// The addressee terms a norm must all have: `both` means states and non-state actors.
    pub fn addressees(&self) -> Vec<&str> {
        match self.addressee.as_deref() {
            Some("both") => vec!["states", "non-state-actors"],
            Some(a) => vec![a],
            None => vec![],
        }
    }
}

impl fmt::Display for NormQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(s) = &self.source {
            parts.push(format!("source={s}"));
        }
        if let Some(p) = &self.paragraph {
            parts.push(format!("paragraph={p}"));
        }
        if let Some(a) = &self.addressee {
            parts.push(format!("addressee={a}"));
        }
        if let Some(p) = &self.principle {
            parts.push(format!("principle={p}"));
        }
        if !self.terms.is_empty() {
            parts.push(format!("q={}", self.terms.join(" ")));
        }
        f.write_str(&parts.join("&"))
    }
}
