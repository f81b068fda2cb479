//! Japanese and English: the two languages every catalogue text and every portal page has.
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// One of the product's two languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Picks the best of our languages from an `Accept-Language` header (RFC 9110 §12.5.4).
    /// `None` when the header names neither language.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ja" => Lang::Ja,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        best.map(|(l, _)| l)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ja" => Ok(Lang::Ja),
            "en" => Ok(Lang::En),
            other => Err(format!("`{other}` is not a language of normwatch; use `ja` or `en`")),
        }
    }
}

/// The language a reader asked for: one of ours, or both side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangChoice {
    One(Lang),
    All,
}

impl FromStr for LangChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(LangChoice::All),
            "ja" | "en" => s.parse().map(LangChoice::One),
            other => Err(format!("`{other}` is not one of `ja`, `en`, `all`")),
        }
    }
}

impl LangChoice {
    /// Replaces every bilingual text `{"ja": …, "en": …}` in a JSON document by the text in the
    /// chosen language; `All` leaves the document as it is.
    pub fn project(self, value: &mut serde_json::Value) {
        let LangChoice::One(lang) = self else { return };
        project_value(value, lang);
    }
}

fn project_value(value: &mut serde_json::Value, lang: Lang) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let bilingual = map.len() == 2
                && map.get("ja").is_some_and(Value::is_string)
                && map.get("en").is_some_and(Value::is_string);
            if bilingual {
                let text = map.remove(lang.code()).unwrap_or(Value::Null);
                *value = text;
            } else {
                map.values_mut().for_each(|v| project_value(v, lang));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| project_value(v, lang)),
        _ => {}
    }
}

/// A text in Japanese and English. Both must be present and non-empty in the catalogue;
/// deserialisation accepts a missing one so that validation can name the field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    #[serde(default)]
    pub ja: String,
    #[serde(default)]
    pub en: String,
}

impl Localized {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Localized { ja: ja.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }

    /// The languages whose text is empty.
    pub fn missing(&self) -> Vec<Lang> {
        Lang::ALL.into_iter().filter(|l| self.get(*l).trim().is_empty()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(Lang::negotiate("ja,en;q=0.8"), Some(Lang::Ja));
        assert_eq!(Lang::negotiate("fr, en-GB;q=0.7, ja;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::negotiate("ja-JP;q=0.9, en;q=0.95"), Some(Lang::En));
        assert_eq!(Lang::negotiate("de, fr"), None);
        assert_eq!(Lang::negotiate("ja;q=0"), None);
    }

    #[test]
    fn projects_bilingual_objects_only() {
        let mut doc = json!({"id": "x", "title": {"ja": "題", "en": "title"},
            "sources": [{"document": "d", "note": {"ja": "注", "en": "note"}}],
            "other": {"ja": "a", "en": "b", "extra": 1}});
        LangChoice::One(Lang::Ja).project(&mut doc);
        assert_eq!(doc["title"], "題");
        assert_eq!(doc["sources"][0]["note"], "注");
        assert_eq!(doc["other"]["extra"], 1, "an object with more keys is not a bilingual text");
    }

    #[test]
    fn rejects_unknown_language() {
        assert!("fr".parse::<LangChoice>().is_err());
        assert_eq!("all".parse::<LangChoice>(), Ok(LangChoice::All));
    }
}
