//! The tests that need no Docker daemon, in one test crate (one binary to build and link):
//! the CLI on the real binary, the renderers, the real checkers, golden snapshots. Each file is
//! a module; the helpers they share are the support modules below (`common` is shared with the
//! Docker tests, which stay crates of their own, run one after the other).

mod alertmanager_support;
#[path = "../common/mod.rs"]
mod common;
mod logs_fixtures;
mod prometheus_support;
mod rules_common;
mod seeds_support;

mod alertmanager_amtool;
mod alertmanager_channels;
mod alertmanager_render;
mod checks_render;
mod cli_editors;
mod cli_help;
mod cli_init;
mod cli_load_errors;
mod cli_metric_lint;
mod cli_operator_files;
mod cli_operator_verbs;
mod cli_output;
mod cli_output_dir;
mod cli_render;
mod cli_render_secrets;
mod cli_validate;
mod cli_validate_signals;
mod cli_versions;
mod compose_export;
mod dashboards_models;
mod dashboards_promql;
mod dashboards_schema;
mod expression_errors;
mod expressions_parse;
mod golden;
mod grafana_provisioning;
mod jaeger_render;
mod logs_commands;
mod logs_configs;
mod logs_problems;
mod manifest_errors;
mod manifest_fuzz;
mod passthrough_render;
mod prometheus_blackbox;
mod prometheus_docker_sd;
mod prometheus_hostile;
mod prometheus_promtool;
mod prometheus_server;
mod prometheus_structure;
mod rules_errors;
mod rules_groups;
mod rules_presets;
mod rules_slo;
mod seeds;
mod swarm_healthcheck;
