//! Systematic collection in the portal: the triage queue, the sources with their health and
//! coverage, and the public "report an incident" form. This module only names its parts and
//! the handlers the router uses.
mod sources;
mod tips;
mod triage;
mod words;

pub use sources::{add as add_source, list as sources, poll as poll_sources, remove as remove_source};
pub use tips::{form as tip_form, send as send_tip, thanks as tip_thanks};
pub use triage::{decide as decide_item, queue as triage};
