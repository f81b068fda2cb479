//! A dataset's CSV files staged in a scratch SQLite file (in a temporary folder, gone after the
//! import): an importer then joins its files and walks its incidents a chunk at a time, so what
//! it holds in memory follows the chunk, not the dataset. A file is read once, whole, before
//! anything is stored, so a file that is not valid CSV stops the import as it did.
use super::{Table, column};
use anyhow::{Context, Result};
use std::io::Read;

/// Rows inserted per transaction while staging (a commit each, the file need not survive).
const STAGE_BATCH: usize = 10_000;

#[derive(Debug)]
pub(super) struct Stage {
    conn: rusqlite::Connection,
    files: Vec<StagedFile>,
    _dir: tempfile::TempDir,
}

/// One staged file: its table, how errors name it, its header.
#[derive(Debug)]
struct StagedFile {
    name: String,
    headers: Vec<String>,
}

/// A file of a [`Stage`].
#[derive(Debug, Clone, Copy)]
pub(super) struct File(usize);

/// The first rows of a file from a row on, and where they end.
pub(super) struct Rows {
    pub(super) table: Table,
    /// The row number (1-based, the header not counted) of the last row, to go on after.
    pub(super) last: i64,
}

fn sql_failed(e: rusqlite::Error) -> anyhow::Error {
    anyhow::anyhow!("the import's scratch database failed: {e}")
}

impl Stage {
    pub(super) fn new() -> Result<Stage> {
        let dir = tempfile::tempdir().context("cannot make a temporary folder for the import")?;
        let conn = rusqlite::Connection::open(dir.path().join("stage.db")).map_err(sql_failed)?;
        // A scratch file: no journal, no syncs, a modest page cache.
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384;")
            .map_err(sql_failed)?;
        Ok(Stage { conn, files: Vec::new(), _dir: dir })
    }

    /// Stages a CSV file whose rows are joined on the column `key`.
    pub(super) fn load(&mut self, input: impl Read, name: &str, key: &str) -> Result<File> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let headers: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
        let key_at = column(&headers, key, name)?;
        let file = File(self.files.len());
        let table = format!("f{}", file.0);
        self.conn
            .execute_batch(&format!("CREATE TABLE {table} (n INTEGER PRIMARY KEY, k TEXT NOT NULL, f TEXT NOT NULL)"))
            .map_err(sql_failed)?;
        let insert = format!("INSERT INTO {table} (n, k, f) VALUES (?1, ?2, ?3)");
        let mut records = reader.records().enumerate().peekable();
        while records.peek().is_some() {
            let tx = self.conn.unchecked_transaction().map_err(sql_failed)?;
            {
                let mut statement = tx.prepare_cached(&insert).map_err(sql_failed)?;
                for (i, record) in records.by_ref().take(STAGE_BATCH) {
                    let record = record.with_context(|| format!("{name}: record {} is not valid CSV", i + 1))?;
                    let fields: Vec<&str> = record.iter().map(str::trim).collect();
                    let n = i64::try_from(i + 1).context("too many rows")?;
                    let f = serde_json::to_string(&fields)?;
                    statement.execute(rusqlite::params![n, fields[key_at], f]).map_err(sql_failed)?;
                }
            }
            tx.commit().map_err(sql_failed)?;
        }
        self.conn.execute_batch(&format!("CREATE INDEX {table}_k ON {table} (k, n)")).map_err(sql_failed)?;
        self.files.push(StagedFile { name: name.to_owned(), headers });
        Ok(file)
    }

    fn table_of(&self, file: File, rows: Vec<Vec<String>>) -> Table {
        let staged = &self.files[file.0];
        Table { name: staged.name.clone(), headers: staged.headers.clone(), rows }
    }

    fn read(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<(i64, Vec<String>)>> {
        let mut statement = self.conn.prepare_cached(sql).map_err(sql_failed)?;
        let mut rows = statement.query(params).map_err(sql_failed)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(sql_failed)? {
            let n: i64 = r.get(0).map_err(sql_failed)?;
            let f: String = r.get(1).map_err(sql_failed)?;
            out.push((n, serde_json::from_str(&f).context("a staged row is unreadable")?));
        }
        Ok(out)
    }

    /// Up to `limit` rows of `file` after row `after`, in file order; `None` after the last.
    pub(super) fn rows_after(&self, file: File, after: i64, limit: usize) -> Result<Option<Rows>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows =
            self.read(&format!("SELECT n, f FROM f{} WHERE n > ?1 ORDER BY n LIMIT ?2", file.0), [after, limit])?;
        let Some(last) = rows.last().map(|(n, _)| *n) else { return Ok(None) };
        Ok(Some(Rows { table: self.table_of(file, rows.into_iter().map(|(_, f)| f).collect()), last }))
    }

    /// The rows of `file` whose key is one of `keys`, in file order.
    pub(super) fn rows_with_keys(&self, file: File, keys: &[&str]) -> Result<Table> {
        let mut rows = Vec::new();
        // Within SQLite's limit on bound values.
        for chunk in keys.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT n, f FROM f{} WHERE k IN ({marks})", file.0);
            rows.extend(self.read(&sql, rusqlite::params_from_iter(chunk))?);
        }
        rows.sort_by_key(|(n, _)| *n);
        Ok(self.table_of(file, rows.into_iter().map(|(_, f)| f).collect()))
    }

    /// The rows of `file` whose key no row of `other` has, with their row numbers.
    pub(super) fn unmatched(&self, file: File, other: File) -> Result<Vec<(i64, Vec<String>)>> {
        let (a, b) = (file.0, other.0);
        self.read(
            &format!("SELECT n, f FROM f{a} WHERE NOT EXISTS (SELECT 1 FROM f{b} WHERE f{b}.k = f{a}.k) ORDER BY n"),
            [],
        )
    }

    /// How many rows `file` has.
    pub(super) fn len(&self, file: File) -> Result<u64> {
        let n: i64 =
            self.conn.query_row(&format!("SELECT count(*) FROM f{}", file.0), [], |r| r.get(0)).map_err(sql_failed)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(super) fn headers(&self, file: File) -> &[String] {
        &self.files[file.0].headers
    }

    pub(super) fn name(&self, file: File) -> &str {
        &self.files[file.0].name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_joined_on_their_keys_in_file_order() {
        let mut stage = Stage::new().expect("stage");
        let a = stage.load("ID,name\n2,b\n1, a \n3,c\n".as_bytes(), "a.csv", "ID").expect("a");
        let b = stage.load("x,ref\np,3\nq,1\nr,3\ns,9\n".as_bytes(), "b.csv", "ref").expect("b");
        let first = stage.rows_after(a, 0, 2).expect("read").expect("rows");
        assert_eq!(first.table.rows, [vec!["2", "b"], vec!["1", "a"]], "trimmed, in file order");
        assert_eq!(first.last, 2);
        let rest = stage.rows_after(a, first.last, 2).expect("read").expect("rows");
        assert_eq!(rest.table.rows, [vec!["3", "c"]]);
        assert!(stage.rows_after(a, rest.last, 2).expect("read").is_none());
        let joined = stage.rows_with_keys(b, &["3", "1"]).expect("join");
        assert_eq!(joined.rows, [vec!["p", "3"], vec!["q", "1"], vec!["r", "3"]]);
        assert_eq!(joined.headers, ["x", "ref"]);
        assert_eq!(stage.unmatched(b, a).expect("orphans"), [(4, vec!["s".to_owned(), "9".to_owned()])]);
        let bad = stage.load("ID\n1\n2,3\n".as_bytes(), "bad.csv", "ID").expect_err("a row too long");
        assert!(bad.to_string().contains("bad.csv: record 2 is not valid CSV"), "{bad}");
        let missing = stage.load("a,b\n1,2\n".as_bytes(), "c.csv", "ID").expect_err("no key column");
        assert!(missing.to_string().contains("has no column `ID`"), "{missing}");
    }
}
