//! What kind of actor speaks (attributes or responds), read from its name: the attribution-lag
//! and response figures are grouped by it, so it must say who spoke, not what the source's
//! coding category was (a government quoted under "Attribution by third-party" is a government).
use normwatch_core::violation::SpeakerKind;

/// Does `text` (lower case) contain `phrase` as whole words?
pub(super) fn has_words(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(phrase)
        .any(|(i, _)| boundary(text[..i].chars().next_back()) && boundary(text[i + phrase.len()..].chars().next()))
}

fn any_words(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| has_words(text, p))
}

const INTERGOVERNMENTAL: &[&str] = &[
    "european union",
    "council of the eu",
    "european council",
    "european commission",
    "high representative",
    "nato",
    "north atlantic treaty organization",
    "united nations",
    "enisa",
    "europol",
    "eurojust",
    "osce",
    "interpol",
    "african union",
    "asean",
];

/// Companies whose trade is security research, named in the datasets (their names alone do not
/// say so).
const SECURITY_COMPANIES: &[&str] = &[
    "microsoft",
    "mandiant",
    "mandian",
    "fireeye",
    "crowdstrike",
    "secureworks",
    "eset",
    "kaspersky",
    "symantec",
    "proofpoint",
    "check point",
    "talos",
    "trend micro",
    "palo alto networks",
    "dragos",
    "group-ib",
    "avast",
    "malwarebytes",
    "sentinelone",
    "recorded future",
    "cybereason",
    "lookout",
    "volexity",
    "zscaler",
    "trustwave",
    "sygnia",
    "securonix",
    "eclecticiq",
    "elastic security labs",
    "elliptic",
    "ironnet",
    "positive technologies",
    "qi an xin",
    "ahnlab",
    "blackberry",
    "cylance",
    "cyberx",
    "advintel",
    "withsecure",
    "f-secure",
    "threat intelligence",
];

const GOVERNMENT: &[&str] = &[
    "government",
    "ministry",
    "minister",
    "ministers",
    "department",
    "agency",
    "agencies",
    "agencija",
    "agenzia",
    "bureau",
    "police",
    "politie",
    "prosecutor",
    "prosecutor's",
    "prosecution",
    "president",
    "premier",
    "mayor",
    "sheriff",
    "attorney general",
    "secretary of state",
    "white house",
    "command",
    "mission force",
    "council",
    "intelligence service",
    "investigative service",
    "cert-ua",
    "emergency response",
    "authority",
    "commissioner",
    "directorate",
    "coordination group",
    "establishment",
    "security centre",
    "security center",
    "centre for cyber security",
    "center for cyber protection",
    "national security",
    "federal",
    "military",
    "army",
    "armed forces",
    "parliament",
    "court",
    "juzgado",
    "mossos d'esquadra",
    "public administration",
    "state special communications",
];

const MEDIA: &[&str] = &[
    "press",
    "presse",
    "broadcasting",
    "broadcaster",
    "news",
    "newspaper",
    "times",
    "journal",
    "techcrunch",
    "reuters",
    "bbc",
    "media",
    "editor",
    "editor-in-chief",
    "red hot cyber",
    "radio",
    "television",
];

const ACADEMIA: &[&str] =
    &["university", "academics", "academic", "researcher", "institute", "citizenlab", "citizen lab"];

const CIVIL_SOCIETY: &[&str] =
    &["association", "bellingcat", "ilaw", "digital reach", "foundation", "activists", "ngo"];

/// A company's legal form or the word a company name ends with.
const COMPANY_ENDINGS: &[&str] =
    &["inc", "inc.", "ltd", "llc", "corp", "corp.", "corporation", "gmbh", "ag", "plc", "international", "company"];

/// The kind of actor a name says it is, when it says (`None`: the name alone does not tell).
/// Bodies of the EU, UN or NATO first (a "Council of the European Union" is not a national
/// government), then security companies, governments and their agencies and officials, media,
/// academia, civil society, and other companies by their legal form.
pub fn kind_of_name(name: &str) -> Option<SpeakerKind> {
    let lower = name.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    if any_words(&lower, INTERGOVERNMENTAL) {
        return Some(SpeakerKind::Intergovernmental);
    }
    if any_words(&lower, SECURITY_COMPANIES) {
        return Some(SpeakerKind::SecurityCompany);
    }
    if any_words(&lower, GOVERNMENT) {
        return Some(SpeakerKind::Government);
    }
    if any_words(&lower, MEDIA) {
        return Some(SpeakerKind::Media);
    }
    if any_words(&lower, ACADEMIA) {
        return Some(SpeakerKind::Academia);
    }
    if any_words(&lower, CIVIL_SOCIETY) {
        return Some(SpeakerKind::CivilSociety);
    }
    let last = lower.split_whitespace().next_back().unwrap_or_default();
    if COMPANY_ENDINGS.contains(&last) {
        return Some(SpeakerKind::PrivateSector);
    }
    None
}

/// Whether the speaker is the actor it names (an attacker claiming its own operation): one
/// name holds the other as whole words (`Killnet` and `Killnet`, `Lockbit` and `LockBit 3.0`).
pub fn same_actor(speaker: &str, attributed: &str) -> bool {
    let (a, b) = (speaker.trim().to_lowercase(), attributed.trim().to_lowercase());
    if a.len() < 3 || b.len() < 3 {
        return false;
    }
    // Aliases come as `A/B/C (agency)`: any one of them may be the name the speaker used.
    b.split(['/', '(', ')', ','])
        .map(str::trim)
        .filter(|x| x.len() >= 3)
        .any(|alias| has_words(&a, alias) || has_words(alias, &a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_name() {
        let k = |n: &str| kind_of_name(n);
        assert_eq!(k("Government of Canada"), Some(SpeakerKind::Government));
        assert_eq!(k("The White House"), Some(SpeakerKind::Government));
        assert_eq!(k("Federal Bureau of Investigation (FBI)"), Some(SpeakerKind::Government));
        assert_eq!(
            k("Angus Taylor (Minister for Law Enforcement and Cyber Security; AUS)"),
            Some(SpeakerKind::Government)
        );
        assert_eq!(k("United Kingdom’s National Cyber Security Centre (NCSC)"), Some(SpeakerKind::Government));
        assert_eq!(k("Council of the European Union (European Council)"), Some(SpeakerKind::Intergovernmental));
        assert_eq!(k("North Atlantic Treaty Organization (NATO)"), Some(SpeakerKind::Intergovernmental));
        assert_eq!(k("Mondelez International"), Some(SpeakerKind::PrivateSector));
        assert_eq!(k("Microsoft"), Some(SpeakerKind::SecurityCompany));
        assert_eq!(
            k("John Hultquist (Vice-President Mandian Threat Intelligence, United States)"),
            Some(SpeakerKind::SecurityCompany)
        );
        assert_eq!(k("TechCrunch"), Some(SpeakerKind::Media));
        assert_eq!(k("Agence Marocaine de Presse (MAP)"), Some(SpeakerKind::Media));
        assert_eq!(k("Frank J. Cilluffo (Academics, USA)"), Some(SpeakerKind::Academia));
        assert_eq!(k("Bellingcat"), Some(SpeakerKind::CivilSociety));
        // Word boundaries: a senator is not NATO, nor "Killnet" anything but a name.
        assert_eq!(k("Senator Smith"), None);
        assert_eq!(k("Killnet"), None);
        assert_eq!(k(""), None);
    }

    #[test]
    fn an_attacker_naming_itself() {
        assert!(same_actor("Killnet", "Killnet"));
        assert!(same_actor("Lockbit", "LockBit 3.0"));
        assert!(same_actor("Sandworm", "Sandworm/Voodoo Bear/APT44 (GRU Unit 74455)"));
        assert!(!same_actor("ESET", "Sandworm"));
        assert!(!same_actor("Anonymous", ""));
    }
}
