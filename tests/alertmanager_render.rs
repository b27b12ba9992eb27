//! Rendered alertmanager.yml for the pinned release (0.34): structure, no deprecated keys,
//! secrets by file.

mod alertmanager_support;

use alertmanager_support::*;

#[test]
fn print_shop() {
    let stack = render_ok(&shop_manifest("0.34.0"), SHOP_SECRETS);
    println!("{}", config_text(&stack));
}
