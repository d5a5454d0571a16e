//! The session state machine: connect, subscribe, publish, acknowledgements, keepalive.

mod support;

use feedboard::mqtt::{
    CommandError, ConnectRefusal, ConnectionState, DisconnectReason, Event, QoS, Session,
    SessionConfig, SubscriptionStatus,
};
use mqttrs::{Packet, QosPid, SubscribeReturnCodes};
use std::time::Duration;
use support::*;

fn config() -> SessionConfig {
    SessionConfig {
        client_id: "feedboard-test".into(),
        username: Some("maker".into()),
        password: Some("aio_secret_key".into()),
        keep_alive: Duration::from_secs(30),
        ..SessionConfig::default()
    }
}

#[test]
fn opening_the_transport_sends_connect_with_every_setting() {
    let mut session = Session::new(config());
    assert_eq!(session.state(), ConnectionState::Disconnected);
    session.handle_transport_open(at(0));
    assert_eq!(session.state(), ConnectionState::Connecting);
    let out = sent(&mut session);
    assert_eq!(out.len(), 1);
    match decode(&out[0]) {
        Packet::Connect(connect) => {
            assert_eq!(connect.protocol, mqttrs::Protocol::MQTT311);
            assert_eq!(connect.client_id, "feedboard-test");
            assert_eq!(connect.username, Some("maker"));
            assert_eq!(connect.password, Some(&b"aio_secret_key"[..]));
            assert_eq!(connect.keep_alive, 30);
            assert!(connect.clean_session);
        }
        other => panic!("expected CONNECT, got {other:?}"),
    }
}

#[test]
fn debug_output_never_shows_the_password() {
    let text = format!("{:?}", Session::new(config()));
    assert!(!text.contains("aio_secret_key"), "{text}");
    assert!(text.contains("redacted"));
}

#[test]
fn connack_accepted_reports_connected_with_session_present_flag() {
    let mut session = Session::new(config());
    session.handle_transport_open(at(0));
    session.handle_bytes(at(0), &[0x20, 0x02, 0x01, 0x00]);
    assert_eq!(
        events(&mut session),
        vec![Event::Connected {
            session_present: true
        }]
    );
    assert_eq!(session.state(), ConnectionState::Connected);
}

#[test]
fn every_connack_refusal_code_maps_to_its_own_reason_and_message() {
    let expected = [
        (1, ConnectRefusal::UnacceptableProtocolVersion, "MQTT 3.1.1"),
        (2, ConnectRefusal::IdentifierRejected, "client ID"),
        (3, ConnectRefusal::ServerUnavailable, "unavailable"),
        (
            4,
            ConnectRefusal::BadUsernameOrPassword,
            "wrong username or password",
        ),
        (5, ConnectRefusal::NotAuthorized, "not authorised"),
        (
            6,
            ConnectRefusal::ReconnectRateExceeded,
            "too many connection attempts",
        ),
        (7, ConnectRefusal::Banned, "banned"),
        (9, ConnectRefusal::Unknown(9), "unknown code 9"),
    ];
    for (code, refusal, words) in expected {
        let mut session = Session::new(config());
        session.handle_transport_open(at(0));
        session.handle_bytes(at(0), &connack(code));
        let reason = disconnect_reason(&mut session);
        assert_eq!(reason, DisconnectReason::Refused(refusal));
        assert!(reason.to_string().contains(words), "code {code}: {reason}");
        assert_eq!(refusal.code(), code);
        assert_eq!(session.state(), ConnectionState::Disconnected);
    }
    assert!(!ConnectRefusal::BadUsernameOrPassword.is_retryable());
    assert!(!ConnectRefusal::NotAuthorized.is_retryable());
    assert!(ConnectRefusal::ServerUnavailable.is_retryable());
}

#[test]
fn subscriptions_made_offline_are_sent_in_one_subscribe_after_connack() {
    let mut session = Session::new(config());
    session.subscribe("a/+", QoS::AtMostOnce).unwrap();
    session.subscribe("b/#", QoS::AtLeastOnce).unwrap();
    assert!(sent(&mut session).is_empty());
    session.handle_transport_open(at(0));
    sent(&mut session);
    session.handle_bytes(at(0), &connack(0));
    let out = sent(&mut session);
    assert_eq!(out.len(), 1);
    match decode(&out[0]) {
        Packet::Subscribe(subscribe) => {
            let filters: Vec<(&str, mqttrs::QoS)> = subscribe
                .topics
                .iter()
                .map(|t| (t.topic_path.as_str(), t.qos))
                .collect();
            assert_eq!(
                filters,
                vec![
                    ("a/+", mqttrs::QoS::AtMostOnce),
                    ("b/#", mqttrs::QoS::AtLeastOnce)
                ]
            );
        }
        other => panic!("expected SUBSCRIBE, got {other:?}"),
    }
}

#[test]
fn suback_failure_marks_only_that_filter() {
    let mut session = connected_session(config());
    session.subscribe("ok/topic", QoS::AtLeastOnce).unwrap();
    session
        .subscribe("forbidden/topic", QoS::AtMostOnce)
        .unwrap();
    let ids: Vec<u16> = sent(&mut session)
        .iter()
        .map(|bytes| match decode(bytes) {
            Packet::Subscribe(s) => s.pid.get(),
            other => panic!("expected SUBSCRIBE, got {other:?}"),
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for (id, code) in ids.iter().zip([
        SubscribeReturnCodes::Success(mqttrs::QoS::AtMostOnce),
        SubscribeReturnCodes::Failure,
    ]) {
        session.handle_bytes(
            at(1),
            &broker_bytes(&Packet::Suback(mqttrs::Suback {
                pid: pid(*id),
                return_codes: vec![code],
            })),
        );
    }
    assert_eq!(
        events(&mut session),
        vec![
            Event::Subscribed {
                filter: "ok/topic".into(),
                status: SubscriptionStatus::Granted(QoS::AtMostOnce)
            },
            Event::Subscribed {
                filter: "forbidden/topic".into(),
                status: SubscriptionStatus::Refused
            },
        ]
    );
    let subs = session.subscriptions();
    assert_eq!(
        subs.get("ok/topic").map(|s| s.status),
        Some(SubscriptionStatus::Granted(QoS::AtMostOnce))
    );
    assert_eq!(
        subs.get("forbidden/topic").map(|s| s.status),
        Some(SubscriptionStatus::Refused)
    );
}

#[test]
fn suback_with_the_wrong_number_of_codes_is_a_protocol_error() {
    let mut session = connected_session(config());
    session.subscribe("a", QoS::AtMostOnce).unwrap();
    let id = match decode(&sent(&mut session)[0]) {
        Packet::Subscribe(s) => s.pid.get(),
        other => panic!("expected SUBSCRIBE, got {other:?}"),
    };
    session.handle_bytes(
        at(1),
        &broker_bytes(&Packet::Suback(mqttrs::Suback {
            pid: pid(id),
            return_codes: vec![SubscribeReturnCodes::Failure, SubscribeReturnCodes::Failure],
        })),
    );
    assert!(matches!(
        disconnect_reason(&mut session),
        DisconnectReason::Protocol(_)
    ));
}

#[test]
fn invalid_filters_and_topics_are_refused_before_anything_is_sent() {
    let mut session = connected_session(config());
    assert!(matches!(
        session.subscribe("a/#/b", QoS::AtMostOnce),
        Err(CommandError::InvalidFilter(_))
    ));
    assert!(matches!(
        session.publish(at(1), "a/+", b"x", QoS::AtMostOnce, false),
        Err(CommandError::InvalidTopic(_))
    ));
    assert!(sent(&mut session).is_empty());
    assert!(session.subscriptions().is_empty());
}

#[test]
fn unsubscribe_sends_unsubscribe_and_reports_the_unsuback() {
    let mut session = connected_session(config());
    session.subscribe("x/y", QoS::AtMostOnce).unwrap();
    sent(&mut session);
    assert_eq!(session.unsubscribe("x/y"), Ok(true));
    assert_eq!(session.unsubscribe("never/subscribed"), Ok(false));
    let out = sent(&mut session);
    assert_eq!(out.len(), 1);
    let id = match decode(&out[0]) {
        Packet::Unsubscribe(u) => {
            assert_eq!(u.topics, vec!["x/y".to_string()]);
            u.pid.get()
        }
        other => panic!("expected UNSUBSCRIBE, got {other:?}"),
    };
    session.handle_bytes(at(1), &broker_bytes(&Packet::Unsuback(pid(id))));
    assert_eq!(
        events(&mut session),
        vec![Event::Unsubscribed {
            filters: vec!["x/y".into()]
        }]
    );
    assert!(session.subscriptions().is_empty());
}

#[test]
fn qos0_publish_is_encoded_and_needs_a_connection() {
    let mut offline = Session::new(config());
    assert_eq!(
        offline.publish(at(0), "t", b"v", QoS::AtMostOnce, false),
        Err(CommandError::NotConnected)
    );
    let mut session = connected_session(config());
    assert_eq!(
        session.publish(at(1), "user/feeds/temp", b"21.5", QoS::AtMostOnce, true),
        Ok(None)
    );
    match decode(&sent(&mut session)[0]) {
        Packet::Publish(p) => {
            assert_eq!(p.topic_name, "user/feeds/temp");
            assert_eq!(p.payload, b"21.5");
            assert_eq!(p.qospid, QosPid::AtMostOnce);
            assert!(p.retain);
        }
        other => panic!("expected PUBLISH, got {other:?}"),
    }
}

#[test]
fn inbound_qos1_is_delivered_and_acknowledged_with_its_packet_id() {
    let mut session = connected_session(config());
    session.handle_bytes(
        at(1),
        &publish_bytes("t", b"hello", QosPid::AtLeastOnce(pid(42))),
    );
    match events(&mut session).as_slice() {
        [Event::Message(m)] => {
            assert_eq!(m.payload, b"hello");
            assert_eq!(m.qos, QoS::AtLeastOnce);
        }
        other => panic!("expected a message, got {other:?}"),
    }
    assert_eq!(decode(&sent(&mut session)[0]), Packet::Puback(pid(42)));
}

#[test]
fn inbound_qos2_is_delivered_exactly_once_despite_resends() {
    let mut session = connected_session(config());
    let bytes = publish_bytes("t", b"once", QosPid::ExactlyOnce(pid(9)));
    session.handle_bytes(at(1), &bytes);
    session.handle_bytes(at(1), &bytes);
    let messages = events(&mut session)
        .into_iter()
        .filter(|e| matches!(e, Event::Message(_)))
        .count();
    assert_eq!(messages, 1);
    let out = sent(&mut session);
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|b| decode(b) == Packet::Pubrec(pid(9))));
    session.handle_bytes(at(2), &broker_bytes(&Packet::Pubrel(pid(9))));
    assert_eq!(decode(&sent(&mut session)[0]), Packet::Pubcomp(pid(9)));
    // After release, the same id starts a new message.
    session.handle_bytes(at(3), &bytes);
    assert_eq!(events(&mut session).len(), 1);
}

#[test]
fn outgoing_qos1_is_delivered_on_puback() {
    let mut session = connected_session(config());
    let id = session
        .publish(at(1), "t", b"v", QoS::AtLeastOnce, false)
        .unwrap()
        .expect("QoS 1 has a packet id");
    match decode(&sent(&mut session)[0]) {
        Packet::Publish(p) => assert_eq!(p.qospid, QosPid::AtLeastOnce(pid(id))),
        other => panic!("expected PUBLISH, got {other:?}"),
    }
    assert_eq!(session.outbox().len(), 1);
    session.handle_bytes(at(2), &broker_bytes(&Packet::Puback(pid(id))));
    assert_eq!(
        events(&mut session),
        vec![Event::Delivered { packet_id: id }]
    );
    assert!(session.outbox().is_empty());
}

#[test]
fn outgoing_qos2_goes_through_pubrec_pubrel_pubcomp() {
    let mut session = connected_session(config());
    let id = session
        .publish(at(1), "t", b"v", QoS::ExactlyOnce, false)
        .unwrap()
        .expect("QoS 2 has a packet id");
    sent(&mut session);
    session.handle_bytes(at(2), &broker_bytes(&Packet::Pubrec(pid(id))));
    assert_eq!(decode(&sent(&mut session)[0]), Packet::Pubrel(pid(id)));
    assert!(events(&mut session).is_empty());
    session.handle_bytes(at(3), &broker_bytes(&Packet::Pubcomp(pid(id))));
    assert_eq!(
        events(&mut session),
        vec![Event::Delivered { packet_id: id }]
    );
}

#[test]
fn unacknowledged_publishes_are_resent_with_dup_in_order_after_reconnect() {
    let mut session = connected_session(config());
    let first = session
        .publish(at(1), "t", b"1", QoS::AtLeastOnce, false)
        .unwrap();
    let second = session
        .publish(at(1), "t", b"2", QoS::AtLeastOnce, false)
        .unwrap();
    sent(&mut session);
    session.handle_transport_closed(at(1), "the connection dropped".into());
    assert_eq!(
        disconnect_reason(&mut session),
        DisconnectReason::TransportClosed("the connection dropped".into())
    );
    // Offline QoS 1 publishes wait in the outbox.
    let third = session
        .publish(at(2), "t", b"3", QoS::AtLeastOnce, false)
        .unwrap();
    session.handle_transport_open(at(3));
    sent(&mut session);
    session.handle_bytes(at(3), &connack(0));
    let resent: Vec<(Option<u16>, bool, Vec<u8>)> = sent(&mut session)
        .iter()
        .map(|bytes| match decode(bytes) {
            Packet::Publish(p) => match p.qospid {
                QosPid::AtLeastOnce(id) => (Some(id.get()), p.dup, p.payload.to_vec()),
                _ => panic!("expected QoS 1"),
            },
            other => panic!("expected PUBLISH, got {other:?}"),
        })
        .collect();
    assert_eq!(
        resent,
        vec![
            (first, true, b"1".to_vec()),
            (second, true, b"2".to_vec()),
            (third, false, b"3".to_vec()),
        ]
    );
}

/// The (packet id, DUP, payload) of each PUBLISH in `packets`.
fn publishes(packets: &[Vec<u8>]) -> Vec<(u16, bool, Vec<u8>)> {
    packets
        .iter()
        .filter_map(|bytes| match decode(bytes) {
            Packet::Publish(p) => match p.qospid {
                QosPid::AtLeastOnce(id) => Some((id.get(), p.dup, p.payload.to_vec())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[test]
fn held_resends_leave_one_at_a_time_in_order_and_new_publishes_queue_behind_them() {
    let mut session = connected_session(SessionConfig {
        hold_resends: true,
        ..config()
    });
    let first = session
        .publish(at(1), "t", b"1", QoS::AtLeastOnce, false)
        .unwrap();
    let second = session
        .publish(at(1), "t", b"2", QoS::AtLeastOnce, false)
        .unwrap();
    sent(&mut session);
    session.handle_transport_closed(at(1), "lost".into());
    events(&mut session);
    session.handle_transport_open(at(3));
    sent(&mut session);
    session.handle_bytes(at(3), &connack(0));
    assert!(
        publishes(&sent(&mut session)).is_empty(),
        "nothing resent by itself"
    );
    let held: Vec<u16> = session.held_publishes().map(|p| p.packet_id).collect();
    assert_eq!(held, vec![first.unwrap(), second.unwrap()]);
    // A publish made now waits behind the held ones instead of overtaking them.
    let third = session
        .publish(at(4), "t", b"3", QoS::AtLeastOnce, false)
        .unwrap();
    assert!(publishes(&sent(&mut session)).is_empty());
    let mut order = Vec::new();
    while let Some(id) = session.transmit_held(at(5)) {
        order.extend(publishes(&sent(&mut session)));
        assert_eq!(Some(id), order.last().map(|p| p.0));
    }
    assert_eq!(
        order,
        vec![
            (first.unwrap(), true, b"1".to_vec()),
            (second.unwrap(), true, b"2".to_vec()),
            (third.unwrap(), false, b"3".to_vec()),
        ]
    );
    // With nothing held, a publish goes at once again.
    session
        .publish(at(6), "t", b"4", QoS::AtLeastOnce, false)
        .unwrap();
    assert_eq!(publishes(&sent(&mut session)).len(), 1);
}

#[test]
fn a_deferred_attempt_comes_due_when_asked_and_not_before() {
    let mut session = Session::new(config());
    session.defer_reconnect(at(0), at(10));
    assert!(matches!(
        events(&mut session).as_slice(),
        [Event::ReconnectScheduled { delay, .. }] if *delay == Duration::from_secs(10)
    ));
    assert_eq!(session.poll_timeout(), Some(at(10)));
    session.handle_timeout(at(9));
    assert!(events(&mut session).is_empty());
    session.handle_timeout(at(10));
    assert_eq!(events(&mut session), vec![Event::ReconnectDue]);
}

#[test]
fn a_connection_lost_right_after_a_large_message_says_so() {
    let mut session = connected_session(SessionConfig {
        reconnect: None,
        ..config()
    });
    session
        .publish(
            at(1),
            "big",
            &vec![b'x'; 200 * 1024],
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    sent(&mut session);
    session.handle_transport_closed(
        at(2),
        "the connection to the broker was lost (code 1006)".into(),
    );
    let reason = disconnect_reason(&mut session).to_string();
    assert!(
        reason.contains("200 KB") && reason.contains("may refuse messages that large"),
        "{reason}"
    );
    // Long after a large message, a lost connection is just that.
    let mut session = connected_session(SessionConfig {
        reconnect: None,
        ..config()
    });
    session
        .publish(
            at(1),
            "big",
            &vec![b'x'; 200 * 1024],
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    session.handle_transport_closed(at(60), "lost".into());
    assert_eq!(disconnect_reason(&mut session).to_string(), "lost");
}

#[test]
fn a_refused_subscription_is_not_renewed_until_asked_for_again() {
    let mut session = connected_session(config());
    session.subscribe("ok", QoS::AtMostOnce).unwrap();
    session.subscribe("theirs/f/x", QoS::AtMostOnce).unwrap();
    sent(&mut session);
    session.mark_refused("theirs/f/x");
    session.handle_transport_closed(at(1), "lost".into());
    events(&mut session);
    session.handle_transport_open(at(10));
    sent(&mut session);
    session.handle_bytes(at(10), &connack(0));
    let renewed: Vec<String> = sent(&mut session)
        .iter()
        .filter_map(|bytes| match decode(bytes) {
            Packet::Subscribe(s) => Some(
                s.topics
                    .iter()
                    .map(|t| t.topic_path.clone())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(renewed, vec!["ok".to_owned()]);
    assert_eq!(
        session.subscriptions().get("theirs/f/x").map(|s| s.status),
        Some(SubscriptionStatus::Refused)
    );
    session.subscribe("theirs/f/x", QoS::AtMostOnce).unwrap();
    assert!(matches!(
        decode(&sent(&mut session)[0]),
        Packet::Subscribe(_)
    ));
}

#[test]
fn subscriptions_are_renewed_on_every_new_connection() {
    let mut session = connected_session(config());
    session.subscribe("a", QoS::AtMostOnce).unwrap();
    sent(&mut session);
    session.handle_transport_closed(at(1), "lost".into());
    events(&mut session);
    assert_eq!(
        session.subscriptions().get("a").map(|s| s.status),
        Some(SubscriptionStatus::Pending)
    );
    session.handle_transport_open(at(10));
    sent(&mut session);
    session.handle_bytes(at(10), &connack(0));
    assert!(matches!(
        decode(&sent(&mut session)[0]),
        Packet::Subscribe(_)
    ));
}

#[test]
fn an_idle_connection_pings_at_the_keepalive_interval() {
    let mut session = connected_session(config());
    assert_eq!(session.poll_timeout(), Some(at(30)));
    session.handle_timeout(at(29));
    assert!(sent(&mut session).is_empty());
    session.handle_timeout(at(30));
    assert_eq!(decode(&sent(&mut session)[0]), Packet::Pingreq);
    // Waiting for the answer: the next deadline is the ping timeout.
    assert_eq!(session.poll_timeout(), Some(at(45)));
    session.handle_bytes(at(31), &[0xd0, 0x00]);
    assert_eq!(session.poll_timeout(), Some(at(60)));
    // A publish counts as traffic and pushes the next ping back.
    session
        .publish(at(50), "t", b"x", QoS::AtMostOnce, false)
        .unwrap();
    sent(&mut session);
    assert_eq!(session.poll_timeout(), Some(at(80)));
}

#[test]
fn an_hour_of_keepalives_runs_without_a_clock() {
    let mut session = connected_session(config());
    let mut pings = 0;
    let mut now = at(0);
    while now < at(3600) {
        now = session
            .poll_timeout()
            .expect("connected sessions have a deadline");
        session.handle_timeout(now);
        for bytes in sent(&mut session) {
            assert_eq!(decode(&bytes), Packet::Pingreq);
            pings += 1;
            session.handle_bytes(now, &[0xd0, 0x00]);
        }
    }
    assert_eq!(pings, 120);
    assert_eq!(session.state(), ConnectionState::Connected);
}

#[test]
fn a_missing_pingresp_declares_the_connection_dead() {
    let mut session = connected_session(config());
    session.handle_timeout(at(30));
    sent(&mut session);
    session.handle_timeout(at(44));
    assert_eq!(session.state(), ConnectionState::Connected);
    session.handle_timeout(at(45));
    assert_eq!(
        disconnect_reason(&mut session),
        DisconnectReason::KeepaliveTimeout
    );
    assert_eq!(session.poll_timeout(), session.reconnect_at());
    assert!(
        session.reconnect_at().is_some(),
        "a half-open connection is retried"
    );
}

#[test]
fn a_broker_that_never_answers_connect_times_out() {
    let mut session = Session::new(config());
    session.handle_transport_open(at(0));
    assert_eq!(session.poll_timeout(), Some(at(15)));
    session.handle_timeout(at(15));
    assert_eq!(
        disconnect_reason(&mut session),
        DisconnectReason::ConnackTimeout
    );
}

#[test]
fn disconnect_sends_disconnect_and_keeps_subscriptions_for_next_time() {
    let mut session = connected_session(config());
    session.subscribe("keep/me", QoS::AtMostOnce).unwrap();
    sent(&mut session);
    session.disconnect(at(5));
    assert_eq!(decode(&sent(&mut session)[0]), Packet::Disconnect);
    assert_eq!(
        disconnect_reason(&mut session),
        DisconnectReason::ClosedByClient
    );
    assert!(session.subscriptions().get("keep/me").is_some());
    // Bytes that straggle in after the close are ignored.
    session.handle_bytes(at(6), &publish_bytes("t", b"late", QosPid::AtMostOnce));
    assert!(events(&mut session).is_empty());
}

#[test]
fn packet_ids_skip_those_still_in_flight_and_never_use_zero() {
    let mut session = connected_session(config());
    let mut ids = std::collections::BTreeSet::new();
    for _ in 0..66_000u32 {
        if let Ok(Some(id)) = session.publish(at(1), "t", b"", QoS::AtLeastOnce, false) {
            assert!(ids.insert(id), "id {id} handed out twice while in flight");
        }
        sent(&mut session);
    }
    assert_eq!(ids.len(), usize::from(u16::MAX));
    assert!(!ids.contains(&0));
    assert_eq!(
        session.publish(at(1), "t", b"", QoS::AtLeastOnce, false),
        Err(CommandError::NoPacketIdFree)
    );
}

#[test]
fn a_100_kb_publish_round_trips_through_encode_and_framing() {
    let mut session = connected_session(config());
    let payload: Vec<u8> = (0..100 * 1024).map(|i| (i % 251) as u8).collect();
    session
        .publish(at(1), "big", &payload, QoS::AtMostOnce, false)
        .unwrap();
    let bytes = sent(&mut session).remove(0);
    // The broker echoes it back in 1 000-byte WebSocket messages.
    for chunk in bytes.chunks(1000) {
        session.handle_bytes(at(2), chunk);
    }
    match events(&mut session).as_slice() {
        [Event::Message(m)] => assert_eq!(m.payload, payload),
        other => panic!("expected the echo, got {other:?}"),
    }
}

fn reconnecting_config(first: u64) -> SessionConfig {
    SessionConfig {
        reconnect: Some(feedboard::mqtt::reconnect::ReconnectPolicy {
            first_delay: Duration::from_secs(first),
            max_delay: Duration::from_secs(60),
            jitter: 0.0,
        }),
        ..config()
    }
}

#[test]
fn a_lost_connection_schedules_a_reconnect_that_comes_due() {
    let mut session = connected_session(reconnecting_config(10));
    session.handle_transport_closed(at(100), "lost".into());
    assert_eq!(
        events(&mut session),
        vec![
            Event::Disconnected(DisconnectReason::TransportClosed("lost".into())),
            Event::ReconnectScheduled {
                delay: Duration::from_secs(10),
                attempt: 1
            },
        ]
    );
    assert_eq!(session.poll_timeout(), Some(at(110)));
    session.handle_timeout(at(109));
    assert!(events(&mut session).is_empty());
    session.handle_timeout(at(110));
    assert_eq!(events(&mut session), vec![Event::ReconnectDue]);
    assert_eq!(session.poll_timeout(), None);
}

#[test]
fn failed_attempts_back_off_and_a_connack_resets_the_backoff() {
    let mut session = connected_session(reconnecting_config(10));
    session.handle_transport_closed(at(0), "lost".into());
    let mut delays = Vec::new();
    for _ in 0..4 {
        let due = session.reconnect_at().expect("a reconnect is scheduled");
        session.handle_timeout(due);
        events(&mut session);
        // The new socket fails before it opens.
        session.handle_transport_closed(due, "could not connect".into());
        delays.push(
            session
                .reconnect_at()
                .expect("rescheduled")
                .saturating_since(due)
                .as_secs(),
        );
        events(&mut session);
    }
    assert_eq!(delays, vec![20, 40, 60, 60]);
    let due = session.reconnect_at().expect("scheduled");
    session.handle_timeout(due);
    session.handle_transport_open(due);
    session.handle_bytes(due, &connack(0));
    session.handle_transport_closed(due, "lost again".into());
    assert_eq!(session.reconnect_at(), Some(due + Duration::from_secs(10)));
}

#[test]
fn bad_credentials_and_a_user_disconnect_never_reconnect() {
    for code in [4, 5] {
        let mut session = Session::new(reconnecting_config(1));
        session.handle_transport_open(at(0));
        session.handle_bytes(at(0), &connack(code));
        let evs = events(&mut session);
        assert_eq!(evs.len(), 1, "code {code}: {evs:?}");
        assert_eq!(session.reconnect_at(), None);
    }
    let mut session = connected_session(reconnecting_config(1));
    session.disconnect(at(5));
    assert_eq!(
        events(&mut session),
        vec![Event::Disconnected(DisconnectReason::ClosedByClient)]
    );
    assert_eq!(session.poll_timeout(), None);
}

#[test]
fn disconnecting_while_waiting_to_reconnect_cancels_the_attempt() {
    let mut session = connected_session(reconnecting_config(10));
    session.handle_transport_closed(at(0), "lost".into());
    events(&mut session);
    session.disconnect(at(3));
    assert_eq!(
        events(&mut session),
        vec![Event::Disconnected(DisconnectReason::ClosedByClient)]
    );
    session.handle_timeout(at(10));
    assert!(
        events(&mut session).is_empty(),
        "no ReconnectDue after cancelling"
    );
}

#[test]
fn subscriptions_and_outbox_survive_an_automatic_reconnect() {
    let mut session = connected_session(reconnecting_config(1));
    session.subscribe("keep/me", QoS::AtLeastOnce).unwrap();
    let id = session
        .publish(at(0), "t", b"v", QoS::AtLeastOnce, false)
        .unwrap();
    sent(&mut session);
    session.handle_transport_closed(at(1), "lost".into());
    session.handle_timeout(at(2));
    assert!(events(&mut session).contains(&Event::ReconnectDue));
    session.handle_transport_open(at(2));
    sent(&mut session);
    session.handle_bytes(at(2), &connack(0));
    let out = sent(&mut session);
    let kinds: Vec<String> = out
        .iter()
        .map(|b| match decode(b) {
            Packet::Publish(p) => format!("publish dup={} id={:?}", p.dup, p.qospid),
            Packet::Subscribe(s) => format!("subscribe {}", s.topics[0].topic_path),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            format!(
                "publish dup=true id={:?}",
                QosPid::AtLeastOnce(pid(id.unwrap()))
            ),
            "subscribe keep/me".to_string()
        ]
    );
}

#[test]
fn a_reconnect_now_that_fails_is_reported_and_backs_off_again() {
    let mut session = connected_session(reconnecting_config(10));
    session.handle_transport_closed(at(0), "lost".into());
    events(&mut session);
    // The user presses "Reconnect now" at 3 s; that socket fails before it opens.
    session.cancel_reconnect();
    assert_eq!(session.poll_timeout(), None);
    session.handle_transport_closed(at(3), "could not connect".into());
    assert_eq!(
        events(&mut session),
        vec![
            Event::Disconnected(DisconnectReason::TransportClosed(
                "could not connect".into()
            )),
            Event::ReconnectScheduled {
                delay: Duration::from_secs(20),
                attempt: 2
            },
        ]
    );
    assert_eq!(session.reconnect_at(), Some(at(23)));
}
