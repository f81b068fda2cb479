//! Vulnerability-equities boards and their cases. Cases are read only through a membership join:
//! no role, not even admin, reads a board's cases without being its member. The audit log records
//! that a case or decision was written, never its content.
use crate::audit::{Actor, record};
use crate::marked::Audited;
use crate::rows::read_row;
use crate::rows::{corrupt, enum_column, enum_name};
use crate::sql::{col, insert};
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::vep::{DecisionInput, Equities, VepCase, VepCaseInput, VepDecision};
use normwatch_core::{FieldError, Localized};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A board as anyone may see it (its cases are another matter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VepBoard {
    pub id: String,
    pub stakeholder: String,
    pub name: Localized,
    pub members: usize,
    pub created_at: String,
}

fn decision_from(row: &AnyRow) -> Result<VepDecision, StoreError> {
    Ok(read_row!(
        row,
        VepDecision {
            id,
            decision: enum_column(row, "decision")?,
            decided_on,
            disclose_to,
            vendor_notified_on,
            justification,
            rereview_by,
            recorded_by,
            created_at,
        }
    ))
}

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

const CASE_COLUMNS: &str = "c.id, c.board_id, c.product, c.vendor, c.cve_id, c.severity, c.discovered_on, \
    c.submitting_agency, c.submitted_on, c.equities, c.recorded_by, c.created_at";

impl Store {
    /// Sets up a board for a state, with member accounts and their agencies.
    pub async fn create_vep_board(
        &self,
        actor: &Actor,
        id: &str,
        stakeholder: &str,
        name: &Localized,
        members: &[(String, String)],
    ) -> Result<VepBoard, StoreError> {
        let mut tx = self.begin_write().await?;
        let s = require_stakeholder(&mut tx, "stakeholder", stakeholder).await?;
        if s.kind != "state" {
            return Err(StoreError::Rejected(FieldError::new(
                "stakeholder",
                format!("`{stakeholder}` is not a state: a VEP board is a state's"),
            )));
        }
        let now = now_rfc3339();
        let columns = vec![
            col("id", id),
            col("stakeholder_id", stakeholder),
            col("name_ja", &name.ja),
            col("name_en", &name.en),
            col("created_at", &now),
        ];
        insert("vep_boards", columns).query().execute(&mut *tx).await?;
        for (i, (account, agency)) in members.iter().enumerate() {
            let exists = sqlx::query("SELECT 1 AS one FROM accounts WHERE id = $1")
                .bind(account)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::Rejected(FieldError::new(format!("members[{i}].username"), "no such account")));
            }
            sqlx::query("INSERT INTO vep_board_members (board_id, account_id, agency) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(account)
                .bind(agency)
                .execute(&mut *tx)
                .await?;
        }
        let board = VepBoard {
            id: id.to_owned(),
            stakeholder: stakeholder.to_owned(),
            name: name.clone(),
            members: members.len(),
            created_at: now,
        };
        record(&mut tx, actor, "create", "vep-board", id, None::<&()>, Some(&board)).await?;
        tx.commit().await?;
        Ok(board)
    }

    pub async fn vep_boards(&self) -> Result<Vec<VepBoard>, StoreError> {
        let rows = sqlx::query(
            "SELECT b.id, b.stakeholder_id, b.name_ja, b.name_en, b.created_at,
                    (SELECT COUNT(*) FROM vep_board_members m WHERE m.board_id = b.id) AS members
             FROM vep_boards b ORDER BY b.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VepBoard {
                    id: r.try_get("id")?,
                    stakeholder: r.try_get("stakeholder_id")?,
                    name: Localized::new(r.try_get::<String, _>("name_ja")?, r.try_get::<String, _>("name_en")?),
                    members: usize::try_from(r.try_get::<i64, _>("members")?).unwrap_or(0),
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The agency an account sits for on a board, if it is a member.
    pub async fn vep_membership(&self, board: &str, account: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT agency FROM vep_board_members WHERE board_id = $1 AND account_id = $2")
            .bind(board)
            .bind(account)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("agency")?)).transpose()
    }

    /// Submits a case to a board; the caller must have checked membership.
    pub async fn create_vep_case(
        &self,
        actor: &Actor,
        board: &str,
        input: &VepCaseInput,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let now = now_rfc3339();
        let equities = serde_json::to_string(&input.equities).map_err(|e| corrupt("equities", e.to_string()))?;
        let columns = vec![
            col("id", &id),
            col("board_id", board),
            col("product", input.product.trim()),
            col("vendor", input.vendor.trim()),
            col("cve_id", &input.cve_id),
            col("severity", enum_name(input.severity)),
            col("discovered_on", &input.discovered_on),
            col("submitting_agency", input.submitting_agency.trim()),
            col("submitted_on", input.submitted_on.clone().unwrap_or_else(|| now[..10].to_owned())),
            col("equities", equities),
            col("recorded_by", &actor.0),
            col("created_at", &now),
        ];
        // Confidential: the audit says a case was filed on which board, not what it is.
        let what = Some(serde_json::json!({ "board": board }));
        let audit = Audited { action: "create", entity: "vep-case", id: &id, what };
        self.insert_audited(actor, "vep_cases", columns, None, audit).await?;
        Ok(id)
    }

    pub async fn add_vep_decision(&self, actor: &Actor, case: &str, input: &DecisionInput) -> Result<(), StoreError> {
        let columns = vec![
            col("id", new_id()),
            col("case_id", case),
            col("decision", enum_name(input.decision)),
            col("decided_on", &input.decided_on),
            col("disclose_to", &input.disclose_to),
            col("vendor_notified_on", &input.vendor_notified_on),
            col("justification", &input.justification),
            col("rereview_by", &input.rereview_by),
            col("recorded_by", &actor.0),
            col("created_at", now_rfc3339()),
        ];
        let audit = Audited { action: "decide", entity: "vep-case", id: case, what: None };
        self.insert_audited(actor, "vep_decisions", columns, None, audit).await
    }

    async fn cases_where(&self, condition: &str, binds: &[&str]) -> Result<Vec<VepCase>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM vep_cases c WHERE {condition} ORDER BY c.submitted_on, c.id");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b.to_string());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let today = today();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get("id")?;
            let decisions = sqlx::query(
                "SELECT id, decision, decided_on, disclose_to, vendor_notified_on, justification, rereview_by, recorded_by, created_at
                 FROM vep_decisions WHERE case_id = $1 ORDER BY decided_on, created_at, id",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(decision_from)
            .collect::<Result<Vec<_>, _>>()?;
            let equities: String = r.try_get("equities")?;
            let mut case = VepCase {
                id,
                board: r.try_get("board_id")?,
                product: r.try_get("product")?,
                vendor: r.try_get("vendor")?,
                cve_id: r.try_get("cve_id")?,
                severity: enum_column(r, "severity")?,
                discovered_on: r.try_get("discovered_on")?,
                submitting_agency: r.try_get("submitting_agency")?,
                submitted_on: r.try_get("submitted_on")?,
                equities: serde_json::from_str::<Equities>(&equities)
                    .map_err(|e| corrupt("equities", e.to_string()))?,
                decisions,
                overdue: false,
                recorded_by: r.try_get("recorded_by")?,
                created_at: r.try_get("created_at")?,
            };
            case.overdue = case.is_overdue(&today);
            out.push(case);
        }
        Ok(out)
    }

    /// A board's cases, for one of its members; nobody else gets any.
    pub async fn vep_cases_for_member(&self, board: &str, account: &str) -> Result<Vec<VepCase>, StoreError> {
        self.cases_where(
            "c.board_id = $1 AND EXISTS (SELECT 1 FROM vep_board_members m WHERE m.board_id = c.board_id AND m.account_id = $2)",
            &[board, account],
        )
        .await
    }

    /// One case, for a member of its board.
    pub async fn vep_case_for_member(&self, case: &str, account: &str) -> Result<Option<VepCase>, StoreError> {
        Ok(self
            .cases_where(
                "c.id = $1 AND EXISTS (SELECT 1 FROM vep_board_members m WHERE m.board_id = c.board_id AND m.account_id = $2)",
                &[case, account],
            )
            .await?
            .pop())
    }

    /// The cases about a CVE on the boards the account sits on; none for anyone else.
    pub async fn vep_cases_about_cve(&self, cve: &str, account: Option<&str>) -> Result<Vec<VepCase>, StoreError> {
        let Some(account) = account else { return Ok(Vec::new()) };
        self.cases_where(
            "c.cve_id = $1 AND EXISTS (SELECT 1 FROM vep_board_members m WHERE m.board_id = c.board_id AND m.account_id = $2)",
            &[cve, account],
        )
        .await
    }

    /// Every case of a board, only to compute its published aggregates.
    pub async fn vep_cases_for_report(&self, board: &str) -> Result<Vec<VepCase>, StoreError> {
        self.cases_where("c.board_id = $1", &[board]).await
    }
}
