//! The portal's layering, checked from its sources: which web/ module names which (through
//! `super::`, `crate::web::` or a child declared with `mod`), and the circles that makes.
//! Page files import the kit and never each other, and `mod.rs` files only route, so there must
//! be none; a page's own sections are its submodules (a folder), and what pages share is kit's.
//! Nor does the portal name the JSON API (`crate::api`): what both need is a use case in
//! normwatch-app or a rule in core, never one interface calling the other.
//! Test code (`mod tests`) is left out: it may reach anywhere.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every web/ module (`""` is web itself) and the modules its source names.
fn graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    collect(root, root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(m, _, _)| m.clone()).collect();
    let mut edges = BTreeMap::new();
    for (module, text, _) in &files {
        let mut to = BTreeSet::new();
        for path in paths(&without_tests(text)) {
            if let Some(target) = resolve(module, &path, &modules)
                && target != *module
            {
                to.insert(target);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

/// The source without its `#[cfg(test)] mod … { … }` blocks (braces counted; tests hold no stray ones).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    // Any test module, whatever its name (`mod tests`, `mod words_tests`, …).
    while let Some(at) = rest.find("#[cfg(test)]\nmod ").filter(|&at| {
        rest[at..].split('{').next().is_some_and(|h| h.trim_end().split(' ').count() == 2 && !h.contains(';'))
    }) {
        out.push_str(&rest[..at]);
        let mut depth = 0usize;
        let mut end = rest.len();
        for (i, c) in rest[at..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 1 => {
                    end = at + i + 1;
                    break;
                }
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The `.rs` files under `dir`: module path relative to web (`a/mod.rs` is `a`), source, file.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(root, &p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p.strip_prefix(root).unwrap_or(&p).with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|s| s == "mod") {
                parts.pop();
            }
            out.push((
                parts.join("::"),
                std::fs::read_to_string(&p).unwrap_or_default(),
                format!("src/web/{}", p.strip_prefix(root).unwrap_or(&p).display()),
            ));
        }
    }
}

/// The module paths written in `code` that may lead into web/: `super::…`, `crate::web::…`,
/// and `child::…` for each `mod child;` the file declares, with `use` groups expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    let children: BTreeSet<String> = code
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            l.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')).map(str::to_owned)
        })
        .collect();
    all_paths(code)
        .into_iter()
        .filter(|p| {
            let head = p.first().map(String::as_str).unwrap_or("");
            // `pub(in crate::web)` names a visibility, not an import: a path must name an item.
            let web = head == "crate" && p.get(1).is_some_and(|s| s == "web") && p.len() > 2;
            web || ((head == "super" || children.contains(head)) && p.len() > 1)
        })
        .collect()
}

/// Every path written in `code` outside comment lines, with `use` groups expanded.
fn all_paths(code: &str) -> Vec<Vec<String>> {
    let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        if starts_word && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
            let (tree, end) = use_tree(&code, i);
            out.extend(tree);
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Parses `a::b::{c, d::{e, self}}` at `at` into its full paths, and where it ends.
fn use_tree(code: &str, at: usize) -> (Vec<Vec<String>>, usize) {
    let bytes = code.as_bytes();
    let mut i = at;
    let mut prefix = Vec::new();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i == start {
            return (vec![prefix], i);
        }
        prefix.push(code[start..i].to_owned());
        if code[i..].starts_with("::{") {
            i += 3;
            let mut all = Vec::new();
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    return (all, i + 1);
                }
                let (inner, end) = use_tree(code, i);
                all.extend(inner.into_iter().map(|p| {
                    let mut full = prefix.clone();
                    full.extend(p.into_iter().filter(|s| s != "self"));
                    full
                }));
                i = end.max(i + 1);
            }
        } else if code[i..].starts_with("::") {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// A path written in web/ module `from` as seen from the crate root (`crate::…`, `super::…` or a
/// child's), or none where `super::` leaves the crate.
fn absolute<'a>(from: &'a str, path: &'a [String]) -> Option<Vec<&'a str>> {
    let mut at: Vec<&str> = std::iter::once("web").chain(from.split("::").filter(|m| !m.is_empty())).collect();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            at.clear();
            rest = &path[1..];
        }
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                at.pop()?;
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    at.extend(rest.iter().map(String::as_str));
    Some(at)
}

/// The deepest web/ module a path written in `from` names, if it names one.
fn resolve(from: &str, path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    let full = absolute(from, path)?;
    let (Some(&"web"), inner) = (full.first(), full.get(1..).unwrap_or_default()) else { return None };
    let mut cur: Vec<&str> = Vec::new();
    for seg in inner {
        let mut next = cur.clone();
        next.push(seg);
        if modules.contains(&next.join("::")) {
            cur = next;
        } else {
            break;
        }
    }
    Some(cur.join("::"))
}

/// The circles: strongly connected sets of more than one module (Tarjan).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut set = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                set.push(if w.is_empty() { "web".to_owned() } else { w.to_owned() });
                if w == v {
                    break;
                }
            }
            if set.len() > 1 {
                set.sort();
                t.out.push(set);
            }
        }
    }
    let mut t =
        T { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: vec![], on: BTreeSet::new(), out: vec![] };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// The graph of this crate's web/ sources.
fn web_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let edges = graph(&root);
    assert!(edges.len() > 20, "the web/ sources were not found under {}", root.display());
    edges
}

#[test]
fn the_portal_has_no_import_circles() {
    let edges = web_graph();
    let found = circles(&edges);
    // Each circle with the names its members use of each other, to show where to cut.
    let named: Vec<Vec<String>> = found
        .iter()
        .map(|set| {
            let web = |m: &str| if m.is_empty() { "web".to_owned() } else { m.to_owned() };
            edges
                .iter()
                .filter(|(from, _)| set.contains(&web(from)))
                .flat_map(|(from, to)| {
                    to.iter().filter(|t| set.contains(&web(t))).map(move |t| format!("{} -> {}", web(from), web(t)))
                })
                .collect()
        })
        .collect();
    assert!(found.is_empty(), "import circles among web/ modules: {named:#?}");
}

/// The top-level web/ module a module belongs to: a page (with its submodules), the kit, or web.
fn family(module: &str) -> &str {
    module.split("::").next().unwrap_or("")
}

/// The imports that leave a module's own family for anything but the kit. Only web itself (the
/// router) may name pages; this check is test code, so it is left out.
fn cross_page(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    edges
        .iter()
        .filter(|(from, _)| !from.is_empty() && family(from) != "layering")
        .flat_map(|(from, to)| {
            to.iter()
                .filter(|t| family(t) != family(from) && family(t) != "kit")
                .map(move |t| format!("{from} -> {}", if t.is_empty() { "web" } else { t }))
        })
        .collect()
}

#[test]
fn pages_import_only_the_kit() {
    let edges = web_graph();
    let found = cross_page(&edges);
    assert!(found.is_empty(), "web/ modules importing another page (move what they share into kit): {found:#?}");
}

#[test]
fn the_check_sees_a_page_importing_a_page() {
    let mut edges = BTreeMap::new();
    edges.insert("".to_owned(), BTreeSet::from(["a".to_owned(), "b".to_owned()]));
    edges.insert("a".to_owned(), BTreeSet::from(["a::part".to_owned(), "kit".to_owned(), "kit::x".to_owned()]));
    edges.insert("a::part".to_owned(), BTreeSet::from(["kit".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["a::part".to_owned(), "".to_owned()]));
    edges.insert("kit::x".to_owned(), BTreeSet::from(["b".to_owned()]));
    assert_eq!(cross_page(&edges), ["b -> web", "b -> a::part", "kit::x -> b"]);
}

#[test]
fn the_check_sees_a_circle_and_a_use_group() {
    let mut files = BTreeSet::new();
    for m in ["", "a", "b", "b::c"] {
        files.insert(m.to_owned());
    }
    let p = paths("use super::{x, b::{self, c::Thing}};\nfn f() { crate::web::a::g(); }\nmod c;\nfn h() { c::k() }");
    let targets: BTreeSet<_> = p.iter().filter_map(|p| resolve("b", p, &files)).collect();
    assert_eq!(targets, ["", "a", "b", "b::c"].into_iter().map(str::to_owned).collect());
    let mut edges = BTreeMap::new();
    edges.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    edges.insert("b".to_owned(), BTreeSet::from(["a".to_owned(), "".to_owned()]));
    edges.insert("".to_owned(), BTreeSet::new());
    assert_eq!(circles(&edges), vec![vec!["a".to_owned(), "b".to_owned()]]);
    let kept = without_tests("fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() { super::x::y() }\n}\nfn b() {}");
    assert_eq!(kept, "fn a() {}\n\nfn b() {}");
}

/// The paths in a web/ module's source (test code left out) that lead into the JSON API module:
/// `crate::api…`, in a use group too, or up to it through `super::`.
fn api_paths(module: &str, text: &str) -> Vec<String> {
    all_paths(&without_tests(text))
        .into_iter()
        .filter(|p| {
            // Only a path that starts at the crate or climbs to it can name `crate::api`.
            matches!(p.first().map(String::as_str), Some("crate" | "super"))
                && absolute(module, p).is_some_and(|full| full.first() == Some(&"api"))
        })
        .map(|p| p.join("::"))
        .collect()
}

#[test]
fn the_portal_never_names_the_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    assert!(files.len() > 20, "the web/ sources were not found under {}", root.display());
    // This file is test code: its examples name the API on purpose.
    let found: Vec<String> = files
        .iter()
        .filter(|(module, _, _)| family(module) != "layering")
        .flat_map(|(module, text, file)| api_paths(module, text).into_iter().map(move |p| format!("{file}: {p}")))
        .collect();
    assert!(
        found.is_empty(),
        "web/ modules naming the JSON API (move the use case into normwatch-app, the rule into core): {found:#?}"
    );
}

#[test]
fn the_check_sees_the_api_however_it_is_named() {
    let code = "use crate::api::records::matrix;\nuse crate::{api::vep::report, web::kit};\nfn f() { super::super::super::api::x(); super::super::api::y(); crate::apis::z() }\n// crate::api::in_a_comment\n#[cfg(test)]\nmod tests {\n    fn t() { crate::api::t() }\n}";
    assert_eq!(
        api_paths("pages::norm", code),
        ["crate::api::records::matrix", "crate::api::vep::report", "super::super::super::api::x"]
    );
    assert_eq!(api_paths("", "fn g() { super::api::y() }"), ["super::api::y"]);
}
