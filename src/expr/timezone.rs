//! Time zone names (`location:` of Alertmanager time intervals) against the IANA database.
//!
//! The database is the one bundled into stackctl (jiff's copy of tzdata), not the host's, so
//! the verdict is the same on every machine and a name can never reach the file system.

use jiff::tz::TimeZoneDatabase;

use super::ExprError;

/// Accepts `UTC`, `Local` (Go's special name) and every IANA zone name, exactly as written.
pub fn check(name: &str) -> Result<(), ExprError> {
    if name == "Local" || name == "UTC" {
        return Ok(());
    }
    let database = TimeZoneDatabase::bundled();
    let safe = !name.is_empty()
        && !name.starts_with('/')
        && name.split('/').all(|part| !part.is_empty() && part != "..");
    let known = safe
        && database
            .available()
            .any(|candidate| candidate.as_str() == name);
    if known {
        return Ok(());
    }
    let hint = match suggestion(&database, name).filter(|_| safe) {
        Some(zone) => format!("did you mean `{zone}`?"),
        None => "use an IANA time zone name such as `Europe/Berlin`, `America/New_York` or `UTC`"
            .to_string(),
    };
    Err(ExprError::new(
        format!("`{name}` is not a time zone in the IANA database"),
        hint,
    ))
}

/// The closest known zone name, compared without case, when it is close enough to be a typo.
fn suggestion(database: &TimeZoneDatabase, name: &str) -> Option<String> {
    let wanted = name.to_ascii_lowercase();
    database
        .available()
        .map(|zone| {
            let zone = zone.as_str().to_string();
            (
                strsim::levenshtein(&wanted, &zone.to_ascii_lowercase()),
                zone,
            )
        })
        .filter(|(distance, zone)| *distance <= 2.max(zone.len() / 5))
        .min()
        .map(|(_, zone)| zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iana_names_and_suggests_the_closest() {
        for name in [
            "Europe/Berlin",
            "UTC",
            "America/Argentina/Buenos_Aires",
            "Local",
        ] {
            assert_eq!(check(name), Ok(()), "{name}");
        }
        let error = check("Europe/Berln").unwrap_err();
        assert_eq!(
            error.message,
            "`Europe/Berln` is not a time zone in the IANA database"
        );
        assert_eq!(error.hint, "did you mean `Europe/Berlin`?");
        assert_eq!(
            check("europe/berlin").unwrap_err().hint,
            "did you mean `Europe/Berlin`?"
        );
    }

    #[test]
    fn refuses_paths() {
        for name in [
            "../../../../etc/passwd",
            "/etc/localtime",
            "Europe/../Europe/Berlin",
            "",
        ] {
            let error = check(name).unwrap_err();
            assert!(error.hint.starts_with("use an IANA"), "{name}: {error:?}");
        }
    }
}
