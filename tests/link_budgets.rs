//! The connection core's budgets, against a scripted broker with a fake clock: what a plan
//! allows, the latest-value rule, throttles, bans, refusals and tabs sharing one account.

#[path = "support/wire.rs"]
mod wire;

use feedboard::budget::action::ActionClass;
use feedboard::budget::budgets::{Hold, Refusal};
use feedboard::link::monitor::MonitorKind;
use feedboard::link::{ControlPart, LinkEvent, Shared, SlotId, SlotState};
use feedboard::mqtt::QoS;
use feedboard::service::ServiceKind;
use wire::*;

fn card(id: u32) -> SlotId {
    SlotId::control(id, ControlPart::Value)
}

fn publish(wire: &mut Wire, slot: SlotId, topic: &str, payload: &str) {
    let now = wire.now();
    wire.link
        .publish(now, slot, topic, payload.as_bytes(), QoS::AtMostOnce, false)
        .expect("a publish the service accepts");
    wire.pump();
}

#[test]
fn the_free_plan_sends_27_data_points_a_minute_and_io_plus_54() {
    for (plan, per_minute) in [("free", 27), ("plus", 54)] {
        let mut wire = Wire::connected(adafruit(plan));
        wire.jump_to(1000);
        for n in 0..100 {
            publish(
                &mut wire,
                card(n),
                &format!("maker/feeds/f{n}"),
                &n.to_string(),
            );
        }
        assert_eq!(
            wire.payloads_to("maker/feeds/").len(),
            per_minute,
            "{plan}: the first minute"
        );
        assert!(matches!(
            wire.link.slot_state(&card(99)),
            Some(SlotState::Queued {
                hold: Hold::Budget(ActionClass::Data),
                ..
            })
        ));
        wire.run_until(60_999);
        assert_eq!(wire.payloads_to("maker/feeds/").len(), per_minute);
        wire.run_until(61_000);
        assert_eq!(
            wire.payloads_to("maker/feeds/").len(),
            (2 * per_minute).min(100)
        );
        wire.run_until(300_000);
        let sent: Vec<String> = wire.payloads_to("maker/feeds/");
        let expected: Vec<String> = (0..100).map(|n: u32| n.to_string()).collect();
        assert_eq!(
            sent, expected,
            "{plan}: everything goes, in the order it was made"
        );
    }
}

#[test]
fn a_plain_broker_has_no_budget_and_sends_everything_at_once() {
    let mut wire = Wire::connected(plain_broker());
    for n in 0..1000 {
        publish(&mut wire, card(n), "home/fast", &n.to_string());
    }
    assert_eq!(wire.payloads_to("home/fast").len(), 1000);
    assert!(!wire.link.is_limited());
    assert!(!wire.events.iter().any(|e| matches!(e, LinkEvent::Share(_))));
}

#[test]
fn a_slider_dragged_500_times_in_10_s_sends_within_the_budget_and_its_last_value() {
    let mut wire = Wire::connected(adafruit("free"));
    for step in 0..500u64 {
        wire.run_until(step * 20);
        publish(&mut wire, card(1), "maker/feeds/dimmer", &step.to_string());
    }
    match wire.link.slot_state(&card(1)) {
        Some(SlotState::Queued { replaced, .. }) => {
            assert!(
                replaced > 400,
                "the latest value replaced {replaced} older ones"
            )
        }
        other => panic!("the last position waits for its budget, not {other:?}"),
    }
    wire.run_until(100_000);
    let sent = wire.payloads_to("maker/feeds/dimmer");
    assert_eq!(
        sent.len(),
        28,
        "27 in the first minute, the last value after it"
    );
    assert_eq!(sent.last().map(String::as_str), Some("499"));
    assert!(matches!(
        wire.link.slot_state(&card(1)),
        Some(SlotState::Sent { .. })
    ));
}

#[test]
fn a_throttle_notice_pauses_data_until_it_ends_and_tells_the_other_tabs() {
    let mut wire = Wire::connected(adafruit("free"));
    wire.jump_to(10_000);
    let seen = wire.events.len();
    wire.deliver(
        "maker/throttle",
        "\"maker data rate limit reached, 5 seconds until throttle released\"",
    );
    publish(&mut wire, card(1), "maker/feeds/lamp", "ON");
    assert!(wire.payloads_to("maker/feeds/lamp").is_empty());
    match wire.link.slot_state(&card(1)) {
        Some(SlotState::Queued { until, hold, .. }) => {
            assert_eq!(hold, Hold::Paused(ActionClass::Data));
            assert_eq!(until, at(16_000), "5 s and a second's slack");
        }
        other => panic!("the publish waits for the throttle, not {other:?}"),
    }
    assert!(wire.events_since(seen).iter().any(|e| matches!(
        e,
        LinkEvent::Share(Shared::Pause { class: ActionClass::Data, until }) if *until == at(16_000)
    )));
    let history: Vec<&MonitorKind> = wire.link.monitor().entries().map(|e| &e.kind).collect();
    assert!(matches!(
        history[..],
        [MonitorKind::Notice(_), MonitorKind::Held { .. }]
    ));
    wire.run_until(15_999);
    assert!(wire.payloads_to("maker/feeds/lamp").is_empty());
    wire.run_until(16_000);
    assert_eq!(wire.payloads_to("maker/feeds/lamp"), vec!["ON"]);
}

#[test]
fn a_ban_holds_everything_reconnects_included_until_it_ends() {
    let mut wire = Wire::connected(adafruit("free"));
    wire.jump_to(10_000);
    wire.deliver(
        "maker/errors",
        "enforcement limit reached, your account is banned for 30 seconds",
    );
    assert_eq!(wire.link.banned_until(wire.now()), Some(at(41_000)));
    publish(&mut wire, card(1), "maker/feeds/lamp", "ON");
    assert!(matches!(
        wire.link.slot_state(&card(1)),
        Some(SlotState::Queued {
            hold: Hold::Banned,
            ..
        })
    ));
    let now = wire.now();
    let refused = wire
        .link
        .subscribe(now, "maker/feeds/other", QoS::AtMostOnce)
        .expect_err("no subscription during a ban");
    assert!(
        refused.contains("banned") && refused.contains("31 s"),
        "{refused}"
    );
    // The service drops the connection; no attempt is made while the ban lasts.
    wire.drop_connection();
    wire.run_until(40_999);
    assert_eq!(wire.opens, vec![0], "no connection attempt during the ban");
    match wire.link.status() {
        feedboard::link::LinkStatus::Reconnecting { retry_at, .. } => {
            assert_eq!(*retry_at, at(41_000))
        }
        other => panic!("the page says when it tries again, not {other:?}"),
    }
    wire.run_until(60_000);
    assert_eq!(wire.opens, vec![0, 41_000]);
    assert_eq!(wire.payloads_to("maker/feeds/lamp"), vec!["ON"]);
}

#[test]
fn two_tabs_of_one_account_stay_within_one_budget() {
    let mut first = Wire::connected(adafruit("free"));
    let mut second = Wire::connected(adafruit("free"));
    let share = |from: &Wire, to: &mut Wire, seen: &mut usize| {
        for event in from.events_since(*seen) {
            if let LinkEvent::Share(change) = event {
                to.link.handle_shared(change.clone());
            }
        }
        *seen = from.events.len();
    };
    let (mut seen_first, mut seen_second) = (0, 0);
    share(&first, &mut second, &mut seen_first);
    share(&second, &mut first, &mut seen_second);
    for n in 0..20 {
        publish(&mut first, card(n), "maker/feeds/a", &n.to_string());
    }
    share(&first, &mut second, &mut seen_first);
    for n in 0..20 {
        publish(&mut second, card(n), "maker/feeds/b", &n.to_string());
    }
    assert_eq!(first.payloads_to("maker/feeds/a").len(), 20);
    assert_eq!(
        second.payloads_to("maker/feeds/b").len(),
        7,
        "27 a minute between both tabs"
    );
    // A throttle one tab heard holds the other back too.
    first.jump_to(70_000);
    second.jump_to(70_000);
    first.deliver(
        "maker/throttle",
        "maker data rate limit reached, 20 seconds until throttle released",
    );
    share(&first, &mut second, &mut seen_first);
    second.run_until(70_000);
    publish(&mut second, card(99), "maker/feeds/c", "late");
    assert!(matches!(
        second.link.slot_state(&card(99)),
        Some(SlotState::Queued {
            hold: Hold::Paused(ActionClass::Data),
            ..
        })
    ));
}

#[test]
fn a_topic_the_service_refused_stops_its_control_until_unblocked() {
    let mut wire = Wire::connected(adafruit("free"));
    wire.deliver(
        "maker/errors",
        "io-mqtt-1 PUBLISH maker/feeds/lamp rejected, resource not available or not authorized",
    );
    let reason = wire.link.blocked("maker/feeds/lamp").expect("blocked");
    assert!(
        reason.contains("refused it (not yours, or does not exist)"),
        "{reason}"
    );
    publish(&mut wire, card(1), "maker/feeds/lamp", "ON");
    assert!(matches!(
        wire.link.slot_state(&card(1)),
        Some(SlotState::Refused(Refusal::Blocked { .. }))
    ));
    assert!(wire.payloads_to("maker/feeds/lamp").is_empty());
    wire.link.unblock("maker/feeds/lamp");
    publish(&mut wire, card(1), "maker/feeds/lamp", "ON");
    assert_eq!(wire.payloads_to("maker/feeds/lamp"), vec!["ON"]);
}

#[test]
fn publishes_the_service_would_refuse_are_refused_before_sending_with_the_reason() {
    let mut wire = Wire::connected(adafruit("free"));
    let now = wire.now();
    let too_big = "x".repeat(2000);
    let error = wire
        .link
        .publish(
            now,
            card(1),
            "maker/feeds/log",
            too_big.as_bytes(),
            QoS::AtMostOnce,
            false,
        )
        .expect_err("Adafruit IO takes 1 KB a value");
    assert!(error.contains("KB") || error.contains("bytes"), "{error}");
    let error = wire
        .link
        .publish(
            now,
            card(1),
            "maker/feeds/log",
            b"1",
            QoS::ExactlyOnce,
            false,
        )
        .expect_err("Adafruit IO has no QoS 2");
    assert!(error.contains("QoS"), "{error}");
    assert!(wire.published().is_empty());
}

#[test]
fn a_thingspeak_channel_takes_one_update_per_window_and_the_latest_form_waits() {
    let mut wire = Wire::connected(settings(ServiceKind::ThingSpeak, "device", "free"));
    let form = SlotId::control(3, ControlPart::Form);
    publish(&mut wire, form.clone(), "channels/1000/publish", "field1=1");
    wire.run_until(1000);
    publish(&mut wire, form.clone(), "channels/1000/publish", "field1=2");
    wire.run_until(2000);
    publish(
        &mut wire,
        form.clone(),
        "channels/1000/publish",
        "field1=2&field2=5",
    );
    // Another channel has its own window.
    publish(&mut wire, card(4), "channels/2000/publish", "field1=9");
    assert_eq!(wire.payloads_to("channels/"), vec!["field1=1", "field1=9"]);
    wire.run_until(16_499);
    assert_eq!(wire.payloads_to("channels/1000/").len(), 1);
    wire.run_until(16_500);
    assert_eq!(
        wire.payloads_to("channels/1000/"),
        vec!["field1=1", "field1=2&field2=5"],
        "one update per 16.5 s, the latest form"
    );
}

#[test]
fn a_followed_thingspeak_channel_shows_its_meter_before_anything_is_sent() {
    let mut wire = Wire::connected(settings(ServiceKind::ThingSpeak, "device", "free"));
    let classes = |wire: &Wire| -> Vec<ActionClass> {
        wire.link
            .meters(wire.now())
            .into_iter()
            .map(|m| m.class)
            .collect()
    };
    // History reads are limited from the start; channel updates once a channel is followed.
    assert_eq!(classes(&wire), vec![ActionClass::HistoryRead]);
    let now = wire.now();
    wire.link
        .subscribe(now, "channels/1000/subscribe", QoS::AtMostOnce)
        .expect("valid");
    assert_eq!(
        classes(&wire),
        vec![ActionClass::ChannelUpdate(1000), ActionClass::HistoryRead]
    );
    let plain = Wire::connected(plain_broker());
    assert!(plain.link.meters(plain.now()).is_empty());
}
