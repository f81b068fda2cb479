//! STIX 2.1 ⇄ normwatch records. Empty until the STIX/TAXII issue: the crate exists so that the
//! workspace has its rooms from the start.
#![forbid(unsafe_code)]

/// The TLP 2.0 marking-definition ids (STIX 2.1 §7.2.1.4 and the FIRST TLP 2.0 extension).
pub mod tlp {
    pub const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    pub const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    pub const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    pub const AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
    pub const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
}
