//! Writes a `RenderedStack` into the output directory atomically; secrets 0600.
