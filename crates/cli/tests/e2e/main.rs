//! The end-to-end tests: each starts the real `normwatch serve` (or runs the CLI) and talks to it
//! as a user would. One test binary with one module per area, so that the server is linked once
//! rather than once per area. Run one area with `cargo test -p normwatch --test e2e -- AREA::`.
//!
//! A test that needs something this machine lacks (PostgreSQL, chromedriver, the Python test
//! tools, the public datasets) fails and names the command that provides it: none skips.

#[macro_use]
mod common;

mod accessibility;
mod admin;
mod admin_browser;
mod adoption;
mod analysis;
mod api;
mod architecture;
mod attribution_trends;
mod browser;
mod capacity;
mod cli;
mod collect;
mod collect_cli;
mod collect_portal;
mod communities;
mod consultations;
mod contacts;
mod downloads;
mod evidence;
mod federation;
mod home;
mod import;
mod incident_list;
mod incident_page;
mod leaks;
mod ledger;
mod link_sample;
mod links;
mod log;
mod metrics;
mod portal;
mod reading;
mod refusals;
mod schemathesis;
mod servers;
mod sessions;
mod stix;
mod vep;
mod vulnerabilities;
mod webhooks;
mod workflow;
