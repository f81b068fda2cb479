//! The ids of every incident a query matches, as the viewer may read them: the set a figure
//! (attribution lag, response rate) is restricted to when its page is filtered like the
//! incident list. Linked members are all kept: the figures count a linked group once themselves.
use crate::sql::Sql;
use crate::{Store, StoreError};
use normwatch_core::Viewer;
use normwatch_core::incident::IncidentQuery;
use sqlx::Row;
use std::collections::HashSet;

impl Store {
    /// Every incident id `q` matches (its filters and terms; paging ignored) that `viewer` may read.
    pub async fn matching_incident_ids(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
    ) -> Result<HashSet<String>, StoreError> {
        let mut sql = Sql::new("");
        let condition = self.incident_where(&mut sql, viewer, q, &[]);
        sql.push(&format!("SELECT r.id FROM incidents r WHERE {condition}"));
        sql.query().fetch_all(&self.pool).await?.iter().map(|r| Ok(r.try_get::<String, _>("id")?)).collect()
    }
}
