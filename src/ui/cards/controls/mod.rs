//! Control cards: they publish to their feed through the budgets, and always say what became
//! of the user's action (sent, queued until a token is free, or refused and why).

pub mod button;
pub mod channel_form;
pub mod colour;
pub mod slider;
pub mod text_input;
pub mod toggle;

use super::card_signal;
use crate::chart::time_axis::age_text;
use crate::dashboard::card::Card;
use crate::link::{ControlPart, SlotId, SlotState};
use crate::mqtt::QoS;
use crate::platform::clock::wall_of;
use crate::service::outgoing::publish_topic;
use crate::ui::link_handle::LinkHandle;
use crate::ui::monitor_panel::seconds_left;
use crate::ui::page_clock::PageClock;
use leptos::prelude::*;

/// What every control needs: its card, where it publishes, and the last problem.
#[derive(Clone, Copy)]
pub struct Control {
    /// The card with its settings.
    pub card: Memo<Option<Card>>,
    /// The topic its publishes go to.
    pub topic: Memo<Option<String>>,
    /// A problem found before sending (the service would refuse it), in words.
    pub problem: RwSignal<Option<String>>,
    /// The card's id.
    pub id: u32,
}

impl Control {
    /// The control of card `id`.
    pub fn of(id: u32) -> Self {
        let card = card_signal(id);
        let topic = Memo::new(move |_| card.with(|c| c.as_ref()?.feeds.first().map(publish_topic)));
        Self {
            card,
            topic,
            problem: RwSignal::new(None),
            id,
        }
    }

    /// The slot of this control's publishes (`part` tells a button's press from its release).
    pub fn slot(&self, part: ControlPart) -> SlotId {
        SlotId::control(self.id, part)
    }

    /// The QoS the card asks for.
    pub fn qos(&self) -> QoS {
        self.card
            .with_untracked(|c| c.as_ref().and_then(|c| QoS::from_level(c.control.qos)))
            .unwrap_or_default()
    }

    /// The card's settings, read without tracking.
    pub fn settings(&self) -> Option<Card> {
        self.card.get_untracked()
    }

    /// Publishes `payload` from slot `part`; a problem is kept for the status line.
    pub fn send(&self, part: ControlPart, payload: &str) {
        let link = expect_context::<LinkHandle>();
        let Some(topic) = self.topic.get_untracked() else {
            self.problem
                .set(Some("this card has no feed to publish to".to_owned()));
            return;
        };
        let outcome = link.publish(
            self.slot(part),
            &topic,
            payload.as_bytes(),
            self.qos(),
            false,
        );
        self.problem.set(outcome.err());
    }
}

/// Where a slot's publish stands, in words (and a state for styling and tests).
pub fn status_words(state: Option<SlotState>, now_ms: f64) -> (&'static str, String) {
    match state {
        None => ("idle", String::new()),
        Some(SlotState::Queued {
            until,
            hold,
            replaced,
        }) => {
            let seconds = seconds_left(wall_of(until), now_ms).max(1);
            let latest = if replaced > 0 {
                format!(" · the latest of {} values", replaced + 1)
            } else {
                String::new()
            };
            (
                "queued",
                format!("queued, sends in {seconds} s ({hold}){latest}"),
            )
        }
        Some(SlotState::Offline) => ("offline", "waits for the connection".to_owned()),
        Some(SlotState::Sent { at }) => {
            ("sent", format!("sent {}", age_text(now_ms - wall_of(at))))
        }
        Some(SlotState::Refused(refusal)) => ("refused", format!("not sent: {refusal}")),
        Some(SlotState::Failed(reason)) => ("refused", format!("not sent: {reason}")),
    }
}

/// The status line under a control.
#[component]
pub fn ControlStatus(
    control: Control,
    #[prop(default = ControlPart::Value)] part: ControlPart,
) -> impl IntoView {
    let link = expect_context::<LinkHandle>();
    let clock = expect_context::<PageClock>();
    let slot = control.slot(part);
    let line = Memo::new(move |_| {
        if let Some(problem) = control.problem.get() {
            return ("problem", format!("not sent: {problem}"));
        }
        if let Some(reason) = control
            .topic
            .get()
            .and_then(|topic| link.read(|l| l.blocked(&topic)).flatten())
        {
            return ("blocked", reason);
        }
        status_words(
            link.read(|l| l.slot_state(&slot)).flatten(),
            clock.now().get(),
        )
    });
    view! {
        <p class="control-status" role="status" data-state=move || line.get().0
            class:error=move || matches!(line.get().0, "problem" | "blocked" | "refused")>
            {move || line.get().1}
        </p>
    }
}

/// The topic a control publishes to, shown small under it.
#[component]
pub fn ControlTarget(control: Control) -> impl IntoView {
    view! {
        <p class="card-meta control-target">
            {move || control.topic.get().map(|topic| view! { <span>"publishes to "<code>{topic}</code></span> })}
        </p>
    }
}
