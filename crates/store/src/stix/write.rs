//! Storing STIX object versions: `date_added` ordering under the head lock, batched inserts,
//! and the rule that only an object's creator makes new versions of it.
use super::{NewStixObject, StixAdded, StixScope, from_micros, micros};
use crate::StoreError;
use crate::sql::Sql;
use sqlx::Row;

/// Rows per INSERT statement (12 values each, within either backend's limit on placeholders).
const INSERT_ROWS: usize = 400;

/// Takes the stix_head row (the lock that orders `date_added`) and returns the last one given.
pub(super) async fn lock_head(tx: &mut sqlx::AnyConnection) -> Result<(String, i64), StoreError> {
    let row = sqlx::query("UPDATE stix_head SET id = id WHERE id = 1 RETURNING last_added, synced_size")
        .fetch_one(&mut *tx)
        .await?;
    Ok((row.try_get("last_added")?, row.try_get("synced_size")?))
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
        (objects.to_vec(), Vec::new())
    } else {
        creators_only(tx, objects, added_by).await?
    };
    let objects = &kept[..];
    if objects.is_empty() {
        return Ok(StixAdded { refused, ..StixAdded::default() });
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000;
    let mut next = now.max(micros(&last).unwrap_or(0) + 1);
    let first_added = from_micros(next);
    let key = scope.key();
    let mut added = 0u64;
    for chunk in objects.chunks(INSERT_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO stix_objects (scope, stix_id, version_key, modified, stix_type, spec_version, tlp, \
             community_id, date_added, origin, added_by, body, latest, earliest) VALUES ",
        );
        let mut rows = Vec::with_capacity(chunk.len());
        for o in chunk {
            let values = [
                sql.bind(key.clone()),
                sql.bind(o.stix_id.clone()),
                sql.bind(o.version_key.clone()),
                match &o.modified {
                    Some(m) => sql.bind(m.clone()),
                    None => "NULL".to_owned(),
                },
                sql.bind(o.stix_type.clone()),
                sql.bind(o.spec_version.clone()),
                sql.bind(scope.tlp.name()),
                match &scope.community {
                    Some(c) => sql.bind(c.clone()),
                    None => "NULL".to_owned(),
                },
                sql.bind(from_micros(next)),
                sql.bind(origin),
                match added_by {
                    Some(a) => sql.bind(a),
                    None => "NULL".to_owned(),
                },
                sql.bind(o.body.clone()),
            ];
            next += 1;
            // A new id is its own first and last version; ids with others are mended below.
            rows.push(format!("({}, 1, 1)", values.join(", ")));
        }
        sql.push(&rows.join(", "));
        sql.push(" ON CONFLICT (scope, stix_id, version_key) DO NOTHING");
        added += sql.execute_in(tx).await?;
    }
    // Which version is first and last changes only for ids this call gave another version
    // (rewriting every new row would write each body twice).
    sqlx::query(
        "UPDATE stix_objects SET \
           latest = CASE WHEN version_key = (SELECT MAX(v.version_key) FROM stix_objects v WHERE v.scope = stix_objects.scope AND v.stix_id = stix_objects.stix_id) THEN 1 ELSE 0 END, \
           earliest = CASE WHEN version_key = (SELECT MIN(v.version_key) FROM stix_objects v WHERE v.scope = stix_objects.scope AND v.stix_id = stix_objects.stix_id) THEN 1 ELSE 0 END \
         WHERE scope = $1 AND stix_id IN (SELECT n.stix_id FROM stix_objects n WHERE n.scope = $1 AND n.date_added >= $2 \
           AND EXISTS (SELECT 1 FROM stix_objects o WHERE o.scope = n.scope AND o.stix_id = n.stix_id AND o.version_key <> n.version_key))",
    )
    .bind(&key)
    .bind(&first_added)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE stix_head SET last_added = $1 WHERE id = 1")
        .bind(from_micros(next - 1))
        .execute(&mut *tx)
        .await?;
    Ok(StixAdded { added, unchanged: objects.len() as u64 - added, refused })
}

type Refusal = (String, Option<String>, String);

/// Splits incoming objects into those that may be stored and the new versions that only their
/// creator may make (see `normwatch_stix::versioning`). A version the store already holds is
/// never refused: sending it again changes nothing.
async fn creators_only(
    tx: &mut sqlx::AnyConnection,
    objects: &[NewStixObject],
    poster: Option<&str>,
) -> Result<(Vec<NewStixObject>, Vec<Refusal>), StoreError> {
    use normwatch_stix::versioning::{Held, refusal};
    use std::collections::{HashMap, HashSet};
    let mut held: HashMap<String, Held> = HashMap::new();
    let mut versions: HashSet<(String, String)> = HashSet::new();
    for chunk in objects.chunks(INSERT_ROWS) {
        let mut sql = Sql::new("");
        let ids = sql.bind_list(chunk.iter().map(|o| o.stix_id.as_str()));
        sql.push(&format!(
            "SELECT stix_id, version_key, origin, added_by, CASE WHEN earliest = 1 THEN body END AS first_body \
             FROM stix_objects WHERE stix_id IN {ids}"
        ));
        for r in sql.query().fetch_all(&mut *tx).await? {
            let id: String = r.try_get("stix_id")?;
            versions.insert((id.clone(), r.try_get("version_key")?));
            let origin: String = r.try_get("origin")?;
            let entry = held.entry(id).or_insert(Held { ours: false, created_by_ref: None, shared_by: None });
            entry.ours |= origin == "normwatch";
            if let Some(body) = r.try_get::<Option<String>, _>("first_body")? {
                entry.created_by_ref = created_by(&body);
                entry.shared_by = r.try_get("added_by")?;
            }
        }
    }
    // Whose identities are registered here, and whom the poster acts for.
    let mut registered: HashMap<String, String> = HashMap::new();
    for r in sqlx::query("SELECT id FROM stakeholders").fetch_all(&mut *tx).await? {
        let id: String = r.try_get("id")?;
        registered.insert(normwatch_stix::export::stakeholder_identity_id(&id), id);
    }
    let acts_for: Option<String> = match poster {
        Some(account) => sqlx::query("SELECT stakeholder_id FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("stakeholder_id"))
            .transpose()?
            .flatten(),
        None => None,
    };
    let who = normwatch_stix::versioning::Poster { account: poster, stakeholder: acts_for.as_deref() };
    let mut kept = Vec::with_capacity(objects.len());
    let mut refused = Vec::new();
    for o in objects {
        let again = versions.contains(&(o.stix_id.clone(), o.version_key.clone()));
        let creator = created_by(&o.body);
        let claimed = creator.as_ref().and_then(|c| registered.get(c)).map(String::as_str);
        match refusal(held.get(&o.stix_id), creator.as_deref(), claimed, who).filter(|_| !again) {
            Some(why) => refused.push((o.stix_id.clone(), o.modified.clone(), why)),
            None => kept.push(o.clone()),
        }
    }
    Ok((kept, refused))
}

fn created_by(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Creator {
        created_by_ref: Option<String>,
    }
    serde_json::from_str::<Creator>(body).ok().and_then(|c| c.created_by_ref)
}
