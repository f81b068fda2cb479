//! What every portal page handler starts from: one extractor for the request's headers, caller and
//! query, and the steps each page took by hand before — its language, its download format, the
//! page it is on, the parameters it takes.
use super::download::{self, Format};
use super::page::{Page, WebError, failure, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// A page request: its headers, its caller and its query, extracted in that order (as the
/// handlers took them one by one, so a refused credential or query answers as before).
pub struct Visit {
    pub headers: HeaderMap,
    pub caller: Caller,
    pub params: Params,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = parts.headers.clone();
        let caller = Caller::from_request_parts(parts, state).await?;
        let params = Params::from_request_parts(parts, state).await?;
        Ok(Visit { headers, caller, params })
    }
}

/// Whether a data page's rows are logged records, which also download as STIX, or not
/// (catalogue entries, consultations, communities, VEP boards), where `format=stix` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Logged,
    NotLogged,
}

/// A data page's request once read: the page, the format asked for, the rest of the query
/// and the caller.
pub struct DataVisit {
    pub page: Page,
    pub format: Format,
    pub params: Params,
    pub caller: Caller,
}

impl Visit {
    /// The query without parameters given empty (a filter form's unused fields).
    pub fn without_blanks(mut self) -> Visit {
        self.params = self.params.without_blanks();
        self
    }

    /// The page at `path`, which takes no parameter but `lang`.
    pub fn page(&self, path: &str) -> Result<Page, WebError> {
        self.page_taking(path, &[])
    }

    /// The page at `path`, which takes `lang` and the parameters `allowed`.
    pub fn page_taking(&self, path: &str, allowed: &[&str]) -> Result<Page, WebError> {
        let page = page(&self.params, &self.headers, &self.caller, path)?;
        self.params.only(allowed).map_err(failure(page.lang))?;
        Ok(page)
    }

    /// A data page at `path` that takes the parameters `allowed` (besides `lang` and `format`).
    pub fn data(self, path: &str, rows: Rows, allowed: &[&str]) -> Result<DataVisit, WebError> {
        let d = self.data_query(path, rows)?;
        d.params.only(allowed).map_err(failure(d.page.lang))?;
        Ok(d)
    }

    /// A data page at `path` whose query its own parser reads and checks: its language, then
    /// `format` taken out of the query, then the page for the rest of the query.
    pub fn data_query(self, path: &str, rows: Rows) -> Result<DataVisit, WebError> {
        let lang = super::page::page_language(self.params.lang, &self.headers)?;
        let (format, params) = match rows {
            Rows::Logged => download::format(self.params, lang)?,
            Rows::NotLogged => download::format_without_stix(self.params, lang)?,
        };
        let page = page(&params, &self.headers, &self.caller, path)?;
        Ok(DataVisit { page, format, params, caller: self.caller })
    }
}
