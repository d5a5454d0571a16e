//! The page's handle on the watcher (`crate::watch`): it feeds the watcher every batch of
//! received data (in the frame loop, so every message is seen, also in a background tab whose
//! frames stop), the connection's state and the page clock's ticks, and mirrors what the
//! watcher marks into one signal. Fired rules become system notifications and a sound when the
//! user turned them on.

use super::feeds_handle::FeedsHandle;
use super::frame_loop::FrameLoop;
use super::link_handle::LinkHandle;
use super::page_clock::PageClock;
use super::profiles_handle::ProfilesHandle;
use crate::link::LinkStatus;
use crate::platform::clock::wall_clock_millis;
use crate::platform::notify::{self, NotifyChoice, Permission};
use crate::profile::Profile;
use crate::service::feed_ref::FeedRef;
use crate::watch::{Alert, Silence, WatchEvent, WatchPlan, Watcher};
use leptos::prelude::*;

/// What the watcher marks, as the page shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchMarks {
    /// Silent feeds.
    pub silent: Vec<(FeedRef, Silence)>,
    /// The alerts history, newest first.
    pub history: Vec<Alert>,
}

impl WatchMarks {
    /// Whether `feed` is silent, and since when.
    pub fn silence(&self, feed: &FeedRef) -> Option<Silence> {
        self.silent
            .iter()
            .find(|(silent, _)| silent == feed)
            .map(|(_, silence)| *silence)
    }

    /// Alerts firing now, newest first.
    pub fn firing(&self) -> impl Iterator<Item = &Alert> {
        self.history
            .iter()
            .filter(|alert| alert.cleared_ms.is_none())
    }
}

/// A `Copy` handle, provided as context by the app.
#[derive(Clone, Copy)]
pub struct WatchHandle {
    watcher: StoredValue<Watcher>,
    plan: Memo<WatchPlan>,
    marks: RwSignal<WatchMarks>,
    choice: RwSignal<NotifyChoice>,
    permission: RwSignal<Permission>,
    problem: RwSignal<Option<String>>,
}

impl WatchHandle {
    /// Starts watching the data `feeds` receives, against the rules of every dashboard of the
    /// profile in use.
    pub fn start(
        feeds: FeedsHandle,
        profiles: ProfilesHandle,
        link: LinkHandle,
        frames: FrameLoop,
        clock: PageClock,
    ) -> Self {
        let current = profiles.current();
        let handle = Self {
            watcher: StoredValue::new(Watcher::new()),
            plan: Memo::new(move |_| {
                current.with(|profile: &Profile| {
                    WatchPlan::of(profile.dashboards.iter().map(|named| &named.board))
                })
            }),
            marks: RwSignal::new(WatchMarks::default()),
            choice: RwSignal::new(NotifyChoice::load()),
            permission: RwSignal::new(notify::permission()),
            problem: RwSignal::new(None),
        };
        let store = feeds.store();
        // Every update, in the frame its message is applied; the passing of time (silences,
        // hold times) on the page clock's tick below, not every frame.
        frames.add_step(move || {
            handle.plan.with_untracked(|plan| {
                store.with_untracked(|store| {
                    handle
                        .watcher
                        .update_value(|watcher| watcher.catch_up(plan, store));
                });
            });
            handle.take_events();
        });
        let status = link.status();
        Effect::new(move |_| {
            let connected = status.get() == LinkStatus::Connected;
            handle
                .watcher
                .update_value(|watcher| watcher.handle_connection(connected, wall_clock_millis()));
            handle.take_events();
        });
        Effect::new(move |_| {
            let now = clock.now().get();
            handle.plan.with(|plan| {
                handle
                    .watcher
                    .update_value(|watcher| watcher.handle_timeout(plan, now));
            });
            handle.take_events();
        });
        handle
    }

    fn take_events(&self) {
        let mut fired = Vec::new();
        let mut changed = false;
        self.watcher.update_value(|watcher| {
            while let Some(event) = watcher.poll_event() {
                changed = true;
                if let WatchEvent::Fired(id) = event {
                    fired.extend(watcher.alert(id).cloned());
                }
            }
        });
        if !changed {
            return;
        }
        self.refresh_marks();
        for alert in fired {
            self.announce(&alert);
        }
    }

    /// The marks signal, read again from the watcher (which owns them).
    fn refresh_marks(&self) {
        self.marks.set(self.watcher.with_value(|watcher| {
            WatchMarks {
                silent: watcher
                    .silent_feeds()
                    .map(|(feed, silence)| (feed.clone(), silence))
                    .collect(),
                history: watcher.history().cloned().collect(),
            }
        }));
    }

    fn announce(&self, alert: &Alert) {
        let choice = self.choice.get_untracked();
        if choice.sound {
            notify::beep();
        }
        if choice.notify {
            let shown = notify::show(
                "Feedboard alert",
                &alert.message(),
                &format!("feedboard-{}", alert.feed.id()),
            );
            self.problem.set(shown.err());
        }
    }

    /// Silent feeds and alerts.
    pub fn marks(&self) -> Signal<WatchMarks> {
        self.marks.into()
    }

    /// Whether notifications and the sound are on.
    pub fn choice(&self) -> Signal<NotifyChoice> {
        self.choice.into()
    }

    /// What the browser allows.
    pub fn permission(&self) -> Signal<Permission> {
        self.permission.into()
    }

    /// Why the last notification could not be shown.
    pub fn problem(&self) -> Signal<Option<String>> {
        self.problem.into()
    }

    /// Turns system notifications on (asking the browser first, so call it from a click) or
    /// off.
    pub fn set_notify(&self, on: bool) {
        let handle = *self;
        let apply = move |permission: Permission| {
            handle.permission.set(permission);
            let granted = permission == Permission::Granted;
            handle.choice.update(|choice| {
                choice.notify = on && granted;
                choice.save();
            });
            handle.problem.set(match (on, permission) {
                (false, _) | (true, Permission::Granted) => None,
                (true, Permission::Denied) => Some("The browser blocks notifications for this page: allow them in the site settings (the icon left of the address).".into()),
                (true, Permission::Unsupported) => Some("This browser shows no notifications for web pages here (on an iPhone, add Feedboard to the home screen first).".into()),
                (true, Permission::Ask) => Some("Notifications were not allowed.".into()),
            });
        };
        if on && notify::permission() == Permission::Ask {
            notify::request_permission(apply);
        } else {
            apply(notify::permission());
        }
    }

    /// Turns the alert sound on or off.
    pub fn set_sound(&self, on: bool) {
        self.choice.update(|choice| {
            choice.sound = on;
            choice.save();
        });
        if on {
            // Played once now: it is the click that unlocks audio in most browsers.
            notify::beep();
        }
    }

    /// Forgets the alerts that have cleared.
    pub fn forget_cleared(&self) {
        self.watcher.update_value(Watcher::forget_cleared);
        self.refresh_marks();
    }
}
