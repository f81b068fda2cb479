//! The incident search's filters, shared by the incident list and the timeline: their fields
//! and their labels in both languages.
use crate::web::kit::i18n::words;
use maud::{Markup, html};
use normwatch_core::{Catalog, Lang};

words! {
    /// The filters' labels (also the facet titles of the incident list).
    pub struct FilterWords, pub fn filter_words;
    search: "検索語", "Search";
    year: "年", "Year";
    country: "国", "Country";
    operation: "作戦の種類", "Operation type";
    norm: "規範", "Norm";
    sector: "部門", "Sector";
    attributed_state: "帰属先の国", "Attributed state";
}

/// The incident search's filter fields (search words, year, country, operation type, norm,
/// sector, attributed state), labelled, with the values given: the list's and the timeline's.
pub fn incident_filters(l: Lang, catalog: &Catalog, value: &dyn Fn(&str) -> String) -> Markup {
    let w = filter_words(l);
    html! {
        label { (w.search) input type="search" name="q" value=(value("q")); }
        label { (w.year) input type="number" name="year" min="1970" max="2999" value=(value("year")); }
        label { (w.country) input type="text" name="country" size="3" maxlength="2" value=(value("country")); }
        label { (w.operation)
            select name="operation" {
                option value="" { "—" }
                @if let Some(t) = catalog.taxonomy(normwatch_core::incident::OPERATION_TYPES) {
                    @for term in &t.terms {
                        option value=(term.id) selected[value("operation") == term.id] { (term.label.get(l)) }
                    }
                }
            }
        }
        label { (w.norm)
            select name="norm" {
                option value="" { "—" }
                @for n in &catalog.norms {
                    option value=(n.id) selected[value("norm") == n.id] { (n.id) }
                }
            }
        }
        label { (w.sector)
            select name="sector" {
                option value="" { "—" }
                @if let Some(t) = catalog.taxonomy("critical-infrastructure") {
                    @for term in &t.terms {
                        option value=(term.id) selected[value("sector") == term.id] { (term.label.get(l)) }
                    }
                }
            }
        }
        label { (w.attributed_state) input type="text" name="attributed_state" size="3" maxlength="2" value=(value("attributed_state")); }
    }
}
