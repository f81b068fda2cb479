//! Figures over published findings (GCSC Rec. 2 and 4): violations per norm and year,
//! attribution lag by attributor kind (in [`lag`]), the response rate of attributed incidents
//! per kind of attributor. A real-world incident recorded by several sources counts once.
pub mod lag;

pub use lag::{AttributionLag, AttributionLagYear, ClaimDate, LagFigure, LagFigures, attribution_lag};

use crate::violation::SpeakerKind;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Assessment levels that count as a violation in the figures.
pub const VIOLATION_LEVELS: [&str; 2] = ["established", "likely"];

/// Published violations of one norm in one year (of the incident's start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViolationCount {
    pub norm: String,
    pub year: Option<i32>,
    pub count: usize,
}

/// Counts (norm, incident year) pairs.
pub fn violations_per_norm_year<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<i32>)>) -> Vec<ViolationCount> {
    let mut counts: BTreeMap<(String, Option<i32>), usize> = BTreeMap::new();
    for (norm, year) in pairs {
        *counts.entry((norm.to_owned(), year)).or_default() += 1;
    }
    counts.into_iter().map(|((norm, year), count)| ViolationCount { norm, year, count }).collect()
}

/// Where a record's date falls against a period, for reports on event time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    /// Some day the date may mean is in the period; `imprecise`: known only to the month or year.
    Within {
        imprecise: bool,
    },
    Outside,
    /// No date: the record cannot be placed in any period.
    Unknown,
}

/// Where `date` falls against `from..=to`. A month or a year that overlaps the period is within
/// it (and imprecise): leaving it out would lose the record from every report.
pub fn event_time(date: Option<&crate::incident::PartialDate>, from: time::Date, to: time::Date) -> EventTime {
    match date.map(lag::DayInterval::of) {
        None | Some(None) => EventTime::Unknown,
        Some(Some(days)) if days.overlaps(from, to) => EventTime::Within { imprecise: !days.is_day() },
        Some(Some(_)) => EventTime::Outside,
    }
}

/// The group an incident belongs to: linked records of one real-world incident share a group
/// id; an incident absent from the map is a group of its own.
pub fn group_of<'a>(groups: &'a HashMap<String, String>, incident: &'a str) -> &'a str {
    groups.get(incident).map_or(incident, String::as_str)
}

/// Of the incidents attributed to a state, how many drew a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseRate {
    pub attributed_incidents: usize,
    pub with_response: usize,
    pub rate: Option<f64>,
}

impl ResponseRate {
    fn of(attributed: &HashSet<&str>, responded: &HashSet<&str>) -> ResponseRate {
        let n = attributed.len();
        let with = attributed.iter().filter(|g| responded.contains(*g)).count();
        ResponseRate { attributed_incidents: n, with_response: with, rate: (n > 0).then(|| with as f64 / n as f64) }
    }
}

/// The response rate of the incidents one kind of attributor attributed to a state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindResponseRate {
    pub attributor_kind: SpeakerKind,
    #[serde(flatten)]
    pub rate: ResponseRate,
}

/// The response rate overall and per kind of attributor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseRates {
    #[serde(flatten)]
    pub overall: ResponseRate,
    pub by_attributor_kind: Vec<KindResponseRate>,
}

/// `attributed`: (incident, attributor kind) of each claim naming a state; `responded`: the
/// incidents with a response. Counted per linked group (see [`group_of`]): a group attributed
/// through any member drew a response if any member did.
pub fn response_rates<'a>(
    attributed: impl IntoIterator<Item = (&'a str, SpeakerKind)>,
    responded: impl IntoIterator<Item = &'a str>,
    groups: &'a HashMap<String, String>,
) -> ResponseRates {
    let responded: HashSet<&str> = responded.into_iter().map(|i| group_of(groups, i)).collect();
    let mut all: HashSet<&str> = HashSet::new();
    let mut per_kind: BTreeMap<SpeakerKind, HashSet<&str>> = BTreeMap::new();
    for (incident, kind) in attributed {
        let g = group_of(groups, incident);
        all.insert(g);
        per_kind.entry(kind).or_default().insert(g);
    }
    ResponseRates {
        overall: ResponseRate::of(&all, &responded),
        by_attributor_kind: per_kind
            .into_iter()
            .map(|(kind, groups)| KindResponseRate {
                attributor_kind: kind,
                rate: ResponseRate::of(&groups, &responded),
            })
            .collect(),
    }
}

/// The response rate of the incidents attributed to a state that started in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearResponseRate {
    pub year: i32,
    #[serde(flatten)]
    pub rate: ResponseRate,
}

/// The response rate per year an incident started: `attributed` and `responded` as for
/// [`response_rates`]; a linked group's year is its members' earliest (`year_of` gives a member's,
/// `None` when undated). Undated groups are left out: they belong to no year.
pub fn response_rates_by_year<'a>(
    attributed: impl IntoIterator<Item = &'a str>,
    responded: impl IntoIterator<Item = &'a str>,
    groups: &'a HashMap<String, String>,
    year_of: impl Fn(&str) -> Option<i32>,
) -> Vec<YearResponseRate> {
    let responded: HashSet<&str> = responded.into_iter().map(|i| group_of(groups, i)).collect();
    let mut group_year: HashMap<&str, Option<i32>> = HashMap::new();
    for incident in attributed {
        let year = year_of(incident);
        let entry = group_year.entry(group_of(groups, incident)).or_insert(year);
        *entry = match (*entry, year) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let mut per_year: BTreeMap<i32, HashSet<&str>> = BTreeMap::new();
    for (group, year) in group_year {
        if let Some(y) = year {
            per_year.entry(y).or_default().insert(group);
        }
    }
    per_year.into_iter().map(|(year, g)| YearResponseRate { year, rate: ResponseRate::of(&g, &responded) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_time_places_imprecise_dates_that_overlap_the_period() {
        let day = |s: &str| crate::adoption::parse_date("day", s).expect("day");
        let (from, to) = (day("2017-01-01"), day("2017-12-31"));
        let at = |s: Option<&str>| {
            let d = s.map(|s| crate::incident::PartialDate::parse(s).expect("date"));
            event_time(d.as_ref(), from, to)
        };
        assert_eq!(at(Some("2017-06-27")), EventTime::Within { imprecise: false });
        assert_eq!(at(Some("2017-06")), EventTime::Within { imprecise: true });
        assert_eq!(at(Some("2017")), EventTime::Within { imprecise: true });
        assert_eq!(at(Some("2016-12-31")), EventTime::Outside);
        assert_eq!(at(Some("2018-01")), EventTime::Outside);
        assert_eq!(at(Some("2005")), EventTime::Outside);
        assert_eq!(at(None), EventTime::Unknown);
        // A period inside a month: the month overlaps it.
        assert_eq!(
            event_time(
                Some(&crate::incident::PartialDate::parse("2017-06").expect("month")),
                day("2017-06-10"),
                day("2017-06-12")
            ),
            EventTime::Within { imprecise: true }
        );
    }

    #[test]
    fn response_rate_per_kind_counts_a_linked_group_once() {
        let claims = [
            ("i1", SpeakerKind::Government),
            ("i1", SpeakerKind::Media),
            ("i2", SpeakerKind::Government),
            ("i3", SpeakerKind::Media),
            ("j1", SpeakerKind::SecurityCompany),
        ];
        let rate = |a: usize, w: usize| ResponseRate {
            attributed_incidents: a,
            with_response: w,
            rate: Some(w as f64 / a as f64),
        };
        // Unlinked: four incidents, one (j1) with a response.
        let none = HashMap::new();
        let r = response_rates(claims, ["j1"], &none);
        assert_eq!(r.overall, rate(4, 1));
        // i1 and j1 are one real-world incident: j1's response answers i1's attributions too.
        let linked: HashMap<String, String> = [("i1".into(), "g".into()), ("j1".into(), "g".into())].into();
        let r = response_rates(claims, ["j1"], &linked);
        assert_eq!(r.overall, rate(3, 1));
        let kinds: Vec<(SpeakerKind, ResponseRate)> =
            r.by_attributor_kind.into_iter().map(|k| (k.attributor_kind, k.rate)).collect();
        assert_eq!(
            kinds,
            vec![
                (SpeakerKind::Government, rate(2, 1)),
                (SpeakerKind::SecurityCompany, rate(1, 1)),
                (SpeakerKind::Media, rate(2, 1)),
            ]
        );
        let empty = response_rates([], ["j1"], &none);
        assert_eq!((empty.overall.attributed_incidents, empty.overall.rate), (0, None));
    }

    #[test]
    fn response_rate_per_year_counts_a_linked_group_once_in_its_earliest_year() {
        let groups: HashMap<String, String> =
            [("b".to_owned(), "g".to_owned()), ("c".to_owned(), "g".to_owned())].into();
        let year = |i: &str| match i {
            "a" => Some(2020),
            "b" => Some(2021),
            "c" => Some(2019),
            _ => None,
        };
        let rates = response_rates_by_year(["a", "b", "c", "d"], ["c"], &groups, year);
        let got: Vec<(i32, usize, usize)> =
            rates.iter().map(|r| (r.year, r.rate.attributed_incidents, r.rate.with_response)).collect();
        // b and c are one group, placed in 2019 and answered through c; d has no date.
        assert_eq!(got, vec![(2019, 1, 1), (2020, 1, 0)]);
        assert_eq!(rates[0].rate.rate, Some(1.0));
    }
}
