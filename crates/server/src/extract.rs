//! Extractors that turn malformed requests into precise problems instead of axum's plain-text
//! rejections.
use crate::error::ApiError;
use axum::extract::{FromRequestParts, Query};
use axum::http::{HeaderMap, header, request::Parts};
use normwatch_core::{FieldError, Lang, LangChoice};

/// Why a text with U+0000 is refused: PostgreSQL's text cannot hold it (a query with one fails
/// inside the database), and no record needs it.
pub const NUL_REASON: &str = "contains the character U+0000 (NUL), which no text here may hold";

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

    /// The parameters with blank values dropped: an HTML form sends its empty fields
    /// (`?q=&kind=`), which on a page mean "no filter".
    pub fn without_blanks(mut self) -> Params {
        self.pairs.retain(|(_, v)| !v.trim().is_empty());
        self
    }

    /// The first value of `key` as given (blank included), if any.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The one value of `key`, if given: refused when given twice or blank.
    pub fn one(&self, key: &str) -> Result<Option<&str>, FieldError> {
        let mut found = self.pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            return Err(FieldError::new(key, "given twice; give it once"));
        }
        match first {
            Some(v) if v.trim().is_empty() => Err(FieldError::new(key, "is empty; leave it out to not filter by it")),
            other => Ok(other),
        }
    }

    /// A page size `limit` from 1 to `max`, `default` when not given.
    pub fn limit(&self, max: usize, default: usize) -> Result<usize, FieldError> {
        self.one("limit")?
            .map(|l| {
                l.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| FieldError::new("limit", format!("1–{max}")))
            })
            .transpose()
            .map(|l| l.unwrap_or(default))
    }

    /// Where a page of a list starts, `offset` from 0; 0 when not given.
    pub fn offset(&self) -> Result<usize, FieldError> {
        self.one("offset")?
            .map(|v| {
                v.parse::<usize>().map_err(|_| FieldError::new("offset", format!("`{v}` is not a whole number from 0")))
            })
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// A kind of logged record named by `key` (`type=incident`).
    pub fn logged_kind(&self, key: &str) -> Result<Option<normwatch_core::RecordKind>, FieldError> {
        self.one(key)?
            .map(|t| {
                normwatch_core::RecordKind::parse_logged(t)
                    .ok_or_else(|| FieldError::new(key, format!("`{t}` is not a logged record type")))
            })
            .transpose()
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
            if k.contains('\0') || v.contains('\0') {
                let field = if k.contains('\0') { "query" } else { k.as_str() };
                return Err(FieldError::new(field, NUL_REASON).into());
            }
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

/// A JSON request body, deserialised with the path of any bad field named in the error, and
/// limited in size (413 as problem+json).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

/// The field an error message of serde names, joined to the path where it happened.
fn field_of(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next()));
    let base = if path == "." { "" } else { path };
    // For an unknown field the path already ends with it; for a missing one it is the parent.
    if let Some(name) = named
        && (base == name || base.ends_with(&format!(".{name}")))
    {
        return base.to_owned();
    }
    match (base, named) {
        ("", Some(name)) => name.to_owned(),
        (base, Some(name)) => format!("{base}.{name}"),
        ("", None) => "body".to_owned(),
        (base, None) => base.to_owned(),
    }
}

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit: crate::MAX_BODY_BYTES }
            } else {
                ApiError::InvalidBody(FieldError::new("body", e.body_text()))
            }
        })?;
        if let Some(field) = nul_in_json(&bytes) {
            return Err(ApiError::InvalidBody(FieldError::new(field, NUL_REASON)));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(JsonBody).map_err(|e| {
            let message = e.inner().to_string();
            // serde's messages end with the position; the field name is more useful.
            let reason = message.split(" at line ").next().unwrap_or(&message).to_owned();
            ApiError::InvalidBody(FieldError::new(field_of(&e.path().to_string(), &reason), reason))
        })
    }
}

/// The field of a JSON text whose strings (or keys) hold U+0000, if any. JSON can only spell it
/// escaped (`\u0000`; a raw control character is a syntax error), so the bytes are scanned first
/// and parsed only when the escape is there.
fn nul_in_json(bytes: &[u8]) -> Option<String> {
    let mut i = 0;
    let mut found = false;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            // An escape is two bytes (`\\` included), so `\\u0000` is text, not a NUL.
            found |= bytes.get(i + 1..i + 6) == Some(b"u0000");
            i += 2;
        } else {
            i += 1;
        }
    }
    if !found {
        return None;
    }
    fn walk(value: &serde_json::Value, path: &str) -> Option<String> {
        let named = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
        match value {
            serde_json::Value::String(s) if s.contains('\0') => {
                Some(if path.is_empty() { "body".into() } else { path.into() })
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                if k.contains('\0') {
                    Some(if path.is_empty() { "body".into() } else { path.into() })
                } else {
                    walk(v, &named(k))
                }
            }),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(n, v)| walk(v, &format!("{path}[{n}]")))
            }
            _ => None,
        }
    }
    // A body that does not parse is left to the deserialiser, which names the syntax error.
    serde_json::from_slice::<serde_json::Value>(bytes).ok().and_then(|v| walk(&v, ""))
}

/// The client's address, when the server was started with connection info.
pub fn client_address(parts_extensions: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    parts_extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::{field_of, nul_in_json};

    #[test]
    fn finds_nul_in_json_strings_and_keys() {
        assert_eq!(nul_in_json(br#"{"contact": "a\u0000b"}"#).as_deref(), Some("contact"));
        assert_eq!(nul_in_json(br#"{"members": [{"id": "x"}, {"id": "\u0000"}]}"#).as_deref(), Some("members[1].id"));
        assert_eq!(nul_in_json(br#"{"name": {"ja\u0000": "x"}}"#).as_deref(), Some("name"));
        assert_eq!(nul_in_json(br#""\u0000""#).as_deref(), Some("body"));
        // An escaped backslash before `u0000` is the text `\u0000`, not a NUL.
        assert_eq!(nul_in_json(br#"{"note": "C:\\u0000"}"#), None);
        assert_eq!(nul_in_json(br#"{"note": "\u00001"}"#).as_deref(), Some("note"));
        assert_eq!(nul_in_json(b"{\"unclosed\": \"\\u0000"), None, "left to the deserialiser");
        assert_eq!(nul_in_json(br#"{"plain": "text"}"#), None);
    }

    #[test]
    fn names_the_field_of_serde_errors() {
        assert_eq!(field_of(".", "missing field `stance`"), "stance");
        assert_eq!(field_of(".", "unknown field `stanse`, expected one of"), "stanse");
        assert_eq!(field_of("source.uri", "unknown field `uri`, expected"), "source.uri");
        assert_eq!(field_of("mood", "unknown field `mood`, expected"), "mood");
        assert_eq!(field_of("source", "missing field `url`"), "source.url");
        assert_eq!(field_of("stance", "unknown variant `like`"), "stance");
        assert_eq!(field_of(".", "expected value"), "body");
    }
}
