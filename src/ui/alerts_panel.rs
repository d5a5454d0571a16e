//! The Alerts panel: notifications on or off, the rules of the dashboard shown (add, remove),
//! and the history of alerts with when each fired and cleared; and the top bar's summary of
//! silent feeds and alerts (as the Limits panel has its badge).

use super::link_handle::LinkHandle;
use super::page_clock::PageClock;
use super::profiles_handle::ProfilesHandle;
use super::watch_handle::WatchHandle;
use crate::chart::time_axis::readout_time;
use crate::dashboard::rule::{RuleDraft, CONDITION_KINDS};
use crate::platform::local_zone::BrowserZone;
use crate::platform::notify::Permission;
use crate::service::outgoing::parse_feed;
use crate::ui::when::When;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// History entries shown.
const SHOWN: usize = 50;

/// The Alerts panel.
#[component]
pub fn AlertsPanel() -> impl IntoView {
    let watch = expect_context::<WatchHandle>();
    let marks = watch.marks();
    let firing = Memo::new(move |_| marks.with(|m| m.firing().count()));

    view! {
        <section class="panel alerts-panel" aria-labelledby="alerts-heading">
            <div class="panel-title">
                <h2 id="alerts-heading">"Alerts"</h2>
                <span class="counter" id="alerts-firing">{move || match firing.get() {
                    0 => "none firing".to_owned(),
                    n => format!("{n} firing"),
                }}</span>
            </div>
            <NotifyChoices />
            <RuleList />
            <AddRuleForm />
            <AlertHistory />
            <p class="hint">
                "Rules are checked on every message while this page is open, also in a background tab. A phone that locks the screen or a browser that freezes the tab stops the page: nothing is checked until it is opened again. An installed Feedboard keeps running as long as the system lets it."
            </p>
        </section>
    }
}

#[component]
fn NotifyChoices() -> impl IntoView {
    let watch = expect_context::<WatchHandle>();
    let choice = watch.choice();
    let permission = watch.permission();
    view! {
        <div class="notify-choices">
            <div class="form-check">
                <input id="alerts-notify" type="checkbox"
                    prop:checked=move || choice.get().notify
                    disabled=move || permission.get() == Permission::Unsupported
                    on:change=move |event| watch.set_notify(event_target_checked(&event)) />
                <label for="alerts-notify">"System notifications"</label>
            </div>
            <div class="form-check">
                <input id="alerts-sound" type="checkbox"
                    prop:checked=move || choice.get().sound
                    on:change=move |event| watch.set_sound(event_target_checked(&event)) />
                <label for="alerts-sound">"Sound"</label>
            </div>
        </div>
        {move || watch.problem().get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
    }
}

#[component]
fn RuleList() -> impl IntoView {
    let profiles = expect_context::<ProfilesHandle>();
    let watch = expect_context::<WatchHandle>();
    let dashboard = profiles.dashboard();
    let marks = watch.marks();
    let rules = Memo::new(move |_| dashboard.with(|board| board.rules().to_vec()));
    view! {
        <h3 id="rules-heading">"Rules of this dashboard"</h3>
        <When when=move || rules.with(Vec::is_empty)>
            <p class="empty">"No rules yet. Every tab's rules are watched, not only this one's."</p>
        </When>
        <ul class="rule-list" aria-labelledby="rules-heading">
            {move || rules.get().into_iter().enumerate().map(|(index, rule)| {
                let described = rule.describe();
                let key = rule.key();
                let firing = Memo::new(move |_| marks.with(|m| m.firing().any(|a| a.rule_key == key)));
                let qualifiers = rule.qualifiers();
                let remove_label = format!("Remove the rule {described}");
                view! {
                    <li class="rule" class:firing=move || firing.get() data-rule=described.clone()>
                        <span class="rule-text">{described.clone()}</span>
                        {(!qualifiers.is_empty()).then(|| view! { <span class="rule-qualifiers">{format!(" ({qualifiers})")}</span> })}
                        <span class="rule-state">{move || if firing.get() { "firing" } else { "ok" }}</span>
                        <button type="button" class="link-button" aria-label=remove_label
                            on:click=move |_| profiles.edit_dashboard(|board| board.remove_rule(index)).unwrap_or(())>
                            "Remove"
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn AddRuleForm() -> impl IntoView {
    let profiles = expect_context::<ProfilesHandle>();
    let link = expect_context::<LinkHandle>();
    let draft = RwSignal::new(RuleDraft {
        kind: "above".into(),
        ..RuleDraft::default()
    });
    let problem = RwSignal::new(None::<String>);
    let kind = Memo::new(move |_| draft.with(|d| d.kind.clone()));
    let first_label = move || match kind.get().as_str() {
        "outside" => "Low end",
        "equals" => "Text",
        "silent" => "Minutes",
        _ => "Threshold",
    };
    let numeric = move || matches!(kind.get().as_str(), "above" | "below" | "outside");
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let behaviour = link.behaviour();
        let username = behaviour.username.clone().unwrap_or_default();
        let service = behaviour.descriptor.kind;
        let made = draft.with_untracked(|d| d.to_rule(|text| parse_feed(service, &username, text)));
        match made {
            Ok(rule) => {
                let added = profiles.edit_dashboard(|board| board.add_rule(rule));
                if added == Some(false) {
                    problem.set(Some("This dashboard has that rule already.".into()));
                } else {
                    problem.set(None);
                    draft.update(|d| {
                        d.first.clear();
                        d.second.clear();
                    });
                }
            }
            Err(reason) => problem.set(Some(format!("The rule cannot be added: {reason}."))),
        }
    };
    let field = move |pick: fn(&mut RuleDraft) -> &mut String| {
        move |event| {
            let text = event_target_value(&event);
            draft.update(|d| *pick(d) = text);
        }
    };
    view! {
        <form class="form-grid add-rule" on:submit=on_submit aria-label="Add a rule">
            <label for="rule-feed">"Feed"</label>
            <input id="rule-feed" type="text" list="known-feeds" spellcheck="false"
                prop:value=move || draft.with(|d| d.feed.clone()) on:input=field(|d| &mut d.feed) />
            <label for="rule-kind">"Alert when"</label>
            <select id="rule-kind" prop:value=move || kind.get()
                on:change=move |event| { let kind = event_target_value(&event); draft.update(|d| d.kind = kind); }>
                {CONDITION_KINDS.iter().map(|(id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
            </select>
            <label for="rule-first">{first_label}</label>
            <input id="rule-first" type="text" inputmode=move || if kind.get() == "equals" { "text" } else { "decimal" }
                prop:value=move || draft.with(|d| d.first.clone()) on:input=field(|d| &mut d.first) />
            <When when=move || kind.get() == "outside">
                <label for="rule-second">"High end"</label>
                <input id="rule-second" type="text" inputmode="decimal"
                    prop:value=move || draft.with(|d| d.second.clone()) on:input=field(|d| &mut d.second) />
            </When>
            <When when=move || kind.get() != "silent">
                <label for="rule-hold">"Hold (s)"</label>
                <input id="rule-hold" type="text" inputmode="decimal" placeholder="0"
                    prop:value=move || draft.with(|d| d.hold_s.clone()) on:input=field(|d| &mut d.hold_s) />
            </When>
            <When when=numeric>
                <label for="rule-hysteresis">"Hysteresis"</label>
                <input id="rule-hysteresis" type="text" inputmode="decimal" placeholder="0"
                    prop:value=move || draft.with(|d| d.hysteresis.clone()) on:input=field(|d| &mut d.hysteresis) />
            </When>
            <div class="form-actions"><button type="submit">"Add rule"</button></div>
            {move || problem.get().map(|message| view! { <p class="error form-note" role="alert">{message}</p> })}
        </form>
    }
}

#[component]
fn AlertHistory() -> impl IntoView {
    let watch = expect_context::<WatchHandle>();
    let clock = expect_context::<PageClock>();
    let marks = watch.marks();
    let has_cleared =
        Memo::new(move |_| marks.with(|m| m.history.iter().any(|a| a.cleared_ms.is_some())));
    view! {
        <h3 id="alert-history-heading">"History"</h3>
        <When when=move || marks.with(|m| m.history.is_empty())>
            <p class="empty">"No alerts yet."</p>
        </When>
        <ol id="alert-history" class="alert-history" aria-labelledby="alert-history-heading">
            {move || {
                let now = clock.now().get_untracked();
                marks.with(|m| m.history.iter().take(SHOWN).map(|alert| {
                    let fired = readout_time(alert.fired_ms, now, &BrowserZone);
                    let state = alert.cleared_ms.map_or_else(
                        || "firing".to_owned(),
                        |at| format!("cleared {}", readout_time(at, now, &BrowserZone)),
                    );
                    view! {
                        <li class="alert-entry" class:firing=alert.cleared_ms.is_none()>
                            <time>{fired}</time>
                            " "
                            <span class="alert-text">{alert.message()}</span>
                            " · "
                            <span class="alert-state">{state}</span>
                        </li>
                    }
                }).collect_view())
            }}
        </ol>
        <When when=move || has_cleared.get()>
            <button type="button" class="link-button" on:click=move |_| watch.forget_cleared()>
                "Forget cleared alerts"
            </button>
        </When>
    }
}

/// "2 feeds silent · 1 alert", linking to the Alerts panel; nothing while all is well.
#[component]
pub fn WatchBadge() -> impl IntoView {
    let marks = expect_context::<WatchHandle>().marks();
    let summary = Memo::new(move |_| {
        marks.with(|m| {
            let mut parts = Vec::new();
            match m.silent.len() {
                0 => {}
                1 => parts.push("1 feed silent".to_owned()),
                n => parts.push(format!("{n} feeds silent")),
            }
            match m.firing().count() {
                0 => {}
                1 => parts.push("1 alert".to_owned()),
                n => parts.push(format!("{n} alerts")),
            }
            parts.join(" · ")
        })
    });
    view! {
        <span role="status" aria-live="polite">
            <When when=move || !summary.with(String::is_empty)>
                <a id="watch-summary" class="badge badge-warn" href="#alerts-heading">{move || summary.get()}</a>
            </When>
        </span>
    }
}
