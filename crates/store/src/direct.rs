//! SQLite without sqlx: a page's query, or a batch's writes, runs as one blocking unit on a
//! connection of our own (rusqlite, statements prepared once per connection and cached), instead
//! of each row being handed from sqlx's SQLite worker thread to the async task and back. Under
//! load those handoffs, not SQLite, were most of a TAXII page's time (issue 18's profile). Reads
//! run on read-only connections beside any writer (WAL); a batch of refetchable data written here
//! takes the same write lock as sqlx's writers (`BEGIN IMMEDIATE`) on the one write connection
//! kept here.
use crate::StoreError;
use crate::sql::{Bind, Sql};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Read-only connections to one SQLite file, opened as needed and kept for reuse, and one
/// read-write connection for batches.
#[derive(Debug)]
pub(crate) struct Direct {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    writer: Mutex<Option<rusqlite::Connection>>,
}

/// Statements kept prepared per connection: the page shapes a server answers over and over.
const STATEMENT_CACHE: usize = 64;
/// Connections kept idle (more may be open at once under load; the rest are closed after use).
const IDLE: usize = 4;

pub(crate) fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Direct(e.to_string())
}

impl Direct {
    /// The reader of a `sqlite://PATH[?…]` URL; `None` for anything else (an in-memory database
    /// cannot be shared with a second connection).
    pub(crate) fn for_url(url: &str) -> Option<Arc<Direct>> {
        let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        if path.is_empty() || path.starts_with(":memory:") {
            return None;
        }
        Some(Arc::new(Direct { path: PathBuf::from(path), idle: Mutex::new(Vec::new()), writer: Mutex::new(None) }))
    }

    fn open(&self) -> Result<rusqlite::Connection, StoreError> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(&self.path, flags).map_err(failed)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(failed)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// The write connection: foreign keys enforced, as sqlx's; commits with `synchronous =
    /// NORMAL` (the WAL is synced at checkpoints, not at each commit), which only data another
    /// instance sends again may use — see `write_refetchable`.
    fn open_writer(&self) -> Result<rusqlite::Connection, StoreError> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(&self.path, flags).map_err(failed)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(failed)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(failed)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(failed)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// Runs `work` on a connection of the pool, on a blocking thread.
    pub(crate) async fn read<T, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let me = Arc::clone(self);
        blocking(move || {
            let taken = me.idle.lock().map_err(failed)?.pop();
            let conn = match taken {
                Some(c) => c,
                None => me.open()?,
            };
            let result = work(&conn);
            let mut idle = me.idle.lock().map_err(failed)?;
            // One left inside a read transaction would read an old snapshot from then on (the
            // search index's freshness check reads here): it is dropped instead.
            if idle.len() < IDLE && conn.is_autocommit() {
                idle.push(conn);
            }
            result
        })
        .await
    }

    /// Runs `work` in one write transaction (`BEGIN IMMEDIATE`: the write lock at once, waiting
    /// for sqlx's writers as they wait for it), committed when it succeeds and rolled back when
    /// it fails. Only for data that can be had again, written with what says how far it came: a
    /// peer's records and its cursor, an imported STIX bundle, the STIX objects made from the
    /// log and `synced_size`. Consistent after a crash, though the last batches may be gone and
    /// are then fetched or made again. (Records that exist nowhere else commit through sqlx,
    /// with `synchronous = FULL`.)
    pub(crate) async fn write_refetchable<T, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let me = Arc::clone(self);
        blocking(move || {
            let mut slot = me.writer.lock().map_err(failed)?;
            if slot.is_none() {
                *slot = Some(me.open_writer()?);
            }
            let Some(conn) = slot.as_mut() else { return Err(failed("no write connection")) };
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(failed)?;
            let result = work(&tx)?;
            tx.commit().map_err(failed)?;
            Ok(result)
        })
        .await
    }
}

/// Runs `run` where blocking is allowed. On the server's runtime it runs where the request is
/// (its other tasks move to another worker), without waking a pool thread and waiting for it;
/// elsewhere (a single-threaded test runtime) on the blocking pool.
async fn blocking<T, F>(run: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
{
    let multi = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi { tokio::task::block_in_place(run) } else { tokio::task::spawn_blocking(run).await.map_err(failed)? }
}

impl Sql {
    /// The text with SQLite's numbered placeholders (`?N` binds the N-th value wherever it
    /// appears), and the values, for a direct read.
    pub(crate) fn for_rusqlite(&self) -> (String, Vec<rusqlite::types::Value>) {
        let text = numbered(&self.text);
        let values = self
            .binds()
            .iter()
            .map(|b| match b {
                Bind::Text(s) => rusqlite::types::Value::Text(s.clone()),
                Bind::Int(i) => rusqlite::types::Value::Integer(*i),
            })
            .collect();
        (text, values)
    }
}

/// A statement's text with SQLite's numbered placeholders: `$N` becomes `?N`, which binds the
/// N-th value wherever it appears.
pub(crate) fn numbered(sql: &str) -> String {
    let mut text = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let placeholder = c == '$' && chars.peek().is_some_and(char::is_ascii_digit);
        text.push(if placeholder { '?' } else { c });
    }
    text
}

/// Every row of `sql` read with `row`, in one blocking unit.
pub(crate) fn all_rows<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    values: Vec<rusqlite::types::Value>,
    mut row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(failed)?;
    let mut rows = statement.query(rusqlite::params_from_iter(values)).map_err(failed)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(failed)? {
        out.push(row(r).map_err(failed)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_get_a_direct_reader() {
        assert_eq!(
            Direct::for_url("sqlite:///var/lib/nw/normwatch.db?mode=rwc").map(|r| r.path.clone()),
            Some(PathBuf::from("/var/lib/nw/normwatch.db"))
        );
        assert!(Direct::for_url("sqlite::memory:").is_none());
        assert!(Direct::for_url("postgres://u@h/db").is_none());
    }

    #[tokio::test]
    async fn a_batch_commits_whole_or_not_at_all_with_foreign_keys_enforced() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        {
            let conn = rusqlite::Connection::open(&path).expect("open");
            conn.execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE p (id INTEGER PRIMARY KEY); \
                 CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER NOT NULL REFERENCES p(id));",
            )
            .expect("schema");
        }
        let direct = Direct::for_url(&format!("sqlite://{}?mode=rwc", path.display())).expect("a file");
        let count = |table: &'static str| {
            let direct = Arc::clone(&direct);
            async move {
                direct
                    .read(move |conn| {
                        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get::<_, i64>(0))
                            .map_err(failed)
                    })
                    .await
                    .expect("count")
            }
        };
        let kept = direct
            .write_refetchable(|tx| {
                tx.execute("INSERT INTO p (id) VALUES (1)", []).map_err(failed)?;
                tx.execute("INSERT INTO c (id, p) VALUES (1, 1)", []).map_err(failed)
            })
            .await
            .expect("written");
        assert_eq!((kept, count("p").await, count("c").await), (1, 1, 1));
        // A child of no parent: the foreign key refuses it, and the row written before it in the
        // same batch goes too.
        let refused = direct
            .write_refetchable(|tx| {
                tx.execute("INSERT INTO p (id) VALUES (2)", []).map_err(failed)?;
                tx.execute("INSERT INTO c (id, p) VALUES (2, 99)", []).map_err(failed)
            })
            .await;
        assert!(matches!(refused, Err(StoreError::Direct(ref e)) if e.contains("FOREIGN KEY")), "{refused:?}");
        assert_eq!((count("p").await, count("c").await), (1, 1));
    }

    #[test]
    fn placeholders_become_numbered_and_keep_their_values() {
        let mut sql = Sql::new("SELECT '$x' AS a WHERE b = ");
        let one = sql.bind("one");
        let two = sql.bind_int(2);
        sql.push(&format!("{one} AND c = {two} AND d = {one}"));
        let (text, values) = sql.for_rusqlite();
        assert_eq!(text, "SELECT '$x' AS a WHERE b = ?1 AND c = ?2 AND d = ?1");
        assert_eq!(values, vec![rusqlite::types::Value::Text("one".into()), rusqlite::types::Value::Integer(2)]);
        let conn = rusqlite::Connection::open_in_memory().expect("memory");
        let rows = all_rows(&conn, "SELECT ?1 || ?2", values, |r| r.get::<_, String>(0)).expect("query");
        assert_eq!(rows, vec!["one2".to_owned()]);
    }
}
