//! The kit every portal page is built from, and the only web/ module pages share: the page a
//! reader is on, errors as pages, encoding, labels, the layout, the words of the interface and
//! dates. It imports no page, so pages import it and never each other.
pub mod dates;
pub mod i18n;
mod page;
mod style;
mod text;

pub use page::{Page, PageUser, WebError, check_csrf, failure, layout, no_store, page, page_language, see_other};
pub use style::stylesheet;
pub use text::{bounds, either, encode, kind_label, label};
