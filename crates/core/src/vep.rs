//! The vulnerability equities process (GCSC norm 5): a state's board weighs each undisclosed
//! vulnerability and decides to disclose it or to restrict it for a time; restriction needs a
//! written justification and a re-review within twelve months. Cases are confidential to the
//! board; what is published is an annual transparency report of aggregates.
use crate::adoption::{parse_date, past_date};
use crate::figures::{days_between, median};
use crate::ids::StakeholderId;
use crate::lang::Localized;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};

const MAX_TEXT: usize = 4000;

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

fn text(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(err(field, "is empty"));
    }
    if value.chars().count() > max {
        return Err(err(field, format!("longer than {max} characters")));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// A graded judgement of one equity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
}

/// The defensive equities: what disclosure would protect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefensiveEquities {
    /// How widely the product is used.
    pub product_usage: Level,
    /// How likely others find or already know the vulnerability.
    pub likelihood_others_find: Level,
    /// How much harm exploitation would do.
    pub harm_if_exploited: Level,
    /// Whether the vendor can fix it.
    pub patchable: bool,
}

/// The equities a board weighs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equities {
    pub defensive: DefensiveEquities,
    pub intelligence_value: Level,
    pub law_enforcement_value: Level,
    pub commercial: Level,
    pub international_partnerships: Level,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VepCaseInput {
    pub product: String,
    pub vendor: String,
    #[serde(default)]
    pub cve_id: Option<String>,
    pub severity: Severity,
    pub discovered_on: String,
    pub submitting_agency: String,
    /// When the board received it, for cases recorded after the fact; default today.
    #[serde(default)]
    pub submitted_on: Option<String>,
    pub equities: Equities,
}

/// `CVE-YYYY-NNNN…` (four or more digits after the year).
pub fn valid_cve(id: &str) -> bool {
    let mut parts = id.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("CVE"), Some(y), Some(n), None)
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit())
    )
}

impl VepCaseInput {
    pub fn validate(&self, today: time::Date) -> Result<(), FieldError> {
        text("product", &self.product, 200)?;
        text("vendor", &self.vendor, 200)?;
        if let Some(c) = &self.cve_id
            && !valid_cve(c)
        {
            return Err(err("cve_id", format!("`{c}` is not a CVE id such as CVE-2024-12345")));
        }
        past_date("discovered_on", &self.discovered_on, today)?;
        if let Some(s) = &self.submitted_on {
            past_date("submitted_on", s, today)?;
            if s < &self.discovered_on {
                return Err(err("submitted_on", "before the vulnerability was discovered"));
            }
        }
        text("submitting_agency", &self.submitting_agency, 200)?;
        if let Some(n) = &self.equities.notes {
            text("equities.notes", n, MAX_TEXT)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Disclose,
    Restrict,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: Decision,
    pub decided_on: String,
    /// For disclosure: to whom (the vendor, a coordinator, the public).
    #[serde(default)]
    pub disclose_to: Option<String>,
    /// For disclosure: the date the vendor was told, once it was.
    #[serde(default)]
    pub vendor_notified_on: Option<String>,
    /// For restriction: why, in writing.
    #[serde(default)]
    pub justification: Option<String>,
    /// For restriction: when the board looks again, at most twelve months after the decision.
    #[serde(default)]
    pub rereview_by: Option<String>,
}

impl DecisionInput {
    /// `submitted_on` is the case's: a board decides on what it has received. `previous` is the
    /// case's current decision: a new one may not be dated before it (which would rewrite the
    /// order the public report counts), and nothing follows a disclosure.
    pub fn validate(
        &self,
        submitted_on: &str,
        previous: Option<&VepDecision>,
        today: time::Date,
    ) -> Result<(), FieldError> {
        past_date("decided_on", &self.decided_on, today)?;
        let decided = parse_date("decided_on", &self.decided_on)?;
        if self.decided_on.as_str() < submitted_on {
            return Err(err("decided_on", format!("before the case was submitted ({submitted_on})")));
        }
        if let Some(p) = previous {
            if p.decision == Decision::Disclose {
                return Err(err(
                    "decision",
                    format!("the case was decided for disclosure on {}; that is final", p.decided_on),
                ));
            }
            if self.decided_on < p.decided_on {
                return Err(err("decided_on", format!("before the case's current decision ({})", p.decided_on)));
            }
        }
        match self.decision {
            Decision::Disclose => {
                match &self.disclose_to {
                    Some(to) => text("disclose_to", to, 200)?,
                    None => {
                        return Err(err(
                            "disclose_to",
                            "say to whom it is disclosed (the vendor, a coordinator, the public)",
                        ));
                    }
                }
                if let Some(n) = &self.vendor_notified_on {
                    past_date("vendor_notified_on", n, today)?;
                    if n.as_str() < self.decided_on.as_str() {
                        return Err(err("vendor_notified_on", "before the decision to disclose"));
                    }
                }
                if self.justification.is_some() || self.rereview_by.is_some() {
                    let field = if self.justification.is_some() { "justification" } else { "rereview_by" };
                    return Err(err(field, "only a restriction has a justification and a re-review date"));
                }
            }
            Decision::Restrict => {
                match &self.justification {
                    Some(j) => text("justification", j, MAX_TEXT)?,
                    None => return Err(err("justification", "a restriction needs a written justification")),
                }
                let Some(by) = &self.rereview_by else {
                    return Err(err("rereview_by", "a restriction needs a re-review date, at most 12 months ahead"));
                };
                let by_date = parse_date("rereview_by", by)?;
                let limit = decided.replace_year(decided.year() + 1).unwrap_or(decided + time::Duration::days(365));
                if by_date <= decided || by_date > limit {
                    return Err(err(
                        "rereview_by",
                        format!("must fall after {decided} and no later than {limit} (12 months)"),
                    ));
                }
                if self.disclose_to.is_some() || self.vendor_notified_on.is_some() {
                    return Err(err("disclose_to", "a restriction discloses to no one"));
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VepDecision {
    pub id: String,
    pub decision: Decision,
    pub decided_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclose_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_notified_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rereview_by: Option<String>,
    pub recorded_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VepCase {
    pub id: String,
    pub board: String,
    pub product: String,
    pub vendor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cve_id: Option<String>,
    pub severity: Severity,
    pub discovered_on: String,
    pub submitting_agency: String,
    pub submitted_on: String,
    pub equities: Equities,
    /// Oldest first; the last one is the case's decision.
    pub decisions: Vec<VepDecision>,
    /// Restricted, and the re-review date has passed without a new decision.
    pub overdue: bool,
    pub recorded_by: String,
    pub created_at: String,
}

impl VepCase {
    pub fn current(&self) -> Option<&VepDecision> {
        self.decisions.last()
    }

    /// Whether the case's restriction is past its re-review date on `today`.
    pub fn is_overdue(&self, today: &str) -> bool {
        self.current()
            .is_some_and(|d| d.decision == Decision::Restrict && d.rereview_by.as_deref().is_some_and(|by| by < today))
    }
}

/// What a board publishes for a year: aggregates only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransparencyReport {
    pub board: String,
    pub year: i32,
    /// Cases submitted in the year.
    pub cases: usize,
    /// Of those, decided (at least once).
    pub decided: usize,
    /// Of the decided, whose first decision was to disclose.
    pub disclosed: usize,
    /// `disclosed / decided`, or none when nothing was decided.
    pub disclosed_share: Option<f64>,
    /// Median days from submission to first decision, over the decided cases.
    pub median_days_to_decision: Option<f64>,
    /// Restrictions whose re-review fell due in the year (up to the report date).
    pub rereviews_due: usize,
    /// Of those, re-reviewed (a later decision) on or before the due date.
    pub rereviewed_on_time: usize,
    /// Cases whose restriction is overdue for re-review on the report date.
    pub overdue_now: usize,
}

impl TransparencyReport {
    pub fn compute(board: &str, year: i32, cases: &[VepCase], today: &str) -> TransparencyReport {
        let prefix = format!("{year:04}-");
        let in_year: Vec<&VepCase> = cases.iter().filter(|c| c.submitted_on.starts_with(&prefix)).collect();
        let decided: Vec<&VepCase> = in_year.iter().copied().filter(|c| !c.decisions.is_empty()).collect();
        let disclosed = decided.iter().filter(|c| c.decisions[0].decision == Decision::Disclose).count();
        let mut days: Vec<i64> =
            decided.iter().filter_map(|c| days_between(&c.submitted_on, &c.decisions[0].decided_on)).collect();
        let median = median(&mut days);
        let (mut due, mut on_time) = (0, 0);
        for c in cases {
            for (i, d) in c.decisions.iter().enumerate() {
                let Some(by) = d.rereview_by.as_deref().filter(|by| by.starts_with(&prefix) && *by <= today) else {
                    continue;
                };
                if d.decision != Decision::Restrict {
                    continue;
                }
                due += 1;
                if c.decisions.get(i + 1).is_some_and(|next| next.decided_on.as_str() <= by) {
                    on_time += 1;
                }
            }
        }
        TransparencyReport {
            board: board.to_owned(),
            year,
            cases: in_year.len(),
            decided: decided.len(),
            disclosed,
            disclosed_share: if decided.is_empty() { None } else { Some(disclosed as f64 / decided.len() as f64) },
            median_days_to_decision: median,
            rereviews_due: due,
            rereviewed_on_time: on_time,
            overdue_now: cases.iter().filter(|c| c.is_overdue(today)).count(),
        }
    }
}

/// One member of a new board: a signed-up account and the agency it speaks for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub username: String,
    pub agency: String,
}

/// A new board for a state's stakeholder, with its members.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardInput {
    pub id: String,
    pub stakeholder: String,
    pub name: Localized,
    pub members: Vec<MemberInput>,
}

impl BoardInput {
    /// The board's own fields; each member is checked in turn as its account is looked up.
    pub fn validate(&self) -> Result<(), FieldError> {
        StakeholderId::parse_field("id", &self.id)?;
        if let Some(lang) = self.name.missing().first() {
            return Err(FieldError::new(format!("name.{lang}"), "the name is needed in Japanese and English"));
        }
        if self.members.is_empty() {
            return Err(FieldError::new("members", "a board needs members"));
        }
        Ok(())
    }

    /// Refuses member `i` when an earlier member names the same account.
    pub fn check_unique_member(&self, i: usize) -> Result<(), FieldError> {
        let Some(this) = self.members.get(i) else { return Ok(()) };
        if self.members[..i].iter().any(|earlier| earlier.username == this.username) {
            return Err(FieldError::new(format!("members[{i}].username"), "listed twice"));
        }
        Ok(())
    }
}

impl MemberInput {
    /// The member's agency (member `i` of its board), trimmed; a blank one is refused.
    pub fn agency(&self, i: usize) -> Result<&str, FieldError> {
        let agency = self.agency.trim();
        if agency.is_empty() {
            return Err(FieldError::new(format!("members[{i}].agency"), "name the member's agency"));
        }
        Ok(agency)
    }
}

impl TransparencyReport {
    /// The year a report is asked for: this year when none is given, else one from 2000 to this year.
    pub fn year(asked: Option<&str>, today: time::Date) -> Result<i32, FieldError> {
        let this_year = today.year();
        match asked {
            None => Ok(this_year),
            Some(y) => y
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=this_year).contains(y))
                .ok_or_else(|| FieldError::new("year", format!("`{y}` is not a year from 2000 to {this_year}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(d: Decision, on: &str, by: Option<&str>) -> DecisionInput {
        DecisionInput {
            decision: d,
            decided_on: on.into(),
            disclose_to: (d == Decision::Disclose).then(|| "vendor".into()),
            vendor_notified_on: None,
            justification: (d == Decision::Restrict).then(|| "ongoing operation".into()),
            rereview_by: by.map(str::to_owned),
        }
    }

    #[test]
    fn restriction_needs_justification_and_a_rereview_within_twelve_months() {
        let today = time::macros::date!(2026 - 11 - 22);
        assert!(
            decision(Decision::Restrict, "2026-01-10", Some("2027-01-10")).validate("2025-12-01", None, today).is_ok()
        );
        let late = decision(Decision::Restrict, "2026-01-10", Some("2027-01-11")).validate("2025-12-01", None, today);
        assert_eq!(late.map_err(|e| e.field), Err("rereview_by".into()));
        let none = decision(Decision::Restrict, "2026-01-10", None).validate("2025-12-01", None, today);
        assert_eq!(none.map_err(|e| e.field), Err("rereview_by".into()));
        let mut unjustified = decision(Decision::Restrict, "2026-01-10", Some("2026-06-01"));
        unjustified.justification = None;
        assert_eq!(unjustified.validate("2025-12-01", None, today).map_err(|e| e.field), Err("justification".into()));
        let early = decision(Decision::Disclose, "2025-11-01", None).validate("2025-12-01", None, today);
        assert_eq!(early.map_err(|e| e.field), Err("decided_on".into()));
        // Against the case's current decision: no backdating, and nothing after a disclosure.
        let current = VepDecision {
            id: "d".into(),
            decision: Decision::Restrict,
            decided_on: "2026-03-11".into(),
            disclose_to: None,
            vendor_notified_on: None,
            justification: Some("x".into()),
            rereview_by: Some("2026-09-01".into()),
            recorded_by: "a".into(),
            created_at: String::new(),
        };
        let backdated = decision(Decision::Disclose, "2026-03-10", None).validate("2025-12-01", Some(&current), today);
        assert_eq!(backdated.map_err(|e| e.field), Err("decided_on".into()));
        let disclosed = VepDecision { decision: Decision::Disclose, ..current };
        let after = decision(Decision::Restrict, "2026-04-01", Some("2026-09-01")).validate(
            "2025-12-01",
            Some(&disclosed),
            today,
        );
        assert_eq!(after.map_err(|e| e.field), Err("decision".into()));
        assert!(valid_cve("CVE-2024-12345") && !valid_cve("CVE-24-1") && !valid_cve("cve-2024-1234"));
    }
}
