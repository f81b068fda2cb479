//! The kit every portal page is built from, and the only web/ module pages share: the request a
//! page handler starts from ([`Visit`]), the page a reader is on, errors as pages, posted forms,
//! encoding, labels, the layout, the words of the interface, dates, downloads of what a page
//! shows and the published findings the reading pages list. It imports no page, so pages import
//! it and never each other.
pub mod dates;
pub mod download;
pub mod findings;
pub mod i18n;
mod page;
mod style;
mod text;
mod visit;

pub use page::{
    Page, PageUser, WebError, check_csrf, failure, form_body, layout, no_store, page_language, see_other, typed_form,
};
pub use style::stylesheet;
pub use text::{bounds, either, encode, kind_label, label};
pub use visit::{DataVisit, Rows, Visit};
