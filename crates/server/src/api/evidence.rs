//! Evidence uploads: bytes streamed to the content-addressed blob store with a size limit,
//! metadata and collection protocol from the query string, chain of custody, downloads.
use super::handler::{Answer, Read, Write, created, listed, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use normwatch_core::evidence::{CUSTODY_ACTIONS, CollectionProtocol, EvidenceUpload};
use normwatch_core::{FieldError, Right, Tlp};
use serde::Deserialize;

const UPLOAD_PARAMETERS: [&str; 9] =
    ["filename", "tlp", "stakeholder", "source", "method", "tool", "tool_version", "time_zone", "handling"];

fn upload_from(incident: &str, params: &Params, headers: &HeaderMap) -> Result<EvidenceUpload, ApiError> {
    params.only(&UPLOAD_PARAMETERS)?;
    let get = |k: &str| params.first(k).map(|v| v.trim().to_owned());
    let tlp = match get("tlp") {
        // Evidence is sensitive unless marked otherwise.
        None => Tlp::Amber,
        Some(t) => t.parse().map_err(|e| FieldError::new("tlp", e))?,
    };
    let upload = EvidenceUpload {
        incident: incident.to_owned(),
        filename: get("filename").ok_or_else(|| FieldError::new("filename", "give ?filename= (the file's name)"))?,
        media_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned(),
        tlp,
        stakeholder: get("stakeholder"),
        protocol: CollectionProtocol {
            source: get("source"),
            method: get("method"),
            tool: get("tool"),
            tool_version: get("tool_version"),
            time_zone: get("time_zone"),
            handling: get("handling"),
        },
    };
    upload.validate().map_err(ApiError::InvalidParameter)?;
    Ok(upload)
}

/// `POST /incidents/{id}/evidence?filename=…`: the body is the file's bytes.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(incident): Path<String>,
    headers: HeaderMap,
    params: Params,
    body: Body,
) -> Answer {
    caller.signed_in()?;
    let upload = upload_from(&incident, &params, &headers)?;
    let evidence = state.app().store_evidence(caller.acting(), state.blobs(), &upload, body.into_data_stream()).await?;
    Ok(created(&evidence, format!("/api/v1/evidence-items/{}", evidence.id)))
}

pub async fn list(State(state): State<AppState>, caller: Caller, Path(incident): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&listed("evidence", &state.store.incident_evidence(&caller.viewer(), None, Some(&incident)).await?))
}

async fn one_item(state: &AppState, caller: &Caller, id: &str) -> Result<normwatch_store::IncidentEvidence, ApiError> {
    state
        .store
        .incident_evidence(&caller.viewer(), Some(id), None)
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound { kind: "evidence", id: id.to_owned() })
}

pub async fn one(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&one_item(&state, &caller, &id).await?)
}

/// The bytes, streamed, with their hash in `Digest` so a reader can check them.
pub async fn content(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    let item = one_item(&state, &caller, &id).await?;
    let stream = state.blobs.get(&item.sha256).await.map_err(ApiError::Blob)?;
    let mut response = Body::from_stream(stream).into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&item.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // Served as a download, never rendered: evidence may be hostile content.
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&format!("sha-256={}", item.sha256)) {
        h.insert("x-content-sha256", v);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyInput {
    pub action: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn custody(State(state): State<AppState>, Path(id): Path<String>, write: Write<CustodyInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let item = one_item(&state, &caller, &id).await?;
    caller.require(Right::WriteIncidents, item.stakeholder.as_deref())?;
    if !CUSTODY_ACTIONS.contains(&input.action.as_str()) {
        return Err(ApiError::InvalidField(FieldError::new(
            "action",
            format!("`{}` is not a custody action; use {}", input.action, CUSTODY_ACTIONS.join(", ")),
        )));
    }
    if input.note.as_deref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::InvalidField(FieldError::new("note", "longer than 2000 characters")));
    }
    let item =
        state.store.add_custody(&caller.actor(), &caller.viewer(), &id, &input.action, input.note.as_deref()).await?;
    ok(item)
}
