//! What the `normwatch` command parses without files or a database, as a library: the fuzz
//! targets in `fuzz/` feed it bytes.
#![forbid(unsafe_code)]

pub mod import;
