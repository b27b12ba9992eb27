//! Facts about the programs stackctl runs, below both `manifest` and `render`: the kinds of
//! component (`Kind`), each kind's image, ports and metrics endpoint (`components`), image
//! references (`image`), VictoriaMetrics' retention values (`retention`), which releases are
//! supported (`versions`) and which release first has each version-dependent key (`gates`).
//!
//! Plain data and lookups only; validation and rendering both read it, neither owns it.

pub mod components;
pub mod gates;
pub mod image;
mod kind;
pub mod retention;
pub mod versions;

pub use components::{entry, Entry, Runs};
pub(crate) use image::{image_and_version, image_tag, ImageRef};
pub use kind::{ExporterType, Kind};
