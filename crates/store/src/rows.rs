//! Reading typed values out of rows, shared by every record module: enums stored by their serde
//! names, JSON text columns, TLP markings, and the error for a row that does not decode.
use crate::StoreError;
use normwatch_core::marking::Recorded;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored value that cannot be read back (the database was changed outside normwatch).
pub(crate) fn corrupt(what: &str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt { what: what.into(), reason: reason.to_string() }
}

/// The serde name of a unit enum value (`Stance::Endorse` → `endorse`), as stored.
pub(crate) fn enum_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A unit enum stored by its serde name.
pub(crate) fn enum_column<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    enum_value(col, row.try_get(col)?)
}

/// An enum stored as its serde name, read from column `col` by either read path.
pub(crate) fn enum_value<T: serde::de::DeserializeOwned>(col: &str, v: String) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(v.clone())).map_err(|_| corrupt(col, v))
}

/// A JSON text column.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| corrupt(col, e))
}

/// The `tlp` column.
pub(crate) fn tlp_column(row: &AnyRow) -> Result<normwatch_core::Tlp, StoreError> {
    row.try_get::<String, _>("tlp")?.parse().map_err(|e: String| corrupt("tlp", e))
}

/// A record read from its row, each field named once: `field` reads the column of its name,
/// `field = "column"` another column, `field: expr` a value of its own.
macro_rules! read_row {
    ($row:expr, $record:ident { $($field:ident $(= $column:literal)? $(: $value:expr)?),* $(,)? }) => {
        $record { $($field: $crate::rows::read_row!(@field $row, $field $(= $column)? $(: $value)?),)* }
    };
    (@field $row:expr, $field:ident) => {
        sqlx::Row::try_get($row, stringify!($field))?
    };
    (@field $row:expr, $field:ident = $column:literal) => {
        sqlx::Row::try_get($row, $column)?
    };
    (@field $row:expr, $field:ident : $value:expr) => {
        $value
    };
}
pub(crate) use read_row;

/// How a marked record stands, from the columns every marked table has (`tlp`, `status`,
/// `recorded_by`, `created_at`, `updated_at`, `version`).
pub(crate) fn recorded(row: &AnyRow) -> Result<normwatch_core::marking::Recorded, StoreError> {
    Ok(read_row!(
        row,
        Recorded {
            tlp: tlp_column(row)?,
            status: enum_column(row, "status")?,
            recorded_by,
            created_at,
            updated_at,
            version,
        }
    ))
}
