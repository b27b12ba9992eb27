//! `${NAME}` and `${NAME:-default}` references in manifest values.
