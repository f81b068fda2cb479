//! Systematic collection's use cases: registering sources, polling the due ones (the
//! collector: fetch, parse, drop duplicates, cluster retold stories, classify, match against
//! the incidents we hold, keep), and triage — promote an item to a draft incident, attach it to
//! an incident, dismiss it with a reason — plus public tips into the same queue.
use crate::ports::{Collection, LedgerWrite};
use crate::{Acting, App, AppError};
use futures_util::future::join_all;
use normwatch_collect::classify::relevance;
use normwatch_collect::dedupe::signature;
use normwatch_collect::poll::{Polled, poll};
use normwatch_collect::{
    Classifier, Clusters, Family, Fetcher, Health, Item, Proposal, Source, SourceConfig, Validators,
};
use normwatch_core::collection::{ItemOrigin, ItemState, dismissal_reason};
use normwatch_core::incident::{ActorKind, IncidentActor, IncidentInput, SourceLink, Target};
use normwatch_core::linking::{Corpus, Side};
use normwatch_core::{Localized, RecordStatus, Right, Role, Tlp, Viewer};
use normwatch_store::{
    Actor, ItemDecision, ItemFilter, ItemPage, ItemRecord, LedgerRecord, NewItem, NewSource, SourceRecord, timestamp,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashSet;
use time::OffsetDateTime;

/// How long a story stays open to retellings: items older than this start new clusters.
pub const CLUSTER_WINDOW_DAYS: i64 = 30;
/// A match with an existing incident at or above this score is shown in triage.
pub const MATCH_THRESHOLD: f64 = 0.5;
/// Proposals at or above this score go into a promoted draft.
pub const DRAFT_THRESHOLD: f32 = 0.5;
/// Longest tip text, in characters; a tip is plain text and URLs.
pub const MAX_TIP_CHARS: usize = 5000;
const MAX_TIP_URLS: usize = 10;

/// What the collector needs besides the store: an HTTP client and the classifier.
#[derive(Debug, Clone)]
pub struct Collector {
    pub fetcher: Fetcher,
    pub classifier: std::sync::Arc<Classifier>,
}

/// The classifier's model file in the data directory (`normwatch classify train` writes it).
pub const MODEL_FILE: &str = "classifier.json";

impl Collector {
    /// A collector with the default limits (10 MiB, 30 s per fetch), using the trained model in
    /// `data_dir` when there is one, else the gazetteer and keyword rules.
    pub fn load(data_dir: &std::path::Path, allow_private: bool) -> Result<Collector, AppError> {
        let path = data_dir.join(MODEL_FILE);
        let classifier = if path.is_file() {
            let model = normwatch_collect::Model::load(&path)
                .map_err(|e| AppError::field("classifier", format!("{}: {e}", path.display())))?;
            Classifier::trained(model)
        } else {
            Classifier::untrained()
        };
        Collector::new(classifier, allow_private)
    }

    pub fn new(classifier: Classifier, allow_private: bool) -> Result<Collector, AppError> {
        let fetcher = Fetcher::new(normwatch_collect::Limits::default(), allow_private)
            .map_err(|e| AppError::field("collector", e.to_string()))?;
        Ok(Collector { fetcher, classifier: std::sync::Arc::new(classifier) })
    }
}

/// Sources fetched in one round of a collection run; their new items are matched together.
pub const SOURCES_PER_ROUND: usize = 16;
/// Fetches in flight at once.
pub const FETCHES_AT_ONCE: usize = 8;

/// A new item with the classifier's proposals and its matches, ready to keep.
struct Prepared {
    item: Item,
    proposals: Vec<Proposal>,
    matched: Value,
}

/// One source's fetch, before anything is written.
enum Fetch {
    NotModified {
        health: Health,
        interval: std::time::Duration,
    },
    Items {
        entries: usize,
        items: Vec<Item>,
        validators: Validators,
        cursor: Option<String>,
        health: Health,
        interval: std::time::Duration,
    },
    Failed {
        health: Health,
        interval: Option<std::time::Duration>,
        error: String,
    },
}

/// One source's outcome in a collection run.
#[derive(Debug, Clone, Serialize)]
pub struct Polled1 {
    pub source: String,
    pub name: String,
    /// Entries the source answered with (0 for a 304).
    pub entries: usize,
    /// Items kept (not seen before by URL or content).
    pub new: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub not_modified: bool,
}

/// What `collect_once` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CollectReport {
    pub sources: Vec<Polled1>,
}

impl CollectReport {
    pub fn new_items(&self) -> usize {
        self.sources.iter().map(|s| s.new).sum()
    }

    pub fn failed(&self) -> usize {
        self.sources.iter().filter(|s| s.error.is_some()).count()
    }
}

/// A triage decision as an interface sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    /// The version the coder read; a stale one gets a conflict.
    #[serde(default)]
    pub version: Option<i64>,
    /// Decide the item's open near-duplicates with it.
    #[serde(default)]
    pub cluster: bool,
    /// Attach: the incident the item is about.
    #[serde(default)]
    pub incident: Option<String>,
    /// Dismiss: why.
    #[serde(default)]
    pub reason: Option<String>,
    /// Promote: the draft's marking (default TLP:CLEAR — the items are public reporting).
    #[serde(default)]
    pub tlp: Option<Tlp>,
}

/// A public tip: what happened, in words, and where it was reported.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TipInput {
    pub text: String,
    #[serde(default)]
    pub urls: Vec<String>,
}

/// The outcome of a promotion: the draft, and the items now pointing at it.
#[derive(Debug, Clone, Serialize)]
pub struct Promotion {
    pub incident: LedgerRecord<IncidentInput>,
    pub items: Vec<ItemRecord>,
}

/// The outcome of an attachment, with an attribution the item may report.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub items: Vec<ItemRecord>,
    /// When the item reports an attribution: the claim it proposes on the incident, to be filed
    /// (`POST /api/v1/attributions`) once a coder names who attributed and on what basis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_attribution: Option<Value>,
}

/// What any editor may read: the incidents a match may name.
fn editor_viewer() -> Viewer {
    Viewer { account: None, role: Some(Role::Editor), stakeholder: None, communities: Some(vec![]) }
}

fn stored_source(record: &SourceRecord) -> Result<Source, AppError> {
    let config = SourceConfig {
        name: record.name.clone(),
        kind: record.kind.clone(),
        url: record.url.clone(),
        interval_secs: u64::try_from(record.interval_secs).ok(),
    };
    Source::from_config(&config).map_err(|e| AppError::field("source", e.to_string()))
}

fn proposals_of(item: &ItemRecord) -> Vec<Proposal> {
    serde_json::from_value(item.proposals.clone()).unwrap_or_default()
}

/// The labels of one family strong enough for a draft.
fn labels(proposals: &[Proposal], family: Family) -> Vec<String> {
    proposals.iter().filter(|p| p.family == family && p.score >= DRAFT_THRESHOLD).map(|p| p.label.clone()).collect()
}

/// A draft incident pre-filled from an item's proposals, with the cluster's items as sources.
pub fn draft_from(item: &ItemRecord, cluster: &[ItemRecord], tlp: Tlp) -> IncidentInput {
    let mut links: Vec<&ItemRecord> = vec![item];
    links.extend(cluster.iter().filter(|c| c.id != item.id));
    let links: Vec<(String, String)> = links.iter().map(|i| (i.canonical_url.clone(), i.title.clone())).collect();
    draft(&item.title, &item.text, item.language.as_deref(), &proposals_of(item), &links, tlp)
}

/// A draft incident from a text, its language, its proposals and the links reporting it.
fn draft(
    title: &str,
    text: &str,
    language: Option<&str>,
    proposals: &[Proposal],
    links: &[(String, String)],
    tlp: Tlp,
) -> IncidentInput {
    let short: String = title.chars().take(300).collect();
    let long: String = text.chars().take(4000).collect();
    let (title, description) = if language == Some("ja") {
        (Localized::new(short, ""), Localized::new(long, ""))
    } else {
        (Localized::new("", short), Localized::new("", long))
    };
    let countries = labels(proposals, Family::TargetCountries);
    let sectors = labels(proposals, Family::Sectors);
    let target = |country: Option<String>, sector: Option<String>| Target {
        name: match (&sector, &country) {
            (Some(s), _) => format!("{s} target"),
            (None, Some(c)) => format!("target in {c}"),
            (None, None) => "target".to_owned(),
        },
        country,
        sector,
        asset_classes: vec![],
        kind: None,
    };
    let targets: Vec<Target> = if sectors.is_empty() {
        countries.iter().map(|c| target(Some(c.clone()), None)).collect()
    } else {
        sectors.iter().map(|s| target(countries.first().cloned(), Some(s.clone()))).collect()
    };
    let actors = labels(proposals, Family::AttributedState)
        .into_iter()
        .map(|s| IncidentActor { kind: ActorKind::State, name: None, country: Some(s) })
        .collect();
    let sources = links
        .iter()
        .filter(|(url, _)| url.starts_with("http"))
        .map(|(url, title)| SourceLink { url: url.clone(), title: Some(title.chars().take(300).collect()) })
        .take(50)
        .collect();
    IncidentInput {
        title,
        description,
        started: None,
        ended: None,
        discovered: None,
        operation_types: labels(proposals, Family::OperationTypes),
        actors,
        targets,
        sources,
        impact: normwatch_core::incident::Impact { countries_affected: countries, ..Default::default() },
        tlp,
        status: RecordStatus::Draft,
        stakeholder: None,
        community: None,
        origin: None,
    }
}

/// Drops each proposal the catalogue refuses (a label the model learnt that the catalogue no
/// longer has), field by field, until the draft is valid or nothing is left to drop.
fn fit_to_catalogue(input: &mut IncidentInput, catalog: &normwatch_core::Catalog, today: time::Date) {
    for _ in 0..64 {
        let Err(e) = input.validate(catalog, today) else { return };
        let index = |prefix: &str| {
            e.field.strip_prefix(prefix).and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok())
        };
        if let Some(i) = index("operation_types[") {
            input.operation_types.remove(i.min(input.operation_types.len().saturating_sub(1)));
        } else if let Some(i) = index("targets[") {
            input.targets.remove(i.min(input.targets.len().saturating_sub(1)));
        } else if let Some(i) = index("actors[") {
            input.actors.remove(i.min(input.actors.len().saturating_sub(1)));
        } else if let Some(i) = index("sources[") {
            input.sources.remove(i.min(input.sources.len().saturating_sub(1)));
        } else if e.field.starts_with("impact.countries_affected") {
            input.impact.countries_affected.clear();
        } else {
            return;
        }
    }
}

impl<S: Collection + LedgerWrite> App<'_, S> {
    fn require_triage<'a>(&self, who: Acting<'a>) -> Result<&'a normwatch_core::Account, AppError> {
        who.require(Right::WriteIncidents, None)
    }

    /// Registers a source; it is due at once.
    pub async fn register_source(&self, who: Acting<'_>, config: &SourceConfig) -> Result<SourceRecord, AppError> {
        self.require_triage(who)?;
        let source = Source::from_config(config).map_err(|e| AppError::field(e.field(), e.to_string()))?;
        let now = OffsetDateTime::now_utc();
        let health = serde_json::to_value(Health::new(now)).map_err(|e| AppError::field("health", e.to_string()))?;
        let input = NewSource {
            name: source.name.clone(),
            kind: source.kind.name().to_owned(),
            url: source.url.to_string(),
            interval_secs: source.interval.as_secs() as i64,
            health,
            next_due: timestamp(now),
        };
        Ok(self.store.create_source(&who.actor(), &input).await?)
    }

    pub async fn sources(&self, who: Acting<'_>) -> Result<Vec<SourceRecord>, AppError> {
        self.require_triage(who)?;
        Ok(self.store.sources(&who.viewer()).await?)
    }

    pub async fn remove_source(&self, who: Acting<'_>, id: &str) -> Result<(), AppError> {
        self.require_triage(who)?;
        if self.store.source(&who.viewer(), id).await?.is_none() {
            return Err(AppError::NotFound { kind: "source", id: id.to_owned() });
        }
        Ok(self.store.remove_source(&who.actor(), id).await?)
    }

    pub async fn triage(&self, who: Acting<'_>, filter: &ItemFilter) -> Result<ItemPage, AppError> {
        self.require_triage(who)?;
        Ok(self.store.items(&who.viewer(), filter).await?)
    }

    pub async fn item(&self, who: Acting<'_>, id: &str) -> Result<ItemRecord, AppError> {
        self.require_triage(who)?;
        self.store.item(&who.viewer(), id).await?.ok_or_else(|| AppError::NotFound { kind: "item", id: id.to_owned() })
    }

    /// The open items of an item's cluster, the item first.
    async fn cluster_of(&self, who: Acting<'_>, item: &ItemRecord) -> Result<Vec<ItemRecord>, AppError> {
        let filter = ItemFilter { cluster: Some(item.cluster.clone()), limit: 200, ..ItemFilter::default() };
        Ok(self.store.items(&who.viewer(), &filter).await?.items)
    }

    /// Dismisses an open item (or its cluster) with a reason.
    pub async fn dismiss_item(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &TriageInput,
    ) -> Result<Vec<ItemRecord>, AppError> {
        self.require_triage(who)?;
        let reason = dismissal_reason(input.reason.as_deref()).map_err(AppError::InvalidField)?;
        self.item(who, id).await?;
        let decision = ItemDecision {
            state: ItemState::Dismissed,
            incident_id: None,
            reason: Some(reason),
            version: input.version,
            whole_cluster: input.cluster,
        };
        Ok(self.store.decide_item(&who.actor(), &who.viewer(), id, &decision).await?)
    }

    /// Attaches an open item (or its cluster) to an incident the coder may read.
    pub async fn attach_item(&self, who: Acting<'_>, id: &str, input: &TriageInput) -> Result<Attachment, AppError> {
        self.require_triage(who)?;
        let Some(incident) = input.incident.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            return Err(AppError::field("incident", "name the incident the item is about (its id)"));
        };
        let item = self.item(who, id).await?;
        if self.store.ledger_record::<IncidentInput>(&who.viewer(), incident).await?.is_none() {
            return Err(AppError::field("incident", format!("no incident `{incident}` that you may read")));
        }
        let decision = ItemDecision {
            state: ItemState::Attached,
            incident_id: Some(incident.to_owned()),
            reason: None,
            version: input.version,
            whole_cluster: input.cluster,
        };
        let items = self.store.decide_item(&who.actor(), &who.viewer(), id, &decision).await?;
        let proposals = proposals_of(&item);
        let reports_attribution = labels(&proposals, Family::Reports).iter().any(|l| l == "attribution");
        let proposed_attribution =
            labels(&proposals, Family::AttributedState).first().filter(|_| reports_attribution).map(|state| {
                // A tip's URN is no statement URL.
                let url = Some(&item.canonical_url).filter(|u| u.starts_with("http"));
                json!({
                    "incident": incident,
                    "attributed_to": {"state": state},
                    "statement_url": url,
                    "status": "draft",
                })
            });
        Ok(Attachment { items, proposed_attribution })
    }

    /// Promotes an open item (or its cluster) to a draft incident pre-filled from the proposals.
    pub async fn promote_item(&self, who: Acting<'_>, id: &str, input: &TriageInput) -> Result<Promotion, AppError> {
        self.require_triage(who)?;
        let item = self.item(who, id).await?;
        normwatch_core::collection::check_open(item.state)
            .map_err(|e| AppError::Store(normwatch_store::StoreError::Conflict(e.reason)))?;
        if let Some(v) = input.version
            && v != item.version
        {
            return Err(AppError::Store(normwatch_store::StoreError::Conflict(format!(
                "the item is at version {}, not {v}; read it again",
                item.version
            ))));
        }
        let cluster = if input.cluster { self.cluster_of(who, &item).await? } else { vec![] };
        let mut draft = draft_from(&item, &cluster, input.tlp.unwrap_or(Tlp::Clear));
        fit_to_catalogue(&mut draft, &self.catalog, self.today);
        let incident = self.file_record(who, &draft).await?;
        let decision = ItemDecision {
            state: ItemState::Promoted,
            incident_id: Some(incident.id.clone()),
            reason: None,
            version: Some(item.version),
            whole_cluster: input.cluster,
        };
        let items = self.store.decide_item(&who.actor(), &who.viewer(), id, &decision).await?;
        Ok(Promotion { incident, items })
    }

    /// A public tip into the queue, marked as a tip. Anyone may send one (the interface limits
    /// the rate); plain text and http(s) URLs only.
    pub async fn submit_tip(&self, collector: &Collector, input: &TipInput) -> Result<String, AppError> {
        let text = input.text.trim();
        if text.is_empty() {
            return Err(AppError::field("text", "say what happened, and where it was reported if you know"));
        }
        if text.chars().count() > MAX_TIP_CHARS {
            return Err(AppError::field("text", format!("longer than {MAX_TIP_CHARS} characters")));
        }
        if text.contains('<') && text.contains('>') {
            return Err(AppError::field("text", "plain text only: no HTML or markup"));
        }
        if input.urls.len() > MAX_TIP_URLS {
            return Err(AppError::field("urls", format!("at most {MAX_TIP_URLS} URLs")));
        }
        let mut urls = Vec::new();
        for (i, u) in input.urls.iter().enumerate() {
            let field = format!("urls[{i}]");
            let url = normwatch_collect::parse::canonical_url(u.trim(), None)
                .map_err(|e| AppError::field(&field, e.to_string()))?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(AppError::field(&field, "give an http or https URL"));
            }
            urls.push(url);
        }
        let title: String = text.lines().next().unwrap_or_default().chars().take(120).collect();
        let body = if urls.is_empty() { text.to_owned() } else { format!("{text}\n\n{}", urls.join("\n")) };
        let hash = normwatch_collect::parse::content_hash(&title, &body);
        if self.store.item_known(urls.first().map_or("", String::as_str), &hash).await? {
            return Err(AppError::Store(normwatch_store::StoreError::Conflict(
                "this tip (or one with its first URL) has been received already; thank you".into(),
            )));
        }
        let id = normwatch_store::new_id();
        // A tip has no page of its own: its canonical URL is its first link, or a tip URN.
        let canonical = urls.first().cloned().unwrap_or_else(|| format!("urn:normwatch:tip:{id}"));
        let item = Item {
            canonical_url: canonical,
            title,
            text: body,
            language: normwatch_collect::parse::language(text),
            published: None,
            source: "tip".into(),
            content_hash: hash,
            cves: normwatch_collect::parse::cves(text),
        };
        let prepared = self.prepare(collector, vec![item]).await?;
        let mut clusters = self.recent_clusters().await?;
        let kept = self.keep(&mut clusters, None, ItemOrigin::Tip, prepared, Some(id)).await?;
        kept.into_iter().next().flatten().ok_or_else(|| {
            AppError::Store(normwatch_store::StoreError::Conflict("this tip has been received already".into()))
        })
    }

    /// The clusters of the items kept within the cluster window, to add new items to.
    async fn recent_clusters(&self) -> Result<Clusters, AppError> {
        let since = timestamp(OffsetDateTime::now_utc() - time::Duration::days(CLUSTER_WINDOW_DAYS));
        let mut clusters = Clusters::new();
        for (sig, id, cluster) in self.store.item_signatures(&since).await? {
            clusters.insert(sig, &id, &cluster);
        }
        Ok(clusters)
    }

    /// Classifies new items and matches them against the incidents we hold, all in one pass
    /// (the matcher's corpus is built once for the batch, not once per source).
    async fn prepare(&self, collector: &Collector, items: Vec<Item>) -> Result<Vec<Prepared>, AppError> {
        let proposals: Vec<Vec<Proposal>> =
            items.iter().map(|i| collector.classifier.propose(&format!("{}\n{}", i.title, i.text))).collect();
        let matches = self.matches(&items, &proposals).await?;
        Ok(items
            .into_iter()
            .zip(proposals)
            .zip(matches)
            .map(|((item, proposals), matched)| Prepared { item, proposals, matched })
            .collect())
    }

    /// Clusters prepared items and keeps them in one transaction. Returns each one's id, `None`
    /// for one kept already (by URL or content).
    async fn keep(
        &self,
        clusters: &mut Clusters,
        source_id: Option<&str>,
        origin: ItemOrigin,
        prepared: Vec<Prepared>,
        first_id: Option<String>,
    ) -> Result<Vec<Option<String>>, AppError> {
        if prepared.is_empty() {
            return Ok(vec![]);
        }
        let mut first_id = first_id;
        let mut batch = Vec::with_capacity(prepared.len());
        for Prepared { item, proposals, matched } in prepared {
            let norms = Classifier::norms(&proposals, &self.catalog);
            let sig = signature(&item);
            let id = first_id.take().unwrap_or_else(normwatch_store::new_id);
            let cluster = clusters.nearest(sig).map(|(c, _)| c.to_owned());
            clusters.insert(sig, &id, cluster.as_deref().unwrap_or(&id));
            let boost = if matched.as_array().is_some_and(|m| !m.is_empty()) { 0.1 } else { 0.0 };
            let tip = if origin == ItemOrigin::Tip { 0.1 } else { 0.0 };
            let score = (relevance(&proposals, norms.len()) + boost + tip).min(1.0);
            batch.push(NewItem {
                id,
                source_id: source_id.map(str::to_owned),
                origin,
                canonical_url: item.canonical_url,
                content_hash: item.content_hash,
                signature: sig,
                cluster,
                title: item.title,
                text: item.text,
                language: item.language,
                published: item.published.map(timestamp),
                cves: item.cves,
                proposals: serde_json::to_value(&proposals).unwrap_or(Value::Null),
                norms: serde_json::to_value(&norms).unwrap_or(Value::Null),
                matches: matched,
                relevance: (score * 100.0).round() as i64,
            });
        }
        Ok(self.store.insert_items(&batch).await?)
    }

    /// For each item, the existing incidents it may be about (the linking matcher's score and
    /// reasons), best first.
    async fn matches(&self, items: &[Item], proposals: &[Vec<Proposal>]) -> Result<Vec<Value>, AppError> {
        if items.is_empty() {
            return Ok(vec![]);
        }
        let incidents = self.store.standing_records::<IncidentInput>(&editor_viewer()).await?;
        if incidents.is_empty() {
            return Ok(vec![json!([]); items.len()]);
        }
        let drafts: Vec<IncidentInput> = items
            .iter()
            .zip(proposals)
            .map(|(i, p)| draft(&i.title, &i.text, i.language.as_deref(), p, &[], Tlp::Clear))
            .collect();
        let none: Vec<String> = vec![];
        let corpus = Corpus::new(incidents.iter().map(|r| &r.body).chain(drafts.iter()).map(|incident| Side {
            incident,
            claim_states: &none,
            claim_groups: &none,
        }));
        let n = incidents.len();
        let mut out = vec![Vec::new(); items.len()];
        for (a, b) in corpus.candidates() {
            let (inc, item) = match (a < n, b < n) {
                (true, false) => (a, b - n),
                (false, true) => (b, a - n),
                _ => continue,
            };
            let score = corpus.score(inc, item + n);
            if score.score >= MATCH_THRESHOLD {
                out[item].push((
                    score.score,
                    incidents[inc].id.clone(),
                    incidents[inc].body.title.clone(),
                    score.reasons,
                ));
            }
        }
        Ok(out
            .into_iter()
            .map(|mut m| {
                m.sort_by(|x, y| y.0.total_cmp(&x.0));
                m.truncate(5);
                Value::Array(
                    m.into_iter()
                        .map(|(score, id, title, reasons)| json!({"incident": id, "title": title, "score": score, "reasons": reasons}))
                        .collect(),
                )
            })
            .collect())
    }

    /// Polls every due source once, keeping new items; `progress` hears each source's outcome.
    pub async fn collect_once(
        &self,
        collector: &Collector,
        progress: impl FnMut(&Polled1),
    ) -> Result<CollectReport, AppError> {
        self.collect_due_by(collector, OffsetDateTime::now_utc(), || false, progress).await
    }

    /// Polls every source due by `due_by` (a time far ahead polls them all), most overdue first,
    /// in rounds of [`SOURCES_PER_ROUND`] fetched [`FETCHES_AT_ONCE`] at a time; the round's new
    /// items are classified and matched together. `stop` is asked before each round, so that a
    /// shutdown waits for one round (at most about one fetch timeout), not for all.
    pub async fn collect_due_by(
        &self,
        collector: &Collector,
        due_by: OffsetDateTime,
        stop: impl Fn() -> bool,
        mut progress: impl FnMut(&Polled1),
    ) -> Result<CollectReport, AppError> {
        let mut report = CollectReport::default();
        let listed = self.store.due_sources(&timestamp(due_by)).await?;
        // Each source is taken before it is fetched; one another poller took is left to it. A
        // poll that dies on the way leaves its source due again after the lease.
        let lease = timestamp(OffsetDateTime::now_utc() + std::time::Duration::from_secs(CLAIM_LEASE_SECS));
        let due = self.store.claim_sources(&listed, &lease).await?;
        if due.is_empty() {
            return Ok(report);
        }
        let mut clusters = self.recent_clusters().await?;
        for round in due.chunks(SOURCES_PER_ROUND) {
            if stop() {
                break;
            }
            // A plain loop, not a stream of closures: the future stays `Send` for `tokio::spawn`.
            let mut fetched: Vec<(usize, Fetch)> = Vec::with_capacity(round.len());
            for (g, group) in round.chunks(FETCHES_AT_ONCE).enumerate() {
                let mut fetches = Vec::with_capacity(group.len());
                for record in group {
                    fetches.push(self.fetch_one(collector, record));
                }
                let base = g * FETCHES_AT_ONCE;
                fetched.extend(join_all(fetches).await.into_iter().enumerate().map(|(k, f)| (base + k, f)));
            }
            // Only what is new goes on: new to the store and new within the round.
            let mut fresh: Vec<(usize, Vec<Item>)> = Vec::new();
            let mut urls = HashSet::new();
            let mut hashes = HashSet::new();
            for (i, f) in &mut fetched {
                if let Fetch::Items { items, .. } = f {
                    let items = std::mem::take(items);
                    let mut new = Vec::new();
                    for item in items {
                        if !urls.insert(item.canonical_url.clone()) || !hashes.insert(item.content_hash.clone()) {
                            continue;
                        }
                        if !self.store.item_known(&item.canonical_url, &item.content_hash).await? {
                            new.push(item);
                        }
                    }
                    fresh.push((*i, new));
                }
            }
            let counts: Vec<(usize, usize)> = fresh.iter().map(|(i, items)| (*i, items.len())).collect();
            let mut prepared =
                self.prepare(collector, fresh.into_iter().flat_map(|(_, items)| items).collect()).await?;
            let mut kept_by_source = std::collections::HashMap::new();
            for (i, n) in counts.iter().rev() {
                let mine = prepared.split_off(prepared.len() - n);
                kept_by_source.insert(*i, mine);
            }
            for (i, f) in fetched {
                let record = &round[i];
                let mine = kept_by_source.remove(&i).unwrap_or_default();
                let kept = self.keep(&mut clusters, Some(&record.id), ItemOrigin::Source, mine, None).await?;
                let outcome = self.settle(record, f, kept.iter().flatten().count()).await?;
                progress(&outcome);
                report.sources.push(outcome);
            }
        }
        Ok(report)
    }

    /// Fetches and parses one source (no writes).
    async fn fetch_one(&self, collector: &Collector, record: &SourceRecord) -> Fetch {
        let health: Health =
            serde_json::from_value(record.health.clone()).unwrap_or_else(|_| Health::new(OffsetDateTime::now_utc()));
        let source = match stored_source(record) {
            Ok(s) => s,
            Err(e) => return Fetch::Failed { health, interval: None, error: e.to_string() },
        };
        match poll(&collector.fetcher, &source, &health.validators, record.cursor.as_deref()).await {
            Ok(Polled::NotModified) => Fetch::NotModified { health, interval: source.interval },
            Ok(Polled::Items { items, validators, cursor }) => {
                Fetch::Items { entries: items.len(), items, validators, cursor, health, interval: source.interval }
            }
            Err(e) => Fetch::Failed { health, interval: Some(source.interval), error: e.to_string() },
        }
    }

    /// Records a fetch's outcome in the source's health.
    async fn settle(&self, record: &SourceRecord, fetched: Fetch, new: usize) -> Result<Polled1, AppError> {
        let now = OffsetDateTime::now_utc();
        let mut outcome = Polled1 {
            source: record.id.clone(),
            name: record.name.clone(),
            entries: 0,
            new: 0,
            error: None,
            not_modified: false,
        };
        let mut cursor = None;
        let health = match fetched {
            Fetch::NotModified { mut health, interval } => {
                outcome.not_modified = true;
                health.succeeded(now, interval, 0, None);
                health
            }
            Fetch::Items { entries, validators, cursor: next, mut health, interval, .. } => {
                cursor = next;
                outcome.entries = entries;
                outcome.new = new;
                health.succeeded(now, interval, new as u64, Some(validators));
                health
            }
            Fetch::Failed { mut health, interval, error } => {
                let interval =
                    interval.unwrap_or_else(|| std::time::Duration::from_secs(record.interval_secs.max(60) as u64));
                health.failed(now, interval, &error);
                outcome.error = Some(error);
                health
            }
        };
        self.save_health(record, &health, cursor.as_deref()).await?;
        Ok(outcome)
    }

    async fn save_health(&self, record: &SourceRecord, health: &Health, cursor: Option<&str>) -> Result<(), AppError> {
        let value = serde_json::to_value(health).map_err(|e| AppError::field("health", e.to_string()))?;
        Ok(self.store.record_poll(&record.id, &value, &timestamp(health.next_due), cursor).await?)
    }
}

/// How long a poller holds a source it took before another may take it (longer than any fetch).
const CLAIM_LEASE_SECS: u64 = 900;

/// Who the collector acts as in the audit trail.
pub fn collector_actor() -> Actor {
    Actor("collector".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(family: Family, label: &str, score: f32) -> Proposal {
        Proposal { family, label: label.into(), score, reason: "test".into() }
    }

    #[test]
    fn a_draft_takes_strong_proposals_and_drops_what_the_catalogue_refuses() {
        let catalog = normwatch_core::Catalog::embedded().expect("catalogue");
        let today = time::macros::date!(2026 - 12 - 05);
        let proposals = vec![
            proposal(Family::OperationTypes, "no-such-operation", 0.9),
            proposal(Family::OperationTypes, "ransomware", 0.8),
            proposal(Family::OperationTypes, "espionage", 0.3),
            proposal(Family::TargetCountries, "DE", 0.6),
            proposal(Family::Sectors, "ci.health", 0.7),
            proposal(Family::AttributedState, "RU", 0.55),
        ];
        let links = vec![
            ("https://news.example/a".to_owned(), "Hospitals hit".to_owned()),
            ("urn:normwatch:tip:1".to_owned(), "tip".to_owned()),
        ];
        let mut d = draft("Hospitals hit", "Ransomware at hospitals.", Some("en"), &proposals, &links, Tlp::Green);
        assert_eq!(d.title.en, "Hospitals hit");
        assert!(d.title.ja.is_empty());
        assert_eq!(d.operation_types, ["no-such-operation", "ransomware"], "below the threshold is left out");
        fit_to_catalogue(&mut d, &catalog, today);
        assert_eq!(d.validate(&catalog, today), Ok(()));
        assert_eq!(d.operation_types, ["ransomware"]);
        assert_eq!(d.targets.len(), 1);
        assert_eq!((d.targets[0].country.as_deref(), d.targets[0].sector.as_deref()), (Some("DE"), Some("ci.health")));
        assert_eq!(d.actors[0].country.as_deref(), Some("RU"));
        assert_eq!(d.sources.len(), 1, "only http(s) links are sources");
        assert_eq!((d.tlp, d.status), (Tlp::Green, RecordStatus::Draft));
        let ja = draft("病院が被害", "本文", Some("ja"), &[], &[], Tlp::Clear);
        assert_eq!((ja.title.ja.as_str(), ja.title.en.as_str()), ("病院が被害", ""));
    }
}
