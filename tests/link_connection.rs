//! The connection core across connections, against a scripted broker with a fake clock: the
//! connection gate, resends held back and released in order, the saved outbox across a reload,
//! subscriptions renewed (but not refused ones), service behaviours, handing over to a new
//! connection.

#[path = "support/wire.rs"]
mod wire;

use feedboard::link::{ControlPart, Link, LinkEvent, LinkStatus, SlotId, SlotState};
use feedboard::mqtt::QoS;
use mqttrs::SubscribeReturnCodes;
use wire::*;

fn card(id: u32) -> SlotId {
    SlotId::control(id, ControlPart::Value)
}

fn publish_qos(wire: &mut Wire, slot: SlotId, topic: &str, payload: &str, qos: QoS) {
    let now = wire.now();
    wire.link
        .publish(now, slot, topic, payload.as_bytes(), qos, false)
        .expect("a valid publish");
    wire.pump();
}

fn subscribe(wire: &mut Wire, filter: &str) {
    let now = wire.now();
    wire.link
        .subscribe(now, filter, QoS::AtMostOnce)
        .expect("a valid subscription");
    wire.pump();
}

#[test]
fn connecting_subscribes_to_the_services_notices_by_itself() {
    let wire = Wire::connected(adafruit("free"));
    assert_eq!(
        wire.subscribed_since(0),
        vec!["maker/errors", "maker/throttle"]
    );
    let plain = Wire::connected(plain_broker());
    assert!(plain.subscribed_since(0).is_empty());
}

#[test]
fn a_granted_subscription_to_an_own_feed_asks_for_its_last_value() {
    let mut wire = Wire::connected(adafruit("free"));
    subscribe(&mut wire, "maker/feeds/temp");
    subscribe(&mut wire, "maker/feeds/+");
    subscribe(&mut wire, "someone/feeds/temp");
    assert_eq!(
        wire.published(),
        vec![("maker/feeds/temp/get".to_owned(), "\0".to_owned())],
        "only the user's own feed, never a wildcard or another user's"
    );
}

#[test]
fn automatic_attempts_keep_the_services_spacing_however_fast_the_socket_fails() {
    let mut wire = Wire::new(adafruit("free"));
    wire.accept = false;
    wire.connect();
    for _ in 0..120 {
        if wire.open_pending() {
            wire.drop_connection();
        }
        let next = wire.now_ms + 1000;
        wire.run_until(next);
    }
    assert!(wire.opens.len() >= 3, "{:?}", wire.opens);
    for pair in wire.opens.windows(2) {
        assert!(
            pair[1] - pair[0] >= 10_000,
            "attempts {} ms apart: {:?}",
            pair[1] - pair[0],
            wire.opens
        );
    }
}

#[test]
fn attempts_the_user_asks_for_go_at_once_but_never_past_the_budget() {
    let mut wire = Wire::new(adafruit("free"));
    wire.accept = false;
    wire.connect();
    // Every socket fails at once; the user presses "Reconnect now" every second.
    for _ in 0..60 {
        if wire.open_pending() {
            wire.drop_connection();
        }
        let next = wire.now_ms + 1000;
        wire.run_until(next);
        let now = wire.now();
        wire.link.reconnect_now(now);
        wire.pump();
    }
    for (index, first) in wire.opens.iter().enumerate() {
        let in_minute = wire.opens[index..]
            .iter()
            .take_while(|at| **at < first + 60_000)
            .count();
        assert!(
            in_minute <= 18,
            "{in_minute} attempts in the minute from {first} ms: Adafruit IO bans at 20"
        );
    }
    assert!(
        wire.opens.len() >= 18,
        "the user's attempts are not held to the spacing: {:?}",
        wire.opens
    );
}

#[test]
fn wrong_credentials_are_one_attempt_and_a_clear_message() {
    let mut wire = Wire::new(adafruit("free"));
    wire.accept = false;
    wire.connect();
    let now = wire.now();
    wire.link.handle_transport_open(now);
    wire.receive(&[0x20, 0x02, 0x00, 0x04]);
    match wire.link.status() {
        LinkStatus::Failed(reason) => {
            assert!(reason.contains("wrong username or password"), "{reason}")
        }
        other => panic!("a refusal is final, not {other:?}"),
    }
    wire.run_until(600_000);
    assert_eq!(wire.opens.len(), 1);
}

#[test]
fn disconnecting_while_the_socket_opens_closes_it_and_says_disconnected() {
    let mut wire = Wire::new(plain_broker());
    wire.accept = false;
    wire.connect();
    assert_eq!(wire.link.status(), &LinkStatus::Connecting);
    let now = wire.now();
    wire.link.disconnect(now);
    wire.pump();
    assert_eq!(wire.link.status(), &LinkStatus::Idle);
    assert_eq!(wire.link.poll_timeout(), None, "nothing scheduled");
}

#[test]
fn resends_after_a_reconnect_wait_for_the_budget_and_go_in_order_with_dup() {
    let mut wire = Wire::connected(adafruit("free"));
    wire.grant = true;
    for n in 0..24 {
        publish_qos(
            &mut wire,
            card(n),
            "maker/feeds/spend",
            "x",
            QoS::AtMostOnce,
        );
    }
    for (slot, payload) in [(100, "a"), (101, "b"), (102, "c")] {
        publish_qos(
            &mut wire,
            card(slot),
            "maker/feeds/log",
            payload,
            QoS::AtLeastOnce,
        );
    }
    assert_eq!(wire.payloads_to("maker/feeds/log"), vec!["a", "b", "c"]);
    assert_eq!(
        wire.last_persisted(),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
    wire.jump_to(1000);
    wire.drop_connection();
    wire.run_until(30_000);
    assert_eq!(wire.opens.len(), 2, "reconnected after its backoff");
    assert_eq!(wire.link.status(), &LinkStatus::Connected);
    // Made after the reconnect: it queues behind the resends.
    publish_qos(
        &mut wire,
        card(103),
        "maker/feeds/log",
        "d",
        QoS::AtLeastOnce,
    );
    assert_eq!(
        wire.payloads_to("maker/feeds/log"),
        vec!["a", "b", "c"],
        "the 27 data points of the minute are spent: resends wait"
    );
    wire.run_until(59_999);
    assert_eq!(wire.payloads_to("maker/feeds/log").len(), 3);
    wire.run_until(62_000);
    let log: Vec<(String, bool, Option<u16>)> = wire
        .sent
        .iter()
        .filter_map(|s| match s {
            Sent::Publish {
                topic,
                payload,
                dup,
                pid,
                ..
            } if topic == "maker/feeds/log" => Some((payload.clone(), *dup, *pid)),
            _ => None,
        })
        .collect();
    let first: Vec<(String, bool)> = log.iter().map(|(p, d, _)| (p.clone(), *d)).collect();
    assert_eq!(
        first,
        vec![
            ("a".into(), false),
            ("b".into(), false),
            ("c".into(), false),
            ("a".into(), true),
            ("b".into(), true),
            ("c".into(), true),
            ("d".into(), false),
        ],
        "resends in their order with DUP, then the new one"
    );
    let ids: Vec<u16> = log.iter().filter_map(|(_, _, id)| *id).collect();
    assert_eq!(ids[0..3], ids[3..6], "a resend keeps its packet id");
    assert!(!ids[0..3].contains(&ids[6]));
    for id in [ids[0], ids[1], ids[2], ids[6]] {
        wire.puback(id);
    }
    assert_eq!(wire.last_persisted(), Some(Vec::new()));
}

#[test]
fn a_qos1_publish_made_offline_survives_a_reload_and_goes_once_connected() {
    let mut before = Wire::new(plain_broker());
    publish_qos(&mut before, card(1), "home/lamp", "ON", QoS::AtLeastOnce);
    publish_qos(
        &mut before,
        card(2),
        "home/note",
        "fire and forget",
        QoS::AtMostOnce,
    );
    assert_eq!(
        before.link.slot_state(&card(1)),
        Some(SlotState::Offline),
        "it waits for the connection"
    );
    let kept = before.link.saved_outbox().to_vec();
    assert_eq!(before.last_persisted(), Some(vec!["ON".into()]));
    drop(before);

    // The page reloads: a new link on the same connection, given what storage kept.
    let mut after = Wire::new(plain_broker());
    let now = after.now();
    after.link.restore(now, kept);
    after.connect();
    assert_eq!(after.payloads_to("home/"), vec!["ON"]);
    assert!(matches!(
        after.link.slot_state(&SlotId::Restored(0)),
        Some(SlotState::Sent { .. })
    ));
    assert_eq!(after.last_persisted(), Some(vec!["ON".into()]));
    after.puback(1);
    assert_eq!(after.last_persisted(), Some(Vec::new()));
}

#[test]
fn a_subscription_the_broker_refused_is_not_renewed_after_a_reconnect() {
    let mut wire = Wire::connected(plain_broker());
    wire.grant = false;
    subscribe(&mut wire, "ok/#");
    subscribe(&mut wire, "forbidden/#");
    let ids: Vec<u16> = wire
        .sent
        .iter()
        .filter_map(|s| match s {
            Sent::Subscribe { pid, .. } => Some(*pid),
            _ => None,
        })
        .collect();
    let ok = SubscribeReturnCodes::Success(mqttrs::QoS::AtMostOnce);
    wire.suback(ids[0], vec![ok]);
    wire.suback(ids[1], vec![SubscribeReturnCodes::Failure]);
    assert!(wire
        .events
        .contains(&LinkEvent::SubscriptionRefused("forbidden/#".into())));
    let before = wire.sent.len();
    wire.grant = true;
    wire.drop_connection();
    wire.run_until(10_000);
    assert_eq!(wire.link.status(), &LinkStatus::Connected);
    assert_eq!(wire.subscribed_since(before), vec!["ok/#"]);
}

#[test]
fn a_subscription_the_service_refuses_in_a_notice_is_not_renewed() {
    let mut wire = Wire::connected(adafruit("free"));
    subscribe(&mut wire, "other/feeds/secret");
    wire.deliver(
        "maker/errors",
        "io-badstuff-1 SUBSCRIBE other/feeds/secret rejected, resource not available or not authorized",
    );
    assert!(wire
        .events
        .contains(&LinkEvent::SubscriptionRefused("other/feeds/secret".into())));
    let before = wire.sent.len();
    wire.jump_to(1000);
    wire.drop_connection();
    wire.run_until(60_000);
    assert_eq!(wire.link.status(), &LinkStatus::Connected);
    let renewed = wire.subscribed_since(before);
    assert!(
        !renewed.contains(&"other/feeds/secret".to_owned()),
        "{renewed:?}"
    );
    assert!(renewed.contains(&"maker/throttle".to_owned()));
}

#[test]
fn a_new_connection_of_the_same_account_takes_over_subscriptions_and_waiting_publishes() {
    let mut old = Wire::new(plain_broker());
    let now = old.now();
    old.link
        .subscribe(now, "home/#", QoS::AtLeastOnce)
        .expect("valid");
    publish_qos(&mut old, card(1), "home/lamp", "ON", QoS::AtLeastOnce);
    let mut next_settings = plain_broker();
    next_settings.client_id = "another-client".into();
    let carried = old.link.hand_over(&next_settings);
    let mut next = Wire::with_link(Link::new(next_settings, 9, Some(carried)));
    next.connect();
    assert_eq!(next.subscribed_since(0), vec!["home/#"]);
    assert_eq!(next.payloads_to("home/"), vec!["ON"]);

    let mut other_account = Wire::new(plain_broker());
    let now = other_account.now();
    other_account
        .link
        .subscribe(now, "mine/#", QoS::AtMostOnce)
        .expect("valid");
    let mut someone_else = plain_broker();
    someone_else.username = "someone-else".into();
    let carried = other_account.link.hand_over(&someone_else);
    let mut fresh = Wire::with_link(Link::new(someone_else, 9, Some(carried)));
    fresh.connect();
    assert!(
        fresh.subscribed_since(0).is_empty(),
        "another account's topics are not asked for"
    );
}

#[test]
fn keepalive_pings_notice_a_half_open_connection() {
    let mut wire = Wire::connected(plain_broker());
    wire.run_until(60_000);
    assert_eq!(wire.sent.last(), Some(&Sent::Pingreq));
    wire.run_until(75_000);
    match wire.link.status() {
        LinkStatus::Reconnecting { reason, .. } => {
            assert!(reason.contains("keepalive"), "{reason}")
        }
        other => panic!("a silent broker is given up on, not {other:?}"),
    }
}

#[test]
fn each_message_carries_the_time_its_bytes_arrived() {
    let mut wire = Wire::connected(plain_broker());
    subscribe(&mut wire, "home/#");
    wire.jump_to(1_000);
    wire.deliver("home/a", "1");
    wire.jump_to(1_007);
    wire.deliver("home/b", "2");
    let arrivals: Vec<(String, u64)> = wire
        .events
        .iter()
        .filter_map(|e| match e {
            LinkEvent::Message(message, at) => Some((message.topic.clone(), at.as_millis())),
            _ => None,
        })
        .collect();
    assert_eq!(
        arrivals,
        vec![("home/a".to_owned(), 1_000), ("home/b".to_owned(), 1_007)],
        "messages applied in one frame keep their own arrival times"
    );
}

#[test]
fn a_broker_that_comes_back_is_reconnected_by_the_backoff_with_subscriptions_and_resends() {
    let mut wire = Wire::connected(plain_broker());
    subscribe(&mut wire, "home/#");
    publish_qos(&mut wire, card(1), "home/lamp", "ON", QoS::AtLeastOnce);
    // The broker goes down for 20 s: every attempt meanwhile fails.
    wire.jump_to(1000);
    wire.drop_connection();
    wire.accept = false;
    while wire.now_ms < 21_000 {
        if wire.open_pending() {
            wire.drop_connection();
        }
        let next = wire.now_ms + 100;
        wire.run_until(next);
    }
    let failed_attempts = wire.opens.len() - 1;
    assert!(failed_attempts >= 3, "it kept trying: {:?}", wire.opens);
    let gaps: Vec<u64> = wire.opens.windows(2).map(|p| p[1] - p[0]).collect();
    assert!(
        gaps.windows(2).all(|g| g[1] + 1000 >= g[0]),
        "the pauses grow (with jitter): {gaps:?}"
    );
    // Back: the next attempt connects, renews the subscription and resends with DUP.
    wire.accept = true;
    let before = wire.sent.len();
    while wire.link.status() != &LinkStatus::Connected && wire.now_ms < 200_000 {
        let next = wire.now_ms + 100;
        wire.run_until(next);
    }
    assert_eq!(wire.link.status(), &LinkStatus::Connected);
    assert_eq!(wire.subscribed_since(before), vec!["home/#"]);
    assert!(wire.sent[before..].iter().any(|s| matches!(
        s,
        Sent::Publish { payload, dup: true, .. } if payload == "ON"
    )));
}

#[test]
fn reconnect_now_skips_a_long_backoff() {
    let mut wire = Wire::connected(plain_broker());
    wire.accept = false;
    wire.jump_to(1000);
    wire.drop_connection();
    for _ in 0..6 {
        if wire.open_pending() {
            wire.drop_connection();
        }
        let due = wire.link.poll_timeout().expect("a retry is scheduled");
        wire.run_until(due.as_millis());
    }
    if wire.open_pending() {
        wire.drop_connection();
    }
    let waiting = match wire.link.status() {
        LinkStatus::Reconnecting { retry_at, .. } => retry_at.as_millis() - wire.now_ms,
        other => panic!("waiting for the next attempt, not {other:?}"),
    };
    assert!(waiting >= 10_000, "the backoff has grown: {waiting} ms");
    wire.accept = true;
    let now = wire.now();
    wire.link.reconnect_now(now);
    wire.pump();
    assert_eq!(
        wire.link.status(),
        &LinkStatus::Connected,
        "at once, not in {waiting} ms"
    );
}
