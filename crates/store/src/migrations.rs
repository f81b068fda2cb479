//! The schema migrations of each backend, embedded from the one set in `migrations/` (see
//! `build.rs` for how a file says what differs between SQLite and PostgreSQL).
use crate::Backend;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};
use std::borrow::Cow;
use std::sync::LazyLock;

mod listed {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

fn migrator(list: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = list
        .iter()
        .map(|&(version, description, sql)| {
            let no_tx = sql.starts_with("-- no-transaction");
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                AssertSqlSafe(sql).into_sql_str(),
                no_tx,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ignore_missing: false,
        locking: true,
        no_tx: false,
        table_name: Cow::Borrowed("_sqlx_migrations"),
        create_schemas: Cow::Borrowed(&[]),
    }
}

static SQLITE: LazyLock<Migrator> = LazyLock::new(|| migrator(listed::SQLITE));
static POSTGRES: LazyLock<Migrator> = LazyLock::new(|| migrator(listed::POSTGRES));

/// The migrations `backend` runs, in order.
pub(crate) fn for_backend(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A released migration never changes: a database records each one's SHA-384 and refuses to
    /// start when the text it would run differs. The first 16 hex digits of each, as released.
    const RELEASED: &[(Backend, i64, &str)] = &[
        (Backend::Sqlite, 1, "f3d8485698455055"),
        (Backend::Postgres, 1, "2dd6a334998c1532"),
        (Backend::Sqlite, 2, "ccc334345bb74bc6"),
        (Backend::Postgres, 2, "91697f180e8318f7"),
        (Backend::Sqlite, 3, "6e0464a8de4f4032"),
        (Backend::Postgres, 3, "6e0464a8de4f4032"),
        (Backend::Sqlite, 4, "c7e46b3e4996684d"),
        (Backend::Postgres, 4, "c7e46b3e4996684d"),
        (Backend::Sqlite, 5, "c28d4c07003eda53"),
        (Backend::Postgres, 5, "c28d4c07003eda53"),
        (Backend::Sqlite, 6, "8cb19eead3833f3a"),
        (Backend::Postgres, 6, "8cb19eead3833f3a"),
        (Backend::Sqlite, 7, "db99298a658b320c"),
        (Backend::Postgres, 7, "db99298a658b320c"),
        (Backend::Sqlite, 8, "db7883e0d590c161"),
        (Backend::Postgres, 8, "db7883e0d590c161"),
        (Backend::Sqlite, 9, "ec66be542d6da118"),
        (Backend::Postgres, 9, "ec66be542d6da118"),
        (Backend::Sqlite, 10, "75cee00736ddac7f"),
        (Backend::Postgres, 10, "75cee00736ddac7f"),
        (Backend::Sqlite, 11, "2e72f7567bcaa916"),
        (Backend::Postgres, 11, "2e72f7567bcaa916"),
        (Backend::Sqlite, 12, "f6ad56a1afa124df"),
        (Backend::Postgres, 12, "f6ad56a1afa124df"),
        (Backend::Sqlite, 13, "4929bd11fe80c037"),
        (Backend::Postgres, 13, "4929bd11fe80c037"),
        (Backend::Sqlite, 14, "688d79413010db12"),
        (Backend::Postgres, 14, "ab24de636c7ca1e4"),
        (Backend::Sqlite, 15, "eaf288476030f750"),
        (Backend::Postgres, 15, "7dd54e0fa7c10b3f"),
        (Backend::Sqlite, 16, "e765915b4ea34644"),
        (Backend::Postgres, 16, "f92542cefbc23999"),
        (Backend::Sqlite, 17, "dfa03781e773dced"),
        (Backend::Postgres, 17, "dfa03781e773dced"),
        (Backend::Sqlite, 18, "11a463101ffef37f"),
        (Backend::Postgres, 18, "11a463101ffef37f"),
        (Backend::Sqlite, 19, "c100ed9d412bb091"),
        (Backend::Postgres, 19, "c100ed9d412bb091"),
        (Backend::Sqlite, 20, "1393f75ff8b73326"),
        (Backend::Postgres, 20, "1393f75ff8b73326"),
        (Backend::Sqlite, 21, "77492ec5205fccc9"),
        (Backend::Postgres, 21, "77492ec5205fccc9"),
        (Backend::Sqlite, 22, "0be083d5fbc10fcf"),
        (Backend::Postgres, 22, "0be083d5fbc10fcf"),
        (Backend::Sqlite, 23, "337708c87a50a635"),
        (Backend::Postgres, 23, "337708c87a50a635"),
        (Backend::Sqlite, 24, "39e53f4666982870"),
        (Backend::Postgres, 24, "39e53f4666982870"),
        (Backend::Sqlite, 25, "97838d396cd2f437"),
        (Backend::Postgres, 25, "97838d396cd2f437"),
        (Backend::Sqlite, 26, "321ce9214fefee6f"),
        (Backend::Postgres, 26, "321ce9214fefee6f"),
        (Backend::Sqlite, 27, "4e93649eea2a7025"),
        (Backend::Postgres, 27, "36e288883896a355"),
        (Backend::Sqlite, 28, "804591a1242f8bc1"),
        (Backend::Postgres, 28, "2dd09d36d26d03cf"),
        (Backend::Sqlite, 29, "6c87a147fcc8a1ef"),
        (Backend::Postgres, 29, "6c87a147fcc8a1ef"),
        (Backend::Sqlite, 30, "23904a9446c062ea"),
        (Backend::Postgres, 30, "23904a9446c062ea"),
        (Backend::Sqlite, 31, "eb325199384973c2"),
        (Backend::Postgres, 31, "d57e4a6fd55877e4"),
    ];

    #[test]
    fn released_migrations_keep_their_checksums() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let have = &for_backend(backend).migrations;
            let released: Vec<_> = RELEASED.iter().filter(|(b, _, _)| *b == backend).collect();
            assert!(have.len() >= released.len(), "{backend:?}: a released migration is missing");
            for ((_, version, sum), m) in released.iter().zip(have.iter()) {
                assert_eq!(m.version, *version, "{backend:?}: migrations out of order");
                assert_eq!(
                    &hex::encode(&m.checksum)[..16],
                    *sum,
                    "{backend:?}: migration {version} was changed after release"
                );
            }
        }
    }

    #[test]
    fn a_line_marked_for_one_backend_is_only_in_that_backends_text() {
        let sqlite = &for_backend(Backend::Sqlite).migrations[0];
        let postgres = &for_backend(Backend::Postgres).migrations[0];
        assert!(sqlite.sql.as_str().contains("USING fts5"), "{}", sqlite.sql.as_str());
        assert!(!postgres.sql.as_str().contains("fts5"));
        assert!(postgres.sql.as_str().contains("pg_trgm"));
        assert!(!sqlite.sql.as_str().contains("--sqlite: ") && !postgres.sql.as_str().contains("--postgres: "));
    }
}
