//! Who is said to target whom: incidents per pair of an attributed state and a targeted
//! country, as a matrix of the most frequent of each and a ranked list of pairs, over the
//! incidents the incident list's filters select (`/analysis/dyads`).
use super::frame;
use crate::AppState;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::words;
use crate::web::kit::{Visit, WebError, encode, failure, layout};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::Lang;
use normwatch_core::country_display::country_name;
use normwatch_core::incident::Dimension;

/// The matrix's rows and columns: the states and countries with the most incidents.
const TOP: usize = 12;
/// The ranked list's length.
const PAIRS: usize = 25;

words! {
    struct Words, fn words;
    title: "帰属先の国と標的の国", "Attributed states and targeted countries";
    intro:
        "公開された帰属の主張が名指しした国と、標的となった国の組み合わせごとのインシデント数。インシデントの一覧と同じ条件で絞り込める。各数字はその組み合わせで絞り込んだインシデントの一覧につながる。",
        "Incidents per pair of a state named by a published attribution claim and a country targeted. Filter as on the incident list. Each figure links to the incident list filtered by its pair.";
    matrix: "行列", "Matrix";
    matrix_rule:
        "件数の多い帰属先の国（行）と標的の国（列）それぞれ上位12か国。",
        "The 12 attributed states (rows) and the 12 targeted countries (columns) with the most incidents.";
    pairs: "組み合わせの順位", "Pairs ranked";
    pairs_rule: "件数の多い組み合わせの上位25件。", "The 25 pairs with the most incidents.";
    state: "帰属先の国", "Attributed state";
    country: "標的の国", "Targeted country";
    rank: "順位", "Rank";
    corner: "帰属先の国 ＼ 標的の国", "Attributed state \\ targeted country";
}

fn name(code: &str, l: Lang) -> &str {
    country_name(code, l).unwrap_or(code)
}

pub async fn page(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let a = frame::read(&state, v, "/analysis/dyads", &["pairs"])?;
    let l = a.lang();
    let (w, fw) = (words(l), frame::words(l));
    let t = state
        .app()
        .incident_crosstab(a.caller.acting(), &a.query, Dimension::AttributedState, Dimension::TargetCountry)
        .await
        .map_err(failure(l))?;
    let mut ranked: Vec<&normwatch_app::analysis::CrosstabCell> = t.cells.iter().collect();
    ranked.sort_by(|x, y| y.incidents.cmp(&x.incidents).then_with(|| (&x.row, &x.column).cmp(&(&y.row, &y.column))));
    if a.format != Format::Html {
        let rows = ranked
            .iter()
            .map(|c| {
                vec![
                    c.row.clone(),
                    name(&c.row, l).to_owned(),
                    c.column.clone(),
                    name(&c.column, l).to_owned(),
                    c.incidents.to_string(),
                ]
            })
            .collect();
        let columns = ["attributed_state", "attributed_state_name", "country", "country_name", "incidents"];
        let d = Download::unlogged("analysis-dyads", &columns, rows, &t);
        return download::answer(&state, &a.caller, a.format, l, &d).await;
    }
    let states: Vec<String> = t.row_totals().into_iter().take(TOP).map(|(s, _)| s).collect();
    let countries: Vec<String> = t.column_totals().into_iter().take(TOP).map(|(c, _)| c).collect();
    let cell_link =
        |s: &str, c: &str| a.list_link(&[format!("attributed_state={}", encode(s)), format!("country={}", encode(c))]);
    let body = html! {
        (a.back())
        h1 { (w.title) }
        p { (w.intro) " " (fw.counted) }
        (a.filter_form())
        @if t.cells.is_empty() { p #none { (fw.none) } } @else {
            h2 #matrix { (w.matrix) }
            p { (w.matrix_rule) }
            div.scroll {
                table.matrix #dyads-matrix {
                    caption { (w.title) }
                    thead { tr {
                        th scope="col" { (w.corner) }
                        @for c in &countries { th.vertical scope="col" data-country=(c) { (name(c, l)) } }
                    } }
                    tbody { @for s in &states {
                        tr data-state=(s) {
                            th scope="row" { (name(s, l)) }
                            @for c in &countries {
                                @let n = t.get(s, c);
                                td.cell.count data-country=(c) {
                                    @if n > 0 { a href=(cell_link(s, c)) { (n) } }
                                }
                            }
                        }
                    } }
                }
            }
            h2 #pairs { (w.pairs) }
            p { (w.pairs_rule) }
            table #dyads-pairs {
                thead { tr { th scope="col" { (w.rank) } th scope="col" { (w.state) } th scope="col" { (w.country) }
                             th scope="col" { (fw.incidents) } } }
                tbody { @for (i, c) in ranked.iter().take(PAIRS).enumerate() {
                    tr data-state=(c.row) data-country=(c.column) {
                        td.count { (i + 1) } td { (name(&c.row, l)) } td { (name(&c.column, l)) }
                        td.count { a href=(cell_link(&c.row, &c.column)) { (c.incidents) } }
                    }
                } }
            }
        }
        (a.csv("pairs"))
        (download::links_without_stix(&a.page))
    };
    Ok(layout(&a.page, w.title, body).into_response())
}
