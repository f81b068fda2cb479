//! Incident pages: the list with filters, facets, search and paging, and one incident's page
//! with its facts, screening suggestions and the timeline of findings about it.
use super::forms::{Fields, Refusal};
use super::incident_findings;
use super::incident_tables;
use super::workbench::{IncidentWork, incident_record, standing_claims, status_word, workbench};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::bad_query;
use crate::web::kit::dates;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::words;
use crate::web::kit::{DataVisit, Rows, Visit};
use crate::web::kit::{WebError, failure, layout, page_language};
use crate::web::kit::{also_in, either, encode, filter_words, incident_filters, label, same_incident_section};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::Lang;
use normwatch_core::country_display::country_name;
use normwatch_core::incident::{AttributionState, IncidentQuery, IncidentSort, SortKey};
use normwatch_core::screening::screen;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};

words! {
    /// The strings of these pages, in both languages (a missing one does not compile).
    struct Words, fn words;
    @same_in_both ["own_record"];
    title: "インシデント", "Incidents";
    intro:
        "規範違反の可能性があるサイバーインシデントの記録。公開済みの記録は透明性ログに追記されている。",
        "Records of cyber incidents that may violate norms. Published records are appended to the transparency log.";
    apply: "絞り込む", "Filter";
    found: "件", "found";
    next: "次のページ", "Next page";
    none: "該当するインシデントはない。", "No incident matches.";
    start: "開始", "Start";
    unknown: "不明", "unknown";
    download: "JSONでダウンロード", "Download JSON";
    download_stix: "STIX 2.1でダウンロード（公表済みの記録）", "Download STIX 2.1 (published records)";
    facts: "概要", "Facts";
    ended: "終了", "End";
    discovered: "発見", "Discovered";
    targets: "標的", "Targets";
    impact: "影響", "Impact";
    sources: "出典", "Sources";
    vulnerabilities: "言及している脆弱性", "Vulnerabilities named";
    origin: "取り込み元", "Imported from";
    screening: "関係しうる規範", "Norms it may engage";
    screening_intro:
        "行為主体・作戦の内容・標的の資産から、規範の文言に沿って示した候補であり、評価ではない。",
        "Suggestions drawn, along the norms' text, from who acted, what the operation did and which assets it hit: prompts for an assessment, not findings.";
    confidence: "確度", "confidence";
    timeline: "経過", "Timeline";
    assessments: "違反の評価", "Violation assessments";
    attributions: "帰属の主張", "Attribution claims";
    responses: "対応", "Responses";
    evidence: "証拠", "Evidence";
    attribution: "帰属", "Attribution";
    contested: "主張が対立しているか、主張自体が争われている", "contested: the claims disagree, or a claim is disputed";
    disputed: "争われている主張", "disputed claim";
    undated: "日付不明（この日以降）", "date unknown (not before this day)";
    unattributed: "帰属の主張なし", "no attribution claim";
    status: "状態", "Status";
    by: "主張者", "By";
    file_new: "インシデントを登録する", "File an incident";
    timeline_view: "年表で見る", "See them on a timeline";
    download_note:
        "ダウンロードには、絞り込みに合うすべてのインシデント（最大 10,000 件）が表示と同じ順で入る。API：",
        "A download holds every incident the filters match (up to 10,000), in the order shown. API:";
    dataset: "出典データセット", "Source dataset";
    own_record: "normwatch", "normwatch";
    tables: "インシデントIDで結合できる表（CSV）：", "Tables to join on the incident id (CSV):";
}

pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let mut v = v.without_blanks();
    let base = incident_tables::base_url(&state, &v.headers);
    // `table` and `format=xlsx` are this page's own: taken out before the shared query reading.
    let tables: Vec<String> = v.params.pairs.iter().filter(|(k, _)| k == "table").map(|(_, v)| v.clone()).collect();
    v.params.pairs.retain(|(k, _)| k != "table");
    let formats: Vec<String> =
        v.params.pairs.iter().filter(|(k, _)| k == "format").map(|(_, v)| v.trim().to_owned()).collect();
    let xlsx = formats == ["xlsx"];
    if xlsx {
        v.params.pairs.retain(|(k, _)| k != "format");
    }
    let lang = page_language(v.params.lang, &v.headers)?;
    if let [one] = formats.as_slice()
        && !["html", "csv", "json", "stix", "xlsx"].contains(&one.as_str())
    {
        return Err(bad_query(lang)(format!("format: `{one}` is not html, csv, json, stix or xlsx")));
    }
    let DataVisit { page, format, params, caller } = v.data_query("/incidents", Rows::Logged)?;
    let l = page.lang;
    let table = match (tables.as_slice(), format, xlsx) {
        ([], _, _) => None,
        ([t], Format::Csv, false) if incident_tables::TABLES.contains(&t.as_str()) => Some(t.clone()),
        ([t], Format::Csv, false) => {
            return Err(bad_query(l)(format!(
                "table: `{t}` is not a table of this list; give one of {}",
                incident_tables::TABLES.join(", ")
            )));
        }
        ([_], _, _) => return Err(bad_query(l)("table: a table is a CSV download; give it with format=csv")),
        _ => return Err(bad_query(l)("table: given twice; give it once")),
    };
    let w = words(l);
    let ww = super::words::words(l);
    let catalog = state.catalog();
    let query = IncidentQuery::parse(params.iter(), &catalog).map_err(bad_query(l))?;
    if xlsx || format != Format::Html {
        let download = ListDownload { format, xlsx, table: table.as_deref(), base: &base };
        return list_download(&state, &caller, query, download, l).await;
    }
    let result = state.store.search_incidents(&caller.viewer(), &query).await.map_err(failure(l))?;
    let current: Vec<(String, String)> = params.pairs.iter().filter(|(k, _)| k != "cursor").cloned().collect();
    let with = |extra: &[(&str, &str)]| {
        let mut pairs: Vec<String> = current.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        pairs.extend(extra.iter().map(|(k, v)| format!("{k}={}", encode(v))));
        pairs.join("&")
    };
    // A column's header re-sorts the list (filters kept, from the first page): by that column in
    // its natural direction, or the other way when the list is already sorted by it.
    let sort = query.sort;
    let sort_link = |key: SortKey, first: IncidentSort, label: &str| {
        let current = sort.key == key;
        let to = if current { sort.reversed() } else { first };
        let pairs: Vec<String> = current_pairs_without(&params.pairs, &["cursor", "sort"])
            .chain(std::iter::once(format!("sort={}", encode(&to.name()))))
            .collect();
        let state = current.then_some(if sort.descending { "descending" } else { "ascending" });
        html! {
            th scope="col" aria-sort=[state] {
                a.sort href=(page.link(&format!("/incidents?{}", pairs.join("&")))) data-sort=(to.name()) {
                    (label)
                    @if current { " " span aria-hidden="true" { (if sort.descending { "▼" } else { "▲" }) } }
                }
            }
        }
    };
    let title_key = if l == Lang::Ja { SortKey::TitleJa } else { SortKey::TitleEn };
    let value = |k: &str| current.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let fw = filter_words(l);
    let country = |code: &str| country_name(code, l).unwrap_or(code).to_owned();
    let facet_title = |f: &str| match f {
        "year" => fw.year,
        "country" => fw.country,
        "operation" => fw.operation,
        "norm" => fw.norm,
        "sector" => fw.sector,
        _ => fw.attributed_state,
    };
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        @if page.user.is_some() && super::forms::may_file(&caller) { p { a #file-incident-link href=(page.link("/incidents/new")) { (w.file_new) } } }
        form.filters method="get" action="/incidents" role="search" {
            input type="hidden" name="lang" value=(l.code());
            @if !value("sort").is_empty() { input type="hidden" name="sort" value=(value("sort")); }
            (incident_filters(l, &catalog, &value))
            label { (w.status)
                select name="status" {
                    option value="" { "—" }
                    @for s in ["published", "in-review", "draft"] {
                        option value=(s) selected[value("status") == s] { (s) }
                    }
                }
            }
            button type="submit" { (w.apply) }
        }
        p #total { b { (result.total) } " " (w.found) " · "
            a href=(page.link(&format!("/incidents/timeline?{}", with(&[])))) { (w.timeline_view) } }
        (download::links_with_xlsx(&page))
        p.tables { (w.tables) " "
            @for (n, t) in incident_tables::TABLES.iter().enumerate() {
                @if n > 0 { " · " }
                a.download href=(page.link(&format!("/incidents?{}", with(&[("format", "csv"), ("table", t)])))) type="text/csv" { (t) }
            }
        }
        p.note { small { (w.download_note) " "
            a href=(format!("/api/v1/incidents?{}", with(&[]))) { (w.download) } } }
        div.facets {
            @for (facet, counts) in &result.facets {
                details {
                    summary { (facet_title(facet)) }
                    ul { @for c in counts.iter().take(15) {
                        li { a href=(format!("/incidents?{}", with(&[(facet.as_str(), c.value.as_str())]))) {
                            (match facet.as_str() {
                                "year" => c.value.clone(),
                                "country" | "attributed_state" => country(&c.value),
                                _ => label(&catalog, &c.value, l),
                            })
                        } " (" (c.count) ")" }
                    } }
                }
            }
        }
        @if result.incidents.is_empty() {
            p { (w.none) }
        } @else {
            table #incidents {
                thead { tr {
                    (sort_link(SortKey::Start, IncidentSort::default(), w.start))
                    (sort_link(title_key, IncidentSort { key: title_key, descending: false }, w.title))
                    th scope="col" { (fw.country) }
                    th scope="col" { (fw.attributed_state) } th scope="col" { (fw.operation) } th scope="col" { (w.dataset) }
                    th scope="col" { (w.status) }
                } }
                tbody { @for i in &result.incidents {
                    tr data-incident=(i.id) {
                        td.date { (i.start.as_deref().map_or_else(|| w.unknown.to_owned(), |d| dates::format_date(d, l))) }
                        td { a href=(page.link(&format!("/incidents/{}", encode(&i.id)))) { (either(&i.title, l)) }
                             (also_in(&page, &i.also_in)) }
                        td.countries { (i.countries.iter().map(|c| country(c)).collect::<Vec<_>>().join(", ")) }
                        td.attributed { (i.attributed_states.iter().map(|c| country(c)).collect::<Vec<_>>().join(", ")) }
                        td.operations { (i.operations.iter().map(|o| label(&catalog, o, l)).collect::<Vec<_>>().join(", ")) }
                        td.dataset { (i.dataset.as_deref().unwrap_or(w.own_record)) }
                        td { span.tag { (i.status.parse().map_or(i.status.as_str(), |st| status_word(ww, st))) } span.tag { "TLP:" (i.tlp.to_uppercase()) } }
                    }
                } }
            }
        }
        @if let Some(n) = &result.next {
            p { a #next rel="next" href=(format!("/incidents?{}", with(&[("cursor", n.as_str())]))) { (w.next) " →" } }
        }
    };
    Ok(layout(&page, w.title, body).into_response())
}

pub async fn one(State(state): State<AppState>, Path(id): Path<String>, v: Visit) -> Result<Response, WebError> {
    let page = v.page_taking(&format!("/incidents/{}", encode(&id)), PROPOSAL_PARAMS)?;
    // An attachment from triage may propose an attribution claim: its form comes pre-filled.
    let param = |name: &str| v.params.one(name).ok().flatten().map(str::to_owned);
    let proposal = (param("propose").as_deref() == Some("attribution") && page.user.is_some()).then(|| {
        let mut fields = vec![("category".to_owned(), "state".to_owned())];
        for name in ["attributed_state", "statement_url"] {
            if let Some(value) = param(name) {
                fields.push((name.to_owned(), value));
            }
        }
        Refusal::proposal("attribution", Fields(fields), super::words::words(page.lang).proposed_attribution.to_owned())
    });
    incident_page(&state, &v.caller, &page, &id, proposal).await
}

/// What an incident page takes besides `lang`: a proposed attribution (from triage).
const PROPOSAL_PARAMS: &[&str] = &["propose", "attributed_state", "statement_url"];

/// One incident's page; signed-in users also get its workbench, showing a refused form again.
pub(super) async fn incident_page(
    state: &AppState,
    caller: &Caller,
    page: &crate::web::kit::Page,
    id: &str,
    refusal: Option<Refusal>,
) -> Result<Response, WebError> {
    let l = page.lang;
    let w = words(l);
    let ww = super::words::words(l);
    let viewer = caller.viewer();
    let catalog = state.catalog();
    let incident = incident_record(state, caller, id, l).await?;
    let assessments =
        state.store.ledger_records::<AssessmentInput>(&viewer, Some(id), None).await.map_err(failure(l))?;
    let claims = state.store.ledger_records::<AttributionInput>(&viewer, Some(id), None).await.map_err(failure(l))?;
    let responses = state.store.ledger_records::<ResponseInput>(&viewer, Some(id), None).await.map_err(failure(l))?;
    let attribution = state.store.incident_attribution(&viewer, id).await.map_err(failure(l))?;
    let evidence = state.store.incident_evidence(&viewer, None, Some(id)).await.map_err(failure(l))?;
    let workbench = if page.user.is_some() {
        // Statements citing this incident's claims, so their review can be done from here.
        let claim_ids: Vec<&str> = claims.iter().map(|c| c.id.as_str()).collect();
        let statements: Vec<_> = state
            .store
            .ledger_records::<StatementInput>(&viewer, None, None)
            .await
            .map_err(failure(l))?
            .into_iter()
            .filter(|s| s.body.claims.iter().any(|c| claim_ids.contains(&c.as_str())))
            .collect();
        let work = IncidentWork {
            incident: &incident,
            assessments: &assessments,
            claims: &claims,
            responses: &responses,
            statements: &statements,
        };
        Some(workbench(state, caller, page, &work, refusal.as_ref()).await?)
    } else {
        None
    };
    let b = &incident.body;
    let date = |d: &Option<normwatch_core::incident::PartialDate>| {
        d.as_ref().map_or_else(|| w.unknown.to_owned(), |d| dates::format_date(d.as_str(), l))
    };
    let title = either(&b.title, l).to_owned();
    let same_incident = same_incident_section(state, caller, page, id).await?;
    let vulnerabilities = state.app().incident_vulnerabilities(&viewer, id).await.map_err(failure(l))?;
    let events = incident_findings::Events {
        incident: b,
        title: &title,
        evidence: &evidence,
        assessments: &assessments,
        claims: &claims,
        responses: &responses,
    };
    let body = html! {
        h1 #incident-title { (title) }
        p { span.tag { (status_word(ww, incident.body.status)) } span.tag { "TLP:" (b.tlp.name().to_uppercase()) }
            a href=(format!("/api/v1/incidents/{}", encode(id))) { (w.download) } }
        @let description = either(&b.description, l);
        @if !description.is_empty() { p { (description) } }
        h2 { (w.facts) }
        dl.facts {
            dt { (w.start) } dd { (date(&b.started)) }
            dt { (w.ended) } dd { (date(&b.ended)) }
            dt { (w.discovered) } dd { (date(&b.discovered)) }
            dt { (filter_words(l).operation) } dd { @for o in &b.operation_types { span.tag { (label(&catalog, o, l)) } } }
            dt { (w.targets) } dd { ul { @for t in &b.targets {
                li { (t.name) @if let Some(c) = &t.country { " (" (c) ")" }
                     @if let Some(s) = &t.sector { " " span.tag { (label(&catalog, s, l)) } }
                     @for a in &t.asset_classes { " " span.tag { (label(&catalog, a, l)) } } }
            } } }
            dt { (w.impact) } dd #impact { (impact_facts(&b.impact, l, w.unknown)) }
            dt { (w.attribution) } dd #attribution { @match &attribution {
                AttributionState::Unattributed => { (w.unattributed) }
                AttributionState::Attributed { states } => { @for (i, s) in states.iter().enumerate() { @if i > 0 { ", " } (incident_findings::state_link(page, s)) } }
                AttributionState::Contested { states } => { (w.contested) " (" @for (i, s) in states.iter().enumerate() { @if i > 0 { ", " } (incident_findings::state_link(page, s)) } ")" }
            } }
            dt { (w.sources) } dd { ul { @for s in b.sources.iter().take(30) { li { a href=(s.url) rel="noreferrer" { (s.url) } } } } }
            @if !vulnerabilities.is_empty() {
                dt { (w.vulnerabilities) } dd { ul #vulnerabilities { @for n in &vulnerabilities { li { @match &n.id {
                    Some(v) => { a href=(page.link(&format!("/vulnerabilities/{}", encode(v)))) { (n.cve) } }
                    None => { (n.cve) }
                } } } } }
            }
            @if let Some(o) = &b.origin {
                dt { (w.origin) } dd { (o.dataset) " " (o.id) @if let Some(u) = &o.url { " · " a href=(u) { (u) } } }
            }
        }
        (same_incident)
        h2 { (w.screening) }
        p { (w.screening_intro) }
        ul #screening { @for h in screen(b, &standing_claims(&claims), &catalog) {
            li data-norm=(h.norm) data-confidence=(h.confidence.name()) {
                a href=(page.link(&format!("/norms/{}", h.norm))) { (label(&catalog, &h.norm, l)) }
                " " span.tag { (w.confidence) ": " (h.confidence.label().get(l)) } " — " (h.confidence_reason.get(l))
                ul { @for r in &h.reasons { li { (r.get(l)) } } }
            }
        } }
        (incident_findings::attribution_table(&claims, &catalog, page, ww))
        (incident_findings::response_table(&responses, &catalog, page))
        (incident_findings::timeline(&events, &catalog, page, |a| status_word(ww, a.status).to_owned()))
        @if let Some(work) = workbench { (work) }
    };
    Ok(crate::web::kit::forms::page_again(page, &title, body, refusal.as_ref()))
}

/// The most incidents one download holds; the API pages further.
const DOWNLOAD_LIMIT: usize = 10_000;

/// The most incidents one STIX download holds; `GET /api/v1/export/stix` and TAXII serve more.
const STIX_LIMIT: usize = 500;

#[derive(serde::Serialize)]
struct ListJson<'a> {
    total: i64,
    count: usize,
    truncated: bool,
    incidents: &'a [normwatch_store::IncidentSummary],
}

/// Which download of the list was asked for.
struct ListDownload<'a> {
    format: Format,
    /// `format=xlsx`: a workbook of every table (`format` is then html).
    xlsx: bool,
    /// With CSV: one of [`incident_tables::TABLES`] (the flat incident table when absent).
    table: Option<&'a str>,
    /// The address absolute links start with.
    base: &'a str,
}

/// The list as a download: every incident its filters match, in the page's order, through the
/// same store query (and so the same visibility) as the page. CSV and Excel hold the tables of
/// `incident_tables`; JSON the list's rows; STIX the published records.
async fn list_download(
    state: &AppState,
    caller: &Caller,
    query: IncidentQuery,
    d: ListDownload<'_>,
    l: Lang,
) -> Result<Response, WebError> {
    let viewer = caller.viewer();
    let (mut incidents, total, truncated) =
        state.store.search_incidents_upto(&viewer, &query, DOWNLOAD_LIMIT).await.map_err(failure(l))?;
    if d.xlsx || d.format == Format::Csv {
        let tables = incident_tables::tables(state, &viewer, &incidents, d.base).await.map_err(failure(l))?;
        if d.xlsx {
            let bytes = incident_tables::workbook(&tables).map_err(|e| WebError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                lang: l,
                message: format!("the workbook could not be written: {e}"),
            })?;
            return Ok(incident_tables::xlsx_attachment(bytes));
        }
        let name = d.table.unwrap_or("incidents");
        let Some(t) = tables.iter().find(|t| t.name == name) else {
            return Err(bad_query(l)(format!("table: `{name}` is not a table of this list")));
        };
        let file = if d.table.is_some() { format!("incidents-{name}") } else { "incidents".to_owned() };
        return Ok(download::csv(&file, t.columns, &t.rows));
    }
    // A STIX bundle is built record by record with its references: fewer per download.
    let truncated = truncated || (d.format == Format::Stix && incidents.len() > STIX_LIMIT);
    if d.format == Format::Stix {
        incidents.truncate(STIX_LIMIT);
    }
    let json = ListJson { total, count: incidents.len(), truncated, incidents: &incidents };
    let download = Download {
        name: "incidents",
        columns: &[],
        rows: vec![],
        json: &json,
        records: incidents.iter().map(|i| ("incident", i.id.as_str())).collect(),
        stakeholders: vec![],
    };
    download::answer(state, caller, d.format, l, &download).await
}

/// `key=value` pairs of a query, URL-encoded, without the parameters `drop`.
fn current_pairs_without<'a>(pairs: &'a [(String, String)], drop: &'a [&str]) -> impl Iterator<Item = String> + 'a {
    pairs.iter().filter(|(k, _)| !drop.contains(&k.as_str())).map(|(k, v)| format!("{k}={}", encode(v)))
}

/// An incident's impact as facts in the page's language; what the sources do not give is left out.
fn impact_facts(i: &normwatch_core::incident::Impact, l: Lang, unknown: &str) -> maud::Markup {
    use normwatch_core::incident::{Effect, FunctionalDuration};
    let ww = super::words::words(l);
    let effect = |e: Effect| match e {
        Effect::None => ww.effect_none,
        Effect::Low => ww.effect_low,
        Effect::Moderate => ww.effect_moderate,
        Effect::High => ww.effect_high,
    };
    let duration = |d: FunctionalDuration| match d {
        FunctionalDuration::None => ww.effect_none,
        FunctionalDuration::Hours => ww.duration_hours,
        FunctionalDuration::Days => ww.duration_days,
        FunctionalDuration::Weeks => ww.duration_weeks,
        FunctionalDuration::Months => ww.duration_months,
    };
    let mut facts: Vec<(&str, String)> = Vec::new();
    for (name, e) in
        [(ww.confidentiality, i.confidentiality), (ww.integrity, i.integrity), (ww.availability, i.availability)]
    {
        if let Some(e) = e {
            facts.push((name, effect(e).to_owned()));
        }
    }
    if let Some(d) = i.functional_duration {
        facts.push((ww.functional_duration, duration(d).to_owned()));
    }
    if !i.countries_affected.is_empty() {
        facts.push((ww.countries_affected, i.countries_affected.join(", ")));
    }
    if let Some(v) = i.victims_affected {
        facts.push((ww.victims_affected, v.to_string()));
    }
    match i.physical_effects {
        Some(true) => facts.push((ww.physical_effects, ww.yes.to_owned())),
        Some(false) => facts.push((ww.physical_effects, ww.no.to_owned())),
        None => {}
    }
    if !i.rights_affected.is_empty() {
        facts.push((ww.rights_affected, i.rights_affected.join(", ")));
    }
    if let Some(loss) = &i.economic_loss {
        facts.push((ww.economic_loss, format!("{} {}", loss.amount, loss.currency)));
    }
    if let Some(h) = &i.harm_to_people {
        facts.push((ww.harm, either(h, l).to_owned()));
    }
    html! {
        @if facts.is_empty() { (unknown) } @else {
            ul.impact { @for (name, value) in &facts { li { (name) ": " b { (value) } } } }
        }
    }
}
