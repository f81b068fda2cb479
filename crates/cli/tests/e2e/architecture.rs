//! The house rules of docs/architecture.md, checked from the sources: which crate of ours each
//! crate may depend on (arrows only downward), and no import circle between the modules of any
//! crate. A file's modules may use their parent's items (`super::`); a circle is two sibling or
//! cousin modules that each name the other, directly or around a ring. Test code is left out.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The table in docs/architecture.md: each crate and the crates of ours it may depend on.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("core", &[]),
    ("ledger", &[]),
    ("stix", &["core"]),
    ("collect", &["core"]),
    ("store", &["core", "ledger", "stix"]),
    ("federation", &["core", "ledger", "stix"]),
    ("app", &["core", "store", "ledger", "stix", "collect", "federation"]),
    ("server", &["core", "store", "ledger", "stix", "collect", "federation", "app"]),
    ("cli", &["core", "store", "ledger", "stix", "collect", "federation", "app", "server"]),
];

/// The `normwatch-*` crates a manifest names under `[dependencies]` (not dev- or build-).
fn our_dependencies(manifest: &str) -> BTreeSet<String> {
    let mut section = "";
    let mut out = BTreeSet::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[dependencies]"
            && let Some(name) = line.strip_prefix("normwatch-")
        {
            let name: String = name.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_crate_depends_only_on_the_crates_below_it() {
    let crates: BTreeSet<String> = std::fs::read_dir(workspace().join("crates"))
        .expect("crates/")
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = MAY_IMPORT.iter().map(|(c, _)| (*c).to_owned()).collect();
    assert_eq!(crates, listed, "a crate is missing from docs/architecture.md's table (and this test's)");
    for (name, allowed) in MAY_IMPORT {
        let manifest =
            std::fs::read_to_string(workspace().join("crates").join(name).join("Cargo.toml")).expect("Cargo.toml");
        for dep in our_dependencies(&manifest) {
            assert!(
                allowed.contains(&dep.as_str()),
                "crates/{name} depends on normwatch-{dep}; docs/architecture.md allows only {allowed:?}"
            );
        }
    }
}

/// Every `.rs` file under `src` with its module path (`a/mod.rs` and `a.rs` are `a`; the crate root is "").
fn modules(src: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("src dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(root).expect("under root").with_extension("");
                let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
                if parts.last().is_some_and(|s| matches!(s.as_str(), "mod" | "lib" | "main")) {
                    parts.pop();
                }
                let text = std::fs::read_to_string(&p).expect("readable source");
                out.insert(parts.join("::"), without_tests(&text));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The source up to its first `#[cfg(test)]` (test modules sit at the end of a file), without comments.
fn without_tests(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The paths after each `crate::` and `super::` in `code`, with `{a, b::c}` groups expanded.
fn paths(code: &str, anchor: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(anchor) {
        let before = rest[..at].chars().last();
        rest = &rest[at + anchor.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let path: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
        let head = path.trim_end_matches(':').to_owned();
        let after = &rest[path.len()..];
        if let Some(group) = after.strip_prefix('{') {
            let group: String = group.chars().take_while(|c| *c != '}').collect();
            for item in group.split(',') {
                let item = item.trim().trim_start_matches('{').split(' ').next().unwrap_or_default();
                if !item.is_empty() && item != "self" {
                    out.push(if head.is_empty() { item.to_owned() } else { format!("{head}::{item}") });
                }
            }
        }
        if !head.is_empty() {
            out.push(head);
        }
    }
    out
}

/// The longest module path that `path` starts with.
fn resolve(path: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    (1..=segs.len()).rev().map(|n| segs[..n].join("::")).find(|m| modules.contains_key(m))
}

fn is_ancestor(of: &str, module: &str) -> bool {
    module.starts_with(&format!("{of}::"))
}

/// Which module names which (not its own ancestors: a child may use its parent).
fn graph(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (module, code) in modules {
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
        let mut to = BTreeSet::new();
        let named = paths(code, "crate::").into_iter().chain(
            paths(code, "super::").into_iter().map(|p| if parent.is_empty() { p } else { format!("{parent}::{p}") }),
        );
        for p in named {
            if let Some(target) = resolve(&p, modules)
                && target != *module
                && !is_ancestor(&target, module)
            {
                to.insert(target);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

/// The groups of more than one module that all reach each other (modules are few: a
/// breadth-first walk from each is cheap).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut next: Vec<&str> = edges.get(from).into_iter().flatten().map(String::as_str).collect();
        while let Some(m) = next.pop() {
            if seen.insert(m.to_owned()) {
                next.extend(edges.get(m).into_iter().flatten().map(String::as_str));
            }
        }
        seen
    };
    let reached: BTreeMap<&str, BTreeSet<String>> = edges.keys().map(|m| (m.as_str(), reach(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (m, from_m) in &reached {
        let ring: Vec<String> =
            from_m.iter().filter(|o| reached.get(o.as_str()).is_some_and(|r| r.contains(*m))).cloned().collect();
        if !ring.is_empty() && !out.iter().any(|c| c.iter().any(|x| x == m)) {
            out.push(ring);
        }
    }
    out
}

#[test]
fn no_crate_has_an_import_circle() {
    let mut found = Vec::new();
    for (name, _) in MAY_IMPORT {
        let src = workspace().join("crates").join(name).join("src");
        let modules = modules(&src);
        assert!(modules.len() > 1 || *name == "ledger", "crates/{name}/src: no modules read");
        for circle in circles(&graph(&modules)) {
            found.push(format!("crates/{name}: {}", circle.join(" ⇄ ")));
        }
    }
    assert!(found.is_empty(), "import circles (move what both need into a module below both):\n{}", found.join("\n"));
}

/// The checker itself finds a circle, and does not call a child using its parent one.
#[test]
fn the_circle_check_sees_a_ring_and_not_a_parent() {
    let modules: BTreeMap<String, String> = [
        ("a", "use crate::b::X;"),
        ("b", "use crate::c::{Y, Z};"),
        ("c", "fn f() { crate::a::g() }"),
        ("d", "use crate::d::e::Q;"),
        ("d::e", "use super::P; use crate::d::R;"),
    ]
    .into_iter()
    .map(|(m, c)| (m.to_owned(), c.to_owned()))
    .collect();
    let found = circles(&graph(&modules));
    assert_eq!(found, vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]);
}
