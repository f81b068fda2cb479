//! A small builder for queries whose WHERE clause depends on filters and on the viewer: SQL text
//! from fixed fragments, every value a placeholder.
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql { text: text.to_owned(), binds: Vec::new() }
    }

    pub(crate) fn binds(&self) -> &[Bind] {
        &self.binds
    }

    pub fn push(&mut self, fragment: &str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Adds a value and returns its placeholder (`$n`).
    pub fn bind(&mut self, value: impl Into<String>) -> String {
        self.binds.push(Bind::Text(value.into()));
        format!("${}", self.binds.len())
    }

    pub fn bind_int(&mut self, value: i64) -> String {
        self.binds.push(Bind::Int(value));
        format!("${}", self.binds.len())
    }

    /// ` AND column = $n` when there is a value to filter on.
    pub fn and_eq(&mut self, column: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            let p = self.bind(v);
            self.push(&format!(" AND {column} = {p}"));
        }
        self
    }

    /// `(p1, p2, …)` for an IN list; never empty (an empty list matches nothing).
    pub fn bind_list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> String {
        let holders: Vec<String> = values.into_iter().map(|v| self.bind(v)).collect();
        if holders.is_empty() { "(NULL)".to_owned() } else { format!("({})", holders.join(", ")) }
    }

    /// For SQLite, when every placeholder appears once and in the order of its value: plain
    /// `?` placeholders, which SQLite binds by position. sqlx looks each `$n` up by name, which
    /// costs time growing with the square of the placeholders in one statement.
    pub fn positional(&mut self) -> &mut Self {
        let mut out = String::with_capacity(self.text.len());
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('?');
            } else {
                out.push(c);
            }
        }
        self.text = out;
        self
    }

    /// Runs the statement in `tx` (a batch's multi-row write): its placeholders made positional
    /// (`?`) on SQLite, which then binds them in order instead of looking each `$N` up by name.
    /// Returns how many rows it changed.
    pub(crate) async fn execute_in(mut self, tx: &mut sqlx::AnyConnection) -> Result<u64, sqlx::Error> {
        if tx.backend_name().eq_ignore_ascii_case("sqlite") {
            self.positional();
        }
        Ok(self.query().execute(tx).await?.rows_affected())
    }

    /// The rows of a read in `tx`, positional on SQLite as [`Sql::execute_in`].
    pub(crate) async fn fetch_in(
        mut self,
        tx: &mut sqlx::AnyConnection,
    ) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
        if tx.backend_name().eq_ignore_ascii_case("sqlite") {
            self.positional();
        }
        self.query().fetch_all(tx).await
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments> {
        // Only placeholders carry values; the text is assembled from fixed fragments.
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        for b in &self.binds {
            q = match b {
                Bind::Text(s) => q.bind(s.clone()),
                Bind::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// The WHERE fragment that limits a table of marked records (columns `stakeholder_id`, `tlp`,
/// `status`, `recorded_by`) to what the viewer may read.
pub(crate) fn visible_to(sql: &mut Sql, viewer: &normwatch_core::Viewer, alias: &str) -> String {
    let marking = marking_visible(sql, viewer, alias);
    // A record marked for a community reaches that community's members only (and its author).
    match &viewer.communities {
        None => marking,
        Some(mine) => {
            let list = sql.bind_list(mine.iter().map(String::as_str));
            let author = match &viewer.account {
                Some(a) => format!(" OR {alias}.recorded_by = {}", sql.bind(a.clone())),
                None => String::new(),
            };
            format!("({marking} AND ({alias}.community_id IS NULL OR {alias}.community_id IN {list}{author}))")
        }
    }
}

/// The TLP and status part of `visible_to`.
fn marking_visible(sql: &mut Sql, viewer: &normwatch_core::Viewer, alias: &str) -> String {
    if viewer.is_admin() {
        return "1 = 1".to_owned();
    }
    let markings = viewer.published_markings().iter().map(|t| t.name());
    let list = sql.bind_list(markings);
    let mut any = vec![if viewer.reads_unpublished() {
        format!("{alias}.tlp IN {list}")
    } else {
        format!("({alias}.status = 'published' AND {alias}.tlp IN {list})")
    }];
    if let Some(account) = &viewer.account {
        any.push(format!("{alias}.recorded_by = {}", sql.bind(account.clone())));
    }
    if let Some(stakeholder) = &viewer.stakeholder {
        any.push(format!("{alias}.stakeholder_id = {}", sql.bind(stakeholder.clone())));
    }
    format!("({})", any.join(" OR "))
}

/// A value bound into a written column.
#[derive(Debug, Clone)]
pub enum ColumnValue {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for ColumnValue {
    fn from(v: &str) -> Self {
        ColumnValue::Text(Some(v.to_owned()))
    }
}

impl From<&String> for ColumnValue {
    fn from(v: &String) -> Self {
        ColumnValue::Text(Some(v.clone()))
    }
}

impl From<String> for ColumnValue {
    fn from(v: String) -> Self {
        ColumnValue::Text(Some(v))
    }
}

impl From<Option<String>> for ColumnValue {
    fn from(v: Option<String>) -> Self {
        ColumnValue::Text(v)
    }
}

impl From<Option<&str>> for ColumnValue {
    fn from(v: Option<&str>) -> Self {
        ColumnValue::Text(v.map(str::to_owned))
    }
}

impl From<&Option<String>> for ColumnValue {
    fn from(v: &Option<String>) -> Self {
        ColumnValue::Text(v.clone())
    }
}

impl From<i64> for ColumnValue {
    fn from(v: i64) -> Self {
        ColumnValue::Int(Some(v))
    }
}

impl From<Option<i64>> for ColumnValue {
    fn from(v: Option<i64>) -> Self {
        ColumnValue::Int(v)
    }
}

/// A column and the value written to it.
pub(crate) type Column = (&'static str, ColumnValue);

/// Shorthand for a column in a list of them.
pub(crate) fn col(name: &'static str, value: impl Into<ColumnValue>) -> Column {
    (name, value.into())
}

/// The placeholder of an optional text (`NULL` for none).
pub(crate) fn bind_opt(sql: &mut Sql, value: Option<&str>) -> String {
    match value {
        Some(v) => sql.bind(v.to_owned()),
        None => "NULL".to_owned(),
    }
}

/// The placeholder of a column's value (`NULL` for none).
pub(crate) fn bind_column(sql: &mut Sql, value: ColumnValue) -> String {
    match value {
        ColumnValue::Text(v) => bind_opt(sql, v.as_deref()),
        ColumnValue::Int(Some(i)) => sql.bind_int(i),
        ColumnValue::Int(None) => "NULL".to_owned(),
    }
}

/// `INSERT INTO table (…) VALUES (…)` of the given columns, every value a placeholder: the one
/// way rows are written, so that each writer lists its columns and values side by side.
pub(crate) fn insert(table: &str, columns: Vec<Column>) -> Sql {
    insert_rows(table, vec![columns])
}

/// How many rows one multi-row `INSERT` or `IN (…)` read of a batch takes, well inside both
/// backends' limits on placeholders (SQLite 32,766, PostgreSQL 65,535) at 20 columns a row. Such
/// statements run through [`Sql::execute_in`] / [`Sql::fetch_in`]: SQLite finds a `$N`
/// placeholder's value by scanning the statement's parameter names, a cost that grows with the
/// square of the placeholders (31% of a batched publication at 500 rows), and binds `?` in order.
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// One `INSERT` of several rows (`VALUES (…), (…)`), each row the same columns in the same order.
pub(crate) fn insert_rows(table: &str, rows: Vec<Vec<Column>>) -> Sql {
    let mut sql = Sql::new("");
    let names: Vec<&str> = rows.first().map(|r| r.iter().map(|(name, _)| *name).collect()).unwrap_or_default();
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        debug_assert_eq!(row.iter().map(|(name, _)| *name).collect::<Vec<_>>(), names, "one column list");
        let holders: Vec<String> = row.into_iter().map(|(_, value)| bind_column(&mut sql, value)).collect();
        values.push(format!("({})", holders.join(", ")));
    }
    sql.push(&format!("INSERT INTO {table} ({}) VALUES {}", names.join(", "), values.join(", ")));
    sql
}
