//! `stackctl notify test`'s pure core: which labels lead a synthetic alert to a receiver, the
//! alert Alertmanager is sent, and how its counters and log say each integration fared.
//! No I/O here; `commands::notify` does the HTTP and Docker calls.

pub mod alert;
pub mod counters;
pub mod report;
pub mod routing;
