//! How the administration forms show a refusal: beside the field it names (a field error reads
//! "`field`: reason"), or above the form when it names none of its fields (a taken username).
use super::words::Words;
use crate::web::kit::forms::Refusal;
use maud::{Markup, html};

/// Whether a refusal's message is about `field`.
fn names(message: &str, field: &str) -> bool {
    message.starts_with(&format!("`{field}`:")) || message.starts_with(&format!("`{field}."))
}

/// The refusal of `form`, if that form was refused.
pub fn of<'r>(refusal: Option<&'r Refusal>, form: &str) -> Option<&'r Refusal> {
    refusal.filter(|r| r.form == form)
}

/// The note beside `field` of `form` when the refusal names it.
pub fn field_error(refusal: Option<&Refusal>, form: &str, field: &str) -> Markup {
    html! { @if let Some(r) = of(refusal, form).filter(|r| names(&r.message, field)) {
        span.error.field-error id=(format!("{field}-error")) role="alert" { (r.message) }
    } }
}

/// The note above `form` when its refusal names none of `fields`.
pub fn form_error(w: &Words, refusal: Option<&Refusal>, form: &str, fields: &[&str]) -> Markup {
    let unplaced = of(refusal, form).filter(|r| !fields.iter().any(|f| names(&r.message, f)));
    html! { @if let Some(r) = unplaced { p.error.refusal role="alert" { b { (w.refused) ": " } (r.message) } } }
}

#[cfg(test)]
mod tests {
    #[test]
    fn field_errors_are_found_by_their_field() {
        assert!(super::names("`username`: 3–64 of a-z", "username"));
        assert!(super::names("`name.ja`: the name is needed", "name"));
        assert!(!super::names("username `ann` is taken", "username"));
    }
}
