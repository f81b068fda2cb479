//! Norm positions, implementation evidence and legal positions: marked records (TLP, status),
//! read only through the viewer's visibility filter.
use crate::audit::Actor;
use crate::marked::{MarkedKind, create_in, create_many_in, marked_kind, marked_row, visible_logged};
use crate::rows::enum_column;
use crate::sql::{Column, Sql, col, visible_to};
use crate::{Store, StoreError};
use normwatch_core::adoption::{
    EvidenceInput, ImplementationEvidence, LegalPosition, LegalPositionInput, Position, PositionInput, SourceRef,
};
use normwatch_core::adoption::{Stakeholder, StakeholderInput};
use normwatch_core::marking::legal_position_holder;
use normwatch_core::{FieldError, Localized, Viewer};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Filters shared by the marked-record lists.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// One record by id.
    pub id: Option<String>,
    pub stakeholder: Option<String>,
    pub norm: Option<String>,
    pub topic: Option<String>,
}

fn optional_text(ja: Option<String>, en: Option<String>) -> Option<Localized> {
    match (ja, en) {
        (None, None) => None,
        (ja, en) => Some(Localized::new(ja.unwrap_or_default(), en.unwrap_or_default())),
    }
}

const POSITION_COLUMNS: &str = "p.id, p.stakeholder_id, p.norm_id, p.stance, p.stated_on, p.source_url, p.source_document, \
    p.source_paragraph, p.statement_ja, p.statement_en, p.tlp, p.status, p.recorded_by, p.created_at, \
    p.updated_at, p.version";

/// Positions the viewer may read, each with the one it supersedes: the previous position of the
/// same stakeholder on the same norm *among those the viewer may read*, so that neither a hidden
/// record nor its existence leaks, and a backdated or concurrent insert still orders right.
fn visible_positions(viewer: &Viewer, filter: &RecordFilter, id: Option<&str>) -> Sql {
    let mut sql = Sql::new("");
    let visible = visible_to(&mut sql, viewer, "p");
    // Filters on the partition keys (stakeholder, norm) go inside the window: they select whole
    // partitions, so what each position supersedes is unchanged, and the scan stays small.
    let mut inner = Sql::new("");
    std::mem::swap(&mut inner, &mut sql);
    let mut sql = inner;
    let mut narrowing = String::new();
    if let Some(s) = &filter.stakeholder {
        narrowing.push_str(&format!(" AND p.stakeholder_id = {}", sql.bind(s.clone())));
    }
    if let Some(n) = &filter.norm {
        narrowing.push_str(&format!(" AND p.norm_id = {}", sql.bind(n.clone())));
    }
    let mut outer = String::new();
    if let Some(id) = id {
        let a = sql.bind(id);
        let b = sql.bind(id);
        let c = sql.bind(id);
        narrowing.push_str(&format!(
            " AND p.stakeholder_id = (SELECT stakeholder_id FROM positions WHERE id = {a}) \
              AND p.norm_id = (SELECT norm_id FROM positions WHERE id = {b})"
        ));
        outer = format!(" AND p.id = {c}");
    }
    sql.push(&format!(
        "SELECT * FROM (SELECT {POSITION_COLUMNS}, lg.idx AS log_index, LAG(p.id) OVER (PARTITION BY p.stakeholder_id, \
         p.norm_id ORDER BY p.stated_on, p.created_at, p.id) AS supersedes FROM positions p \
         LEFT JOIN log_leaves lg ON lg.entity = 'position' AND lg.entity_id = p.id WHERE {visible}{narrowing}) p \
         WHERE 1 = 1{outer}"
    ));
    sql
}

fn log_index(row: &AnyRow) -> Result<Option<u64>, StoreError> {
    let idx: Option<i64> = row.try_get("log_index")?;
    Ok(idx.and_then(|i| u64::try_from(i).ok()))
}

fn position_from(row: &AnyRow) -> Result<Position, StoreError> {
    Ok(marked_row!(
        row,
        Position {
            id: row.try_get("id")?,
            stakeholder: row.try_get("stakeholder_id")?,
            norm: row.try_get("norm_id")?,
            stance: enum_column(row, "stance")?,
            stated_on: row.try_get("stated_on")?,
            source: SourceRef {
                url: row.try_get("source_url")?,
                document: row.try_get("source_document")?,
                paragraph: row.try_get("source_paragraph")?,
            },
            statement: optional_text(row.try_get("statement_ja")?, row.try_get("statement_en")?),
            supersedes: row.try_get("supersedes")?,
            log_index: log_index(row)?,
        }
    ))
}

const EVIDENCE_COLUMNS: &str = "e.id, e.stakeholder_id, e.norm_id, e.kind, e.dated, e.url, e.summary_ja, e.summary_en, \
    e.tlp, e.status, e.recorded_by, e.created_at, e.updated_at, e.version";

fn evidence_from(row: &AnyRow) -> Result<ImplementationEvidence, StoreError> {
    Ok(marked_row!(
        row,
        ImplementationEvidence {
            id, stakeholder = "stakeholder_id", norm = "norm_id", kind, dated, url,
            summary: Localized::new(row.try_get::<String, _>("summary_ja")?, row.try_get::<String, _>("summary_en")?),
            log_index: log_index(row)?,
        }
    ))
}

const LEGAL_COLUMNS: &str = "l.id, l.stakeholder_id, l.topic, l.summary_ja, l.summary_en, l.source_url, l.dated, l.tlp, \
    l.status, l.recorded_by, l.created_at, l.updated_at, l.version";

fn legal_from(row: &AnyRow) -> Result<LegalPosition, StoreError> {
    Ok(marked_row!(
        row,
        LegalPosition {
            id, stakeholder = "stakeholder_id", topic,
            summary: Localized::new(row.try_get::<String, _>("summary_ja")?, row.try_get::<String, _>("summary_en")?),
            source_url, dated, log_index: log_index(row)?,
        }
    ))
}

fn filters(sql: &mut Sql, alias: &str, filter: &RecordFilter) {
    sql.and_eq(&format!("{alias}.id"), filter.id.as_deref());
    sql.and_eq(&format!("{alias}.stakeholder_id"), filter.stakeholder.as_deref());
    sql.and_eq(&format!("{alias}.norm_id"), filter.norm.as_deref());
    sql.and_eq(&format!("{alias}.topic"), filter.topic.as_deref());
}

impl Store {
    /// Records a position (validated input). It supersedes the stance that was current for the
    /// same stakeholder and norm on its date; the earlier one stays readable.
    pub async fn create_position(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        input: &PositionInput,
    ) -> Result<Position, StoreError> {
        let mut tx = self.begin_write().await?;
        let stored = create_in(&mut tx, actor, input).await?;
        tx.commit().await?;
        // Read back as the writer sees it, with what it supersedes.
        Ok(self.position(viewer, &stored.id).await?.unwrap_or(stored))
    }

    /// Records many positions in one transaction — all or none, their leaves appended together
    /// (imports, seeding). Returns them as stored, without `supersedes`.
    pub async fn create_positions(&self, actor: &Actor, inputs: &[PositionInput]) -> Result<Vec<Position>, StoreError> {
        let mut tx = self.begin_write().await?;
        let out = create_many_in(&mut tx, actor, inputs).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Stakeholders (each created unless it exists) and their positions, all in one transaction:
    /// a fresh instance's seed lands whole, with one commit. Returns how many stakeholders and
    /// positions were created.
    pub async fn seed_positions(
        &self,
        actor: &Actor,
        seed: &[(StakeholderInput, Vec<PositionInput>)],
    ) -> Result<(usize, usize), StoreError> {
        let mut tx = self.begin_write().await?;
        let (mut stakeholders, mut positions) = (0, 0);
        for (stakeholder, inputs) in seed {
            if crate::stakeholders::stakeholder_in(&mut tx, &stakeholder.id).await?.is_none() {
                crate::stakeholders::create_stakeholder_in(&mut tx, actor, stakeholder).await?;
                stakeholders += 1;
            }
            positions += create_many_in(&mut tx, actor, inputs).await?.len();
        }
        tx.commit().await?;
        Ok((stakeholders, positions))
    }

    /// Positions the viewer may read, oldest stated first (the history of each pair in order).
    pub async fn positions(&self, viewer: &Viewer, filter: &RecordFilter) -> Result<Vec<Position>, StoreError> {
        let mut sql = visible_positions(viewer, filter, None);
        sql.push(" ORDER BY p.stakeholder_id, p.norm_id, p.stated_on, p.created_at, p.id");
        sql.query().fetch_all(&self.pool).await?.iter().map(position_from).collect()
    }

    pub async fn position(&self, viewer: &Viewer, id: &str) -> Result<Option<Position>, StoreError> {
        let sql = visible_positions(viewer, &RecordFilter::default(), Some(id));
        sql.query().fetch_optional(&self.pool).await?.as_ref().map(position_from).transpose()
    }

    pub async fn create_evidence(
        &self,
        actor: &Actor,
        input: &EvidenceInput,
    ) -> Result<ImplementationEvidence, StoreError> {
        self.create_marked(actor, input).await
    }

    pub async fn evidence(
        &self,
        viewer: &Viewer,
        filter: &RecordFilter,
    ) -> Result<Vec<ImplementationEvidence>, StoreError> {
        let mut sql = visible_logged::<EvidenceInput>(viewer);
        filters(&mut sql, "e", filter);
        self.marked_list::<EvidenceInput>(sql, "e.stakeholder_id, e.norm_id, e.dated, e.id").await
    }

    /// Records a state's legal position; refused for stakeholders that are not states.
    pub async fn create_legal_position(
        &self,
        actor: &Actor,
        input: &LegalPositionInput,
    ) -> Result<LegalPosition, StoreError> {
        self.create_marked(actor, input).await
    }

    pub async fn legal_positions(
        &self,
        viewer: &Viewer,
        filter: &RecordFilter,
    ) -> Result<Vec<LegalPosition>, StoreError> {
        let mut sql = visible_logged::<LegalPositionInput>(viewer);
        filters(&mut sql, "l", filter);
        self.marked_list::<LegalPositionInput>(sql, "l.topic, l.stakeholder_id, l.dated, l.id").await
    }

    /// Whether any position exists at all (seeding runs once).
    pub async fn has_positions_from(&self, source_document: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM positions WHERE source_document = $1")
            .bind(source_document)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}

impl MarkedKind for PositionInput {
    marked_kind!(Position, "p", POSITION_COLUMNS, position_from -> Position, community, log_index);
    const FRESH: &'static str = ", NULL AS supersedes, NULL AS log_index";
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        Some(("stakeholder", &self.stakeholder))
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        let statement = self.statement.as_ref().filter(|s| !(s.ja.trim().is_empty() && s.en.trim().is_empty()));
        Ok(vec![
            col("stakeholder_id", &self.stakeholder),
            col("norm_id", &self.norm),
            col("stance", self.stance.name()),
            col("stated_on", &self.stated_on),
            col("source_url", &self.source.url),
            col("source_document", &self.source.document),
            col("source_paragraph", &self.source.paragraph),
            col("statement_ja", statement.map(|s| s.ja.as_str())),
            col("statement_en", statement.map(|s| s.en.as_str())),
        ])
    }
}

impl MarkedKind for EvidenceInput {
    marked_kind!(ImplementationEvidence, "e", EVIDENCE_COLUMNS, evidence_from -> ImplementationEvidence, log_index);
    const FRESH: &'static str = ", NULL AS log_index";
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        Some(("stakeholder", &self.stakeholder))
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            col("stakeholder_id", &self.stakeholder),
            col("norm_id", &self.norm),
            col("kind", &self.kind),
            col("dated", &self.dated),
            col("url", &self.url),
            col("summary_ja", &self.summary.ja),
            col("summary_en", &self.summary.en),
        ])
    }
}

impl MarkedKind for LegalPositionInput {
    marked_kind!(LegalPosition, "l", LEGAL_COLUMNS, legal_from -> LegalPosition, log_index);
    const FRESH: &'static str = ", NULL AS log_index";
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        Some(("stakeholder", &self.stakeholder))
    }
    /// Legal positions are states' alone.
    fn vet(&self, stakeholder: &Stakeholder) -> Result<(), FieldError> {
        legal_position_holder(&stakeholder.id, &stakeholder.kind)
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            col("stakeholder_id", &self.stakeholder),
            col("topic", &self.topic),
            col("summary_ja", &self.summary.ja),
            col("summary_en", &self.summary.en),
            col("source_url", &self.source_url),
            col("dated", &self.dated),
        ])
    }
}
