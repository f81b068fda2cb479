//! The portal's pages.
mod home;
mod norm_findings;
use crate::AppState;
use crate::error::ApiError;
use crate::web::kit::bad_query;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::{DataVisit, Rows, Visit};
use crate::web::kit::{Page, WebError, encode, failure, label, layout};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use normwatch_core::catalog::{ADDRESSEES, NORM_KINDS, NormStatus, Term};
use normwatch_core::{Catalog, Norm, NormQuery};

pub async fn home(State(state): State<AppState>, v: Visit) -> Result<Markup, WebError> {
    let page = v.page("/")?;
    let (l, ui, c) = (page.lang, page.ui(), state.catalog());
    let w = home::words(l);
    let overview = home::overview(&state, &v.caller, &page).await?;
    let body = html! {
        h1 { (w.title) }
        p.lead { (w.lead) }
        (overview)
        h2 #norms-watched { (w.norms_watched) }
        p { (ui.intro) }
        p { (ui.intro_2) }
        p { a href=(page.link("/norms")) { (ui.all_norms) " (" (c.norms.len()) ")" } }
        h3 id="principles" { (ui.principles) }
        ul.cards { @for p in &c.principles { li id=(p.id) { b { (p.title.get(l)) } (p.summary.get(l)) } } }
        h3 id="framework" { (ui.framework) }
        ol.cards { @for f in &c.framework { li id=(f.id) { b { (f.title.get(l)) } (f.summary.get(l)) } } }
        h3 id="recommendations" { (ui.recommendations) }
        ol.cards {
            @for r in &c.recommendations {
                li id=(r.id) {
                    b { (r.title.get(l)) }
                    (r.summary.get(l))
                    @if !r.norms.is_empty() {
                        br;
                        @for n in &r.norms { a.tag href=(page.link(&format!("/norms/{n}"))) { (n) } }
                    }
                }
            }
        }
        footer { (ui.catalogue_version) " " (c.meta.version) " · " a href="/api/v1/catalog" { (ui.download_json) } }
    };
    Ok(layout(&page, w.title, body))
}

fn norm_row(page: &Page, n: &Norm, paragraph: Option<&str>) -> Markup {
    let l = page.lang;
    html! {
        tr {
            td.id { a href=(page.link(&format!("/norms/{}", n.id))) { (n.id) } }
            @if let Some(p) = paragraph { td.id { (p) } }
            td { a href=(page.link(&format!("/norms/{}", n.id))) { (n.title.get(l)) } br; small { (n.summary.get(l)) } }
        }
    }
}

/// One row of the norms page as it downloads: the norm, and the document and paragraph citing
/// it when the page lists norms by document (unfiltered).
#[derive(serde::Serialize)]
struct NormRow<'a> {
    document: Option<&'a str>,
    paragraph: Option<&'a str>,
    id: &'a str,
    title: &'a normwatch_core::Localized,
    summary: &'a normwatch_core::Localized,
    kind: &'a str,
    status: NormStatus,
}

impl<'a> NormRow<'a> {
    fn of(document: Option<&'a str>, paragraph: Option<&'a str>, n: &'a Norm) -> NormRow<'a> {
        NormRow {
            document,
            paragraph,
            id: &n.id,
            title: &n.title,
            summary: &n.summary,
            kind: &n.kind,
            status: n.status,
        }
    }
}

pub async fn norms(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    // Catalogue norms are not logged records: no STIX form.
    let DataVisit { page, format, params, caller } = v.without_blanks().data_query("/norms", Rows::NotLogged)?;
    let (l, ui, c) = (page.lang, page.ui(), state.catalog());
    let query = NormQuery::parse(params.iter(), &c).map_err(bad_query(l))?;
    let filtered = query != NormQuery::default();
    let norms = state.store.norms(&query).await.map_err(failure(l))?;
    // Unfiltered, the page lists the norms by the documents citing them (a norm under each).
    let by_document: Vec<(&normwatch_core::catalog::Document, Vec<(&Norm, &str)>)> = if filtered {
        vec![]
    } else {
        c.documents
            .iter()
            .map(|d| {
                let cited: Vec<(&Norm, &str)> = norms
                    .iter()
                    .filter_map(|n| n.sources.iter().find(|s| s.document == d.id).map(|s| (n, s.paragraph.as_str())))
                    .collect();
                (d, cited)
            })
            .filter(|(_, cited)| !cited.is_empty())
            .collect()
    };
    if format != Format::Html {
        let rows: Vec<NormRow> = if filtered {
            norms.iter().map(|n| NormRow::of(None, None, n)).collect()
        } else {
            by_document
                .iter()
                .flat_map(|(d, cited)| cited.iter().map(|(n, p)| NormRow::of(Some(d.id.as_str()), Some(p), n)))
                .collect()
        };
        let columns =
            ["document", "paragraph", "id", "title_ja", "title_en", "summary_ja", "summary_en", "kind", "status"];
        let csv = rows
            .iter()
            .map(|r| {
                vec![
                    r.document.unwrap_or_default().to_owned(),
                    r.paragraph.unwrap_or_default().to_owned(),
                    r.id.to_owned(),
                    r.title.ja.clone(),
                    r.title.en.clone(),
                    r.summary.ja.clone(),
                    r.summary.en.clone(),
                    r.kind.to_owned(),
                    download::wire_name(&r.status),
                ]
            })
            .collect();
        let json = serde_json::json!({ "filtered": filtered, "count": rows.len(), "norms": rows });
        let d = Download::unlogged("norms", &columns, csv, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let q = query.terms.join(" ");
    let addressees = c.taxonomy(ADDRESSEES).map(|t| t.terms.clone()).unwrap_or_default();
    let body = html! {
        h1 { (ui.norms) }
        p { (ui.norms_intro) }
        form.filters method="get" action="/norms" role="search" {
            input type="hidden" name="lang" value=(l.code());
            label { (ui.search) input type="search" name="q" value=(q) placeholder=(ui.search_placeholder); }
            label { (ui.addressee)
                select name="addressee" {
                    option value="" { (ui.any) }
                    @for t in &addressees {
                        option value=(t.id) selected[query.addressee.as_deref() == Some(t.id.as_str())] { (t.label.get(l)) }
                    }
                }
            }
            button type="submit" { (ui.search) }
        }
        (download::links_without_stix(&page))
        @if filtered {
            p #result-count { (norms.len()) " " (ui.results) }
            @if norms.is_empty() { p { (ui.no_results) } }
            @else { table #results { tbody { @for n in &norms { (norm_row(&page, n, None)) } } } }
        } @else {
            @for (d, cited) in &by_document {
                section.document id=(format!("doc-{}", d.id)) {
                    h2 { (d.title.get(l)) }
                    p { small { (d.publisher.get(l)) " · " (ui.published) " " (d.date) " · " a href=(d.url) { (d.url) } } }
                    table { tbody { @for (n, p) in cited { (norm_row(&page, n, Some(p))) } } }
                }
            }
        }
    };
    Ok(layout(&page, ui.norms, body).into_response())
}

fn terms_list(page: &Page, c: &Catalog, ids: &[String]) -> Markup {
    let l = page.lang;
    html! {
        @if ids.is_empty() { (page.ui().none) }
        @for id in ids {
            @match c.term(id) {
                Some((tax, t)) => { a.tag href=(page.link(&format!("/taxonomies/{}#{}", tax.id, t.id))) title=(t.id) { (t.label.get(l)) } }
                None => { span.tag { (id) } }
            }
        }
    }
}

pub async fn norm(State(state): State<AppState>, Path(id): Path<String>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, caller, .. } = v.data(&format!("/norms/{}", encode(&id)), Rows::Logged, &[])?;
    let (l, ui, c) = (page.lang, page.ui(), state.catalog());
    let Some(n) = state.store.norm(&id).await.map_err(failure(l))? else {
        return Err(WebError::not_found(l, ApiError::NotFound { kind: "norm", id }.to_string()));
    };
    let kind = label(&c, &n.kind, l);
    let findings = norm_findings::gather(&state, &caller, &n.id, l).await?;
    if format != crate::web::kit::download::Format::Html {
        return norm_findings::answer(&state, &caller, format, &page, &findings).await;
    }
    let body = html! {
        p.id { (n.id) }
        h1 { (n.title.get(l)) }
        h2 { (ui.summary) }
        p #summary { (n.summary.get(l)) }
        dl.facts {
            dt { (ui.kind) } dd #kind { (kind) }
            dt { (ui.addressees) } dd #addressees { (terms_list(&page, &c, &n.addressees)) }
            dt { (ui.principles_served) } dd #principles {
                @for p in &n.principles {
                    a.tag href=(page.link(&format!("/#{p}"))) { (c.principle(p).map_or(p.as_str(), |x| x.title.get(l))) }
                }
            }
            dt { (ui.related) } dd #related {
                @if n.related.is_empty() { (ui.none) }
                @for r in &n.related {
                    a.tag href=(page.link(&format!("/norms/{r}"))) title=(r) { (c.norm(r).map_or(r.as_str(), |x| x.title.get(l))) }
                }
            }
            dt { (ui.assets) } dd #assets { (terms_list(&page, &c, &n.assets)) }
            dt { (ui.status) } dd #status { (match n.status { NormStatus::Active => ui.status_active, NormStatus::Proposed => ui.status_proposed, NormStatus::Superseded => ui.status_superseded }) }
        }
        h2 { (ui.sources) }
        table #sources {
            thead { tr { th { (ui.document) } th { (ui.paragraph) } } }
            tbody {
                @for s in &n.sources {
                    tr {
                        td { @match c.document(&s.document) {
                            Some(d) => { a href=(d.url) { (d.title.get(l)) } " (" (d.date.get(..4).unwrap_or("")) ")" }
                            None => { (s.document) }
                        } }
                        td { (s.paragraph) }
                    }
                }
            }
        }
        (norm_findings::render(&page, &state, &findings))
        p { a href=(format!("/api/v1/norms/{}?lang={l}", encode(&n.id))) { (ui.download_json) } " · " a href=(page.link("/norms")) { (ui.back_to_norms) } }
    };
    Ok(layout(&page, n.title.get(l), body).into_response())
}

pub async fn taxonomies(State(state): State<AppState>, v: Visit) -> Result<Markup, WebError> {
    let page = v.page("/taxonomies")?;
    let (l, ui, c) = (page.lang, page.ui(), state.catalog());
    let body = html! {
        h1 { (ui.taxonomies) }
        ul.cards {
            @for t in &c.taxonomies {
                li { b { a href=(page.link(&format!("/taxonomies/{}", t.id))) { (t.title.get(l)) } }
                     (t.description.get(l)) br; small.id { (t.id) " · " (t.terms.len()) " " (ui.terms) } }
            }
        }
    };
    Ok(layout(&page, ui.taxonomies, body))
}

fn term_tree(page: &Page, terms: &[Term], parent: Option<&str>) -> Markup {
    let l = page.lang;
    let children: Vec<&Term> = terms.iter().filter(|t| t.parent.as_deref() == parent).collect();
    html! {
        @if !children.is_empty() {
            ul {
                @for t in children {
                    li id=(t.id) {
                        b { (t.label.get(l)) } " " span.id { (t.id) }
                        @if let Some(level) = &t.level { " " span.tag { (level) } }
                        @if let Some([lo, hi]) = t.probability { " " span.tag { (lo) "–" (hi) "%" } }
                        @if let Some(d) = &t.description { br; small { (d.get(l)) } }
                        (term_tree(page, terms, Some(&t.id)))
                    }
                }
            }
        }
    }
}

/// The terms in the order the page's tree shows them, each with its depth (0: a root).
fn tree_order<'a>(terms: &'a [Term], parent: Option<&str>, depth: usize, out: &mut Vec<(&'a Term, usize)>) {
    for t in terms.iter().filter(|t| t.parent.as_deref() == parent) {
        out.push((t, depth));
        tree_order(terms, Some(&t.id), depth + 1, out);
    }
}

pub async fn taxonomy(State(state): State<AppState>, Path(id): Path<String>, v: Visit) -> Result<Response, WebError> {
    // Taxonomy terms are catalogue vocabulary, not logged records: no STIX form.
    let DataVisit { page, format, caller, .. } =
        v.data(&format!("/taxonomies/{}", encode(&id)), Rows::NotLogged, &[])?;
    let l = page.lang;
    let Some(t) = state.store.taxonomy(&id).await.map_err(failure(l))? else {
        return Err(WebError::not_found(l, ApiError::NotFound { kind: "taxonomy", id }.to_string()));
    };
    let catalog = state.catalog();
    let used_by: Vec<&Norm> = if t.id == NORM_KINDS {
        vec![]
    } else {
        catalog.norms.iter().filter(|n| n.assets.iter().any(|a| t.term(a).is_some())).collect()
    };
    if format != Format::Html {
        let mut shown = Vec::new();
        tree_order(&t.terms, None, 0, &mut shown);
        let columns = [
            "id",
            "parent",
            "depth",
            "label_ja",
            "label_en",
            "level",
            "probability_low",
            "probability_high",
            "description_ja",
            "description_en",
        ];
        let rows = shown
            .iter()
            .map(|(term, depth)| {
                let (lo, hi) =
                    term.probability.map_or((String::new(), String::new()), |[a, b]| (a.to_string(), b.to_string()));
                vec![
                    term.id.clone(),
                    term.parent.clone().unwrap_or_default(),
                    depth.to_string(),
                    term.label.ja.clone(),
                    term.label.en.clone(),
                    term.level.clone().unwrap_or_default(),
                    lo,
                    hi,
                    term.description.as_ref().map(|d| d.ja.clone()).unwrap_or_default(),
                    term.description.as_ref().map(|d| d.en.clone()).unwrap_or_default(),
                ]
            })
            .collect();
        let terms: Vec<serde_json::Value> =
            shown.iter().map(|(term, depth)| serde_json::json!({ "depth": depth, "term": term })).collect();
        let json = serde_json::json!({
            "taxonomy": t.id, "title": t.title, "description": t.description, "count": terms.len(), "terms": terms,
            "used_by": used_by.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        });
        let name = format!("taxonomy-{}", t.id);
        let d = Download::unlogged(&name, &columns, rows, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let body = html! {
        p.id { (t.id) }
        h1 { (t.title.get(l)) }
        p { (t.description.get(l)) }
        (download::links_without_stix(&page))
        (term_tree(&page, &t.terms, None))
        @if !used_by.is_empty() {
            h2 { (page.ui().nav_norms) }
            p { @for n in used_by { a.tag href=(page.link(&format!("/norms/{}", n.id))) { (n.title.get(l)) } } }
        }
        p { a href=(format!("/api/v1/taxonomies/{}?lang={l}", encode(&t.id))) { (page.ui().download_json) } }
    };
    Ok(layout(&page, t.title.get(l), body).into_response())
}
