//! What metrics the exporters stackctl deploys really expose, and the lint that compares
//! user expressions with it. Pure: no I/O beyond the catalog embedded in the binary.

pub mod catalog;
pub mod lint;
pub mod names;
