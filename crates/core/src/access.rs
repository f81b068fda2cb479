//! Who may do what, and who may read what: roles and their rights, TLP 2.0 markings, record
//! status, and the viewer a read is made for (the store turns a viewer into its query filter).
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// `FromStr` for a fieldless enum with a `name()`: the value among `$all` of that name, or the
/// error "`text` is not " followed by `$not` (which names the choices).
macro_rules! parse_by_name {
    ($ty:ident, $all:expr, $not:literal) => {
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $all.into_iter().find(|v| v.name() == s).ok_or_else(|| format!(concat!("`{}` is not ", $not), s))
            }
        }
    };
}

/// An account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
    Reviewer,
    /// Acts for one stakeholder: records that stakeholder's positions and evidence only.
    Contributor,
    Reader,
}

/// The admin's rights: the admin-only ones first ([`ADMIN_ONLY`] of them), then the editor's.
const ADMIN_RIGHTS: &[Right] = {
    use Right::*;
    &[
        ManageAccounts,
        ReadAudit,
        WriteStakeholders,
        WriteKeys,
        WritePositions,
        WriteEvidence,
        WriteLegalPositions,
        ReadRestricted,
        ManageVepBoards,
        WriteVulnerabilities,
        WriteProgrammes,
        WriteContacts,
        ManageConsultations,
        ManagePeers,
        WriteIncidents,
        ReviewRecords,
    ]
};
const ADMIN_ONLY: usize = 2;

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Editor, Role::Reviewer, Role::Contributor, Role::Reader];

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Contributor => "contributor",
            Role::Reader => "reader",
        }
    }

    /// The rights of the role. A contributor's `*:own` rights are limited to its stakeholder.
    pub fn rights(self) -> &'static [Right] {
        use Right::*;
        match self {
            Role::Admin => ADMIN_RIGHTS,
            // Every admin right but the admin-only ones at the head of the list.
            Role::Editor => &ADMIN_RIGHTS[ADMIN_ONLY..],
            Role::Reviewer => &[ReadRestricted, ReviewRecords],
            Role::Contributor => &[
                WriteOwnKeys,
                WriteOwnPositions,
                WriteOwnEvidence,
                WriteOwnLegalPositions,
                WriteOwnProgrammes,
                WriteOwnContacts,
                WriteOwnIncidents,
            ],
            Role::Reader => &[],
        }
    }

    pub fn has(self, right: Right) -> bool {
        self.rights().contains(&right)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

parse_by_name!(Role, Role::ALL, "a role; use admin, editor, reviewer, contributor or reader");

/// A right a request may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Right {
    ManageAccounts,
    ReadAudit,
    WriteStakeholders,
    WriteKeys,
    WriteOwnKeys,
    WritePositions,
    WriteOwnPositions,
    WriteEvidence,
    WriteOwnEvidence,
    WriteLegalPositions,
    WriteOwnLegalPositions,
    /// Read drafts and records above TLP:GREEN (not TLP:RED of others).
    ReadRestricted,
    /// Set up vulnerability-equities boards (their cases stay the members' alone).
    ManageVepBoards,
    WriteVulnerabilities,
    WriteProgrammes,
    WriteOwnProgrammes,
    WriteContacts,
    WriteOwnContacts,
    ManageConsultations,
    /// Follow other observatories (federation): add peers, sync them.
    ManagePeers,
    /// File incidents and the findings about them (assessments, attributions, statements, responses).
    WriteIncidents,
    WriteOwnIncidents,
    /// Review records in review and publish those with enough approvals.
    ReviewRecords,
}

impl Right {
    pub fn name(self) -> &'static str {
        match self {
            Right::ManageAccounts => "accounts:manage",
            Right::ReadAudit => "audit:read",
            Right::WriteStakeholders => "stakeholders:write",
            Right::WriteKeys => "keys:write",
            Right::WriteOwnKeys => "keys:write-own",
            Right::WritePositions => "positions:write",
            Right::WriteOwnPositions => "positions:write-own",
            Right::WriteEvidence => "evidence:write",
            Right::WriteOwnEvidence => "evidence:write-own",
            Right::WriteLegalPositions => "legal-positions:write",
            Right::WriteOwnLegalPositions => "legal-positions:write-own",
            Right::ReadRestricted => "records:read-restricted",
            Right::ManageVepBoards => "vep-boards:manage",
            Right::WriteVulnerabilities => "vulnerabilities:write",
            Right::WriteProgrammes => "programmes:write",
            Right::WriteOwnProgrammes => "programmes:write-own",
            Right::WriteContacts => "contacts:write",
            Right::WriteOwnContacts => "contacts:write-own",
            Right::ManageConsultations => "consultations:manage",
            Right::ManagePeers => "peers:manage",
            Right::WriteIncidents => "incidents:write",
            Right::WriteOwnIncidents => "incidents:write-own",
            Right::ReviewRecords => "records:review",
        }
    }

    /// The narrower right that lets a contributor do the same for its own stakeholder.
    pub fn own_variant(self) -> Option<Right> {
        match self {
            Right::WriteKeys => Some(Right::WriteOwnKeys),
            Right::WritePositions => Some(Right::WriteOwnPositions),
            Right::WriteEvidence => Some(Right::WriteOwnEvidence),
            Right::WriteLegalPositions => Some(Right::WriteOwnLegalPositions),
            Right::WriteProgrammes => Some(Right::WriteOwnProgrammes),
            Right::WriteContacts => Some(Right::WriteOwnContacts),
            Right::WriteIncidents => Some(Right::WriteOwnIncidents),
            _ => None,
        }
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Traffic Light Protocol 2.0 marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub enum Tlp {
    #[default]
    #[serde(rename = "clear")]
    Clear,
    #[serde(rename = "green")]
    Green,
    #[serde(rename = "amber")]
    Amber,
    #[serde(rename = "amber+strict")]
    AmberStrict,
    #[serde(rename = "red")]
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red];

    pub fn name(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }
}

parse_by_name!(Tlp, Tlp::ALL, "a TLP 2.0 marking; use clear, green, amber, amber+strict or red");

/// Where a record is in its life: only published records are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RecordStatus {
    Draft,
    InReview,
    #[default]
    Published,
}

impl RecordStatus {
    pub fn name(self) -> &'static str {
        match self {
            RecordStatus::Draft => "draft",
            RecordStatus::InReview => "in-review",
            RecordStatus::Published => "published",
        }
    }
}

parse_by_name!(
    RecordStatus,
    [RecordStatus::Draft, RecordStatus::InReview, RecordStatus::Published],
    "a record status; use draft, in-review or published"
);

/// Who a read is made for. The store turns it into the WHERE clause of every read of marked
/// records, so nothing above the viewer's clearance leaves the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// `None` for an anonymous visitor.
    pub account: Option<String>,
    pub role: Option<Role>,
    /// The stakeholder a contributor acts for.
    pub stakeholder: Option<String>,
    /// The communities of interest whose records the viewer may read (its stakeholder is a
    /// member); `None` for the system itself (audits), which reads every community's records.
    pub communities: Option<Vec<String>>,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer { account: None, role: None, stakeholder: None, communities: Some(vec![]) }
    }

    /// normwatch itself (seeding, audits, delivery): every record of every community.
    pub fn system() -> Viewer {
        Viewer { account: None, role: Some(Role::Admin), stakeholder: None, communities: None }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Some(Role::Admin)
    }

    /// The markings this viewer may read in published records of others.
    pub fn published_markings(&self) -> &'static [Tlp] {
        match self.role {
            None => &[Tlp::Clear],
            Some(Role::Reader | Role::Contributor) => &[Tlp::Clear, Tlp::Green],
            Some(Role::Editor | Role::Reviewer) => &[Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict],
            Some(Role::Admin) => &Tlp::ALL,
        }
    }

    /// Whether this viewer may read drafts and records in review (beyond its own).
    pub fn reads_unpublished(&self) -> bool {
        self.role.is_some_and(|r| r.has(Right::ReadRestricted))
    }
}

/// A person's account. The password hash never leaves the store in this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stakeholder: Option<String>,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl Account {
    /// Only a contributor reads as its stakeholder: for other roles the stakeholder is an
    /// affiliation, which widens nothing.
    pub fn viewer(&self) -> Viewer {
        let stakeholder = if self.role == Role::Contributor { self.stakeholder.clone() } else { None };
        Viewer { account: Some(self.id.clone()), role: Some(self.role), stakeholder, communities: Some(vec![]) }
    }

    /// Whether the account may write with `right` for `stakeholder`: the full right, or its
    /// `own` variant when the stakeholder is the one the account acts for.
    pub fn may(&self, right: Right, stakeholder: Option<&str>) -> bool {
        if self.disabled {
            return false;
        }
        self.role.has(right)
            || right.own_variant().is_some_and(|own| {
                self.role.has(own) && stakeholder.is_some() && stakeholder == self.stakeholder.as_deref()
            })
    }
}

/// A username: 3–64 of a-z, 0-9, `.`, `_`, `-`.
pub fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// A new account, as an administrator asks for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub stakeholder: Option<String>,
    /// Leave out to have one generated (returned once).
    #[serde(default)]
    pub password: Option<String>,
}

impl AccountInput {
    /// The username, the display name, and a contributor's stakeholder. The password is checked
    /// by the interface's policy when it is hashed.
    pub fn validate(&self) -> Result<(), crate::FieldError> {
        use crate::FieldError;
        if !valid_username(&self.username) {
            return Err(FieldError::new("username", "3–64 of a-z, 0-9, `.`, `_`, `-`"));
        }
        if self.display_name.trim().is_empty() || self.display_name.chars().count() > 200 {
            return Err(FieldError::new("display_name", "1–200 characters"));
        }
        if self.role == Role::Contributor && self.stakeholder.is_none() {
            return Err(FieldError::new("stakeholder", "a contributor acts for one stakeholder: name it"));
        }
        Ok(())
    }
}

/// A change to an account, as an administrator asks for it: only the fields given change;
/// `stakeholder: null` removes the link.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    #[serde(default, deserialize_with = "given")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "given")]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "given")]
    pub stakeholder: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    pub disabled: Option<bool>,
}

/// A field that is present: `Some` of its value (for `stakeholder`, `null` is `Some(None)`, the
/// link removed; elsewhere `null` is refused); an absent one stays `None` (default).
fn given<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// What an account becomes under a change: its fields after it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountUpdate {
    pub display_name: String,
    pub role: Role,
    pub stakeholder: Option<String>,
    pub disabled: bool,
}

impl AccountChange {
    /// The account after the change, by administrator `by`. A contributor keeps a stakeholder;
    /// an administrator cannot disable its own account or give up its own administration, so an
    /// instance is never left without the person who made the change able to undo it.
    pub fn apply(&self, account: &Account, by: &Account) -> Result<AccountUpdate, crate::FieldError> {
        use crate::FieldError;
        let display_name = match &self.display_name {
            Some(n) if n.trim().is_empty() || n.chars().count() > 200 => {
                return Err(FieldError::new("display_name", "1–200 characters"));
            }
            Some(n) => n.trim().to_owned(),
            None => account.display_name.clone(),
        };
        let update = AccountUpdate {
            display_name,
            role: self.role.unwrap_or(account.role),
            stakeholder: match &self.stakeholder {
                Some(s) => s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
                None => account.stakeholder.clone(),
            },
            disabled: self.disabled.unwrap_or(account.disabled),
        };
        if update.role == Role::Contributor && update.stakeholder.is_none() {
            return Err(FieldError::new("stakeholder", "a contributor acts for one stakeholder: name it"));
        }
        if account.id == by.id && update.disabled {
            return Err(FieldError::new("disabled", "you cannot disable your own account"));
        }
        if account.id == by.id && account.role == Role::Admin && update.role != Role::Admin {
            return Err(FieldError::new("role", "you cannot take away your own administration; ask another admin"));
        }
        Ok(update)
    }
}

/// Whether administrator `by` may give `account` a new one-time password: not its own, which it
/// changes as everyone does (knowing the current one), so that it cannot lock itself out.
pub fn may_reset_password(account: &Account, by: &Account) -> Result<(), crate::FieldError> {
    if account.id == by.id {
        return Err(crate::FieldError::new(
            "id",
            "change your own password with POST /api/v1/me/password (in the portal: /account/password)",
        ));
    }
    Ok(())
}

/// An API token's name, trimmed: what the token is for, e.g. the script that uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(name: &str) -> Result<TokenName, crate::FieldError> {
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err(crate::FieldError::new(
                "name",
                "name the token (1–100 characters), e.g. the script that uses it",
            ));
        }
        Ok(TokenName(name.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many days a new token lasts: none (until revoked), or at least one, at most ten years.
pub fn token_days(days: Option<u32>) -> Result<Option<u32>, crate::FieldError> {
    match days {
        Some(0) => Err(crate::FieldError::new("expires_in_days", "at least 1 day")),
        Some(d) => Ok(Some(d.min(3650))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_tokens_are_named_by_the_rules() {
        let input = |role, stakeholder: Option<&str>| AccountInput {
            username: "ann.b".into(),
            display_name: " Ann ".into(),
            role,
            stakeholder: stakeholder.map(str::to_owned),
            password: None,
        };
        assert!(input(Role::Editor, None).validate().is_ok());
        let e = input(Role::Contributor, None).validate().err().map(|e| e.field);
        assert_eq!(e.as_deref(), Some("stakeholder"));
        let e = AccountInput { username: "A".into(), ..input(Role::Editor, None) }.validate().err().map(|e| e.field);
        assert_eq!(e.as_deref(), Some("username"));
        assert_eq!(TokenName::parse("  ci  ").map(|n| n.as_str().to_owned()).ok().as_deref(), Some("ci"));
        assert!(TokenName::parse(" ").is_err() && TokenName::parse(&"x".repeat(101)).is_err());
        assert_eq!(token_days(Some(99_999)).ok(), Some(Some(3650)));
        assert!(token_days(Some(0)).is_err());
    }

    #[test]
    fn an_admin_cannot_lock_itself_out_and_contributors_keep_a_stakeholder() {
        let admin = Account {
            id: "root".into(),
            username: "root".into(),
            display_name: "Root".into(),
            role: Role::Admin,
            stakeholder: None,
            disabled: false,
            created_at: String::new(),
            updated_at: String::new(),
            version: 1,
        };
        let ann = Account { id: "ann".into(), username: "ann".into(), role: Role::Reviewer, ..admin.clone() };
        let field = |c: AccountChange, of: &Account| c.apply(of, &admin).err().map(|e| e.field);
        let off = AccountChange { disabled: Some(true), ..Default::default() };
        assert_eq!(field(off.clone(), &admin).as_deref(), Some("disabled"));
        assert!(off.apply(&ann, &admin).is_ok_and(|u| u.disabled && u.role == Role::Reviewer));
        let demote = AccountChange { role: Some(Role::Editor), ..Default::default() };
        assert_eq!(field(demote, &admin).as_deref(), Some("role"));
        let contributor = AccountChange { role: Some(Role::Contributor), ..Default::default() };
        assert_eq!(field(contributor.clone(), &ann).as_deref(), Some("stakeholder"));
        let linked = AccountChange { stakeholder: Some(Some(" jp ".into())), ..contributor };
        assert_eq!(linked.apply(&ann, &admin).ok().and_then(|u| u.stakeholder).as_deref(), Some("jp"));
        let parsed: AccountChange = serde_json::from_str(r#"{"stakeholder": null}"#).expect("json");
        assert_eq!(parsed.stakeholder, Some(None), "null removes the link, absence keeps it");
        assert!(serde_json::from_str::<AccountChange>(r#"{"password": "x"}"#).is_err());
        assert!(serde_json::from_str::<AccountChange>(r#"{"role": null}"#).is_err(), "only the link may be null");
        assert_eq!(may_reset_password(&admin, &admin).err().map(|e| e.field).as_deref(), Some("id"));
        assert!(may_reset_password(&ann, &admin).is_ok());
    }

    #[test]
    fn contributors_write_for_their_own_stakeholder_only() {
        let a = Account {
            id: "a".into(),
            username: "ann".into(),
            display_name: "Ann".into(),
            role: Role::Contributor,
            stakeholder: Some("jp".into()),
            disabled: false,
            created_at: String::new(),
            updated_at: String::new(),
            version: 1,
        };
        assert!(a.may(Right::WritePositions, Some("jp")));
        assert!(!a.may(Right::WritePositions, Some("fr")));
        assert!(!a.may(Right::WriteStakeholders, Some("jp")));
        let editor = Account { role: Role::Editor, stakeholder: None, ..a.clone() };
        assert!(editor.may(Right::WritePositions, Some("fr")));
        let disabled = Account { role: Role::Admin, disabled: true, ..a };
        assert!(!disabled.may(Right::ManageAccounts, None));
    }

    #[test]
    fn roles_parse_and_rights_are_graded() {
        assert_eq!("editor".parse::<Role>(), Ok(Role::Editor));
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Admin.has(Right::ManageAccounts) && !Role::Editor.has(Right::ManageAccounts));
        assert!(Role::Contributor.has(Right::WriteOwnPositions) && !Role::Contributor.has(Right::WritePositions));
        assert!(Role::Reader.rights().is_empty());
    }

    #[test]
    fn tlp_names_round_trip() {
        for t in Tlp::ALL {
            assert_eq!(t.name().parse::<Tlp>(), Ok(t));
            assert_eq!(serde_json::to_value(t).expect("json"), t.name());
        }
        assert!("white".parse::<Tlp>().is_err());
    }

    #[test]
    fn clearance_grows_with_role() {
        let v =
            |role| Viewer { account: Some("a".into()), role: Some(role), stakeholder: None, communities: Some(vec![]) };
        assert_eq!(Viewer::anonymous().published_markings(), &[Tlp::Clear]);
        assert!(!v(Role::Reader).published_markings().contains(&Tlp::Amber));
        assert!(v(Role::Reviewer).published_markings().contains(&Tlp::AmberStrict));
        assert!(!v(Role::Editor).published_markings().contains(&Tlp::Red));
        assert!(v(Role::Admin).published_markings().contains(&Tlp::Red));
    }
}
