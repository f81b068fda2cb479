//! An in-memory index of incidents for search, on either backend: one bitmap per marking, status, year,
//! recorder, stakeholder, community and facet value, so that totals and facet counts are
//! intersections instead of scans. It applies the same visibility rule as `visible_to` (tests
//! compare the two paths for every role) and follows every write through `incident_changes`,
//! which triggers fill — whoever wrote.
use crate::rows::corrupt;
use crate::{Store, StoreError};
use normwatch_core::incident::{IncidentCursor, IncidentQuery, SortKey};
use normwatch_core::{RecordStatus, Tlp, Viewer};
use roaring::RoaringBitmap;
use sqlx::Row;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

mod answer;
mod counted;
mod terms;

/// A facet value's rows, split by the marking of the finding it came from (`None`: the
/// incident's own value).
type Sources = HashMap<(Option<Tlp>, Option<String>), RoaringBitmap>;

#[derive(Debug, Default)]
pub(crate) struct IncidentIndex {
    /// The last `incident_changes.seq` applied.
    seen: i64,
    rows: HashMap<u128, u32>,
    /// Per row: sort key (YYYYMMDD of the earliest start day, 0 when unknown) and id.
    order: Vec<(u32, u128)>,
    /// Per row: its titles (ja, en), which the title sorts compare.
    titles: Vec<(Box<str>, Box<str>)>,
    /// Per row: the dataset it was imported from, as 1 + its place in `datasets` (0: none).
    /// With the titles, the start, the marking and the facets, what a page lists of a row,
    /// so a page needs no read of the database (random reads that grow with its size).
    dataset: Vec<u32>,
    datasets: Vec<Box<str>>,
    /// Start keys that `order`'s YYYYMMDD does not give back as written.
    odd_starts: HashMap<u32, Box<str>>,
    all: RoaringBitmap,
    status_tlp: HashMap<(RecordStatus, Tlp), RoaringBitmap>,
    recorder: HashMap<String, RoaringBitmap>,
    stakeholder: HashMap<String, RoaringBitmap>,
    community: HashMap<String, RoaringBitmap>,
    no_community: RoaringBitmap,
    year: HashMap<i64, RoaringBitmap>,
    /// Per row: its start year as 1 + its place in `year_list` (0: unknown), which counting a
    /// small match set reads.
    years: Vec<u32>,
    year_list: Vec<i64>,
    /// Per row that corrects another (`supersedes`): the row it corrects. A corrected version
    /// leaves the lists once the viewer may read its published successor.
    corrects: HashMap<u32, u32>,
    facets: HashMap<(String, String), Sources>,
    /// Per sort key, the rows in its order, kept between searches (rebuilt after a change).
    sorted: HashMap<SortKey, Sorted>,
    /// Full-text matches kept per term (`terms.rs`).
    terms: terms::Terms,
    /// Each reader's link groups and each selection's match set, kept until the next change
    /// (`counted.rs`). (Behind a cell: a search reads the index shared and keeps what it made.)
    counted: std::cell::RefCell<counted::Counted>,
}

/// Every row in one key's ascending order (a descending list reads it backwards), and each
/// row's place in it, so that a page is the rows after a place rather than a sort per request.
#[derive(Debug, Default)]
struct Sorted {
    rows: Vec<u32>,
    rank: Vec<u32>,
    stale: bool,
}

fn uuid_bits(id: &str) -> Result<u128, StoreError> {
    uuid::Uuid::parse_str(id).map(|u| u.as_u128()).map_err(|e| corrupt("incident id", e))
}

fn day_key(start_key: &str) -> u32 {
    start_key.replace('-', "").parse().unwrap_or(0)
}

/// How an unknown start is stored.
const NO_START: &str = "0000-00-00";

/// A YYYYMMDD key as the start key it was made from (`None` for 0, unknown).
fn start_text(key: u32) -> Option<String> {
    (key != 0).then(|| format!("{:04}-{:02}-{:02}", key / 10_000, key / 100 % 100, key % 100))
}

/// Whether the viewer may count a facet value from this source (`facet_source_visible`): the
/// incident's own values always, a finding's where its marking and community are the viewer's.
fn source_visible(viewer: &Viewer, (tlp, community): &(Option<Tlp>, Option<String>)) -> bool {
    let Some(t) = tlp else { return true };
    (viewer.is_admin() && viewer.communities.is_none())
        || (viewer.published_markings().contains(t)
            && match (&viewer.communities, community) {
                (None, _) | (_, None) => true,
                (Some(mine), Some(c)) => mine.contains(c),
            })
}

/// A value as 1 + its place in `list` (added when new), 0 for none: a per-row number standing
/// for one of few values (a dataset, a year).
fn number<T: PartialEq>(list: &mut Vec<T>, value: Option<T>) -> u32 {
    let Some(value) = value else { return 0 };
    let place = match list.iter().position(|k| *k == value) {
        Some(i) => i,
        None => {
            list.push(value);
            list.len() - 1
        }
    };
    u32::try_from(place + 1).unwrap_or(0)
}

fn union<'a>(maps: impl IntoIterator<Item = &'a RoaringBitmap>) -> RoaringBitmap {
    let mut out = RoaringBitmap::new();
    for m in maps {
        out |= m;
    }
    out
}

impl IncidentIndex {
    fn row_of(&mut self, id: u128) -> u32 {
        if let Some(r) = self.rows.get(&id) {
            return *r;
        }
        let r = u32::try_from(self.order.len()).unwrap_or(u32::MAX);
        self.order.push((0, id));
        self.titles.push(Default::default());
        self.dataset.push(0);
        self.years.push(0);
        self.rows.insert(id, r);
        r
    }

    /// Takes a row out of every bitmap (before it is indexed again).
    fn clear(&mut self, r: u32) {
        self.all.remove(r);
        self.no_community.remove(r);
        for b in self.status_tlp.values_mut() {
            b.remove(r);
        }
        for map in [&mut self.recorder, &mut self.stakeholder, &mut self.community] {
            for b in map.values_mut() {
                b.remove(r);
            }
        }
        for b in self.year.values_mut() {
            b.remove(r);
        }
        for sources in self.facets.values_mut() {
            for b in sources.values_mut() {
                b.remove(r);
            }
        }
    }

    /// Indexes incident rows and their facet rows (each incident's facets complete).
    fn load(&mut self, incidents: &[sqlx::any::AnyRow], facets: &[sqlx::any::AnyRow]) -> Result<(), StoreError> {
        for row in incidents {
            self.load_incident(row)?;
        }
        for row in facets {
            self.load_facet(row)?;
        }
        Ok(())
    }

    fn load_incident(&mut self, row: &sqlx::any::AnyRow) -> Result<(), StoreError> {
        {
            let id = uuid_bits(&row.try_get::<String, _>("id")?)?;
            let r = self.row_of(id);
            self.clear(r);
            let key: String = row.try_get("start_key")?;
            let entry = (day_key(&key), id);
            if start_text(entry.0).as_deref() == Some(key.as_str()) || (entry.0 == 0 && key == NO_START) {
                self.odd_starts.remove(&r);
            } else {
                self.odd_starts.insert(r, key.into());
            }
            let dataset = row.try_get::<Option<String>, _>("origin_dataset")?;
            self.dataset[r as usize] = number(&mut self.datasets, dataset.map(Box::from));
            if self.order[r as usize] != entry {
                self.order[r as usize] = entry;
                self.stale(SortKey::Start);
            }
            let titles: (Box<str>, Box<str>) =
                (row.try_get::<String, _>("title_ja")?.into(), row.try_get::<String, _>("title_en")?.into());
            if self.titles[r as usize] != titles {
                self.titles[r as usize] = titles;
                self.stale(SortKey::TitleEn);
                self.stale(SortKey::TitleJa);
            }
            self.all.insert(r);
            let status: RecordStatus =
                row.try_get::<String, _>("status")?.parse().map_err(|e: String| corrupt("status", e))?;
            let tlp: Tlp = row.try_get::<String, _>("tlp")?.parse().map_err(|e: String| corrupt("tlp", e))?;
            self.status_tlp.entry((status, tlp)).or_default().insert(r);
            self.recorder.entry(row.try_get("recorded_by")?).or_default().insert(r);
            if let Some(s) = row.try_get::<Option<String>, _>("stakeholder_id")? {
                self.stakeholder.entry(s).or_default().insert(r);
            }
            match row.try_get::<Option<String>, _>("community_id")? {
                Some(c) => {
                    self.community.entry(c).or_default().insert(r);
                }
                None => {
                    self.no_community.insert(r);
                }
            }
            let year = row.try_get::<Option<i64>, _>("start_year")?;
            if let Some(y) = year {
                self.year.entry(y).or_default().insert(r);
            }
            self.years[r as usize] = number(&mut self.year_list, year);
            if let Some(old) = row.try_get::<Option<String>, _>("supersedes")? {
                let old = self.row_of(uuid_bits(&old)?);
                self.corrects.insert(r, old);
            }
        }
        Ok(())
    }

    fn load_facet(&mut self, row: &sqlx::any::AnyRow) -> Result<(), StoreError> {
        {
            let id = uuid_bits(&row.try_get::<String, _>("incident_id")?)?;
            let Some(&r) = self.rows.get(&id) else { return Ok(()) };
            let tlp = row
                .try_get::<Option<String>, _>("source_tlp")?
                .map(|t| t.parse::<Tlp>().map_err(|e| corrupt("source_tlp", e)))
                .transpose()?;
            let key = (row.try_get::<String, _>("facet")?, row.try_get::<String, _>("value")?);
            let source = (tlp, row.try_get::<Option<String>, _>("community_id")?);
            self.facets.entry(key).or_default().entry(source).or_default().insert(r);
        }
        Ok(())
    }

    /// The rows the viewer may read: `visible_to`, in bitmaps.
    fn visible(&self, viewer: &Viewer) -> RoaringBitmap {
        let empty = RoaringBitmap::new();
        let marking = if viewer.is_admin() {
            self.all.clone()
        } else {
            let markings = viewer.published_markings();
            let mut m = union(self.status_tlp.iter().filter_map(|((status, tlp), b)| {
                let status_ok = viewer.reads_unpublished() || *status == RecordStatus::Published;
                (status_ok && markings.contains(tlp)).then_some(b)
            }));
            if let Some(a) = &viewer.account {
                m |= self.recorder.get(a).unwrap_or(&empty);
            }
            if let Some(s) = &viewer.stakeholder {
                m |= self.stakeholder.get(s).unwrap_or(&empty);
            }
            m
        };
        match &viewer.communities {
            None => marking,
            Some(mine) => {
                let mut scope = self.no_community.clone();
                for c in mine {
                    scope |= self.community.get(c).unwrap_or(&empty);
                }
                if let Some(a) = &viewer.account {
                    scope |= self.recorder.get(a).unwrap_or(&empty);
                }
                marking & scope
            }
        }
    }

    /// The visible rows without the versions whose published successor the viewer may read (as
    /// `superseded_by` in `visible_records`): a corrected incident is listed once, as corrected.
    fn standing(&self, viewer: &Viewer) -> RoaringBitmap {
        let mut rows = self.visible(viewer);
        if self.corrects.is_empty() {
            return rows;
        }
        let published =
            union(self.status_tlp.iter().filter(|((status, _), _)| *status == RecordStatus::Published).map(|(_, b)| b));
        let replaced: RoaringBitmap = self
            .corrects
            .iter()
            .filter(|(successor, _)| rows.contains(**successor) && published.contains(**successor))
            .map(|(_, old)| *old)
            .collect();
        rows -= replaced;
        rows
    }

    /// Of `rows`, those the query's year, status and facets select and every term matched.
    fn narrowed(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        term_rows: &[RoaringBitmap],
        mut rows: RoaringBitmap,
    ) -> RoaringBitmap {
        if let Some(y) = q.year {
            match self.year.get(&i64::from(y)) {
                Some(year) => rows &= year,
                None => rows.clear(),
            }
        }
        if let Some(s) = q.status {
            rows &= union(self.status_tlp.iter().filter(|((st, _), _)| *st == s).map(|(_, b)| b));
        }
        for (facet, value) in &q.facets {
            match self.facets.get(&((*facet).to_owned(), value.clone())) {
                Some(sources) => rows &= &*self.facet_rows(viewer, sources),
                None => rows.clear(),
            }
        }
        for matched in term_rows {
            rows &= matched;
        }
        rows
    }

    /// The rows carrying a facet value, counting values from findings only where the viewer may
    /// read the finding (`facet_source_visible`). Borrowed when one source is visible (the
    /// usual case), so counting needs no copy.
    fn facet_rows<'a>(&self, viewer: &Viewer, sources: &'a Sources) -> std::borrow::Cow<'a, RoaringBitmap> {
        let mut visible = sources.iter().filter(|(source, _)| source_visible(viewer, source)).map(|(_, b)| b);
        match (visible.next(), visible.next()) {
            (None, _) => std::borrow::Cow::Owned(RoaringBitmap::new()),
            (Some(one), None) => std::borrow::Cow::Borrowed(one),
            (Some(a), Some(b)) => std::borrow::Cow::Owned(union([a, b].into_iter().chain(visible))),
        }
    }

    /// The rows as a list shows them: each with the values of the listed facets the viewer may
    /// read (as `facet_source_visible` lets the SQL read them), each facet's values in order.
    fn summaries(&self, viewer: &Viewer, page: &[u32]) -> Vec<crate::search::IncidentSummary> {
        use crate::search::IncidentSummary;
        let mut out: Vec<IncidentSummary> = page
            .iter()
            .map(|&r| {
                let row = r as usize;
                let (ja, en) = &self.titles[row];
                let (status, tlp) = self
                    .status_tlp
                    .iter()
                    .find(|(_, b)| b.contains(r))
                    .map_or(("", ""), |((status, tlp), _)| (status.name(), tlp.name()));
                let start = match self.odd_starts.get(&r) {
                    Some(text) => (&**text != NO_START).then(|| text.to_string()),
                    None => start_text(self.order[row].0),
                };
                let dataset = (self.dataset[row] as usize).checked_sub(1).map(|i| self.datasets[i].to_string());
                IncidentSummary {
                    id: uuid::Uuid::from_u128(self.order[row].1).hyphenated().to_string(),
                    title: normwatch_core::Localized::new(ja.to_string(), en.to_string()),
                    start,
                    status: status.to_owned(),
                    tlp: tlp.to_owned(),
                    also_in: Vec::new(),
                    dataset,
                    countries: Vec::new(),
                    attributed_states: Vec::new(),
                    operations: Vec::new(),
                }
            })
            .collect();
        for ((facet, value), sources) in &self.facets {
            if !matches!(facet.as_str(), "country" | "attributed_state" | "operation") {
                continue;
            }
            // Each listed row against the sources (no union of a value's sources per search).
            for (s, &r) in out.iter_mut().zip(page) {
                if sources.iter().any(|(source, b)| b.contains(r) && source_visible(viewer, source)) {
                    let list = match facet.as_str() {
                        "country" => &mut s.countries,
                        "attributed_state" => &mut s.attributed_states,
                        _ => &mut s.operations,
                    };
                    list.push(value.clone());
                }
            }
        }
        for s in &mut out {
            s.countries.sort();
            s.attributed_states.sort();
            s.operations.sort();
        }
        out
    }

    fn stale(&mut self, key: SortKey) {
        if let Some(s) = self.sorted.get_mut(&key) {
            s.stale = true;
        }
    }

    /// Two rows in `key`'s ascending order: the key's value, then the id. Titles compare as
    /// UTF-8 bytes, as the SQL path compares them.
    fn compare(&self, key: SortKey, a: u32, b: u32) -> Ordering {
        let (a, b) = (a as usize, b as usize);
        match key {
            SortKey::Start => self.order[a].cmp(&self.order[b]),
            title => {
                let text = |r: usize| title.title(&self.titles[r].0, &self.titles[r].1);
                text(a).cmp(text(b)).then(self.order[a].1.cmp(&self.order[b].1))
            }
        }
    }

    /// A row against a cursor, in the cursor key's ascending order.
    fn against(&self, cursor: &Cursor, r: u32) -> Ordering {
        let r = r as usize;
        match cursor {
            Cursor::Start(c) => self.order[r].cmp(c),
            Cursor::Title(key, text, id) => {
                key.title(&self.titles[r].0, &self.titles[r].1).cmp(text.as_str()).then(self.order[r].1.cmp(id))
            }
        }
    }

    /// `key`'s order, rebuilt when rows came or changed since it was made (once per write,
    /// not per search).
    fn sort_by(&mut self, key: SortKey) {
        let n = self.order.len();
        if self.sorted.get(&key).is_some_and(|s| !s.stale && s.rows.len() == n) {
            return;
        }
        let mut rows: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
        rows.sort_unstable_by(|a, b| self.compare(key, *a, *b));
        let mut rank = vec![0; n];
        for (place, r) in rows.iter().enumerate() {
            rank[*r as usize] = u32::try_from(place).unwrap_or(u32::MAX);
        }
        self.sorted.insert(key, Sorted { rows, rank, stale: false });
    }
}

/// A query's cursor as the index compares it.
enum Cursor {
    Start((u32, u128)),
    Title(SortKey, String, u128),
}

impl Cursor {
    fn of(c: &IncidentCursor) -> Result<Cursor, StoreError> {
        let id = uuid_bits(&c.id)?;
        Ok(match c.sort.key {
            SortKey::Start => Cursor::Start((day_key(&c.key), id)),
            key => Cursor::Title(key, c.key.clone(), id),
        })
    }
}

/// What the index answers: the page's rows as the list shows them (links added by the store).
pub(crate) struct IndexAnswer {
    pub total: u64,
    pub page: Vec<crate::search::IncidentSummary>,
    pub more: bool,
    pub facets: Vec<(String, String, u64)>,
    /// The viewer's link groups the answer was made with.
    pub groups: Arc<HashMap<String, String>>,
}

impl Store {
    /// Brings the index up to date with the database (building it on first use).
    async fn current_index(&self) -> Result<tokio::sync::MutexGuard<'_, Option<IncidentIndex>>, StoreError> {
        let mut guard = self.index.lock().await;
        let latest = self.latest_change().await?;
        let index = match guard.as_mut() {
            Some(i) if i.seen == latest => return Ok(guard),
            Some(i) => i,
            None => {
                // A full build; changes from `latest` on are applied again later, harmlessly.
                // Rows are streamed, not collected: memory holds the bitmaps, not the tables.
                use futures_util::TryStreamExt;
                let mut i = IncidentIndex { seen: latest, ..Default::default() };
                // Text written from here on is matched again for the terms kept later.
                if let Some(w) = self.text_written(&i.terms).await? {
                    self.follow_terms(&mut i, Some(w), &[]).await?;
                }
                let mut incidents = sqlx::query(
                    "SELECT id, start_key, title_ja, title_en, start_year, status, tlp, recorded_by, stakeholder_id, community_id, supersedes, origin_dataset FROM incidents",
                )
                .fetch(&self.pool);
                while let Some(row) = incidents.try_next().await? {
                    i.load_incident(&row)?;
                }
                drop(incidents);
                let mut facets =
                    sqlx::query("SELECT incident_id, facet, value, source_tlp, community_id FROM incident_facets")
                        .fetch(&self.pool);
                while let Some(row) = facets.try_next().await? {
                    i.load_facet(&row)?;
                }
                drop(facets);
                *guard = Some(i);
                return Ok(guard);
            }
        };
        // Read before the changes, so that every incident whose text it names is in the index then.
        let written = self.text_written(&index.terms).await?;
        let changes = sqlx::query("SELECT seq, incident_id FROM incident_changes WHERE seq > $1 ORDER BY seq")
            .bind(index.seen)
            .fetch_all(&self.pool)
            .await?;
        let mut ids: Vec<String> = Vec::new();
        for c in &changes {
            let id: String = c.try_get("incident_id")?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for chunk in ids.chunks(500) {
            let mut sql = crate::sql::Sql::new("");
            let list = sql.bind_list(chunk.iter().map(String::as_str));
            sql.push(&format!(
                "SELECT id, start_key, title_ja, title_en, start_year, status, tlp, recorded_by, stakeholder_id, community_id, supersedes, origin_dataset FROM incidents WHERE id IN {list}"
            ));
            let incidents = sql.query().fetch_all(&self.pool).await?;
            let mut fsql = crate::sql::Sql::new("");
            let list = fsql.bind_list(chunk.iter().map(String::as_str));
            fsql.push(&format!(
                "SELECT incident_id, facet, value, source_tlp, community_id FROM incident_facets WHERE incident_id IN {list}"
            ));
            let facets = fsql.query().fetch_all(&self.pool).await?;
            index.load(&incidents, &facets)?;
        }
        index.counted.get_mut().clear();
        let seen = changes.last().map_or(latest, |c| c.try_get("seq").unwrap_or(latest));
        self.follow_terms(index, written, &ids).await?;
        // Only now: should following the terms fail, the next search takes these changes again.
        index.seen = seen;
        Ok(guard)
    }

    /// The last `incident_changes.seq`, which every search asks: on SQLite in a direct read
    /// (no handoff to sqlx's worker thread).
    async fn latest_change(&self) -> Result<i64, StoreError> {
        const LATEST: &str = "SELECT COALESCE(MAX(seq), 0) AS s FROM incident_changes";
        if let Some(direct) = &self.direct {
            return direct.read(|conn| conn.query_row(LATEST, [], |r| r.get(0)).map_err(crate::direct::failed)).await;
        }
        Ok(sqlx::query(LATEST).fetch_one(&self.pool).await?.try_get("s")?)
    }

    /// Builds the index ahead of the first search (the server calls it at start), with the list
    /// in each order, so that the first search of each does not sort (200-300 ms at 1,000,000).
    pub async fn warm_search_index(&self) -> Result<(), StoreError> {
        let mut guard = self.current_index().await?;
        if let Some(index) = guard.as_mut() {
            for key in [SortKey::Start, SortKey::TitleEn, SortKey::TitleJa] {
                index.sort_by(key);
            }
        }
        Ok(())
    }

    /// Drops the match sets and counts kept per selection and the link groups kept per viewer, as a
    /// change does: what a search costs when its matches were not counted since the last write
    /// (the benchmark measures both).
    pub async fn forget_search_counts(&self) {
        if let Some(index) = self.index.lock().await.as_mut() {
            index.counted.get_mut().clear();
        }
    }
}

/// Per value of a facet (or `year`): its rows among those a query selects.
pub(crate) type ValueRows = HashMap<String, RoaringBitmap>;

impl Store {
    /// The rows `q` selects (standing and filtered, as the list selects them), split by the
    /// values of each facet in `dims` (`year` for the start year), and each selected row's
    /// linked group (from `groups`): what a cross-tabulation counts (`crosstab.rs`).
    pub(crate) async fn index_value_rows(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        groups: &HashMap<String, String>,
        dims: &[&str],
    ) -> Result<(Vec<ValueRows>, HashMap<u32, String>), StoreError> {
        let mut guard = self.current_index().await?;
        let Some(index) = guard.as_mut() else { return Err(corrupt("search index", "not built")) };
        let mut term_rows = Vec::with_capacity(q.terms.len());
        for term in &q.terms {
            term_rows.push(self.term_rows(index, term).await?);
        }
        let index = &*index;
        let rows = index.narrowed(viewer, q, &term_rows, index.standing(viewer));
        let mut grouped = HashMap::new();
        for (id, group) in groups {
            let Ok(bits) = uuid_bits(id) else { continue };
            if let Some(&row) = index.rows.get(&bits).filter(|r| rows.contains(**r)) {
                grouped.insert(row, group.clone());
            }
        }
        let mut out = Vec::with_capacity(dims.len());
        for dim in dims {
            let mut values = ValueRows::new();
            if *dim == "year" {
                for (year, b) in &index.year {
                    let r = &rows & b;
                    if !r.is_empty() {
                        values.insert(year.to_string(), r);
                    }
                }
            } else {
                for ((facet, value), sources) in &index.facets {
                    if facet == dim {
                        let r = &rows & &*index.facet_rows(viewer, sources);
                        if !r.is_empty() {
                            values.insert(value.clone(), r);
                        }
                    }
                }
            }
            out.push(values);
        }
        Ok((out, grouped))
    }
}
