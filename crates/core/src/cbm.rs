//! Confidence-building measures: points of contact for policy and technical matters, as the
//! G7 Lucca Declaration and OSCE CBM 8 ask states to keep (more to come: hotline, checks).
use crate::access::{RecordStatus, Tlp};
use crate::adoption::date_period;
use crate::ids::StakeholderId;
use crate::marking::Recorded;
use crate::query::FieldError;
use serde::{Deserialize, Serialize};

fn err(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError::new(field, reason)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    Policy,
    Technical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    Email,
    Phone,
    SecurePortal,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub kind: ChannelKind,
    pub value: String,
}

fn default_tlp() -> Tlp {
    Tlp::Amber
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub stakeholder: String,
    pub kind: ContactKind,
    pub name: String,
    pub role_title: String,
    pub channels: Vec<Channel>,
    /// ISO 639-1 codes of the languages the contact works in.
    pub languages: Vec<String>,
    /// When the contact answers, e.g. "Mon–Fri 09:00–18:00" or "24/7".
    pub hours: String,
    /// An IANA time zone, e.g. Asia/Tokyo, or UTC.
    pub time_zone: String,
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: Option<String>,
    #[serde(default = "default_tlp")]
    pub tlp: Tlp,
    #[serde(default)]
    pub status: RecordStatus,
}

impl ContactInput {
    pub fn validate(&self) -> Result<(), FieldError> {
        StakeholderId::parse_field("stakeholder", &self.stakeholder)?;
        for (field, value) in [("name", &self.name), ("role_title", &self.role_title), ("hours", &self.hours)] {
            if value.trim().is_empty() || value.chars().count() > 200 {
                return Err(err(field, "1–200 characters"));
            }
        }
        if self.channels.is_empty() {
            return Err(err("channels", "give at least one way to reach the contact"));
        }
        for (i, c) in self.channels.iter().enumerate() {
            let ok = match c.kind {
                ChannelKind::Email => c
                    .value
                    .split_once('@')
                    .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !c.value.contains(' ')),
                ChannelKind::Phone => {
                    c.value.starts_with('+')
                        && c.value[1..].chars().all(|ch| ch.is_ascii_digit() || ch == ' ' || ch == '-')
                }
                ChannelKind::SecurePortal => c.value.starts_with("https://"),
                ChannelKind::Other => !c.value.trim().is_empty(),
            };
            if !ok {
                let hint = match c.kind {
                    ChannelKind::Email => "an e-mail address",
                    ChannelKind::Phone => "an international number starting with +",
                    ChannelKind::SecurePortal => "an https:// URL",
                    ChannelKind::Other => "a non-empty value",
                };
                return Err(err(&format!("channels[{i}].value"), format!("`{}` is not {hint}", c.value)));
            }
        }
        if self.languages.is_empty() {
            return Err(err("languages", "name the languages the contact works in (ISO 639-1, e.g. ja, en)"));
        }
        for (i, l) in self.languages.iter().enumerate() {
            if l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(err(
                    &format!("languages[{i}]"),
                    format!("`{l}` is not an ISO 639-1 code such as ja or en"),
                ));
            }
        }
        let tz_ok = self.time_zone == "UTC"
            || self.time_zone.split_once('/').is_some_and(|(area, city)| {
                !area.is_empty()
                    && !city.is_empty()
                    && self.time_zone.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
            });
        if !tz_ok {
            return Err(err(
                "time_zone",
                format!("`{}` is not an IANA time zone such as Asia/Tokyo or UTC", self.time_zone),
            ));
        }
        date_period(("valid_from", &self.valid_from), ("valid_until", self.valid_until.as_ref()), "valid_from")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointOfContact {
    pub id: String,
    pub stakeholder: String,
    pub kind: ContactKind,
    pub name: String,
    pub role_title: String,
    pub channels: Vec<Channel>,
    pub languages: Vec<String>,
    pub hours: String,
    pub time_zone: String,
    pub valid_from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    #[serde(flatten)]
    pub recorded: Recorded,
}

impl PointOfContact {
    /// Whether the contact is valid on `day` (YYYY-MM-DD).
    pub fn current_on(&self, day: &str) -> bool {
        self.valid_from.as_str() <= day && self.valid_until.as_deref().is_none_or(|u| day <= u)
    }
}

/// One target's answer to a communication check: seconds from sending to acknowledgement.
pub type ResponseSeconds = Option<i64>;

/// The upper bounds (seconds) of the response-time buckets: 15 min, 1 h, 4 h, 24 h, later.
pub const BUCKETS: [(&str, i64); 5] =
    [("15m", 900), ("1h", 3600), ("4h", 14_400), ("24h", 86_400), ("later", i64::MAX)];

/// What a check found: how many answered, how fast.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckResults {
    pub targets: usize,
    pub acknowledged: usize,
    /// `acknowledged / targets`, in percent.
    pub response_rate: Option<f64>,
    pub median_seconds: Option<f64>,
    /// Answers per bucket (see `BUCKETS`), and the unanswered.
    pub distribution: Vec<(String, usize)>,
    pub unanswered: usize,
}

impl CheckResults {
    pub fn compute(responses: &[ResponseSeconds]) -> CheckResults {
        let mut answered: Vec<i64> = responses.iter().flatten().copied().collect();
        let median = crate::figures::median(&mut answered);
        let mut lower = i64::MIN;
        let distribution = BUCKETS
            .iter()
            .map(|(name, upper)| {
                let count = answered.iter().filter(|s| **s > lower && **s <= *upper).count();
                lower = *upper;
                ((*name).to_owned(), count)
            })
            .collect();
        CheckResults {
            targets: responses.len(),
            acknowledged: answered.len(),
            response_rate: if responses.is_empty() {
                None
            } else {
                Some((answered.len() as f64 / responses.len() as f64 * 1000.0).round() / 10.0)
            },
            median_seconds: median,
            distribution,
            unanswered: responses.len() - answered.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_count_rates_medians_and_buckets() {
        let r = CheckResults::compute(&[Some(60), Some(1200), None, Some(100_000)]);
        assert_eq!((r.targets, r.acknowledged, r.unanswered), (4, 3, 1));
        assert_eq!(r.response_rate, Some(75.0));
        assert_eq!(r.median_seconds, Some(1200.0));
        let counts: Vec<usize> = r.distribution.iter().map(|(_, c)| *c).collect();
        assert_eq!(counts, [1, 1, 0, 0, 1]);
        assert_eq!(CheckResults::compute(&[]).response_rate, None);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotlineInput {
    pub from_contact: String,
    pub to_contacts: Vec<String>,
    pub severity: Severity,
    pub subject: String,
    pub body: crate::lang::Localized,
    #[serde(default)]
    pub incident_ref: Option<String>,
    /// Each recipient should acknowledge within this many minutes (1 to 10,080: a week).
    pub ack_within_minutes: i64,
}

impl HotlineInput {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.to_contacts.is_empty() {
            return Err(err("to_contacts", "name at least one recipient contact"));
        }
        if self.subject.trim().is_empty() || self.subject.chars().count() > 200 {
            return Err(err("subject", "1–200 characters"));
        }
        if self.body.ja.trim().is_empty() && self.body.en.trim().is_empty() {
            return Err(err("body", "give the message in Japanese (ja), English (en) or both"));
        }
        if !(1..=10_080).contains(&self.ack_within_minutes) {
            return Err(err("ack_within_minutes", "from 1 minute to 10,080 (a week)"));
        }
        Ok(())
    }
}

/// A communication check as sent: every current contact of the group is asked to answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    pub organiser: String,
    pub title: String,
    /// The group: every current contact of these stakeholders is asked to answer.
    pub stakeholders: Vec<String>,
}

impl CheckInput {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.title.trim().is_empty() || self.title.chars().count() > 200 {
            return Err(err("title", "1–200 characters"));
        }
        if self.stakeholders.is_empty() {
            return Err(err("stakeholders", "name the group: the stakeholders whose contacts are checked"));
        }
        Ok(())
    }
}

/// An endpoint a stakeholder's hotline messages are sent to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub stakeholder: String,
    pub url: String,
}

impl WebhookInput {
    pub fn validate(&self) -> Result<(), FieldError> {
        let ok = (self.url.starts_with("https://") || self.url.starts_with("http://"))
            && self.url.len() <= 2048
            && !self.url.contains(' ');
        if !ok {
            return Err(err("url", "an http(s) URL"));
        }
        Ok(())
    }
}

/// A recipient's state: acknowledged (when, by whom), or overdue once the deadline passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub contact: String,
    pub stakeholder: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<String>,
    /// Not acknowledged and past the deadline: escalated.
    pub escalated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotlineMessage {
    pub id: String,
    pub from_contact: String,
    pub from_stakeholder: String,
    pub severity: Severity,
    pub subject: String,
    pub body: crate::lang::Localized,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_ref: Option<String>,
    pub ack_within_minutes: i64,
    pub sent_at: String,
    /// When acknowledgements fall due.
    pub ack_deadline: String,
    pub recipients: Vec<Recipient>,
}
