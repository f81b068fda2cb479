//! TAXII pages kept between writes. A collection's pages are asked for again and again (every
//! client polling the same collection walks the same pages) and change only when objects are
//! added, so a page read once is kept and handed out again while nothing was added.
//!
//! What a page holds is decided by its query alone: the key is the query's text and every value
//! bound to it (the reader's markings and communities are among them), so a kept page is only
//! ever handed to a reader whose query would have read the very same rows. Whether the objects
//! changed is told by `stix_head.last_added`, which every write of `stix_objects` moves forward
//! under the head lock in its own transaction (`write::add_in`, `write::add_direct`): read with the page, in one
//! snapshot, it also tells a write another process or server made.
use super::StixPage;
use rusqlite::types::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the cache may hold: page bodies and row fields, counted in bytes.
const BUDGET: usize = 48 << 20;
/// A page larger than this share of the budget is served but not kept.
const LARGEST: usize = BUDGET / 8;

/// Where the objects stood when a page was read: the last `date_added` given.
pub(crate) type Token = String;

#[derive(Debug, Default)]
pub(crate) struct PageCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The token every kept page was read at; pages of an older one are gone.
    token: Option<Token>,
    pages: HashMap<String, Kept>,
    bytes: usize,
    clock: u64,
}

#[derive(Debug)]
struct Kept {
    page: Arc<StixPage>,
    size: usize,
    used: u64,
}

/// The key of a query: its text and its values, each tagged and length-prefixed so that no two
/// queries share one.
pub(crate) fn key(text: &str, values: &[Value]) -> String {
    use std::fmt::Write;
    let mut key = String::with_capacity(text.len() + 16 * values.len());
    let _ = write!(key, "{}:{text}", text.len());
    for v in values {
        let _ = match v {
            Value::Null => write!(key, "|n"),
            Value::Integer(i) => write!(key, "|i{i}"),
            Value::Real(r) => write!(key, "|r{}", r.to_bits()),
            Value::Text(t) => write!(key, "|t{}:{t}", t.len()),
            Value::Blob(b) => write!(key, "|b{}:{}", b.len(), hex::encode(b)),
        };
    }
    key
}

fn size_of(page: &StixPage) -> usize {
    page.rows.iter().map(|r| r.body.len() + r.stix_id.len() + r.date_added.len() + 96).sum::<usize>() + 64
}

impl PageCache {
    /// The page kept for `key` when it was read at `token`.
    pub(crate) fn get(&self, key: &str, token: &str) -> Option<Arc<StixPage>> {
        let mut inner = self.inner.lock().ok()?;
        if inner.token.as_deref() != Some(token) {
            return None;
        }
        inner.clock += 1;
        let now = inner.clock;
        let kept = inner.pages.get_mut(key)?;
        kept.used = now;
        Some(Arc::clone(&kept.page))
    }

    /// Keeps `page`, read at `token`; the least recently used pages go when over the budget.
    pub(crate) fn put(&self, key: String, token: Token, page: Arc<StixPage>) {
        let size = size_of(&page);
        if size > LARGEST {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else { return };
        if inner.token.as_deref() != Some(token.as_str()) {
            // A newer token: what was kept before it may be out of date. An older one (a read
            // that began before a write the cache has seen) is not kept.
            if inner.token.as_ref().is_some_and(|t| *t > token) {
                return;
            }
            inner.pages.clear();
            inner.bytes = 0;
            inner.token = Some(token);
        }
        inner.clock += 1;
        let used = inner.clock;
        if let Some(old) = inner.pages.insert(key, Kept { page, size, used }) {
            inner.bytes -= old.size;
        }
        inner.bytes += size;
        while inner.bytes > BUDGET {
            let Some(oldest) = inner.pages.iter().min_by_key(|(_, k)| k.used).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some(gone) = inner.pages.remove(&oldest) {
                inner.bytes -= gone.size;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StixRow;

    fn page(body: &str) -> Arc<StixPage> {
        let row = StixRow {
            stix_id: "x--1".into(),
            date_added: "2026-01-01T00:00:00.000000Z".into(),
            modified: None,
            spec_version: "2.1".into(),
            body: body.into(),
        };
        Arc::new(StixPage { rows: vec![row], more: false, ..Default::default() })
    }

    #[test]
    fn keys_tell_values_apart() {
        let a = key("SELECT ?1", &[Value::Text("a|tb".into())]);
        let b = key("SELECT ?1", &[Value::Text("a".into()), Value::Text("b".into())]);
        assert_ne!(a, b);
        assert_ne!(key("q", &[Value::Null]), key("q", &[Value::Text(String::new())]));
        assert_eq!(key("q", &[Value::Integer(3)]), key("q", &[Value::Integer(3)]));
    }

    #[test]
    fn a_page_is_kept_until_the_objects_move_on() {
        let cache = PageCache::default();
        cache.put("k".into(), "t1".into(), page("{}"));
        assert!(cache.get("k", "t1").is_some());
        assert!(cache.get("k", "t2").is_none(), "another token is another state of the objects");
        assert!(cache.get("other", "t1").is_none());
        cache.put("j".into(), "t2".into(), page("{}"));
        assert!(cache.get("k", "t2").is_none(), "pages of an older token are dropped");
        cache.put("k".into(), "t1".into(), page("{}"));
        assert!(cache.get("k", "t1").is_none(), "a read from before the newest token is not kept");
    }

    #[test]
    fn the_budget_holds() {
        let cache = PageCache::default();
        let body = "x".repeat(LARGEST - 1024);
        for i in 0..20 {
            cache.put(format!("k{i}"), "t".into(), page(&body));
            assert!(cache.inner.lock().expect("lock").bytes <= BUDGET);
        }
        assert!(cache.get("k19", "t").is_some(), "the newest page stays");
        assert!(cache.get("k0", "t").is_none(), "the oldest went");
        cache.put("big".into(), "t".into(), page(&"x".repeat(LARGEST + 1)));
        assert!(cache.get("big", "t").is_none(), "a page over the largest size is not kept");
    }
}
