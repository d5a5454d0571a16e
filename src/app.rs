//! The root component: builds the connection handle, provides it, lays out the page.

use crate::feeds::store::StoreLimits;
use crate::link::ConnectionSettings;
use crate::mqtt::QoS;
use crate::profile::ProfileDetails;
use crate::service::ServiceKind;
use crate::ui::alerts_panel::{AlertsPanel, WatchBadge};
use crate::ui::connection::{random_client_id, ConnectionPanel};
use crate::ui::dashboard_view::DashboardView;
use crate::ui::feeds_handle::FeedsHandle;
use crate::ui::feeds_panel::FeedsPanel;
use crate::ui::first_run::FirstRun;
use crate::ui::frame_loop::FrameLoop;
use crate::ui::history_reads::start_history_reads;
use crate::ui::hooks::use_prompt_reconnect;
use crate::ui::keep_handle::KeepHandle;
use crate::ui::link_handle::LinkHandle;
use crate::ui::message_log_panel::MessageLogPanel;
use crate::ui::monitor_panel::{LimitBadge, MonitorPanel};
use crate::ui::page_clock::PageClock;
use crate::ui::profiles_handle::ProfilesHandle;
use crate::ui::status_badge::StatusBadge;
use crate::ui::subscriptions_panel::SubscriptionsPanel;
use crate::ui::watch_handle::WatchHandle;
use leptos::prelude::*;

/// How the page starts. Development builds (`dev/serve`) bake in the local demo broker through
/// environment variables, so the page shows live data at once; release builds start empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupOptions {
    /// The service preselected in the form.
    pub service: Option<ServiceKind>,
    /// Prefilled broker URL.
    pub url: String,
    /// Connect as soon as the page loads.
    pub auto_connect: bool,
    /// Filters to subscribe to on load.
    pub subscribe: Vec<String>,
}

impl StartupOptions {
    /// The options compiled into this build.
    pub fn from_build() -> Self {
        Self {
            service: None,
            url: option_env!("FEEDBOARD_DEFAULT_URL")
                .unwrap_or("ws://localhost:9001/mqtt")
                .to_owned(),
            auto_connect: option_env!("FEEDBOARD_AUTOCONNECT") == Some("1"),
            subscribe: option_env!("FEEDBOARD_AUTOSUBSCRIBE")
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// The whole page.
#[component]
pub fn App(
    #[prop(optional)] options: Option<StartupOptions>,
    /// Where received data goes; a fresh store by default (tests pass their own to inspect it).
    #[prop(optional)]
    feeds: Option<FeedsHandle>,
) -> impl IntoView {
    let options = options.unwrap_or_else(StartupOptions::from_build);
    let clock = PageClock::start();
    provide_context(clock);
    let feeds = feeds.unwrap_or_else(|| FeedsHandle::new(StoreLimits::default()));
    provide_context(feeds);
    let frames = FrameLoop::new();
    provide_context(frames);
    let link = LinkHandle::new(feeds, frames);
    use_prompt_reconnect(link);
    provide_context(link);
    let profiles = ProfilesHandle::start(feeds, link);
    provide_context(profiles);
    provide_context(WatchHandle::start(feeds, profiles, link, frames, clock));
    start_history_reads(profiles, link);
    provide_context(KeepHandle::start(feeds, profiles, clock));
    start_connection(profiles, &options);

    view! {
        <header class="topbar">
            <h1>"Feedboard"</h1>
            <StatusBadge />
            <LimitBadge />
            <WatchBadge />
        </header>
        <main class="layout">
            <div class="sidebar">
                <ConnectionPanel />
                <SubscriptionsPanel />
                <MonitorPanel />
                <AlertsPanel />
            </div>
            <div class="main-column">
                <FirstRun />
                <DashboardView />
                <div class="data-row">
                    <FeedsPanel />
                    <MessageLogPanel />
                </div>
            </div>
        </main>
    }
}

/// Connects at start: to the profile last used when nothing must be asked (a plain broker, or a
/// remembered secret), else as the build says (the local demo in development).
fn start_connection(profiles: ProfilesHandle, options: &StartupOptions) {
    let current = profiles.current().get_untracked();
    let saved = profiles
        .book()
        .with_untracked(|book| book.get(&current.id).is_some());
    if saved {
        let asks_secret = current.service != ServiceKind::Generic && current.secret.is_none();
        if !asks_secret {
            profiles.connect(&current.settings(), &current.details());
        }
        return;
    }
    if options.auto_connect {
        let settings = ConnectionSettings {
            service: options.service.unwrap_or(ServiceKind::Generic),
            url: options.url.clone(),
            client_id: random_client_id(),
            ..ConnectionSettings::default()
        };
        profiles.connect(&settings, &ProfileDetails::default());
        for filter in &options.subscribe {
            profiles.subscribe(filter, QoS::AtMostOnce);
        }
    }
}
