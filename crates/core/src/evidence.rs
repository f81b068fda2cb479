//! Evidence about an incident (GCSC §6D): the collection protocol it was gathered under, and its
//! chain of custody, each entry hashing the one before so that an edited history shows.
use crate::access::{RecordStatus, Tlp};
use crate::query::FieldError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How evidence was collected: the checklist of a standard protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionProtocol {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling: Option<String>,
}

/// How much of the checklist is filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub filled: usize,
    pub of: usize,
    pub missing: Vec<&'static str>,
}

impl CollectionProtocol {
    pub const FIELDS: [&'static str; 6] = ["source", "method", "tool", "tool_version", "time_zone", "handling"];

    fn values(&self) -> [&Option<String>; 6] {
        [&self.source, &self.method, &self.tool, &self.tool_version, &self.time_zone, &self.handling]
    }

    pub fn completeness(&self) -> Completeness {
        let missing: Vec<&'static str> = Self::FIELDS
            .iter()
            .zip(self.values())
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(f, _)| *f)
            .collect();
        Completeness { filled: Self::FIELDS.len() - missing.len(), of: Self::FIELDS.len(), missing }
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        for (field, v) in Self::FIELDS.iter().zip(self.values()) {
            if let Some(v) = v
                && v.chars().count() > 1000
            {
                return Err(FieldError::new(format!("protocol.{field}"), "longer than 1000 characters"));
            }
        }
        Ok(())
    }
}

/// What an uploader says of the bytes it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceUpload {
    pub incident: String,
    pub filename: String,
    pub media_type: String,
    pub tlp: Tlp,
    pub stakeholder: Option<String>,
    pub protocol: CollectionProtocol,
}

impl EvidenceUpload {
    pub fn validate(&self) -> Result<(), FieldError> {
        let name = self.filename.trim();
        if name.is_empty() || name.chars().count() > 255 || name.contains(['/', '\\']) {
            return Err(FieldError::new("filename", "give the file's name: 1–255 characters, no path separators"));
        }
        if !self.media_type.contains('/') || self.media_type.len() > 255 {
            return Err(FieldError::new("Content-Type", "give the media type of the bytes, e.g. application/pdf"));
        }
        self.protocol.validate()
    }
}

/// Where a piece of evidence stands relative to the record it belongs to. Evidence has no
/// life of its own: it is published by the review that publishes its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceLife {
    /// Published with the upload: its incident is published and the uploader speaks for it
    /// (an editor, or the incident's own stakeholder).
    PublishedNow,
    /// A draft until its incident is published (the incident is not yet).
    WithIncident,
    /// A draft until a finding that cites it is published: an outsider's evidence on a
    /// published incident goes through review like a finding.
    WithFinding,
}

impl EvidenceLife {
    /// The rule for a new upload: the incident's status, and whether the uploader may add to
    /// the incident without review.
    pub fn of_upload(incident: RecordStatus, uploader_speaks_for_incident: bool) -> EvidenceLife {
        match (incident, uploader_speaks_for_incident) {
            (RecordStatus::Published, true) => EvidenceLife::PublishedNow,
            (RecordStatus::Published, false) => EvidenceLife::WithFinding,
            _ => EvidenceLife::WithIncident,
        }
    }

    pub fn status(self) -> RecordStatus {
        if self == EvidenceLife::PublishedNow { RecordStatus::Published } else { RecordStatus::Draft }
    }
}

/// The marking evidence takes when the record it belongs to is marked `record`: never less
/// strict than the record (a record raised to RED takes its evidence with it).
pub fn inherited_marking(own: Tlp, record: Tlp) -> Tlp {
    own.max(record)
}

/// One step in the life of a piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEntry {
    pub seq: i64,
    pub actor: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// The hash of the first entry's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry: SHA-256 over its predecessor's hash and its own fields, each
/// length-prefixed so that no two different entries hash alike.
pub fn custody_hash(prev_hash: &str, seq: i64, actor: &str, action: &str, note: Option<&str>, at: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev_hash, &seq.to_string(), actor, action, note.unwrap_or(""), at] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The first entry whose link or hash is wrong, if any.
pub fn broken_link(entries: &[CustodyEntry]) -> Option<i64> {
    let mut prev = GENESIS.to_owned();
    for e in entries {
        let expected = custody_hash(&prev, e.seq, &e.actor, &e.action, e.note.as_deref(), &e.at);
        if e.prev_hash != prev || e.entry_hash != expected {
            return Some(e.seq);
        }
        prev = e.entry_hash.clone();
    }
    None
}

/// Custody actions a person records (collection is recorded by the upload itself).
pub const CUSTODY_ACTIONS: [&str; 5] = ["transferred", "analysed", "copied", "sealed", "returned"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_entry_breaks_the_chain() {
        let mut entries = Vec::new();
        let mut prev = GENESIS.to_owned();
        for (seq, action) in [(1, "collected"), (2, "analysed"), (3, "sealed")] {
            let at = format!("2024-01-0{seq}T00:00:00.000Z");
            let hash = custody_hash(&prev, seq, "a1", action, None, &at);
            entries.push(CustodyEntry {
                seq,
                actor: "a1".into(),
                action: action.into(),
                note: None,
                at,
                prev_hash: prev.clone(),
                entry_hash: hash.clone(),
            });
            prev = hash;
        }
        assert_eq!(broken_link(&entries), None);
        entries[1].action = "copied".into();
        assert_eq!(broken_link(&entries), Some(2));
    }

    #[test]
    fn completeness_names_what_is_missing() {
        let p = CollectionProtocol { source: Some("victim".into()), tool: Some("FTK".into()), ..Default::default() };
        assert_eq!(
            p.completeness(),
            Completeness { filled: 2, of: 6, missing: vec!["method", "tool_version", "time_zone", "handling"] }
        );
    }

    #[test]
    fn evidence_is_published_only_with_its_record() {
        use RecordStatus::*;
        assert_eq!(EvidenceLife::of_upload(Published, true), EvidenceLife::PublishedNow);
        assert_eq!(EvidenceLife::of_upload(Published, false), EvidenceLife::WithFinding);
        for s in [Draft, InReview] {
            for speaks in [true, false] {
                assert_eq!(EvidenceLife::of_upload(s, speaks), EvidenceLife::WithIncident);
                assert_eq!(EvidenceLife::of_upload(s, speaks).status(), Draft);
            }
        }
        assert_eq!(inherited_marking(Tlp::Clear, Tlp::Red), Tlp::Red);
        assert_eq!(inherited_marking(Tlp::Red, Tlp::Green), Tlp::Red);
    }
}
