//! Who may version an object (STIX 2.1 §3.6): "Only the object creator may create a new
//! version of an object", and `created_by_ref` stays the same across versions. normwatch's own
//! records are versioned by normwatch alone, and nobody outside speaks as normwatch's identity.

/// What a store holds of an object id before a new version arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Whether normwatch made the object (a published record's STIX form).
    pub ours: bool,
    pub created_by_ref: Option<String>,
    /// The account that first shared it (`None`: an operator's import).
    pub shared_by: Option<String>,
}

/// Who posts: the account (`None`: an operator's import on the command line) and the
/// stakeholder it acts for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Poster<'a> {
    pub account: Option<&'a str>,
    pub stakeholder: Option<&'a str>,
}

/// Why an incoming version of an object is refused, or `None` when it may be stored.
/// `held` is what the store has of the id (`None`: a new id); `claimed` the registered
/// stakeholder whose identity the incoming `created_by_ref` is, if any.
pub fn refusal(
    held: Option<&Held>,
    incoming_created_by: Option<&str>,
    claimed: Option<&str>,
    poster: Poster<'_>,
) -> Option<String> {
    let ours = crate::export::normwatch_identity_id();
    if incoming_created_by == Some(ours.as_str()) {
        return Some(format!(
            "created_by_ref names normwatch's own identity ({ours}); only normwatch creates its objects"
        ));
    }
    // An account speaks as a registered stakeholder only when it acts for it.
    if let (Some(claimed), Some(_)) = (claimed, poster.account)
        && poster.stakeholder != Some(claimed)
    {
        return Some(format!(
            "created_by_ref is the identity of stakeholder `{claimed}`, which your account does not act for"
        ));
    }
    let poster = poster.account;
    let held = held?;
    if held.ours {
        return Some(
            "the id is a record normwatch published; only its creator may create a new version (STIX 2.1 §3.6)".into(),
        );
    }
    if held.created_by_ref.as_deref() != incoming_created_by {
        return Some(format!(
            "created_by_ref differs from the version held ({}); only the object's creator may create a new version (STIX 2.1 §3.6)",
            held.created_by_ref.as_deref().unwrap_or("none")
        ));
    }
    if let (Some(first), Some(p)) = (held.shared_by.as_deref(), poster)
        && first != p
    {
        return Some(
            "another account shared this object; only its creator may create a new version (STIX 2.1 §3.6)".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(ours: bool, by: Option<&str>, shared: Option<&str>) -> Held {
        Held { ours, created_by_ref: by.map(str::to_owned), shared_by: shared.map(str::to_owned) }
    }

    #[test]
    fn only_the_creator_versions() {
        let us = crate::export::normwatch_identity_id();
        let mitre = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5";
        let by = |account: &'static str| Poster { account: Some(account), stakeholder: None };
        let operator = Poster::default();
        // New ids are free, unless they speak as normwatch.
        assert_eq!(refusal(None, Some(mitre), None, by("acct")), None);
        assert!(refusal(None, Some(&us), None, by("acct")).is_some());
        // A registered stakeholder's identity: only its own accounts (or the operator).
        let jp = crate::export::stakeholder_identity_id("jp");
        assert!(refusal(None, Some(&jp), Some("jp"), by("acct")).is_some());
        assert_eq!(refusal(None, Some(&jp), Some("jp"), Poster { account: Some("a"), stakeholder: Some("jp") }), None);
        assert_eq!(refusal(None, Some(&jp), Some("jp"), operator), None);
        // normwatch's records are never versioned from outside, whatever the claim.
        assert!(refusal(Some(&held(true, Some(&us), None)), Some(&us), None, operator).is_some());
        assert!(refusal(Some(&held(true, Some(&us), None)), Some(mitre), None, by("a")).is_some());
        // Others' objects keep their creator, and the account that shared them.
        assert_eq!(refusal(Some(&held(false, Some(mitre), None)), Some(mitre), None, operator), None);
        assert!(refusal(Some(&held(false, Some(mitre), None)), None, None, operator).is_some());
        assert!(refusal(Some(&held(false, Some(mitre), Some("a"))), Some(mitre), None, by("b")).is_some());
        assert_eq!(refusal(Some(&held(false, Some(mitre), Some("a"))), Some(mitre), None, by("a")), None);
    }
}
