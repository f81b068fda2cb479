//! The kit every portal page is built from, and the only web/ module pages share: the request a
//! page handler starts from ([`Visit`]), the page a reader is on, errors as pages, posted forms,
//! encoding, labels, the layout, the words of the interface, dates, downloads of what a page
//! shows and the published findings the reading pages list. It imports no page, so pages import
//! it and never each other.
pub mod charts;
pub mod dates;
pub mod download;
mod filters;
pub mod findings;
pub mod forms;
mod frame;
pub mod i18n;
mod linked;
pub mod map;
mod page;
pub mod refusal;
mod style;
mod text;
mod visit;

pub use filters::{filter_words, incident_filters};
pub use frame::error_frame;
pub use linked::{also_in, end_cell, same_incident_section};
pub use page::{
    Page, PageUser, WebError, bad_query, check_csrf, failure, form_body, layout, no_store, page_language, see_other,
    typed_form,
};
pub use style::stylesheet;
pub use text::{
    LAG_COLUMNS, RATE_COLUMNS, bounds, either, encode, kind_label, label, lag_cells, lag_trend_table, percent,
    rate_cells,
};
pub use visit::{DataVisit, Rows, Visit};
