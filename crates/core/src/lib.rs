//! The normwatch domain, without I/O: the norm catalogue (documents, principles, framework
//! elements, recommendations, norms, taxonomies), its validation, bilingual text, and the
//! validated queries that the store and the interfaces share.
#![forbid(unsafe_code)]

pub mod access;
pub mod adoption;
pub mod capacity;
pub mod catalog;
pub mod cbm;
pub mod collection;
pub mod community;
pub mod consultation;
pub mod country;
pub mod country_display;
pub mod country_names;
pub mod evidence;
pub mod federation;
pub mod figures;
pub mod ids;
pub mod incident;
pub mod incident_sort;
pub mod lang;
pub mod linking;
pub mod marking;
pub mod metrics;
pub mod query;
pub mod record_kind;
pub mod screening;
pub mod vep;
pub mod violation;
pub mod vulnerability;

pub use access::{Account, RecordStatus, Right, Role, Tlp, Viewer};
pub use catalog::{Catalog, CatalogError, CatalogFile, Defect, Norm, Taxonomy};
pub use ids::{BadId, CommunityId, CountryCode, IncidentId, NormId, RecordId, StakeholderId};
pub use lang::{Lang, LangChoice, Localized};
pub use query::{FieldError, NormQuery};
pub use record_kind::{RecordKind, UnknownKind};
