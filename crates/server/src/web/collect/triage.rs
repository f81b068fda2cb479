//! `/triage`: the queue of collected items for editors, most relevant first, each with its
//! cluster, the classifier's proposals and reasons, the norms it may engage and the incidents it
//! may match; and per open item the three decisions (promote, attach, dismiss) as plain forms
//! that call the collection use cases. A refused decision comes back to the queue with its
//! reason and the form as typed.
use super::words::{Words, family_word, origin_word, state_word, words};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use crate::web::kit::dates::when;
use crate::web::kit::forms::{Fields, Posted, Refusal, sign_in_first};
use crate::web::kit::{
    Page, PageUser, Visit, WebError, bad_query, encode, failure, label, layout, no_store, see_other,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_app::TriageInput;
use normwatch_collect::{Family, Proposal};
use normwatch_core::collection::{ItemOrigin, ItemState};
use normwatch_core::{Lang, Tlp};
use normwatch_store::{ItemFilter, ItemRecord};
use serde_json::Value;

/// Items on one page of the queue.
const PAGE_SIZE: usize = 30;
/// The parameters the queue takes (besides `lang`).
const PARAMS: [&str; 5] = ["state", "source", "origin", "cluster", "cursor"];
/// Characters of an item's text shown in the queue: enough to judge it, the link has the rest.
const EXCERPT: usize = 600;

/// The queue's filters as asked for: `state` is `open` unless given (`all` for every state).
struct Query {
    params: Params,
    filter: ItemFilter,
}

impl Query {
    fn read(params: Params, lang: Lang) -> Result<Query, WebError> {
        let get = |k: &str| params.one(k).map_err(bad_query(lang));
        let state = match get("state")? {
            None => Some(ItemState::Open),
            Some("all") => None,
            Some(s) => Some(ItemState::parse("state", s).map_err(bad_query(lang))?),
        };
        let origin = get("origin")?.map(|o| ItemOrigin::parse("origin", o)).transpose().map_err(bad_query(lang))?;
        let filter = ItemFilter {
            state,
            source: get("source")?.map(str::to_owned),
            origin,
            cluster: get("cluster")?.map(str::to_owned),
            cursor: get("cursor")?.map(str::to_owned),
            limit: PAGE_SIZE,
        };
        Ok(Query { params, filter })
    }

    /// The queue as it was when a form on it was posted (its `back` field), or the open queue.
    fn from_back(back: &str, lang: Lang) -> Query {
        let query = back.strip_prefix("/triage").and_then(|q| q.strip_prefix('?')).unwrap_or("");
        let pairs = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .filter(|(k, v)| PARAMS.contains(&k.as_str()) && k != "cursor" && !v.trim().is_empty())
            .collect();
        Query::read(Params { pairs, lang: None }, lang)
            .unwrap_or_else(|_| Query { params: Params::default(), filter: Query::open() })
    }

    fn open() -> ItemFilter {
        ItemFilter { state: Some(ItemState::Open), limit: PAGE_SIZE, ..ItemFilter::default() }
    }

    fn value(&self, key: &str) -> &str {
        self.params.first(key).unwrap_or_default()
    }

    /// `/triage?…` with these filters (not the cursor), and `extra` added.
    fn path(&self, extra: &[(&str, &str)]) -> String {
        let mut q: Vec<String> = self
            .params
            .pairs
            .iter()
            .filter(|(k, _)| k != "cursor")
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        q.extend(extra.iter().map(|(k, v)| format!("{k}={}", encode(v))));
        if q.is_empty() { "/triage".to_owned() } else { format!("/triage?{}", q.join("&")) }
    }
}

/// A refused decision: on which item, and why.
struct Refused {
    item: String,
    refusal: Refusal,
}

/// `GET /triage?state=&source=&origin=&cluster=&cursor=`: the queue.
pub async fn queue(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let v = v.without_blanks();
    let page = v.page_taking("/triage", &PARAMS)?;
    let Visit { params, caller, .. } = v;
    let query = Query::read(params, page.lang)?;
    render(&state, &caller, &page, &query, None).await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    query: &Query,
    refused: Option<Refused>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    // Signed in by session or by token (the forms need a session; reading does not).
    if caller.account.is_none() {
        return Err(sign_in_first(l));
    }
    // The use case decides who may triage: a reader gets its refusal (403) as a page.
    let items = state.app().triage(caller.acting(), &query.filter).await.map_err(failure(l))?;
    let sources = state.app().sources(caller.acting()).await.map_err(failure(l))?;
    let body = html! {
        h1 { (w.triage_title) }
        p { (w.triage_intro) }
        (filters(page, w, query, &sources))
        @if let Some(r) = &refused {
            p.error.refusal role="alert" #refusal { b { (w.refused) ": " } (r.refusal.message) }
        }
        @if items.items.is_empty() { p #queue-empty { (w.queue_empty) } }
        @for item in &items.items {
            (item_view(state, page, w, query, item, refused.as_ref().filter(|r| r.item == item.id)))
        }
        @if let Some(next) = &items.next {
            p { a rel="next" href=(page.link(&query.path(&[("cursor", next)]))) { (w.next_page) } }
        }
    };
    let status = refused.map_or(StatusCode::OK, |r| r.refusal.status);
    Ok(no_store(status, layout(page, w.triage_title, body)))
}

fn filters(page: &Page, w: &Words, query: &Query, sources: &[normwatch_store::SourceRecord]) -> Markup {
    let state = if query.value("state").is_empty() { "open" } else { query.value("state") };
    html! {
        form.filters #triage-filters method="get" action="/triage" {
            input type="hidden" name="lang" value=(page.lang.code());
            @if !query.value("cluster").is_empty() { input type="hidden" name="cluster" value=(query.value("cluster")); }
            label { (w.state) select name="state" {
                @for s in ItemState::ALL { option value=(s.name()) selected[state == s.name()] { (state_word(w, s)) } }
                option value="all" selected[state == "all"] { (w.all_states) }
            } }
            label { (w.source) select name="source" {
                option value="" { (w.any_source) }
                @for s in sources { option value=(s.id) selected[query.value("source") == s.id] { (s.name) } }
            } }
            label { (w.origin) select name="origin" {
                option value="" { (w.any_origin) }
                @for o in ItemOrigin::ALL { option value=(o.name()) selected[query.value("origin") == o.name()] { (origin_word(w, o)) } }
            } }
            button type="submit" { (w.show) }
        }
        @if !query.value("cluster").is_empty() {
            p #cluster-only { (w.cluster_only) " " a href=(page.link("/triage")) { (w.whole_queue) } }
        }
    }
}

fn item_view(
    state: &AppState,
    page: &Page,
    w: &Words,
    query: &Query,
    item: &ItemRecord,
    refused: Option<&Refused>,
) -> Markup {
    let l = page.lang;
    let excerpt: String = item.text.chars().take(EXCERPT).collect();
    let more = item.text.chars().count() > EXCERPT;
    html! {
        article.item id=(format!("item-{}", item.id)) data-state=(item.state.name()) {
            h2 {
                @if item.canonical_url.starts_with("http://") || item.canonical_url.starts_with("https://") {
                    a href=(item.canonical_url) rel="noreferrer noopener" { (item.title) }
                } @else { (item.title) }
            }
            p.meta {
                span.tag { (item.source_name.as_deref().unwrap_or(origin_word(w, item.origin))) }
                " " (w.fetched) " " span.date { (when(&item.fetched_at, l)) }
                @if let Some(p) = &item.published { " · " (w.published) " " span.date { (when(p, l)) } }
                @if let Some(lang) = &item.language { " · " (w.language) " " (lang) }
                " · " (w.relevance) " " b.relevance { (format!("{:.2}", item.relevance)) }
                " · " a.cluster href=(page.link(&format!("/triage?cluster={}&state=all", encode(&item.cluster)))) {
                    (w.cluster) ": " (item.cluster_size)
                }
            }
            p.excerpt { (excerpt) @if more { "…" } }
            @if item.state != ItemState::Open { (decision(page, w, item)) }
            (proposals(state, l, w, &item.proposals))
            (norms(state, l, w, &item.norms))
            (matches(page, w, &item.matches))
            @if !item.cves.is_empty() {
                p.cves { (w.cves) ": " @for c in &item.cves { span.tag { (c) } } }
            }
            @if item.state == ItemState::Open { (decide_forms(page, w, query, item, refused)) }
        }
    }
}

fn decision(page: &Page, w: &Words, item: &ItemRecord) -> Markup {
    html! {
        p.decision {
            b { (w.decided) ": " (state_word(w, item.state)) }
            @if let Some(i) = &item.incident_id { " → " a href=(page.link(&format!("/incidents/{}", encode(i)))) { (i) } }
            @if let Some(r) = &item.reason { " · " (w.why) ": " (r) }
            @if let Some(by) = &item.decided_by { " · " (w.decided_by) " " (by) }
            @if let Some(at) = &item.decided_at { " " span.date { (when(at, page.lang)) } }
        }
    }
}

/// A label as the page shows it: a taxonomy term's label, a report in words, a country's code.
fn label_of(state: &AppState, l: Lang, w: &Words, p: &Proposal) -> String {
    match (p.family, p.label.as_str()) {
        (Family::Reports, "attribution") => w.reports_attribution.to_owned(),
        (Family::Reports, "response") => w.reports_response.to_owned(),
        (Family::OperationTypes | Family::Sectors, term) => label(&state.catalog(), term, l),
        (_, other) => other.to_owned(),
    }
}

fn proposals(state: &AppState, l: Lang, w: &Words, value: &Value) -> Markup {
    let all: Vec<Proposal> = serde_json::from_value(value.clone()).unwrap_or_default();
    html! {
        h3 { (w.proposals) }
        @if all.is_empty() { p { (w.no_proposals) } }
        dl.proposals {
            @for family in Family::ALL {
                @let of: Vec<&Proposal> = all.iter().filter(|p| p.family == family).collect();
                @if !of.is_empty() {
                    dt data-family=(family.name()) { (family_word(w, family)) }
                    dd { ul { @for p in of {
                        li data-label=(p.label) {
                            b { (label_of(state, l, w, p)) } " (" (w.score) " " (format!("{:.2}", p.score)) ") "
                            small.reason { (p.reason) }
                        }
                    } } }
                }
            }
        }
    }
}

/// Text of a stored `{"ja", "en"}` pair in the page language, or the other when blank.
fn localized(v: &Value, l: Lang) -> String {
    let (mine, other) = if l == Lang::Ja { ("ja", "en") } else { ("en", "ja") };
    let s = v[mine].as_str().unwrap_or_default();
    if s.trim().is_empty() { v[other].as_str().unwrap_or_default().to_owned() } else { s.to_owned() }
}

fn norms(state: &AppState, l: Lang, w: &Words, value: &Value) -> Markup {
    let catalog = state.catalog();
    let hits = value.as_array().cloned().unwrap_or_default();
    html! { @if !hits.is_empty() {
        h3 { (w.norms) }
        ul.norms { @for h in &hits {
            @let norm = h["norm"].as_str().unwrap_or_default();
            li data-norm=(norm) {
                a href=(format!("/norms/{}?lang={l}", encode(norm))) { (label(&catalog, norm, l)) }
                " (" (w.confidence) " " (confidence_word(l, h["confidence"].as_str().unwrap_or_default())) ")"
                ul { @for r in h["reasons"].as_array().into_iter().flatten() { li { (localized(r, l)) } } }
            }
        } }
    } }
}

/// A screening confidence (`low`, `medium`, `high`) in the page language.
fn confidence_word(l: Lang, name: &str) -> String {
    use normwatch_core::screening::Confidence;
    let found = [Confidence::Low, Confidence::Medium, Confidence::High].into_iter().find(|c| c.name() == name);
    found.map_or_else(|| name.to_owned(), |c| c.label().get(l).to_owned())
}

fn matches(page: &Page, w: &Words, value: &Value) -> Markup {
    let found = value.as_array().cloned().unwrap_or_default();
    html! { @if !found.is_empty() {
        h3 { (w.matches) }
        ul.matches { @for m in &found {
            @let id = m["incident"].as_str().unwrap_or_default();
            li {
                a href=(page.link(&format!("/incidents/{}", encode(id)))) { (localized(&m["title"], page.lang)) }
                " " span.id { (id) } " (" (w.score) " " (format!("{:.2}", m["score"].as_f64().unwrap_or_default())) ") "
                small { @for (i, r) in m["reasons"].as_array().into_iter().flatten().enumerate() {
                    @if i > 0 { "; " } (localized(r, page.lang))
                } }
            }
        } }
    } }
}

fn decide_forms(page: &Page, w: &Words, query: &Query, item: &ItemRecord, refused: Option<&Refused>) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let values = |form: &str| Refusal::values(refused.map(|r| &r.refusal), form);
    let hidden = html! {
        input type="hidden" name="csrf" value=(user.csrf);
        input type="hidden" name="lang" value=(page.lang.code());
        input type="hidden" name="version" value=(item.version);
        input type="hidden" name="back" value=(query.path(&[]));
    };
    let action = |d: &str| format!("/triage/{}/{d}", encode(&item.id));
    let cluster_box = |v: &Fields| {
        html! { @if item.cluster_size > 1 {
            label.check { input type="checkbox" name="cluster" value="yes" checked[v.has("cluster", "yes")]; " " (w.whole_cluster) }
        } }
    };
    let (promote, attach, dismiss) = (values("promote"), values("attach"), values("dismiss"));
    let tlp = promote.opt("tlp").unwrap_or_else(|| Tlp::Clear.name().to_owned());
    html! {
        div.decide {
            @if let Some(r) = refused {
                p.error.refusal role="alert" { b { (w.refused) ": " } (r.refusal.message) }
            }
            form.record.promote method="post" action=(action("promote")) {
                (hidden)
                small { (w.promote_hint) }
                label { (w.tlp) select name="tlp" {
                    @for t in Tlp::ALL { option value=(t.name()) selected[tlp == t.name()] { "TLP:" (t.name().to_uppercase()) } }
                } }
                (cluster_box(&promote))
                button type="submit" { (w.promote) }
            }
            form.record.attach method="post" action=(action("attach")) {
                (hidden)
                label { (w.incident_id) input type="text" name="incident" value=(attach.one("incident")); }
                (cluster_box(&attach))
                button type="submit" { (w.attach) }
            }
            form.record.dismiss method="post" action=(action("dismiss")) {
                (hidden)
                label { (w.dismiss_reason) input type="text" name="reason" maxlength="1000" value=(dismiss.one("reason")); }
                (cluster_box(&dismiss))
                button type="submit" { (w.dismiss) }
            }
        }
    }
}

/// What a decision form sends, for the use case; a malformed number or marking is refused here,
/// naming the field.
fn triage_input(fields: &Fields, decision: &str) -> Result<TriageInput, String> {
    let version = match fields.opt("version") {
        Some(v) => Some(v.parse::<i64>().map_err(|_| format!("`version`: `{v}` is not a whole number"))?),
        None => None,
    };
    let tlp = match (decision, fields.opt("tlp")) {
        ("promote", Some(t)) => Some(t.parse::<Tlp>().map_err(|e| format!("`tlp`: {e}"))?),
        _ => None,
    };
    Ok(TriageInput {
        version,
        cluster: fields.has("cluster", "yes"),
        incident: (decision == "attach").then(|| fields.opt("incident")).flatten(),
        reason: (decision == "dismiss").then(|| fields.opt("reason")).flatten(),
        tlp,
    })
}

/// `POST /triage/{id}/{promote|attach|dismiss}` from an item's forms: a promotion leads to the
/// new draft, the others back to the queue; a refusal shows the queue again with the reason.
pub async fn decide(
    State(state): State<AppState>,
    Path((id, decision)): Path<(String, String)>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let form: &'static str = match decision.as_str() {
        "promote" => "promote",
        "attach" => "attach",
        "dismiss" => "dismiss",
        other => return Err(WebError::not_found(lang, format!("no decision `{other}`"))),
    };
    let query = Query::from_back(fields.one("back"), lang);
    let back = query.path(&[]);
    let page = Page { lang, path: back.clone(), user: PageUser::of(&caller) };
    let refuse = |refusal: Refusal| Refused { item: id.clone(), refusal };
    let input = match triage_input(&fields, form) {
        Ok(i) => i,
        Err(m) => {
            return render(&state, &caller, &page, &query, Some(refuse(Refusal::invalid(form, &fields, m)))).await;
        }
    };
    let app = state.app();
    let who = caller.acting();
    let done = match form {
        "promote" => app
            .promote_item(who, &id, &input)
            .await
            .map(|p| format!("/incidents/{}?lang={lang}", encode(&p.incident.id))),
        "attach" => app.attach_item(who, &id, &input).await.map(|a| match (&a.proposed_attribution, &input.incident) {
            // The item reports an attribution: on to the incident, its attribution form pre-filled.
            (Some(p), Some(incident)) => {
                let field = |k: &str| p.pointer(k).and_then(|v| v.as_str()).map(encode);
                let mut to = format!("/incidents/{}?lang={lang}&propose=attribution", encode(incident.trim()));
                for (name, pointer) in
                    [("attributed_state", "/attributed_to/state"), ("statement_url", "/statement_url")]
                {
                    if let Some(v) = field(pointer) {
                        to.push_str(&format!("&{name}={v}"));
                    }
                }
                to + "#add-attribution"
            }
            _ => page.link(&back),
        }),
        _ => app.dismiss_item(who, &id, &input).await.map(|_| page.link(&back)),
    };
    match done {
        Ok(to) => Ok(see_other(&to)),
        Err(e) => render(&state, &caller, &page, &query, Some(refuse(Refusal::of(form, &fields, e.into())))).await,
    }
}
