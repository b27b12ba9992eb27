//! Facts about the programs stackctl runs, below both `manifest` and `render`: which releases
//! are supported (`versions`) and which release first has each version-dependent key (`gates`).
//!
//! Plain data and lookups only; validation and rendering both read it, neither owns it.

pub mod gates;
pub mod versions;
