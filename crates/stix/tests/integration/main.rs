//! The STIX crate's integration tests, one module per area in one test binary (one link, not one
//! per file). Tests that need the Python test tools or the public datasets fail, naming how to get
//! them, when those are missing.

mod bundle;
mod export_validator;
