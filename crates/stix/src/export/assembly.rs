//! Bundle assembly: a publication `report`, and the `bundle` that holds each object once.
use super::*;

/// A publication: a `report` naming what it publishes (`object_refs`, in order, each once).
/// `published` is an RFC 3339 time or a date (other text is passed through, and the validator
/// will say so); an empty list names normwatch itself, since a report must name something.
pub fn report(key: &str, name: &str, published: &str, object_refs: &[String]) -> Value {
    let published = stix_timestamp(published).unwrap_or_else(|| published.to_owned());
    let mut seen = BTreeSet::new();
    let mut refs: Vec<&str> = object_refs.iter().map(String::as_str).filter(|r| seen.insert(*r)).collect();
    let own = normwatch_identity_id();
    if refs.is_empty() {
        refs.push(&own);
    }
    json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", key),
        "created_by_ref": normwatch_identity_id(),
        "created": published,
        "modified": published,
        "name": name,
        "published": published,
        "object_refs": refs,
    })
}

/// A bundle around objects. Copies of one object version (same id and `modified`, as shared
/// actors and identities come from many records) are kept once — the least restrictively marked
/// copy, since a record that may be shared more widely already discloses the same object. The id
/// is derived from the sorted ids and versions of what it holds: the same content, the same id.
pub fn bundle(objects: Vec<Value>) -> Value {
    let mut kept: Vec<Value> = Vec::with_capacity(objects.len());
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for o in objects {
        let Some(id) = o.get("id").and_then(Value::as_str) else {
            kept.push(o);
            continue;
        };
        let key = (id.to_owned(), version_of(&o).to_owned());
        match index.get(&key) {
            Some(&i) => {
                if marking_rank(&o) < marking_rank(&kept[i]) {
                    kept[i] = o;
                }
            }
            None => {
                index.insert(key, kept.len());
                kept.push(o);
            }
        }
    }
    let mut keys: Vec<&(String, String)> = index.keys().collect();
    keys.sort();
    let mut h = Sha256::new();
    for (id, version) in keys {
        h.update(id.as_bytes());
        h.update([0]);
        h.update(version.as_bytes());
        h.update([0]);
    }
    let mut b = Map::new();
    b.insert("type".into(), json!("bundle"));
    b.insert("id".into(), json!(stix_id("bundle", &hex::encode(h.finalize()))));
    // A bundle's `objects`, when present, may not be empty.
    if !kept.is_empty() {
        b.insert("objects".into(), Value::Array(kept));
    }
    Value::Object(b)
}

pub(super) fn version_of(o: &Value) -> &str {
    o.get("modified").or_else(|| o.get("created")).and_then(Value::as_str).unwrap_or("")
}

/// How restrictive an object's markings are (unmarked counts as CLEAR; unknown markings as RED).
pub(super) fn marking_rank(o: &Value) -> u8 {
    let refs = o.get("object_marking_refs").and_then(Value::as_array);
    refs.into_iter().flatten().filter_map(Value::as_str).map(|m| known_tlp(m).map_or(4, |t| t as u8)).max().unwrap_or(0)
}
