//! Attribution lag on dates known to a day, a month or a year (GCSC 6D, timely attribution).
//! A partial date is an interval of days, so a lag is an interval too: every dated claim counts,
//! and the figure says how far its imprecision reaches instead of dropping month and year dates.
use super::group_of;
use crate::figures::median;
use crate::incident::{DatePrecision, PartialDate};
use crate::violation::SpeakerKind;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Month};

/// The days a partial date may mean, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayInterval {
    pub earliest: Date,
    pub latest: Date,
}

impl DayInterval {
    /// `2017` → 2017-01-01..=2017-12-31, `2017-02` → 2017-02-01..=2017-02-28, a day → that day.
    pub fn of(date: &PartialDate) -> Option<DayInterval> {
        let s = date.as_str();
        let year: i32 = s.get(..4)?.parse().ok()?;
        let (first_month, last_month) = match date.precision() {
            DatePrecision::Day => {
                let day = crate::adoption::parse_date("date", s).ok()?;
                return Some(DayInterval { earliest: day, latest: day });
            }
            DatePrecision::Month => {
                let m = Month::try_from(s.get(5..7)?.parse::<u8>().ok()?).ok()?;
                (m, m)
            }
            DatePrecision::Year => (Month::January, Month::December),
        };
        let earliest = Date::from_calendar_date(year, first_month, 1).ok()?;
        let latest = Date::from_calendar_date(year, last_month, last_month.length(year)).ok()?;
        Some(DayInterval { earliest, latest })
    }

    pub fn is_day(&self) -> bool {
        self.earliest == self.latest
    }

    /// The earlier of two uncertain dates: each bound is the earlier of the two bounds.
    pub fn earlier(self, other: DayInterval) -> DayInterval {
        DayInterval { earliest: self.earliest.min(other.earliest), latest: self.latest.min(other.latest) }
    }

    /// Whether any day of the interval falls in `from..=to`.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.earliest <= to && self.latest >= from
    }
}

/// A lag whose ends are uncertain: at least `lower`, at most `upper` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LagInterval {
    pub lower: i64,
    pub upper: i64,
    /// Both dates known to the day (then `lower == upper`).
    pub day_precise: bool,
}

/// The lag from `start` to `attributed`; `None` when the attribution certainly comes before the
/// start (a data error). When the intervals overlap the attribution may have come the same day,
/// so the lower bound is 0, not negative.
pub fn lag_between(start: DayInterval, attributed: DayInterval) -> Option<LagInterval> {
    let upper = (attributed.latest - start.earliest).whole_days();
    if upper < 0 {
        return None;
    }
    let lower = (attributed.earliest - start.latest).whole_days().max(0);
    Some(LagInterval { lower, upper, day_precise: start.is_day() && attributed.is_day() })
}

/// One lag figure and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LagFigure {
    /// Incidents (a linked group counted once) the figure rests on.
    pub incidents: usize,
    /// Of them, those whose start and attribution are both known to the day.
    pub day_precise: usize,
    /// The median of the lower bounds: the true median is at least this. Each lag lies between
    /// its bounds and the median never falls when a value rises, so the two medians bound it.
    pub median_lower_days: Option<f64>,
    /// The median of the upper bounds: the true median is at most this.
    pub median_upper_days: Option<f64>,
    /// The median over the day-precise incidents only, for comparison with the bounds.
    pub day_precise_median_days: Option<f64>,
}

impl LagFigure {
    fn of(lags: &[LagInterval]) -> LagFigure {
        let mut lower: Vec<i64> = lags.iter().map(|l| l.lower).collect();
        let mut upper: Vec<i64> = lags.iter().map(|l| l.upper).collect();
        let mut exact: Vec<i64> = lags.iter().filter(|l| l.day_precise).map(|l| l.lower).collect();
        LagFigure {
            incidents: lags.len(),
            day_precise: exact.len(),
            median_lower_days: median(&mut lower),
            median_upper_days: median(&mut upper),
            day_precise_median_days: median(&mut exact),
        }
    }
}

/// The lag for one kind of attributor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionLag {
    pub attributor_kind: SpeakerKind,
    /// Incidents attributed by this kind at all, dated or not: the figure rests on `incidents`
    /// of them.
    pub attributed_incidents: usize,
    #[serde(flatten)]
    pub figure: LagFigure,
}

/// The lag for one kind of attributor over the incidents that started in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionLagYear {
    /// The year of the incident's start (of its earliest possible day, for a linked group).
    pub year: i32,
    pub attributor_kind: SpeakerKind,
    #[serde(flatten)]
    pub figure: LagFigure,
}

/// The lag per kind of attributor, and per kind and year of the start (the trend).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LagFigures {
    pub by_kind: Vec<AttributionLag>,
    pub by_year: Vec<AttributionLagYear>,
}

/// One claim as the lag needs it.
#[derive(Debug, Clone)]
pub struct ClaimDate<'a> {
    pub incident: &'a str,
    pub kind: SpeakerKind,
    pub attributed_on: Option<&'a PartialDate>,
}

/// Days from an incident's start (its discovery when the start is unknown) to its first
/// attribution by each kind of attributor, as intervals. `incident_dates` maps an incident to
/// its (start, discovery); `groups` maps an incident to its linked group (absent: its own), so
/// one real-world incident counts once: its start is the earliest start among the group, its
/// first attribution the earliest claim of that kind on any member.
pub fn attribution_lag(
    claims: &[ClaimDate<'_>],
    incident_dates: &HashMap<String, (Option<PartialDate>, Option<PartialDate>)>,
    groups: &HashMap<String, String>,
) -> LagFigures {
    let mut starts: HashMap<&str, DayInterval> = HashMap::new();
    for (incident, (started, discovered)) in incident_dates {
        let Some(start) = started.as_ref().or(discovered.as_ref()).and_then(DayInterval::of) else { continue };
        let g = group_of(groups, incident);
        let slot = starts.entry(g).or_insert(start);
        *slot = slot.earlier(start);
    }
    let mut attributed: BTreeMap<SpeakerKind, std::collections::HashSet<&str>> = BTreeMap::new();
    let mut first: HashMap<(&str, SpeakerKind), DayInterval> = HashMap::new();
    for c in claims {
        let g = group_of(groups, c.incident);
        attributed.entry(c.kind).or_default().insert(g);
        let Some(on) = c.attributed_on.and_then(DayInterval::of) else { continue };
        let slot = first.entry((g, c.kind)).or_insert(on);
        *slot = slot.earlier(on);
    }
    let mut per_kind: BTreeMap<SpeakerKind, Vec<LagInterval>> = BTreeMap::new();
    let mut per_year: BTreeMap<(i32, SpeakerKind), Vec<LagInterval>> = BTreeMap::new();
    for ((g, kind), on) in first {
        let Some(start) = starts.get(g) else { continue };
        let Some(lag) = lag_between(*start, on) else { continue };
        per_kind.entry(kind).or_default().push(lag);
        per_year.entry((start.earliest.year(), kind)).or_default().push(lag);
    }
    LagFigures {
        by_kind: attributed
            .into_iter()
            .map(|(kind, groups)| AttributionLag {
                attributor_kind: kind,
                attributed_incidents: groups.len(),
                figure: LagFigure::of(per_kind.get(&kind).map_or(&[][..], Vec::as_slice)),
            })
            .collect(),
        by_year: per_year
            .into_iter()
            .map(|((year, kind), lags)| AttributionLagYear {
                year,
                attributor_kind: kind,
                figure: LagFigure::of(&lags),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).expect("date")
    }

    fn span(s: &str) -> DayInterval {
        DayInterval::of(&d(s)).expect("interval")
    }

    fn lag(lower: i64, upper: i64, day_precise: bool) -> Option<LagInterval> {
        Some(LagInterval { lower, upper, day_precise })
    }

    #[test]
    fn a_partial_date_is_the_interval_of_its_days() {
        let days = |s: &str| {
            let i = span(s);
            (i.earliest.to_string(), i.latest.to_string())
        };
        assert_eq!(days("2017"), ("2017-01-01".into(), "2017-12-31".into()));
        assert_eq!(days("2016-02"), ("2016-02-01".into(), "2016-02-29".into()));
        assert_eq!(days("2017-02"), ("2017-02-01".into(), "2017-02-28".into()));
        assert_eq!(days("2017-06-27"), ("2017-06-27".into(), "2017-06-27".into()));
        assert!(span("2017-06-27").is_day() && !span("2017-06").is_day());
    }

    #[test]
    fn lag_bounds_clamp_at_zero_and_drop_only_a_certain_inversion() {
        assert_eq!(lag_between(span("2020-01-10"), span("2020-01-20")), lag(10, 10, true));
        // Started some day in May: from 1 (31 May → 1 June) to 31 days (1 May → 1 June).
        assert_eq!(lag_between(span("2020-05"), span("2020-06-01")), lag(1, 31, false));
        // A March attribution of an incident of 2020 (a leap year): same day at best, 90 at worst.
        assert_eq!(lag_between(span("2020"), span("2020-03")), lag(0, 90, false));
        assert_eq!(lag_between(span("2020-03-15"), span("2020-03")), lag(0, 16, false));
        assert_eq!(lag_between(span("2020-03-15"), span("2020-03-15")), lag(0, 0, true));
        // Certainly before the start: a data error, left out.
        assert_eq!(lag_between(span("2020"), span("2019-12-31")), None);
        assert_eq!(lag_between(span("2020-03-15"), span("2020-03-14")), None);
    }

    type Dates = HashMap<String, (Option<PartialDate>, Option<PartialDate>)>;

    fn dates(rows: &[(&str, Option<&str>, Option<&str>)]) -> Dates {
        rows.iter().map(|(id, s, disc)| ((*id).to_owned(), (s.map(d), disc.map(d)))).collect()
    }

    fn figure(incidents: usize, day_precise: usize, lo: f64, hi: f64, exact: Option<f64>) -> LagFigure {
        LagFigure {
            incidents,
            day_precise,
            median_lower_days: Some(lo),
            median_upper_days: Some(hi),
            day_precise_median_days: exact,
        }
    }

    #[test]
    fn lag_per_kind_and_year_rests_on_every_dated_claim() {
        let starts = dates(&[
            ("i1", Some("2020-01-10"), None),
            ("i2", None, Some("2020-03-01")),
            ("i3", Some("2020-05"), None),
            ("i4", Some("2021"), None),
            ("i5", Some("2021-03-01"), None),
            ("i6", Some("2019-07-04"), None),
        ]);
        let (a, b, c, e, f, g) =
            (d("2020-01-20"), d("2020-01-15"), d("2020-03-11"), d("2020-06-01"), d("2020-12"), d("2019-07-14"));
        let media = d("2020");
        let gov = SpeakerKind::Government;
        let claims = [
            ClaimDate { incident: "i1", kind: gov, attributed_on: Some(&a) },
            ClaimDate { incident: "i1", kind: gov, attributed_on: Some(&b) }, // the first: 5 days
            ClaimDate { incident: "i2", kind: gov, attributed_on: Some(&c) }, // from discovery: 10
            ClaimDate { incident: "i3", kind: gov, attributed_on: Some(&e) }, // 1..=31
            ClaimDate { incident: "i4", kind: gov, attributed_on: Some(&f) }, // before the start
            ClaimDate { incident: "i5", kind: gov, attributed_on: None },     // undated
            ClaimDate { incident: "i6", kind: gov, attributed_on: Some(&g) }, // 10
            ClaimDate { incident: "i1", kind: SpeakerKind::Media, attributed_on: Some(&media) },
        ];
        let lag = attribution_lag(&claims, &starts, &HashMap::new());
        // Government: lower bounds 5, 10, 1, 10 → 7.5; upper 5, 10, 31, 10 → 10; day-precise
        // 5, 10, 10 → 10. Six incidents attributed, four with a usable lag.
        assert_eq!(
            lag.by_kind,
            vec![
                AttributionLag {
                    attributor_kind: gov,
                    attributed_incidents: 6,
                    figure: figure(4, 3, 7.5, 10.0, Some(10.0))
                },
                // 2020 from 2020-01-10: 0 (the same day) to 356 days (to 31 December).
                AttributionLag {
                    attributor_kind: SpeakerKind::Media,
                    attributed_incidents: 1,
                    figure: figure(1, 0, 0.0, 356.0, None)
                },
            ]
        );
        let years: Vec<(i32, SpeakerKind, LagFigure)> =
            lag.by_year.into_iter().map(|y| (y.year, y.attributor_kind, y.figure)).collect();
        assert_eq!(
            years,
            vec![
                (2019, gov, figure(1, 1, 10.0, 10.0, Some(10.0))),
                (2020, gov, figure(3, 2, 5.0, 10.0, Some(7.5))),
                (2020, SpeakerKind::Media, figure(1, 0, 0.0, 356.0, None)),
            ]
        );
    }

    #[test]
    fn a_linked_group_starts_at_its_earliest_start_and_counts_once() {
        // j1 (another source's record of i1) gives only the month; i1 the day. The group started
        // between 1 and 10 January; the first government claim (on either record) is the 15th.
        let starts = dates(&[("i1", Some("2020-01-10"), None), ("j1", Some("2020-01"), None)]);
        let (a, b) = (d("2020-01-15"), d("2020-02-01"));
        let claims = [
            ClaimDate { incident: "i1", kind: SpeakerKind::Government, attributed_on: Some(&b) },
            ClaimDate { incident: "j1", kind: SpeakerKind::Government, attributed_on: Some(&a) },
        ];
        let groups: HashMap<String, String> = [("i1".into(), "g".into()), ("j1".into(), "g".into())].into();
        let lag = attribution_lag(&claims, &starts, &groups);
        assert_eq!(lag.by_kind.len(), 1);
        assert_eq!(lag.by_kind[0].attributed_incidents, 1);
        assert_eq!(lag.by_kind[0].figure, figure(1, 0, 5.0, 14.0, None));
        // Unlinked, they are two incidents: i1 at 22 days, j1 at 0..=14.
        let apart = attribution_lag(&claims, &starts, &HashMap::new());
        assert_eq!(apart.by_kind[0].figure, figure(2, 1, 11.0, 18.0, Some(22.0)));
    }
}
