//! Which TLP level a marking-definition id or object stands for.
use super::*;

/// Which marking-definition ids stand for which TLP level: the TLP 1.0 and 2.0 ids always, plus
/// marking definitions learnt as they stream past (or inserted by the caller, e.g. ones already
/// stored). Only definitions read before an object count for it: a bundle that lists its custom
/// TLP marking after the objects using it leaves those objects' `tlp` at `None`.
#[derive(Debug, Default, Clone)]
pub struct TlpResolver {
    learned: HashMap<String, Tlp>,
}

impl TlpResolver {
    pub fn new() -> TlpResolver {
        TlpResolver::default()
    }

    /// Records that `marking_id` stands for `tlp`.
    pub fn insert(&mut self, marking_id: impl Into<String>, tlp: Tlp) {
        self.learned.insert(marking_id.into(), tlp);
    }

    /// Learns from one marking-definition object (already checked); returns the level it
    /// stands for, if it is a TLP marking.
    pub fn learn(&mut self, marking: &Value) -> Option<Tlp> {
        let id = marking.get("id").and_then(Value::as_str)?;
        let tlp = marking_definition_tlp(marking)?;
        self.learned.insert(id.to_owned(), tlp);
        Some(tlp)
    }

    /// The level one marking-definition id stands for; the well-known ids win over anything a
    /// bundle claims for them.
    pub fn get(&self, marking_id: &str) -> Option<Tlp> {
        known_tlp(marking_id).or_else(|| self.learned.get(marking_id).copied())
    }

    /// The strictest TLP level among `refs`; `None` when none is a known TLP marking.
    pub fn resolve(&self, refs: &[String]) -> Option<Tlp> {
        refs.iter().filter_map(|r| self.get(r)).max()
    }

    /// How many marking definitions were learnt or inserted.
    pub fn learned(&self) -> usize {
        self.learned.len()
    }
}

/// The TLP level a marking-definition object stands for, in the forms seen in the wild:
/// the TLP 2.0 property extension (`"tlp_2_0": "amber+strict"`), STIX `definition_type: "tlp"`
/// with `definition: {"tlp": "white"}`, OpenCTI's `definition_type: "TLP"` with
/// `definition: "TLP:AMBER"`, `definition_type: "TLP:RED"`, a MISP statement `"tlp:amber"`, and
/// finally a name such as "TLP:GREEN" or "tlp:amber+strict". WHITE reads as CLEAR.
pub fn marking_definition_tlp(marking: &Value) -> Option<Tlp> {
    if let Some(exts) = marking.get("extensions").and_then(Value::as_object) {
        let level = exts.values().filter_map(|e| e.get("tlp_2_0")?.as_str()).find_map(tlp_level);
        if level.is_some() {
            return level;
        }
    }
    let def_type = marking.get("definition_type").and_then(Value::as_str);
    let def = marking.get("definition");
    if def_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("tlp")) {
        let level = match def {
            Some(Value::Object(o)) => {
                o.iter().find(|(k, _)| k.eq_ignore_ascii_case("tlp")).and_then(|(_, v)| v.as_str()).and_then(tlp_level)
            }
            Some(Value::String(s)) => tlp_level(s),
            _ => None,
        };
        if level.is_some() {
            return level;
        }
    }
    def_type
        .and_then(tlp_label)
        .or_else(|| def.and_then(Value::as_str).and_then(tlp_label))
        .or_else(|| def.and_then(|d| d.get("statement")).and_then(Value::as_str).and_then(tlp_label))
        .or_else(|| marking.get("name").and_then(Value::as_str).and_then(tlp_label))
}

/// A TLP level written with or without the "TLP:" prefix: "amber", "TLP:AMBER+STRICT", "white".
pub(super) fn tlp_level(text: &str) -> Option<Tlp> {
    let lower = text.trim().to_ascii_lowercase();
    let word = match lower.strip_prefix("tlp") {
        Some(rest) if rest.starts_with([':', ' ', '_', '-']) => rest.trim_start_matches([':', ' ', '_', '-']),
        _ => lower.as_str(),
    };
    Some(match word.trim() {
        "clear" | "white" => Tlp::Clear,
        "green" => Tlp::Green,
        "amber" => Tlp::Amber,
        "amber+strict" | "amber strict" | "amber_strict" | "amber-strict" => Tlp::AmberStrict,
        "red" => Tlp::Red,
        _ => return None,
    })
}

/// A label naming a TLP level: it must carry the "TLP" prefix ("TLP:GREEN", "tlp:amber"), so a
/// marking merely named "Red team" is not taken for TLP:RED.
pub(super) fn tlp_label(text: &str) -> Option<Tlp> {
    let t = text.trim();
    let prefixed = t.len() > 4 && t.is_char_boundary(3) && t[..3].eq_ignore_ascii_case("tlp");
    if prefixed { tlp_level(t) } else { None }
}
