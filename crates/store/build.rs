//! Writes each backend's migrations from the one set in `migrations/` and lists them for
//! `src/migrations.rs` to embed.
//!
//! A migration is one file for both backends. Where SQLite and PostgreSQL need different SQL, a
//! line starting with `--sqlite: ` is kept (without the marker) for SQLite only, and one starting
//! with `--postgres: ` for PostgreSQL only; every other line is for both. The text each backend
//! runs is byte for byte what it ran when the migration was released, so the checksums that
//! databases hold stay valid (`migrations::tests` pins them).
use std::fmt::Write as _;
use std::path::Path;

const BACKENDS: [&str; 2] = ["sqlite", "postgres"];

/// The lines of `text` that `backend` runs.
fn for_backend(text: &str, backend: &str) -> String {
    let mine = format!("--{backend}: ");
    let mut kept = Vec::new();
    for line in text.split('\n') {
        if let Some(rest) = line.strip_prefix(&mine) {
            kept.push(rest);
        } else if !BACKENDS.iter().any(|b| line.starts_with(&format!("--{b}: "))) {
            kept.push(line);
        }
    }
    kept.join("\n")
}

fn main() {
    // A new or changed migration must rebuild the crate, or the binary silently lacks it.
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=build.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut files: Vec<_> = std::fs::read_dir("migrations")
        .expect("crates/store/migrations")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut listing = String::new();
    for backend in BACKENDS {
        let dir = Path::new(&out).join("migrations").join(backend);
        std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
        writeln!(listing, "pub(crate) const {}: &[(i64, &str, &str)] = &[", backend.to_uppercase()).ok();
        for path in &files {
            let name = path.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name");
            let (version, rest) = name.split_once('_').expect("migrations are named NNNN_description.sql");
            let version: i64 = version.parse().expect("a migration's name starts with its number");
            let description = rest.trim_end_matches(".sql").replace('_', " ");
            let text = std::fs::read_to_string(path).expect("a readable migration");
            let target = dir.join(name);
            std::fs::write(&target, for_backend(&text, backend)).expect("OUT_DIR is writable");
            writeln!(listing, "    ({version}, {description:?}, include_str!({:?})),", target.display().to_string())
                .ok();
        }
        listing.push_str("];\n");
    }
    std::fs::write(Path::new(&out).join("migrations.rs"), listing).expect("OUT_DIR is writable");
}
