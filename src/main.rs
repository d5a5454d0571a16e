//! Entry point: report panics (in the console and in the page), run Leptos' tasks on the page's
//! time-sliced queue, mount the app, then say it started.

use feedboard::app::App;
use feedboard::platform::startup;
use leptos::prelude::*;

fn main() {
    startup::report_panics();
    feedboard::platform::page_tasks::install();
    leptos::mount::mount_to_body(|| view! { <App /> });
    startup::started();
    feedboard::platform::offline::keep_app_shell();
}
