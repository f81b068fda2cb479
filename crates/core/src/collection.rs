//! Collection's domain rules: who may triage collected items, the states an item goes through,
//! and what each triage decision must carry. Items are leads, not records: they are read by
//! those who may file incidents, never published; what is published is the incident an editor
//! files from them, through review.
use crate::{FieldError, Right, Viewer};
use serde::{Deserialize, Serialize};

/// Where an item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemOrigin {
    /// A registered source's poll.
    Source,
    /// A public tip ("report an incident").
    Tip,
}

impl ItemOrigin {
    pub const ALL: [ItemOrigin; 2] = [ItemOrigin::Source, ItemOrigin::Tip];

    pub fn name(self) -> &'static str {
        match self {
            ItemOrigin::Source => "source",
            ItemOrigin::Tip => "tip",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<ItemOrigin, FieldError> {
        Self::ALL
            .into_iter()
            .find(|o| o.name() == value)
            .ok_or_else(|| FieldError::new(field, format!("`{value}` is not an origin; use source or tip")))
    }
}

/// Where an item stands in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    /// Waiting for a coder.
    Open,
    /// Made into a draft incident.
    Promoted,
    /// Added to an existing incident as a source.
    Attached,
    /// Not about a norm violation (the reason is kept, and teaches the next training run).
    Dismissed,
}

impl ItemState {
    pub const ALL: [ItemState; 4] = [ItemState::Open, ItemState::Promoted, ItemState::Attached, ItemState::Dismissed];

    pub fn name(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Promoted => "promoted",
            ItemState::Attached => "attached",
            ItemState::Dismissed => "dismissed",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<ItemState, FieldError> {
        Self::ALL.into_iter().find(|s| s.name() == value).ok_or_else(|| {
            FieldError::new(field, format!("`{value}` is not an item state; use open, promoted, attached or dismissed"))
        })
    }
}

/// Collected items and sources are for those who may file incidents (editors and admins): an
/// item may be a tip naming a person, or a lead the observatory has not checked.
pub fn may_triage(viewer: &Viewer) -> bool {
    viewer.role.is_some_and(|r| r.has(Right::WriteIncidents))
}

/// Longest dismissal reason, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// A dismissal says why, briefly: the reason is shown in the queue and kept for training.
pub fn dismissal_reason(reason: Option<&str>) -> Result<String, FieldError> {
    let reason = reason.map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(FieldError::new("reason", "say why the item is dismissed (e.g. “not a cyber operation”)"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(FieldError::new("reason", format!("longer than {MAX_REASON_CHARS} characters")));
    }
    Ok(reason.to_owned())
}

/// Only an open item is decided; a decided one says how it was decided.
pub fn check_open(state: ItemState) -> Result<(), FieldError> {
    match state {
        ItemState::Open => Ok(()),
        s => Err(FieldError::new("state", format!("the item is {} already", s.name()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    fn viewer(role: Option<Role>) -> Viewer {
        Viewer { account: Some("a".into()), role, stakeholder: None, communities: Some(vec![]) }
    }

    #[test]
    fn only_those_who_file_incidents_triage() {
        assert!(may_triage(&viewer(Some(Role::Admin))));
        assert!(may_triage(&viewer(Some(Role::Editor))));
        for r in [Some(Role::Reviewer), Some(Role::Contributor), Some(Role::Reader), None] {
            assert!(!may_triage(&viewer(r)), "{r:?}");
        }
        assert!(!may_triage(&Viewer::anonymous()));
    }

    #[test]
    fn states_and_origins_parse_by_name() {
        for s in ItemState::ALL {
            assert_eq!(ItemState::parse("state", s.name()), Ok(s));
        }
        assert_eq!(ItemState::parse("state", "closed").map_err(|e| e.field), Err("state".to_owned()));
        assert_eq!(ItemOrigin::parse("origin", "tip"), Ok(ItemOrigin::Tip));
        assert!(ItemOrigin::parse("origin", "feed").is_err());
    }

    #[test]
    fn a_dismissal_says_why() {
        assert!(dismissal_reason(None).is_err());
        assert!(dismissal_reason(Some("  ")).is_err());
        assert!(dismissal_reason(Some(&"x".repeat(MAX_REASON_CHARS + 1))).is_err());
        assert_eq!(dismissal_reason(Some(" not cyber ")), Ok("not cyber".to_owned()));
        assert!(check_open(ItemState::Open).is_ok());
        assert!(check_open(ItemState::Dismissed).expect_err("decided").reason.contains("dismissed"));
    }
}
