//! Ids and codes as types that parse: a value of one of these types has been checked once, so
//! the code holding it need not check again, and every interface refuses a bad one with the
//! same message. On the wire each is its plain string (serde goes through `String`), so JSON
//! does not change.
//!
//! The request types (`IncidentInput`, …) keep their fields as strings and parse them in their
//! `validate()`: a failed parse there is a 422 naming the field, while a failure inside serde
//! is a 400 — parsing in the deserialiser would change the status clients see.
use crate::catalog::Catalog;
use crate::country::is_country_code;
use crate::query::FieldError;
use std::fmt;

/// A text that is not the id or code it should be, and why (`reason` names the fix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct BadId {
    pub reason: String,
}

impl BadId {
    fn new(reason: String) -> BadId {
        BadId { reason }
    }

    /// The error as a refusal of request field `field`.
    pub fn at(self, field: &str) -> FieldError {
        FieldError::new(field, self.reason)
    }
}

/// Defines a string newtype checked by `$check` (a `fn(&str) -> Result<(), BadId>`), with the
/// conversions every id shares.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses `text`, refusing it with a message that names what is wrong.
            pub fn parse(text: &str) -> Result<$name, BadId> {
                $check(text).map(|()| $name(text.to_owned()))
            }

            /// Parses `text` as the value of request field `field`.
            pub fn parse_field(field: &str, text: &str) -> Result<$name, FieldError> {
                $name::parse(text).map_err(|e| e.at(field))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = BadId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = BadId;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                $check(&text).map(|()| $name(text))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

id_type!(
    /// An officially assigned ISO 3166-1 alpha-2 code, upper case (`JP`; not `jp`, `UK` or `JPN`).
    CountryCode,
    check_country
);

id_type!(
    /// A stakeholder's id: a lower-case slug of 2–64 characters (`jp`, `eu`, `acme-cert`).
    StakeholderId,
    check_stakeholder
);

id_type!(
    /// A community of interest's id: a slug like a stakeholder's (`cert-coop`).
    CommunityId,
    check_community
);

id_type!(
    /// A marked record's id (a UUID, as the store assigns it).
    RecordId,
    check_record
);

id_type!(
    /// An incident's id (a UUID, as the store assigns it).
    IncidentId,
    check_record
);

id_type!(
    /// The id of a norm of the catalogue (`gge-f`). `parse` checks the form only; a `NormId`
    /// from [`NormId::of`] is known to name a norm of the given catalogue.
    NormId,
    check_norm_form
);

impl CountryCode {
    /// Parses a code typed in either case, with spaces around (`jp ` is `JP`); the error quotes
    /// the text as given.
    pub fn parse_any_case(text: &str) -> Result<CountryCode, BadId> {
        let upper = text.trim().to_ascii_uppercase();
        check_country(&upper).map_err(|_| not_a_country(text))?;
        Ok(CountryCode(upper))
    }
}

impl NormId {
    /// The id of a norm of `catalog`, refused if the catalogue has no such norm.
    pub fn of(catalog: &Catalog, text: &str) -> Result<NormId, BadId> {
        match catalog.norm(text) {
            Some(_) => Ok(NormId(text.to_owned())),
            None => Err(not_a_norm(text)),
        }
    }

    /// [`NormId::of`] for request field `field`.
    pub fn of_field(catalog: &Catalog, field: &str, text: &str) -> Result<NormId, FieldError> {
        NormId::of(catalog, text).map_err(|e| e.at(field))
    }
}

pub(crate) fn not_a_norm(text: &str) -> BadId {
    BadId::new(format!("`{text}` is not a norm of the catalogue; see GET /api/v1/norms"))
}

fn not_a_country(text: &str) -> BadId {
    BadId::new(format!("`{text}` is not an ISO 3166-1 alpha-2 code (upper case, e.g. JP)"))
}

fn check_country(text: &str) -> Result<(), BadId> {
    if is_country_code(text) { Ok(()) } else { Err(not_a_country(text)) }
}

/// A lower-case slug of 2–64 characters with no `-` at either end.
fn is_slug(text: &str) -> bool {
    (2..=64).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

fn check_stakeholder(text: &str) -> Result<(), BadId> {
    if is_slug(text) {
        Ok(())
    } else {
        Err(BadId::new(format!("`{text}` is not a stakeholder id: 2–64 of a-z, 0-9 and inner `-`")))
    }
}

fn check_community(text: &str) -> Result<(), BadId> {
    if is_slug(text) {
        Ok(())
    } else {
        Err(BadId::new(format!("`{text}` is not a community id: 2–64 of a-z, 0-9 and inner `-`")))
    }
}

fn check_record(text: &str) -> Result<(), BadId> {
    if text.len() == 36 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        Ok(())
    } else {
        Err(BadId::new(format!("`{text}` is not a record id")))
    }
}

fn check_norm_form(text: &str) -> Result<(), BadId> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if ok { Ok(()) } else { Err(BadId::new(format!("`{text}` is not a norm id; see GET /api/v1/norms"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_code_is_an_assigned_upper_case_code() {
        assert_eq!(CountryCode::parse("JP").map(|c| c.to_string()), Ok("JP".to_owned()));
        for bad in ["jp", "UK", "JPN", "", "XX"] {
            let e = CountryCode::parse(bad).expect_err(bad);
            assert_eq!(e.reason, format!("`{bad}` is not an ISO 3166-1 alpha-2 code (upper case, e.g. JP)"));
        }
        assert_eq!(CountryCode::parse_any_case(" fr ").map(String::from), Ok("FR".to_owned()));
        assert!(CountryCode::parse_any_case("uk").expect_err("uk").reason.starts_with("`uk` is not"));
    }

    #[test]
    fn slugs_and_record_ids() {
        assert!(StakeholderId::parse("acme-cert").is_ok());
        for bad in ["a", "-jp", "jp-", "JP", "j p", &"x".repeat(65)] {
            assert!(StakeholderId::parse(bad).is_err(), "{bad}");
        }
        let e = CommunityId::parse_field("id", "Cert").expect_err("upper case");
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("id", "`Cert` is not a community id: 2–64 of a-z, 0-9 and inner `-`")
        );
        assert!(IncidentId::parse("0190b4c2-1111-7000-8000-000000000001").is_ok());
        assert_eq!(RecordId::parse("x").expect_err("short").reason, "`x` is not a record id");
    }

    #[test]
    fn json_is_the_plain_string_and_a_bad_one_is_refused() {
        let code: CountryCode = serde_json::from_str("\"DE\"").expect("code");
        assert_eq!(serde_json::to_string(&code).expect("json"), "\"DE\"");
        let e = serde_json::from_str::<CountryCode>("\"de\"").expect_err("lower case");
        assert!(e.to_string().contains("`de` is not an ISO 3166-1 alpha-2 code"), "{e}");
    }

    #[test]
    fn a_norm_id_names_a_norm_of_the_catalogue() {
        let catalog = Catalog::embedded().expect("catalogue");
        assert_eq!(NormId::of(&catalog, "gge-f").map(String::from), Ok("gge-f".to_owned()));
        assert!(NormId::of(&catalog, "gge-zz").expect_err("none").reason.contains("is not a norm of the catalogue"));
        assert!(NormId::parse("GGE F").is_err());
    }
}
