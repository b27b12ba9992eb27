use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = stackctl::cli::Cli::parse();
    match stackctl::commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            stackctl::output::print_error(&error);
            stackctl::commands::exit_code(&error)
        }
    }
}
