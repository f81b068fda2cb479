//! Keyword rules, ja and en: what an untrained classifier proposes (and a trained one for the
//! families it has too few examples of). Each rule names its label and the words that fire it.
use crate::label::Family;

/// (family, label, words): lower-case English words or phrases, and Japanese as written.
pub(crate) const RULES: &[(Family, &str, &[&str])] = &[
    (Family::OperationTypes, "ransomware", &["ransomware", "ransom", "ランサムウェア", "身代金"]),
    (
        Family::OperationTypes,
        "denial-of-service",
        &["ddos", "denial-of-service", "denial of service", "dos攻撃", "サービス妨害"],
    ),
    (Family::OperationTypes, "espionage", &["espionage", "spying", "cyberespionage", "スパイ", "諜報"]),
    (
        Family::OperationTypes,
        "data-theft",
        &["data theft", "stole data", "exfiltrat", "stolen data", "情報窃取", "情報漏えい", "情報流出"],
    ),
    (Family::OperationTypes, "hack-and-leak", &["hack-and-leak", "leaked", "leak site", "暴露"]),
    (Family::OperationTypes, "data-destruction", &["wiper", "destructive", "erased", "ワイパー", "データ破壊"]),
    (Family::OperationTypes, "defacement", &["defaced", "defacement", "改ざん"]),
    (
        Family::OperationTypes,
        "financial-theft",
        &["stole funds", "cryptocurrency theft", "heist", "不正送金", "暗号資産の窃取"],
    ),
    (Family::OperationTypes, "supply-chain-compromise", &["supply chain", "supply-chain", "サプライチェーン"]),
    (
        Family::OperationTypes,
        "influence-operation",
        &["disinformation", "influence operation", "propaganda", "偽情報", "影響工作"],
    ),
    (Family::OperationTypes, "sabotage", &["sabotage", "破壊工作"]),
    (Family::OperationTypes, "disruption", &["disrupted", "disruption", "outage", "停止", "障害"]),
    (Family::OperationTypes, "system-compromise", &["compromised", "intrusion", "breach", "不正アクセス", "侵入"]),
    (Family::OperationTypes, "pre-positioning", &["pre-position", "prepositioning", "living off the land", "事前配置"]),
    (Family::Sectors, "ci.health", &["hospital", "healthcare", "health care", "medical", "病院", "医療"]),
    (
        Family::Sectors,
        "ci.energy",
        &["power grid", "electricity", "power plant", "energy company", "pipeline", "電力", "エネルギー"],
    ),
    (Family::Sectors, "ci.water", &["water utility", "water utilities", "water treatment", "水道"]),
    (Family::Sectors, "ci.finance", &["bank", "financial", "cryptocurrency exchange", "銀行", "金融", "暗号資産交換"]),
    (Family::Sectors, "ci.transport", &["airport", "railway", "airline", "shipping", "空港", "鉄道", "航空"]),
    (Family::Sectors, "ci.telecom", &["telecom", "mobile operator", "internet provider", "通信事業者", "通信会社"]),
    (
        Family::Sectors,
        "ci.government",
        &["ministry", "ministries", "government agenc", "parliament", "省庁", "政府機関", "議会", "外務省"],
    ),
    (
        Family::Sectors,
        "ci.defence-industry",
        &["defense contractor", "defence contractor", "defence industry", "防衛産業"],
    ),
    (Family::Sectors, "elec", &["election", "voting", "ballot", "選挙", "投票"]),
    (Family::Reports, "attribution", &["attributed", "attribution", "blamed", "帰属", "関与を指摘", "と断定"]),
    (
        Family::Reports,
        "response",
        &["sanction", "indicted", "indictment", "expelled", "condemn", "制裁", "起訴", "非難"],
    ),
];

/// Rules that fire on `lower` (the text lower-cased): (family, label, the word found).
pub(crate) fn fire(lower: &str) -> Vec<(Family, &'static str, &'static str)> {
    RULES
        .iter()
        .filter_map(|(family, label, words)| words.iter().find(|w| lower.contains(**w)).map(|w| (*family, *label, *w)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fire_in_both_languages() {
        let en = fire("ransomware encrypted hospital records");
        assert!(en.contains(&(Family::OperationTypes, "ransomware", "ransomware")));
        assert!(en.contains(&(Family::Sectors, "ci.health", "hospital")));
        let ja = fire("病院がランサムウェアの被害");
        assert!(ja.contains(&(Family::OperationTypes, "ransomware", "ランサムウェア")));
        assert!(fire("a quiet day").is_empty());
    }
}
