//! Consultations: the standing multistakeholder mechanism (GCSC Recommendation 6) through which
//! norms are proposed, amended or defined, commented on by every kind of stakeholder, and decided.
use crate::adoption::parse_date;
use crate::catalog::{ADDRESSEES, Catalog, NORM_KINDS, Norm, NormStatus};
use crate::lang::Localized;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProposalKind {
    NewNorm,
    Amendment,
    Definition,
}

/// The norm a new-norm proposal would add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposedNorm {
    pub id: String,
    pub title: Localized,
    pub summary: Localized,
    pub addressees: Vec<String>,
    pub kind: String,
    pub principles: Vec<String>,
}

impl ProposedNorm {
    /// The catalogue norm it becomes when adopted: `proposed`, with no document yet.
    pub fn to_norm(&self) -> Norm {
        Norm {
            id: self.id.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            sources: vec![],
            addressees: self.addressees.clone(),
            kind: self.kind.clone(),
            principles: self.principles.clone(),
            related: vec![],
            assets: vec![],
            status: NormStatus::Proposed,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    pub kind: ProposalKind,
    pub title: Localized,
    pub text: Localized,
    /// For an amendment: the norm amended.
    #[serde(default)]
    pub norm: Option<String>,
    /// For a new norm: the norm proposed.
    #[serde(default)]
    pub proposed_norm: Option<ProposedNorm>,
    pub opens_on: String,
    pub closes_on: String,
}

fn both(field: &str, t: &Localized) -> Result<(), FieldError> {
    if let Some(lang) = t.missing().first() {
        return Err(err(&format!("{field}.{lang}"), "needed in Japanese and English"));
    }
    if t.ja.chars().count() > 8000 || t.en.chars().count() > 8000 {
        return Err(err(field, "longer than 8000 characters"));
    }
    Ok(())
}

impl ConsultationInput {
    pub fn validate(&self, catalog: &Catalog) -> Result<(), FieldError> {
        both("title", &self.title)?;
        both("text", &self.text)?;
        parse_date("opens_on", &self.opens_on)?;
        parse_date("closes_on", &self.closes_on)?;
        if self.closes_on < self.opens_on {
            return Err(err("closes_on", "before opens_on"));
        }
        match self.kind {
            ProposalKind::Amendment => match &self.norm {
                Some(n) => {
                    crate::ids::NormId::of_field(catalog, "norm", n)?;
                }
                None => return Err(err("norm", "an amendment names the norm it amends")),
            },
            ProposalKind::NewNorm => {
                let Some(p) = &self.proposed_norm else {
                    return Err(err("proposed_norm", "a new-norm proposal gives the norm it proposes"));
                };
                let valid_id = (3..=64).contains(&p.id.len())
                    && p.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !valid_id {
                    return Err(err("proposed_norm.id", "3–64 of a-z, 0-9 and -"));
                }
                if catalog.norm(&p.id).is_some() {
                    return Err(err("proposed_norm.id", format!("`{}` is a norm already", p.id)));
                }
                both("proposed_norm.title", &p.title)?;
                both("proposed_norm.summary", &p.summary)?;
                let in_vocab =
                    |vocab: &str, term: &str| catalog.taxonomy(vocab).is_some_and(|t| t.term(term).is_some());
                if p.addressees.is_empty() {
                    return Err(err("proposed_norm.addressees", "name whom the norm addresses"));
                }
                for (i, a) in p.addressees.iter().enumerate() {
                    if !in_vocab(ADDRESSEES, a) {
                        return Err(err(
                            &format!("proposed_norm.addressees[{i}]"),
                            format!("`{a}` is not an addressee"),
                        ));
                    }
                }
                if !in_vocab(NORM_KINDS, &p.kind) {
                    return Err(err(
                        "proposed_norm.kind",
                        format!("`{}` is not restraint or requirement-to-act", p.kind),
                    ));
                }
                for (i, pr) in p.principles.iter().enumerate() {
                    if catalog.principle(pr).is_none() {
                        return Err(err(
                            &format!("proposed_norm.principles[{i}]"),
                            format!("`{pr}` is not a principle"),
                        ));
                    }
                }
            }
            ProposalKind::Definition => {}
        }
        if self.kind != ProposalKind::NewNorm && self.proposed_norm.is_some() {
            return Err(err("proposed_norm", "only a new-norm proposal proposes a norm"));
        }
        Ok(())
    }

    /// Whether comments are accepted on `day`.
    pub fn open_on(opens_on: &str, closes_on: &str, day: &str) -> bool {
        opens_on <= day && day <= closes_on
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Adopted,
    Revised,
    Withdrawn,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub outcome: Outcome,
    pub rationale: Localized,
    pub decided_on: String,
}

impl OutcomeInput {
    /// An outcome explains itself and is decided on a past day, not before `c` opened.
    pub fn validate(&self, c: &Consultation, today: time::Date) -> Result<(), FieldError> {
        if self.rationale.ja.trim().is_empty() && self.rationale.en.trim().is_empty() {
            return Err(err("rationale", "explain the outcome (ja, en or both)"));
        }
        crate::adoption::past_date("decided_on", &self.decided_on, today)?;
        if self.decided_on < c.opens_on {
            return Err(err("decided_on", "before the consultation opened"));
        }
        Ok(())
    }
}

/// A stakeholder's comment on a consultation, as sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    pub stakeholder: String,
    pub text: String,
}

impl CommentInput {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.text.trim().is_empty() || self.text.chars().count() > 8000 {
            return Err(err("text", "1–8000 characters"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: String,
    pub stakeholder: String,
    /// The stakeholder's kind, so the balance between states, companies, the technical
    /// community, academia and civil society is visible.
    pub stakeholder_kind: String,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consultation {
    pub id: String,
    pub kind: ProposalKind,
    pub title: Localized,
    pub text: Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_norm: Option<ProposedNorm>,
    pub opens_on: String,
    pub closes_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<Localized>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
    pub comments: Vec<Comment>,
    /// Comments per stakeholder kind.
    pub balance: std::collections::BTreeMap<String, usize>,
}

impl Consultation {
    /// Refuses a comment on `today` outside the comment period, or once the outcome is decided.
    pub fn accepts_comments(&self, today: time::Date) -> Result<(), FieldError> {
        if !ConsultationInput::open_on(&self.opens_on, &self.closes_on, &today.to_string()) || self.outcome.is_some() {
            return Err(err(
                "consultation",
                format!("comments are open from {} to {} and before a decision", self.opens_on, self.closes_on),
            ));
        }
        Ok(())
    }
}
