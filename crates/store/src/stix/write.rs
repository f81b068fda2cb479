//! Storing STIX object versions: `date_added` ordering under the head lock, batched inserts,
//! and the rule that only an object's creator makes new versions of it. Two ways in, one set of
//! statements and rules: through sqlx in the caller's transaction (`add_in`, both backends), and
//! on SQLite's direct write connection (`add_direct`, for imports and the sync of published
//! records: one blocking unit, a prepared insert per row, no statement text built per batch).
use super::{NewStixObject, StixAdded, StixScope, from_micros, micros};
use crate::StoreError;
use crate::direct::{all_rows, failed, numbered};
use crate::sql::Sql;
use normwatch_stix::versioning::{Held, Poster, refusal};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// Rows per INSERT statement (12 values each, within either backend's limit on placeholders).
const INSERT_ROWS: usize = 400;

/// Takes the stix_head row (the lock that orders `date_added`).
const LOCK_HEAD: &str = "UPDATE stix_head SET id = id WHERE id = 1 RETURNING last_added, synced_size";
/// Moves the head on: every kept TAXII page (`pages.rs`) is stale from here.
const SET_HEAD: &str = "UPDATE stix_head SET last_added = $1 WHERE id = 1";
/// A row's columns; `latest, earliest` come last, both 1: a new id is its own first and last
/// version, and ids with others are mended by `MEND_VERSIONS`.
const INSERT: &str = "INSERT INTO stix_objects (scope, stix_id, version_key, modified, stix_type, spec_version, tlp, \
     community_id, date_added, origin, added_by, body, latest, earliest) VALUES ";
const ON_CONFLICT: &str = " ON CONFLICT (scope, stix_id, version_key) DO NOTHING";
/// Which version is first and last changes only for ids this call gave another version
/// (rewriting every new row would write each body twice). $1 the scope, $2 the first
/// `date_added` given.
const MEND_VERSIONS: &str = "UPDATE stix_objects SET \
       latest = CASE WHEN version_key = (SELECT MAX(v.version_key) FROM stix_objects v WHERE v.scope = stix_objects.scope AND v.stix_id = stix_objects.stix_id) THEN 1 ELSE 0 END, \
       earliest = CASE WHEN version_key = (SELECT MIN(v.version_key) FROM stix_objects v WHERE v.scope = stix_objects.scope AND v.stix_id = stix_objects.stix_id) THEN 1 ELSE 0 END \
     WHERE scope = $1 AND stix_id IN (SELECT n.stix_id FROM stix_objects n WHERE n.scope = $1 AND n.date_added >= $2 \
       AND EXISTS (SELECT 1 FROM stix_objects o WHERE o.scope = n.scope AND o.stix_id = n.stix_id AND o.version_key <> n.version_key))";
/// What is held of some ids; the list follows.
const HELD: &str = "SELECT stix_id, version_key, origin, added_by, CASE WHEN earliest = 1 THEN body END AS first_body \
     FROM stix_objects WHERE stix_id IN ";
const STAKEHOLDERS: &str = "SELECT id FROM stakeholders";
const ACTS_FOR: &str = "SELECT stakeholder_id FROM accounts WHERE id = $1";

/// Takes the stix_head row (the lock that orders `date_added`) and returns the last one given.
pub(super) async fn lock_head(tx: &mut sqlx::AnyConnection) -> Result<(String, i64), StoreError> {
    let row = sqlx::query(LOCK_HEAD).fetch_one(&mut *tx).await?;
    Ok((row.try_get("last_added")?, row.try_get("synced_size")?))
}

/// [`lock_head`] on SQLite's direct write connection, in its transaction.
pub(super) fn lock_head_direct(tx: &rusqlite::Transaction<'_>) -> Result<(String, i64), StoreError> {
    tx.query_row(LOCK_HEAD, [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(failed)
}

/// Records how far into the log the STIX objects reach ($1, a log size).
pub(super) const SET_SYNCED: &str = "UPDATE stix_head SET synced_size = $1 WHERE id = 1";

/// Where a call's rows start: the first `date_added` it gives (now, or just after `last`, the
/// last one given) as a number and as text, and the scope's values for its rows.
fn start(last: &str, scope: &StixScope) -> (i128, String, (String, &'static str, Option<String>)) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000;
    let next = now.max(micros(last).unwrap_or(0) + 1);
    (next, from_micros(next), (scope.key(), scope.tlp.name(), scope.community.clone()))
}

/// The values of an object's row in `INSERT` order, before `latest, earliest`.
fn row_values<'a>(
    o: &'a NewStixObject,
    scope: &'a (String, &'static str, Option<String>),
    date_added: &'a str,
    origin: &'a str,
    added_by: Option<&'a str>,
) -> [Option<&'a str>; 12] {
    let (key, tlp, community) = scope;
    [
        Some(key),
        Some(&o.stix_id),
        Some(&o.version_key),
        o.modified.as_deref(),
        Some(&o.stix_type),
        Some(&o.spec_version),
        Some(tlp),
        community.as_deref(),
        Some(date_added),
        Some(origin),
        added_by,
        Some(&o.body),
    ]
}

pub(crate) async fn add_in(
    tx: &mut sqlx::AnyConnection,
    scope: &StixScope,
    origin: &str,
    added_by: Option<&str>,
    objects: &[NewStixObject],
) -> Result<StixAdded, StoreError> {
    if objects.is_empty() {
        return Ok(StixAdded::default());
    }
    let (last, _) = lock_head(tx).await?;
    // Under the head lock, so that no version slips in between the check and the insert.
    let (kept, refused) = if origin == "normwatch" {
        ((0..objects.len()).collect(), Vec::new())
    } else {
        let mut known = Known::default();
        for chunk in objects.chunks(INSERT_ROWS) {
            let mut sql = Sql::new("");
            let ids = sql.bind_list(chunk.iter().map(|o| o.stix_id.as_str()));
            sql.push(&format!("{HELD}{ids}"));
            for r in sql.query().fetch_all(&mut *tx).await? {
                known.add(
                    r.try_get("stix_id")?,
                    r.try_get("version_key")?,
                    &r.try_get::<String, _>("origin")?,
                    r.try_get("added_by")?,
                    r.try_get("first_body")?,
                );
            }
        }
        let mut stakeholders = Vec::new();
        for r in sqlx::query(STAKEHOLDERS).fetch_all(&mut *tx).await? {
            stakeholders.push(r.try_get("id")?);
        }
        let acts_for: Option<String> = match added_by {
            Some(account) => sqlx::query(ACTS_FOR)
                .bind(account)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("stakeholder_id"))
                .transpose()?
                .flatten(),
            None => None,
        };
        known.decide(objects, stakeholders, Poster { account: added_by, stakeholder: acts_for.as_deref() })
    };
    if kept.is_empty() {
        return Ok(StixAdded { refused, ..StixAdded::default() });
    }
    let (mut next, first, scoped) = start(&last, scope);
    let mut added = 0u64;
    for chunk in kept.chunks(INSERT_ROWS) {
        let mut sql = Sql::new(INSERT);
        let mut rows = Vec::with_capacity(chunk.len());
        for &i in chunk {
            let date = from_micros(next);
            next += 1;
            let values = row_values(&objects[i], &scoped, &date, origin, added_by)
                .map(|v| v.map_or_else(|| "NULL".to_owned(), |s| sql.bind(s)));
            rows.push(format!("({}, 1, 1)", values.join(", ")));
        }
        sql.push(&rows.join(", "));
        sql.push(ON_CONFLICT);
        added += sql.execute_in(tx).await?;
    }
    sqlx::query(MEND_VERSIONS).bind(&scoped.0).bind(&first).execute(&mut *tx).await?;
    sqlx::query(SET_HEAD).bind(from_micros(next - 1)).execute(&mut *tx).await?;
    Ok(StixAdded { added, unchanged: kept.len() as u64 - added, refused })
}

/// [`add_in`] on SQLite's direct write connection, in its transaction: the same statements and
/// rules, one prepared insert run per row.
pub(crate) fn add_direct(
    tx: &rusqlite::Transaction<'_>,
    scope: &StixScope,
    origin: &str,
    added_by: Option<&str>,
    objects: &[NewStixObject],
) -> Result<StixAdded, StoreError> {
    use rusqlite::{OptionalExtension, params, params_from_iter};
    if objects.is_empty() {
        return Ok(StixAdded::default());
    }
    let (last, _) = lock_head_direct(tx)?;
    let (kept, refused) = if origin == "normwatch" {
        ((0..objects.len()).collect(), Vec::new())
    } else {
        let mut known = Known::default();
        for chunk in objects.chunks(INSERT_ROWS) {
            let list = vec!["?"; chunk.len()].join(", ");
            let ids = chunk.iter().map(|o| rusqlite::types::Value::Text(o.stix_id.clone())).collect();
            let held = all_rows(tx, &format!("{HELD}({list})"), ids, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
            })?;
            for (id, version, origin, added_by, first_body) in held {
                known.add(id, version, &origin, added_by, first_body);
            }
        }
        let stakeholders = all_rows(tx, STAKEHOLDERS, Vec::new(), |r| r.get(0))?;
        let acts_for: Option<String> = match added_by {
            Some(account) => {
                tx.query_row(&numbered(ACTS_FOR), [account], |r| r.get(0)).optional().map_err(failed)?.flatten()
            }
            None => None,
        };
        known.decide(objects, stakeholders, Poster { account: added_by, stakeholder: acts_for.as_deref() })
    };
    if kept.is_empty() {
        return Ok(StixAdded { refused, ..StixAdded::default() });
    }
    let (mut next, first, scoped) = start(&last, scope);
    let placeholders = (1..=12).map(|n| format!("?{n}")).collect::<Vec<_>>().join(", ");
    let mut insert = tx.prepare_cached(&format!("{INSERT}({placeholders}, 1, 1){ON_CONFLICT}")).map_err(failed)?;
    let mut added = 0u64;
    for &i in &kept {
        let date = from_micros(next);
        next += 1;
        let values = row_values(&objects[i], &scoped, &date, origin, added_by);
        added += insert.execute(params_from_iter(values)).map_err(failed)? as u64;
    }
    tx.execute(&numbered(MEND_VERSIONS), params![scoped.0, first]).map_err(failed)?;
    tx.execute(&numbered(SET_HEAD), [from_micros(next - 1)]).map_err(failed)?;
    Ok(StixAdded { added, unchanged: kept.len() as u64 - added, refused })
}

type Refusal = (String, Option<String>, String);

/// What the store holds of the incoming ids, read under the head lock.
#[derive(Default)]
struct Known {
    held: HashMap<String, Held>,
    versions: HashSet<(String, String)>,
}

impl Known {
    /// One held version: its id, version key, origin, who shared it and, for an id's first
    /// version, its body (whose `created_by_ref` later versions must keep).
    fn add(&mut self, id: String, version: String, origin: &str, added_by: Option<String>, first_body: Option<String>) {
        self.versions.insert((id.clone(), version));
        let entry = self.held.entry(id).or_insert(Held { ours: false, created_by_ref: None, shared_by: None });
        entry.ours |= origin == "normwatch";
        if let Some(body) = first_body {
            entry.created_by_ref = created_by(&body);
            entry.shared_by = added_by;
        }
    }

    /// Splits incoming objects into those that may be stored (their indices) and the new
    /// versions that only their creator may make (see `normwatch_stix::versioning`). A version
    /// the store already holds is never refused: sending it again changes nothing.
    /// `stakeholders`: the ids registered here, whose identities an account may speak as only
    /// when it acts for them.
    fn decide(
        &self,
        objects: &[NewStixObject],
        stakeholders: Vec<String>,
        who: Poster<'_>,
    ) -> (Vec<usize>, Vec<Refusal>) {
        let registered: HashMap<String, String> =
            stakeholders.into_iter().map(|id| (normwatch_stix::export::stakeholder_identity_id(&id), id)).collect();
        let mut kept = Vec::with_capacity(objects.len());
        let mut refused = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            let again = self.versions.contains(&(o.stix_id.clone(), o.version_key.clone()));
            let creator = o.created_by_ref.clone();
            let claimed = creator.as_ref().and_then(|c| registered.get(c)).map(String::as_str);
            match refusal(self.held.get(&o.stix_id), creator.as_deref(), claimed, who).filter(|_| !again) {
                Some(why) => refused.push((o.stix_id.clone(), o.modified.clone(), why)),
                None => kept.push(i),
            }
        }
        (kept, refused)
    }
}

fn created_by(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Creator {
        created_by_ref: Option<String>,
    }
    serde_json::from_str::<Creator>(body).ok().and_then(|c| c.created_by_ref)
}
