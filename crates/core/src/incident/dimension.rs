//! What incidents can be counted by in a cross-tabulation (`/analysis/…`): each dimension's wire
//! name is the incident list's filter parameter of the same meaning, so a cell of a table links
//! to the list filtered by its row and column values.

/// A property incidents are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The year the incident started (unknown start: not counted).
    Year,
    /// A targeted country (a target's or an affected country).
    TargetCountry,
    /// A state named by a published attribution claim.
    AttributedState,
    /// An operation type (taxonomy term).
    OperationType,
    /// A targeted sector (asset-taxonomy term).
    Sector,
    /// A norm a published assessment of the incident is about.
    Norm,
    /// The dataset the incident was imported from (`eurepoc`, `cfr`, …).
    Dataset,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Year,
        Dimension::TargetCountry,
        Dimension::AttributedState,
        Dimension::OperationType,
        Dimension::Sector,
        Dimension::Norm,
        Dimension::Dataset,
    ];

    /// The wire name: the incident list's filter parameter (`dataset` is not one).
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Year => "year",
            Dimension::TargetCountry => "country",
            Dimension::AttributedState => "attributed_state",
            Dimension::OperationType => "operation",
            Dimension::Sector => "sector",
            Dimension::Norm => "norm",
            Dimension::Dataset => "dataset",
        }
    }

    pub fn parse(value: &str) -> Result<Dimension, String> {
        Dimension::ALL.into_iter().find(|d| d.name() == value).ok_or_else(|| {
            let names: Vec<&str> = Dimension::ALL.iter().map(|d| d.name()).collect();
            format!("`{value}` is not a dimension; give one of {}", names.join(", "))
        })
    }

    /// The incident facet holding the dimension's values (`incident_facets.facet`), if it is one.
    pub fn facet(self) -> Option<&'static str> {
        match self {
            Dimension::Year | Dimension::Dataset => None,
            other => Some(other.name()),
        }
    }

    /// Whether the incident list can be filtered by the dimension's values.
    pub fn filters_list(self) -> bool {
        self != Dimension::Dataset
    }
}

impl std::fmt::Display for Dimension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{FACETS, IncidentQuery};

    #[test]
    fn every_name_parses_back() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.name()), Ok(d));
            assert_eq!(d.to_string(), d.name());
        }
        let e = Dimension::parse("colour").expect_err("unknown");
        assert!(e.contains("colour") && e.contains("attributed_state"), "{e}");
        assert!(Dimension::parse("Year").is_err(), "names are lower case");
    }

    #[test]
    fn names_are_the_incident_lists_filter_parameters() {
        for d in Dimension::ALL {
            assert_eq!(IncidentQuery::PARAMETERS.contains(&d.name()), d.filters_list(), "{d}");
            if let Some(f) = d.facet() {
                assert!(FACETS.contains(&f), "{f} is a counted facet");
            }
        }
        assert_eq!(Dimension::Year.facet(), None);
        assert_eq!(Dimension::Dataset.facet(), None);
        assert_eq!(Dimension::TargetCountry.facet(), Some("country"));
    }
}
