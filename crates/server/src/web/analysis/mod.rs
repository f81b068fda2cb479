//! Analysis pages: figures over the incidents the incident list's filters select.
pub mod attribution;
pub mod map;
