//! Extractors that turn malformed requests into precise problems instead of axum's plain-text
//! rejections.
use crate::error::ApiError;
use axum::extract::{FromRequestParts, Query};
use axum::http::{HeaderMap, header, request::Parts};
use normwatch_core::{FieldError, Lang, LangChoice};

/// The query string as ordered pairs, with the language parameter taken out.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub pairs: Vec<(String, String)>,
    /// `?lang=` if given and valid.
    pub lang: Option<LangChoice>,
}

impl Params {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Refuses any parameter outside `allowed` (a typo should not be silently ignored).
    pub fn only(&self, allowed: &[&str]) -> Result<(), FieldError> {
        match self.pairs.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            Some((k, _)) if allowed.is_empty() => {
                Err(FieldError::new(k, "unknown parameter; this resource takes only `lang`"))
            }
            Some((k, _)) => Err(FieldError::new(k, format!("unknown parameter; use {} or `lang`", allowed.join(", ")))),
            None => Ok(()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Query(all) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|e| FieldError::new("query", format!("not a valid query string: {e}")))?;
        let mut params = Params::default();
        for (k, v) in all {
            if k == "lang" {
                if params.lang.is_some() {
                    return Err(FieldError::new("lang", "given twice; give it once").into());
                }
                params.lang = Some(v.parse().map_err(|reason| FieldError::new("lang", reason))?);
            } else {
                params.pairs.push((k, v));
            }
        }
        Ok(params)
    }
}

/// The API's language: `?lang=` wins, then `Accept-Language`; with neither, both languages.
pub fn api_language(params: &Params, headers: &HeaderMap) -> LangChoice {
    params.lang.unwrap_or_else(|| header_language(headers).map_or(LangChoice::All, LangChoice::One))
}

pub fn header_language(headers: &HeaderMap) -> Option<Lang> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::negotiate)
}
