//! Entry point: report panics (in the console and in the page), mount the app, then say it
//! started.

use feedboard::app::App;
use feedboard::platform::startup;
use leptos::prelude::*;

fn main() {
    startup::report_panics();
    leptos::mount::mount_to_body(|| view! { <App /> });
    startup::started();
    feedboard::platform::offline::keep_app_shell();
}
