//! Entry point: report panics in the console, then mount the app.

use feedboard::app::App;
use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| view! { <App /> });
    feedboard::platform::offline::keep_app_shell();
}
