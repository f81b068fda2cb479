//! What the classifier speaks of: its label families, a labelled example, a proposal with its
//! reason. Shared by the model and the keyword rules.
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A family of labels the classifier proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    OperationTypes,
    Sectors,
    TargetCountries,
    AttributedState,
    /// `attribution` and `response`: what the item reports.
    Reports,
}

impl Family {
    pub const ALL: [Family; 5] =
        [Family::OperationTypes, Family::Sectors, Family::TargetCountries, Family::AttributedState, Family::Reports];

    pub fn name(self) -> &'static str {
        match self {
            Family::OperationTypes => "operation-types",
            Family::Sectors => "sectors",
            Family::TargetCountries => "target-countries",
            Family::AttributedState => "attributed-state",
            Family::Reports => "reports",
        }
    }
}

/// A labelled text to learn from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub text: String,
    pub labels: BTreeMap<Family, BTreeSet<String>>,
}

/// A label proposed for an item, how strongly (0–1; 0.5 is the model's threshold) and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub family: Family,
    pub label: String,
    pub score: f32,
    pub reason: String,
}
