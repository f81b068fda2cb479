//! Encoding and labels: how values are written into addresses and shown in a language.
use normwatch_core::metrics::{AttributionLagYear, LagFigure, ResponseRate};
use normwatch_core::{Catalog, Lang};

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A taxonomy term's label, a norm's id and title, or the id itself.
pub fn label(catalog: &Catalog, term: &str, lang: Lang) -> String {
    match (catalog.term(term), catalog.norm(term)) {
        (Some((_, t)), _) => t.label.get(lang).to_owned(),
        (None, Some(n)) => format!("{} {}", n.id, n.title.get(lang)),
        (None, None) => term.to_owned(),
    }
}

/// Text in the page language, or the other when only that exists.
pub fn either(t: &normwatch_core::Localized, l: Lang) -> &str {
    let s = t.get(l);
    if s.trim().is_empty() { if l == Lang::Ja { &t.en } else { &t.ja } } else { s }
}

/// Attributor kinds in both languages.
pub fn kind_label(kind: &str, l: Lang) -> &str {
    let ja = match kind {
        "government" => "政府",
        "intergovernmental" => "国際機関",
        "security-company" => "セキュリティ企業",
        "private-sector" => "民間企業",
        "media" => "報道機関",
        "academia" => "学術",
        "civil-society" => "市民社会",
        "victim" => "被害者",
        "self-claimed" => "攻撃者自身",
        _ => "その他",
    };
    if l == Lang::Ja { ja } else { kind }
}

/// A lag's median as shown: one number when both bounds agree, else `lower–upper`.
pub fn bounds(f: &LagFigure) -> String {
    match (f.median_lower_days, f.median_upper_days) {
        (Some(lo), Some(hi)) if lo == hi => format!("{lo}"),
        (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        _ => "—".to_owned(),
    }
}

/// A figure as a CSV cell: empty when there is none.
fn number(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The CSV columns of a lag figure, after its kind (and year).
pub const LAG_COLUMNS: [&str; 5] =
    ["incidents", "day_precise", "median_lower_days", "median_upper_days", "day_precise_median_days"];

/// A lag figure's CSV cells, in `LAG_COLUMNS`' order.
pub fn lag_cells(f: &LagFigure) -> [String; 5] {
    [
        f.incidents.to_string(),
        f.day_precise.to_string(),
        number(f.median_lower_days),
        number(f.median_upper_days),
        number(f.day_precise_median_days),
    ]
}

/// The CSV columns of a response rate, after its kind (or year).
pub const RATE_COLUMNS: [&str; 3] = ["attributed_incidents", "with_response", "rate"];

/// The attribution lag per year and kind of attributor, as a CSV table.
pub fn lag_trend_table(years: &[AttributionLagYear]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let columns = ["year", "attributor_kind"].into_iter().chain(LAG_COLUMNS).collect();
    let rows = years
        .iter()
        .map(|r| {
            [r.year.to_string(), r.attributor_kind.name().to_owned()].into_iter().chain(lag_cells(&r.figure)).collect()
        })
        .collect();
    (columns, rows)
}

/// A response rate's CSV cells, in `RATE_COLUMNS`' order.
pub fn rate_cells(r: &ResponseRate) -> [String; 3] {
    [r.attributed_incidents.to_string(), r.with_response.to_string(), number(r.rate)]
}

/// A response rate as shown: a whole percentage, or a dash when nothing was attributed.
pub fn percent(r: &ResponseRate) -> String {
    r.rate.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0))
}
