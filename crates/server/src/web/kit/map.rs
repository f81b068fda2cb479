//! A world map drawn on the server as SVG: each country coloured by a count (a choropleth),
//! each counted country a link to the incident list filtered to it, so that the map reads and
//! works without JavaScript. The shapes are Natural Earth's 1:110m countries (public domain),
//! projected and rounded by `scripts/gen-world-map.py` into `assets/world-110m.tsv`.
use super::Page;
use crate::web::kit::i18n::words;
use maud::{Markup, html};
use normwatch_core::country_display::country_name;
use std::collections::BTreeMap;

/// One line per shape: an ISO 3166-1 alpha-2 code (empty: a territory without one), a tab, a path.
const SHAPES: &str = include_str!("../../../assets/world-110m.tsv");
/// The projection's frame (see the script): 1000 wide, latitudes 84N to 58S.
const VIEW_BOX: &str = "0 0 1000 395";

/// Fills from light to dark, each darker than the last, all distinct from the uncounted grey;
/// a counted country also gets a dark outline, so it stands out from its neighbours.
const FILLS: [&str; 4] = ["#bcd7ee", "#6aa3d5", "#2c6fb0", "#0b3d75"];
const EMPTY: &str = "#e4e4e4";

words! {
    struct Words, fn words;
    @same_in_both ["none"];
    legend: "凡例（インシデント数）", "Legend (incidents)";
    none: "0", "0";
    incidents: "件", "incidents";
    unmapped: "地図に描けない小さな国・地域の件数は表にある。", "Countries too small to draw are counted in the table.";
}

/// The shapes, as (code, path) pairs.
fn shapes() -> impl Iterator<Item = (&'static str, &'static str)> {
    SHAPES.lines().filter_map(|line| line.split_once('\t'))
}

/// Whether the map draws a country (small states and territories are too small at 1:110m).
pub fn drawn(code: &str) -> bool {
    shapes().any(|(c, _)| c == code)
}

/// The lower bound of each class, from 1 up: the counts 1 … `max` split on a logarithmic scale
/// (a few countries hold most incidents), at most one class per fill, no two bounds alike.
fn class_bounds(max: i64) -> Vec<i64> {
    let mut bounds = vec![1];
    if max <= 1 {
        return bounds;
    }
    let n = FILLS.len() as f64;
    for i in 1..FILLS.len() {
        let b = ((max as f64).powf(i as f64 / n)).round() as i64 + 1;
        if b > *bounds.last().unwrap_or(&1) && b <= max {
            bounds.push(b);
        }
    }
    bounds
}

/// The class of `count` under `bounds` (the last bound at or below it).
fn class_of(bounds: &[i64], count: i64) -> usize {
    bounds.iter().rposition(|b| count >= *b).unwrap_or(0)
}

/// A legend's text for class `i`: its range of counts.
fn range(bounds: &[i64], i: usize, max: i64) -> String {
    let lo = bounds[i];
    let hi = bounds.get(i + 1).map_or(max, |next| next - 1);
    if lo == hi { lo.to_string() } else { format!("{lo}–{hi}") }
}

/// A legend's colour sample (an SVG square: the Content-Security-Policy allows no inline style).
fn swatch(fill: &str) -> Markup {
    html! {
        svg.swatch width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" {
            rect x="0.5" y="0.5" width="13" height="13" fill=(fill) stroke="#1b1b1b" stroke-width="1" {}
        }
    }
}

/// A choropleth of `counts` (alpha-2 code → count): each counted country links to `href(code)`
/// (its filtered incident list), titled with its name and count in the page's language.
/// `label` names the map for assistive technology; `id` is the figure's id.
pub fn choropleth(
    page: &Page,
    id: &str,
    counts: &BTreeMap<String, i64>,
    label: &str,
    href: &dyn Fn(&str) -> String,
) -> Markup {
    let l = page.lang;
    let w = words(l);
    let max = counts.values().copied().max().unwrap_or(0);
    let bounds = class_bounds(max);
    let name = |code: &str| country_name(code, l).unwrap_or(code).to_owned();
    html! {
        figure.map id=(id) {
            svg viewBox=(VIEW_BOX) role="group" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                @for (code, path) in shapes() {
                    @match counts.get(code).filter(|n| **n > 0 && !code.is_empty()) {
                        Some(n) => {
                            @let title = format!("{}: {n} {}", name(code), w.incidents);
                            a href=(href(code)) aria-label=(title) data-country=(code) data-count=(n) {
                                title { (title) }
                                path d=(path) fill=(FILLS[class_of(&bounds, *n)]) stroke="#1b1b1b" stroke-width="0.4" {}
                            }
                        }
                        None => { path d=(path) fill=(EMPTY) stroke="#ffffff" stroke-width="0.4" aria-hidden="true" {} }
                    }
                }
            }
            figcaption {
                span.legend-title { (w.legend) ": " }
                span.legend-item { (swatch(EMPTY)) " " (w.none) }
                @if max > 0 {
                    @for i in 0..bounds.len() {
                        " "
                        span.legend-item { (swatch(FILLS[i])) " " (range(&bounds, i, max)) }
                    }
                }
                @if counts.keys().any(|c| !drawn(c)) { br; small { (w.unmapped) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shapes_are_assigned_codes_and_paths() {
        let all: Vec<_> = shapes().collect();
        assert!(all.len() > 150, "{} shapes", all.len());
        for (code, path) in &all {
            assert!(code.is_empty() || normwatch_core::country::is_country_code(code), "{code}");
            assert!(path.starts_with('M') && path.ends_with('z'), "{code}");
        }
        for c in ["JP", "US", "RU", "CN", "GB", "DE", "FR", "UA", "BR", "AU"] {
            assert!(drawn(c), "{c} is on the map");
        }
        assert!(SHAPES.len() < 300_000, "the asset stays small");
    }

    #[test]
    fn classes_rise_with_the_count_and_cover_every_count() {
        assert_eq!(class_bounds(1), vec![1]);
        for max in [2, 3, 7, 10, 100, 12_345] {
            let b = class_bounds(max);
            assert!(b.windows(2).all(|w| w[0] < w[1]) && b.len() <= FILLS.len(), "{max}: {b:?}");
            assert_eq!(class_of(&b, 1), 0);
            assert_eq!(class_of(&b, max), b.len() - 1, "{max}: the largest is darkest");
            // The legend's ranges join up, from 1 to max.
            let ranges: Vec<String> = (0..b.len()).map(|i| range(&b, i, max)).collect();
            assert!(ranges.last().is_some_and(|r| r.ends_with(&max.to_string())), "{ranges:?}");
        }
    }
}
