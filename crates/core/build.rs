//! Embeds every file of the workspace's `catalog/` folder so that a built binary carries the
//! catalogue it was tested with. Generates `embedded_catalog.rs` with one `include_str!` per file.
use std::{env, fs, path::Path};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../../catalog");
    let root = root.canonicalize().expect("catalog/ folder beside crates/");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from("pub(crate) const EMBEDDED: &[(&str, &str)] = &[\n");
    for rel in &files {
        let abs = root.join(rel);
        println!("cargo:rerun-if-changed={}", abs.display());
        out.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", abs.display().to_string()));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_catalog.rs");
    fs::write(dest, out).expect("write embedded_catalog.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let entries = fs::read_dir(dir).expect("read catalog dir");
    for entry in entries {
        let path = entry.expect("dir entry").path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path.strip_prefix(root).expect("under root");
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
