//! `stackctl man [--dir DIR]`: man pages generated from the clap model (clap_mangen): the
//! top-level page on stdout, or `stackctl.1` and one `stackctl-COMMAND.1` per command in DIR.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory as _;

use crate::cli::{Cli, ManArgs};

pub fn exec(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let command = Cli::command();
    let Some(dir) = &args.dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        std::io::stdout().write_all(&page)?;
        return Ok(ExitCode::SUCCESS);
    };
    fs_err::create_dir_all(dir)?;
    clap_mangen::generate_to(command, dir)
        .with_context(|| format!("cannot write man pages into `{}`", dir.display()))?;
    let mut written: Vec<String> = fs_err::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("stackctl") && name.ends_with(".1"))
        .collect();
    written.sort();
    let paths: Vec<_> = written.iter().map(|name| dir.join(name)).collect();
    crate::output::print_wrote(&paths);
    Ok(ExitCode::SUCCESS)
}
