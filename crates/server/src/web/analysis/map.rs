//! Where incidents are: two world maps, the countries incidents targeted and the states they
//! were attributed to, over the incidents the incident list's filters select and counted as
//! that list counts its facets; each country links to its filtered incident list.
use super::frame;
use crate::AppState;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::words;
use crate::web::kit::map::choropleth;
use crate::web::kit::{Page, Visit, WebError, encode, failure, layout};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use normwatch_core::Lang;
use normwatch_core::country_display::country_name;
use std::collections::BTreeMap;

words! {
    struct Words, fn words;
    @same_in_both ["csv"];
    title: "インシデントの地図", "Map of incidents";
    intro:
        "標的となった国と、帰属された国を世界地図に示す。インシデントの一覧と同じ条件で絞り込め、数はその一覧の件数と一致する。閲覧権限の範囲の記録だけを数え、結び付けられた記録は1件として数える。国を選ぶと、その国で絞り込んだインシデントの一覧が開く。",
        "The countries incidents targeted and the states they were attributed to, on a world map. Filter as on the incident list; the counts are that list's counts. Only records you may read are counted, and linked records count as one incident. Choose a country to open the incident list filtered to it.";
    incidents: "該当するインシデント", "Incidents selected";
    targeted: "標的となった国", "Targeted countries";
    targeted_rule:
        "インシデントごとに、標的とされた国を数える。1件が複数の国を標的とすることがある。",
        "Each incident counts once for every country it targeted; an incident may target several.";
    targeted_map: "標的となった国ごとのインシデント数の世界地図", "World map of the number of incidents per targeted country";
    attributed: "帰属された国", "Attributed states";
    attributed_rule:
        "閲覧できる公開済みの帰属の主張が名指しした国ごとに、インシデントを数える。主張が食い違うインシデントは、名指しされたそれぞれの国に数える。",
        "Each incident counts once for every state that a published attribution claim you may read names; a contested incident counts for each state named.";
    attributed_map: "帰属された国ごとのインシデント数の世界地図", "World map of the number of incidents per attributed state";
    country: "国", "Country";
    code: "コード", "Code";
    count: "インシデント数", "Incidents";
    none: "該当なし", "None";
    csv: "CSV", "CSV";
}

/// The page's tables, each a CSV of its own (`?format=csv&table=…`; `targets` when not named).
const TABLES: [&str; 2] = ["targets", "attributed"];

/// Largest first, then by code.
fn by_count(counts: &BTreeMap<String, i64>) -> Vec<(&str, i64)> {
    let mut rows: Vec<(&str, i64)> = counts.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    rows
}

/// The incident list filtered as this page is, and to `code` under `param`.
fn list_link(page: &Page, filters: &[(String, String)], param: &str, code: &str) -> String {
    let mut q: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if !filters.iter().any(|(k, v)| k == param && v.eq_ignore_ascii_case(code)) {
        q.push(format!("{param}={code}"));
    }
    page.link(&format!("/incidents?{}", q.join("&")))
}

fn section(
    page: &Page,
    id: &str,
    counts: &BTreeMap<String, i64>,
    map_label: &str,
    href: &dyn Fn(&str) -> String,
) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    html! {
        @if counts.is_empty() { p { (w.none) } } @else {
            (choropleth(page, &format!("{id}-map"), counts, map_label, href))
            table id=(format!("{id}-table")) {
                thead { tr { th scope="col" { (w.country) } th scope="col" { (w.code) } th scope="col" { (w.count) } } }
                tbody { @for (code, n) in by_count(counts) {
                    tr data-country=(code) {
                        td { a href=(href(code)) { (country_name(code, l).unwrap_or(code)) } }
                        td.id { (code) }
                        td.count { (n) }
                    }
                } }
            }
        }
    }
}

pub async fn page(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let a = frame::read(&state, v, "/analysis/map", &TABLES)?;
    let (page, l) = (&a.page, a.lang());
    let w = words(l);
    let counts = state.app().country_counts(a.caller.acting(), &a.query).await.map_err(failure(l))?;
    if a.format != Format::Html {
        let chosen = if a.table == "targets" { &counts.targeted } else { &counts.attributed };
        let rows = by_count(chosen)
            .into_iter()
            .map(|(code, n)| {
                vec![
                    code.to_owned(),
                    country_name(code, Lang::Ja).unwrap_or(code).to_owned(),
                    country_name(code, Lang::En).unwrap_or(code).to_owned(),
                    n.to_string(),
                ]
            })
            .collect();
        let name = format!("map-{}", a.table);
        let d = Download::unlogged(&name, &["country", "name_ja", "name_en", "incidents"], rows, &counts);
        return download::answer(&state, &a.caller, a.format, l, &d).await;
    }
    let filters = &a.params.pairs;
    let targeted_href = |code: &str| list_link(page, filters, "country", code);
    let attributed_href = |code: &str| list_link(page, filters, "attributed_state", code);
    let body = html! {
        (a.back())
        h1 { (w.title) }
        p { (w.intro) }
        (a.filter_form())
        p #selected { (w.incidents) ": " b { (counts.incidents) } }
        h2 #targeted { (w.targeted) }
        p { (w.targeted_rule) }
        (section(page, "targeted", &counts.targeted, w.targeted_map, &targeted_href))
        p.downloads { a.download href=(a.csv_link("targets")) type="text/csv" { (w.csv) } }
        h2 #attributed { (w.attributed) }
        p { (w.attributed_rule) }
        (section(page, "attributed", &counts.attributed, w.attributed_map, &attributed_href))
        p.downloads { a.download href=(a.csv_link("attributed")) type="text/csv" { (w.csv) } }
        (download::links_without_stix(page))
    };
    Ok(layout(page, w.title, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_link_keeps_the_filters_and_adds_the_country_once() {
        let page = Page { lang: Lang::En, path: "/analysis/map".into(), user: None };
        let filters = vec![("year".to_owned(), "2024".to_owned()), ("country".to_owned(), "JP".to_owned())];
        assert_eq!(list_link(&page, &filters, "country", "KR"), "/incidents?year=2024&country=JP&country=KR&lang=en");
        assert_eq!(list_link(&page, &filters, "country", "JP"), "/incidents?year=2024&country=JP&lang=en");
        assert_eq!(list_link(&page, &[], "attributed_state", "RU"), "/incidents?attributed_state=RU&lang=en");
    }
}
