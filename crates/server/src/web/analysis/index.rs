//! `/analysis`: the analysis pages, each with a line on what it shows.
use crate::web::kit::i18n::in_lang;
use crate::web::kit::i18n::words;
use crate::web::kit::{Visit, WebError, layout};
use axum::response::{IntoResponse, Response};
use maud::html;

words! {
    struct Words;
    title: "分析", "Analysis";
    intro:
        "記録されたインシデントと所見を集計した図表。どれもインシデントの一覧と同じ条件で絞り込め、表示したデータを CSV と JSON でダウンロードできる。閲覧権限の範囲の記録だけを数える。",
        "Figures drawn from the recorded incidents and findings. Each can be filtered as the incident list is, and what it shows downloads as CSV and JSON. Only records you may read are counted.";
    operations: "作戦の種類ごとの推移", "Operation types over time";
    operations_line: "開始年ごとの、作戦の種類別のインシデント数。", "Incidents per start year, by operation type.";
    dyads: "帰属先の国と標的の国", "Attributed states and targeted countries";
    dyads_line:
        "帰属の主張が名指しした国と標的の国の組み合わせごとのインシデント数。",
        "Incidents per pair of a state named by an attribution claim and a targeted country.";
    norms: "規範ごとの違反の推移", "Violations per norm over time";
    norms_line:
        "開始年ごとの規範別の違反の所見と、支持する規範に違反したと評価された国。",
        "Violation findings per norm and start year, and states assessed as violating a norm they endorse.";
    attribution: "帰属の速さと対応率", "Attribution speed and response rate";
    attribution_line:
        "公の帰属までの日数と、国家に帰属されたインシデントへの対応の割合の推移。",
        "Days until public attribution, and the share of incidents attributed to a state that drew a response, over time.";
    map: "地図", "Map";
    map_line:
        "国ごとの、標的となったインシデントと帰属されたインシデントの数。",
        "Per country: the incidents it was targeted by and those attributed to it.";
}

pub async fn page(v: Visit) -> Result<Response, WebError> {
    let page = v.page("/analysis")?;
    let w: &Words = in_lang(page.lang, &JA, &EN);
    let pages = [
        ("/analysis/operations", w.operations, w.operations_line),
        ("/analysis/dyads", w.dyads, w.dyads_line),
        ("/analysis/norms", w.norms, w.norms_line),
        ("/analysis/attribution", w.attribution, w.attribution_line),
        ("/analysis/map", w.map, w.map_line),
    ];
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        ul.cards #analyses {
            @for (path, name, line) in pages {
                li { a href=(page.link(path)) { b { (name) } } (line) }
            }
        }
    };
    Ok(layout(&page, w.title, body).into_response())
}
