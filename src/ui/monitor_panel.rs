//! The limits monitor: each budget as a meter with the time until tokens return, live
//! countdowns for throttles and bans, and the history of what the service said and what the
//! client held back.

use super::link_handle::LinkHandle;
use super::page_clock::PageClock;
use crate::budget::action::ActionClass;
use crate::budget::budgets::Meter;
use crate::chart::time_axis::readout_time;
use crate::link::monitor::{MonitorEntry, MonitorKind};
use crate::link::Link;
use crate::platform::clock::{now, wall_of};
use crate::platform::local_zone::BrowserZone;
use crate::ui::keyed_list::{keyed_list, KeyedRow};
use crate::ui::when::When;
use leptos::prelude::*;

/// History entries shown (newest first).
const SHOWN: usize = 50;

/// Whole seconds from `now_ms` to `until_ms`, at least 1 while still ahead.
pub fn seconds_left(until_ms: f64, now_ms: f64) -> u64 {
    ((until_ms - now_ms) / 1000.0).ceil().max(0.0) as u64
}

/// The throttle or ban in force, as (what, until wall ms), for banners and the badge.
pub fn active_hold(link: LinkHandle) -> Option<(&'static str, f64)> {
    if let Some(until) = link.read(|l| l.banned_until(now())).flatten() {
        return Some(("Account banned", wall_of(until)));
    }
    link.meters()
        .into_iter()
        .filter(|m| {
            m.class == ActionClass::Data || matches!(m.class, ActionClass::ChannelUpdate(_))
        })
        .find_map(|m| m.level.paused_until)
        .map(|until| ("Throttled", wall_of(until)))
}

/// The limits panel.
#[component]
pub fn MonitorPanel() -> impl IntoView {
    let link = expect_context::<LinkHandle>();
    let clock = expect_context::<PageClock>();
    let meters = Memo::new(move |_| {
        let _ = clock.now().get();
        link.meters()
    });
    let hold = Memo::new(move |_| {
        let _ = clock.now().get();
        active_hold(link)
    });
    let history = Memo::new(move |_| {
        link.read(|l| {
            l.monitor()
                .entries()
                .cloned()
                .collect::<Vec<MonitorEntry>>()
        })
        .unwrap_or_default()
    });

    view! {
        <section class="panel monitor" aria-labelledby="monitor-heading">
            <h2 id="monitor-heading">"Limits"</h2>
            <When when=move || link.read(Link::is_limited).unwrap_or(false) fallback=|| view! {
                <p class="hint" id="no-limits">"This broker sets no rate limits: Feedboard sends as fast as you ask."</p>
            }>
                {move || hold.get().map(|(what, until)| view! {
                    <p class="alert" role="alert" id="hold-countdown">
                        <strong>{what}</strong>
                        {move || {
                            let left = seconds_left(until, clock.now().get());
                            let waits = if what == "Throttled" { "data waits" } else { "everything waits" };
                            format!(": {waits} {left} s")
                        }}
                    </p>
                })}
                <ul class="meters">
                    {keyed_list(move || meters.get().into_iter().map(|meter| {
                        // A meter is drawn as it is: a new level is a new row.
                        KeyedRow::new(format!("{} {:?}", meter.class.id(), meter.level), move || view! { <MeterRow meter=meter /> })
                    }).collect())}
                </ul>
                <p class="hint">
                    {move || if link.shared_between_tabs() {
                        "Budgets are kept a little below the service's limits and shared with this account's other tabs."
                    } else {
                        "Budgets are kept a little below the service's limits. This browser gives no storage, so other tabs of this account are not counted."
                    }}
                </p>
            </When>
            <h3 class="subheading">"History"</h3>
            <ol class="monitor-history" id="monitor-history" aria-label="Service messages and held-back actions, newest first">
                {move || history.with(|entries| {
                    entries.iter().rev().take(SHOWN).cloned().map(|entry| view! {
                        <HistoryRow entry=entry />
                    }).collect_view()
                })}
            </ol>
            <When when=move || history.with(Vec::is_empty)>
                <p class="empty">"Nothing yet: no throttle, no error, nothing held back."</p>
            </When>
        </section>
    }
}

#[component]
fn MeterRow(meter: Meter) -> impl IntoView {
    let clock = expect_context::<PageClock>();
    let label = meter.class.to_string();
    let level = meter.level;
    let paused = level.paused_until.map(wall_of);
    let back = level.next_return.map(wall_of);
    let period = meter.period.as_secs_f64();
    let period_text = if (period - 60.0).abs() < 0.5 {
        "a minute".to_owned()
    } else {
        format!("{period:.1} s")
    };
    view! {
        <li data-class=meter.class.id() class:meter-empty=level.available == 0>
            <div class="meter-head">
                <span class="meter-label">{label.clone()}</span>
                <span class="meter-count">{format!("{} / {}", level.available, level.capacity)}</span>
            </div>
            <meter min="0" max=level.capacity.to_string() value=level.available.to_string()
                low=(level.capacity / 5).to_string() optimum=level.capacity.to_string()
                aria-label=format!("{label}: {} of {} left, per {period_text}", level.available, level.capacity)>
            </meter>
            <div class="meter-note">
                {move || {
                    let now = clock.now().get();
                    match (paused, back) {
                        (Some(until), _) if until > now => format!("paused by the service: {} s", seconds_left(until, now)),
                        (_, Some(at)) if at > now => format!("next back in {} s · per {period_text}", seconds_left(at, now)),
                        _ => format!("full · per {period_text}"),
                    }
                }}
            </div>
        </li>
    }
}

#[component]
fn HistoryRow(entry: MonitorEntry) -> impl IntoView {
    let clock = expect_context::<PageClock>();
    let (tag, class, text) = match &entry.kind {
        MonitorKind::Notice(notice) => ("service", "tag tag-warn", notice.to_string()),
        MonitorKind::Held {
            action,
            until,
            hold,
        } => (
            "held",
            "tag",
            format!(
                "{action} held until {} ({hold})",
                readout_time(wall_of(*until), clock.now().get_untracked(), &BrowserZone)
            ),
        ),
        MonitorKind::Refused { action, reason } => (
            "refused",
            "tag tag-error",
            format!("{action} refused: {reason}"),
        ),
    };
    let raw = match &entry.kind {
        MonitorKind::Notice(notice) => Some(notice.text.clone()),
        _ => None,
    };
    view! {
        <li>
            <time>{readout_time(wall_of(entry.at), clock.now().get_untracked(), &BrowserZone)}</time>
            <span class=class>{tag}</span>
            <span class="history-text" title=raw>{text}</span>
        </li>
    }
}

/// The topbar's reminder of a throttle or ban, visible from anywhere on the page.
#[component]
pub fn LimitBadge() -> impl IntoView {
    let link = expect_context::<LinkHandle>();
    let clock = expect_context::<PageClock>();
    let hold = Memo::new(move |_| {
        let _ = clock.now().get();
        active_hold(link)
    });
    view! {
        {move || hold.get().map(|(what, until)| view! {
            <span id="limit-badge" class="badge badge-error" role="status">
                {move || format!("{what} · {} s", seconds_left(until, clock.now().get()))}
            </span>
        })}
    }
}
