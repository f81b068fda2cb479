//! Downloads of exactly what a page shows.
//!
//! A data page takes `?format=html|csv|json|stix` (html when absent). Its handler computes the
//! rows it shows once, then either renders them as HTML or answers one of the downloads with
//! the same rows, so a download never holds more or less than the page:
//!
//! ```ignore
//! let (format, params) = download::format(params, lang)?;     // `format` taken out of the query
//! let view = compute_rows(&state, &caller, &params).await?;   // through the store, as the viewer
//! match format {
//!     Format::Html => Ok(layout(&page, title, render(&view)).into_response()),
//!     _ => download::answer(&state, &caller, format, &Download { name: "timeline", … }).await,
//! }
//! ```
//!
//! - CSV: RFC 4180 (fields quoted when they hold `,`, `"`, CR or LF; CRLF line ends), UTF-8, a
//!   header row, `text/csv; charset=utf-8`, an attachment named `normwatch-<name>.csv`.
//! - JSON: `application/json`, an attachment named `normwatch-<name>.json`.
//! - STIX 2.1: a bundle of the published records the page shows (and the identities of the
//!   stakeholders it shows), made by the store's `records_stix` with `normwatch_stix`'s export,
//!   `application/stix+json;version=2.1`, named `normwatch-<name>.stix.json`.
//!
//! [`links`] renders the three links for the page's own URL (its filters kept);
//! [`links_without_stix`] the CSV and JSON links of a page whose rows are not logged records
//! (catalogue entries, consultations, communities, VEP boards), which have no STIX form.
use super::page::{Page, WebError, failure};
use super::text::encode;
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use crate::web::kit::i18n::words;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use normwatch_core::Lang;
use serde::Serialize;

/// The STIX 2.1 media type (as `GET /api/v1/export/stix` answers).
const STIX_MEDIA: &str = "application/stix+json;version=2.1";

/// How a page answers: as the page, or as one of its downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
    Stix,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Stix => "stix",
        }
    }

    fn parse(value: &str) -> Option<Format> {
        match value {
            "html" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "stix" => Some(Format::Stix),
            _ => None,
        }
    }
}

/// Takes `format` out of the query (so the page checks the rest as before) and reads it.
pub fn format(mut params: Params, lang: Lang) -> Result<(Format, Params), WebError> {
    let given: Vec<String> = params.pairs.iter().filter(|(k, _)| k == "format").map(|(_, v)| v.clone()).collect();
    params.pairs.retain(|(k, _)| k != "format");
    let bad = |message: String| WebError { status: StatusCode::BAD_REQUEST, lang, message };
    match given.as_slice() {
        [] => Ok((Format::Html, params)),
        [one] => Format::parse(one.trim())
            .map(|f| (f, params))
            .ok_or_else(|| bad(format!("format: `{one}` is not html, csv, json or stix"))),
        _ => Err(bad("format: given twice; give it once".into())),
    }
}

/// What a page shows, ready to be downloaded.
pub struct Download<'a, T: Serialize> {
    /// The page's name in file names: `normwatch-<name>.csv`. Characters other than ASCII
    /// letters, digits, `-`, `_` and `.` become `-`.
    pub name: &'a str,
    /// The CSV header row.
    pub columns: &'a [&'a str],
    /// The CSV rows, one per row the page shows, in the page's order.
    pub rows: Vec<Vec<String>>,
    /// The JSON document: the page's rows as data.
    pub json: &'a T,
    /// The logged records the page shows, as (kind, id) — the STIX bundle's records.
    pub records: Vec<(&'a str, &'a str)>,
    /// The stakeholders the page shows, whose identities go into the STIX bundle.
    pub stakeholders: Vec<&'a str>,
}

impl<'a, T: Serialize> Download<'a, T> {
    /// What a page shows whose rows are not logged records: no STIX records or identities.
    pub fn unlogged(name: &'a str, columns: &'a [&'a str], rows: Vec<Vec<String>>, json: &'a T) -> Self {
        Download { name, columns, rows, json, records: vec![], stakeholders: vec![] }
    }
}

/// The name a value serialises as (an enum's wire name: `new-norm`, `adopted`), for a CSV cell
/// that reads as the API and JSON write it; empty for anything that is not a plain string.
pub fn wire_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A CSV field, quoted when it must be (RFC 4180). Text a spreadsheet would run as a formula
/// (`=`, `+`, `@`, a tab or CR first, or `-` not starting a number) is prefixed with `'`, so
/// that opening a download never runs what a contributor wrote.
pub fn csv_field(field: &str) -> String {
    let formula =
        field.starts_with(['=', '+', '@', '\t', '\r']) || (field.starts_with('-') && field.parse::<f64>().is_err());
    let field = if formula { format!("'{field}") } else { field.to_owned() };
    if field.contains([',', '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field }
}

/// CSV text: the header row, then the rows, each line ended by CRLF.
pub fn csv_text(columns: &[&str], rows: &[Vec<String>]) -> String {
    fn line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
        out.push_str(&cells.map(csv_field).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let mut out = String::new();
    line(&mut out, columns.iter().copied());
    for r in rows {
        line(&mut out, r.iter().map(String::as_str));
    }
    out
}

fn file_name(name: &str, extension: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    format!("normwatch-{safe}.{extension}")
}

fn attachment(body: String, content_type: &'static str, file: &str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A CSV attachment.
pub fn csv(name: &str, columns: &[&str], rows: &[Vec<String>]) -> Response {
    attachment(csv_text(columns, rows), "text/csv; charset=utf-8", &file_name(name, "csv"))
}

/// A JSON attachment.
pub fn json<T: Serialize>(name: &str, value: &T, lang: Lang) -> Result<Response, WebError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| WebError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        message: format!("the download could not be written: {e}"),
    })?;
    Ok(attachment(text, "application/json", &file_name(name, "json")))
}

/// A STIX 2.1 bundle attachment of the published records named, as the caller may read them.
pub async fn stix(
    state: &AppState,
    caller: &Caller,
    name: &str,
    records: &[(&str, &str)],
    stakeholders: &[&str],
    lang: Lang,
) -> Result<Response, WebError> {
    let objects = state
        .store
        .records_stix(&caller.viewer(), records, stakeholders, &format!("normwatch {name}"))
        .await
        .map_err(failure(lang))?;
    let bundle = normwatch_stix::export::bundle(objects);
    Ok(attachment(bundle.to_string(), STIX_MEDIA, &file_name(name, "stix.json")))
}

/// Answers a download (any format but html) of what a page shows.
pub async fn answer<T: Serialize>(
    state: &AppState,
    caller: &Caller,
    format: Format,
    lang: Lang,
    d: &Download<'_, T>,
) -> Result<Response, WebError> {
    match format {
        Format::Csv | Format::Html => Ok(csv(d.name, d.columns, &d.rows)),
        Format::Json => json(d.name, d.json, lang),
        Format::Stix => stix(state, caller, d.name, &d.records, &d.stakeholders, lang).await,
    }
}

words! {
    struct Words, fn words;
    @same_in_both ["csv", "json"];
    download: "この表示をダウンロード：", "Download what this page shows:";
    csv: "CSV", "CSV";
    json: "JSON", "JSON";
    xlsx: "Excel（表ごとのシート）", "Excel (a sheet per table)";
    stix: "STIX 2.1（公開済みの記録）", "STIX 2.1 (published records)";
    no_stix: "（記録ログの対象ではないため STIX はない）", "(no STIX: these are not logged records)";
}

/// The URL of the page's download in `format`, keeping its path, filters and language.
pub fn href(page: &Page, format: Format) -> String {
    let sep = if page.path.contains('?') { '&' } else { '?' };
    page.link(&format!("{}{sep}format={}", page.path, encode(format.name())))
}

/// `Download: CSV · JSON · STIX 2.1`, for the page's own URL.
pub fn links(page: &Page) -> Markup {
    let w = words(page.lang);
    download_links(
        page,
        html! { " · " a.download href=(href(page, Format::Stix)) type="application/stix+json" { (w.stix) } },
    )
}

/// The media type of an Excel workbook.
pub const XLSX_MEDIA: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// [`links`] with an Excel workbook (`format=xlsx`, which the page reads itself) beside CSV and
/// JSON, for a page that writes one.
pub fn links_with_xlsx(page: &Page) -> Markup {
    let w = words(page.lang);
    let sep = if page.path.contains('?') { '&' } else { '?' };
    let xlsx = page.link(&format!("{}{sep}format=xlsx", page.path));
    download_links(
        page,
        html! {
            " · " a.download href=(xlsx) type=(XLSX_MEDIA) { (w.xlsx) }
            " · " a.download href=(href(page, Format::Stix)) type="application/stix+json" { (w.stix) }
        },
    )
}

/// `Download: CSV · JSON`, for a page whose rows have no STIX form (they are not logged
/// records); such a page reads its format with [`format_without_stix`].
pub fn links_without_stix(page: &Page) -> Markup {
    let w = words(page.lang);
    download_links(page, html! { " " small { (w.no_stix) } })
}

/// The CSV and JSON links, then `rest` (the STIX link, or why there is none).
fn download_links(page: &Page, rest: Markup) -> Markup {
    let w = words(page.lang);
    html! {
        p.downloads {
            (w.download) " "
            a.download href=(href(page, Format::Csv)) type="text/csv" { (w.csv) } " · "
            a.download href=(href(page, Format::Json)) type="application/json" { (w.json) }
            (rest)
        }
    }
}

/// [`format`] for a page whose rows have no STIX form: `format=stix` is refused (400) rather
/// than answered with a bundle that holds none of what the page shows.
pub fn format_without_stix(params: Params, lang: Lang) -> Result<(Format, Params), WebError> {
    match format(params, lang)? {
        (Format::Stix, _) => Err(WebError {
            status: StatusCode::BAD_REQUEST,
            lang,
            message: "format: this page's rows are not logged records and have no STIX form; give csv or json".into(),
        }),
        ok => Ok(ok),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_it_must() {
        let rows = vec![
            vec!["a".to_owned(), "b,c".to_owned(), "say \"hi\"".to_owned()],
            vec!["二行\n目".to_owned(), String::new(), "x".to_owned()],
        ];
        assert_eq!(
            csv_text(&["one", "two", "three"], &rows),
            "one,two,three\r\na,\"b,c\",\"say \"\"hi\"\"\"\r\n\"二行\n目\",,x\r\n"
        );
    }

    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-2.5"), "-2.5", "a negative number stays a number");
        assert_eq!(csv_field("-x"), "'-x");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn file_names_are_header_safe() {
        assert_eq!(file_name("norm-gge-f", "csv"), "normwatch-norm-gge-f.csv");
        assert_eq!(file_name("a\"b c/d", "json"), "normwatch-a-b-c-d.json");
    }

    #[test]
    fn format_is_taken_out_of_the_query() {
        let params =
            Params { pairs: vec![("format".into(), "csv".into()), ("year".into(), "2023".into())], lang: None };
        let (f, rest) = format(params, Lang::En).expect("format");
        assert_eq!((f, rest.pairs), (Format::Csv, vec![("year".to_owned(), "2023".to_owned())]));
        let bad = Params { pairs: vec![("format".into(), "pdf".into())], lang: None };
        assert!(format(bad, Lang::En).is_err());
        assert_eq!(format(Params::default(), Lang::En).expect("html").0, Format::Html);
        let stix = Params { pairs: vec![("format".into(), "stix".into())], lang: None };
        assert!(format_without_stix(stix, Lang::En).is_err());
    }
}
