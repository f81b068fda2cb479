//! The orders an incident list can be read in, and the cursor that continues a list in its
//! order. Every interface (API, portal, CLI) parses `sort` and `cursor` here, so that a bad one
//! gets the same precise error everywhere, and the store's two search paths (the in-memory index
//! and SQL) sort by the same key.
use crate::query::FieldError;

/// What a list is ordered by. Ties are broken by record id, so that an order is total and a
/// cursor names one place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    /// The earliest day the incident may have started (unknown starts sort as `0000-00-00`).
    #[default]
    Start,
    /// The English title as an English page shows it: the Japanese one when there is none.
    TitleEn,
    /// The Japanese title as a Japanese page shows it: the English one when there is none.
    TitleJa,
}

impl SortKey {
    pub const ALL: [SortKey; 3] = [SortKey::Start, SortKey::TitleEn, SortKey::TitleJa];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Start => "start",
            SortKey::TitleEn => "title_en",
            SortKey::TitleJa => "title_ja",
        }
    }

    /// The text a title sort compares: the title in the key's language, or the other language's
    /// when that one is empty (as a page shows it). Compared byte by byte (UTF-8), as SQLite's
    /// `BINARY` and PostgreSQL's `COLLATE "C"` compare, so both stores give one order.
    pub fn title<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            SortKey::TitleJa if ja.is_empty() => en,
            SortKey::TitleJa => ja,
            _ if en.is_empty() => ja,
            _ => en,
        }
    }
}

/// An order: a key, ascending or descending (ties by id in the same direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IncidentSort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for IncidentSort {
    /// Newest first.
    fn default() -> Self {
        IncidentSort { key: SortKey::Start, descending: true }
    }
}

impl IncidentSort {
    /// The values `sort` takes; `-` before a key means descending.
    pub const NAMES: [&'static str; 6] = ["-start", "start", "title_en", "-title_en", "title_ja", "-title_ja"];

    pub fn parse(value: &str) -> Result<IncidentSort, FieldError> {
        let (descending, key) = match value.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        SortKey::ALL.into_iter().find(|k| k.name() == key).map(|key| IncidentSort { key, descending }).ok_or_else(
            || FieldError::new("sort", format!("`{value}` is not an order; give one of {}", Self::NAMES.join(", "))),
        )
    }

    /// The value of `sort` that asks for this order.
    pub fn name(self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.key.name())
    }

    /// The same key in the other direction.
    pub fn reversed(self) -> IncidentSort {
        IncidentSort { key: self.key, descending: !self.descending }
    }
}

/// Where a page ended: the order, the last row's sort value and its id. Clients treat it as
/// opaque; it is `<sort>~<value>~<id>`, the value hex-encoded (UTF-8) for title sorts so that
/// any title fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentCursor {
    pub sort: IncidentSort,
    /// A start key (`YYYY-MM-DD`, `0000-00-00` when unknown) or the title compared.
    pub key: String,
    pub id: String,
}

/// The longest title value a cursor may carry, in bytes.
const MAX_KEY_BYTES: usize = 4096;

impl IncidentCursor {
    pub fn encode(&self) -> String {
        let key = match self.sort.key {
            SortKey::Start => self.key.clone(),
            SortKey::TitleEn | SortKey::TitleJa => self.key.bytes().map(|b| format!("{b:02x}")).collect(),
        };
        format!("{}~{key}~{}", self.sort.name(), self.id)
    }

    /// Reads a cursor; `<start>~<id>` (from before lists could be sorted) is a newest-first one.
    pub fn parse(value: &str) -> Result<IncidentCursor, FieldError> {
        let bad = || FieldError::new("cursor", "not a cursor from a previous page's `next`; start without it");
        let (sort, rest) = match value.split_once('~') {
            Some((first, rest)) if rest.contains('~') => (IncidentSort::parse(first).map_err(|_| bad())?, rest),
            Some(_) => (IncidentSort::default(), value),
            None => return Err(bad()),
        };
        let (key, id) = rest.rsplit_once('~').ok_or_else(bad)?;
        if !is_record_id(id) {
            return Err(bad());
        }
        let key = match sort.key {
            SortKey::Start if is_start_key(key) => key.to_owned(),
            SortKey::Start => return Err(bad()),
            SortKey::TitleEn | SortKey::TitleJa => unhex(key).ok_or_else(bad)?,
        };
        Ok(IncidentCursor { sort, key, id: id.to_owned() })
    }
}

/// A lower-case hyphenated UUID, as record ids are written (their text order is their order).
fn is_record_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// `YYYY-MM-DD` digits (`0000-00-00` for an unknown start).
fn is_start_key(key: &str) -> bool {
    key.len() == 10
        && key.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

fn unhex(text: &str) -> Option<String> {
    if !text.len().is_multiple_of(2) || text.len() > 2 * MAX_KEY_BYTES {
        return None;
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    #[test]
    fn every_order_parses_and_names_itself() {
        for name in IncidentSort::NAMES {
            let sort = IncidentSort::parse(name).expect(name);
            assert_eq!(sort.name(), name);
            assert_eq!(sort.reversed().reversed(), sort);
        }
        assert_eq!(IncidentSort::parse("-start"), Ok(IncidentSort::default()));
        for bad in ["", "-", "title", "start ", "--start", "Start", "+start"] {
            let e = IncidentSort::parse(bad).expect_err(bad);
            assert_eq!(e.field, "sort");
            assert!(e.reason.contains("-title_ja"), "{e}");
        }
    }

    #[test]
    fn cursors_carry_their_order_and_any_title() {
        for (sort, key) in [
            ("-start", "2017-06-27"),
            ("start", "0000-00-00"),
            ("title_en", "NotPetya ~ wiper, \"Ukraine\""),
            ("-title_ja", "送電網への攻撃～第二波"),
            ("title_ja", ""),
        ] {
            let c = IncidentCursor { sort: IncidentSort::parse(sort).expect("sort"), key: key.into(), id: ID.into() };
            let text = c.encode();
            assert!(text.starts_with(&format!("{sort}~")), "{text}");
            assert!(text.chars().all(|ch| ch.is_ascii_graphic()), "URL-safe without escapes: {text}");
            assert_eq!(IncidentCursor::parse(&text), Ok(c));
        }
        let legacy = IncidentCursor::parse(&format!("2017-06-27~{ID}")).expect("legacy");
        assert_eq!((legacy.sort, legacy.key.as_str()), (IncidentSort::default(), "2017-06-27"));
    }

    #[test]
    fn a_forged_cursor_is_refused() {
        for bad in [
            String::new(),
            "zz".into(),
            format!("2017-06~{ID}"),
            format!("-start~2017-06-2x~{ID}"),
            format!("start~2017-06-27~{}", ID.to_uppercase()),
            format!("title_en~zz~{ID}"),
            format!("title_en~abc~{ID}"),
            format!("title_en~ff~{ID}"),
            format!("nope~2017-06-27~{ID}"),
            "-start~2017-06-27~not-an-id".into(),
            format!("title_en~{}~{ID}", "61".repeat(MAX_KEY_BYTES + 1)),
        ] {
            assert_eq!(IncidentCursor::parse(&bad).map_err(|e| e.field), Err("cursor".to_owned()), "{bad}");
        }
    }

    #[test]
    fn a_query_takes_its_order_from_sort_or_from_its_cursor() {
        use crate::incident::IncidentQuery;
        let catalog = crate::Catalog::embedded().expect("catalogue");
        let parse = |pairs: &[(&str, &str)]| IncidentQuery::parse(pairs.iter().copied(), &catalog);
        assert_eq!(parse(&[]).map(|q| q.sort), Ok(IncidentSort::default()));
        let title = IncidentSort { key: SortKey::TitleJa, descending: true };
        assert_eq!(parse(&[("sort", "-title_ja")]).map(|q| q.sort), Ok(title));
        let cursor = IncidentCursor { sort: title, key: "攻撃".into(), id: ID.into() }.encode();
        assert_eq!(parse(&[("cursor", &cursor)]).map(|q| q.sort), Ok(title), "the cursor's order");
        assert_eq!(parse(&[("cursor", &cursor), ("sort", "-title_ja")]).map(|q| q.sort), Ok(title));
        let e = parse(&[("sort", "start"), ("cursor", &cursor)]).expect_err("another order");
        assert_eq!(e.field, "cursor");
        assert_eq!(parse(&[("sort", "start"), ("sort", "start")]).map_err(|e| e.field), Err("sort".to_owned()));
        assert_eq!(parse(&[("sort", "newest")]).map_err(|e| e.field), Err("sort".to_owned()));
    }

    #[test]
    fn a_title_sort_falls_back_to_the_other_language() {
        assert_eq!(SortKey::TitleEn.title("日本語", ""), "日本語");
        assert_eq!(SortKey::TitleEn.title("日本語", "English"), "English");
        assert_eq!(SortKey::TitleJa.title("", "English"), "English");
        assert_eq!(SortKey::TitleJa.title("日本語", "English"), "日本語");
    }
}
