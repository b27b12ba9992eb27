//! `stackctl schema [--write]`: the manifest's JSON Schema, generated from the typed model, on
//! stdout or into `.stackctl/schema.json` beside the manifest (where `init`'s modeline points).

use std::process::ExitCode;

use crate::cli::{GlobalArgs, SchemaArgs};
use crate::manifest::schema::{manifest_schema_text, SCHEMA_FILE};

pub fn exec(global: &GlobalArgs, args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let text = manifest_schema_text();
    if !args.write {
        crate::output::print_data(&text);
        return Ok(ExitCode::SUCCESS);
    }
    let path = super::beside_manifest(global, SCHEMA_FILE);
    fs_err::create_dir_all(path.parent().expect("the schema file is in a directory"))?;
    crate::atomic_file::write(&path, &text, 0o644)?;
    crate::output::print_wrote(&[path]);
    Ok(ExitCode::SUCCESS)
}
