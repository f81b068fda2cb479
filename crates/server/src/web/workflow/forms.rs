//! The workflows' forms: their limits, who may file, and the small conversions the workflows
//! share. Reading a posted form itself is the kit's (re-exported here for the workflows).
use crate::auth::Caller;
pub use crate::web::kit::forms::{Fields, Posted, Refusal, Shown, page_again, sign_in_first};
use normwatch_core::Right;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// How many target rows the incident form offers (more can be added by editing through the API).
pub(super) const TARGET_ROWS: usize = 3;

/// An evidence upload's text fields: how many, and how long each may be (the file streams).
pub(super) const MAX_UPLOAD_FIELDS: usize = 20;
pub(super) const MAX_UPLOAD_TEXT: usize = 64 * 1024;

/// The most target rows a posted form is read for.
pub(super) const MAX_TARGET_ROWS: usize = 50;

/// Whether the caller may file incidents and findings (for any stakeholder or its own): the
/// forms are offered only to those whose posts could be accepted.
pub(in crate::web) fn may_file(caller: &Caller) -> bool {
    caller.account.as_ref().is_some_and(|a| a.role.has(Right::WriteIncidents) || a.role.has(Right::WriteOwnIncidents))
}

/// A record input from the JSON a form was turned into, with the failing field named.
pub(super) fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

pub(super) fn localized(fields: &Fields, name: &str) -> Value {
    json!({ "ja": fields.one(&format!("{name}_ja")), "en": fields.one(&format!("{name}_en")) })
}

pub(super) fn upper(code: String) -> String {
    code.to_uppercase()
}

/// `draft` or `in-review`: the button the writer pressed.
pub(super) fn intent(fields: &Fields) -> &'static str {
    if fields.one("intent") == "in-review" { "in-review" } else { "draft" }
}

pub(super) fn whole_number(fields: &Fields, name: &str, field: &str) -> Result<Option<u64>, String> {
    fields
        .opt(name)
        .map(|v| {
            v.replace([',', '_', ' '], "").parse::<u64>().map_err(|_| format!("{field}: `{v}` is not a whole number"))
        })
        .transpose()
}
