//! Small statistics the reports share (time to fix, time to decide, time to answer).
use crate::adoption::parse_date;

/// The median of whole-number measurements (`None` for none); sorts `values` in place.
pub fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2] as f64),
        n => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}

/// Whole days from one YYYY-MM-DD date to another (`None` if either is not a date).
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some((parse_date("to", to).ok()? - parse_date("from", from).ok()?).whole_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_no_values() {
        assert_eq!(median(&mut [9, 1, 5]), Some(5.0));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn days_across_a_leap_day_and_bad_dates() {
        assert_eq!(days_between("2024-02-28", "2024-03-01"), Some(2));
        assert_eq!(days_between("2024-03-01", "2024-02-28"), Some(-2));
        assert_eq!(days_between("2024-02-30", "2024-03-01"), None);
    }
}
