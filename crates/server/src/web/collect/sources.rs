//! `/sources`: the registered sources with their health and what they yield, coverage figures
//! per source, a form to register one, a button to remove each, and "poll now". Editors and
//! admins only; every write goes through the collection use cases.
use super::words::{Words, kind_word, words};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::dates::when;
use crate::web::kit::forms::{Fields, Posted, Refusal, sign_in_first};
use crate::web::kit::{Page, PageUser, Visit, WebError, encode, failure, layout, no_store, see_other};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_app::CollectReport;
use normwatch_collect::{Health, SourceConfig, SourceKind};
use normwatch_core::Lang;
use normwatch_store::{SourceCoverage, SourceRecord};

/// What a post to the page leaves to show: a refused form, or a poll's report.
#[derive(Default)]
struct Outcome {
    refusal: Option<Refusal>,
    polled: Option<CollectReport>,
}

/// `GET /sources`.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page("/sources")?;
    render(&state, &v.caller, &page, Outcome::default()).await
}

async fn render(state: &AppState, caller: &Caller, page: &Page, outcome: Outcome) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    // Signed in by session or by token (the forms need a session; reading does not).
    if caller.account.is_none() {
        return Err(sign_in_first(l));
    }
    // The use case refuses whoever may not triage (403 as a page).
    let sources = state.app().sources(caller.acting()).await.map_err(failure(l))?;
    let coverage = state.store.collection_coverage(&caller.viewer()).await.map_err(failure(l))?;
    let body = html! {
        h1 { (w.sources_title) }
        p { (w.sources_intro) }
        @if let Some(report) = &outcome.polled { (poll_report(w, report)) }
        @if let Some(r) = outcome.refusal.as_ref().filter(|r| r.form == "remove") {
            p.error.refusal role="alert" { b { (w.refused) ": " } (r.message) }
        }
        (poll_form(page, w))
        @if sources.is_empty() { p #no-sources { (w.no_sources) } }
        @else { (table(page, w, &sources)) }
        h2 { (w.coverage) }
        p { (w.coverage_intro) }
        (coverage_table(w, &coverage))
        h2 #add { (w.add_source) }
        (add_form(page, w, outcome.refusal.as_ref()))
    };
    let status = outcome.refusal.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, w.sources_title, body)))
}

/// An interval in seconds as a person reads it.
fn interval(secs: i64, l: Lang) -> String {
    let (n, unit) = match secs {
        s if s % 86_400 == 0 => (s / 86_400, if l == Lang::Ja { "日" } else { " d" }),
        s if s % 3600 == 0 => (s / 3600, if l == Lang::Ja { "時間" } else { " h" }),
        s if s % 60 == 0 => (s / 60, if l == Lang::Ja { "分" } else { " min" }),
        s => (s, if l == Lang::Ja { "秒" } else { " s" }),
    };
    format!("{n}{unit}")
}

fn table(page: &Page, w: &Words, sources: &[SourceRecord]) -> Markup {
    let l = page.lang;
    html! {
        table #sources {
            thead { tr {
                th { (w.name) } th { (w.kind) } th { (w.interval) } th { (w.health) }
                th { (w.items_kept) } th { (w.used) } th {}
            } }
            tbody { @for s in sources {
                @let health: Option<Health> = serde_json::from_value(s.health.clone()).ok();
                tr id=(format!("source-{}", s.id)) {
                    td { b { (s.name) } br; small { a href=(s.url) rel="noreferrer noopener" { (s.url) } } }
                    td { (SourceKind::parse(&s.kind).map_or(s.kind.as_str(), |k| kind_word(w, &k))) }
                    td { (interval(s.interval_secs, l)) }
                    td.health { @if let Some(h) = &health {
                        (w.last_success) ": " (h.last_success.map_or_else(|| w.never.to_owned(), |t| when(&normwatch_store::timestamp(t), l))) br;
                        @if let Some(e) = &h.last_error {
                            span.error { (w.last_error) ": " (e) }
                            @if let Some(at) = h.last_error_at { " " span.date { (when(&normwatch_store::timestamp(at), l)) } }
                            br;
                        }
                        (w.failures) ": " (h.failures) " · " (w.items_seen) ": " (h.items_seen) br;
                        (w.next_due) ": " (when(&s.next_due, l))
                    } }
                    td.count { (s.items) }
                    td.count { (s.used) }
                    td.actions {
                        @if let Some(user) = &page.user {
                            form.inline method="post" action=(format!("/sources/{}/remove", encode(&s.id))) {
                                input type="hidden" name="csrf" value=(user.csrf);
                                input type="hidden" name="lang" value=(l.code());
                                button type="submit" aria-label=(format!("{} {}", w.remove, s.name)) { (w.remove) }
                            }
                        }
                    }
                }
            } }
        }
    }
}

fn coverage_table(w: &Words, coverage: &[SourceCoverage]) -> Markup {
    let share = |s: Option<f64>| s.map_or_else(|| "—".to_owned(), |s| format!("{:.0}%", s * 100.0));
    let days = |d: Option<f64>| d.map_or_else(|| "—".to_owned(), |d| format!("{d:.1}"));
    html! {
        @if coverage.is_empty() { p { "—" } }
        @else {
            table #coverage {
                thead { tr {
                    th { (w.source) } th { (w.items) } th { (w.per_day) } th { (w.promoted) } th { (w.attached) }
                    th { (w.dismissed) } th { (w.share_used) } th { (w.days_to_published) } th { (w.published_incidents) }
                } }
                tbody { @for c in coverage {
                    tr {
                        td { @if c.source_id.is_none() { (w.tips_row) } @else { (c.name) } }
                        td.count { (c.items) } td.count { (format!("{:.2}", c.items_per_day)) }
                        td.count { (c.promoted) } td.count { (c.attached) } td.count { (c.dismissed) }
                        td.count { (share(c.share_used)) } td.count { (days(c.median_days_to_published)) }
                        td.count { (c.published_incidents) }
                    }
                } }
            }
        }
    }
}

fn poll_form(page: &Page, w: &Words) -> Markup {
    html! { @if let Some(user) = &page.user {
        form.inline #poll-now method="post" action="/sources/poll" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="lang" value=(page.lang.code());
            button type="submit" { (w.poll_now) } " " small { (w.poll_hint) }
        }
    } }
}

fn poll_report(w: &Words, report: &CollectReport) -> Markup {
    html! {
        div #poll-report role="status" {
            p { b { (w.polled) ": " (report.sources.len()) " · " (w.new_items) ": " span #new-items { (report.new_items()) }
                " · " (w.failed) ": " (report.failed()) } }
            ul { @for s in &report.sources {
                li { (s.name) ": "
                    @if let Some(e) = &s.error { span.error { (w.failed) " — " (e) } }
                    @else if s.not_modified { (w.not_modified) }
                    @else { (s.new) " " (w.new_items) }
                }
            } }
        }
    }
}

/// Whether a refusal's message is about `field` (it starts "`field`: …", as field errors do).
fn names(message: &str, field: &str) -> bool {
    message.starts_with(&format!("`{field}`:"))
}

/// The note beside a field of the add form when the refusal names it (`url: …`).
fn field_error(refusal: Option<&Refusal>, field: &str) -> Markup {
    let named = refusal.filter(|r| r.form == "source" && names(&r.message, field));
    html! { @if let Some(r) = named { span.error.field-error { (r.message) } } }
}

fn add_form(page: &Page, w: &Words, refusal: Option<&Refusal>) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let values = Refusal::values(refusal, "source");
    let fields_named = ["name", "kind", "url", "interval_secs"];
    let unplaced = refusal.filter(|r| r.form == "source" && !fields_named.iter().any(|f| names(&r.message, f)));
    html! {
        form.record #add-source method="post" action="/sources" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="lang" value=(page.lang.code());
            @if let Some(r) = unplaced { p.error.refusal role="alert" { b { (w.refused) ": " } (r.message) } }
            label { (w.name) input type="text" name="name" required value=(values.one("name")); (field_error(refusal, "name")) }
            label { (w.kind) select name="kind" {
                @for (name, kind) in SourceKind::ALL { option value=(name) selected[values.one("kind") == name] { (kind_word(w, &kind)) } }
            } (field_error(refusal, "kind")) }
            label { (w.url) input type="url" name="url" required value=(values.one("url")); (field_error(refusal, "url")) }
            label { (w.interval) " (" (w.interval_hint) ")"
                input type="number" name="interval_secs" min="60" value=(values.one("interval_secs"));
                (field_error(refusal, "interval_secs")) }
            button type="submit" { (w.add) }
        }
    }
}

/// A source as the form sends it; the interval must be a whole number of seconds.
fn config(fields: &Fields) -> Result<SourceConfig, String> {
    let interval_secs = match fields.opt("interval_secs") {
        Some(v) => {
            Some(v.parse::<u64>().map_err(|_| format!("`interval_secs`: `{v}` is not a whole number of seconds"))?)
        }
        None => None,
    };
    Ok(SourceConfig {
        name: fields.one("name").to_owned(),
        kind: fields.one("kind").to_owned(),
        url: fields.one("url").to_owned(),
        interval_secs,
    })
}

fn page_of(lang: Lang, caller: &Caller) -> Page {
    Page { lang, path: "/sources".into(), user: PageUser::of(caller) }
}

/// `POST /sources`: registers a source, or shows the form again with the field that failed.
pub async fn add(State(state): State<AppState>, Posted { lang, fields, caller }: Posted) -> Result<Response, WebError> {
    let page = page_of(lang, &caller);
    let refused = |r: Refusal| Outcome { refusal: Some(r), polled: None };
    let config = match config(&fields) {
        Ok(c) => c,
        Err(m) => return render(&state, &caller, &page, refused(Refusal::invalid("source", &fields, m))).await,
    };
    match state.app().register_source(caller.acting(), &config).await {
        Ok(_) => Ok(see_other(&format!("/sources?lang={lang}"))),
        Err(e) => render(&state, &caller, &page, refused(Refusal::of("source", &fields, e.into()))).await,
    }
}

/// `POST /sources/{id}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    match state.app().remove_source(caller.acting(), &id).await {
        Ok(()) => Ok(see_other(&format!("/sources?lang={lang}"))),
        Err(e) => {
            let outcome = Outcome { refusal: Some(Refusal::of("remove", &fields, e.into())), polled: None };
            render(&state, &caller, &page_of(lang, &caller), outcome).await
        }
    }
}

/// `POST /sources/poll`: polls the due sources now and shows what came in.
pub async fn poll(State(state): State<AppState>, Posted { lang, caller, .. }: Posted) -> Result<Response, WebError> {
    // Polling has no rights check of its own (the CLI and the scheduler run it): reading the
    // sources through their use case is the check that the caller may triage.
    state.app().sources(caller.acting()).await.map_err(failure(lang))?;
    let report = state.app().collect_once(&state.collector, |_| {}).await.map_err(failure(lang))?;
    render(&state, &caller, &page_of(lang, &caller), Outcome { refusal: None, polled: Some(report) }).await
}
