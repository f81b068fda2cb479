//! C2SP `tlog-checkpoint`: the origin line, the tree size, the base64 root hash, and optional
//! extension lines — the text of a signed note.
use crate::tree::Hash;
use base64::{Engine, engine::general_purpose::STANDARD as B64};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a checkpoint: {0}")]
    Malformed(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: every line ends with a newline.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Malformed("the text must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().filter(|l| !l.is_empty()).ok_or(CheckpointError::Malformed("no origin line"))?;
        let size = lines.next().ok_or(CheckpointError::Malformed("no tree size line"))?;
        let valid_size =
            !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit()) && (size == "0" || !size.starts_with('0'));
        if !valid_size {
            return Err(CheckpointError::Malformed("the tree size is not a decimal number without leading zeros"));
        }
        let size = size.parse().map_err(|_| CheckpointError::Malformed("the tree size is too large"))?;
        let root = lines.next().ok_or(CheckpointError::Malformed("no root hash line"))?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::Malformed("the root hash is not base64 of 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::Malformed("empty extension line"));
        }
        Ok(Checkpoint { origin: origin.to_owned(), size, root, extensions })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_malformed_text() {
        let c = Checkpoint { origin: "example.org/log".into(), size: 20852163, root: [7; 32], extensions: vec![] };
        let text = c.to_text();
        assert_eq!(text.lines().count(), 3);
        assert_eq!(Checkpoint::parse(&text), Ok(c));
        assert!(Checkpoint::parse("example.org/log\n012\nAAAA\n").is_err());
        assert!(Checkpoint::parse("example.org/log\n12\n").is_err());
        assert!(Checkpoint::parse("example.org/log\n12\nBwcH\n").is_err(), "root too short");
    }
}
