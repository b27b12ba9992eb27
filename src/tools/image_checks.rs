//! Checks that run inside component images on Docker (`loki -verify-config`, `alloy fmt`,
//! `jaeger validate`), for programs that have no local binary here.
