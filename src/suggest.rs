//! The nearest known word to a misspelt one, for the `did you mean` of an error's hint
//! (manifest keys, template functions, receivers, services). Pure.

/// The closest accepted key, when it is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(unknown: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let normalized = unknown.to_ascii_lowercase().replace('-', "_");
    // `scrape_interval` inside a job means its `interval`.
    let affix = candidates.iter().find(|c| {
        c.len() >= 4
            && (normalized.ends_with(&format!("_{c}")) || normalized.starts_with(&format!("{c}_")))
    });
    if let Some(candidate) = affix {
        return Some(candidate);
    }
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&normalized, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
