//! Figures over published findings (GCSC Rec. 2 and 4): violations per norm and year,
//! attribution lag by attributor kind, the response rate of attributed incidents.
use crate::figures::{days_between, median};
use crate::incident::PartialDate;
use crate::violation::SpeakerKind;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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

/// Attribution lag for one kind of attributor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionLag {
    pub attributor_kind: SpeakerKind,
    /// Incidents counted (each incident once per kind: its first attribution by that kind).
    pub incidents: usize,
    pub median_days: Option<f64>,
}

/// One claim as the lag needs it.
#[derive(Debug, Clone)]
pub struct ClaimDate<'a> {
    pub incident: &'a str,
    pub kind: SpeakerKind,
    pub attributed_on: Option<&'a PartialDate>,
}

/// Days from an incident's start (or its discovery, when the start is unknown) to its first
/// attribution by each kind of attributor. Only dates known to the day count — a month or a
/// year would make the lag up — and an attribution before the start (a data error) is left out.
pub fn attribution_lag(
    claims: &[ClaimDate<'_>],
    incident_start: &HashMap<String, (Option<PartialDate>, Option<PartialDate>)>,
) -> Vec<AttributionLag> {
    let mut first: HashMap<(&str, SpeakerKind), &str> = HashMap::new();
    for c in claims {
        let Some(day) = c.attributed_on.and_then(PartialDate::day) else { continue };
        let slot = first.entry((c.incident, c.kind)).or_insert(day);
        if day < *slot {
            *slot = day;
        }
    }
    let mut lags: BTreeMap<SpeakerKind, Vec<i64>> = BTreeMap::new();
    for ((incident, kind), day) in first {
        let Some((started, discovered)) = incident_start.get(incident) else { continue };
        let Some(from) =
            started.as_ref().and_then(PartialDate::day).or_else(|| discovered.as_ref().and_then(PartialDate::day))
        else {
            continue;
        };
        if let Some(d) = days_between(from, day).filter(|d| *d >= 0) {
            lags.entry(kind).or_default().push(d);
        }
    }
    lags.into_iter()
        .map(|(kind, mut days)| AttributionLag {
            attributor_kind: kind,
            incidents: days.len(),
            median_days: median(&mut days),
        })
        .collect()
}

/// Of the incidents attributed to a state, how many drew a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseRate {
    pub attributed_incidents: usize,
    pub with_response: usize,
    pub rate: Option<f64>,
}

pub fn response_rate<'a>(
    attributed: impl IntoIterator<Item = &'a str>,
    responded: &std::collections::HashSet<&str>,
) -> ResponseRate {
    let mut attributed: Vec<&str> = attributed.into_iter().collect();
    attributed.sort_unstable();
    attributed.dedup();
    let with = attributed.iter().filter(|i| responded.contains(*i)).count();
    let n = attributed.len();
    ResponseRate { attributed_incidents: n, with_response: with, rate: (n > 0).then(|| with as f64 / n as f64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).expect("date")
    }

    #[test]
    fn lag_uses_the_first_day_precise_attribution_per_kind() {
        let starts: HashMap<String, (Option<PartialDate>, Option<PartialDate>)> = [
            ("i1".to_owned(), (Some(d("2020-01-10")), None)),
            ("i2".to_owned(), (None, Some(d("2020-03-01")))),
            ("i3".to_owned(), (Some(d("2020-05")), None)),
        ]
        .into();
        let (a, b, c, e, f) = (d("2020-01-20"), d("2020-01-15"), d("2020-03-11"), d("2020-06-01"), d("2020"));
        let claims = [
            ClaimDate { incident: "i1", kind: SpeakerKind::Government, attributed_on: Some(&a) },
            ClaimDate { incident: "i1", kind: SpeakerKind::Government, attributed_on: Some(&b) },
            ClaimDate { incident: "i2", kind: SpeakerKind::Government, attributed_on: Some(&c) },
            ClaimDate { incident: "i3", kind: SpeakerKind::Government, attributed_on: Some(&e) },
            ClaimDate { incident: "i1", kind: SpeakerKind::Media, attributed_on: Some(&f) },
        ];
        let lag = attribution_lag(&claims, &starts);
        assert_eq!(
            lag,
            vec![AttributionLag { attributor_kind: SpeakerKind::Government, incidents: 2, median_days: Some(7.5) }]
        );
    }
}
