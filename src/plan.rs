//! Desired services vs observed containers → the actions that converge them (pure).
