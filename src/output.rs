//! All printing: tables, progress, JSON, and error display (`error:` / `caused by:` / `hint:`).

/// Prints an error chain to stderr in the `error:` / `caused by:` / `hint:` layout.
pub fn print_error(error: &anyhow::Error) {
    let mut chain = error.chain();
    if let Some(first) = chain.next() {
        eprintln!("error: {first}");
    }
    for cause in chain {
        eprintln!("  caused by: {cause}");
    }
}
