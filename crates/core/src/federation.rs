//! Federation's domain rules: which log names may federate (who follows peers is the right
//! `ManagePeers`).
use crate::FieldError;

/// The log origin an instance has when none is configured. Two instances left at it would
/// share one name, so a follower could not tell their checkpoints apart: it does not federate.
pub const DEFAULT_LOG_ORIGIN: &str = "localhost/normwatch";

/// The log origin an instance gets from the URL people reach it at: its host (and port, and
/// path) followed by `/normwatch`, e.g. `https://obs.example.org` → `obs.example.org/normwatch`.
pub fn origin_from_public_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    (!rest.is_empty() && !rest.contains(char::is_whitespace) && !rest.contains('+'))
        .then(|| format!("{rest}/normwatch"))
}

/// Refuses following a peer when this instance's log, or the peer's, is the default one, or
/// when both are the same log.
pub fn may_federate(own_origin: &str, peer_origin: &str) -> Result<(), FieldError> {
    if own_origin == DEFAULT_LOG_ORIGIN {
        return Err(FieldError::new(
            "url",
            format!(
                "this instance's log is called `{DEFAULT_LOG_ORIGIN}`, the default that any instance may have; start it with --public-url or --log-origin (in a fresh data dir) before following peers"
            ),
        ));
    }
    if peer_origin == DEFAULT_LOG_ORIGIN {
        return Err(FieldError::new(
            "key",
            format!(
                "the peer's log is called `{DEFAULT_LOG_ORIGIN}`, the default; it cannot be told apart from others until it is given its own name"
            ),
        ));
    }
    if own_origin == peer_origin {
        return Err(FieldError::new("key", format!("`{peer_origin}` is this instance's own log")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_comes_from_the_public_url() {
        assert_eq!(origin_from_public_url("https://obs.example.org/").as_deref(), Some("obs.example.org/normwatch"));
        assert_eq!(origin_from_public_url("http://127.0.0.1:8380").as_deref(), Some("127.0.0.1:8380/normwatch"));
        assert_eq!(origin_from_public_url("https://x.org/nw?a=1").as_deref(), Some("x.org/nw/normwatch"));
        assert_eq!(origin_from_public_url("ftp://x.org"), None);
    }

    #[test]
    fn the_default_log_and_ones_own_do_not_federate() {
        assert!(may_federate(DEFAULT_LOG_ORIGIN, "b.org/normwatch").is_err());
        assert!(may_federate("a.org/normwatch", DEFAULT_LOG_ORIGIN).is_err());
        assert!(may_federate("a.org/normwatch", "a.org/normwatch").is_err());
        assert_eq!(may_federate("a.org/normwatch", "b.org/normwatch"), Ok(()));
    }
}
