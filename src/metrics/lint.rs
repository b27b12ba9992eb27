//! The metric-name lint (filled in below).
