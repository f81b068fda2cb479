//! Dates as the portal shows them: `2024年3月5日` in Japanese, `5 March 2024` in English. A
//! partial date keeps its precision (`2024年3月` / `March 2024`, `2024年` / `2024`); a
//! timestamp (RFC 3339) is shown as its day. Text that is no date is shown unchanged.
use normwatch_core::Lang;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The year, month and day a date names, as far as it names them; `None` if it is no date.
fn parts(text: &str) -> Option<(u16, Option<u8>, Option<u8>)> {
    let date = text.get(..10).filter(|_| text.len() > 10 && text.as_bytes()[10] == b'T').unwrap_or(text);
    let mut it = date.split('-');
    let number = |s: &str, len: usize| {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u16>().ok() } else { None }
    };
    let year = number(it.next()?, 4)?;
    let month = match it.next() {
        None => None,
        Some(m) => Some(u8::try_from(number(m, 2)?).ok().filter(|m| (1..=12).contains(m))?),
    };
    let day = match it.next() {
        None => None,
        Some(d) => Some(u8::try_from(number(d, 2)?).ok().filter(|d| (1..=31).contains(d))?),
    };
    if it.next().is_some() {
        return None;
    }
    Some((year, month, day))
}

/// A date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an RFC 3339 timestamp) in the page language.
pub fn format_date(text: &str, lang: Lang) -> String {
    let Some((year, month, day)) = parts(text.trim()) else { return text.to_owned() };
    match (lang, month, day) {
        (Lang::Ja, Some(m), Some(d)) => format!("{year}年{m}月{d}日"),
        (Lang::Ja, Some(m), None) => format!("{year}年{m}月"),
        (Lang::Ja, None, _) => format!("{year}年"),
        (Lang::En, Some(m), Some(d)) => format!("{d} {} {year}", MONTHS_EN[usize::from(m) - 1]),
        (Lang::En, Some(m), None) => format!("{} {year}", MONTHS_EN[usize::from(m) - 1]),
        (Lang::En, None, _) => year.to_string(),
    }
}

/// A month heading (`2024年3月` / `March 2024`); `month` is 1–12.
pub fn format_month(year: u16, month: u8, lang: Lang) -> String {
    format_date(&format!("{year:04}-{month:02}"), lang)
}

/// The year and month of a date, as far as it names them.
pub fn year_month(text: &str) -> Option<(u16, Option<u8>)> {
    parts(text.trim()).map(|(y, m, _)| (y, m))
}

/// A stored timestamp as a page shows it: its day in the page language and its UTC time.
pub fn when(ts: &str, l: Lang) -> String {
    let day = format_date(ts, l);
    match ts.get(11..16).filter(|t| t.as_bytes().get(2) == Some(&b':')) {
        Some(time) => format!("{day} {time} UTC"),
        None => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_show_day_and_time() {
        assert_eq!(when("2026-11-02T09:05:00Z", Lang::En), "2 November 2026 09:05 UTC");
        assert_eq!(when("2026-11-02", Lang::Ja), "2026年11月2日");
    }

    #[test]
    fn full_dates_in_both_languages() {
        assert_eq!(format_date("2024-03-05", Lang::Ja), "2024年3月5日");
        assert_eq!(format_date("2024-03-05", Lang::En), "5 March 2024");
        assert_eq!(format_date("2023-12-31", Lang::En), "31 December 2023");
    }

    #[test]
    fn partial_dates_keep_their_precision() {
        assert_eq!(format_date("2024-03", Lang::Ja), "2024年3月");
        assert_eq!(format_date("2024-03", Lang::En), "March 2024");
        assert_eq!(format_date("2024", Lang::Ja), "2024年");
        assert_eq!(format_date("2024", Lang::En), "2024");
        assert_eq!(format_month(2023, 1, Lang::En), "January 2023");
        assert_eq!(year_month("2023-06-14"), Some((2023, Some(6))));
        assert_eq!(year_month("2023"), Some((2023, None)));
    }

    #[test]
    fn timestamps_show_their_day_and_other_text_is_kept() {
        assert_eq!(format_date("2024-03-05T10:11:12.123Z", Lang::Ja), "2024年3月5日");
        assert_eq!(format_date("2024-03-05T10:11:12Z", Lang::En), "5 March 2024");
        for odd in ["", "soon", "2024-13", "2024-02-40", "24-03-05", "2024-03-05-01"] {
            assert_eq!(format_date(odd, Lang::En), odd);
        }
    }
}
