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
