//! The core crate's integration tests, one module per area in one test binary (one link, not one
//! per file).

mod embedded_catalog;
mod screening_cases;
