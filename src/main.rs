use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = stackctl::cli::Cli::parse_from(stackctl::cli::args_from(std::env::args_os()));
    match stackctl::commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            stackctl::output::print_error(&error);
            stackctl::error::exit_code(&error)
        }
    }
}
