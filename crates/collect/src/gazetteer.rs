//! Countries named in Japanese and English text, and whether the text names them as the side
//! that acted (attributed) or the one hit (targeted). The names are core's catalogue of country
//! names; the demonyms, capitals used for governments and Japanese names are ours, below.
use normwatch_core::country_names::COUNTRY_NAMES;
use std::sync::OnceLock;

/// Demonyms, capitals that stand for their governments, and Japanese names: (term, ISO code).
/// English terms are lower case; the Japanese are matched as written.
const EXTRA: &[(&str, &str)] = &[
    ("russian", "RU"),
    ("kremlin", "RU"),
    ("moscow", "RU"),
    ("chinese", "CN"),
    ("beijing", "CN"),
    ("prc", "CN"),
    ("north korean", "KP"),
    ("north korea", "KP"),
    ("dprk", "KP"),
    ("pyongyang", "KP"),
    ("south korean", "KR"),
    ("south korea", "KR"),
    ("iranian", "IR"),
    ("tehran", "IR"),
    ("american", "US"),
    ("washington", "US"),
    ("u.s.", "US"),
    ("british", "GB"),
    ("ukrainian", "UA"),
    ("kyiv", "UA"),
    ("japanese", "JP"),
    ("tokyo", "JP"),
    ("german", "DE"),
    ("french", "FR"),
    ("israeli", "IL"),
    ("taiwanese", "TW"),
    ("indian", "IN"),
    ("pakistani", "PK"),
    ("vietnamese", "VN"),
    ("turkish", "TR"),
    ("saudi", "SA"),
    ("emirati", "AE"),
    ("belarusian", "BY"),
    ("estonian", "EE"),
    ("latvian", "LV"),
    ("lithuanian", "LT"),
    ("polish", "PL"),
    ("dutch", "NL"),
    ("italian", "IT"),
    ("spanish", "ES"),
    ("canadian", "CA"),
    ("australian", "AU"),
    ("syrian", "SY"),
    ("lebanese", "LB"),
    ("georgian", "GE"),
    ("moldovan", "MD"),
    ("albanian", "AL"),
    ("ロシア", "RU"),
    ("中国", "CN"),
    ("中華人民共和国", "CN"),
    ("北朝鮮", "KP"),
    ("朝鮮民主主義人民共和国", "KP"),
    ("韓国", "KR"),
    ("大韓民国", "KR"),
    ("米国", "US"),
    ("アメリカ", "US"),
    ("日本", "JP"),
    ("イラン", "IR"),
    ("ウクライナ", "UA"),
    ("台湾", "TW"),
    ("英国", "GB"),
    ("イギリス", "GB"),
    ("ドイツ", "DE"),
    ("フランス", "FR"),
    ("イスラエル", "IL"),
    ("インド", "IN"),
    ("ベトナム", "VN"),
    ("パキスタン", "PK"),
    ("トルコ", "TR"),
    ("オーストラリア", "AU"),
    ("カナダ", "CA"),
    ("イタリア", "IT"),
    ("オランダ", "NL"),
    ("エストニア", "EE"),
    ("ポーランド", "PL"),
    ("ベラルーシ", "BY"),
    ("シリア", "SY"),
    ("サウジアラビア", "SA"),
    ("ジョージア", "GE"),
    ("モルドバ", "MD"),
    ("スペイン", "ES"),
    ("ブラジル", "BR"),
];

/// Words after a country that make it the actor ("Russian hackers", "北朝鮮系のハッカー").
const ACTOR_AFTER: &[&str] = &[
    "hacker",
    "apt",
    "group",
    "actor",
    "state-sponsored",
    "state sponsored",
    "state-backed",
    "government-backed",
    "intelligence",
    "military",
    "spy",
    "spies",
    "operatives",
    "cyber army",
    "cyber command",
    "系",
    "のハッカー",
    "の情報機関",
    "の軍",
    "政府系",
    "政府の支援",
    "が関与",
    "による",
    "の関与",
    "ハッカー",
];
/// Words before a country that make it the actor ("attributed to Iran").
const ACTOR_BEFORE: &[&str] =
    &["attributed to", "linked to", "blamed", "backed by", "on behalf of", "sponsored by", "by"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Targeted,
    Attributed,
}

/// One country named in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub code: &'static str,
    /// The words as they stand in the text.
    pub term: String,
    pub start: usize,
    pub role: Role,
    /// The words that made it attributed.
    pub cue: Option<&'static str>,
}

impl Mention {
    pub fn reason(&self) -> String {
        match self.cue {
            Some(cue) => format!("gazetteer: “{}” with “{}”", self.term, cue),
            None => format!("gazetteer: “{}”", self.term),
        }
    }
}

struct Term {
    text: String,
    code: &'static str,
    ascii: bool,
}

fn terms() -> &'static [Term] {
    static TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    TERMS.get_or_init(|| {
        let mut all: Vec<Term> = COUNTRY_NAMES
            .iter()
            .chain(EXTRA.iter())
            .map(|(t, c)| Term { text: (*t).to_owned(), code: c, ascii: t.is_ascii() })
            .collect();
        // Longest first, so "north korean" wins over "korea…" and "niger" never eats "nigeria".
        all.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then_with(|| a.text.cmp(&b.text)));
        all
    })
}

fn is_word_byte(b: Option<&u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Countries `text` names, in text order.
pub fn mentions(text: &str) -> Vec<Mention> {
    let lower = text.to_ascii_lowercase(); // byte offsets stay those of `text`
    let bytes = lower.as_bytes();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for term in terms() {
        // Two-letter codes ("US", "UK") are words only in capitals; "us" is a pronoun.
        let (hay, needle) = if term.text.len() <= 2 {
            (text, term.text.to_ascii_uppercase())
        } else {
            (lower.as_str(), term.text.clone())
        };
        for (start, _) in hay.match_indices(&needle) {
            let end = start + needle.len();
            if term.ascii
                && (is_word_byte(start.checked_sub(1).and_then(|i| bytes.get(i))) || is_word_byte(bytes.get(end)))
            {
                continue;
            }
            if taken.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            taken.push((start, end));
            let cue = actor_cue(&lower, start, end);
            out.push(Mention {
                code: term.code,
                term: text[start..end].to_owned(),
                start,
                role: if cue.is_some() { Role::Attributed } else { Role::Targeted },
                cue,
            });
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

fn actor_cue(lower: &str, start: usize, end: usize) -> Option<&'static str> {
    let after = lower[end..].trim_start_matches(['-', ' ']);
    // A few words on: "Russian state-sponsored hacking group".
    let window: String = after.chars().take(40).collect();
    if let Some(cue) = ACTOR_AFTER.iter().find(|c| {
        if c.is_ascii() {
            window.split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '-').take(4).any(|w| w.starts_with(*c))
                || (c.contains(' ') && window.starts_with(*c))
        } else {
            window.starts_with(*c)
        }
    }) {
        return Some(cue);
    }
    let before = lower[..start].trim_end();
    ACTOR_BEFORE
        .iter()
        .find(|c| before.ends_with(*c) && !is_word_byte(before.as_bytes().get(before.len().wrapping_sub(c.len() + 1))))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> Vec<(&'static str, Role)> {
        mentions(text).into_iter().map(|m| (m.code, m.role)).collect()
    }

    use Role::{Attributed as A, Targeted as T};

    /// Texts and the countries they name, in order, with their roles.
    const CASES: &[(&str, &[(&str, Role)])] = &[
        ("Russian hackers hit power plants in Ukraine; the attack was attributed to the GRU.", &[("RU", A), ("UA", T)]),
        ("A campaign attributed to North Korea stole funds from a bank in Bangladesh.", &[("KP", A), ("BD", T)]),
        ("Chinese state-sponsored group targets Taiwanese chip makers", &[("CN", A), ("TW", T)]),
        // Whole words only, and "US" only in capitals.
        ("Let us know: Nigeria, not Niger.", &[("NG", T), ("NE", T)]),
        ("The US and the UK issued a joint advisory.", &[("US", T), ("GB", T)]),
        ("Prussian history; frenchfries", &[]),
        ("北朝鮮系のハッカー集団が日本の暗号資産交換業者を狙った。", &[("KP", A), ("JP", T)]),
        ("ロシアによるウクライナへのサイバー攻撃", &[("RU", A), ("UA", T)]),
    ];

    #[test]
    fn names_demonyms_and_roles_in_both_languages() {
        for (text, expected) in CASES {
            assert_eq!(summary(text), *expected, "{text}");
        }
    }

    #[test]
    fn a_mention_gives_its_reason() {
        let m = &mentions("米国の病院")[0];
        assert_eq!((m.code, m.reason().as_str()), ("US", "gazetteer: “米国”"));
    }
}
