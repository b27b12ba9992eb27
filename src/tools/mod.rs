//! The real programs' own checkers: promtool and amtool locally, the others inside their images.

pub mod image_checks;
