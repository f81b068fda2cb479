//! TAXII 2.1 (OASIS, 2021) at `/taxii2/`: discovery, one API root, a collection per TLP marking
//! × community scope the caller may read, objects (GET and POST), single objects, versions,
//! manifests and status. Responses carry TAXII's own media type and error bodies; what a caller
//! may read is decided in the store query.
use crate::AppState;
use crate::auth::{self, Caller, Credential, secret_hash};
use crate::error::ApiError;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use normwatch_core::{Right, Tlp};
use normwatch_stix::bundle::{self, TlpResolver};
use normwatch_store::{
    NewStixObject, StixFilter, StixPage, StixScope, StoreError, TaxiiStatus, VersionMatch, timestamp_key,
};
use serde_json::{Value, json};

/// The one media type TAXII 2.1 clients accept.
pub const TAXII_MEDIA: &str = "application/taxii+json;version=2.1";
const STIX_21_MEDIA: &str = "application/stix+json;version=2.1";
const STIX_20_MEDIA: &str = "application/stix+json;version=2.0";
/// The largest POST body (also announced in the API root).
pub const MAX_CONTENT_LENGTH: usize = 32 * 1024 * 1024;
/// Objects per page when the client names no limit, and the most it may ask for.
const DEFAULT_LIMIT: usize = 1000;
const MAX_LIMIT: usize = 10_000;

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    // Clients differ on the trailing slash (taxii2-client asks for `status/{id}` without one).
    for (path, route) in [
        ("/", get(discovery)),
        ("/api/", get(api_root)),
        ("/api/collections/", get(collections)),
        ("/api/collections/{collection}/", get(collection)),
        ("/api/collections/{collection}/objects/", get(get_objects).post(add_objects)),
        ("/api/collections/{collection}/objects/{object}/", get(get_object)),
        ("/api/collections/{collection}/objects/{object}/versions/", get(versions)),
        ("/api/collections/{collection}/manifest/", get(manifest)),
        ("/api/status/{status}/", get(status)),
    ] {
        if path != "/" {
            r = r.route(path.trim_end_matches('/'), route.clone());
        }
        r = r.route(path, route);
    }
    r.fallback(no_route)
}

/// A TAXII error message (TAXII 2.1 §3.6.1).
#[derive(Debug)]
pub struct TaxiiError {
    status: StatusCode,
    title: String,
    description: String,
}

impl TaxiiError {
    fn new(status: StatusCode, title: &str, description: impl Into<String>) -> TaxiiError {
        TaxiiError { status, title: title.to_owned(), description: description.into() }
    }
}

impl From<ApiError> for TaxiiError {
    fn from(e: ApiError) -> Self {
        let status = e.status();
        if status.is_server_error() {
            tracing::error!(error = %e, "TAXII request failed");
        }
        TaxiiError::new(status, status.canonical_reason().unwrap_or("Error"), e.to_string())
    }
}

impl From<StoreError> for TaxiiError {
    fn from(e: StoreError) -> Self {
        TaxiiError::from(ApiError::from(e))
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.title,
            "description": self.description,
            "http_status": self.status.as_u16().to_string(),
        });
        let mut response = taxii_json(self.status, body.to_string());
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"normwatch TAXII\""));
        }
        response
    }
}

fn taxii_json(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut response = (status, body.into()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA));
    response
}

async fn no_route() -> TaxiiError {
    TaxiiError::new(StatusCode::NOT_FOUND, "Not Found", "no TAXII resource here; start at /taxii2/")
}

/// Whether an `Accept` header admits TAXII 2.1 JSON (absent: yes).
fn accepts_taxii(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    accept.split(',').any(|range| {
        let tokens: Vec<String> = range.split(';').map(|t| t.trim().to_ascii_lowercase()).collect();
        match tokens.first().map(String::as_str) {
            Some("application/taxii+json") => {
                tokens.iter().skip(1).all(|t| !t.starts_with("version=") || t == "version=2.1")
            }
            Some("*/*" | "application/*") => true,
            _ => false,
        }
    })
}

/// The caller of a TAXII request: HTTP Basic (an account's username and password), or an API
/// token as `Bearer` or `Token` (taxii2-client's TokenAuth). Session cookies are ignored, so a
/// browser cannot be made to post objects for its user.
#[derive(Debug)]
pub struct TaxiiCaller(pub Caller);

impl FromRequestParts<AppState> for TaxiiCaller {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if !accepts_taxii(&parts.headers) {
            return Err(TaxiiError::new(
                StatusCode::NOT_ACCEPTABLE,
                "Not Acceptable",
                format!("this server answers only `{TAXII_MEDIA}`; send `Accept: {TAXII_MEDIA}`"),
            ));
        }
        let anonymous = Caller { account: None, credential: Credential::Anonymous, communities: vec![] };
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(TaxiiCaller(anonymous));
        };
        let value = value.to_str().unwrap_or("");
        let unauthenticated = |why: &str| TaxiiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", why);
        let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
        let (account, credential) = match scheme.to_ascii_lowercase().as_str() {
            "bearer" | "token" => match state.store.token_account(&secret_hash(rest.trim())).await? {
                Some((account, id)) => (account, Credential::Token { id }),
                None => return Err(unauthenticated("the token is unknown, revoked or expired")),
            },
            "basic" => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(rest.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| unauthenticated("Basic credentials must be base64 of `username:password`"))?;
                let (user, password) = decoded
                    .split_once(':')
                    .ok_or_else(|| unauthenticated("Basic credentials must be base64 of `username:password`"))?;
                let account = auth::sign_in(state, user, password, None).await.map_err(TaxiiError::from)?;
                (account, Credential::Anonymous)
            }
            _ => return Err(unauthenticated("use HTTP Basic, or `Authorization: Bearer <API token>`")),
        };
        let communities = auth::communities_of(state, &account).await?;
        Ok(TaxiiCaller(Caller { account: Some(account), credential, communities }))
    }
}

/// The collection id of a scope: a UUID that stays the same for the scope.
fn collection_id(scope: &StixScope) -> String {
    let id = normwatch_stix::stix_id("x-normwatch-collection", &scope.key());
    id.trim_start_matches("x-normwatch-collection--").to_owned()
}

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.instance.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

pub async fn discovery(
    State(state): State<AppState>,
    TaxiiCaller(_): TaxiiCaller,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let root = format!("{}/taxii2/api/", base_url(&state, &headers));
    let body = json!({
        "title": "normwatch TAXII 2.1",
        "description": "Published findings of the cyberstability observatory (incidents, violation assessments, attribution claims, statements, responses) and STIX objects shared by its members.",
        "default": root,
        "api_roots": [root],
    });
    Ok(taxii_json(StatusCode::OK, body.to_string()))
}

async fn api_root(TaxiiCaller(_): TaxiiCaller) -> Response {
    let body = json!({
        "title": "normwatch",
        "description": "One collection per TLP marking and community the caller may read.",
        "versions": [TAXII_MEDIA],
        "max_content_length": MAX_CONTENT_LENGTH,
    });
    taxii_json(StatusCode::OK, body.to_string())
}

fn can_write(caller: &Caller, scope: &StixScope) -> bool {
    caller
        .account
        .as_ref()
        .is_some_and(|a| !a.disabled && (a.role.has(Right::WriteIncidents) || a.role.has(Right::WriteOwnIncidents)))
        && scope.community.as_ref().is_none_or(|c| caller.communities.contains(c))
}

fn collection_json(caller: &Caller, scope: &StixScope) -> Value {
    let marking = match scope.tlp {
        Tlp::Clear => "TLP:CLEAR",
        Tlp::Green => "TLP:GREEN",
        Tlp::Amber => "TLP:AMBER",
        Tlp::AmberStrict => "TLP:AMBER+STRICT",
        Tlp::Red => "TLP:RED",
    };
    let (title, description) = match &scope.community {
        None => (marking.to_owned(), format!("Objects marked {marking}, for every reader that marking allows.")),
        Some(c) => (
            format!("{marking} · community {c}"),
            format!("Objects marked {marking} for the members of community `{c}`."),
        ),
    };
    json!({
        "id": collection_id(scope),
        "title": title,
        "description": description,
        "can_read": true,
        "can_write": can_write(caller, scope),
        "media_types": [STIX_21_MEDIA, STIX_20_MEDIA],
    })
}

async fn collections(TaxiiCaller(caller): TaxiiCaller) -> Response {
    let list: Vec<Value> =
        StixScope::readable_by(&caller.viewer()).iter().map(|s| collection_json(&caller, s)).collect();
    let body = if list.is_empty() { json!({}) } else { json!({ "collections": list }) };
    taxii_json(StatusCode::OK, body.to_string())
}

/// The scope of a collection id the caller may read: 404 when there is no such collection,
/// 401 (anonymous) or 403 when it is not for this caller.
async fn readable_scope(state: &AppState, caller: &Caller, id: &str) -> Result<StixScope, TaxiiError> {
    if let Some(scope) = StixScope::readable_by(&caller.viewer()).into_iter().find(|s| collection_id(s) == id) {
        return Ok(scope);
    }
    let mut all: Vec<StixScope> = Tlp::ALL.iter().map(|t| StixScope::public(*t)).collect();
    for c in state.store.communities().await? {
        all.extend(Tlp::ALL.iter().map(|t| StixScope { tlp: *t, community: Some(c.id.clone()) }));
    }
    if !all.iter().any(|s| collection_id(s) == id) {
        return Err(TaxiiError::new(
            StatusCode::NOT_FOUND,
            "Not Found",
            format!("no collection `{id}`; list them at collections/"),
        ));
    }
    Err(match caller.account {
        None => TaxiiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "this collection needs credentials: HTTP Basic or an API token",
        ),
        Some(_) => TaxiiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "your role or communities do not reach this collection's marking",
        ),
    })
}

async fn collection(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path(id): Path<String>,
) -> Result<Response, TaxiiError> {
    let scope = readable_scope(&state, &caller, &id).await?;
    Ok(taxii_json(StatusCode::OK, collection_json(&caller, &scope).to_string()))
}

fn bad_request(parameter: &str, reason: impl std::fmt::Display) -> TaxiiError {
    TaxiiError::new(StatusCode::BAD_REQUEST, "Bad Request", format!("`{parameter}`: {reason}"))
}

/// The filter a query string asks for (TAXII 2.1 §3.4): `added_after`, `limit`, `next`,
/// `match[id|type|version|spec_version]`, each match a comma-separated list.
/// `default` is what no `match[version]` means: the last version, or every one (versions).
fn parse_filter(query: Option<&str>, default: VersionMatch) -> Result<StixFilter, TaxiiError> {
    let mut f = StixFilter { limit: DEFAULT_LIMIT, ..Default::default() };
    let mut versions: Vec<String> = Vec::new();
    for (key, value) in form_urlencoded_pairs(query.unwrap_or("")) {
        let values = || value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        match key.as_str() {
            "added_after" => {
                f.added_after = Some(timestamp_key(&value).ok_or_else(|| {
                    bad_request("added_after", "not an RFC 3339 timestamp (e.g. 2024-05-01T00:00:00.000Z)")
                })?);
            }
            "limit" => {
                let n: usize = value.parse().map_err(|_| bad_request("limit", "not a positive integer"))?;
                f.limit = if n == 0 { DEFAULT_LIMIT } else { n.min(MAX_LIMIT) };
            }
            "next" => {
                f.after_added = Some(decode_next(&value).ok_or_else(|| {
                    bad_request("next", "not a `next` value this server gave; start again without it")
                })?);
            }
            "match[id]" => f.ids.extend(values()),
            "match[type]" => f.types.extend(values()),
            "match[spec_version]" => f.spec_versions.extend(values()),
            "match[version]" => versions.extend(values()),
            other => {
                return Err(bad_request(
                    other,
                    "unknown parameter; use added_after, limit, next, match[id], match[type], match[version] or match[spec_version]",
                ));
            }
        }
    }
    f.versions = match versions.as_slice() {
        [] => default,
        [one] if one == "last" => VersionMatch::Last,
        [one] if one == "first" => VersionMatch::First,
        v if v.iter().any(|x| x == "all") => VersionMatch::All,
        v => {
            let mut keys = Vec::new();
            for x in v.iter().filter(|x| *x != "last" && *x != "first") {
                keys.push(timestamp_key(x).ok_or_else(|| {
                    bad_request("match[version]", format!("`{x}` is not last, first, all or a timestamp"))
                })?);
            }
            VersionMatch::Some { keys, last: v.iter().any(|x| x == "last"), first: v.iter().any(|x| x == "first") }
        }
    };
    Ok(f)
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// `next` is the last `date_added` of the page, so it stays right whatever `added_after` the
/// client sends with it.
fn encode_next(date_added: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(date_added)
}

fn decode_next(next: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(next).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    timestamp_key(&text).filter(|k| *k == text)
}

fn added_headers(response: &mut Response, page: &StixPage) {
    if let (Some(first), Some(last)) = (page.rows.first(), page.rows.last()) {
        for (name, value) in
            [("x-taxii-date-added-first", &first.date_added), ("x-taxii-date-added-last", &last.date_added)]
        {
            if let Ok(v) = HeaderValue::from_str(value) {
                response.headers_mut().insert(name, v);
            }
        }
    }
}

/// `more`, and `next` when there is more.
fn paging(body: &mut Value, page: &StixPage) {
    body["more"] = json!(page.more);
    if page.more
        && let Some(last) = page.rows.last()
    {
        body["next"] = json!(encode_next(&last.date_added));
    }
}

/// A 200 carrying `body`, with the date-added headers of its page.
fn page_response(body: impl Into<axum::body::Body>, page: &StixPage) -> Response {
    let mut response = taxii_json(StatusCode::OK, body);
    added_headers(&mut response, page);
    response
}

/// The page's objects envelope, made once for as long as the store keeps the page.
fn objects_response(page: &StixPage) -> Response {
    let body = page.rendered.get_or_init(|| bytes::Bytes::from(envelope(page))).clone();
    page_response(body, page)
}

/// A page of entries under `field` (an object's versions, a manifest's objects): the paging,
/// then the entries when there are any.
fn listing<T: serde::Serialize>(page: &StixPage, field: &str, entries: Vec<T>) -> Response {
    let mut body = json!({});
    paging(&mut body, page);
    if !entries.is_empty() {
        body[field] = json!(entries);
    }
    page_response(body.to_string(), page)
}

/// 404 with `missing` when the page holds no version of the object asked for.
fn found(page: &StixPage, missing: impl FnOnce() -> String) -> Result<(), TaxiiError> {
    if page.rows.is_empty() {
        return Err(TaxiiError::new(StatusCode::NOT_FOUND, "Not Found", missing()));
    }
    Ok(())
}

/// `{"more": …, "next": …, "objects": [...]}` built from the stored texts without parsing them.
fn envelope(page: &StixPage) -> String {
    let mut out = String::with_capacity(page.rows.iter().map(|r| r.body.len() + 1).sum::<usize>() + 64);
    out.push_str(if page.more { "{\"more\":true" } else { "{\"more\":false" });
    if page.more
        && let Some(last) = page.rows.last()
    {
        out.push_str(&format!(",\"next\":\"{}\"", encode_next(&last.date_added)));
    }
    if !page.rows.is_empty() {
        out.push_str(",\"objects\":[");
        for (i, r) in page.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&r.body);
        }
        out.push(']');
    }
    out.push('}');
    out
}

async fn read_page(
    state: &AppState,
    caller: &Caller,
    collection: &str,
    query: Option<&str>,
    object: Option<&str>,
    versions: VersionMatch,
) -> Result<std::sync::Arc<StixPage>, TaxiiError> {
    let scope = readable_scope(state, caller, collection).await?;
    let mut filter = parse_filter(query, versions)?;
    if let Some(id) = object {
        filter.ids = vec![id.to_owned()];
    }
    Ok(state.store.stix_objects_synced(&caller.viewer(), &scope, &filter).await?)
}

async fn get_objects(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = read_page(&state, &caller, &collection, query.as_deref(), None, VersionMatch::Last).await?;
    Ok(objects_response(&page))
}

async fn get_object(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = read_page(&state, &caller, &collection, query.as_deref(), Some(&object), VersionMatch::Last).await?;
    found(&page, || format!("no object `{object}` in this collection matches"))?;
    Ok(objects_response(&page))
}

async fn versions(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    // Versions are every version unless the client narrows them.
    let page = read_page(&state, &caller, &collection, query.as_deref(), Some(&object), VersionMatch::All).await?;
    found(&page, || format!("no object `{object}` in this collection"))?;
    let versions: Vec<&str> = page.rows.iter().filter_map(|r| r.modified.as_deref()).collect();
    Ok(listing(&page, "versions", versions))
}

async fn manifest(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let page = read_page(&state, &caller, &collection, query.as_deref(), None, VersionMatch::Last).await?;
    let records: Vec<Value> = page
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.stix_id,
                "date_added": r.date_added,
                "version": r.modified.clone().unwrap_or_else(|| r.date_added.clone()),
                "media_type": if r.spec_version == "2.0" { STIX_20_MEDIA } else { STIX_21_MEDIA },
            })
        })
        .collect();
    Ok(listing(&page, "objects", records))
}

/// Whether a request's `Content-Type` is TAXII 2.1 JSON.
fn is_taxii_content(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        let tokens: Vec<String> = v.split(';').map(|t| t.trim().to_ascii_lowercase()).collect();
        tokens.first().is_some_and(|t| t == "application/taxii+json")
            && tokens.iter().skip(1).all(|t| !t.starts_with("version=") || t == "version=2.1")
    })
}

/// Adds the objects of an envelope: each is checked as `normwatch import stix` checks it; the
/// good ones are stored, the others listed as failures in the status (202 either way).
async fn add_objects(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path(collection): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, TaxiiError> {
    let scope = readable_scope(&state, &caller, &collection).await?;
    let Some(account) = caller.account.as_ref().filter(|_| can_write(&caller, &scope)) else {
        return Err(match caller.account {
            None => TaxiiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", "adding objects needs credentials"),
            Some(_) => TaxiiError::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "your role may not add objects to this collection (it needs incidents:write)",
            ),
        });
    };
    if !is_taxii_content(&headers) {
        return Err(TaxiiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
            format!("send the envelope as `Content-Type: {TAXII_MEDIA}`"),
        ));
    }
    let too_large = || {
        TaxiiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large",
            format!("an envelope may hold at most {MAX_CONTENT_LENGTH} bytes; split it"),
        )
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_CONTENT_LENGTH) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_CONTENT_LENGTH).await.map_err(|_| too_large())?;
    let request_timestamp = normwatch_store::now_rfc3339();
    let mut resolver = TlpResolver::default();
    let mut objects: Vec<NewStixObject> = Vec::new();
    let mut failures: Vec<Value> = Vec::new();
    let mut total = 0u64;
    let summary = bundle::read_bundle(&bytes[..], &mut resolver, |item| -> Result<(), String> {
        total += 1;
        match item {
            Ok(o) => match o.tlp {
                Some(t) if t != scope.tlp => failures.push(json!({
                    "id": o.id,
                    "version": o.modified,
                    "message": format!("the object is marked TLP:{}; post it to that marking's collection", t.name().to_uppercase()),
                })),
                _ => objects.push(NewStixObject::from(o)),
            },
            Err(e) => failures.push(json!({ "id": e.id.clone().unwrap_or_default(), "message": e.to_string() })),
        }
        Ok(())
    });
    if let Err(e) = summary {
        return Err(bad_request("body", e));
    }
    let added = state.store.add_stix_objects(&scope, "taxii", Some(&account.id), &objects).await?;
    for (id, version, why) in &added.refused {
        failures.push(json!({ "id": id, "version": version, "message": why }));
    }
    let successes: Vec<Value> = objects
        .iter()
        .filter(|o| !added.refused.iter().any(|(id, v, _)| *id == o.stix_id && *v == o.modified))
        .map(|o| {
            let mut s = json!({ "id": o.stix_id });
            if let Some(m) = &o.modified {
                s["version"] = json!(m);
            }
            s
        })
        .collect();
    let status = TaxiiStatus {
        id: uuid::Uuid::new_v4().to_string(),
        scope: scope.key(),
        account: Some(account.id.clone()),
        status: "complete".to_owned(),
        request_timestamp,
        total_count: total,
        success_count: successes.len() as u64,
        failure_count: failures.len() as u64,
        pending_count: 0,
        details: json!({ "successes": successes, "failures": failures, "added": added.added, "unchanged": added.unchanged }),
    };
    state.store.save_taxii_status(&status).await?;
    Ok(taxii_json(StatusCode::ACCEPTED, status_json(&status).to_string()))
}

fn status_json(s: &TaxiiStatus) -> Value {
    let mut body = json!({
        "id": s.id,
        "status": s.status,
        "request_timestamp": s.request_timestamp,
        "total_count": s.total_count,
        "success_count": s.success_count,
        "failure_count": s.failure_count,
        "pending_count": s.pending_count,
    });
    for list in ["successes", "failures"] {
        if let Some(items) = s.details.get(list).and_then(Value::as_array).filter(|a| !a.is_empty()) {
            body[list] = Value::Array(items.clone());
        }
    }
    body
}

async fn status(
    State(state): State<AppState>,
    TaxiiCaller(caller): TaxiiCaller,
    Path(id): Path<String>,
) -> Result<Response, TaxiiError> {
    if caller.account.is_none() {
        return Err(TaxiiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "status resources belong to the account that posted",
        ));
    }
    match state.store.taxii_status(&caller.viewer(), &id).await? {
        Some(s) => Ok(taxii_json(StatusCode::OK, status_json(&s).to_string())),
        None => Err(TaxiiError::new(StatusCode::NOT_FOUND, "Not Found", format!("no status `{id}` of yours"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_are_read_as_taxii_clients_send_them() {
        let mut h = HeaderMap::new();
        assert!(accepts_taxii(&h));
        h.insert(header::ACCEPT, HeaderValue::from_static("application/taxii+json;version=2.1"));
        assert!(accepts_taxii(&h));
        h.insert(header::ACCEPT, HeaderValue::from_static("application/taxii+json; version=2.0"));
        assert!(!accepts_taxii(&h));
        h.insert(header::ACCEPT, HeaderValue::from_static("application/xml"));
        assert!(!accepts_taxii(&h));
    }

    #[test]
    fn filters_parse_and_refuse_precisely() {
        let f = parse_filter(
            Some("match%5Btype%5D=indicator,malware&limit=5&added_after=2024-01-01T00:00:00Z"),
            VersionMatch::Last,
        )
        .expect("parses");
        assert_eq!(f.types, vec!["indicator", "malware"]);
        assert_eq!(f.limit, 5);
        assert_eq!(f.added_after.as_deref(), Some("2024-01-01T00:00:00.000000Z"));
        assert_eq!(f.versions, VersionMatch::Last);
        let e = parse_filter(Some("added_after=yesterday"), VersionMatch::Last).expect_err("refused");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.description.contains("added_after"));
        let e = parse_filter(Some("next=bm9wZQ"), VersionMatch::Last).expect_err("refused");
        assert!(e.description.contains("next"));
        let all = parse_filter(Some("match[version]=all"), VersionMatch::Last).expect("parses");
        assert_eq!(all.versions, VersionMatch::All);
        // The versions endpoint lists every version unless the client narrows it.
        assert_eq!(parse_filter(None, VersionMatch::All).expect("parses").versions, VersionMatch::All);
        let last = parse_filter(Some("match[version]=last"), VersionMatch::All).expect("parses");
        assert_eq!(last.versions, VersionMatch::Last);
    }

    #[test]
    fn next_round_trips_and_collection_ids_are_stable() {
        let k = "2024-01-02T03:04:05.123456Z";
        assert_eq!(decode_next(&encode_next(k)).as_deref(), Some(k));
        let s = StixScope::public(Tlp::Green);
        assert_eq!(collection_id(&s), collection_id(&StixScope::public(Tlp::Green)));
        assert_ne!(collection_id(&s), collection_id(&StixScope::public(Tlp::Amber)));
        assert_eq!(collection_id(&s).len(), 36);
    }
}
