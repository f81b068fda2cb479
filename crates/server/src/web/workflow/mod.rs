//! The violation ledger's workflows in the portal: filing an incident, uploading evidence,
//! writing findings (assessments, attributions, responses, collective statements), moving each
//! through review to publication, and co-signing a statement. Every form posts to a handler that
//! calls the same functions as the JSON API, so the portal follows the API's rules exactly; a
//! refused form is shown again with what was typed and the reason, and nothing is stored.
//!
//! This module only names its parts and the handlers the router uses; each file is one workflow.
mod evidence;
mod findings;
pub(super) mod forms;
pub mod fuzzing;
mod incident_findings;
mod incident_form;
mod incident_input;
mod incident_tables;
pub(super) mod incidents;
mod review;
mod revise;
mod statement;
#[cfg(test)]
mod tests;
mod widgets;
mod words;
mod workbench;

pub use evidence::upload_evidence;
pub use findings::add_finding;
pub use forms::Fields;
pub use incident_form::{file_incident, new_incident};
pub use review::act;
pub use revise::{edit_incident, revise_incident};
pub use statement::{canonical_text, co_sign, statement};
