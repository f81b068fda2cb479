//! Who acts: an account (or nobody) and the communities its stakeholder belongs to. Every
//! interface turns its own notion of a caller (a bearer token, a session, a CLI operator) into
//! this, so the rights checks are made once, here.
use crate::AppError;
use normwatch_core::{Account, FieldError, Right, Viewer};
use normwatch_store::Actor;

/// Borrowed from the interface's caller; cheap to copy into each use case.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub account: Option<&'a Account>,
    /// The communities of interest the account's stakeholder belongs to.
    pub communities: &'a [String],
}

impl<'a> Acting<'a> {
    pub fn new(account: Option<&'a Account>, communities: &'a [String]) -> Acting<'a> {
        Acting { account, communities }
    }

    /// What the store lets this account read.
    pub fn viewer(&self) -> Viewer {
        let mut v = self.account.map_or_else(Viewer::anonymous, Account::viewer);
        v.communities = Some(self.communities.to_vec());
        v
    }

    /// Whom the audit trail names.
    pub fn actor(&self) -> Actor {
        Actor(self.account.map_or_else(|| "anonymous".to_owned(), |a| a.id.clone()))
    }

    pub fn signed_in(&self) -> Result<&'a Account, AppError> {
        self.account.ok_or_else(|| AppError::Unauthenticated("sign in: send `Authorization: Bearer <token>`".into()))
    }

    /// Refuses marking a record for a community the account's stakeholder is not a member of.
    pub fn require_member(&self, community: Option<&str>) -> Result<(), AppError> {
        match community {
            Some(c) if !self.communities.iter().any(|m| m == c) => Err(AppError::InvalidField(FieldError::new(
                "community",
                format!("your stakeholder is not a member of `{c}`"),
            ))),
            _ => Ok(()),
        }
    }

    /// The account, if it holds `right` (for `stakeholder`, where the right has an own-variant).
    pub fn require(&self, right: Right, stakeholder: Option<&str>) -> Result<&'a Account, AppError> {
        let account = self.signed_in()?;
        if account.may(right, stakeholder) {
            return Ok(account);
        }
        let scope = match (right.own_variant(), stakeholder) {
            (Some(_), Some(s)) if account.role.has(right.own_variant().unwrap_or(right)) => {
                format!(" for stakeholder `{s}` (you act for `{}`)", account.stakeholder.as_deref().unwrap_or("none"))
            }
            _ => String::new(),
        };
        Err(AppError::Forbidden { role: account.role.name().to_owned(), right: right.name(), scope })
    }
}
