//! STIX 2.1 ⇄ normwatch records: the export mapping of every record kind (`export`), the
//! streaming reader of STIX 2.0/2.1 bundles with per-object checks (`bundle`), and TLP markings.
//! No I/O beyond the `Read` a caller hands in.
#![forbid(unsafe_code)]

pub mod bundle;
pub mod export;
pub mod versioning;

use normwatch_core::Tlp;
use sha2::{Digest, Sha256};

/// The TLP 2.0 marking-definition ids (STIX 2.1 §7.2.1.4 and the FIRST TLP 2.0 extension).
pub mod tlp {
    pub const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    pub const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    pub const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    pub const AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
    pub const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

    /// TLP 1.0 ids (STIX 2.1 §7.2.1.4); WHITE reads as CLEAR.
    pub const V1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
    pub const V1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    pub const V1_AMBER: &str = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
    pub const V1_RED: &str = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
}

/// The TLP 2.0 marking-definition id of a marking.
pub fn tlp_marking(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => tlp::CLEAR,
        Tlp::Green => tlp::GREEN,
        Tlp::Amber => tlp::AMBER,
        Tlp::AmberStrict => tlp::AMBER_STRICT,
        Tlp::Red => tlp::RED,
    }
}

/// The marking a well-known TLP 1.0 or 2.0 marking-definition id stands for.
pub fn known_tlp(marking_id: &str) -> Option<Tlp> {
    Some(match marking_id {
        tlp::CLEAR | tlp::V1_WHITE => Tlp::Clear,
        tlp::GREEN | tlp::V1_GREEN => Tlp::Green,
        tlp::AMBER | tlp::V1_AMBER => Tlp::Amber,
        tlp::AMBER_STRICT => Tlp::AmberStrict,
        tlp::RED | tlp::V1_RED => Tlp::Red,
        _ => return None,
    })
}

/// A stable STIX identifier `<type>--<uuid>` for something normwatch names by `key`: the UUID
/// is taken from SHA-256 of the type and key with the version-4 and variant bits set, so the
/// same record always exports under the same id and the id passes checks that want UUIDv4.
pub fn stix_id(stix_type: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("normwatch\u{0}{stix_type}\u{0}{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{stix_type}--{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A STIX timestamp with exactly millisecond precision (`2024-05-01T10:00:00.000Z`) from an
/// RFC 3339 time or a date; `None` when it is neither.
pub fn stix_timestamp(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let t = if text.len() == 10 {
        let d = time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
        d.midnight().assume_utc()
    } else {
        time::OffsetDateTime::parse(text, &Rfc3339).ok()?
    };
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC).format(&f).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_uuid_v4_shaped() {
        let a = stix_id("incident", "0190-abc");
        assert_eq!(a, stix_id("incident", "0190-abc"));
        assert_ne!(a, stix_id("incident", "0190-abd"));
        let uuid = a.strip_prefix("incident--").expect("prefix");
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn timestamps_get_milliseconds() {
        assert_eq!(stix_timestamp("2024-05-01").as_deref(), Some("2024-05-01T00:00:00.000Z"));
        assert_eq!(stix_timestamp("2024-05-01T10:00:00+02:00").as_deref(), Some("2024-05-01T08:00:00.000Z"));
        assert_eq!(stix_timestamp("2024-05-01T10:00:00.123456Z").as_deref(), Some("2024-05-01T10:00:00.123Z"));
        assert_eq!(stix_timestamp("May 2024"), None);
    }

    #[test]
    fn tlp_ids_of_both_versions_are_known() {
        assert_eq!(known_tlp(tlp::V1_WHITE), Some(Tlp::Clear));
        assert_eq!(known_tlp(tlp_marking(Tlp::AmberStrict)), Some(Tlp::AmberStrict));
        assert_eq!(known_tlp("marking-definition--00000000-0000-4000-8000-000000000000"), None);
    }
}
