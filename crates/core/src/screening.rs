//! Norm screening: which norms an incident may engage, and why. The rules follow the norms' text
//! (UN GGE 2015 para. 13, G7 Lucca, G20 Antalya para. 26, GCSC 2019 section 6A and Annex B): who
//! acted (a state, a state's proxy, a non-state actor), what the operation did, and what it hit.
//! A suggestion is a prompt for an assessment, never a finding. The rules and their figures on
//! `catalog/screening-cases.toml` are described in `docs/screening.md`.
use crate::catalog::{Catalog, Source};
use crate::incident::{ActorKind, Effect, FunctionalDuration, IncidentInput};
use crate::lang::Localized;
use crate::violation::{ActorCategory, AttributedActor, GroupRelation};
use serde::Serialize;
use std::collections::BTreeMap;

/// How strongly the recorded facts point at the norm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    pub fn label(self) -> Localized {
        match self {
            Confidence::Low => Localized::new("低", "low"),
            Confidence::Medium => Localized::new("中", "medium"),
            Confidence::High => Localized::new("高", "high"),
        }
    }
}

/// A norm an incident may engage: the reasons (each ending with the paragraph it rests on), how
/// confident the suggestion is and why, and the norm's citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningHit {
    pub norm: String,
    pub confidence: Confidence,
    pub confidence_reason: Localized,
    /// The norm's paragraphs, e.g. "UN GGE 2015 para. 13(f); G7 Lucca norm 6".
    pub citation: Localized,
    pub sources: Vec<Source>,
    pub reasons: Vec<Localized>,
}

/// Operations that impair the use or operation of what they hit.
const IMPAIRING: [&str; 6] =
    ["denial-of-service", "data-destruction", "sabotage", "ransomware", "data-manipulation", "disruption"];
/// Operations that go into systems without (by themselves) impairing them.
const INTRUSIVE: [&str; 7] =
    ["espionage", "data-theft", "ip-theft", "system-compromise", "pre-positioning", "hack-and-leak", "financial-theft"];

/// Who acted, from the incident's actors and the attribution claims the caller can see.
#[derive(Debug, Default)]
struct Who {
    /// States acting through their organs (actors of kind state, claims naming an organ or a state).
    states: Vec<String>,
    /// States said to direct a non-state group (proxy, state-affiliated).
    directing: Vec<String>,
    /// States said to let a group operate from their territory knowingly.
    tolerating: Vec<String>,
    /// Bases of non-state actors with no state link recorded.
    bases: Vec<String>,
    non_state: bool,
}

impl Who {
    fn of(incident: &IncidentInput, claims: &[AttributedActor]) -> Who {
        let mut who = Who::default();
        let push = |list: &mut Vec<String>, s: &str| {
            if !list.iter().any(|x| x == s) {
                list.push(s.to_owned());
            }
        };
        for a in &incident.actors {
            match (a.kind, &a.country) {
                (ActorKind::State, Some(c)) => push(&mut who.states, c),
                (ActorKind::State, None) => {}
                (ActorKind::NonState, c) => {
                    who.non_state = true;
                    if let Some(c) = c {
                        push(&mut who.bases, c);
                    }
                }
            }
        }
        for c in claims {
            let Some(state) = c.state.as_deref() else {
                who.non_state |= c.group.is_some();
                continue;
            };
            match (c.relation, c.category, &c.group) {
                (Some(GroupRelation::Organ), _, _) | (_, Some(ActorCategory::State), _) | (None, None, None) => {
                    push(&mut who.states, state)
                }
                (Some(GroupRelation::Proxy), _, _) | (_, Some(ActorCategory::StateAffiliated), _) => {
                    push(&mut who.directing, state)
                }
                (Some(GroupRelation::Tolerated), _, _) => push(&mut who.tolerating, state),
                _ => {
                    who.non_state = true;
                    push(&mut who.bases, state)
                }
            }
        }
        // A base that a claim links to the state is not an unlinked base.
        who.bases.retain(|b| !who.states.contains(b) && !who.directing.contains(b) && !who.tolerating.contains(b));
        who
    }

    fn state_linked(&self) -> bool {
        !self.states.is_empty() || !self.directing.is_empty()
    }

    /// Nobody is named at all: a state may still be behind it.
    fn unknown(&self) -> bool {
        !self.state_linked() && self.tolerating.is_empty() && !self.non_state && self.bases.is_empty()
    }

    fn named_states(&self) -> String {
        let mut all: Vec<&str> = self.states.iter().chain(&self.directing).map(String::as_str).collect();
        all.sort_unstable();
        all.dedup();
        all.join(", ")
    }
}

/// What the incident did and hit, read once for every rule.
struct Facts<'a> {
    incident: &'a IncidentInput,
    who: Who,
}

impl Facts<'_> {
    fn op(&self, id: &str) -> bool {
        self.incident.operation_types.iter().any(|o| o == id)
    }

    fn first_op(&self, ids: &[&str]) -> Option<&str> {
        self.incident.operation_types.iter().map(String::as_str).find(|o| ids.contains(o))
    }

    fn asset(&self, prefix: &str) -> Option<&str> {
        self.incident.asset_classes().find(|a| *a == prefix || a.starts_with(&format!("{prefix}.")))
    }

    /// An operation or an impact that impaired what it hit.
    fn impairing(&self) -> Option<Localized> {
        if let Some(op) = self.first_op(&IMPAIRING) {
            return Some(Localized::new(format!("作戦の種類 `{op}`"), format!("operation type `{op}`")));
        }
        let i = &self.incident.impact;
        if i.physical_effects == Some(true) {
            return Some(Localized::new("物理的な影響", "physical effects"));
        }
        if i.availability.is_some_and(|a| a >= Effect::Moderate)
            || i.functional_duration.is_some_and(|d| d >= FunctionalDuration::Hours)
        {
            return Some(Localized::new("可用性・機能の喪失", "lost availability or function"));
        }
        None
    }

    /// Physical effects, destruction, or days without service.
    fn severe(&self) -> bool {
        let i = &self.incident.impact;
        i.physical_effects == Some(true)
            || i.functional_duration.is_some_and(|d| d >= FunctionalDuration::Days)
            || self.op("sabotage")
            || self.op("data-destruction")
    }

    /// Reach beyond a few victims: the scale at which the GCSC speaks of stability.
    fn broad(&self) -> bool {
        let i = &self.incident.impact;
        i.victims_affected.is_some_and(|v| v >= 1000) || i.countries_affected.len() >= 3
    }
}

/// The norm's citation, from the catalogue's sources: UN GGE and G7 paragraphs for the GGE norms
/// (GCSC Annex A repeats them), the GCSC section and annex for its own.
pub fn citation(catalog: &Catalog, norm: &str) -> (Localized, Vec<Source>) {
    let Some(n) = catalog.norm(norm) else { return (Localized::default(), Vec::new()) };
    let sources: Vec<Source> = n
        .sources
        .iter()
        .filter(|s| !(s.document == "gcsc-2019" && s.paragraph.starts_with("Annex A")))
        .cloned()
        .collect();
    let (mut ja, mut en) = (Vec::new(), Vec::new());
    for s in &sources {
        let p = &s.paragraph;
        let (j, e) = match s.document.as_str() {
            "un-gge-2015" => (format!("国連GGE 2015年報告書 第{p}項"), format!("UN GGE 2015 para. {p}")),
            "g7-lucca-2017" => (format!("G7ルッカ宣言 規範{p}"), format!("G7 Lucca norm {p}")),
            "g20-antalya-2015" => {
                (format!("G20アンタルヤ首脳コミュニケ 第{p}項"), format!("G20 Antalya 2015 para. {p}"))
            }
            "gcsc-2019" => (format!("GCSC 2019年報告書 {p}"), format!("GCSC 2019 {p}")),
            other => (format!("{other} {p}"), format!("{other} {p}")),
        };
        ja.push(j);
        en.push(e);
    }
    (Localized::new(ja.join("、"), en.join("; ")), sources)
}

struct Found {
    confidence: Confidence,
    why: Localized,
    reasons: Vec<Localized>,
}

type Hits = BTreeMap<&'static str, Found>;

fn suggest(hits: &mut Hits, norm: &'static str, confidence: Confidence, why: Localized, reason: Localized) {
    let f = hits.entry(norm).or_insert(Found { confidence, why: why.clone(), reasons: Vec::new() });
    if confidence > f.confidence {
        f.confidence = confidence;
        f.why = why;
    }
    if !f.reasons.contains(&reason) {
        f.reasons.push(reason);
    }
}

fn l(ja: impl Into<String>, en: impl Into<String>) -> Localized {
    Localized::new(ja, en)
}

/// How far a state-addressed norm reaches the actors: a state or its proxy (strong), nobody named
/// (a state may still be found behind it), or only non-state actors with no state link (never).
fn state_reach(f: &Facts) -> Option<(Confidence, Localized)> {
    if f.who.state_linked() {
        let s = f.who.named_states();
        Some((
            Confidence::High,
            l(
                format!("国家（{s}）またはその代理が行ったとされる。"),
                format!("A state ({s}) or its proxy is said to have acted."),
            ),
        ))
    } else if f.who.unknown() {
        Some((
            Confidence::Low,
            l(
                "行為主体が記録されていない。国家の関与が認められた場合に限り該当する。",
                "No actor is recorded; the norm applies only if a state is found responsible.",
            ),
        ))
    } else {
        None
    }
}

/// UN GGE 13(f): damage to, or impairment of, critical infrastructure by a state.
fn rule_critical_infrastructure(f: &Facts, hits: &mut Hits) {
    let Some(ci) = f.asset("ci") else { return };
    let Some((reach, who)) = state_reach(f) else { return };
    if let Some(how) = f.impairing() {
        let confidence = match reach {
            Confidence::High if f.severe() => Confidence::High,
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        };
        let why = if confidence == Confidence::Medium {
            l(
                format!("{}ただし物理的影響・破壊・数日以上の停止は記録されていない。", who.ja),
                format!("{} No physical effect, destruction or outage of days is recorded.", who.en),
            )
        } else {
            who
        };
        suggest(
            hits,
            "gge-f",
            confidence,
            why,
            l(
                format!("重要インフラ `{ci}` の利用・運用を損なった（{}）。", how.ja),
                format!("It impaired the use or operation of critical infrastructure `{ci}` ({}).", how.en),
            ),
        );
    } else if f.op("pre-positioning") {
        let confidence = if reach == Confidence::High { Confidence::Medium } else { Confidence::Low };
        suggest(
            hits,
            "gge-f",
            confidence,
            l(
                format!("{}損害はまだ生じていないが、将来の妨害への備えである。", who.ja),
                format!("{} No damage yet, but a foothold kept for later disruption.", who.en),
            ),
            l(
                format!("重要インフラ `{ci}` に妨害の足場を築いた（事前配置）。"),
                format!("It pre-positioned for disruption in critical infrastructure `{ci}`."),
            ),
        );
    }
}

/// UN GGE 13(k): harm to the information systems of emergency response teams.
fn rule_cert(f: &Facts, hits: &mut Hits) {
    let Some(cert) = f.asset("cert") else { return };
    let Some((reach, who)) = state_reach(f) else { return };
    let (confidence, what) = if let Some(how) = f.impairing() {
        (reach, l(format!("損なわれた（{}）", how.ja), format!("were impaired ({})", how.en)))
    } else if let Some(op) = f.first_op(&INTRUSIVE) {
        (reach.min(Confidence::Medium), l(format!("侵入された（`{op}`）"), format!("were intruded into (`{op}`)")))
    } else {
        return;
    };
    suggest(
        hits,
        "gge-k",
        confidence,
        who,
        l(
            format!("緊急対応チーム `{cert}` の情報システムが{}。", what.ja),
            format!("The information systems of an emergency response team, `{cert}`, {}.", what.en),
        ),
    );
}

/// UN GGE 13(c) and 13(h): a non-state group operating from one state against another's
/// systems; the state is said to know (13(c)), or asked to rein it in (13(h), critical
/// infrastructure).
fn rule_territory(f: &Facts, hits: &mut Hits) {
    if f.who.state_linked() {
        return;
    }
    let victims: Vec<&str> = f.incident.targets.iter().filter_map(|t| t.country.as_deref()).collect();
    let foreign = |state: &String| !victims.is_empty() && victims.iter().all(|v| *v != state);
    let Some(how) = f.impairing() else { return };
    for state in &f.who.tolerating {
        suggest(
            hits,
            "gge-c",
            Confidence::Medium,
            l(
                format!("帰属の主張は、{state} がこの集団の活動を知りながら放置したとする。"),
                format!("An attribution claim says {state} knowingly let the group operate."),
            ),
            l(
                format!("{state} の領域から、{}による有害な作戦が行われたとされる。", how.ja),
                format!("A harmful operation ({}) is said to have run from {state}'s territory.", how.en),
            ),
        );
    }
    let from_abroad: Vec<&String> = f.who.bases.iter().chain(&f.who.tolerating).filter(|s| foreign(s)).collect();
    for state in &f.who.bases {
        if !foreign(state) {
            continue;
        }
        suggest(
            hits,
            "gge-c",
            Confidence::Low,
            l(
                format!("行為主体は {state} を拠点とするとされるが、同国が知っていたかは記録されていない。"),
                format!("The actor is said to be based in {state}; whether {state} knew is not recorded."),
            ),
            l(
                format!("{state} を拠点とする非国家主体が他国の標的に有害な作戦を行った（{}）。", how.ja),
                format!(
                    "A non-state actor based in {state} ran a harmful operation against another state's targets ({}).",
                    how.en
                ),
            ),
        );
    }
    if let (Some(ci), Some(state)) = (f.asset("ci"), from_abroad.first()) {
        let confidence = if f.who.tolerating.contains(state) { Confidence::Medium } else { Confidence::Low };
        suggest(
            hits,
            "gge-h",
            confidence,
            l(
                "被害国からの支援・緩和要請に、発信源の国が応じたかが問われる。",
                "Whether the state of origin answered requests for help or mitigation is the question.",
            ),
            l(
                format!("{state} の領域から他国の重要インフラ `{ci}` が損なわれた。"),
                format!("Critical infrastructure `{ci}` of another state was impaired from {state}'s territory."),
            ),
        );
    }
}

/// UN GGE 13(i) and GCSC norm 3: tampering with products and services, and the states' duty to
/// keep supply chains whole and harmful hidden functions out of use.
fn rule_supply_chain(f: &Facts, hits: &mut Hits) {
    if !f.op("supply-chain-compromise") {
        return;
    }
    let in_production = f.incident.asset_classes().find(|a| {
        a.starts_with("pc.software") || a.ends_with("equipment-supply-chain") || a.starts_with("elec.voting-software")
    });
    let (confidence, why) = match (in_production, f.broad()) {
        (Some(a), _) => (
            Confidence::High,
            l(
                format!("開発・配布の段階にある `{a}` が改ざんされた。"),
                format!("`{a}` was tampered with in development or distribution."),
            ),
        ),
        (None, true) => (
            Confidence::High,
            l("改ざんは多数の利用者や国に及んだ。", "The tampering reached many users or countries."),
        ),
        (None, false) => (
            Confidence::Medium,
            l(
                "改ざんの段階（開発・製造か、配備後か）と規模が記録されていない。",
                "Neither the stage (development or deployment) nor the reach of the tampering is recorded.",
            ),
        ),
    };
    suggest(
        hits,
        "gcsc-3",
        confidence,
        why,
        l(
            "製品やサービスが供給網の中で改ざんされ、利用者に届けられた。",
            "Products or services were tampered with in their supply chain and delivered to their users.",
        ),
    );
    if let Some((reach, who)) = state_reach(f) {
        suggest(
            hits,
            "gge-i",
            reach.min(Confidence::Medium),
            who,
            l(
                "国家が供給網の完全性を損ない、製品に隠れた有害機能を持ち込んだとされる。",
                "A state is said to have broken supply-chain integrity and put hidden harmful functions into products.",
            ),
        );
    }
}

/// G20 Antalya para. 26: theft of intellectual property for commercial advantage by a state.
fn rule_ip_theft(f: &Facts, hits: &mut Hits) {
    if !f.op("ip-theft") {
        return;
    }
    let Some((reach, who)) = state_reach(f) else { return };
    suggest(
        hits,
        "g20-ip-theft",
        reach,
        who,
        l(
            "営業秘密などの知的財産が、商業上の利益のために窃取された。",
            "Intellectual property such as trade secrets was stolen for commercial advantage.",
        ),
    );
}

/// GCSC norm 1: substantial damage to the availability or integrity of the Internet's public core.
fn rule_public_core(f: &Facts, hits: &mut Hits) {
    let Some(pc) = f.asset("pc") else { return };
    // Tampering with the development or updates of core software harms its integrity too.
    let tampered = f
        .op("supply-chain-compromise")
        .then(|| f.asset("pc.software"))
        .flatten()
        .map(|a| l(format!("`{a}` の供給網の改ざん"), format!("tampering with the supply chain of `{a}`")));
    let Some(how) = f.impairing().or(tampered) else { return };
    let (confidence, why) = if f.broad() {
        (Confidence::High, l("影響は多数の利用者や国に及んだ。", "The effect reached many users or countries."))
    } else {
        (
            Confidence::Medium,
            l(
                "一般の利用者への影響の広がり（規範が求める「実質的」な損害か）は記録されていない。",
                "How far the general public was affected (whether the damage was substantial) is not recorded.",
            ),
        )
    };
    suggest(
        hits,
        "gcsc-1",
        confidence,
        why,
        l(
            format!("インターネットのパブリック・コア `{pc}` の可用性や完全性を損なった（{}）。", how.ja),
            format!("It damaged the availability or integrity of the Internet's public core, `{pc}` ({}).", how.en),
        ),
    );
}

/// GCSC norm 2: operations meant to disrupt the technical infrastructure of elections.
fn rule_electoral(f: &Facts, hits: &mut Hits) {
    let Some(elec) = f.asset("elec") else { return };
    let (confidence, what) = if let Some(how) = f.impairing() {
        (Confidence::High, l(format!("妨害された（{}）", how.ja), format!("was disrupted ({})", how.en)))
    } else if let Some(op) = f.first_op(&INTRUSIVE).or_else(|| f.first_op(&["influence-operation"])) {
        (Confidence::Medium, l(format!("侵入・悪用された（`{op}`）"), format!("was intruded into or misused (`{op}`)")))
    } else {
        return;
    };
    let why = if confidence == Confidence::High {
        l("選挙インフラが実際に損なわれた。", "Electoral infrastructure was actually impaired.")
    } else {
        l(
            "侵入は記録されているが、妨害の意図や結果は記録されていない。",
            "An intrusion is recorded, but no intent or result of disruption.",
        )
    };
    suggest(
        hits,
        "gcsc-2",
        confidence,
        why,
        l(
            format!("選挙に不可欠な技術インフラ `{elec}` が{}。", what.ja),
            format!("`{elec}`, technical infrastructure elections depend on, {}.", what.en),
        ),
    );
}

/// GCSC norm 4: commandeering the public's devices for botnets or similar purposes.
fn rule_botnet(f: &Facts, hits: &mut Hits) {
    if !f.op("system-hijacking") {
        return;
    }
    let public = f.incident.targets.iter().any(|t| t.kind.as_deref() == Some("individual"));
    let (confidence, why) = if public || f.incident.impact.victims_affected.is_some_and(|v| v >= 1000) {
        (
            Confidence::High,
            l(
                "乗っ取られた機器は多数の一般利用者のものである。",
                "The commandeered devices belong to many members of the public.",
            ),
        )
    } else {
        (
            Confidence::Medium,
            l(
                "乗っ取られた資源が一般市民のものかは記録されていない。",
                "Whether the commandeered resources belong to the public is not recorded.",
            ),
        )
    };
    suggest(
        hits,
        "gcsc-4",
        confidence,
        why,
        l(
            "他者のICT機器・資源を乗っ取り、ボットネットなどとして使った。",
            "Other people's devices or resources were commandeered, as a botnet or for a similar purpose.",
        ),
    );
}

/// GCSC norm 8: offensive operations by non-state actors (hack-back), and states that authorise
/// or knowingly allow them. Crime and hacktivism without a state's hand are left to criminal law
/// (UN GGE 13(d)), as the norm's background in Annex B reads.
fn rule_non_state_offence(f: &Facts, hits: &mut Hits) {
    if f.op("hack-back") && f.who.states.is_empty() {
        suggest(
            hits,
            "gcsc-8",
            Confidence::High,
            l("非国家主体が自ら対抗措置として攻撃した。", "A non-state actor struck back on its own account."),
            l(
                "非国家主体によるハックバック（攻撃的な対抗措置）である。",
                "A hack-back: an offensive operation by a non-state actor in response to harm it suffered.",
            ),
        );
    }
    let backers: Vec<&String> = f.who.directing.iter().chain(&f.who.tolerating).collect();
    if f.who.non_state
        && let (Some(state), Some(how)) = (backers.first(), f.impairing())
    {
        suggest(
            hits,
            "gcsc-8",
            Confidence::Medium,
            l(
                format!("帰属の主張は、{state} がこの非国家主体を使った、または容認したとする。"),
                format!("An attribution claim says {state} used or tolerated the non-state actor."),
            ),
            l(
                format!("国家の後ろ盾のもとで非国家主体が攻撃的な作戦を行った（{}）。", how.ja),
                format!("A non-state actor ran an offensive operation with a state behind it ({}).", how.en),
            ),
        );
    }
}

/// Suggests the norms an incident may engage. `claims` are the attribution claims the caller may
/// see (whom each names); they tell a state's organ or proxy from a group it only tolerates.
pub fn screen(incident: &IncidentInput, claims: &[AttributedActor], catalog: &Catalog) -> Vec<ScreeningHit> {
    let facts = Facts { incident, who: Who::of(incident, claims) };
    let mut hits = Hits::new();
    for rule in [
        rule_critical_infrastructure,
        rule_cert,
        rule_territory,
        rule_supply_chain,
        rule_ip_theft,
        rule_public_core,
        rule_electoral,
        rule_botnet,
        rule_non_state_offence,
    ] {
        rule(&facts, &mut hits);
    }
    let mut out: Vec<ScreeningHit> = hits
        .into_iter()
        .filter(|(norm, _)| catalog.norm(norm).is_some())
        .map(|(norm, found)| {
            let (citation, sources) = citation(catalog, norm);
            let reasons = found
                .reasons
                .into_iter()
                .map(|r| l(format!("{}（{}）", r.ja, citation.ja), format!("{} ({})", r.en, citation.en)))
                .collect();
            ScreeningHit {
                norm: norm.to_owned(),
                confidence: found.confidence,
                confidence_reason: found.why,
                citation,
                sources,
                reasons,
            }
        })
        .collect();
    // The strongest first; the norm id keeps the order stable.
    out.sort_by(|a, b| b.confidence.cmp(&a.confidence).then_with(|| a.norm.cmp(&b.norm)));
    out
}

#[cfg(test)]
#[path = "screening_tests.rs"]
mod tests;
