//! Analysis pages: figures over the incidents the incident list's filters select.
pub mod attribution;
pub mod dyads;
mod frame;
pub mod index;
pub mod map;
pub mod norms;
pub mod operations;
