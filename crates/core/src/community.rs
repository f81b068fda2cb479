//! Communities of interest (GCSC 6E): who belongs, what they focus on, how they decide. The
//! rules a new community and a logged decision must meet live here so that every interface
//! refuses the same; the store keeps them and the API only carries them.
use crate::adoption::past_date;
use crate::catalog::Catalog;
use crate::ids::{CommunityId, NormId, StakeholderId};
use crate::lang::Localized;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};

/// The five things GCSC 6E finds successful communities have, as the community describes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SuccessFactors {
    pub shared_principles: String,
    pub problem_focus: String,
    pub expertise: String,
    pub support: String,
    pub transparent_process: String,
}

/// A member's part in a community: a coordinator may also log its decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRole {
    Member,
    Coordinator,
}

impl MemberRole {
    /// The role as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            MemberRole::Member => "member",
            MemberRole::Coordinator => "coordinator",
        }
    }

    pub fn parse(text: &str) -> Option<MemberRole> {
        [MemberRole::Member, MemberRole::Coordinator].into_iter().find(|r| r.as_str() == text)
    }
}

/// Whether `stakeholder` coordinates a community with these `(stakeholder, role)` members.
pub fn coordinates<'a>(members: impl IntoIterator<Item = (&'a str, &'a str)>, stakeholder: &str) -> bool {
    members.into_iter().any(|(s, role)| s == stakeholder && MemberRole::parse(role) == Some(MemberRole::Coordinator))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub stakeholder: String,
    #[serde(default = "member")]
    pub role: String,
}

fn member() -> String {
    MemberRole::Member.as_str().to_owned()
}

/// A new community as sent: strings, checked by [`CommunityInput::parse`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityInput {
    pub id: String,
    pub name: Localized,
    pub purpose: Localized,
    #[serde(default)]
    pub focus_norms: Vec<String>,
    pub success_factors: SuccessFactors,
    pub members: Vec<MemberInput>,
}

/// A member of a new community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub stakeholder: StakeholderId,
    pub role: MemberRole,
}

/// A new community, checked: a valid id, both languages, norms of the catalogue, members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    pub id: CommunityId,
    pub name: Localized,
    pub purpose: Localized,
    pub focus_norms: Vec<NormId>,
    pub success_factors: SuccessFactors,
    pub members: Vec<Member>,
}

impl CommunityInput {
    /// Checks the input against the catalogue. Whether each member is a registered
    /// stakeholder is the store's to say.
    pub fn parse(self, catalog: &Catalog) -> Result<Community, FieldError> {
        let id = CommunityId::parse_field("id", &self.id)?;
        for (field, t) in [("name", &self.name), ("purpose", &self.purpose)] {
            if let Some(lang) = t.missing().first() {
                return Err(FieldError::new(format!("{field}.{lang}"), "needed in Japanese and English"));
            }
        }
        let focus_norms = self
            .focus_norms
            .iter()
            .enumerate()
            .map(|(i, n)| {
                NormId::of(catalog, n)
                    .map_err(|_| FieldError::new(format!("focus_norms[{i}]"), format!("`{n}` is not a norm")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.members.is_empty() {
            return Err(FieldError::new("members", "a community needs members"));
        }
        let roles = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                MemberRole::parse(&m.role)
                    .ok_or_else(|| FieldError::new(format!("members[{i}].role"), "member or coordinator"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let members = self
            .members
            .iter()
            .zip(roles)
            .enumerate()
            .map(|(i, (m, role))| {
                Ok(Member {
                    stakeholder: StakeholderId::parse_field(&format!("members[{i}].stakeholder"), &m.stakeholder)?,
                    role,
                })
            })
            .collect::<Result<Vec<_>, FieldError>>()?;
        Ok(Community {
            id,
            name: self.name,
            purpose: self.purpose,
            focus_norms,
            success_factors: self.success_factors,
            members,
        })
    }
}

/// A decision a community logs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decided_on: String,
    pub text: Localized,
    /// Members who took part; that they are members is the store's to say.
    pub participants: Vec<String>,
}

impl DecisionInput {
    pub fn validate(&self, today: time::Date) -> Result<(), FieldError> {
        past_date("decided_on", &self.decided_on, today)?;
        if self.text.ja.trim().is_empty() && self.text.en.trim().is_empty() {
            return Err(FieldError::new("text", "write the decision (ja, en or both)"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(members: serde_json::Value) -> CommunityInput {
        serde_json::from_value(serde_json::json!({"id": "cert-coop",
            "name": {"ja": "協力", "en": "Cooperation"}, "purpose": {"ja": "目的", "en": "Purpose"},
            "focus_norms": ["gge-f"], "success_factors": SuccessFactors::default(), "members": members}))
        .expect("input")
    }

    fn refusal(input: CommunityInput) -> (String, String) {
        let catalog = Catalog::embedded().expect("catalogue");
        let e = input.parse(&catalog).expect_err("refused");
        (e.field, e.reason)
    }

    #[test]
    fn a_community_parses_with_its_members_and_roles() {
        let catalog = Catalog::embedded().expect("catalogue");
        let c = input(serde_json::json!([{"stakeholder": "jp", "role": "coordinator"}, {"stakeholder": "acme"}]))
            .parse(&catalog)
            .expect("valid");
        assert_eq!(c.id.as_str(), "cert-coop");
        assert_eq!(
            c.members[1],
            Member { stakeholder: StakeholderId::parse("acme").expect("id"), role: MemberRole::Member }
        );
        assert!(coordinates(c.members.iter().map(|m| (m.stakeholder.as_str(), m.role.as_str())), "jp"));
        assert!(!coordinates([("acme", "member")], "acme"));
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(refusal(input(serde_json::json!([]))), ("members".into(), "a community needs members".into()));
        let bad_role = input(serde_json::json!([{"stakeholder": "jp", "role": "chair"}]));
        assert_eq!(refusal(bad_role).0, "members[0].role");
        let mut bad_norm = input(serde_json::json!([{"stakeholder": "jp"}]));
        bad_norm.focus_norms.push("nope".into());
        assert_eq!(refusal(bad_norm), ("focus_norms[1]".into(), "`nope` is not a norm".into()));
        let mut no_en = input(serde_json::json!([{"stakeholder": "jp"}]));
        no_en.purpose.en.clear();
        assert_eq!(refusal(no_en).0, "purpose.en");
        let mut bad_id = input(serde_json::json!([{"stakeholder": "jp"}]));
        bad_id.id = "Cert Coop".into();
        assert_eq!(refusal(bad_id).0, "id");
    }

    #[test]
    fn a_decision_is_dated_and_written() {
        let today = time::macros::date!(2024 - 07 - 01);
        let decision = |on: &str, en: &str| DecisionInput {
            decided_on: on.into(),
            text: Localized::new("", en),
            participants: vec![],
        };
        assert!(decision("2024-06-01", "Share reports.").validate(today).is_ok());
        assert_eq!(decision("2024-06-01", " ").validate(today).expect_err("empty").field, "text");
        assert_eq!(decision("2024-08-01", "Later.").validate(today).expect_err("future").field, "decided_on");
    }
}
